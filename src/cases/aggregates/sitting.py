"""The evaluation sitting (评价场次): one project's evaluation on given days at a venue, with its seats (DOMAIN §3).

Public methods are commands: they check and raise named errors; only then do they trigger an event whose body
merely applies the fact. Every event carries the clause and dates decided, so a replay never consults the rule book.
Status: planned, then held (it took place), deferred (moved whole to a later month: the cohort was below the
minimum) or folded (a 上海市技师协会 window gathered into November). Only a planned sitting takes new seats.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from cases.errors import InvalidInput, OutOfOrder, RuleViolation
from cases.rules.schedule import parse_month


class InvalidSittingDates(InvalidInput):
    code = "invalid_sitting_dates"


class SittingInPast(InvalidInput):
    code = "sitting_in_past"


class InvalidCapacity(InvalidInput):
    code = "invalid_capacity"


class InvalidLevels(InvalidInput):
    code = "invalid_levels"


class LevelNotInSitting(InvalidInput):
    code = "level_not_in_sitting"


class CapacityExceeded(RuleViolation):
    code = "capacity_exceeded"


class AlreadyScheduled(OutOfOrder):
    code = "already_scheduled"


class SeatNotHeld(InvalidInput):
    code = "seat_not_held"


class SittingClosed(OutOfOrder):
    code = "sitting_closed"


class SittingNotYetDue(OutOfOrder):
    code = "sitting_not_yet_due"


class DeferralNotLater(InvalidInput):
    code = "deferral_not_later"


class FoldRefused(RuleViolation):
    code = "fold_refused"


class Sitting(Aggregate):
    @classmethod
    def plan(
        cls,
        *,
        body: str,
        occupation: str,
        work_type: str | None,
        levels: list[int],
        dates: list[date],
        venue: str,
        capacity: int,
        plan_month: str,
        window_name: str | None,
        planned_on: date,
        actor: str,
    ) -> Sitting:
        if not dates:
            raise InvalidSittingDates("a sitting needs at least one evaluation day", field="dates")
        if list(dates) != sorted(set(dates)):
            raise InvalidSittingDates(f"evaluation days must be distinct and in order: {[d.isoformat() for d in dates]}", field="dates")
        if dates[0] < planned_on:
            raise SittingInPast(f"the first evaluation day {dates[0]} is before the planning day {planned_on}", field="dates")
        if capacity < 1:
            raise InvalidCapacity(f"a sitting seats at least one candidate, not {capacity}", field="capacity")
        if not levels or len(set(levels)) != len(levels):
            raise InvalidLevels(f"a sitting evaluates one or more distinct levels, not {list(levels)}", field="levels")
        parse_month(plan_month)
        return cls(
            body=body, occupation=occupation, work_type=work_type, levels=list(levels), dates=list(dates), venue=venue,
            capacity=capacity, plan_month=plan_month, window_name=window_name, planned_on=planned_on, actor=actor,
        )

    @event("Planned")
    def __init__(
        self,
        *,
        body: str,
        occupation: str,
        work_type: str | None,
        levels: list[int],
        dates: list[date],
        venue: str,
        capacity: int,
        plan_month: str,
        window_name: str | None,
        planned_on: date,
        actor: str,
    ) -> None:
        self.body = body
        self.occupation = occupation
        self.work_type = work_type
        self.levels = list(levels)
        self.dates = list(dates)
        self.venue = venue
        self.capacity = capacity
        self.plan_month = plan_month
        self.window_name = window_name
        self.planned_on = planned_on
        self.seats: list[dict[str, Any]] = []
        self.status = "planned"
        self.moved_to: dict[str, Any] | None = None  # where a deferred or folded sitting went, and why

    # --- reading ------------------------------------------------------------------------------------

    @property
    def first_day(self) -> date:
        return self.dates[0]

    @property
    def last_day(self) -> date:
        return self.dates[-1]

    @property
    def headcount(self) -> int:
        return len(self.seats)

    @property
    def seats_left(self) -> int:
        return self.capacity - self.headcount

    def seat_of(self, case_id: UUID) -> dict[str, Any] | None:
        return next((s for s in self.seats if s["case_id"] == case_id), None)

    def _require_planned(self, action: str) -> None:
        if self.status != "planned":
            raise SittingClosed(f"the sitting is {self.status}; it cannot {action}", field="sitting_id", status=self.status)

    # --- seats --------------------------------------------------------------------------------------

    def assign(self, *, case_id: UUID, level: int, on: date, actor: str) -> None:
        self._require_planned("take a seat")
        if on > self.first_day:
            raise SittingClosed(f"the sitting began on {self.first_day}; no seat is assigned on {on}", field="on")
        if level not in self.levels:
            raise LevelNotInSitting(
                f"the sitting evaluates level {', '.join(map(str, self.levels))}, not level {level}", field="level"
            )
        if self.seat_of(case_id) is not None:
            raise AlreadyScheduled(f"case {case_id} already holds a seat at this sitting", field="case_id")
        if self.seats_left < 1:
            raise CapacityExceeded(
                f"the sitting at {self.venue} is full ({self.capacity} seats)", field="case_id", capacity=self.capacity
            )
        self._seat_assigned(case_id=case_id, level=level, on=on, actor=actor)

    @event("SeatAssigned")
    def _seat_assigned(self, case_id: UUID, level: int, on: date, actor: str) -> None:
        self.seats.append({"case_id": case_id, "level": level, "assigned_on": on})

    def release(self, *, case_id: UUID, reason: str, on: date, actor: str) -> None:
        if self.status == "held":
            raise SittingClosed(f"the sitting was held on {self.first_day}; its seats are history", field="sitting_id")
        seat = self.seat_of(case_id)
        if seat is None:
            raise SeatNotHeld(f"case {case_id} holds no seat at this sitting", field="case_id")
        self._seat_released(case_id=case_id, level=seat["level"], reason=reason, on=on, actor=actor)

    @event("SeatReleased")
    def _seat_released(self, case_id: UUID, level: int, reason: str, on: date, actor: str) -> None:
        self.seats = [s for s in self.seats if s["case_id"] != case_id]

    # --- what becomes of the sitting ----------------------------------------------------------------

    def defer(self, *, to_month: str, headcount: int, clause: str, on: date, actor: str) -> None:
        """Seeds 002 二(三)3 / 003 二(三) 注: below the minimum cohort, the sitting moves whole to a later month."""
        self._require_planned("be deferred")
        if parse_month(to_month, field="to_month") <= parse_month(self.plan_month):
            raise DeferralNotLater(f"a sitting planned for {self.plan_month} is deferred to a later month, not {to_month}", field="to_month")
        self._deferred(from_month=self.plan_month, to_month=to_month, headcount=headcount, clause=clause, on=on, actor=actor)

    @event("Deferred")
    def _deferred(self, from_month: str, to_month: str, headcount: int, clause: str, on: date, actor: str) -> None:
        self.status = "deferred"
        self.moved_to = {"month": to_month, "clause": clause, "on": on}

    def fold(self, *, into_window: str, notify_by: date, clause: str, on: date, actor: str) -> None:
        """Seed 004 二(三) 注: a thin window is gathered into November; candidates told by `notify_by`."""
        self._require_planned("be folded")
        if self.window_name is None:
            raise FoldRefused("only a fixed-window sitting is folded; this one is planned by month", field="window", clause=clause)
        if into_window == self.window_name:
            raise FoldRefused(f"the {self.window_name} window cannot be folded into itself", field="window", clause=clause)
        if on > notify_by:
            raise FoldRefused(
                f"candidates must be told by {notify_by}; a fold decided on {on} is too late", field="on", clause=clause
            )
        self._folded(
            from_window=self.window_name, into_window=into_window, notify_by=notify_by, headcount=self.headcount,
            clause=clause, on=on, actor=actor,
        )

    @event("Folded")
    def _folded(self, from_window: str, into_window: str, notify_by: date, headcount: int, clause: str, on: date, actor: str) -> None:
        self.status = "folded"
        self.moved_to = {"window": into_window, "notify_by": notify_by, "clause": clause, "on": on}

    def hold(self, *, on: date, actor: str) -> None:
        self._require_planned("be held")
        if on < self.first_day:
            raise SittingNotYetDue(f"the sitting begins on {self.first_day}; it cannot be held on {on}", field="on")
        self._held(on=on, headcount=self.headcount, actor=actor)

    @event("Held")
    def _held(self, on: date, headcount: int, actor: str) -> None:
        self.status = "held"
