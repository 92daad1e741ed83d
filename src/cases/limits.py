"""Bounds on every input, in one place (README "Limits"): how large a request body, a text, a list, a number and a
date may be, and which characters a text may hold. The HTTP edge refuses what lies outside them (413, or 422
naming the field and the limit, never echoing the value); the domain checks the same bounds again where input
enters it by other doors (the CLI, the demo, imports), so no event can carry what a store or a register cannot
hold — a NUL in a name once stopped every register on PostgreSQL (issue 10).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from cases.errors import InvalidInput

MAX_BODY_BYTES = 1_048_576
"""A request body, in bytes (CASES_MAX_BODY_BYTES overrides): a group batch of 500 rows with their evidence is
about 300 kB."""

TEXT = {
    "name": 50,  # a person's name
    "id_number": 24,  # an ID number, before it is checked (GB 11643: 18 characters)
    "code": 16,  # a body's code, a subject's code
    "occupation": 50,  # an occupation or work type (the catalogue's longest is 12 characters)
    "institution": 100,  # a school, a company
    "phone": 20,
    "reference": 80,  # a payment reference, a certificate number
    "clause": 40,  # a 须知 clause
    "venue": 200,
    "reason": 500,  # free text: reasons
    "words": 2000,  # free text: a complainant's words, findings, callback notes
    "contact": 100,  # a complainant's phone number or address
    "query": 200,  # any query-string value
    "header": 200,  # Idempotency-Key, If-Match
    "evidence": 100,  # any text inside the evidence of an application
}
"""The longest text each kind of field takes, in characters."""

MAX_EVIDENCE_ITEMS = 50
"""Entries in each list of an application's evidence (work periods, certificates, titles, diplomas)."""

MAX_BATCH_ROWS = 500
"""Candidates in one group application (团体申报)."""

MAX_OFFSET = 1_000_000
"""Rows a list may skip (a page further than any register is long)."""

MAX_AMOUNT = 1_000_000
"""Yuan in one payment (the dearest fee in the catalogue is under 2,000)."""

MAX_POSITION = 2**62
"""A log position or version asked for (the log's positions are 64-bit)."""

FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2099, 12, 31)
"""Every date given (a birth date in evidence to a deadline decades ahead): outside it is a typo or an attack,
and the working-day calendar would overflow near year 9999."""

FREE_TEXT_CONTROLS = frozenset("\t\n\r")
"""The only control characters a free-text field (a reason, findings, a complainant's words) may hold."""


_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROLS_BUT_LINE_BREAKS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # tab, LF and CR allowed


def control_character(text: str, *, free_text: bool = False) -> str | None:
    """The first control character (C0, DEL or C1) in `text`, as U+XXXX, or None. Free text may hold tab and line
    breaks (`FREE_TEXT_CONTROLS`). A regular expression: every text of every request passes here."""
    found = (_CONTROLS_BUT_LINE_BREAKS if free_text else _CONTROLS).search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def date_out_of_range(day: date) -> bool:
    return not FIRST_DAY <= day <= LAST_DAY


class TooLong(InvalidInput):
    code = "too_long"


class ControlCharacter(InvalidInput):
    code = "control_character"


def check_text(field: str, value: str | None, kind: str, *, free_text: bool = False) -> None:
    """Refuse a text longer than its kind allows, or holding a control character, naming the field and the limit
    (never the value)."""
    if value is None:
        return
    if len(value) > TEXT[kind]:
        raise TooLong(f"{field} takes at most {TEXT[kind]} characters, not {len(value)}", field=field, details={"limit": TEXT[kind]})
    found = control_character(value, free_text=free_text)
    if found:
        raise ControlCharacter(f"{field} holds the control character {found}", field=field)


def check_storable(value: Any, field: str) -> None:
    """Refuse any text inside `value` (walked through mappings and sequences) that holds a control character
    other than tab and line breaks: the last guard before the event store, whatever door the input came by."""
    if isinstance(value, str):
        found = control_character(value, free_text=True)
        if found:
            raise ControlCharacter(f"{field} holds the control character {found}", field=field)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            check_storable(key, field)
            check_storable(item, f"{field}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_storable(item, f"{field}[{index}]")
