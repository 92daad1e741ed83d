"""Commands on an existing case: POST /cases/{id}/…. Each route parses, authorises (the dependency names the
roles; another body's case answers 404 like a missing one), calls one application method and answers with the
case's new version (ETag) and log position. Every command takes `If-Match` (the ETag it was read with: a stale
one answers 412 `stale_version`) and `Idempotency-Key` (a retry replays the first answer, a refusal included).

Who may do what (DOMAIN §9). Admin may do everything; compliance officers only read.
- registrar (of the case's body): review and rejection, fees, scheduling, attendance, results (the desk enters
  marked results), retakes, certificates (issue, revoke, reissue), withdrawal, lapse. Never sanctions.
- examiner (of the case's body): attendance, results, and on-the-day sanctions: the subject and sitting tiers
  (须知 二, 三), decided on the day of the sitting sanctioned.
- supervisor (municipal, or the body's): sanctions of every tier, post-hoc included (须知, last paragraph), and
  certificate revocation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse

from api.auth import allow
from api.idempotency import run_once
from api.routes.cases import COMMAND, IdempotencyKey, IfMatch, refusal
from api.routes.common import answer, case_in_scope, expected_version, services
from api.schemas import (
    AttendanceRequest,
    CertificateRequest,
    LapseRequest,
    PaymentRequest,
    RejectionRequest,
    ResultRequest,
    ReissueRequest,
    RetakeRequest,
    ReviewAnswer,
    ReviewRequest,
    RevocationRequest,
    SanctionRequest,
    ScheduleRequest,
    WithdrawalRequest,
)
from api.tokens import Principal
from cases.service.application import CasesApplication
from cases.errors import DomainError
from cases.service.outcome import Outcome
from cases.service.replay import summarise

router = APIRouter(prefix="/cases", tags=["case commands"])
ANSWERS: dict[int | str, dict[str, Any]] = {200: COMMAND}
Method = Callable[[CasesApplication], Callable[..., Outcome]]


async def on_case(
    request: Request, who: Principal, case_id: UUID, payload: Any, key: str | None, if_match: str | None, method: Method,
    *, named: str | None = None, whole: bool = False, **arguments: Any,
) -> JSONResponse:  # fmt: skip
    """Body scope, If-Match and Idempotency-Key around one use case:
    `method(app)(case_id, **payload, **arguments, actor=…, expected_version=…, loaded=…)`; the answer is its
    `Outcome`, whose result is the answer's `result.<named>` (`whole`: the answer's `result` itself). A refusal
    becomes its problem response here, so that `run_once` stores it for a retry."""
    version = expected_version(if_match)

    def command() -> JSONResponse:
        app = services(request).app
        case = case_in_scope(request, who, case_id)  # another body's case: 404, like a missing one
        try:  # the case just loaded for the scope check is not read twice; a write in between still conflicts
            outcome = method(app)(case_id, **{**payload.model_dump(), **arguments}, actor=who.actor, expected_version=version, loaded=case)
        except DomainError as error:
            return refusal(request, error)
        value = outcome.result
        return answer(outcome, result=value if whole else {named: value} if named else None)

    return await run_once(request, who, key, payload, command)


SANCTIONERS = allow("examiner", "supervisor")
ON_THE_DAY_TIERS = ("subject", "sitting")


async def sanction_scope(payload: SanctionRequest, who: Principal = Depends(SANCTIONERS)) -> SanctionRequest:
    """An examiner sanctions what they saw: the subject or sitting tier, on the day of the sitting (its
    `sitting_on` defaults to that day). Grave and materials tiers, and anything after the day, are a supervisor's."""
    if who.role != "examiner":
        return payload
    if payload.tier not in ON_THE_DAY_TIERS:
        tiers = " and ".join(ON_THE_DAY_TIERS)
        raise HTTPException(403, f"an examiner decides only the {tiers} tiers; the {payload.tier} tier is a supervisor's")
    if payload.sitting_on not in (None, payload.decided_on):
        raise HTTPException(403, "an examiner sanctions on the day of the sitting; a post-hoc sanction is a supervisor's")
    return payload.model_copy(update={"sitting_on": payload.decided_on})


@router.post(
    "/{case_id}/review", responses={200: {"model": ReviewAnswer, "description": COMMAND["description"]}},
    summary="Review: Approved naming the clause, or Rejected naming why",
)  # fmt: skip
async def review(
    case_id: UUID, payload: ReviewRequest, request: Request, key: IdempotencyKey = None, if_match: IfMatch = None,
    who: Principal = Depends(allow("registrar")),
) -> JSONResponse:  # fmt: skip
    """Registrar. The declared evidence (and this product's own certificate register) decides; the answer's
    `stage` is `awaiting_payment` (approved) or `rejected`, and its `result` is the decision: approved with the
    clause, the fee and its payment deadline (`fee_due.due_on`), or rejected with the reasons."""
    return await on_case(request, who, case_id, payload, key, if_match, reviewed, whole=True)


def reviewed(app: CasesApplication) -> Callable[..., Outcome]:
    """The review, answering what it decided, as the reviewed case shows it (its `decision`, `fee_due`, `plan`)."""

    def review(case_id: UUID, **arguments: Any) -> Outcome:
        outcome = app.intake.review(case_id, **arguments)
        state = summarise(outcome.result).to_dict()
        return replace(outcome, result={"decision": state["decision"], "fee_due": state["fee_due"], "plan": state["plan"]})

    return review


@router.post("/{case_id}/rejection", responses=ANSWERS, summary="Rejected by the registrar, with a reason")
async def reject(
    case_id: UUID, payload: RejectionRequest, request: Request, key: IdempotencyKey = None, if_match: IfMatch = None,
    who: Principal = Depends(allow("registrar")),
) -> JSONResponse:  # fmt: skip
    """Registrar: rejects an application for a reason the evidence cannot show (e.g. incomplete materials)."""
    return await on_case(request, who, case_id, payload, key, if_match, lambda app: app.intake.reject)


@router.post("/{case_id}/payments", responses=ANSWERS, summary="FeePaid: the fee or retake fee, exactly as due")
async def pay(
    case_id: UUID, payload: PaymentRequest, request: Request, key: IdempotencyKey = None, if_match: IfMatch = None,
    who: Principal = Depends(allow("registrar")),
) -> JSONResponse:  # fmt: skip
    """Registrar."""
    return await on_case(request, who, case_id, payload, key, if_match, lambda app: app.fees.pay_fee)


@router.post("/{case_id}/schedule", responses=ANSWERS, summary="Scheduled: a seat at a planned sitting")
async def schedule(
    case_id: UUID, payload: ScheduleRequest, request: Request, key: IdempotencyKey = None, if_match: IfMatch = None,
    who: Principal = Depends(allow("registrar")),
) -> JSONResponse:  # fmt: skip
    """Registrar. The answer's `result.ticket_from` is the day the admission ticket can be downloaded."""
    return await on_case(request, who, case_id, payload, key, if_match, lambda app: app.sittings.schedule_case, named="ticket_from")


@router.post("/{case_id}/attendance", responses=ANSWERS, summary="Sat or Absent (no refund)")
async def attendance(
    case_id: UUID, payload: AttendanceRequest, request: Request, key: IdempotencyKey = None, if_match: IfMatch = None,
    who: Principal = Depends(allow("examiner", "registrar")),
) -> JSONResponse:  # fmt: skip
    """Examiner or registrar. The first sitting opens the validity window."""
    sitting_id = str(payload.sitting_id) if payload.sitting_id else None  # the case names its seat's sitting as text
    return await on_case(request, who, case_id, payload, key, if_match, lambda app: app.results.record_attendance, sitting_id=sitting_id)


@router.post("/{case_id}/results", responses=ANSWERS, summary="SubjectPassed or SubjectFailed at the year's pass mark")
async def record_result(
    case_id: UUID, payload: ResultRequest, request: Request, key: IdempotencyKey = None, if_match: IfMatch = None,
    who: Principal = Depends(allow("examiner", "registrar")),
) -> JSONResponse:  # fmt: skip
    """Examiner, or the registrar entering marked results. The answer's `stage` says what follows
    (`qualified`, `retake_available`, or `awaiting_results` while subjects are outstanding)."""
    return await on_case(request, who, case_id, payload, key, if_match, lambda app: app.results.record_result)


@router.post("/{case_id}/retake", responses=ANSWERS, summary="RetakeRequested at the retake price")
async def retake(
    case_id: UUID, payload: RetakeRequest, request: Request, key: IdempotencyKey = None, if_match: IfMatch = None,
    who: Principal = Depends(allow("registrar")),
) -> JSONResponse:  # fmt: skip
    """Registrar. The answer's `result.fee_due` is the retake fee and its payment dates."""
    return await on_case(request, who, case_id, payload, key, if_match, lambda app: app.results.request_retake, named="fee_due")


@router.post("/{case_id}/sanctions", responses=ANSWERS, summary="Sanctioned (参评人员须知 一-四)")
async def sanction(
    case_id: UUID, request: Request, key: IdempotencyKey = None, if_match: IfMatch = None,
    payload: SanctionRequest = Depends(sanction_scope), who: Principal = Depends(SANCTIONERS),
) -> JSONResponse:  # fmt: skip
    """Examiner: the subject and sitting tiers, on the day. Supervisor: every tier, post-hoc too (an issued
    certificate is invalidated). A registrar may not sanction. The answer's `result.ban` is the ban imposed."""
    return await on_case(request, who, case_id, payload, key, if_match, lambda app: app.sanctions.sanction, named="ban")


@router.post("/{case_id}/certificate", responses=ANSWERS, summary="CertIssued: numbered per the body's filing number")
async def issue_certificate(
    case_id: UUID, payload: CertificateRequest, request: Request, key: IdempotencyKey = None, if_match: IfMatch = None,
    who: Principal = Depends(allow("registrar")),
) -> JSONResponse:  # fmt: skip
    """Registrar. The answer's `result.number` is the certificate number."""
    return await on_case(request, who, case_id, payload, key, if_match, lambda app: app.certificates.issue, named="number")


@router.post("/{case_id}/certificate/revocation", responses=ANSWERS, summary="CertRevoked: the certificate is invalid")
async def revoke_certificate(
    case_id: UUID, payload: RevocationRequest, request: Request, key: IdempotencyKey = None, if_match: IfMatch = None,
    who: Principal = Depends(allow("registrar", "supervisor")),
) -> JSONResponse:  # fmt: skip
    """Registrar of the issuing body, or a supervisor."""
    return await on_case(request, who, case_id, payload, key, if_match, lambda app: app.certificates.revoke)


@router.post("/{case_id}/certificate/reissue", responses=ANSWERS, summary="CertReissued (遗失补办) under a new number")
async def reissue_certificate(
    case_id: UUID, payload: ReissueRequest, request: Request, key: IdempotencyKey = None, if_match: IfMatch = None,
    who: Principal = Depends(allow("registrar")),
) -> JSONResponse:  # fmt: skip
    """Registrar, where the body's notice offers reissue (seed 002 五(三)); elsewhere `reissue_not_offered`."""
    return await on_case(request, who, case_id, payload, key, if_match, lambda app: app.certificates.reissue, named="number")


@router.post("/{case_id}/withdrawal", responses=ANSWERS, summary="Withdrawn: the candidate leaves; a seat is freed")
async def withdraw(
    case_id: UUID, payload: WithdrawalRequest, request: Request, key: IdempotencyKey = None, if_match: IfMatch = None,
    who: Principal = Depends(allow("registrar")),
) -> JSONResponse:  # fmt: skip
    """Registrar."""
    return await on_case(request, who, case_id, payload, key, if_match, lambda app: app.fees.withdraw)


@router.post("/{case_id}/lapse", responses=ANSWERS, summary="Lapsed: the fee was not paid by its deadline")
async def lapse(
    case_id: UUID, payload: LapseRequest, request: Request, key: IdempotencyKey = None, if_match: IfMatch = None,
    who: Principal = Depends(allow("registrar")),
) -> JSONResponse:  # fmt: skip
    """Registrar."""
    return await on_case(request, who, case_id, payload, key, if_match, lambda app: app.fees.lapse)
