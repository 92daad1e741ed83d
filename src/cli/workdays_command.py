"""`cases workdays`: mainland China working days as the deadlines count them (DOMAIN §4)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from cases.calendar.working_days import WorkingDayCalendar
from cli.common import DATE_FORMATS, settings_of
from cases.settings import Settings

workdays = typer.Typer(help="Working days: public holidays, make-up working weekends (调休), provisional years.", no_args_is_help=True)

CountArgument = Annotated[int, typer.Argument(min=1, metavar="N", help="working days to count", show_default=False)]
DateArgument = Annotated[datetime, typer.Argument(formats=DATE_FORMATS, metavar="DATE", help="YYYY-MM-DD", show_default=False)]


def _calendar(settings: Settings) -> WorkingDayCalendar:
    """The calendar the application counts with: CASES_CALENDAR_DIR when set, else the bundled arrangements."""
    if settings.calendar_dir:
        return WorkingDayCalendar.from_directory(settings.calendar_dir)
    return WorkingDayCalendar.default()


@workdays.command("add")
def add(ctx: typer.Context, day: DateArgument, n: CountArgument) -> None:
    """Print the N-th working day after DATE (DATE itself never counts), marked (provisional) when it may move."""
    deadline = _calendar(settings_of(ctx)).add_working_days(day.date(), n)
    typer.echo(str(deadline))
    typer.echo(f"  {n} working day{'s' if n > 1 else ''} after {day.date().isoformat()}; basis: {deadline.basis}")


@workdays.command("status")
def status(ctx: typer.Context, day: DateArgument) -> None:
    """Print whether DATE is a working day, why, and whether that is settled."""
    found = _calendar(settings_of(ctx)).day_status(day.date())
    kind = "working day" if found.working else "day off"
    settled = "exact" if found.exact else "provisional"
    typer.echo(f"{found.day.isoformat()} ({found.day:%A}): {kind} — {found.reason} ({settled})")
