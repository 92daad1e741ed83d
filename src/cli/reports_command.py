"""`cases reports monthly`: the monthly report per body, project and level, as a table or exported (CSV, Excel,
a PNG chart of one measure by month). Figures come from the monthly_report projection, brought up to the log's
head first without needing its lease (`current_for_reading`), so the report also runs beside a live server."""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli.common import DATA_DIR_HELP, stdout_console, text
from cli.projections_command import _opened
from cases.errors import InvalidInput
from cases.projections.monthly_report import COMPLAINT_COUNTERS, COUNTERS
from cases.projections.monthly_report_queries import COLUMNS, COMPLAINT_COLUMNS, complaint_report, monthly_report, totals
from cases.projections.engine.runner import LeaseHeld, PositionMoved
from cases.projections.engine.service import Projections
from cases.reports import chart_png, to_csv, to_xlsx

reports = typer.Typer(help="Reports derived from the read models (CSV, Excel and chart exports).", no_args_is_help=True)
READ_WAIT_SECONDS = 10.0  # how long a read waits for a live follower to project what was written before it was asked


class Format(StrEnum):
    table = "table"
    csv = "csv"
    xlsx = "xlsx"
    png = "png"


@reports.command("monthly")
def monthly(
    ctx: typer.Context,
    month_from: Annotated[str | None, typer.Option("--from", help="first month, YYYY-MM")] = None,
    month_to: Annotated[str | None, typer.Option("--to", help="last month, YYYY-MM")] = None,
    body: Annotated[str | None, typer.Option(help="one body's code (wgsh, dsxh, dmtxh, migu, jsxh)")] = None,
    output: Annotated[Format, typer.Option("--format", help="a table printed, or a file written (--out)")] = Format.table,
    measure: Annotated[str, typer.Option(help="the measure charted by month (png)")] = "applications",
    out: Annotated[Path | None, typer.Option(help="file to write (csv, xlsx, png)")] = None,
    data_dir: Annotated[Path | None, typer.Option(help=DATA_DIR_HELP)] = None,
) -> None:
    """Applications, approvals, fees, sittings, passes, retakes, waivers, sanctions and certificates per month."""
    if output != "table" and out is None:
        raise InvalidInput(f"--out FILE is needed for the {output} export", field="out")
    if output == "png" and measure not in (*COUNTERS, "pass_rate"):
        raise InvalidInput(f"measure must be one of {', '.join((*COUNTERS, 'pass_rate'))}", field="measure")
    with _opened(ctx, data_dir) as found:
        for name, (position, head) in current_for_reading(found, ["monthly_report"]).items():
            typer.echo(f"note: {name} stands at position {position}, the log at {head}: the latest events are not counted yet", err=True)
        rows = monthly_report(found, month_from, month_to, body)
    if output == "table":
        _print(rows)
        return
    assert out is not None
    if output == "csv":
        out.write_bytes(to_csv(rows, COLUMNS))
    elif output == "xlsx":
        out.write_bytes(to_xlsx(rows, COLUMNS, title="Monthly report"))
    else:
        chart_rows = totals(rows) if measure == "pass_rate" else rows
        out.write_bytes(chart_png(chart_rows, measure, title=f"{measure} by month"))
    typer.echo(f"wrote {len(rows)} rows to {out}" if output != "png" else f"wrote a chart of {measure} to {out}")


@reports.command("complaints")
def complaints(
    ctx: typer.Context,
    month_from: Annotated[str | None, typer.Option("--from", help="first month, YYYY-MM")] = None,
    month_to: Annotated[str | None, typer.Option("--to", help="last month, YYYY-MM")] = None,
    body: Annotated[str | None, typer.Option(help="one body's code (wgsh, dsxh, dmtxh, migu, jsxh)")] = None,
    output: Annotated[Format, typer.Option("--format", help="a table printed, or a file written (--out)")] = Format.table,
    measure: Annotated[str, typer.Option(help="the measure charted by month (png)")] = "received",
    out: Annotated[Path | None, typer.Option(help="file to write (csv, xlsx, png)")] = None,
    data_dir: Annotated[Path | None, typer.Option(help=DATA_DIR_HELP)] = None,
) -> None:
    """Complaints (投诉) per month and body: received, accepted, declined, escalated, resolved, upheld, breached,
    callbacks, and the median working days from receipt to a result (DOMAIN §10)."""
    measures = (*COMPLAINT_COUNTERS, "median_working_days_to_result")
    if output != "table" and out is None:
        raise InvalidInput(f"--out FILE is needed for the {output} export", field="out")
    if output == "png" and measure not in measures:
        raise InvalidInput(f"measure must be one of {', '.join(measures)}", field="measure")
    with _opened(ctx, data_dir) as found:
        for name, (position, head) in current_for_reading(found, ["monthly_report"]).items():
            typer.echo(f"note: {name} stands at position {position}, the log at {head}: the latest events are not counted yet", err=True)
        rows = complaint_report(found, month_from, month_to, body, calendar=found.app.calendar)
        by_month = complaint_report(found, month_from, month_to, body, ("month",), found.app.calendar)
    if output == "table":
        table = Table(title="投诉 complaints per month and body", title_justify="left")
        for column in COMPLAINT_COLUMNS:
            table.add_column(column, justify="left" if column in ("month", "body") else "right")
        for row in rows:
            table.add_row(*(text("—" if row.get(c) is None else row[c]) for c in COMPLAINT_COLUMNS))
        stdout_console().print(table)
        return
    assert out is not None
    if output == "csv":
        out.write_bytes(to_csv(rows, COMPLAINT_COLUMNS))
    elif output == "xlsx":
        out.write_bytes(to_xlsx(rows, COMPLAINT_COLUMNS, title="Complaints"))
    else:  # a median is not summed over bodies: chart the month's own
        out.write_bytes(chart_png(by_month if measure.startswith("median") else rows, measure, title=f"{measure} by month"))
    typer.echo(f"wrote {len(rows)} rows to {out}" if output != "png" else f"wrote a chart of {measure} to {out}")


def current_for_reading(found: Projections, names: list[str], wait: float = READ_WAIT_SECONDS) -> dict[str, tuple[int, int]]:
    """Bring the registers a read command shows up to the log's head as it stood when asked, never needing their
    leases (issue 12 point 5: a report beside a running server failed with `LeaseHeld`). A register no process
    projects is caught up here; one whose lease a live follower holds (`cases serve`, `cases projections run`) is
    left to it, and this waits up to `wait` seconds for it to get there. Returns those still behind: name → (position,
    head)."""
    head = found.app.recorder.max_notification_id() or 0
    behind = {}
    for name in names:
        runner = found.runner(name)
        try:
            runner.catch_up(stop=head)
        except (LeaseHeld, PositionMoved):
            pass  # a live follower projects it: wait for it below
        finally:
            if runner.lease.held_until:
                runner.lease.release()
        deadline = time.monotonic() + wait
        while (position := found.store.position(name, runner.generation())) < head and time.monotonic() < deadline:
            time.sleep(0.05)
        if position < head:
            behind[name] = (position, head)
    return behind


def _print(rows: list[dict]) -> None:
    shown = ("month", "body", "occupation", "work_type", "level", "applications", "approvals", "fees_collected",
             "retake_fees_collected", "sat", "passed", "failed", "pass_rate", "certificates_issued")  # fmt: skip
    table = Table(*shown, title="Monthly report")
    for row in rows:
        table.add_row(*(text(f"{row[c]:.0%}" if c == "pass_rate" and row[c] is not None else row[c]) for c in shown))
    stdout_console().print(table)
