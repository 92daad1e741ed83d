"""The score-validity window (成绩有效期): opened at the first sitting, 2 years at levels 5-3, 3 at 2-1.

Seed 000 四(一): 五级、四级、三级成绩有效期均为两年，二级、一级补考有效期为三年. DOMAIN §5 Decision: the window
opens on the date of the case's first sitting and its last valid day is the day before the anniversary
(2026-04-25 → 2028-04-24); the end is fixed when the window opens and recorded in the event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cases.rules.periods import last_day_of_years


@dataclass(frozen=True)
class ValidityWindow:
    opened_on: date
    last_day: date
    years: int
    clause: str

    def is_open_on(self, day: date) -> bool:
        return self.opened_on <= day <= self.last_day


def open_window(first_sitting: date, years: int, clause: str) -> ValidityWindow:
    return ValidityWindow(first_sitting, last_day_of_years(first_sitting, years), years, clause)
