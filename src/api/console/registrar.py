"""Registrars' pages (DOMAIN §2-§8, §9): the day's worklists, a case's actions as forms that show the rule's
answer, and the month's sitting plan. Each page follows the API route it stands for (`api.policy`): the worklists
`GET /worklists/…`, the plan `GET /sittings/plan`, each form its command (`POST /cases/{case_id}/review`, …) with
the same body scope (another body's case is a 404 page) and the version the page was read at.

A form calls the one use case its API route calls and shows what the rule decided: the stage, the command's result
(the decision with its clause, the fee and its deadline, the ticket's day, the certificate number) and the facts it
recorded, each with its clause and values (the case's timeline from the version the page showed). A refusal shows
its code, field, clause and message, and the form keeps what was typed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from api.console.access import checked_form, following, services
from api.console.render import may, page
from api.console.session import Session
from api.queries import Reading, scoped_body
from api.routes.case_commands import reviewed
from api.routes.common import case_in_scope
from api.schemas import AttendanceRequest, CertificateRequest, PaymentRequest, ResultRequest, RetakeRequest, ReviewRequest, ScheduleRequest
from cases.errors import DomainError, InvalidInput, NotFound
from cases.identity import mask_id_number
from cases.projections import case_index
from cases.projections import month_plan as plans
from cases.rules.schedule import month_of, next_month, parse_month
from cases.service.application import CasesApplication
from cases.service.outcome import Outcome
from cases.service.case_timeline import entries
from cases.service.replay import summarise
from cases.settings import today

router = APIRouter()
WORKLISTS = following("GET", "/worklists/payments-due")  # the four lists share one policy row's roles
PLAN = following("GET", "/sittings/plan")
READ = following("GET", "/cases/{case_id}")

# The four lists of GET /worklists/…: the label, the case index's query, the date each row is due by.
LISTS: tuple[tuple[str, Callable[..., list[dict[str, Any]]], str], ...] = (
    ("payments_due", case_index.payments_due, "pay_by"), ("payments_overdue", case_index.payments_overdue, "pay_by"),
    ("results_late", case_index.results_late, "results_due"), ("certificates_late", case_index.certificates_late, "results_due"),
)  # fmt: skip


@dataclass(frozen=True)
class Action:
    """One case command as a form: the API route it stands for (its policy row), the API's request body, the stages
    whose page offers it (the aggregate's own guard still decides), and the use case it calls."""

    name: str
    path: str
    schema: type[BaseModel]
    stages: tuple[str, ...]
    use_case: Callable[[CasesApplication], Callable[..., Outcome]]


ACTIONS = (
    Action("review", "/cases/{case_id}/review", ReviewRequest, ("applied",), reviewed),
    Action("payment", "/cases/{case_id}/payments", PaymentRequest, ("awaiting_payment",), lambda app: app.fees.pay_fee),
    Action("schedule", "/cases/{case_id}/schedule", ScheduleRequest, ("awaiting_payment", "ready_to_sit"), lambda app: app.sittings.schedule_case),
    Action("attendance", "/cases/{case_id}/attendance", AttendanceRequest, ("ready_to_sit",), lambda app: app.results.record_attendance),
    Action("results", "/cases/{case_id}/results", ResultRequest, ("awaiting_results",), lambda app: app.results.record_result),
    Action("retake", "/cases/{case_id}/retake", RetakeRequest, ("retake_available",), lambda app: app.results.request_retake),
    Action("certificate", "/cases/{case_id}/certificate", CertificateRequest, ("qualified",), lambda app: app.certificates.issue),
)  # fmt: skip


def day_of(text: str | None, field: str) -> date:
    if not text:
        return today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{field} must be a date, YYYY-MM-DD", field=field) from None


# --- worklists ------------------------------------------------------------------------------------------------


@router.get("/worklists")
def worklists(request: Request, on: str | None = None, body: str | None = None, found: Session = Depends(WORKLISTS)) -> Response:
    """The day's four lists of the caller's body (every body for those who see all), soonest due first."""
    day, scope = day_of(on, "on"), scoped_body(found.who, body)
    read = Reading(services(request))
    lists = [(name, due, read.query(query, scope, day)) for name, query, due in LISTS]
    return page(request, "registrar_worklists.html", who=found.who, csrf=found.csrf, on=day, scope=scope, lists=lists)


# --- the month's plan -----------------------------------------------------------------------------------------


@router.get("/plan")
def plan(request: Request, month: str | None = None, found: Session = Depends(PLAN)) -> Response:
    """The month_plan read model, as GET /sittings/plan reads it, for the bodies the caller sees."""
    month = month or today().isoformat()[:7]
    parse_month(month, field="month")
    read, app = Reading(services(request)), services(request).app
    bodies = [b for b in read.query(plans.month_plan, app.rulebook, app.calendar, month) if found.who.sees(b["body"])]
    return page(request, "registrar_plan.html", who=found.who, csrf=found.csrf, month=month, bodies=bodies)


# --- a case's actions -----------------------------------------------------------------------------------------


def case_id_of(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise NotFound(f"no case {text[:40]}", field="case_id") from None


def planned_sittings(request: Request, case: Any) -> list[dict[str, Any]]:
    """The planned sittings of the case's body and project in its plan month (and the month after), from the plan."""
    read, app = Reading(services(request)), services(request).app
    first = case.plan_month() or month_of(today())
    months = [first, next_month(first)]
    return read.query(plans.planned_sittings, app.rulebook, app.calendar, case.body, case.occupation, case.work_type, months)


def case_page(
    request: Request, found: Session, case_id: UUID, status: int = 200, *, answer: dict[str, Any] | None = None,
    refusal: dict[str, Any] | None = None, typed: dict[str, Any] | None = None,
) -> Response:  # fmt: skip
    """The case's facts and the forms its stage offers the caller (by the API's policy rows)."""
    case = case_in_scope(request, found.who, case_id)  # another body's case: NotFound, the 404 page
    day = today()
    stage = case.stage_on(day)  # as the API reads it: a ban that has ended gives way to what follows it
    actions = [a for a in ACTIONS if stage in a.stages and may(found.who, "POST", a.path)]
    sittings = planned_sittings(request, case) if any(a.name == "schedule" for a in actions) else []
    return page(
        request, "registrar_case.html", status, who=found.who, csrf=found.csrf, case=case, stage=stage, state=summarise(case),
        actions=actions, sittings=sittings, answer=answer, refusal=refusal, typed=typed or {}, today=day,
    )  # fmt: skip


@router.get("/cases/{case_id}/act")
def act_page(request: Request, case_id: str, found: Session = Depends(READ)) -> Response:
    return case_page(request, found, case_id_of(case_id))


def payload_of(action: Action, form: FormData) -> BaseModel:
    """The API's request body from the form: blank fields are absent, a list field takes its values."""
    values: dict[str, Any] = {}
    for name, field in action.schema.model_fields.items():
        given = [v for v in form.getlist(name) if isinstance(v, str) and v.strip()]
        if "list" in str(field.annotation):
            given = [s.strip() for v in given for s in v.split(",") if s.strip()]
            if given:
                values[name] = given
        elif given:
            values[name] = given[0].strip()
    return action.schema(**values)


def answer_of(app: CasesApplication, case_id: UUID, outcome: Outcome, since: int) -> dict[str, Any]:
    """What the rule decided: the stage, the command's result, and the facts it recorded (clause and values)."""
    result = outcome.result
    if not isinstance(result, (dict, str, int, float, date, type(None))):
        result = None  # an aggregate, not an answer
    recorded = entries(list(app.events.get(case_id, gt=since)))  # only the events the command recorded
    return {"stage": outcome.stage, "version": outcome.version, "result": result, "recorded": recorded}


def refusal_of(error: DomainError | ValidationError) -> dict[str, Any]:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        return {"code": "invalid_input", "field": field, "clause": None, "message": first["msg"], "status": 422}
    message = mask_id_number(error.message)
    return {"code": error.code, "field": error.field, "clause": error.clause, "message": message, "status": error.http_status}


def _act_route(action: Action) -> Callable[..., Response]:
    allowed = following("POST", action.path)

    def act(request: Request, case_id: str, form: FormData = Depends(checked_form), found: Session = Depends(allowed)) -> Response:
        uuid = case_id_of(case_id)
        case = case_in_scope(request, found.who, uuid)
        typed = {action.name: {k: v for k, v in form.items() if k not in ("csrf", "version")}}
        try:
            version = int(str(form.get("version", "")))
        except ValueError:
            version = -1
        try:
            payload = payload_of(action, form)
            arguments = payload.model_dump()
            if action.name == "attendance":  # the case names its seat's sitting as text (as the API passes it)
                arguments["sitting_id"] = str(payload.sitting_id) if payload.sitting_id else None  # type: ignore[attr-defined]
            app = services(request).app
            outcome = action.use_case(app)(uuid, **arguments, actor=found.who.actor, expected_version=version, loaded=case)
        except (DomainError, ValidationError) as error:
            refused = refusal_of(error)
            return case_page(request, found, uuid, refused["status"], refusal={"action": action.name, **refused}, typed=typed)
        return case_page(request, found, uuid, answer={"action": action.name, **answer_of(app, uuid, outcome, version)})

    return act


for _action in ACTIONS:
    router.add_api_route(f"/cases/{{case_id}}/act/{_action.name}", _act_route(_action), methods=["POST"], name=f"act_{_action.name}")
