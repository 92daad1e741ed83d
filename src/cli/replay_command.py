"""`cases case timeline | as-of | diff`: replay a case for compliance officers (DOMAIN §9), from its own events.
`print_events` prints a timeline, a case's or a complaint's (`cases complaints show`).

Each opens the store, calls one function of `cases.service` (`case_timeline`, `replay`, `case_diff`), and prints it as
tables, or as JSON with `--json`. A moment is a version number, a business date (2026-05-01: what had happened by
that day) or an ISO timestamp with its time zone (2026-05-08T09:00:00+08:00: what had been recorded by then) —
`cases.service.moment.Moment`.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from cases.service import case_diff, case_timeline, replay
from cases.service.moment import Moment
from cli.case_command import _resolve
from cli.common import DATA_DIR_HELP, opened_app, stdout_console, text
from cases.errors import InvalidInput

CaseId = Annotated[str, typer.Argument(help="the case id, or a unique prefix of at least 8 characters")]
DataDir = Annotated[Path | None, typer.Option("--data-dir", help=DATA_DIR_HELP)]
AsJson = Annotated[bool, typer.Option("--json", help="print JSON instead of tables")]
MOMENT_HELP = "a version number, a business date YYYY-MM-DD, or an ISO timestamp with its time zone"


def timeline(ctx: typer.Context, case_id: CaseId, data_dir: DataDir = None, as_json: AsJson = False) -> None:
    """Every event of the case: when recorded, the day it happened, who, what, and the clause relied on."""
    with opened_app(ctx, data_dir) as app:
        resolved = _resolve(app, case_id)
        entries = case_timeline.timeline(app, resolved)
    if as_json:
        return _print_json([e.to_dict() for e in entries])
    stdout_console().print(text(f"case {resolved}: {len(entries)} events", "bold"))
    print_events(entries)


def as_of(
    ctx: typer.Context, case_id: CaseId,
    version: Annotated[int | None, typer.Option("--version", help="the case as it stood at this version")] = None,
    at: Annotated[str | None, typer.Option("--at", help="the case as recorded by this moment (ISO, with time zone): recording time")] = None,
    on: Annotated[str | None, typer.Option("--on", help="the case after what had happened by this day (YYYY-MM-DD): business time")] = None,
    data_dir: DataDir = None, as_json: AsJson = False,
) -> None:  # fmt: skip
    """The case's state as it stood at a version, a recording moment or a business date: stage, fees, sittings,
    results, certificate, sanctions."""
    moment = _moment(at, "--at") if at is not None else None
    day = _day(on, "--on") if on is not None else None
    with opened_app(ctx, data_dir) as app:
        resolved = _resolve(app, case_id)
        state, reached = replay.state_and_business_date(app, resolved, version=version, at=moment, on=day)
    if as_json:
        return _print_json({**state.to_dict(), "business_date": reached})
    console = stdout_console()
    asked = f" (asked for {moment.isoformat()})" if moment else f" (asked for the day {day})" if day else ""
    console.print(text(f"case {state.case_id} as of version {state.version}: facts up to {reached}, recorded {_utc(state.as_of)}{asked}", "bold"))
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for heading in ("field", "value"):
        table.add_column(heading, overflow="fold")
    for field, value in state.to_dict().items():
        if field not in ("case_id", "version", "as_of"):
            table.add_row(text(field, "bold"), text(_shown(value)))
    console.print(table)


def diff(
    ctx: typer.Context, case_id: CaseId,
    from_: Annotated[str, typer.Option("--from", help=f"the earlier moment: {MOMENT_HELP}")],
    to: Annotated[str, typer.Option("--to", help=f"the later moment: {MOMENT_HELP}")],
    data_dir: DataDir = None, as_json: AsJson = False,
) -> None:  # fmt: skip
    """What changed between two moments (field: before → after), and the events recorded in between."""
    start, end = _parsed(from_, "--from"), _parsed(to, "--to")
    with opened_app(ctx, data_dir) as app:
        found = case_diff.diff(
            app, _resolve(app, case_id), from_version=start.version, from_at=start.at, from_on=start.on,
            to_version=end.version, to_at=end.at, to_on=end.on,
        )  # fmt: skip
    if as_json:
        return _print_json(found.to_dict())
    console = stdout_console()
    console.print(text(f"case {found.case_id}: version {found.from_version} (facts up to {found.from_business_date}, recorded "
                       f"{_utc(found.from_as_of)}) → version {found.to_version} (facts up to {found.to_business_date}, recorded "
                       f"{_utc(found.to_as_of)})", "bold"))  # fmt: skip
    if not found.changes:
        console.print(text("no changes"))
        return None
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for heading in ("field", "before", "after"):
        table.add_column(heading, overflow="fold")
    for change in found.changes:
        table.add_row(text(change.field, "bold"), text(_shown(change.old)), text(_shown(change.new)))
    console.print(table)
    print_events(found.events)


# --- helpers ------------------------------------------------------------------------------------------------


def _parsed(given: str, option: str) -> Moment:
    found = Moment.parse(given, option)
    if found.at is not None:
        _moment(given, option)  # a time zone is required
    return found


def _moment(given: str, option: str) -> datetime:
    found = Moment.parse(given, option).at
    if found is None:
        raise InvalidInput(f"an ISO timestamp with its time zone (e.g. 2026-05-08T09:00:00+08:00) is expected, not {given!r}", field=option)
    if found.tzinfo is None:
        raise InvalidInput(f"{given!r} has no time zone; add one, e.g. +08:00 or Z", field=option)
    return found


def _day(given: str, option: str) -> date:
    found = Moment.parse(given, option).on
    if found is None:
        raise InvalidInput(f"a business date YYYY-MM-DD is expected, not {given!r}", field=option)
    return found


def print_events(entries: list[case_timeline.TimelineEntry]) -> None:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for heading in ("#", "recorded (UTC)", "date", "event", "actor", "clause", "what"):
        table.add_column(heading, overflow="fold")
    for e in entries:
        table.add_row(
            text(e.version), text(_utc(e.recorded_at)), text(e.business_date), text(e.event, "bold"), text(e.actor),
            text(e.clause), text(e.summary),
        )  # fmt: skip
    stdout_console().print(table)


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _utc(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M:%S.%f")


def _shown(value: Any) -> str:
    """A state value for a table cell: lists one item per line, dicts as `key=value`, nothing as "—"."""
    if value is None or value == [] or value == {}:
        return "—"
    if isinstance(value, list):
        return "\n".join(_shown(v) for v in value) if any(isinstance(v, dict) for v in value) else ", ".join(map(str, value))
    if isinstance(value, dict):
        return ", ".join(f"{k}={_inline(v)}" for k, v in value.items() if v not in (None, [], {}))
    return str(value)


def _inline(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + _shown(value) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    return str(value)
