"""Request and response bodies (with OpenAPI examples). Dates are ISO dates; money is whole yuan."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, GetJsonSchemaHandler, ValidationInfo, field_validator
from pydantic_core import core_schema

from cases.limits import FIRST_DAY, LAST_DAY, MAX_AMOUNT, MAX_BATCH_ROWS, TEXT, control_character, date_out_of_range


def _in_range(day: date) -> date:
    if date_out_of_range(day):
        raise ValueError(f"a date from {FIRST_DAY} to {LAST_DAY} is expected")
    return day


class Day(date):
    """A date within `cases.limits`, for query and path parameters (request bodies check every date field). A class,
    not `Annotated[date, AfterValidator(...)]`: FastAPI drops such metadata from a parameter declared `= Query(...)`."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(_in_range, core_schema.date_schema())

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        found = handler(schema)
        return {**found, "description": f"a date from {FIRST_DAY} to {LAST_DAY}"} if "description" not in found else found


def _bounded(value: Any, free_text: bool) -> None:
    if isinstance(value, str):
        if found := control_character(value, free_text=free_text):
            raise ValueError(f"control characters are not allowed ({found})")
    elif isinstance(value, date):
        _in_range(value)
    elif isinstance(value, list):
        for item in value:
            _bounded(item, free_text)
    elif isinstance(value, dict):  # free-form (evidence): its texts are bounded again where the domain reads it
        for key, item in value.items():
            _bounded(key, False)
            _bounded(item, free_text)


class Body(BaseModel):
    """Every request body: no unknown fields, no control characters in any text (tab and line breaks only in the
    fields named in `free_text`), every date within `cases.limits`. Lengths are each field's `max_length`."""

    model_config = ConfigDict(extra="forbid")
    free_text: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="after")
    @classmethod
    def _within_limits(cls, value: Any, info: ValidationInfo) -> Any:
        _bounded(value, info.field_name in cls.free_text)
        return value


def text(kind: str, **field: Any) -> Any:
    """A text field bounded by its kind's length in `cases.limits.TEXT`."""
    return Field(max_length=TEXT[kind], **field)


class ApplyRequest(Body):
    name: str = text("name", min_length=1, examples=["王芳"])
    id_number: str = Field(min_length=15, max_length=24, description="18-character resident ID (GB 11643)", examples=["310101199206150023"])
    body: str = text("code", examples=["wgsh"])
    occupation: str = text("occupation", examples=["互联网营销师"])
    work_type: str | None = text("occupation", default=None, examples=["视频创推员"])
    level: int = Field(ge=1, le=5, examples=[3])
    applied_on: date = Field(examples=["2026-03-02"])
    channel: Literal["individual", "group", "competition"] = "individual"
    institution: str | None = text("institution", default=None)
    evidence: dict[str, Any] = Field(default_factory=dict, examples=[{"work": [{"occupation": "互联网营销师", "start": "2014-03-01"}]}])
    phone: str | None = text("phone", default=None)
    paper_certificate: bool = False


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


# --- case commands (POST /cases/batch, /cases/{id}/…) -------------------------------------------------------


class BatchCandidate(Body):
    """One row of a group submission's summary sheet (《职业技能评价申报信息汇总表》, seed 004 二(二)1)."""

    name: str = text("name", min_length=1, examples=["李娜"])
    id_number: str = Field(min_length=15, max_length=24, description="18-character resident ID (GB 11643)", examples=["310101199811020046"])
    occupation: str = text("occupation", examples=["企业人力资源管理师"])
    work_type: str | None = text("occupation", default=None, examples=[None])
    level: int = Field(ge=1, le=5, examples=[4])
    evidence: dict[str, Any] = Field(default_factory=dict, examples=[{"work": [{"occupation": "企业人力资源管理师", "start": "2019-07-01"}]}])
    phone: str | None = text("phone", default=None)
    paper_certificate: bool = False


class BatchApplyRequest(Body):
    """Group application (团体申报, all seeds 二(二)): an institution submits many candidates at once."""

    body: str = text("code", examples=["jsxh"])
    institution: str = text("institution", min_length=1, examples=["上海市工业技术学校"])
    applied_on: date = Field(examples=["2026-03-02"])
    candidates: list[BatchCandidate] = Field(min_length=1, max_length=MAX_BATCH_ROWS)


class BatchRow(BaseModel):
    row: int = Field(description="the row's index in `candidates`, from 0")
    status: int = Field(description="201 applied, or the refusal's status")
    case_id: str | None = None
    location: str | None = None
    problem: dict[str, Any] | None = Field(default=None, description="the refusal, as problem+json")


class BatchResult(BaseModel):
    applied: int
    refused: int
    position: int | None = Field(description="the log position the last applied row reached")
    rows: list[BatchRow]


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

    on: date = Field(examples=["2026-03-20"])
    reason: str = text("reason", min_length=1, examples=["个人原因放弃参评"])


class LapseRequest(Body):
    on: date = Field(description="a day after the fee's deadline", examples=["2026-03-09"])


# --- reads: candidates, sittings, working days, public verification ------------------------------------------


class CandidateLookup(Body):
    """The ID number travels in the body, never in a URL (URLs are logged and cached)."""

    id_number: str = Field(min_length=15, max_length=24, description="18-character resident ID (GB 11643)", examples=["310101199206150023"])


class PlanSittingRequest(Body):
    body: str = text("code", examples=["wgsh"])
    occupation: str = text("occupation", examples=["互联网营销师"])
    work_type: str | None = text("occupation", default=None, examples=["视频创推员"])
    levels: list[int] = Field(min_length=1, max_length=5, examples=[[4, 3]])
    dates: list[date] = Field(min_length=1, max_length=10, description="evaluation days, in order", examples=[["2026-04-18"]])
    venue: str = text("venue", min_length=1, examples=["新闻路945号306室"])
    capacity: int = Field(ge=1, le=10_000, examples=[40])
    planned_on: date = Field(examples=["2026-03-02"])


class CohortRuleRequest(Body):
    body: str = text("code", examples=["migu"])
    plan_month: str = Field(pattern=r"^\d{4}-\d{2}$", examples=["2026-04"])
    on: date = Field(description="the day the rule is applied", examples=["2026-04-01"])


class FoldWindowRequest(Body):
    on: date = Field(description="the day of the decision (at least 10 days before November's evaluation)", examples=["2026-03-30"])
    minimum: int | None = Field(default=None, ge=1, le=10_000, description="the opening minimum (default: the rule book's)")


class WorkingDayDue(BaseModel):
    due: date
    provisional: bool = Field(description="true when a day examined lies in a year without a published arrangement")
    basis: str


class DayStatusView(BaseModel):
    day: date
    weekday: str
    working: bool
    exact: bool = Field(description="false when the year's arrangement is not yet published (weekends only)")
    reason: str


class PublicCertificate(BaseModel):
    """What anyone may learn of a certificate: never the holder's ID number, not even masked."""

    number: str
    holder_name: str
    body: str
    body_name: str | None
    occupation: str
    work_type: str | None
    level: int
    issued_on: date
    status: Literal["valid", "revoked", "replaced"]
    status_on: date | None = Field(description="the day it was revoked or replaced")
    replaced_by: str | None = Field(description="the number of the certificate that replaced it")
