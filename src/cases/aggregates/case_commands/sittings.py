"""Sittings and results: attendance (Sat or Absent, the validity window opened by the first), each subject's
result, and the decision they settle (Qualified, RetakeBarred) (DOMAIN §5)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from cases.aggregates import case_guards as guards
from cases.aggregates import subject_standing as standing
from cases.aggregates.case_clauses import NO_REFUND_CLAUSE, NO_RETAKE, PASS_CLAUSE
from cases.aggregates.case_queries import CaseQueries


class SittingCommands(CaseQueries):
    """Record attendance at a sitting and each subject's result; settle the case when they decide it."""

    if TYPE_CHECKING:  # the events triggered here, defined on EvaluationCase with the state they change
        _sat: Callable[..., None]
        _absent: Callable[..., None]
        _window_opened: Callable[..., None]
        _subject_passed: Callable[..., None]
        _subject_failed: Callable[..., None]
        _qualified: Callable[..., None]
        _retake_barred: Callable[..., None]

    def record_attendance(
        self, *, sat_on: date, attended: bool, sitting_id: str | None, window: dict[str, Any],
        results_due: dict[str, Any] | None, actor: str,
    ) -> None:  # fmt: skip
        """`window` is the validity window the first sitting opens: {"last_day", "years", "clause"};
        `results_due` the date results are owed by (seeds 002-004 三)."""
        self._require_stage("ready_to_sit", action="record attendance")
        sitting_id = guards.seat_sat(self.scheduled, sitting_id, sat_on)
        guards.require_not_before(sat_on, self.last_fact_on, "sat_on", "the payment")
        if self.is_retake_round:
            guards.require_sat_in_window(self.window_is_open_on(sat_on), self.window_last_day, sat_on, self.notice)
        sitting = dict(sat_on=sat_on, sitting_id=sitting_id, subjects=self.retake_subjects or list(self.subjects), actor=actor)
        if attended:
            self._sat(**sitting, results_due=results_due)
        else:
            self._absent(**sitting, refunded=0, clause=NO_REFUND_CLAUSE)
        if self.window_opened_on is None:
            last_day, years, clause = window["last_day"], window["years"], window["clause"]
            self._window_opened(opened_on=sat_on, last_day=last_day, years=years, clause=clause, actor=actor)
        self._settle(actor)

    def record_result(self, *, subject: str, score: float, pass_mark: int, recorded_on: date, actor: str) -> None:
        self._require_stage("awaiting_results", action="take a result")
        guards.check_result(subject, score, standing.pending(self.attempts))
        guards.require_not_before(recorded_on, self.last_fact_on, "recorded_on", "the sitting")
        last = self.last_sitting
        assert last is not None
        result = dict(
            subject=subject, score=score, pass_mark=pass_mark, sat_on=last["sat_on"], sitting_id=last["sitting_id"],
            recorded_on=recorded_on, actor=actor,
        )  # fmt: skip
        if score >= pass_mark:
            self._subject_passed(**result)
        else:
            self._subject_failed(**result)
        self._settle(actor)

    def _settle(self, actor: str) -> None:
        """After a sitting or result: decide a full pass (Qualified) or a competition failure (RetakeBarred)."""
        if self.stage != "awaiting_results" or standing.pending(self.attempts):
            return
        if standing.all_passed(self.subjects, self.attempts):
            scores = {a["subject"]: a["score"] for a in self.attempts if a["outcome"] == "passed"}
            last_day = self.window_last_day
            self._qualified(on=self.last_fact_on, scores=scores, window_last_day=last_day, clause=PASS_CLAUSE, actor=actor)
        elif self.channel == "competition":
            self._retake_barred(on=self.last_fact_on, clause=f"{self.notice} {NO_RETAKE}", actor=actor)
