"""The moment a case replay is asked about (DOMAIN §9): one of the case's versions, a recording time (when the log
took the facts) or a business date (when the facts happened in the world), in the form the CLI and the API take."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from cases.errors import InvalidInput
from cases.limits import FIRST_DAY, LAST_DAY, MAX_POSITION, date_out_of_range


@dataclass(frozen=True)
class Moment:
    """Which of a case's states is asked for: exactly one of a `version`, a recording time `at` (time-zone aware) or
    a business date `on`. `parse` reads the form the CLI and the API take: digits are a version, `YYYY-MM-DD` a
    business date, anything else an ISO timestamp with its time zone (a '+' sent unencoded arrives as a space)."""

    version: int | None = None
    at: datetime | None = None
    on: date | None = None

    @classmethod
    def parse(cls, given: str, field: str) -> Moment:
        text = given.strip()
        if text.isdigit():
            if len(text) > 19 or int(text) > MAX_POSITION:
                raise InvalidInput(f"a version is at most {MAX_POSITION}", field=field)
            return cls(version=int(text))
        if len(text) == 10 and text[4:5] == "-" and text[7:8] == "-":
            try:
                day = date.fromisoformat(text)
            except ValueError:
                raise InvalidInput(f"{MOMENT_HELP} is expected, not {given!r}", field=field) from None
            if date_out_of_range(day):
                raise InvalidInput(f"a business date lies between {FIRST_DAY} and {LAST_DAY}, not {day}", field=field)
            return cls(on=day)
        try:
            return cls(at=datetime.fromisoformat(text.replace(" ", "+")))
        except ValueError:
            raise InvalidInput(f"{MOMENT_HELP} is expected, not {given!r}", field=field) from None


MOMENT_HELP = "a version number, a business date (2026-05-01: the facts that had happened by that day), or an ISO timestamp with its time zone (2026-05-08T09:00:00+08:00: the facts recorded by then)"
