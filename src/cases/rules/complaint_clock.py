"""The complaint clock (DOMAIN §10 "Receiving" and "Clock", Decisions modelled on the complaint procedures
evaluation bodies publish for 职业技能等级认定 and on the 12345 hotline): when a complaint counts as received, the
service-level dates it is owed, in working days (DOMAIN §4's calendar, provisional past its coverage), and where a
complaint stands against a date on the day asked. Every number comes from `ComplaintTerms` (the operator file's
`[complaints]`); the dates are decided once, when a clock starts, and recorded on the event that starts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from cases.calendar.working_days import WorkingDayCalendar, WorkingDayDeadline
from cases.errors import InvalidInput
from cases.rulebook.model import ComplaintTerms

LINE_CHANNELS = ("body_line", "municipal_line")  # a call on a supervision line: its hours apply
CHANNELS = (*LINE_CHANNELS, "letter", "online", "counter")


@dataclass(frozen=True)
class Receipt:
    """When a complaint counts as received: the day its clock starts from, and why."""

    counts_from: date
    reason: str


def parse_hours(hours: tuple[str, ...] | list[str]) -> list[tuple[time, time]]:
    """["09:30-11:00", "13:30-16:30"] → the line's opening spans (each seed's 四 业务监督电话)."""
    spans = []
    for span in hours:
        start, end = span.split("-")
        spans.append((time.fromisoformat(start), time.fromisoformat(end)))
    return sorted(spans)


def received(received_at: datetime, channel: str, hours: tuple[str, ...] | list[str], calendar: WorkingDayCalendar) -> Receipt:
    """DOMAIN §10 Receiving: a call on a line within its hours on a working day counts that day; one logged outside
    them, or on a rest day, counts at the next opening (the same day before the last close, else the next working
    day). A letter, an online form or a counter visit counts on the day it arrives, or the next working day when
    that is a rest day. `received_at` is local (Shanghai) time."""
    if channel not in CHANNELS:
        raise InvalidInput(f"channel must be one of {', '.join(CHANNELS)}", field="channel", clause="DOMAIN §10")
    day, moment = received_at.date(), received_at.time()
    if not calendar.is_working_day(day):
        return Receipt(next_working_day(day, calendar), f"received on a rest day ({day}): counts from the next opening")
    if channel not in LINE_CHANNELS:
        return Receipt(day, "received on a working day")
    spans = parse_hours(hours)
    if any(start <= moment < end for start, end in spans):
        return Receipt(day, f"received within the line's hours ({', '.join(hours)})")
    if spans and moment < spans[-1][1]:
        return Receipt(day, f"received outside the line's hours ({', '.join(hours)}): counts from the next opening, the same day")
    return Receipt(next_working_day(day, calendar), f"received after the line closed ({spans[-1][1]:%H:%M}): counts from the next opening")


def next_working_day(day: date, calendar: WorkingDayCalendar) -> date:
    day += timedelta(days=1)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def acceptance_due(counts_from: date, terms: ComplaintTerms, calendar: WorkingDayCalendar) -> WorkingDayDeadline:
    """DOMAIN §10 Clock: accept or decline within N working days of receipt; the day of receipt does not count."""
    return calendar.add_working_days(counts_from, terms.accept_working_days)


def result_due(accepted_on: date, terms: ComplaintTerms, calendar: WorkingDayCalendar) -> WorkingDayDeadline:
    """DOMAIN §10 Clock: a result within N working days of acceptance."""
    return calendar.add_working_days(accepted_on, terms.result_working_days)


def extended_due(current_due: date, working_days: int, terms: ComplaintTerms, calendar: WorkingDayCalendar) -> WorkingDayDeadline:
    """DOMAIN §10 Clock: one extension of at most N more working days, counted from the result's due date."""
    if not 1 <= working_days <= terms.max_extension_working_days:
        raise InvalidInput(
            f"an extension is 1 to {terms.max_extension_working_days} working days", field="working_days", clause="DOMAIN §10",
        )  # fmt: skip
    return calendar.add_working_days(current_due, working_days)


@dataclass(frozen=True)
class Standing:
    """Where a complaint stands against its due date on a day: on_time, due_soon (due within one working day),
    due_today, or breached (by `working_days_late`)."""

    state: str
    due: date
    working_days_late: int = 0


def standing(due: date, on: date, calendar: WorkingDayCalendar) -> Standing:
    """Breached from the day after the due date (a complaint answered on its due day is on time), by the working
    days counted after the due date up to the day asked."""
    if on > due:
        return Standing("breached", due, max(1, calendar.working_days_between(due, on)))
    if on == due:
        return Standing("due_today", due)
    if next_working_day(on, calendar) >= due:
        return Standing("due_soon", due)
    return Standing("on_time", due)
