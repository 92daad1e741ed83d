"""The evaluation calendar (时间安排, DOMAIN §3): when an application is evaluated, whether a cohort opens, how
上海市技师协会 folds a thin window into November, how many days a sitting may span, and when admission tickets can be
downloaded.

Pure functions over the rule book's `Body` and plain dates; nothing here reads the clock or the event store. Each
body's rule is its own notice's, as its catalogue entry records it (cohort, same_day, tickets, fold_minimum): no
body borrows another notice's rule.
"""

from __future__ import annotations

import calendar as gregorian
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Generic, TypeVar

from cases.calendar.working_days import WorkingDayCalendar
from cases.errors import InvalidInput, RuleViolation
from cases.rulebook.lookup_errors import ApplicationOutsideWindow
from cases.rulebook.model import Body, FixedWindow

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
T = TypeVar("T")
# Seeds 002 二(三)3, 003 二(三) 注: the stages of the cases a month's cohort counts — approved, not yet sat.
WAITING = ("awaiting_payment", "ready_to_sit")


class InvalidMonth(InvalidInput):
    code = "invalid_month"


class NotCarriedIntoNextYear(RuleViolation):
    code = "not_carried_into_next_year"


class NoFoldRule(RuleViolation):
    code = "no_fold_rule"


class SittingNotOnOneDay(RuleViolation):
    """Seeds 002 二(三)2, 003 二(三) 注: 理论知识与操作技能同一天考核 — a sitting of those bodies spans one day."""

    code = "sitting_not_on_one_day"


@dataclass(frozen=True)
class EvaluationDeadline:
    """The plan month an application is evaluated in and its last day (None: set by next year's announcement)."""

    plan_month: str
    last_day: date | None
    postponed: bool
    provisional: bool
    carried_into_next_year: bool
    clause: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan_month": self.plan_month,
            "last_day": self.last_day.isoformat() if self.last_day else None,
            "postponed": self.postponed,
            "provisional": self.provisional,
            "carried_into_next_year": self.carried_into_next_year,
            "clause": self.clause,
        }


@dataclass(frozen=True)
class CohortDecision:
    holds: bool
    headcount: int
    minimum: int | None
    clause: str
    counted_per: str  # the unit the headcount is of: body, project, or project_level (catalogue `cohort`)


@dataclass(frozen=True)
class FoldDecision:
    folded: bool
    window: str
    into: str | None
    notify_by: date | None
    headcount: int
    minimum: int
    clause: str


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(plan_month: str, field: str = "plan_month") -> tuple[int, int]:
    match = _MONTH.match(plan_month) if isinstance(plan_month, str) else None
    if match is None:
        raise InvalidMonth(f"{plan_month!r} is not a month written YYYY-MM", field=field)
    return int(match[1]), int(match[2])


def next_month(plan_month: str) -> str:
    """The month after `plan_month` ("2026-12" → "2027-01"): where a deferred cohort goes (seeds 002/003 二(三))."""
    year, month = parse_month(plan_month)
    return f"{year + 1:04d}-01" if month == 12 else f"{year:04d}-{month + 1:02d}"


def month_end(year: int, month: int) -> date:
    return date(year, month, gregorian.monthrange(year, month)[1])


def evaluation_deadline(body: Body, received_on: date, calendar: WorkingDayCalendar) -> EvaluationDeadline:
    """Seeds 000–003 二(三) table: month M's applications by the end of M+1, December's by the end of December
    (seed 001: 法定节假日顺延); seed 004 二(三): the fixed window whose application dates contain `received_on`."""
    if body.schedule == "fixed_windows":
        window = _window_receiving(body, received_on)
        return EvaluationDeadline(
            month_of(min(window.evaluation_days)), max(window.evaluation_days), False, False, False,
            f"seed {body.seed} 二(三): {window.name} window, 评价日期 "
            + "、".join(d.isoformat() for d in window.evaluation_days),
        )
    if received_on.month == 12:
        year, month = received_on.year, 12
        clause = f"seed {body.seed} 二(三): 12月申报，12月底前或根据次年公告排考"
    else:
        year, month = received_on.year, received_on.month + 1
        clause = f"seed {body.seed} 二(三): {received_on.month}月申报，{month}月底前评价"
    last_day, postponed, provisional = month_end(year, month), False, False
    if body.holidays_postpone:
        last_day, postponed, provisional = _postponed_to_working_day(last_day, calendar)
        if postponed:
            clause += "（法定节假日顺延）"
    return EvaluationDeadline(f"{year:04d}-{month:02d}", last_day, postponed, provisional, False, clause)


def carry_into_next_year(body: Body, deadline: EvaluationDeadline) -> EvaluationDeadline:
    """Seeds 000–003 二(三): a December application December's sitting cannot take is 根据次年公告排考 — planned
    for January of the next year, its last day left to that year's announcement."""
    year, month = parse_month(deadline.plan_month)
    if body.schedule != "monthly" or month != 12 or deadline.carried_into_next_year:
        raise NotCarriedIntoNextYear(
            f"only a December application of a monthly body is carried into the next year, not one planned for {deadline.plan_month}",
            field="plan_month",
            clause=f"seed {body.seed} 二(三)",
        )
    return EvaluationDeadline(
        f"{year + 1:04d}-01", None, False, True, True, f"seed {body.seed} 二(三): 12月申报，根据次年公告排考"
    )


def cohort_decision(body: Body, headcount: int) -> CohortDecision:
    """Seeds 002 二(三)3 and 003 二(三) 注: a month with fewer than 30 applicants is deferred to the next month
    (顺延至下月一起评价认定); `headcount` counts the unit the body's catalogue names (`cohort.counted_per`: for both
    notices the body's whole month, since neither names a project or level). Bodies without a minimum always hold."""
    _check_headcount(headcount)
    rule = body.cohort
    if rule is None:
        return CohortDecision(True, headcount, None, f"seed {body.seed} 二(三): no minimum cohort", "body")
    return CohortDecision(headcount >= rule.minimum, headcount, rule.minimum, rule.clause, rule.counted_per)


def cohort_key(body: Body, occupation: str, work_type: str | None, level: int) -> tuple:
    """The unit a case is counted in for the body's minimum cohort (see `cohort_decision`)."""
    counted_per = body.cohort.counted_per if body.cohort else "body"
    if counted_per == "project":
        return (occupation, work_type)
    if counted_per == "project_level":
        return (occupation, work_type, level)
    return ()


@dataclass(frozen=True)
class CohortUnit(Generic[T]):
    """One unit a month's cohort is counted in: its waiting cases, the decision on their count, and one line per
    project and level (its own headcount, and the unit's count the decision was made on)."""

    members: list[T]
    decision: CohortDecision
    lines: list[dict[str, Any]]


def cohort_units(body: Body, members: list[T], project: Callable[[T], tuple[str, str | None, int]]) -> list[CohortUnit[T]]:
    """Seeds 002 二(三)3, 003 二(三) 注: the month's waiting cases (`WAITING`; `project` gives each one's occupation,
    work type and level) in the units the body's cohort is counted in (`cohort_key`), each with its decision."""
    units: dict[tuple, list[T]] = defaultdict(list)
    for member in members:
        units[cohort_key(body, *project(member))].append(member)
    found = []
    for _, unit in sorted(units.items(), key=lambda kv: str(kv[0])):
        decision = cohort_decision(body, len(unit))
        groups: dict[tuple, int] = defaultdict(int)
        for member in unit:
            groups[project(member)] += 1
        lines = [
            {"occupation": o, "work_type": w, "level": lv, "headcount": n, "counted_per": decision.counted_per,
             "counted": decision.headcount, "holds": decision.holds, "minimum": decision.minimum, "clause": decision.clause}
            for (o, w, lv), n in sorted(groups.items(), key=lambda kv: str(kv[0]))
        ]  # fmt: skip
        found.append(CohortUnit(unit, decision, lines))
    return found


def check_sitting_days(body: Body, dates: list[date]) -> None:
    """Seeds 002 二(三)2 and 003 二(三) 注 (理论知识与操作技能同一天考核): where the body's notice puts theory and skills
    on one day, a sitting spans one day. The other notices set no such rule."""
    if body.same_day is not None and len(set(dates)) > 1:
        raise SittingNotOnOneDay(
            f"{body.name} evaluates theory and skills on the same day: a sitting spans one day, not "
            + ", ".join(d.isoformat() for d in dates),
            field="dates", clause=body.same_day.clause,
        )  # fmt: skip


def fold_decision(body: Body, window: FixedWindow, headcount: int, minimum: int | None = None) -> FoldDecision:
    """Seed 004 二(三) 注: a window short of 开考条件 is gathered into November (集中于11月统一安排考试), candidates
    told at least 10 days before (在认定考核前10日前通知); the November window itself is never folded."""
    _check_headcount(headcount)
    target = next((w for w in body.windows if w.name == body.fold_into), None)
    if target is None or body.fold_notice_days is None:
        raise NoFoldRule(f"{body.name} has no window that thin windows are folded into", field="window", clause=f"seed {body.seed} 二(三)")
    needed = body.fold_minimum if minimum is None else minimum
    if needed is None:
        raise NoFoldRule(f"{body.name} has no opening minimum; give one", field="minimum", clause=f"seed {body.seed} 二(三)")
    clause = f"seed {body.seed} 二(三) 注: 人数不足开考条件，将集中于{target.name}统一安排考试，在认定考核前{body.fold_notice_days}日前通知"
    if window.name == target.name or headcount >= needed:
        return FoldDecision(False, window.name, None, None, headcount, needed, clause)
    notify_by = min(target.evaluation_days) - timedelta(days=body.fold_notice_days)
    return FoldDecision(True, window.name, target.name, notify_by, headcount, needed, clause)


def ticket_available_from(body: Body, sitting_first_day: date, window: FixedWindow | None) -> date | None:
    """The first day the admission ticket can be had, by the body's own notice (catalogue `tickets`): seed 004 二(三)
    the window's 下载准考证日期; seeds 002/003 二(五) 考前一周, a week before the first evaluation day; None where the
    notice gives no day (seeds 000/001 二(五)): once approved, paid and seated."""
    rule = body.tickets
    if rule.available == "window" and window is not None:
        return window.tickets_from
    if rule.available == "days_before" and rule.days is not None:
        return sitting_first_day - timedelta(days=rule.days)
    return None


def _postponed_to_working_day(day: date, calendar: WorkingDayCalendar) -> tuple[date, bool, bool]:
    status = calendar.day_status(day)
    if status.working:
        return day, False, not status.exact
    following = calendar.add_working_days(day, 1)
    return following.due, True, following.provisional or not status.exact


def _window_receiving(body: Body, received_on: date) -> FixedWindow:
    for window in body.windows:
        if window.applications[0] <= received_on <= window.applications[1]:
            return window
    raise ApplicationOutsideWindow(
        f"{body.name} accepts applications only inside its fixed windows; {received_on} is outside them",
        field="applied_on",
        clause=f"seed {body.seed} 二(三)",
    )


def _check_headcount(headcount: int) -> None:
    if headcount < 0:
        raise InvalidInput(f"a headcount cannot be negative ({headcount})", field="headcount")
