"""Retakes: requesting one inside the validity window, or waiving it by re-applying (DOMAIN §5)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from cases.aggregates import case_guards as guards
from cases.aggregates import subject_standing as standing
from cases.aggregates.case_clauses import RETAKE_WAIVED
from cases.aggregates.case_queries import CaseQueries


class RetakeCommands(CaseQueries):
    """Request a retake of the outstanding subjects, or waive it (视为放弃补考)."""

    if TYPE_CHECKING:  # the events triggered here, defined on EvaluationCase with the state they change
        _retake_requested: Callable[..., None]
        _retake_waived: Callable[..., None]

    def request_retake(
        self, *, subjects: list[str], fee: dict[str, Any], payment: dict[str, Any], requested_on: date, actor: str
    ) -> None:
        self.check_retake_request(subjects=subjects, requested_on=requested_on)
        self._retake_requested(subjects=subjects, fee=fee, payment=payment, requested_on=requested_on, actor=actor)

    def check_retake_request(self, *, subjects: list[str], requested_on: date) -> None:
        """The case's refusals of a retake request, checked before its price and payment dates are looked up, so a
        request after the window's last day is refused for the closed window (issue 12 point 4), not for a body's
        application dates (seed 004 二(三)) or a price the notice does not give."""
        guards.refuse_competition_retake(self.channel, self.notice)
        guards.refuse_if_barred(
            self.stage_on(requested_on), self.retake_after_sanction, self.sanctions, competition=self.channel == "competition",
            field="requested_on", action="take a retake request",
        )  # fmt: skip
        self._require_stage("retake_available", action="take a retake request", on=requested_on)
        guards.require_not_before(requested_on, self.last_fact_on, "requested_on", "the case's last fact")
        guards.require_retake_window(self.window_is_open_on(requested_on), self.window_last_day, self.notice)
        guards.require_outstanding(subjects, self.outstanding_subjects())

    def waive_retake(self, *, new_case_id: UUID, on: date, actor: str) -> None:
        """Re-applying for the same project and level inside the window waives the retake (视为放弃补考)."""
        self._require_stage("retake_available", "awaiting_payment", "ready_to_sit", action="have its retake waived", on=on)
        guards.require_waivable(self.window_is_open_on(on), on, self.notice)
        discarded, clause = standing.passed(self.subjects, self.attempts), f"{self.notice} {RETAKE_WAIVED}"
        self._retake_waived(new_case_id=new_case_id, discarded_subjects=discarded, on=on, clause=clause, actor=actor)
