"""Service-level dates the body owes the candidate, counted in working days (DOMAIN §5, §8)."""

from __future__ import annotations

from datetime import date

from cases.calendar.working_days import WorkingDayCalendar, WorkingDayDeadline
from cases.rulebook.model import Body


def results_due(body: Body, last_subject_on: date, marking_involved: bool, calendar: WorkingDayCalendar) -> WorkingDayDeadline:
    """Seeds 000–004 三: results queryable within 20 working days of the last subject; seeds 002/003/004 三: 30
    where marking or workpiece inspection is involved (涉及阅卷及工件检测); a body giving no 30 uses its 20."""
    service = body.results
    days = service.working_days_with_marking if marking_involved and service.working_days_with_marking else service.working_days
    return calendar.add_working_days(last_subject_on, days)


def certificate_collectable_from(body: Body, queryable_on: date, calendar: WorkingDayCalendar) -> WorkingDayDeadline | None:
    """Seeds 000/001 五: individuals collect at the counter 在证书可查询当日起20个工作日后; None where the body says nothing."""
    days = body.certificate.individual_collect_after_working_days
    return None if days is None else calendar.add_working_days(queryable_on, days)
