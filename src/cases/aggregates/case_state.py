"""How a fact changes an evaluation case, where several of its events change it the same way: owing a fee, a
sitting recorded, a subject's outcome and the stage it leaves, a sanction's retake decision, an ending. Applied
only from inside the `@event` methods of `EvaluationCase` (evaluation_case.py), so a replay runs exactly these
bodies and never a rule book; kept apart so the aggregate's module holds its state and its events."""

from __future__ import annotations

from datetime import date
from typing import Any

from cases.aggregates import case_snapshot as snapshot
from cases.aggregates import subject_standing as standing
from cases.aggregates.case_stages import ENDED, outstanding_stage, retake_decision


class CaseStateChanges:
    """Mixed into `EvaluationCase`; reads and writes the state its `Applied` event set up."""

    def _owe(self, fee: dict[str, Any], payment: dict[str, Any], on: date) -> None:
        self.fee_due = fee
        self.pay_by = date.fromisoformat(payment["due_on"])
        self.pay_by_provisional = bool(payment.get("provisional"))
        self.pay_from = date.fromisoformat(payment["opens_on"]) if payment.get("opens_on") else None
        self.stage = "awaiting_payment"
        self.last_fact_on = on

    def _record_sitting(self, sat_on: date, sitting_id: str | None, subjects: list[str], attended: bool, outcome: str) -> None:
        self._sittings.append(snapshot.sitting_row(sat_on, sitting_id, attended, subjects))
        self.attempts = [a for a in self.attempts if a["subject"] not in subjects]
        self.attempts.extend({"subject": s, "sat_on": sat_on, "outcome": outcome, "score": None} for s in subjects)
        self.retake_subjects, self.scheduled, self.results_due = None, None, None
        self.stage = "awaiting_results"
        self.last_fact_on = sat_on

    def _stage_after_results(self) -> None:
        """Applied with every result: with none pending and some not passed, a retake is open (or barred, as a
        sanction decided). A full pass and a competition failure are decisions of their own (Qualified,
        RetakeBarred) with their clause."""
        if standing.pending(self.attempts) or standing.all_passed(self.subjects, self.attempts):
            return
        if self.channel != "competition":
            self.stage = outstanding_stage(self.retake_after_sanction, self.last_fact_on)

    def _set_outcome(self, subject: str, sat_on: date, outcome: str, score: float | None, on: date) -> None:
        for attempt in self.attempts:
            if attempt["subject"] == subject and attempt["sat_on"] == sat_on:
                attempt["outcome"], attempt["score"] = outcome, score
        self.last_fact_on = on
        self._stage_after_results()

    def _retake_decision(self, tier: str, ban: dict[str, Any] | None) -> dict[str, Any] | None:
        """Whether a retake remains after this sanction, given the case's earlier bans (case_stages.retake_decision)."""
        bans = [s["ban"]["ends_on"] for s in self.sanctions if s.get("ban")] + ([ban["ends_on"]] if ban else [])
        return retake_decision(
            tier, ended=self.stage in ENDED, bans=bans, window_last_day=self.window_last_day,
            competition=self.channel == "competition", notice=self.notice,
        )  # fmt: skip

    def _end(self, stage: str, on: date) -> None:
        self.stage = stage
        self.ended_on = on
        self.last_fact_on = on
