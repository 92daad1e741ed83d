"""The hotline's pages (业务监督电话, DOMAIN §10) for supervisors: the queue, each complaint's service-level standing
in colour, filtered by body, standing and level; the complaint page with its timeline; accept and decline as
forms; the intake form for a call in progress (`/complaints/new`); and the complaint's other actions — assign, link
a case, extend, escalate, result (with a post-hoc sanction of a linked case), callback, reopen, close — each a
CSRF-checked form calling the `app.hotline` use case the API's route calls, at the version the page showed, then
the page again with what was done, or with the refusal's code, field and message. Who sees what is the API's
(`api.complaint_access`, which the API's routes use too): the same policy rows, the same body scope (another body's
complaint is a 404 page), the same masking of the complainant by role. The actions are a table (`ACTIONS`), one
route registered for each row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from api import complaint_schemas
from api.auth import require_body
from api.complaint_access import (
    complaint_in_scope,
    complaint_view,
    queue_row,
    reads_contact_in_full,
    require_acting,
    require_receiving,
    standing_on,
)
from api.console.access import checked_form, following, services
from api.console.render import PREFIX, page
from api.console.session import Session
from api.queries import Reading, scoped_body
from api.routes.common import case_in_scope
from api.tokens import BODIES, Principal
from cases.aggregates.complaint import CATEGORIES, STANDINGS
from cases.errors import Conflict, DomainError, InvalidInput, NotFound, StaleVersion
from cases.projections.complaints import complaint_queue
from cases.service.complaint_timeline import complaint_timeline
from cases.observability import get_logger
from cases.settings import SHANGHAI, today

router = APIRouter()
log = get_logger("api.console.hotline")
QUEUE = following("GET", "/complaints")
READ = following("GET", "/complaints/{complaint_id}")
RECEIVE = following("POST", "/complaints")
CHANNELS = ("body_line", "municipal_line", "letter", "online", "counter")
TIERS = ("subject", "sitting", "grave", "materials")
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
    """Soonest running due date first (the read model's order); the standing judged today (`cases.settings.today`).
    The read model filters by standing before it keeps the first SHOWN rows."""
    who = found.who
    wanted = {
        "body": chosen(body, BODIES, "body"), "standing": chosen(standing, list(STANDINGS), "standing"),
        "level": chosen(level, LEVELS, "level"),
    }  # fmt: skip
    on = today()
    rows = Reading(services(request)).query(
        complaint_queue, scoped_body(who, wanted["body"]), "open", None, None, None, on, SHOWN, 0, wanted["level"],
        services(request).app.calendar, wanted["standing"],
    )  # fmt: skip
    shown = [queue_row(row, who) for row in rows]
    return page(request, "queue.html", who=who, csrf=found.csrf, rows=shown, wanted=wanted, on=on,
                bodies=BODIES if who.body is None else (), standings=list(STANDINGS), levels=LEVELS)  # fmt: skip


def complaint_id_of(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise NotFound(f"no complaint {text[:40]}", field="complaint_id") from None


def refusal(error: DomainError) -> dict[str, Any]:
    """A refused command as the page shows it: the API's problem code, field and message (and clause)."""
    return {"code": error.code, "field": getattr(error, "field", None), "message": str(error), "clause": getattr(error, "clause", None)}


def complaint_page(
    request: Request, found: Session, complaint_id: UUID, status: int = 200, error: str | None = None,
    refused: dict[str, Any] | None = None, done: str | None = None,
) -> Response:  # fmt: skip
    complaint = complaint_in_scope(request, found.who, complaint_id)  # another body's: NotFound, a 404 page
    day = today()  # one day for the page: the standing shown and the forms' dates
    view = complaint_view(complaint, found.who, standing_on(request, complaint, day), in_full=False)
    timeline = complaint_timeline(services(request).app, complaint_id, contact_shown=False, loaded=complaint)
    pulls_in = found.who.role == "supervisor" and found.who.body is None and view.level == "body"
    may_reveal = bool((complaint.complainant or {}).get("contact")) and reads_contact_in_full(found.who, complaint)
    return page(request, "complaint.html", status, who=found.who, csrf=found.csrf, complaint=view, timeline=timeline,
                today=day, error=error, refused=refused, done=done if done in COMMANDS else None, pulls_in=pulls_in,
                tiers=TIERS, may_reveal=may_reveal)  # fmt: skip


@router.post("/complaints/{complaint_id}/contact")
def reveal_contact(
    request: Request, complaint_id: str, form: FormData = Depends(checked_form), found: Session = Depends(READ)
) -> Response:  # fmt: skip
    """The complainant's contact in full, for the callback (DOMAIN §10 Privacy: readable in full only by the
    supervisors handling the complaint). Decision: no console page holds a full phone number (issue 14), so the
    complaint page masks it for everyone and the handling supervisor asks for it here, a POST with the form's CSRF
    token; the answer is not stored (no-store) and the reveal is logged with who and which complaint, never the
    contact. Anyone else gets a 404 page, as for a complaint they may not see."""
    uuid = complaint_id_of(complaint_id)
    complaint = complaint_in_scope(request, found.who, uuid)
    person = complaint.complainant or {}
    if not person.get("contact") or not reads_contact_in_full(found.who, complaint):
        raise NotFound(f"no contact of complaint {uuid} for you", field="complaint_id")
    log.info("complaint_contact_revealed", complaint_id=str(uuid), clause="DOMAIN §10 Privacy")
    answer = page(request, "complaint_contact.html", who=found.who, csrf=found.csrf, complaint_id=str(uuid),
                  name=person.get("name"), contact=person["contact"])  # fmt: skip
    answer.headers["Cache-Control"] = "no-store"
    return answer


@router.get("/complaints/new")
def intake(request: Request, found: Session = Depends(RECEIVE)) -> Response:
    """The form for a call in progress: received now (Shanghai), on the user's line."""
    return intake_page(request, found)


def intake_page(request: Request, found: Session, status: int = 200, form: dict[str, Any] | None = None, **shown: Any) -> Response:
    now = datetime.now(SHANGHAI).replace(second=0, microsecond=0, tzinfo=None).isoformat(timespec="minutes")
    defaults = {"channel": "body_line" if found.who.body else "municipal_line", "received_at": now, "body": found.who.body or ""}
    return page(request, "hotline_intake.html", status, who=found.who, csrf=found.csrf, form={**defaults, **(form or {})},
                channels=CHANNELS, categories=list(CATEGORIES), bodies=BODIES if found.who.body is None else (found.who.body,),
                **shown)  # fmt: skip


def lines(text: object) -> list[str]:
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


@router.post("/complaints/new")
def take(request: Request, form: FormData = Depends(checked_form), found: Session = Depends(RECEIVE)) -> Response:
    """The API's POST /complaints: the same request schema, the same scope checks, `app.hotline.receive`. The
    moment typed is Shanghai's (the form's datetime-local has no offset)."""
    who = found.who
    typed = {name: str(form.get(name) or "") for name in ("channel", "received_at", "body", "category", "words",
                                                           "complainant_name", "complainant_contact", "case_ids", "staff_named", "evidence")}  # fmt: skip
    try:
        moment = datetime.fromisoformat(typed["received_at"])
        payload = complaint_schemas.ReceiveRequest(
            channel=typed["channel"], received_at=moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI),
            body=typed["body"], category=typed["category"], words=typed["words"],
            complainant_name=typed["complainant_name"].strip() or None, complainant_contact=typed["complainant_contact"].strip() or None,
            anonymous=form.get("anonymous") == "on", case_ids=lines(typed["case_ids"]), staff_named=lines(typed["staff_named"]),
            evidence=lines(typed["evidence"]), to_municipal_center=form.get("to_municipal_center") == "on",
        )  # fmt: skip
    except (ValidationError, ValueError) as error:
        return intake_page(request, found, 400, typed, error=first_line(error))
    require_body(who, payload.body, "body", payload.body)  # another body: 404, as an unknown one
    try:
        require_receiving(request, who, payload)
        outcome = services(request).app.hotline.receive(**payload.model_dump(), actor=who.actor)
    except DomainError as error:
        return intake_page(request, found, error.http_status, typed, refused=refusal(error))
    return RedirectResponse(f"{PREFIX}/complaints/{outcome.id}?done=receive", status_code=303)


@router.get("/complaints/{complaint_id}")
def complaint(request: Request, complaint_id: str, done: str | None = None, found: Session = Depends(READ)) -> Response:
    return complaint_page(request, found, complaint_id_of(complaint_id), done=done)


def first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else "invalid form"


def blank_is_none(value: object) -> object:
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


@dataclass(frozen=True)
class Action:
    """One command on the complaint as a form (hotline_actions.html), posted to `/complaints/{id}/<name>`: the API
    route it stands for (`/complaints/{complaint_id}<path>`, whose policy row it follows), the API's request body and
    the form's fields of it (a blank one is absent), and the use case of `app.hotline` it calls. Hooks, as the API's
    route has them: `pulled_in`, the municipal center pulling in a breached complaint; `built`, request fields built
    from several inputs; `arguments`, the use case's own; `case_of`, a case the command names, which a body's staff
    must see (another body's is a 404 page, as on the API)."""

    name: str
    path: str
    schema: type[BaseModel]
    command: str
    fields: tuple[str, ...] = ("on",)
    pulled_in: Callable[[FormData], bool] = lambda form: False
    built: Callable[[FormData], dict[str, Any]] = lambda form: {}
    arguments: Callable[[Principal], dict[str, Any]] = lambda who: {}
    case_of: Callable[[Any], UUID | None] = lambda payload: None


def sanction_of(form: FormData) -> dict[str, Any]:
    """The result's post-hoc sanction of a linked case (tier, behaviour, severity, …), when a linked case is chosen."""
    named = {name: blank_is_none(form.get(f"sanction_{name}")) for name in ("case_id", "tier", "behaviour", "severity", "subject", "sitting_on")}
    return {"sanction": {k: v for k, v in named.items() if v is not None} if named["case_id"] else None}


ACTIONS = (
    Action("accept", "/acceptance", complaint_schemas.AcceptRequest, "accept"),
    Action("decline", "/decline", complaint_schemas.DeclineRequest, "decline", ("on", "reason")),
    Action("assign", "/assignment", complaint_schemas.AssignRequest, "assign", ("handler", "on")),
    Action("link-case", "/cases", complaint_schemas.LinkCaseRequest, "link_case", ("case_id", "on"), case_of=lambda payload: payload.case_id),
    Action("extend", "/extension", complaint_schemas.ExtendRequest, "extend", ("working_days", "reason", "notice_recorded_on", "on")),
    Action("escalate", "/escalation", complaint_schemas.EscalateRequest, "escalate", ("why", "on"), pulled_in=lambda form: form.get("why") == "breach"),
    Action(
        "resolve", "/result", complaint_schemas.ResolveRequest, "resolve", ("outcome", "findings", "on"), built=sanction_of,
        arguments=lambda who: {"recorded_by": who.label},  # who decided, as on the API
        case_of=lambda payload: payload.sanction.case_id if payload.sanction else None,
    ),
    Action("callback", "/callback", complaint_schemas.CallbackRequest, "record_callback", ("satisfied", "on", "notes")),
    Action("reopen", "/reopening", complaint_schemas.ReopenRequest, "reopen", ("reason", "on")),
    Action("close", "/closing", complaint_schemas.CloseRequest, "close"),
)  # fmt: skip
COMMANDS = ("receive", *(action.command for action in ACTIONS))


def _action_route(action: Action) -> Callable[..., Response]:
    allowed = following("POST", f"/complaints/{{complaint_id}}{action.path}")

    def act(request: Request, complaint_id: str, form: FormData = Depends(checked_form), found: Session = Depends(allowed)) -> Response:
        """The command on the complaint at the version the page showed, as the API's route calls it; a refusal
        shows the page again with its code, field and message."""
        uuid = complaint_id_of(complaint_id)
        complaint = complaint_in_scope(request, found.who, uuid)
        require_acting(found.who, complaint, pulled_in=action.pulled_in(form))
        try:
            payload = action.schema(**{name: blank_is_none(form.get(name)) for name in action.fields}, **action.built(form))
            version = int(str(form.get("version", "")))
        except (ValidationError, ValueError) as error:
            return complaint_page(request, found, uuid, 400, error=first_line(error))
        named = action.case_of(payload)
        if named is not None:
            case_in_scope(request, found.who, named)
        try:  # the complaint just read for scope and level is the one the command starts from, not read again
            use_case = getattr(services(request).app.hotline, action.command)
            arguments = {**payload.model_dump(), **action.arguments(found.who)}
            use_case(uuid, **arguments, actor=found.who.actor, expected_version=version, loaded=complaint)
        except StaleVersion:
            raise Conflict("the complaint changed since this page was read; read it again", field="complaint_id") from None
        except DomainError as error:
            return complaint_page(request, found, uuid, error.http_status, refused=refusal(error))
        return RedirectResponse(f"{PREFIX}/complaints/{uuid}?done={action.command}", status_code=303)

    return act


for _action in ACTIONS:
    router.add_api_route(
        f"/complaints/{{complaint_id}}/{_action.name}", _action_route(_action), methods=["POST"], name=_action.name.replace("-", "_")
    )  # fmt: skip
