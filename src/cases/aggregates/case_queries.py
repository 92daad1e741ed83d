"""What an evaluation case can say about itself without changing: its payments and sittings read from their
compact rows, its retake window, the stage on a day, and the stage check every command starts with."""

from __future__ import annotations

from datetime import date
from typing import Any

from cases.aggregates import case_guards as guards
from cases.aggregates import case_snapshot as snapshot
from cases.aggregates import subject_standing as standing
from cases.aggregates.case_stages import stage_on


class CaseQueries:
    """Read-only views over the state `EvaluationCase.__init__` and its events keep, and the stage check."""

    @property
    def payments(self) -> list[dict[str, Any]]:
        return [snapshot.payment(row) for row in self._payments]

    @property
    def sittings(self) -> list[dict[str, Any]]:
        return [snapshot.sitting(row) for row in self._sittings]

    @property
    def last_sitting(self) -> dict[str, Any] | None:
        """`sittings[-1]`, or None before the first: without building the others (the case index asks per batch)."""
        return snapshot.sitting(self._sittings[-1]) if self._sittings else None

    @property
    def paid_total(self) -> int:
        """The sum of every payment's amount."""
        return sum(row[0] for row in self._payments)

    @property
    def is_retake_round(self) -> bool:
        return self.window_opened_on is not None

    def window_is_open_on(self, day: date) -> bool:
        return self.window_last_day is not None and self.window_opened_on <= day <= self.window_last_day  # type: ignore[operator]

    def outstanding_subjects(self) -> list[str]:
        return standing.outstanding(self.subjects, self.attempts)

    @property
    def retake_after_sanction(self) -> dict[str, Any] | None:
        """The latest sanction's recorded decision on a retake ({possible, from, barred_until, window_last_day,
        clause}), or None when no sanction decided one."""
        return next((s["retake"] for s in reversed(self.sanctions) if s.get("retake")), None)

    def stage_on(self, day: date) -> str:
        """The stage as it holds on `day` (case_stages.stage_on)."""
        return stage_on(self.stage, self.retake_after_sanction, day)

    def plan_month(self) -> str | None:
        return self.plan["plan_month"] if self.plan else None

    def _require_stage(self, *stages: str, action: str, on: date | None = None) -> None:
        """The stage must be one of `stages` (on the day `on`, when given: a ban may have ended by then)."""
        guards.require_stage(self.stage if on is None else self.stage_on(on), stages, action=action, ended_on=self.ended_on)
