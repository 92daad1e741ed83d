"""The rule book's shape: one year's bodies, projects, fees, windows and service levels (DOMAIN.md §3, §4, §7).

Each year file (`data/2026.toml`, later `2027.toml`) is validated into a `Catalogue`; invariants that a bad
entry would break (fees that do not add up, windows out of order) are checked here so start-up stops on them.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SUBJECT_NAMES = {"theory": "理论知识", "skills": "操作技能", "review": "综合评审"}


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Subject(_Frozen):
    """A subject or module (科目/模块) of a level, with its fee and retake price where the seed gives them."""

    code: Literal["theory", "skills", "review"]
    fee: int | None = Field(default=None, gt=0)
    retake_fee: int | None = Field(default=None, gt=0)

    @property
    def name(self) -> str:
        return SUBJECT_NAMES[self.code]


class LevelOffer(_Frozen):
    """A level of a project offered in the year: its subjects and total fee."""

    level: int = Field(ge=1, le=5)
    total: int = Field(gt=0)
    subjects: tuple[Subject, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _fees_add_up(self) -> LevelOffer:
        codes = [s.code for s in self.subjects]
        if len(set(codes)) != len(codes):
            raise ValueError(f"subjects repeat a code: {codes}")
        fees = [s.fee for s in self.subjects]
        if any(f is not None for f in fees):
            if any(f is None for f in fees):
                raise ValueError("either every subject has a fee or none has")
            if sum(fees) != self.total:  # type: ignore[arg-type]
                shown = " + ".join(str(f) for f in fees)
                raise ValueError(f"subject fees {shown} = {sum(fees)} do not add up to total {self.total}")  # type: ignore[arg-type]
        return self

    def subject(self, code: str) -> Subject | None:
        return next((s for s in self.subjects if s.code == code), None)

    @property
    def subject_codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.subjects)


class Marking(_Frozen):
    """Whether the project's evaluation involves marking or workpiece inspection (涉及阅卷及工件检测), which gives the
    body 30 working days for results instead of 20 (seeds 002/003/004 三), and the clause or Decision saying so."""

    involved: bool
    clause: str = Field(min_length=1)


class Project(_Frozen):
    """An occupation (职业) and work type (工种) a body evaluates, with the levels it offers."""

    occupation: str = Field(min_length=1)
    work_type: str | None = None
    standard: str
    levels: tuple[LevelOffer, ...] = Field(min_length=1)
    fee_clause: str
    retake_clause: str
    marking: Marking

    @model_validator(mode="after")
    def _levels_unique(self) -> Project:
        numbers = [lv.level for lv in self.levels]
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"levels repeat: {numbers}")
        return self

    @property
    def title(self) -> str:
        return f"{self.occupation} ({self.work_type})" if self.work_type else self.occupation

    def level(self, number: int) -> LevelOffer | None:
        return next((lv for lv in self.levels if lv.level == number), None)


class PaymentRule(_Frozen):
    """When a fee is due: N working days after approval (seed 000 二(四)1) or within a window (seed 004 二(四))."""

    rule: Literal["working_days", "window"]
    working_days: int | None = Field(default=None, gt=0)
    clause: str

    @model_validator(mode="after")
    def _days_for_working_day_rule(self) -> PaymentRule:
        if self.rule == "working_days" and self.working_days is None:
            raise ValueError("rule 'working_days' needs working_days")
        return self


class ResultsService(_Frozen):
    """Results queryable within N working days of the last subject (seeds 000–004 三)."""

    working_days: int = Field(gt=0)
    working_days_with_marking: int | None = Field(default=None, gt=0)
    clause: str


class CertificatePolicy(_Frozen):
    """How certificates are issued and collected (seeds 000 五, 002 五(三), 004 五)."""

    default_form: Literal["paper", "electronic"]
    paper_on_request: bool = False
    individual_collect_after_working_days: int | None = Field(default=None, gt=0)
    lost_reissue: bool = False
    clause: str


class CohortRule(_Frozen):
    """The minimum cohort (seeds 002 二(三)3, 003 二(三) 注): a month whose applicants number fewer than `minimum` is
    deferred to the next month. `counted_per` is what the applicants are counted for: the body's whole month
    (`body`), each project (`project`: occupation and work type) or each project and level (`project_level`)."""

    minimum: int = Field(gt=0)
    counted_per: Literal["body", "project", "project_level"]
    clause: str = Field(min_length=1)


class TicketRule(_Frozen):
    """When the admission ticket (准考证) can be had, after approval and payment, as the body's own notice says (二(五)):
    `once_paid` (the notice gives no day: once paid and seated), `days_before` the first evaluation day, or the
    fixed `window`'s download date (seed 004 二(三))."""

    available: Literal["once_paid", "days_before", "window"]
    days: int | None = Field(default=None, gt=0)
    clause: str = Field(min_length=1)

    @model_validator(mode="after")
    def _days_only_for_days_before(self) -> TicketRule:
        if (self.available == "days_before") != (self.days is not None):
            raise ValueError("days is given exactly when tickets are available 'days_before' the sitting")
        return self


class SameDay(_Frozen):
    """Theory and skills on one day (理论知识与操作技能同一天考核, seeds 002 二(三)2, 003 二(三) 注): a sitting spans one day."""

    clause: str = Field(min_length=1)


class FixedWindow(_Frozen):
    """One of 上海市技师协会's fixed evaluation windows (seed 004 二(三))."""

    name: str
    levels: tuple[int, ...]
    applications: tuple[date, date]
    payment: tuple[date, date]
    tickets_from: date
    evaluation_days: tuple[date, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _dates_in_order(self) -> FixedWindow:
        steps = [
            ("applications start", self.applications[0]),
            ("applications end", self.applications[1]),
            ("payment start", self.payment[0]),
            ("payment end", self.payment[1]),
            ("tickets_from", self.tickets_from),
            ("first evaluation day", min(self.evaluation_days)),
        ]
        for (name_a, a), (name_b, b) in zip(steps, steps[1:]):
            if b < a:
                raise ValueError(f"{name_b} {b} comes before {name_a} {a}")
        return self


class Body(_Frozen):
    """An evaluation body (评价机构) and its 2026 catalogue (DOMAIN.md §7)."""

    code: str = Field(pattern=r"^[a-z][a-z0-9]{1,15}$")
    name: str
    name_en: str
    seed: str
    filing_number: str | None = None
    supervision_line: str
    supervision_hours: tuple[str, ...]
    consultation_line: str | None = None
    consultation_email: str | None = None
    address: str | None = None
    counter_hours: tuple[str, ...] | None = None  # 六(二) 业务受理时间, working days
    schedule: Literal["monthly", "fixed_windows"]
    holidays_postpone: bool = False
    cohort: CohortRule | None = None
    same_day: SameDay | None = None
    tickets: TicketRule
    payment: PaymentRule
    results: ResultsService
    certificate: CertificatePolicy
    windows: tuple[FixedWindow, ...] = ()
    fold_into: str | None = None
    fold_notice_days: int | None = None
    fold_minimum: int | None = Field(default=None, gt=0)
    projects: tuple[Project, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Body:
        if self.schedule == "fixed_windows" and not self.windows:
            raise ValueError("schedule 'fixed_windows' needs windows")
        if self.payment.rule == "window" and not self.windows:
            raise ValueError("payment rule 'window' needs windows")
        if self.tickets.available == "window" and not self.windows:
            raise ValueError("tickets available by 'window' need windows")
        keys = [(p.occupation, p.work_type) for p in self.projects]
        if len(set(keys)) != len(keys):
            raise ValueError("a project (occupation, work type) is listed twice")
        return self

    @property
    def minimum_cohort(self) -> int | None:
        return self.cohort.minimum if self.cohort else None

    def project(self, occupation: str, work_type: str | None) -> Project | None:
        return next(
            (p for p in self.projects if p.occupation == occupation and p.work_type == (work_type or None)),
            None,
        )


class ValidityRule(_Frozen):
    """Score validity in years per level (seed 000 四(一), 003 四(一))."""

    years_by_level: dict[int, int]
    clause: str

    @model_validator(mode="after")
    def _every_level(self) -> ValidityRule:
        missing = sorted({1, 2, 3, 4, 5} - set(self.years_by_level))
        if missing:
            raise ValueError(f"no validity years for levels {missing}")
        return self


class ComplaintTerms(_Frozen):
    """DOMAIN §10 Clock (Decisions, the operator file's `[complaints]`): accept or decline within 3 working days of
    receipt, a result within 7 of acceptance, one extension of at most 7 more."""

    accept_working_days: int = Field(default=3, ge=1, le=60)
    result_working_days: int = Field(default=7, ge=1, le=60)
    max_extension_working_days: int = Field(default=7, ge=1, le=60)


class Supervisor(_Frozen):
    name: str
    line: str
    hours: tuple[str, ...]


class Catalogue(_Frozen):
    """One year's rule book."""

    year: int = Field(ge=2000, le=2100)
    source: str
    pass_mark: int = Field(ge=1, le=100)
    minimum_age: int = Field(ge=16)
    validity: ValidityRule
    municipal_supervisor: Supervisor
    bodies: tuple[Body, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _bodies_unique_and_windows_in_year(self) -> Catalogue:
        codes = [b.code for b in self.bodies]
        if len(set(codes)) != len(codes):
            raise ValueError(f"body codes repeat: {codes}")
        for body in self.bodies:
            for window in body.windows:
                if window.applications[0].year != self.year:
                    raise ValueError(f"{body.code} window {window.name} is not in {self.year}")
        return self

    def body(self, code: str) -> Body | None:
        return next((b for b in self.bodies if b.code == code), None)
