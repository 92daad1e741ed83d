"""Sittings and the evaluation calendar (DOMAIN §3, §5, §8): plan sittings, seat cases, admission tickets, the
monthly cohort rule, December carry-over and 上海市技师协会's window folding. The month's plan and what is late on a
day are read models' answers (`cases.projections.month_plan`, `cases.projections.case_index.late_on`).

Every operation that changes several aggregates (a case and its sitting; a deferred cohort) saves them in one
atomic write. The rules over a month or a window decide on the cases and sittings as the log holds them when the
command runs (`case_log`), never on a read model, which may lag the log: a cohort counted short by a read model
behind the last approval would defer a month that holds.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from cases.aggregates.evaluation_case import EvaluationCase
from cases.aggregates.sitting import FoldRefused, Sitting
from cases.errors import InvalidInput, NotFound, OutOfOrder, RuleViolation
from cases.rulebook.lookup import find_offer
from cases.rulebook.model import Body, FixedWindow
from cases.rules.schedule import (
    WAITING,
    carry_into_next_year,
    check_sitting_days,
    cohort_units,
    evaluation_deadline,
    fold_decision,
    month_end,
    month_of,
    next_month,
    parse_month,
    ticket_available_from,
)
from cases.service import case_log
from cases.service.outcome import Outcome
from cases.service.unit_of_work import UnitOfWork


class SittingMismatch(InvalidInput):
    code = "sitting_mismatch"


class SittingOutsideWindow(RuleViolation):
    code = "sitting_outside_window"


class TicketNotAvailable(OutOfOrder):
    code = "ticket_not_available"


class Scheduling:
    """Commands answer an `Outcome`: about the sitting planned or the case seated; a rule over a month or a window
    (cohort, carry-over, folding) is about no one aggregate, and its position is its last write's."""

    def __init__(self, work: UnitOfWork) -> None:
        self.work = work

    # --- sittings -----------------------------------------------------------------------------------

    def plan_sitting(
        self, *, body: str, occupation: str, work_type: str | None, levels: list[int], dates: list[date], venue: str,
        capacity: int, planned_on: date, actor: str,
    ) -> Outcome:  # fmt: skip
        """A planned sitting; the outcome's result is its id."""
        if not dates:
            raise InvalidInput("a sitting needs at least one evaluation day", field="dates")
        offers = [
            find_offer(self.work.rulebook, body=body, occupation=occupation, work_type=work_type, level=lv, year=dates[0].year, year_field="dates")
            for lv in levels
        ]  # fmt: skip
        found_body = offers[0].body if offers else None
        if found_body:
            check_sitting_days(found_body, dates)
        window = self._window_holding(found_body, dates) if found_body and found_body.windows else None
        sitting = Sitting.plan(
            body=body, occupation=occupation, work_type=work_type, levels=levels, dates=dates, venue=venue,
            capacity=capacity, plan_month=month_of(dates[0]), window_name=window.name if window else None,
            planned_on=planned_on, actor=actor,
        )  # fmt: skip
        return Outcome.of(sitting, self.work.save(sitting), sitting.id)

    @staticmethod
    def _window_holding(body: Body, dates: list[date]) -> FixedWindow:
        """Seed 004 二(三): its evaluations take place only on the windows' evaluation days."""
        for window in body.windows:
            if set(dates) <= set(window.evaluation_days):
                return window
        days = "; ".join(f"{w.name}: {', '.join(str(d) for d in w.evaluation_days)}" for w in body.windows)
        raise SittingOutsideWindow(f"{body.name} evaluates only on its windows' days ({days})", field="dates", clause="seed 004 二(三)")

    def schedule_case(
        self, case_id: UUID, sitting_id: UUID, *, on: date, actor: str, expected_version: int | None = None,
        loaded: EvaluationCase | None = None,
    ) -> Outcome:  # fmt: skip
        """Scheduled: the case takes a seat at the sitting; the outcome's result is the day its admission ticket is
        available."""
        case = self.work.case_for_command(case_id, expected_version, loaded)
        sitting = self.work.sitting(sitting_id)
        if (case.body, case.occupation, case.work_type) != (sitting.body, sitting.occupation, sitting.work_type):
            raise SittingMismatch("the sitting is for another body or project than the case", field="sitting_id")
        if not case.is_retake_round:
            self._check_plan(case, sitting)
        self.work.refuse_if_banned(self.work.candidate(case.candidate_id), sitting.first_day, field="sitting_id")
        body = self.work.offer_for(case).body
        window = next((w for w in body.windows if w.name == sitting.window_name), None)
        ticket_from = ticket_available_from(body, sitting.first_day, window) or on  # no day in the notice: once seated (and paid)
        sitting.assign(case_id=case.id, level=case.level, on=on, actor=actor)
        case.schedule(
            sitting_id=str(sitting.id), dates=sitting.dates, venue=sitting.venue, ticket_from=ticket_from,
            ticket_clause=body.tickets.clause, on=on, actor=actor,
        )  # fmt: skip
        return Outcome.of(case, self.work.save(sitting, case), ticket_from)

    @staticmethod
    def _check_plan(case: EvaluationCase, sitting: Sitting) -> None:
        plan = case.plan or {}
        last_day = date.fromisoformat(plan["last_day"]) if plan.get("last_day") else None
        window = plan.get("window") or case.window_name
        if sitting.window_name and sitting.window_name != window:
            raise SittingMismatch(f"the case belongs to the {window} window, the sitting to {sitting.window_name}", field="sitting_id")
        if sitting.first_day < case.applied_on or (last_day and sitting.last_day > last_day):
            raise SittingMismatch(
                f"the case is planned for {plan.get('plan_month')} (evaluated by {last_day}); the sitting is on {sitting.first_day}",
                field="sitting_id",
                clause=plan.get("clause"),
            )

    def admission_ticket(self, case_id: UUID, *, on: date) -> dict[str, Any]:
        """准考证: only after approval and payment, and from the day the case's own notice gives (二(五); seed 004 二(三)
        the window's date; seeds 000/001 give none: once seated), as recorded when the case was seated."""
        case = self.work.case(case_id)
        clause = (case.scheduled or {}).get("ticket_clause") or self.work.offer_for(case).body.tickets.clause
        if case.stage != "ready_to_sit":
            raise TicketNotAvailable(f"no admission ticket: the case is {case.stage}, not approved and paid", field="case_id", clause=clause)
        if not case.scheduled:
            raise TicketNotAvailable("no admission ticket yet: the case has no sitting", field="case_id", clause=clause)
        available = case.scheduled["ticket_from"]
        if on < available:
            raise TicketNotAvailable(f"the admission ticket is available from {available}", field="on", clause=clause, available_from=str(available))
        return {
            "case_id": str(case.id), "holder_name": case.holder_name, "holder_id_masked": case.holder_id_masked,
            "body": case.body, "occupation": case.occupation, "work_type": case.work_type, "level": case.level,
            "sitting_id": case.scheduled["sitting_id"], "dates": [str(d) for d in case.scheduled["dates"]],
            "venue": case.scheduled["venue"], "subjects": case.retake_subjects or case.subjects,
        }  # fmt: skip

    # --- the monthly plan's rules -------------------------------------------------------------------

    def _waiting_cases(self, body: str, plan_month: str) -> list[EvaluationCase]:
        return [
            c for c in case_log.all_cases(self.work)
            if c.body == body and c.stage in WAITING and not c.is_retake_round and c.plan_month() == plan_month
        ]  # fmt: skip

    def apply_cohort_rule(self, *, body: str, plan_month: str, on: date, actor: str) -> Outcome:
        """Seeds 002 二(三)3, 003 二(三) 注: a month with fewer than 30 applicants, counted in the unit the body's
        catalogue names (for both notices the body's whole month), is deferred to the next month; each affected case
        and sitting records it. The outcome's result: one line per project and level, with the count its decision was
        made on."""
        found = self.work.rulebook.for_year(parse_month(plan_month)[0], field="plan_month").body(body)
        if found is None:
            raise NotFound(f"no evaluation body {body!r}", field="body")
        lines: list[dict[str, Any]] = []
        position = None
        to_month = next_month(plan_month)
        waiting = self._waiting_cases(body, plan_month)
        for unit in cohort_units(found, waiting, lambda case: (case.occupation, case.work_type, case.level)):
            cases, decision = unit.members, unit.decision
            lines += unit.lines
            if decision.holds:
                continue
            groups = {(c.occupation, c.work_type, c.level) for c in cases}
            sittings = [s for s in case_log.all_sittings(self.work) if s.body == body and s.plan_month == plan_month and s.status == "planned"
                        and any((s.occupation, s.work_type) == (o, w) and lv in s.levels for o, w, lv in groups)]  # fmt: skip
            deferred_ids = {c.id for c in cases}
            for sitting in sittings:
                others = [seat for seat in sitting.seats if UUID(str(seat["case_id"])) not in deferred_ids]
                if others:  # a sitting shared with a level that holds takes place; only these seats are freed
                    for case in cases:
                        if sitting.seat_of(case.id):
                            sitting.release(case_id=case.id, reason="cohort deferred to the next month", on=on, actor=actor)
                else:
                    sitting.defer(to_month=to_month, headcount=sitting.headcount, clause=decision.clause, on=on, actor=actor)
            for case in cases:
                case.defer(
                    from_month=plan_month, to_month=to_month, reason=f"{len(cases)} applicants, fewer than {decision.minimum}",
                    clause=decision.clause, notify_by=None, last_day=month_end(*parse_month(to_month)), on=on, actor=actor,
                )  # fmt: skip
            position = self.work.save(*sittings, *cases)
        return Outcome(None, None, None, position, lines)

    def carry_december(self, *, body: str, year: int, on: date, actor: str) -> Outcome:
        """December applications not seated in December go into next year's plan (seeds 000-003 二(三)); the
        outcome's result is the cases carried."""
        found = self.work.rulebook.for_year(year, field="year").body(body)
        if found is None:
            raise NotFound(f"no evaluation body {body!r}", field="body")
        carried = [c for c in self._waiting_cases(body, f"{year}-12") if not c.scheduled]
        for case in carried:
            moved = carry_into_next_year(found, evaluation_deadline(found, case.applied_on, self.work.calendar))
            case.defer(
                from_month=f"{year}-12", to_month=moved.plan_month, reason="carried into next year's plan",
                clause=moved.clause, notify_by=None, last_day=None, on=on, actor=actor, carried_into_next_year=True,
            )  # fmt: skip
        position = self.work.save(*carried) if carried else None
        return Outcome(None, None, None, position, [c.id for c in carried])

    def fold_window(self, *, body: str, window: str, on: date, actor: str, minimum: int | None = None) -> Outcome:
        """Seed 004 二(三) 注: a window without enough applicants is gathered into November; every candidate is to be
        told at least 10 days before the November evaluation (the deferral records that date)."""
        found = self.work.rulebook.for_year(on.year, field="on").body(body)
        chosen = next((w for w in (found.windows if found else ()) if w.name == window), None)
        if found is None or chosen is None:
            raise NotFound(f"no window {window!r} for body {body!r}", field="window")
        cases = [c for c in case_log.all_cases(self.work) if c.body == body and c.stage in WAITING
                 and ((c.plan or {}).get("window") or c.window_name) == window]  # first rounds and retakes alike
        decision = fold_decision(found, chosen, len(cases), minimum)
        result = {"window": window, "headcount": len(cases), "folded": decision.folded, "into": decision.into, "notify_by": decision.notify_by}
        if not decision.folded:
            return Outcome(None, None, None, None, result)
        if on > decision.notify_by:
            raise FoldRefused(
                f"folding {window} into {decision.into} on {on} is too late: candidates must be told by {decision.notify_by}",
                field="on", clause=decision.clause,
            )  # fmt: skip
        target = next(w for w in found.windows if w.name == decision.into)
        sittings = [s for s in case_log.all_sittings(self.work) if s.body == body and s.window_name == window and s.status == "planned"]
        for sitting in sittings:
            sitting.fold(into_window=target.name, notify_by=decision.notify_by, clause=decision.clause, on=on, actor=actor)
        for case in cases:
            case.defer(
                from_month=month_of(chosen.evaluation_days[0]), to_month=month_of(target.evaluation_days[0]),
                reason=f"window {window} folded into {target.name} ({len(cases)} applicants)", clause=decision.clause,
                notify_by=decision.notify_by, last_day=target.evaluation_days[-1], on=on, actor=actor, window=target.name,
            )  # fmt: skip
        return Outcome(None, None, None, self.work.save(*sittings, *cases), result)
