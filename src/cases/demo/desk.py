"""The people of the demo and the desk that serves them: one body's registrar, examiner and compliance officer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from cases.service.application import CasesApplication
from cases.demo.record import Notable
from cases.errors import DomainError
from cases.identity import make_test_id_number
from cases.rulebook.model import Body
from cases.rules.schedule import cohort_decision, fold_decision, next_month

TODAY = date(2026, 11, 21)
D = date.fromisoformat
PROJECTS: dict[str, tuple[str, str | None]] = {  # each body's usual project; a case may name another work type
    "wgsh": ("互联网营销师", "视频创推员"),
    "dsxh": ("电子商务师", "网商"),
    "dmtxh": ("全媒体运营师", "直播运营"),
    "migu": ("全媒体运营师", "创意策划"),
    "jsxh": ("企业人力资源管理师", None),
}


@dataclass(frozen=True)
class Person:
    name: str
    born: str
    region: str  # administrative code of the place of first registration
    sequence: int  # odd: male, even: female (GB 11643)

    @property
    def id_number(self) -> str:
        return make_test_id_number(self.region, D(self.born), self.sequence)


def _title(occupation: str, work_type: str | None) -> str:
    return f"{occupation} ({work_type})" if work_type else occupation


@dataclass
class Desk:
    """One body's registrar, examiner and compliance officer at work. It remembers the cases and sittings it
    created, the refusals it met and the calendar decisions it took, for the read-back."""

    app: CasesApplication
    body: str
    cases: list[UUID] = field(default_factory=list)
    sittings: list[UUID] = field(default_factory=list)
    refusals: list[Notable] = field(default_factory=list)
    calendar: list[Notable] = field(default_factory=list)

    @property
    def registrar(self) -> str:
        return f"registrar:{self.body}"

    @property
    def rules(self) -> Body:
        """The body's entry in the demo year's rule book."""
        return self.app.rulebook.for_year(TODAY.year).body(self.body)  # type: ignore[return-value]

    # --- intake, review and fees ----------------------------------------------------------------

    def apply(
        self, person: Person, level: int, on: str, *, since: str | None = None, occupation: str | None = None,
        work_type: str | None = "-", channel: str = "individual", institution: str | None = None, paper: bool = False,
        education: dict[str, Any] | None = None,
    ) -> UUID:  # fmt: skip
        usual_occupation, usual_work_type = PROJECTS[self.body]
        occupation = occupation or usual_occupation
        evidence: dict[str, Any] = {"intends_to_work": since is None and education is None}
        if since:
            evidence["work"] = [{"occupation": occupation, "start": since}]
        if education:
            evidence["education"] = [education]
        case_id = self.app.apply(
            name=person.name, id_number=person.id_number, body=self.body, occupation=occupation,
            work_type=usual_work_type if work_type == "-" else work_type, level=level, applied_on=D(on),
            actor=self.registrar, channel=channel, institution=institution, evidence=evidence, paper_certificate=paper,
        )  # fmt: skip
        self.cases.append(case_id)
        return case_id

    def review(self, case_id: UUID, on: str) -> str:
        return self.app.review(case_id, decided_on=D(on), actor=self.registrar)

    def pay(self, case_id: UUID, on: str) -> None:
        due = self.app.get_case(case_id).fee_due or {}
        reference = f"{self.body.upper()}-{on.replace('-', '')}-{str(case_id)[:4]}"
        self.app.pay_fee(case_id, amount=due["total"], paid_on=D(on), actor=self.registrar, reference=reference)

    def approve_and_pay(self, case_id: UUID, decided: str, paid: str, seat_at: UUID | None = None) -> None:
        """Approve, take the fee and, given a sitting, seat the case there on the day it paid."""
        self.review(case_id, decided)
        self.pay(case_id, paid)
        if seat_at:
            self.seat(case_id, seat_at, paid)

    def retake(self, case_id: UUID, requested: str, paid: str, seat_at: UUID) -> None:
        self.app.request_retake(case_id, requested_on=D(requested), actor=self.registrar)
        self.pay(case_id, paid)
        self.seat(case_id, seat_at, paid)

    # --- the calendar ---------------------------------------------------------------------------

    def sitting(
        self, *days: str, planned_on: str, levels: tuple[int, ...] = (4, 3), work_type: str | None = "-",
        occupation: str | None = None, capacity: int = 40,
    ) -> UUID:  # fmt: skip
        """Plan a sitting of the body's usual project (or the one named) at the body's address."""
        usual_occupation, usual_work_type = PROJECTS[self.body]
        sitting_id = self.app.scheduling.plan_sitting(
            body=self.body, occupation=occupation or usual_occupation,
            work_type=usual_work_type if work_type == "-" else work_type, levels=list(levels),
            dates=[D(d) for d in days], venue=self.rules.address, capacity=capacity, planned_on=D(planned_on),
            actor=self.registrar,
        )  # fmt: skip
        self.sittings.append(sitting_id)
        return sitting_id

    def seat(self, case_id: UUID, sitting_id: UUID, on: str) -> None:
        self.app.scheduling.schedule_case(case_id, sitting_id, on=D(on), actor=self.registrar)

    def cohort_rule(self, month: str, on: str) -> None:
        """Seeds 002/003 二(三): the registrar applies the minimum cohort to the month's plan and notes the outcome."""
        for line in self.app.scheduling.apply_cohort_rule(body=self.body, plan_month=month, on=D(on), actor=self.registrar):
            project, n = f"{_title(line['occupation'], line['work_type'])} level {line['level']}", line["headcount"]
            clause = cohort_decision(self.rules, n).clause
            if line["holds"]:
                detail = f"{project}: {n} applicants for {month}, at least {line['minimum']}: the month's sitting goes ahead"
                self.calendar.append(Notable(D(on), f"{n} candidates", "cohort holds", detail, clause))
            else:
                detail = f"{project}: {n} applicants for {month}, fewer than {line['minimum']}: deferred to {next_month(month)} with their sitting"
                self.calendar.append(Notable(D(on), f"{n} candidates", "cohort deferred", detail, clause))

    def fold(self, window: str, on: str, minimum: int) -> None:
        """Seed 004 二(三) 注: the registrar checks a window against the opening minimum; a thin one is folded."""
        result = self.app.scheduling.fold_window(body=self.body, window=window, on=D(on), actor=self.registrar, minimum=minimum)
        chosen = next(w for w in self.rules.windows if w.name == window)
        clause = fold_decision(self.rules, chosen, result["headcount"], minimum).clause
        who = f"{result['headcount']} candidates"
        if result["folded"]:
            detail = (f"{window} window: {result['headcount']} applicants, fewer than {minimum}: folded into {result['into']}; "
                      f"candidates to be told by {result['notify_by']}")  # fmt: skip
            self.calendar.append(Notable(D(on), who, "window folded", detail, clause))
        else:
            days = ", ".join(str(d) for d in chosen.evaluation_days)
            detail = f"{window} window: {result['headcount']} applicants, at least {minimum}: evaluated on {days} as published"
            self.calendar.append(Notable(D(on), who, "window opens", detail, clause))

    # --- the evaluation, results and what follows ------------------------------------------------

    def attend(self, case_id: UUID, on: str) -> None:
        self.app.record_attendance(case_id, sat_on=D(on), attended=True, actor=f"examiner:{self.body}")

    def results(self, case_id: UUID, on: str, **scores: float) -> None:
        for subject, score in scores.items():
            self.app.record_result(case_id, subject=subject, score=score, recorded_on=D(on), actor=f"examiner:{self.body}")

    def sit(self, case_id: UUID, on: str, results_on: str, **scores: float) -> None:
        self.attend(case_id, on)
        self.results(case_id, results_on, **scores)

    def certify(self, case_id: UUID, on: str) -> str:
        return self.app.issue_certificate(case_id, issued_on=D(on), actor=self.registrar)

    def sanction(self, case_id: UUID, on: str, tier: str, behaviour: str, **details: Any) -> None:
        self.app.sanction(case_id, tier=tier, behaviour=behaviour, decided_on=D(on), actor=f"compliance:{self.body}", **details)

    def refused(self, person: Person, on: str, what: str, command: Callable[[], object]) -> None:
        """Run a command the rules must refuse; the refusal is recorded (it writes no event)."""
        try:
            command()
        except DomainError as error:
            detail = f"{what}: refused [{error.code}] {error.message}"
            self.refusals.append(Notable(D(on), person.name, "refused", detail, error.clause))
        else:
            raise AssertionError(f"the demo expected this to be refused: {what}")
