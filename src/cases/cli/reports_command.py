"""`cases reports monthly`: the monthly report per body, project and level, as a table or exported (CSV, Excel,
a PNG chart of one measure by month). Figures come from the monthly_report projection, caught up first."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cases.cli.common import DATA_DIR_HELP, stdout_console, text
from cases.cli.projections_command import _opened
from cases.errors import InvalidInput
from cases.projections.monthly_report import COLUMNS, COUNTERS, monthly_report, totals
from cases.reports import chart_png, to_csv, to_xlsx

reports = typer.Typer(help="Reports derived from the read models (CSV, Excel and chart exports).", no_args_is_help=True)
FORMATS = ("table", "csv", "xlsx", "png")


@reports.command("monthly")
def monthly(
    ctx: typer.Context,
    month_from: Annotated[str | None, typer.Option("--from", help="first month, YYYY-MM")] = None,
    month_to: Annotated[str | None, typer.Option("--to", help="last month, YYYY-MM")] = None,
    body: Annotated[str | None, typer.Option(help="one body's code (wgsh, dsxh, dmtxh, migu, jsxh)")] = None,
    output: Annotated[str, typer.Option("--format", help="table, csv, xlsx or png")] = "table",
    measure: Annotated[str, typer.Option(help="the measure charted by month (png)")] = "applications",
    out: Annotated[Path | None, typer.Option(help="file to write (csv, xlsx, png)")] = None,
    data_dir: Annotated[Path | None, typer.Option(help=DATA_DIR_HELP)] = None,
) -> None:
    """Applications, approvals, fees, sittings, passes, retakes, waivers, sanctions and certificates per month."""
    if output not in FORMATS:
        raise InvalidInput(f"format must be one of {', '.join(FORMATS)}", field="format")
    if output != "table" and out is None:
        raise InvalidInput(f"--out FILE is needed for the {output} export", field="out")
    if output == "png" and measure not in (*COUNTERS, "pass_rate"):
        raise InvalidInput(f"measure must be one of {', '.join((*COUNTERS, 'pass_rate'))}", field="measure")
    with _opened(ctx, data_dir) as found:
        found.catch_up(["monthly_report"])
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


def _print(rows: list[dict]) -> None:
    shown = ("month", "body", "occupation", "work_type", "level", "applications", "approvals", "fees_collected",
             "retake_fees_collected", "sat", "passed", "failed", "pass_rate", "certificates_issued")  # fmt: skip
    table = Table(*shown, title="Monthly report")
    for row in rows:
        table.add_row(*(text(f"{row[c]:.0%}" if c == "pass_rate" and row[c] is not None else row[c]) for c in shown))
    stdout_console().print(table)
