"""Attendance, results and retakes (DOMAIN §5, §7): Sat or Absent (the first sitting opens the validity window),
SubjectPassed / SubjectFailed at the year's pass mark, RetakeRequested at the retake price."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from cases.aggregates.evaluation_case import EvaluationCase
from cases.rulebook.lookup import window_for_application
from cases.rules.fees import retake_fee
from cases.rules.payment import payment_due
from cases.rules.service_levels import results_due
from cases.rules.validity import open_window
from cases.service.outcome import Outcome
from cases.service.unit_of_work import UnitOfWork


class Results:
    def __init__(self, work: UnitOfWork) -> None:
        self.work = work

    def record_attendance(
        self, case_id: UUID, *, sat_on: date, attended: bool, actor: str, sitting_id: str | None = None,
        expected_version: int | None = None, loaded: EvaluationCase | None = None,
    ) -> Outcome:  # fmt: skip
        """Sat or Absent (no refund); the first sitting opens the validity window (DOMAIN §5 Decision)."""
        case = self.work.case_for_command(case_id, expected_version, loaded)
        self.work.refuse_if_banned(self.work.candidate(case.candidate_id), sat_on, field="sat_on")
        offer = self.work.offer_for(case)
        window = open_window(sat_on, offer.validity_years, offer.catalogue.validity.clause)
        due = results_due(offer.body, sat_on, offer.project.marking.involved, self.work.calendar)
        case.record_attendance(
            sat_on=sat_on, attended=attended, sitting_id=sitting_id, actor=actor, results_due=due.to_dict(),
            window={"last_day": window.last_day, "years": window.years, "clause": window.clause},
        )  # fmt: skip
        return Outcome.of(case, self.work.save(case))

    def record_result(
        self, case_id: UUID, *, subject: str, score: float, recorded_on: date, actor: str, expected_version: int | None = None,
        loaded: EvaluationCase | None = None,
    ) -> Outcome:  # fmt: skip
        """SubjectPassed / SubjectFailed at the year's pass mark; the outcome's result is the case's stage afterwards."""
        case = self.work.case_for_command(case_id, expected_version, loaded)
        case.record_result(
            subject=subject, score=score, pass_mark=self.work.offer_for(case).catalogue.pass_mark, recorded_on=recorded_on, actor=actor
        )
        return Outcome.of(case, self.work.save(case), case.stage)

    def request_retake(
        self, case_id: UUID, *, requested_on: date, actor: str, subjects: list[str] | None = None,
        expected_version: int | None = None, loaded: EvaluationCase | None = None,
    ) -> Outcome:  # fmt: skip
        """RetakeRequested at the retake price of the subjects retaken (seed 000 二(四)2 注; 004 附件2-3); the
        outcome's result is the fee due."""
        case = self.work.case_for_command(case_id, expected_version, loaded)
        self.work.refuse_if_banned(self.work.candidate(case.candidate_id), requested_on, field="requested_on")
        offer = self.work.offer_for(case)
        chosen = list(subjects) if subjects else case.outstanding_subjects()
        case.check_retake_request(subjects=chosen, requested_on=requested_on)  # the case's own refusals come first
        fee = retake_fee(offer, chosen) if case.channel != "competition" else None
        that_year = self.work.rulebook.catalogues.get(requested_on.year, offer.catalogue)  # the windows of the retake's year
        body_now = that_year.body(case.body) or offer.body
        window = (
            window_for_application(body_now, case.level, requested_on, field="requested_on", what="retake requests")
            if body_now.windows else None
        )  # fmt: skip
        due = payment_due(body_now, requested_on, self.work.calendar, window)
        case.request_retake(
            subjects=chosen, fee=fee.to_dict() if fee else {}, payment=due.to_dict(), requested_on=requested_on, actor=actor
        )
        fee_due: dict[str, Any] = case.fee_due or {}
        return Outcome.of(case, self.work.save(case), fee_due)
