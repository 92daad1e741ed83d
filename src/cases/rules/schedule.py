"""The evaluation calendar (时间安排, DOMAIN §3): when an application is evaluated, whether a cohort opens, how
上海市技师协会 folds a thin window into November, and when admission tickets can be downloaded.

Pure functions over the rule book's `Body` and plain dates; nothing here reads the clock or the event store.
"""

from __future__ import annotations

import calendar as gregorian
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from cases.calendar.working_days import WorkingDayCalendar
from cases.errors import InvalidInput, RuleViolation
from cases.rulebook.lookup import ApplicationOutsideWindow
from cases.rulebook.model import Body, FixedWindow

# Decision: seed 004 二(三) 注 names no number for "开考条件"; the 30 of seeds 002/003 二(三) is used.
DEFAULT_OPENING_MINIMUM = 30
TICKET_LEAD = timedelta(days=7)  # seeds 002/003 二(五) 考前一周; seed 004 二(五) 认定前一周
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class InvalidMonth(InvalidInput):
    code = "invalid_month"


class NotCarriedIntoNextYear(RuleViolation):
    code = "not_carried_into_next_year"


class NoFoldRule(RuleViolation):
    code = "no_fold_rule"


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
    """Seeds 002 二(三)3 and 003 二(三) 注: a month with fewer than 30 applicants for a project (per level,
    Decision) is deferred to the next month (顺延至下月一起评价认定); bodies without a minimum always hold."""
    _check_headcount(headcount)
    minimum = body.minimum_cohort
    if minimum is None:
        return CohortDecision(True, headcount, None, f"seed {body.seed} 二(三): no minimum cohort")
    return CohortDecision(
        headcount >= minimum, headcount, minimum,
        f"seed {body.seed} 二(三): 报名人数不足{minimum}人，则顺延至下月一起评价认定",
    )


def fold_decision(body: Body, window: FixedWindow, headcount: int, minimum: int | None = None) -> FoldDecision:
    """Seed 004 二(三) 注: a window short of 开考条件 is gathered into November (集中于11月统一安排考试), candidates
    told at least 10 days before (在认定考核前10日前通知); the November window itself is never folded."""
    _check_headcount(headcount)
    target = next((w for w in body.windows if w.name == body.fold_into), None)
    if target is None or body.fold_notice_days is None:
        raise NoFoldRule(f"{body.name} has no window that thin windows are folded into", field="window", clause=f"seed {body.seed} 二(三)")
    needed = DEFAULT_OPENING_MINIMUM if minimum is None else minimum
    clause = f"seed {body.seed} 二(三) 注: 人数不足开考条件，将集中于{target.name}统一安排考试，在认定考核前{body.fold_notice_days}日前通知"
    if window.name == target.name or headcount >= needed:
        return FoldDecision(False, window.name, None, None, headcount, needed, clause)
    notify_by = min(target.evaluation_days) - timedelta(days=body.fold_notice_days)
    return FoldDecision(True, window.name, target.name, notify_by, headcount, needed, clause)


def ticket_available_from(body: Body, sitting_first_day: date, window: FixedWindow | None) -> date:
    """Seed 004 二(三)/二(五): the window's 下载准考证日期; seeds 002/003 二(五) 考前一周 (seeds 000/001 give no day;
    Decision: also one week before the first evaluation day)."""
    if body.schedule == "fixed_windows" and window is not None:
        return window.tickets_from
    return sitting_first_day - TICKET_LEAD


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
        field="received_on",
        clause=f"seed {body.seed} 二(三)",
    )


def _check_headcount(headcount: int) -> None:
    if headcount < 0:
        raise InvalidInput(f"a headcount cannot be negative ({headcount})", field="headcount")
