"""Request and response bodies (with OpenAPI examples). Dates are ISO dates; money is whole yuan."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, GetJsonSchemaHandler, PlainValidator, ValidationInfo, field_validator
from pydantic_core import core_schema

from cases.identity import make_test_id_number
from cases.limits import FIRST_DAY, LAST_DAY, MAX_AMOUNT, MAX_BATCH_ROWS, MAX_EVIDENCE_ITEMS, TEXT, control_character, date_out_of_range
from cases.rules.evidence import CERTIFICATE_SOURCES, EDUCATION_KINDS, EDUCATION_STATUSES, TITLE_GRADES

# The examples' ID numbers pass the product's own check (`cases.identity.parse_id_number`): made, not typed.
EXAMPLE_ID_NUMBER = make_test_id_number("310104", date(1992, 6, 15), 2)
EXAMPLE_GROUP_ID_NUMBER = make_test_id_number("310101", date(1998, 11, 2), 4)


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
    elif isinstance(value, datetime):
        _in_range(value.date())
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


# --- evidence (申报材料): its shape, for the document; the domain checks it --------------------------------------


def _choices(labels: dict[str, str]) -> str:
    return ", ".join(f"`{code}` ({label})" for code, label in labels.items())


class EvidenceWork(BaseModel):
    """A period working in an occupation (工作年限)."""

    model_config = ConfigDict(extra="forbid")

    occupation: str = Field(min_length=1, max_length=TEXT["evidence"], examples=["互联网营销师"])
    start: date = Field(description="not after the application date", examples=["2014-03-01"])
    end: date | None = Field(default=None, description="absent or null: ongoing; not before `start`")
    related: bool | None = Field(default=None, description="the body's attestation that the occupation is related, read only where the standard lists no related occupations")


class EvidenceCertificate(BaseModel):
    """A vocational qualification or skill-level certificate held (职业资格/职业技能等级证书), of one level."""

    model_config = ConfigDict(extra="forbid")

    occupation: str = Field(min_length=1, max_length=TEXT["evidence"], examples=["互联网营销师"])
    level: int = Field(ge=1, le=5, examples=[4])
    issued_on: date = Field(description="not after the application date", examples=["2021-06-30"])
    number: str | None = Field(default=None, max_length=TEXT["evidence"], description="one this product issued is checked against its own register at review")
    related: bool | None = Field(default=None, description="the body's attestation that the occupation is related")
    source: Literal[CERTIFICATE_SOURCES] = Field(default="declared", description="`declared` by the candidate, or `register`: issued by this product")  # type: ignore[valid-type]


class EvidenceTitle(BaseModel):
    """A professional title held (职称)."""

    model_config = ConfigDict(extra="forbid")

    grade: Literal[tuple(TITLE_GRADES)] = Field(description=_choices(TITLE_GRADES), examples=["intermediate"])  # type: ignore[valid-type]
    obtained_on: date = Field(description="not after the application date", examples=["2019-12-01"])
    field_matches: bool = Field(description="符合专业对应关系: the title's field corresponds to the occupation", examples=[True])


class EvidenceEducation(BaseModel):
    """A diploma held or expected (学历)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal[tuple(EDUCATION_KINDS)] = Field(description=_choices(EDUCATION_KINDS), examples=["higher_vocational"])  # type: ignore[valid-type]
    major: str = Field(min_length=1, max_length=TEXT["evidence"], examples=["市场营销"])
    status: Literal[tuple(EDUCATION_STATUSES)] = Field(description=_choices(EDUCATION_STATUSES), examples=["graduated"])  # type: ignore[valid-type]
    completed_on: date | None = Field(default=None, description="graduated: not after the application date; graduating or enrolled: the expected date, may lie ahead")
    major_relevant: bool | None = Field(default=None, description="the declared attestation that the major is related, read only where the standard lists no related majors")
    assessed_programme: bool = Field(default=False, description="经评估论证: the programme was assessed and certified")


class Evidence(BaseModel):
    """What an application declares (申报材料), as `cases.rules.evidence.Evidence` reads it: the review decides
    eligibility from it. A wrong evidence is refused with `invalid_evidence`, its `field` the path
    (`evidence.work[1].end`)."""

    model_config = ConfigDict(extra="forbid")

    intends_to_work: bool = Field(default=False, description="拟从事本职业或相关职业工作: intends to work in the occupation or a related one")
    work: list[EvidenceWork] = Field(default_factory=list, json_schema_extra={"maxItems": MAX_EVIDENCE_ITEMS})
    certificates: list[EvidenceCertificate] = Field(default_factory=list, json_schema_extra={"maxItems": MAX_EVIDENCE_ITEMS})
    titles: list[EvidenceTitle] = Field(default_factory=list, json_schema_extra={"maxItems": MAX_EVIDENCE_ITEMS})
    education: list[EvidenceEducation] = Field(default_factory=list, json_schema_extra={"maxItems": MAX_EVIDENCE_ITEMS})


def _as_declared(value: Any) -> Any:
    """Evidence is checked by the domain (`Evidence.from_dict`), which refuses with `invalid_evidence` naming the
    offending path (`evidence.work[1].end`): here it passes as sent, so that every wrong evidence gets that answer."""
    return value


DeclaredEvidence = Annotated[Any, PlainValidator(_as_declared, json_schema_input_type=Evidence)]


class ApplyRequest(Body):
    name: str = text("name", min_length=1, examples=["王芳"])
    id_number: str = Field(min_length=15, max_length=24, description="18-character resident ID (GB 11643)", examples=[EXAMPLE_ID_NUMBER])
    body: str = text("code", examples=["wgsh"])
    occupation: str = text("occupation", examples=["互联网营销师"])
    work_type: str | None = text("occupation", default=None, examples=["视频创推员"])
    level: int = Field(ge=1, le=5, examples=[3])
    applied_on: date = Field(examples=["2026-03-02"])
    channel: Literal["individual", "group", "competition"] = "individual"
    institution: str | None = text("institution", default=None)
    evidence: DeclaredEvidence = Field(default_factory=dict, examples=[{"work": [{"occupation": "互联网营销师", "start": "2014-03-01"}]}])
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


# --- case commands (POST /cases/batch, /cases/{id}/…) -------------------------------------------------------


class BatchCandidate(Body):
    """One row of a group submission's summary sheet (《职业技能评价申报信息汇总表》, seed 004 二(二)1)."""

    name: str = text("name", min_length=1, examples=["李娜"])
    id_number: str = Field(min_length=15, max_length=24, description="18-character resident ID (GB 11643)", examples=[EXAMPLE_GROUP_ID_NUMBER])
    occupation: str = text("occupation", examples=["企业人力资源管理师"])
    work_type: str | None = text("occupation", default=None, examples=[None])
    level: int = Field(ge=1, le=5, examples=[4])
    evidence: DeclaredEvidence = Field(default_factory=dict, examples=[{"work": [{"occupation": "企业人力资源管理师", "start": "2019-07-01"}]}])
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

    on: date = Field(examples=["2026-05-12"])
    reason: str = text("reason", min_length=1, examples=["个人原因放弃参评"])


class LapseRequest(Body):
    on: date = Field(description="a day after the fee's deadline", examples=["2026-03-09"])


# --- reads: candidates, sittings, working days, public verification ------------------------------------------


class CandidateLookup(Body):
    """The ID number travels in the body, never in a URL (URLs are logged and cached)."""

    id_number: str = Field(min_length=15, max_length=24, description="18-character resident ID (GB 11643)", examples=[EXAMPLE_ID_NUMBER])


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
    collectable_from: date | None = Field(
        description="the first day an individual may collect the paper certificate at the counter (seeds 000/001 五); none for a group's, an electronic one or a reissue"
    )
    collectable_from_provisional: bool | None = Field(description="true when that day may still move (counted across a year whose holiday arrangement is not published)")
    status: Literal["valid", "revoked", "replaced"]
    status_on: date | None = Field(description="the day it was revoked or replaced")
    replaced_by: str | None = Field(description="the number of the certificate that replaced it")
