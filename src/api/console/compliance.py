"""Compliance pages (DOMAIN §9): find a case (by case id or a unique prefix of it, a certificate number, or a full ID
number posted and never shown back), the case page with its timeline, its state as of a business date and a diff
between two moments, and register verification started from the page, its progress refreshing itself.

Who sees what is the API's: the search follows `GET /cases` and `POST /candidates/lookup`, the case page the replay
routes' rows (`GET /cases/{case_id}/timeline`, `/as-of`, `/diff`: one set of roles), verification
`POST /registers/verifications`; another body's case is the same 404 page as a missing one."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from api import verifications
from api.console.access import checked_form, following, services
from api.console.render import PREFIX, page
from api.console.session import Session
from api.queries import Reading, scoped_body
from api.routes.candidates import sees
from api.routes.common import case_in_scope
from cases.errors import DomainError, InvalidInput, NotFound
from cases.identity import parse_id_number
from cases.projections.case_index import cases_with_id_prefix
from cases.projections.certificates import find_certificates
from cases.service import case_diff, case_timeline, replay
from cases.service.moment import Moment
from cases.settings import today

router = APIRouter()
SEARCH = following("GET", "/cases")
LOOKUP = following("POST", "/candidates/lookup")
REPLAY = following("GET", "/cases/{case_id}/timeline")  # the as-of and diff rows admit the same roles (the tests say so)
VERIFY = following("POST", "/registers/verifications")
READ_VERIFICATION = following("GET", "/registers/verifications/{verification_id}")
ID_PREFIX = re.compile(r"[0-9a-f-]{4,36}")
LISTED = ("body", "holder_name", "occupation", "level")
SHOWN = 50  # matches listed; more is a prefix too short to be useful
REFRESH_SECONDS = 2


# --- find a case --------------------------------------------------------------------------------------------


def search_page(request: Request, found: Session, *, status: int = 200, **values: Any) -> Response:
    values = {"query": "", "rows": None, "error": None, "by_id_number": False, **values}
    return page(request, "compliance_search.html", status, who=found.who, csrf=found.csrf, **values)


@router.get("/cases")
def search(request: Request, q: str = "", found: Session = Depends(SEARCH)) -> Response:
    """A case id (or a unique prefix of it) or a certificate number; one match opens the case page."""
    text = q.strip()[:60]
    if not text:
        return search_page(request, found)
    read, body = Reading(services(request)), scoped_body(found.who, None)
    rows = [
        {"case_id": str(row["case_id"]), "certificate_number": row["number"], **{k: row[k] for k in LISTED}}
        for row in read.query(find_certificates, body, None, text, 2, 0)
    ]
    if ID_PREFIX.fullmatch(text.lower()):
        rows += read.query(cases_with_id_prefix, text.lower(), body, SHOWN + 1)
    if len(rows) == 1:
        return RedirectResponse(f"{PREFIX}/cases/{rows[0]['case_id']}", status_code=303)
    return search_page(request, found, query=text, rows=rows[:SHOWN], more=len(rows) > SHOWN)


@router.post("/cases/by-id-number")
def by_id_number(
    request: Request, form: FormData = Depends(checked_form), found: Session = Depends(LOOKUP)
) -> Response:  # fmt: skip
    """The ID number comes in the form's body (never a URL) and is never shown back: the page lists the candidate's
    cases in the caller's scope; an unknown candidate and one without a case here are the same "none"."""
    try:
        number = parse_id_number(str(form.get("id_number", "")).strip()).number
    except DomainError as error:
        return search_page(request, found, status=error.http_status, by_id_number=True, error=error)
    candidate = services(request).app.find_candidate(number)
    if candidate is None or not sees(found.who, candidate):
        return search_page(request, found, status=404, by_id_number=True, rows=[])
    rows = [
        {"case_id": case_id, "body": case["body"], "holder_name": candidate.name, "occupation": case["occupation"],
         "level": case["level"], "applied_on": case["applied_on"]}
        for case_id, case in candidate.cases.items() if found.who.sees(case["body"])
    ]  # fmt: skip
    return search_page(request, found, by_id_number=True, rows=rows)


def shown(value: Any) -> str:
    """A value as the page prints it: text as it is, anything else as JSON with its Chinese legible."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


# --- the case page ------------------------------------------------------------------------------------------


def case_id_of(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise NotFound(f"no case {text[:40]}", field="case_id") from None


def day_of(text: str, field: str) -> date:
    moment = Moment.parse(text, field)
    if moment.on is None:
        raise InvalidInput("a business date, e.g. 2026-05-01", field=field)
    return moment.on


@router.get("/cases/{case_id}")
def case_page(
    request: Request, case_id: str, on: str = "", from_: str = Query("", alias="from"), to: str = "",
    found: Session = Depends(REPLAY),
) -> Response:  # fmt: skip
    """The case as it stands today (the view of `GET /cases/{id}`) and its timeline; `?on=` the state as of a
    business date, `?from=&to=` (dates or versions) what changed between them. A refused moment shows its reason on
    the page."""
    uuid = case_id_of(case_id)
    case = case_in_scope(request, found.who, uuid)  # another body's: NotFound, the 404 page
    app = services(request).app
    view = {
        **replay.summarise(case).to_dict(), "stage": case.stage_on(today()), "body": case.body, "level": case.level,
        "occupation": case.occupation, "work_type": case.work_type, "holder_name": case.holder_name,
        "holder_id_masked": case.holder_id_masked,
    }  # fmt: skip
    history = replay.CaseHistory(app, uuid, case)  # the page's three answers share one read of the case's events
    as_of, diff, error = None, None, None
    try:
        if on:
            state, reached = replay.state_and_business_date(app, uuid, on=day_of(on, "on"), loaded=history)
            as_of = {**state.to_dict(), "business_date": reached}
        if from_ or to:
            start, end = Moment.parse(from_, "from"), Moment.parse(to, "to")
            diff = case_diff.diff(app, uuid, from_version=start.version, from_at=start.at, from_on=start.on,
                                  to_version=end.version, to_at=end.at, to_on=end.on, loaded=history).to_dict()  # fmt: skip
            diff["changes"] = [{**c, "old": shown(c["old"]), "new": shown(c["new"])} for c in diff["changes"]]
    except DomainError as refused:
        error = refused
    timeline = [{**entry.to_dict(), "values": shown(entry.values)} for entry in case_timeline.timeline(app, uuid, loaded=history)]
    return page(
        request, "compliance_case.html", error.http_status if error else 200, who=found.who, csrf=found.csrf, case=view,
        timeline=timeline, as_of=as_of, diff=diff, error=error, asked={"on": on, "from": from_, "to": to},
    )  # fmt: skip


# --- register verification ----------------------------------------------------------------------------------


@router.post("/registers/verifications")
async def start_verification(
    request: Request, form: FormData = Depends(checked_form), found: Session = Depends(VERIFY)
) -> Response:  # fmt: skip
    """Started as `POST /registers/verifications` starts one; its page follows it."""
    kept = services(request)
    verification_id, thread = await run_in_threadpool(
        verifications.start, kept.projections, kept.api_store, found.who.actor, kept.stopping
    )  # fmt: skip
    kept.verifications.append(thread)
    return RedirectResponse(f"{PREFIX}/registers/verifications/{verification_id}", status_code=303)


@router.get("/registers/verifications/{verification_id}")
def verification(request: Request, verification_id: str, found: Session = Depends(READ_VERIFICATION)) -> Response:
    """Its progress per register, the page refreshing itself while it runs; then equal, differ (with each
    difference), behind or failed."""
    record = verifications.find(services(request).api_store, verification_id[:64])
    record["differences"] = [{**d, "live": shown(d["live"]), "rebuilt": shown(d["rebuilt"])} for d in record["differences"]]
    refresh = REFRESH_SECONDS if record["outcome"] == "running" else None
    response = page(request, "compliance_verification.html", who=found.who, csrf=found.csrf, verification=record, refresh=refresh)
    if refresh:
        response.headers["Refresh"] = str(refresh)  # as the page's own <meta http-equiv="refresh">
    return response
