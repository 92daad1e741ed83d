"""Periods measured in years: the last day of a span that runs "N years" from a start date."""

from __future__ import annotations

from datetime import date, timedelta


def anniversary(start: date, years: int) -> date:
    """The N-th anniversary; a 29 February start has its anniversary on 1 March in common years."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February in a common year
        return date(start.year + years, 3, 1)


def last_day_of_years(start: date, years: int) -> date:
    """The last day inside "N years from start": the day before the N-th anniversary (DOMAIN §5 Decision)."""
    return anniversary(start, years) - timedelta(days=1)
