"""Provisional dates (暂定): how every surface says that a date may still move.

A date counted in working days is provisional when a day it examined lies in a year whose holiday arrangement is
not published (DOMAIN §4; `calendar.working_days`). That is decided once, when the date is counted, and recorded
beside it on the event; from there the flag travels with the date, in one of two shapes:

- **Data** (JSON answers, read-model rows, CSV and XLSX exports): a date field is followed by the boolean
  `<field>_provisional` — `pay_by` and `pay_by_provisional`, `due_on` and `due_on_provisional` — built by
  `flagged()`; None when there is no date. A deadline kept as the object it was decided as (`{"due", "provisional",
  "basis"}`, a payment's `{"due_on", "opens_on", "provisional", …}`, a plan's `{"last_day", "provisional", …}`)
  is flagged already by its own `provisional`, and is shown as it is.
- **Text** (timeline summary lines, CLI tables): the date followed by " (provisional)" — `marked()`. These
  surfaces are English; the console's Chinese surfaces write `MARKER_ZH` (暂定) the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

SUFFIX = "_provisional"
MARKER = "(provisional)"
MARKER_ZH = "（暂定）"


def flag_of(field: str) -> str:
    """The name of the boolean that flags `field`: `pay_by` → `pay_by_provisional`."""
    return field + SUFFIX


def flagged(field: str, day: date | str | None, provisional: bool | None) -> dict[str, Any]:
    """`{field: day, field_provisional: …}`: the one way a data surface shows a date that may be provisional."""
    return {field: day, flag_of(field): None if day is None else bool(provisional)}


def marked(day: date | str | None, provisional: bool | None) -> str:
    """The date as text, " (provisional)" after it when it may move; "" for no date."""
    if day is None:
        return ""
    shown = day.isoformat() if isinstance(day, date) else str(day)
    return f"{shown} {MARKER}" if provisional else shown


def deadline_text(deadline: Mapping[str, Any] | None, key: str = "due") -> str:
    """A deadline object (`{"due": …, "provisional": …}`, or a payment's `due_on`) as marked text."""
    if not deadline:
        return ""
    return marked(deadline.get(key), deadline.get("provisional"))


def deadline_fields(field: str, deadline: Mapping[str, Any] | None, key: str = "due") -> dict[str, Any]:
    """A deadline object flattened into a row's two columns: `{field: date, field_provisional: bool}`."""
    if not deadline or deadline.get(key) is None:
        return flagged(field, None, None)
    due = deadline[key]
    return flagged(field, date.fromisoformat(due) if isinstance(due, str) else due, deadline.get("provisional"))
