"""Printables (issue 14 "Public pages"): the electronic certificate (电子证书, seed 004 五) and the admission ticket
(准考证), each an A4 page with a print stylesheet and a QR code, drawn by segno as inline SVG (no image request, no
other host).

- The certificate, GET /console/certificates/{number}/print?name=…: public like the verification page — no sign-in,
  no ID number (not even masked: the register's public row has none), the same per-address limit as the API's
  /public routes, the same answer for an unknown number and a wrong name (a 404 page). Its QR code opens this
  host's /console/verify?number=…&name=…, so a reader checks the paper against the register as it stands. A
  certificate no longer valid (revoked, replaced) prints "not valid" instead of the certificate.
- The admission ticket, GET /console/cases/{case_id}/ticket?on=…: signed in, the API's GET /cases/{case_id}/ticket
  policy (the case's body's registrars and examiners; another body's case is a 404 page) and its refusals
  (`ticket_not_available` before approval and payment, without a seat, or before the download day — shown with
  its code, field and message). `on` is the day it is downloaded (default today in Shanghai). A ticket has no
  certificate to verify, so its QR code opens a public check of the ticket itself: this host's
  /console/tickets/verify?case=…&name=…, which the examiner at the door (or anyone holding the paper) opens without
  signing in. Public like the certificate check: no sign-in, the same per-address limit as /console/verify, an
  unknown case and a wrong name the same "no match" page, and never the ID number (not even masked) nor a phone.
  For a case that holds or held a seat it says the ticket is genuine — holder's name, body, occupation/work type
  and level, the sitting's date(s) and venue — and whether the seat still holds (the case ready to sit) or not
  (withdrawn, lapsed, or sat already: then the day sat). A case never seated has no ticket: "no match". It reads
  the case as it stands (app.get_case) — a ticket printed before a withdrawal shows as no longer held.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote, urlencode
from uuid import UUID

import segno
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from api.console.access import following, services
from api.console.public import lookup, public_check
from api.console.render import PREFIX, body_name, page
from api.console.session import Session
from api.rate_limit import rate_limited
from api.routes.common import case_in_scope
from cases.errors import DomainError, NotFound
from cases.identity import same_name
from cases.settings import today

router = APIRouter()
TICKET = following("GET", "/cases/{case_id}/ticket")


def on_this_host(request: Request, path: str, query: dict[str, str] | None = None) -> str:
    """An absolute URL of a console page on the host the request came to (a QR code is read by another device)."""
    url = f"{request.url.scheme}://{request.url.netloc}{PREFIX}{path}"
    return f"{url}?{urlencode(query, quote_via=quote)}" if query else url


def qr_svg(content: str) -> Markup:
    """`content` as a QR code (error correction M), inline SVG; segno escapes nothing of ours into it."""
    return Markup(segno.make_qr(content, error="m").svg_inline(scale=4))


@router.get("/certificates/{number}/print")
async def certificate(request: Request, number: str, name: str = Query("", max_length=100)) -> Response:
    if not name.strip() or len(number) > 40:
        return page(request, "printable_certificate.html", 404, certificate=None)
    await rate_limited(request)
    found = await run_in_threadpool(lookup, request, number.strip(), name)
    if found is None:
        return page(request, "printable_certificate.html", 404, certificate=None)
    verify_url = on_this_host(request, "/verify", {"number": found["number"], "name": found["holder_name"]})
    return page(
        request, "printable_certificate.html", certificate=found, issuer=body_name(request, found["body"]),
        verify_url=verify_url, qr=qr_svg(verify_url),
    )  # fmt: skip


@router.get("/cases/{case_id}/ticket")
def ticket(request: Request, case_id: str, on: date | None = None, found: Session = Depends(TICKET)) -> Response:
    try:
        uuid = UUID(case_id)
    except ValueError:
        raise NotFound(f"no case {case_id[:40]}", field="case_id") from None
    case_in_scope(request, found.who, uuid)  # another body's case: the same 404 page as a missing one
    day = on or today()
    shown: dict[str, Any] = {"on": day, "case_id": str(uuid)}
    try:
        admission = services(request).app.scheduling.admission_ticket(uuid, on=day)
    except DomainError as error:
        refused = {"code": error.code, "field": getattr(error, "field", None), "message": str(error), "clause": getattr(error, "clause", None)}
        return page(request, "printable_ticket.html", error.http_status, who=found.who, csrf=found.csrf, ticket=None, refused=refused, **shown)
    ticket_url = on_this_host(request, "/tickets/verify", {"case": str(uuid), "name": admission["holder_name"]})
    return page(
        request, "printable_ticket.html", who=found.who, csrf=found.csrf, ticket=admission,
        issuer=body_name(request, admission["body"]), ticket_url=ticket_url, qr=qr_svg(ticket_url), **shown,
    )  # fmt: skip


@router.get("/tickets/verify")
async def ticket_check(request: Request, case: str = Query("", max_length=40), name: str = Query("", max_length=100)) -> Response:
    return await public_check(request, "printable_ticket_check.html", {"case": case, "name": name}, "seat",
                              lambda: seat_of(request, case.strip(), name))  # fmt: skip


def seat_of(request: Request, case_id: str, name: str) -> dict[str, Any] | None:
    """The public facts of the case's seat, or None when the case is unknown, the name wrong, or it never held one.
    Nothing of the case's identity beyond the name the asker already gave."""
    try:
        case = services(request).app.get_case(UUID(case_id))
    except (ValueError, NotFound):
        return None
    if not same_name(case.holder_name, name):
        return None
    facts = {
        "case_id": str(case.id), "holder_name": case.holder_name, "body": case.body, "occupation": case.occupation,
        "work_type": case.work_type, "level": case.level,
    }  # fmt: skip
    if case.scheduled:
        held = "held" if case.stage == "ready_to_sit" else case.stage
        return {**facts, "dates": [str(d) for d in case.scheduled["dates"]], "venue": case.scheduled["venue"], "standing": held, "sat_on": None}
    last = case.last_sitting
    if last is None:
        return None
    return {**facts, "dates": [str(last["sat_on"])], "venue": None, "standing": "sat", "sat_on": str(last["sat_on"])}
