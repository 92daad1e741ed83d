"""Operator-supplied holiday arrangements (节假日安排): one TOML file per year, loaded and validated.

The file format is documented in `data/README.md`. A bad file is refused as a whole, naming the file and entry:
a half-read arrangement would make deadlines silently wrong.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from cases.errors import DomainError

BUNDLED_DIR = Path(__file__).parent / "data"
_KEYS = ("year", "official", "source", "holidays", "working_days")
_ENTRY_FORMAT = "YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD"


class CalendarDataError(DomainError):
    """An arrangement file is malformed: a configuration fault, not the caller's."""

    code = "calendar_data_error"
    http_status = 500


@dataclass(frozen=True)
class YearArrangement:
    """One year's public holidays and make-up working weekends (调休), as the operator supplied them.

    `official` is True for the State Council's published arrangement (the year becomes exact), False for an
    expected or draft one (used, but deadlines stay provisional). Build it with `from_mapping` or `load`,
    which validate; the constructor trusts its input.
    """

    year: int
    official: bool
    holidays: frozenset[date]
    working_days: frozenset[date]
    source: str = ""
    origin: str = "<arrangement>"

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], origin: str = "<arrangement>") -> YearArrangement:
        unknown = sorted(set(data) - set(_KEYS))
        if unknown:
            raise _error(origin, unknown[0], f"unknown key {unknown[0]!r} (expected {', '.join(_KEYS)})")
        year = data.get("year")
        if year is None:
            raise _error(origin, "year", "missing `year`")
        if type(year) is not int:
            raise _error(origin, "year", f"`year` must be an integer, not {year!r}")
        official = data.get("official")
        if type(official) is not bool:
            raise _error(origin, "official", f"`official` must be true or false, not {official!r}")
        source = data.get("source", "")
        if not isinstance(source, str):
            raise _error(origin, "source", f"`source` must be a string, not {source!r}")
        if official and not source.strip():
            raise _error(origin, "source", "an official arrangement must name its `source` (the notice's title)")
        holidays = _expand(origin, year, "holidays", data.get("holidays", []))
        working_days = _expand(origin, year, "working_days", data.get("working_days", []))
        for day, entry in working_days.items():
            if day.weekday() < 5:
                raise _error(origin, "working_days", f"working_days entry {entry!r}: {day} is a weekday, "
                             "not a make-up working weekend", entry=entry)
            if day in holidays:
                raise _error(origin, "working_days", f"working_days entry {entry!r}: {day} is also a holiday "
                             f"(holidays entry {holidays[day]!r})", entry=entry)
        return cls(year, official, frozenset(holidays), frozenset(working_days), source, origin)

    @classmethod
    def load(cls, path: Path) -> YearArrangement:
        """Read one `<year>.toml` file; the file's name must be its year."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise _error(str(path), None, f"not a readable TOML file: {exc}") from exc
        arrangement = cls.from_mapping(data, origin=str(path))
        if path.stem != str(arrangement.year):
            raise _error(str(path), "year", f"file name {path.name!r} does not match year = {arrangement.year} "
                         f"(name it {arrangement.year}.toml)", entry=path.name)
        return arrangement


def load_directory(path: Path | None) -> dict[int, YearArrangement]:
    """Every `*.toml` arrangement in `path`, by year. No directory (None or missing) means no arrangements."""
    if path is None or not path.exists():
        return {}
    if not path.is_dir():
        raise _error(str(path), None, "is not a directory of arrangement files")
    arrangements = [YearArrangement.load(file) for file in sorted(path.glob("*.toml"))]
    return {arrangement.year: arrangement for arrangement in arrangements}


def _expand(origin: str, year: int, field: str, entries: Any) -> dict[date, str]:
    """Each day listed in `field`, mapped to the entry that listed it (single dates or inclusive ranges)."""
    if not isinstance(entries, list):
        raise _error(origin, field, f"`{field}` must be a list of dates ({_ENTRY_FORMAT})")
    days: dict[date, str] = {}
    for raw in entries:
        entry = raw.isoformat() if isinstance(raw, date) else str(raw)
        first, last = _parse_entry(origin, field, raw, entry)
        for bound in (first, last):
            if bound.year != year:
                raise _error(origin, field, f"{field} entry {entry!r}: {bound} is outside {year}", entry=entry)
        day = first
        while day <= last:
            days.setdefault(day, entry)
            day += timedelta(days=1)
    return days


def _parse_entry(origin: str, field: str, raw: Any, entry: str) -> tuple[date, date]:
    if isinstance(raw, date) and not hasattr(raw, "hour"):  # a TOML local date, not a date-time
        return raw, raw
    try:
        if not isinstance(raw, str):
            raise ValueError
        first, _, last = raw.partition("..")
        start = date.fromisoformat(first.strip())
        end = date.fromisoformat(last.strip()) if last else start
    except ValueError:
        raise _error(origin, field, f"{field} entry {entry!r} is not a date ({_ENTRY_FORMAT})", entry=entry) from None
    if end < start:
        raise _error(origin, field, f"{field} entry {entry!r}: the range ends before it starts", entry=entry)
    return start, end


def _error(origin: str, field: str | None, message: str, **details: Any) -> CalendarDataError:
    return CalendarDataError(f"{origin}: {message}", field=field, file=origin, **details)
