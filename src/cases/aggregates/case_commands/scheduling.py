"""Scheduling: a seat at a sitting, or the planned month moved on (DOMAIN §3; seeds 000-004 二(三), 二(五))."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from cases.aggregates import case_guards as guards
from cases.aggregates.case_queries import CaseQueries


class SchedulingCommands(CaseQueries):
    """Give the case a seat at a sitting, or defer it to a later month."""

    if TYPE_CHECKING:  # the events triggered here, defined on EvaluationCase with the state they change
        _scheduled: Callable[..., None]
        _deferred: Callable[..., None]

    def schedule(
        self, *, sitting_id: str, dates: list[date], venue: str, ticket_from: date, on: date, actor: str,
        ticket_clause: str | None = None,
    ) -> None:  # fmt: skip
        """`ticket_from`, `ticket_clause`: the day the admission ticket can be had and the body's own notice saying so."""
        self._require_stage("awaiting_payment", "ready_to_sit", action="be scheduled")
        guards.require_no_seat(self.scheduled)
        if self.is_retake_round:
            guards.require_sitting_in_window(self.window_last_day, dates[-1], self.notice)
        self._scheduled(
            sitting_id=sitting_id, dates=dates, venue=venue, ticket_from=ticket_from, ticket_clause=ticket_clause, on=on,
            actor=actor,
        )  # fmt: skip

    def defer(
        self, *, from_month: str, to_month: str, reason: str, clause: str, notify_by: date | None,
        last_day: date | None, on: date, actor: str, window: str | None = None, carried_into_next_year: bool = False,
    ) -> None:  # fmt: skip
        """The month (or window) it was planned for did not take place for it: moved on, seat released."""
        self._require_stage("applied", "awaiting_payment", "ready_to_sit", action="be deferred")
        self._deferred(
            from_month=from_month, to_month=to_month, reason=reason, clause=clause, notify_by=notify_by,
            last_day=last_day, window=window, sitting_id=self.scheduled["sitting_id"] if self.scheduled else None,
            carried_into_next_year=carried_into_next_year, on=on, actor=actor,
        )  # fmt: skip
