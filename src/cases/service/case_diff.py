"""What changed in a case between two moments (DOMAIN §9): the state fields that differ (old → new, a date that may
move flagged beside it: `cases.provisional`) and the events recorded in between. Each moment is a version, a
recording time or a business date (`cases.service.moment.Moment`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from cases.errors import InvalidInput
from cases.provisional import flag_of
from cases.service.case_timeline import TimelineEntry, entries
from cases.service.json_safe import Record
from cases.service.moment import Moment
from cases.service.replay import EventSource, Loaded, case_at, history_of, latest_business_date, summarise

HEADER_FIELDS = ("version", "as_of")  # always differ between two moments; a diff shows them as its header


@dataclass(frozen=True)
class Change(Record):
    field: str  # a CaseState field, dotted into dicts: "certificate.status", "standing.skills"
    old: Any
    new: Any
    old_provisional: bool | None = None  # for a date flagged beside it (`cases.provisional`): whether each may move
    new_provisional: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        shown = asdict(self)
        return shown if self.old_provisional is not None or self.new_provisional is not None else {k: shown[k] for k in ("field", "old", "new")}


@dataclass(frozen=True)
class CaseDiff(Record):
    case_id: str
    from_version: int
    from_as_of: str
    to_version: int
    to_as_of: str
    changes: list[Change]
    events: list[TimelineEntry]  # the events after the first moment, up to and including the second
    from_business_date: str | None = None  # the day the first moment's facts had reached (its latest business date)
    to_business_date: str | None = None


def diff(
    app: EventSource, case_id: UUID, *, from_version: int | None = None, from_at: datetime | None = None,
    to_version: int | None = None, to_at: datetime | None = None, from_on: date | None = None, to_on: date | None = None,
    loaded: Loaded = None,
) -> CaseDiff:  # fmt: skip
    """The state fields that changed from the first moment to the second (old → new), and the events between.
    Each moment is a version, a recording time or a business date (`Moment`). `loaded`: the case the caller already
    read (`replay.CaseHistory`), so it is not read again."""
    history = history_of(app, case_id, loaded)
    before = case_at(history, Moment(from_version, from_at, from_on), field="from")
    after = case_at(history, Moment(to_version, to_at, to_on), field="to")
    if before.version > after.version:
        raise InvalidInput(f"the first moment (version {before.version}) comes after the second (version {after.version})", field="to")
    old, new = summarise(before), summarise(after)
    events = history.events[: after.version]
    reached = [latest_business_date(events[: before.version]), latest_business_date(events)]
    return CaseDiff(
        case_id=str(case_id), from_version=old.version, from_as_of=old.as_of, to_version=new.version, to_as_of=new.as_of,
        changes=_changes(old.to_dict(), new.to_dict()), events=entries(events[before.version:]),
        from_business_date=reached[0], to_business_date=reached[1],
    )  # fmt: skip


def _changes(old: dict[str, Any], new: dict[str, Any], prefix: str = "") -> list[Change]:
    found: list[Change] = []
    for key in dict.fromkeys([*old, *new]):
        before, after = old.get(key), new.get(key)
        if (not prefix and key in HEADER_FIELDS) or before == after:
            continue
        if isinstance(before, dict) and isinstance(after, dict):
            found += _changes(before, after, f"{prefix}{key}.")
        elif flag_of(key) in old or flag_of(key) in new:  # a date and its flag travel together
            found.append(Change(f"{prefix}{key}", before, after, old.get(flag_of(key)), new.get(flag_of(key))))
        else:
            found.append(Change(f"{prefix}{key}", before, after))
    return found
