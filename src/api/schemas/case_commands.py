"""The commands on a case (POST /cases/{id}/…) and their answer: the case's version, stage and log position, and
for a review, the decision and the fee due."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.fields import Body, text
from cases.limits import MAX_AMOUNT, TEXT


class PaymentRequest(Body):
    amount: int = Field(gt=0, le=MAX_AMOUNT, description="whole yuan", examples=[598])
    paid_on: date = Field(examples=["2026-03-04"])
    reference: str | None = text("reference", default=None, examples=["bank transfer 0304-118"])


class CommandResult(BaseModel):
    case_id: str
    version: int = Field(description="the case's version after the command (also the ETag)")
    stage: str
    position: int | None = Field(description="the log position the command reached: pass it as wait_for_position")
    result: dict[str, Any] | None = None


class ReviewDecision(BaseModel):
    """What the review decided (the case's `decision`, as `GET /cases/{id}` shows it)."""

    model_config = ConfigDict(extra="allow")

    approved: bool
    decided_on: date
    clause: str | None = Field(default=None, description="approved: the eligibility clause satisfied", examples=["L3(1)"])
    citation: str | None = Field(default=None, description="approved: where that clause is written", examples=["seed 000/001/004 附件1 3.(1)"])
    reasons: list[str | None] | None = Field(default=None, description="rejected: why, one line per clause examined")


class FeeDue(BaseModel):
    model_config = ConfigDict(extra="allow")

    kind: str = Field(description="`full` (the evaluation fee) or `retake`", examples=["full"])
    total: int = Field(description="whole yuan", examples=[598])
    clause: str | None = Field(description="the fee table's clause")
    opens_on: date | None = Field(description="the first day payment is taken (a window's payment dates), else null")
    due_on: date = Field(description="the payment deadline: unpaid after it, the case can lapse")
    due_on_provisional: bool = Field(description="true when the deadline may still move: counted across a year whose holiday arrangement is not published")


class ReviewResult(BaseModel):
    decision: ReviewDecision
    fee_due: FeeDue | None = Field(description="approved: the fee and its payment deadline; rejected: null")
    plan: dict[str, Any] | None = Field(description="approved: the month the case is evaluated in and the last day for it")


class ReviewAnswer(CommandResult):
    """A review's answer: `stage` is `awaiting_payment` (approved) or `rejected`, and `result` says why."""

    result: ReviewResult  # type: ignore[assignment]


class ReviewRequest(Body):
    decided_on: date = Field(examples=["2026-03-03"])


class RejectionRequest(Body):
    free_text = frozenset({"reason"})

    reason: str = text("reason", min_length=1, examples=["申报材料不全：缺少学历证明"])
    decided_on: date = Field(examples=["2026-03-03"])


class ScheduleRequest(Body):
    sitting_id: UUID = Field(examples=["0f8b8a52-3c1e-4b7e-9d55-2f0c8f6a1b20"])
    on: date = Field(description="the day the seat is assigned", examples=["2026-03-10"])


class AttendanceRequest(Body):
    sat_on: date = Field(examples=["2026-04-18"])
    attended: bool = Field(examples=[True])
    sitting_id: UUID | None = Field(default=None, description="the sitting; defaults to the case's seat")


class ResultRequest(Body):
    subject: str = text("code", examples=["theory"])
    score: float = Field(allow_inf_nan=False, description="0-100; the year's pass mark decides", examples=[82])
    recorded_on: date = Field(examples=["2026-05-08"])


class RetakeRequest(Body):
    requested_on: date = Field(examples=["2026-05-11"])
    subjects: list[Annotated[str, Field(max_length=TEXT["code"])]] | None = Field(default=None, max_length=10, description="defaults to every subject not yet passed", examples=[["skills"]])


class SanctionRequest(Body):
    tier: str = text("code", description="subject (须知 二), sitting (三), grave (四) or materials (一)", examples=["sitting"])
    behaviour: str = text("clause", description="the 须知 clause of the behaviour", examples=["须知 三.1"])
    decided_on: date = Field(examples=["2026-04-18"])
    severity: Literal["minor", "serious"] | None = Field(default=None, description="grave tier only")
    sitting_on: date | None = Field(default=None, description="the sitting sanctioned; defaults to the latest")
    subject: str | None = text("code", default=None, description="subject tier only", examples=[None])


class CertificateRequest(Body):
    issued_on: date = Field(examples=["2026-05-20"])


class RevocationRequest(Body):
    free_text = frozenset({"reason"})

    on: date = Field(examples=["2026-09-01"])
    reason: str = text("reason", min_length=1, examples=["申报材料虚假（须知 一）"])


class ReissueRequest(Body):
    on: date = Field(examples=["2026-09-01"])
    reason: str = text("reason", default="lost", min_length=1, examples=["lost"])


class WithdrawalRequest(Body):
    free_text = frozenset({"reason"})

    on: date = Field(examples=["2026-05-12"])
    reason: str = text("reason", min_length=1, examples=["个人原因放弃参评"])


class LapseRequest(Body):
    on: date = Field(description="a day after the fee's deadline", examples=["2026-03-09"])
