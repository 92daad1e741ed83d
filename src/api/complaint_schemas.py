"""Request and response bodies of the hotline's routes (DOMAIN §10): receiving a complaint, each command on it,
and the complaint as a caller may see it. Dates are ISO dates; `received_at` is a moment with its offset."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, Field, ValidationInfo, field_validator

from api.schemas import Body, _bounded, text
from cases.limits import TEXT

Channel = Literal["body_line", "municipal_line", "letter", "online", "counter"]  # rules.complaint_clock.CHANNELS
Category = Literal["fees", "review", "scheduling", "results_late", "certificates", "candidate_misconduct", "staff_conduct", "other"]
Name = Annotated[str, Field(min_length=1, max_length=TEXT["name"])]
Evidence = Annotated[str, Field(min_length=1, max_length=TEXT["evidence"])]
MAX_NAMED = 20  # cases, staff or evidence items named in one complaint


class ComplaintBody(Body):
    """`Body`, with a moment's date checked against the limits (the base compares it as a date, and a datetime
    cannot be compared with one)."""

    @field_validator("*", mode="after")
    @classmethod
    def _within_limits(cls, value: Any, info: ValidationInfo) -> Any:
        _bounded(value.date() if isinstance(value, datetime) else value, info.field_name in cls.free_text)
        return value


class ReceiveRequest(ComplaintBody):
    """Received (DOMAIN §10 Receiving): a call on a line outside its hours, or on a rest day, counts from the next
    opening. A named complaint gives the complainant's name and contact; an anonymous one gives neither."""

    free_text = frozenset({"words"})

    channel: Channel = Field(examples=["body_line"])
    received_at: AwareDatetime = Field(description="when it was taken, with its offset (Shanghai is +08:00)", examples=["2026-06-05T10:15:00+08:00"])
    body: str = text("code", description="the body complained about", examples=["wgsh"])
    category: Category = Field(examples=["results_late"])
    words: str = text("words", min_length=1, description="the complainant's words", examples=["四月考试的成绩至今未公布"])
    complainant_name: str | None = text("name", default=None, examples=["李四"])
    complainant_contact: str | None = text("contact", default=None, description="phone, e-mail or address: shown only to the supervisors handling it", examples=["021-62715879"])
    anonymous: bool = False
    case_ids: list[UUID] = Field(default_factory=list, max_length=MAX_NAMED, description="cases of the body it concerns, if known")
    candidate_id: UUID | None = None
    staff_named: list[Name] = Field(default_factory=list, max_length=MAX_NAMED, description="staff complained about: they may neither handle it nor record its result")
    evidence: list[Evidence] = Field(default_factory=list, max_length=MAX_NAMED, description="references to the evidence (a letter, a recording)")
    to_municipal_center: bool = Field(default=False, description="a letter, form or visit to the municipal center (a call on its line is its anyway)")


class AcceptRequest(ComplaintBody):
    on: date = Field(examples=["2026-06-08"])


class DeclineRequest(ComplaintBody):
    free_text = frozenset({"reason"})

    on: date = Field(examples=["2026-06-08"])
    reason: str = text("reason", min_length=1, examples=["不属于本机构业务范围"])


class AssignRequest(ComplaintBody):
    handler: str = text("name", min_length=1, description="the staff member handling it (never one named in it)", examples=["王五"])
    on: date = Field(examples=["2026-06-08"])


class LinkCaseRequest(ComplaintBody):
    case_id: UUID = Field(examples=["0f8b8a52-3c1e-4b7e-9d55-2f0c8f6a1b20"])
    on: date = Field(examples=["2026-06-08"])


class ExtendRequest(ComplaintBody):
    free_text = frozenset({"reason"})

    working_days: int = Field(ge=1, le=60, description="at most the operator file's limit (7 by default)", examples=[5])
    reason: str = text("reason", min_length=1, examples=["需调取考场监控录像"])
    notice_recorded_on: date = Field(description="the day the complainant was told", examples=["2026-06-15"])
    on: date = Field(examples=["2026-06-15"])


class EscalateRequest(ComplaintBody):
    why: Literal["breach", "choice", "dissatisfaction"] = Field(description="a clock breached, the body's choice, or the complainant dissatisfied", examples=["choice"])
    on: date = Field(examples=["2026-06-09"])


class SanctionSpec(ComplaintBody):
    """A post-hoc sanction of a linked case (参评人员须知, last paragraph), written with the result."""

    case_id: UUID = Field(examples=["0f8b8a52-3c1e-4b7e-9d55-2f0c8f6a1b20"])
    tier: str = text("code", description="subject (须知 二), sitting (三), grave (四) or materials (一)", examples=["grave"])
    behaviour: str = text("clause", description="the 须知 clause of the behaviour", examples=["须知 四.4"])
    severity: Literal["minor", "serious"] | None = Field(default=None, description="grave tier only")
    sitting_on: date | None = Field(default=None, description="the sitting sanctioned; defaults to the latest")
    subject: str | None = text("code", default=None, description="subject tier only")


class ResolveRequest(ComplaintBody):
    """Resolved (DOMAIN §10 Result): the caller's token label is recorded as who decided it (recusal applies)."""

    free_text = frozenset({"findings"})

    outcome: Literal["upheld", "partly_upheld", "not_upheld"] = Field(examples=["not_upheld"])
    findings: str = text("words", min_length=1, examples=["经核查，成绩已按期公布"])
    on: date = Field(examples=["2026-06-12"])
    sanction: SanctionSpec | None = Field(default=None, description="an upheld complaint's post-hoc sanction of a linked case")


class CallbackRequest(ComplaintBody):
    free_text = frozenset({"notes"})

    satisfied: bool = Field(examples=[True])
    on: date = Field(examples=["2026-06-15"])
    notes: str | None = text("words", default=None, examples=["投诉人表示满意"])


class ReopenRequest(ComplaintBody):
    free_text = frozenset({"reason"})

    reason: str = text("reason", min_length=1, examples=["投诉人补充了新证据"])
    on: date = Field(examples=["2026-06-16"])


class CloseRequest(ComplaintBody):
    on: date = Field(examples=["2026-06-16"])


class ComplaintCommandResult(BaseModel):
    complaint_id: str
    version: int = Field(description="the complaint's version after the command (also the ETag)")
    stage: str = Field(description="received, accepted, declined, resolved or closed")
    level: str = Field(description="who acts on it: the body's supervisors, or (escalated) the municipal center's")
    position: int | None = Field(description="the log position the command reached: pass it as wait_for_position")
    result: dict[str, Any] | None = None


class Complainant(BaseModel):
    anonymous: bool
    name: str | None = Field(description="withheld (null) from a body's registrars")
    contact: str | None = Field(description="in full only to the supervisors handling the complaint; masked to everyone else")
    contact_masked: bool


class ComplaintView(BaseModel):
    """The complaint as it stands (ETag: its version), as the caller may see it."""

    complaint_id: str
    version: int
    body: str
    channel: str
    received_at: datetime
    counts_from: date
    level: str
    stage: str
    category: str
    category_label: str
    words: str
    evidence: list[str]
    complainant: Complainant
    case_ids: list[str]
    candidate_id: str | None
    staff_named: list[str]
    handler: str | None
    due: dict[str, Any] = Field(description="the acceptance and result clocks' due dates, as decided when each started")
    standing: dict[str, Any] | None = Field(description="the running clock against its due date on the day asked")
    extended_at: list[str]
    escalations: list[dict[str, Any]]
    outcome: dict[str, Any] | None
    callbacks: list[dict[str, Any]]
    you_act_on_it: bool = Field(description="whether the caller may act on it now (its level's supervisors)")
