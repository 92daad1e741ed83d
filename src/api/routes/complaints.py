"""The hotline (业务监督电话, DOMAIN §10): POST /complaints takes a complaint, GET /complaints/{id} reads it, and
POST /complaints/{id}/… accepts, declines, assigns, links a case, extends, escalates, resolves (with a post-hoc
sanction of a linked case in the same write), records the callback, reopens and closes it. GET /complaints is the
queue with each complaint's service-level standing, read from the complaints read model. Each route parses, authorises, calls one use case of
`app.hotline` and answers from its outcome; the rules are the domain's. Commands take `If-Match` (412 when stale) and
`Idempotency-Key`, and answer the complaint's version (ETag), stage, level and the log position reached.

Who (DOMAIN §10 "Who sees what", "Escalation", "Privacy"; the policy rows are in `api.policy`): supervisors act on a
complaint at its level, registrars read their body's complaints, compliance reads all, examiners see none; another
body's complaint answers 404, exactly as a missing one does. The scope, level and masking checks are
`api.complaint_access`, shared with the console's hotline pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from api.auth import allow, require_body
from api.complaint_access import complaint_in_scope, complaint_view, queue_row, require_acting, require_receiving, standing_on
from api.complaint_schemas import (
    AcceptRequest,
    AssignRequest,
    CallbackRequest,
    Category,
    CloseRequest,
    ComplaintCommandResult,
    ComplaintView,
    DeclineRequest,
    EscalateRequest,
    ExtendRequest,
    LinkCaseRequest,
    ReceiveRequest,
    ReopenRequest,
    ResolveRequest,
)
from api.idempotency import run_once
from api.queries import Reading, reading, scoped_body
from api.routes.cases import IdempotencyKey, IfMatch, refusal
from api.routes.common import case_in_scope, etag, expected_version, services
from api.schemas import Day
from api.tokens import Principal
from cases.service.complaints import Complaints
from cases.service.outcome import Outcome
from cases.errors import DomainError
from cases.limits import MAX_OFFSET, TEXT
from cases.projections.complaints import complaint_queue
from cases.settings import today

router = APIRouter(prefix="/complaints", tags=["complaints"])
SUPERVISORS = allow("supervisor")
READERS = allow("registrar", "compliance", "supervisor")
COMMAND = {200: {"model": ComplaintCommandResult, "description": "the complaint's new version, stage, level and the log position reached"}}
Method = Callable[[Complaints], Callable[..., Outcome]]


# --- commands -------------------------------------------------------------------------------------------------


def answer(outcome: Outcome, status: int = 200) -> JSONResponse:
    """The complaint as the command saved it (version, also the ETag; stage; level), the log position reached, and
    the command's result when it is a mapping (a resolution's outcome, events caused and ban)."""
    body = ComplaintCommandResult(
        complaint_id=str(outcome.id), version=outcome.version, stage=outcome.stage, level=outcome.level,
        position=outcome.position, result=outcome.result if isinstance(outcome.result, dict) else None,
    )  # fmt: skip
    response = JSONResponse(body.model_dump(mode="json"), status_code=status)
    response.headers["ETag"] = etag(body.version)
    if status == 201:
        response.headers["Location"] = f"/complaints/{outcome.id}"
    return response


def answering(request: Request, use_case: Callable[[], Outcome], status: int = 200) -> JSONResponse:
    """The use case's answer, or its refusal as a problem response (so that `run_once` stores it for a retry)."""
    try:
        return answer(use_case(), status)
    except DomainError as error:
        return refusal(request, error)


async def on_complaint(
    request: Request, who: Principal, complaint_id: UUID, payload: Any, key: str | None, if_match: str | None,
    method: Method, *, pulled_in: bool = False, case_id: UUID | None = None, **arguments: Any,
) -> JSONResponse:  # fmt: skip
    """Scope, level, If-Match and Idempotency-Key around one use case:
    `method(app.hotline)(complaint_id, **payload, **arguments, actor=…, expected_version=…, loaded=…)`; its
    `Outcome` is the answer. The complaint read for scope and level is the one the command starts from (`loaded`,
    not read again); a write by someone else in between still conflicts when the command saves (409).
    `case_id`: a case the command names, which a body's staff must see (another body's answers 404)."""
    asked = expected_version(if_match)

    def use_case() -> Outcome:
        complaint = complaint_in_scope(request, who, complaint_id)
        require_acting(who, complaint, pulled_in=pulled_in)
        if case_id is not None:
            case_in_scope(request, who, case_id)
        command = method(services(request).app.hotline)
        return command(complaint_id, **{**payload.model_dump(), **arguments}, actor=who.actor, expected_version=asked, loaded=complaint)

    return await run_once(request, who, key, payload, lambda: answering(request, use_case))


@router.post("", status_code=201, responses={201: COMMAND[200]}, summary="Received: a complaint taken on a line, by letter, online or at a counter")
async def receive(payload: ReceiveRequest, request: Request, key: IdempotencyKey = None, who: Principal = Depends(SUPERVISORS)) -> JSONResponse:
    """Supervisor: a body's, about their body (another body answers 404, as an unknown one does); the municipal
    center's, about any body. The acceptance clock starts at the line's next opening (`counts_from`); a call on the
    municipal line, or a letter, form or visit `to_municipal_center`, is handled there from the start."""
    require_body(who, payload.body, "body", payload.body)
    require_receiving(request, who, payload)

    def use_case() -> Outcome:
        return services(request).app.hotline.receive(**payload.model_dump(), actor=who.actor)

    return await run_once(request, who, key, payload, lambda: answering(request, use_case, status=201))


@router.post("/{complaint_id}/acceptance", responses=COMMAND, summary="Accepted: the result clock starts")
async def accept(
    complaint_id: UUID, payload: AcceptRequest, request: Request, key: IdempotencyKey = None, if_match: IfMatch = None,
    who: Principal = Depends(SUPERVISORS),
) -> JSONResponse:  # fmt: skip
    """Supervisor at the complaint's level, within 3 working days of receipt (DOMAIN §10 Clock)."""
    return await on_complaint(request, who, complaint_id, payload, key, if_match, lambda c: c.accept)


@router.post("/{complaint_id}/decline", responses=COMMAND, summary="Declined, with a reason")
async def decline(
    complaint_id: UUID, payload: DeclineRequest, request: Request, key: IdempotencyKey = None, if_match: IfMatch = None,
    who: Principal = Depends(SUPERVISORS),
) -> JSONResponse:  # fmt: skip
    """Supervisor at the complaint's level."""
    return await on_complaint(request, who, complaint_id, payload, key, if_match, lambda c: c.decline)


@router.post("/{complaint_id}/assignment", responses=COMMAND, summary="Assigned to a handler (never one named in it)")
async def assign(
    complaint_id: UUID, payload: AssignRequest, request: Request, key: IdempotencyKey = None, if_match: IfMatch = None,
    who: Principal = Depends(SUPERVISORS),
) -> JSONResponse:  # fmt: skip
    """Supervisor at the complaint's level. A staff member named in the complaint is refused (`recused`)."""
    return await on_complaint(request, who, complaint_id, payload, key, if_match, lambda c: c.assign)


@router.post("/{complaint_id}/cases", responses=COMMAND, summary="CaseLinked: a case the complaint concerns")
async def link_case(
    complaint_id: UUID, payload: LinkCaseRequest, request: Request, key: IdempotencyKey = None, if_match: IfMatch = None,
    who: Principal = Depends(SUPERVISORS),
) -> JSONResponse:  # fmt: skip
    """Supervisor at the complaint's level; only a case of the body complained about (to a body's supervisor,
    another body's case answers 404 like an unknown one)."""
    return await on_complaint(request, who, complaint_id, payload, key, if_match, lambda c: c.link_case, case_id=payload.case_id)


@router.post("/{complaint_id}/extension", responses=COMMAND, summary="DeadlineExtended: once, with a reason and the notice recorded")
async def extend(
    complaint_id: UUID, payload: ExtendRequest, request: Request, key: IdempotencyKey = None, if_match: IfMatch = None,
    who: Principal = Depends(SUPERVISORS),
) -> JSONResponse:  # fmt: skip
    """Supervisor at the complaint's level: at most 7 more working days, one extension per level."""
    return await on_complaint(request, who, complaint_id, payload, key, if_match, lambda c: c.extend)


@router.post("/{complaint_id}/escalation", responses=COMMAND, summary="Escalated to the municipal center: both clocks restart there")
async def escalate(
    complaint_id: UUID, payload: EscalateRequest, request: Request, key: IdempotencyKey = None, if_match: IfMatch = None,
    who: Principal = Depends(SUPERVISORS),
) -> JSONResponse:  # fmt: skip
    """The body's supervisor (by choice, or on a breach); the municipal center's may pull in a breached one."""
    return await on_complaint(request, who, complaint_id, payload, key, if_match, lambda c: c.escalate, pulled_in=payload.why == "breach")


@router.post("/{complaint_id}/result", responses=COMMAND, summary="Resolved: upheld, partly upheld or not, with findings")
async def resolve(
    complaint_id: UUID, payload: ResolveRequest, request: Request, key: IdempotencyKey = None, if_match: IfMatch = None,
    who: Principal = Depends(SUPERVISORS),
) -> JSONResponse:  # fmt: skip
    """Supervisor at the complaint's level; the caller's token label is recorded as who decided (a staff member
    named in the complaint is refused, `recused`). An upheld complaint may sanction a linked case in the same
    write (须知, last paragraph: an issued certificate is revoked); a refused sanction writes nothing at all. The
    answer's `result` holds the outcome, the case events caused and the ban imposed."""
    sanction = payload.sanction.model_dump() if payload.sanction else None
    return await on_complaint(request, who, complaint_id, payload, key, if_match, lambda c: c.resolve, recorded_by=who.label, sanction=sanction)


@router.post("/{complaint_id}/callback", responses=COMMAND, summary="CallbackRecorded (回访): satisfied or not")
async def callback(
    complaint_id: UUID, payload: CallbackRequest, request: Request, key: IdempotencyKey = None, if_match: IfMatch = None,
    who: Principal = Depends(SUPERVISORS),
) -> JSONResponse:  # fmt: skip
    """Supervisor at the complaint's level, after the result; none for an anonymous complaint. Dissatisfied with a
    body's result: reopened and escalated to the municipal center in the same write (the answer's `level`)."""
    return await on_complaint(request, who, complaint_id, payload, key, if_match, lambda c: c.record_callback)


@router.post("/{complaint_id}/reopening", responses=COMMAND, summary="Reopened: back to received, its acceptance clock restarted")
async def reopen(
    complaint_id: UUID, payload: ReopenRequest, request: Request, key: IdempotencyKey = None, if_match: IfMatch = None,
    who: Principal = Depends(SUPERVISORS),
) -> JSONResponse:  # fmt: skip
    """Supervisor at the complaint's level."""
    return await on_complaint(request, who, complaint_id, payload, key, if_match, lambda c: c.reopen)


@router.post("/{complaint_id}/closing", responses=COMMAND, summary="Closed: the file archived")
async def close(
    complaint_id: UUID, payload: CloseRequest, request: Request, key: IdempotencyKey = None, if_match: IfMatch = None,
    who: Principal = Depends(SUPERVISORS),
) -> JSONResponse:  # fmt: skip
    """Supervisor at the complaint's level, after the result (or the decline)."""
    return await on_complaint(request, who, complaint_id, payload, key, if_match, lambda c: c.close)


# --- reading --------------------------------------------------------------------------------------------------


@router.get("", summary="The queue: complaints with their service-level standing on the day asked")
def queue(
    body: str | None = Query(None, description="the body complained about (a body's staff always get their own)"),
    state: Literal["open", "received", "accepted", "declined", "resolved", "closed"] | None = Query(None, description="a stage, or open (received or accepted)"),
    category: Category | None = None,
    handler: str | None = Query(None, max_length=TEXT["name"], description="the handler assigned"),
    breached: bool | None = Query(None, description="true: only those whose running clock is past its due date on `on`; false: the others"),
    level: Literal["body", "municipal"] | None = Query(None, description="who acts on it: the body's supervisors, or the municipal center's"),
    standing: Literal["on_time", "due_soon", "due_today", "breached", "none"] | None = Query(
        None, description="only those of this service-level standing on `on` (none: no clock runs)"
    ),
    on: Day | None = Query(None, description="the day the standing is judged on (default: today, Shanghai)", examples=["2026-06-10"]),
    limit: int = Query(100, ge=1, le=1000, description="rows per page"), offset: int = Query(0, ge=0, le=MAX_OFFSET, description="rows to skip"),
    who: Principal = Depends(READERS), read: Reading = Depends(reading),
) -> JSONResponse:  # fmt: skip
    """Soonest running due date first. Each row says `standing` (on_time, due_soon, due_today, breached, or none
    when no clock runs), `working_days_late`, and whether the caller acts on it. The contact is always masked here
    (read it in full on the complaint itself); registrars get neither the complainant's name nor the contact."""
    rows = read.query(
        complaint_queue, scoped_body(who, body), state, category, handler, breached, on or today(),
        limit, offset, level, read.services.app.calendar, standing,
    )  # fmt: skip
    return read.json([queue_row(row, who) for row in rows])


@router.get("/{complaint_id}", response_model=ComplaintView, summary="The complaint as it stands (ETag: its version)")
def get_complaint(
    complaint_id: UUID, request: Request,
    on: Day | None = Query(None, description="the day its running clock is measured on (default: today, Shanghai)", examples=["2026-06-09"]),
    who: Principal = Depends(READERS),
) -> JSONResponse:  # fmt: skip
    """Supervisors of its body and the municipal center, compliance, and its body's registrars. The contact is
    in full only for the supervisors who may act on it now; registrars see neither the complainant's name nor
    the contact."""
    complaint = complaint_in_scope(request, who, complaint_id)
    day = on or today()
    view = complaint_view(complaint, who, standing_on(request, complaint, day))
    response = JSONResponse(view.model_dump(mode="json"))
    response.headers["ETag"] = etag(complaint.version)
    return response
