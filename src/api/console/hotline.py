"""The hotline's pages (业务监督电话, DOMAIN §10) for supervisors: the queue, each complaint's service-level standing
in colour, filtered by body, standing and level; the complaint page with its timeline; accept and decline as
forms. Who sees what is the API's (`api.routes.complaints`): the same policy rows, the same body scope (another
body's complaint is a 404 page), the same masking of the complainant by role."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from api.complaint_schemas import AcceptRequest, DeclineRequest
from api.console.access import checked_form, following, services
from api.console.render import PREFIX, page
from api.console.session import Session
from api.queries import Reading, scoped_body
from api.routes.complaints import complaint_in_scope, complaint_view, queue_row, require_acting, standing_on
from api.tokens import BODIES
from cases.aggregates.complaint import STANDINGS
from cases.errors import Conflict, InvalidInput, NotFound, StaleVersion
from cases.projections.complaints import complaint_queue
from cases.service.complaint_timeline import complaint_timeline
from cases.service.complaints import SHANGHAI
from cases.settings import today

router = APIRouter()
QUEUE = following("GET", "/complaints")
READ = following("GET", "/complaints/{complaint_id}")
ACCEPT = following("POST", "/complaints/{complaint_id}/acceptance")
DECLINE = following("POST", "/complaints/{complaint_id}/decline")
LEVELS = ("body", "municipal")
SHOWN = 200  # rows on the queue page


def chosen(value: str | None, allowed: tuple[str, ...] | list[str], field: str) -> str | None:
    """A filter's value: None for "all", else one of `allowed` (anything else is a 400 page)."""
    if not value:
        return None
    if value not in allowed:
        raise InvalidInput(f"{field} must be one of {', '.join(allowed)}", field=field)
    return value


@router.get("/complaints")
def queue(
    request: Request, body: str | None = None, standing: str | None = None, level: str | None = None,
    found: Session = Depends(QUEUE),
) -> Response:  # fmt: skip
    """Soonest running due date first (the read model's order); the standing judged today in Shanghai."""
    who = found.who
    wanted = {
        "body": chosen(body, BODIES, "body"), "standing": chosen(standing, list(STANDINGS), "standing"),
        "level": chosen(level, LEVELS, "level"),
    }  # fmt: skip
    on = datetime.now(SHANGHAI).date()
    rows = Reading(services(request)).query(
        complaint_queue, scoped_body(who, wanted["body"]), "open", None, None, True if wanted["standing"] == "breached" else None,
        on, SHOWN, 0, wanted["level"], services(request).app.calendar,
    )  # fmt: skip
    shown = [queue_row(row, who) for row in rows if wanted["standing"] in (None, row["standing"])]
    return page(request, "queue.html", who=who, csrf=found.csrf, rows=shown, wanted=wanted, on=on,
                bodies=BODIES if who.body is None else (), standings=list(STANDINGS), levels=LEVELS)  # fmt: skip


def complaint_id_of(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise NotFound(f"no complaint {text[:40]}", field="complaint_id") from None


def complaint_page(request: Request, found: Session, complaint_id: UUID, status: int = 200, error: str | None = None) -> Response:
    complaint = complaint_in_scope(request, found.who, complaint_id)  # another body's: NotFound, a 404 page
    view = complaint_view(complaint, found.who, standing_on(request, complaint, datetime.now(SHANGHAI).date()))
    contact_shown = not view.complainant.contact_masked
    timeline = complaint_timeline(services(request).app, complaint_id, contact_shown=contact_shown)
    return page(request, "complaint.html", status, who=found.who, csrf=found.csrf, complaint=view, timeline=timeline,
                today=today(), error=error)  # fmt: skip


@router.get("/complaints/{complaint_id}")
def complaint(request: Request, complaint_id: str, found: Session = Depends(READ)) -> Response:
    return complaint_page(request, found, complaint_id_of(complaint_id))


def act(
    request: Request, found: Session, complaint_id: str, form: FormData, schema: type, command: str, **fields: Any
) -> Response:  # fmt: skip
    """One command on the complaint at the version the page showed; a refusal shows the page again with it."""
    uuid = complaint_id_of(complaint_id)
    complaint = complaint_in_scope(request, found.who, uuid)
    require_acting(found.who, complaint)
    try:
        payload = schema(**{name: form.get(name) for name in fields})
        version = int(str(form.get("version", "")))
    except (ValidationError, ValueError) as error:
        return complaint_page(request, found, uuid, 400, error=str(error).splitlines()[0] if str(error) else "invalid form")
    try:
        use_case = getattr(services(request).app.hotline, command)
        use_case(uuid, **payload.model_dump(), actor=found.who.actor, expected_version=version)
    except StaleVersion:
        raise Conflict("the complaint changed since this page was read; read it again", field="complaint_id") from None
    return RedirectResponse(f"{PREFIX}/complaints/{uuid}", status_code=303)


@router.post("/complaints/{complaint_id}/accept")
def accept(
    request: Request, complaint_id: str, form: FormData = Depends(checked_form), found: Session = Depends(ACCEPT)
) -> Response:  # fmt: skip
    return act(request, found, complaint_id, form, AcceptRequest, "accept", on=None)


@router.post("/complaints/{complaint_id}/decline")
def decline(
    request: Request, complaint_id: str, form: FormData = Depends(checked_form), found: Session = Depends(DECLINE)
) -> Response:  # fmt: skip
    return act(request, found, complaint_id, form, DeclineRequest, "decline", on=None, reason=None)
