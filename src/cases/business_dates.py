"""An event's business date: the day the fact it records happened (paid, decided, sat, received …), as opposed to
the day it was written (its timestamp) and to the days it plans (a sitting's days, a fee's deadline, a window's or a
ban's last day, a complaint's `counts_from`). One list for every reader: the check that no business date lies ahead
of today (issue 12 point 8), the replay that shows each event on its day, and the read models that date a row by the
event that changed it (`case_index.BUSINESS_DATE`, by event class: `business_date_field`).

A business date never lies after today: a command records what has happened. `refuse_future` checks a write's
events before any is stored (`CasesApplication._record`, which every save passes), so a refusal writes nothing of
the write. Its first event carrying a future date is the command's own — the events derived from it in the same
write (Qualified, RetakeWaived, a sanction's CertRevoked …) follow it — and every command names its date as its
event does (`paid_on`, `decided_on`, `on` …), so the attribute is the request's field; `REQUEST_FIELDS` maps the few
events whose date came from a field of another name. A command may also meet another refusal first for the same
date (a year without a rule book, a closed validity window): it writes nothing either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields
from datetime import date, datetime
from typing import Any

from cases.errors import FutureBusinessDate
from cases.settings import today as todays_date

BUSINESS_DATES = (
    "on", "decided_on", "paid_on", "recorded_on", "issued_on", "requested_on", "applied_on", "sat_on", "opened_on",
    "planned_on",  # a sitting's Planned (its `dates` are planned, not happened)
    "received_at",  # a complaint's Received: a moment, whose Shanghai day counts (`counts_from` may be the next working day)
)  # fmt: skip
"""The attributes that record when an event's fact happened; an event's business date is the first it carries."""

REQUEST_FIELDS = {
    "RetakeWaived": "applied_on",  # the re-application's date (seed 000 四(二))
    "ValidityWindowOpened": "sat_on",  # the first sitting's day
}
"""The request's field for an event whose business date came from a field of another name."""


def business_date(attrs: Mapping[str, Any]) -> tuple[str, date] | None:
    """The attribute holding an event's business date and that day, or None (Registered, Banned, NumberTaken carry
    none). A moment (`received_at`) counts by its own day: the complaint's, in Shanghai time."""
    for name in BUSINESS_DATES:
        value = attrs.get(name)
        if isinstance(value, datetime):
            return name, value.date()
        if isinstance(value, date):
            return name, value
    return None


def business_date_field(event_class: type) -> str:
    """The attribute holding the business date of every event of a class, for a reader that looks it up once per
    class (the read models: `case_index.BUSINESS_DATE`): the first of BUSINESS_DATES among the class's fields."""
    carried = {field.name for field in fields(event_class)}
    for name in BUSINESS_DATES:
        if name in carried:
            return name
    raise LookupError(f"{event_class.__qualname__} carries no business date")


def refuse_future(events: Iterable[Any], today: date | None = None) -> None:
    """Refuse the write if any event's business date is after today (`cases.settings.today`), naming the field."""
    for event in events:
        found = business_date(vars(event))
        if found is None:
            continue
        today = today or todays_date()
        name, day = found
        if day > today:
            field = REQUEST_FIELDS.get(type(event).__name__, name)
            raise FutureBusinessDate(
                f"{field} {day} is after today ({today}); a business date records what has happened",
                field=field, today=today.isoformat(),
            )  # fmt: skip
