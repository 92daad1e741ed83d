"""`cases sittings`: the month's plan per body (sittings, cohorts, deferrals) and what is late on a day (DOMAIN §3, §5).
Both are read models' answers (`month_plan.month_plan`, `case_index.late_on`), brought up to the log's head first
without needing their leases (`current_for_reading`), so they also print beside a live server."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from cli.common import DATA_DIR_HELP, DATE_FORMATS, stdout_console, text
from cli.projections_command import _opened
from cli.reports_command import current_for_reading
from cases.projections.case_index import CaseIndex, late_on
from cases.projections.engine.service import Projections
from cases.projections.month_plan import MonthPlan, month_plan
from cases.provisional import marked
from cases.rules.schedule import next_month, parse_month

sittings = typer.Typer(help="The evaluation calendar: a month's sittings, cohorts and deferrals; what is late.", no_args_is_help=True)

MonthOption = Annotated[str, typer.Option("--month", metavar="YYYY-MM", help="the plan month", show_default=False)]
DayOption = Annotated[datetime, typer.Option("--on", formats=DATE_FORMATS, metavar="DATE", help="YYYY-MM-DD", show_default=False)]
DataDirOption = Annotated[Path | None, typer.Option("--data-dir", help=DATA_DIR_HELP)]
CASE_PREFIX = 8  # as the demo's tables print case ids; `cases case show` accepts the prefix


@sittings.command("plan")
def plan(ctx: typer.Context, month: MonthOption, data_dir: DataDirOption = None) -> None:
    """Print the month's plan per body: its sittings (days, venue, levels, seats taken, status, the day tickets can be
    downloaded, the day results are due), the cases planned for the month by project and level with the minimum
    cohort, and the cases deferred into and out of the month, with why and the day candidates must be told by."""
    parse_month(month, field="month")
    with _opened(ctx, data_dir) as read_models:
        _caught_up(read_models, MonthPlan.name)
        bodies = month_plan(read_models, read_models.app.rulebook, read_models.app.calendar, month)
    render_plan(stdout_console(), month, bodies)


@sittings.command("late")
def late(ctx: typer.Context, on: DayOption, data_dir: DataDirOption = None) -> None:
    """Print what is late on DATE: fees unpaid past their deadline, results past their service-level date,
    certificates not issued by the day results were due."""
    with _opened(ctx, data_dir) as read_models:
        _caught_up(read_models, CaseIndex.name)
        found = late_on(read_models, on.date())
    render_late(stdout_console(), on.date(), found)


def _caught_up(read_models: Projections, name: str) -> None:
    for behind, (position, head) in current_for_reading(read_models, [name]).items():
        typer.echo(f"note: {behind} stands at position {position}, the log at {head}: the latest events are not counted yet", err=True)


# --- the month's plan -----------------------------------------------------------------------------------------


def render_plan(console: Console, month: str, bodies: list[dict[str, Any]]) -> None:
    console.rule(text(f"evaluation plan for {month}", "bold"))
    for body in bodies:
        console.rule(text(f"{body['body']} · {body['name']}", "bold"), align="left")
        if not (body["sittings"] or body["cohorts"] or body["deferred_in"] or body["deferred_out"]):
            console.print(text(f"nothing planned for {month}", "dim"))
            continue
        console.print(_sittings_table(body["sittings"]) if body["sittings"] else text("no sitting planned", "dim"))
        if body["cohorts"]:
            console.print(_cohorts_table(month, body["cohorts"]))
        for heading, key, month_key in (("deferred into", "deferred_in", "from_month"), ("deferred out of", "deferred_out", "to_month")):
            if body[key]:
                console.print(_deferrals_table(f"{heading} {month}", body[key], month_key))


def _project(occupation: str, work_type: str | None) -> str:
    return f"{occupation} ({work_type})" if work_type else occupation


def _sittings_table(lines: list[dict[str, Any]]) -> Table:
    table = Table(title="sittings", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for heading in ("days", "project", "levels", "venue", "seats taken", "status", "tickets from", "results due"):
        table.add_column(heading, justify="right" if heading == "seats taken" else "left")
    for s in lines:
        table.add_row(
            text(", ".join(s["dates"])), text(_project(s["occupation"], s["work_type"])),
            text(", ".join(map(str, s["levels"]))), text(s["venue"]), text(f"{s['headcount']} / {s['capacity']}"),
            text(s["status"], "bold"), text(s["tickets_from"] or "once paid"),  # no day in the notice
            text(marked(s["results_due"], s.get("results_due_provisional"))),
        )  # fmt: skip
    return table


def _cohorts_table(month: str, cohorts: list[dict[str, Any]]) -> Table:
    table = Table(title="cases planned for the month", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for heading in ("project", "level", "cases", "minimum", "cohort"):
        table.add_column(heading, justify="right" if heading in ("level", "cases", "minimum") else "left")
    for c in cohorts:
        decision = "holds" if c["holds"] else f"below the minimum: defers to {next_month(month)}"
        table.add_row(
            text(_project(c["occupation"], c["work_type"])), text(c["level"]), text(c["headcount"]),
            text(c["minimum"] if c["minimum"] is not None else "none"), text(decision, "bold"),
        )  # fmt: skip
    return table


def _deferrals_table(title: str, deferrals: list[dict[str, Any]], month_key: str) -> Table:
    """One row per (month, reason, notice date): a deferred cohort is one decision, however many cases it moved."""
    groups: dict[tuple[str, str, str | None], list[str]] = defaultdict(list)
    for d in deferrals:
        groups[(d[month_key], d["reason"], d["notify_by"])].append(d["case_id"][:CASE_PREFIX])
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for heading in ("from" if month_key == "from_month" else "to", "cases", "reason", "tell candidates by", "case ids"):
        table.add_column(heading, justify="right" if heading == "cases" else "left", overflow="fold")
    for (moved, reason, notify_by), ids in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")):
        table.add_row(text(moved), text(len(ids)), text(reason), text(notify_by or "—"), text(", ".join(sorted(ids)), "dim"))
    return table


# --- what is late ---------------------------------------------------------------------------------------------

LATE_KINDS = {
    "payments_overdue": ("fees unpaid past their deadline", "fee due"),
    "results_late": ("results past their service-level date", "results due"),
    "certificates_late": ("qualified, certificate not issued by the day results were due", "results were due"),
}


def render_late(console: Console, day: date, found: dict[str, list[dict[str, Any]]]) -> None:
    total = sum(len(lines) for lines in found.values())
    console.rule(text(f"late on {day} · {total} case{'s' if total != 1 else ''}", "bold"))
    if not total:
        console.print(text(f"nothing is late on {day}"))
        return
    for kind, (title, due_heading) in LATE_KINDS.items():
        lines = found.get(kind) or []
        if not lines:
            continue
        table = Table(title=f"{title} ({len(lines)})", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        for heading in ("case", "body", "candidate", "level", due_heading):
            table.add_column(heading, justify="right" if heading == "level" else "left")
        for line in sorted(lines, key=lambda item: (item["due"], item["body"], item["case_id"])):
            due = marked(line["due"], line.get("due_provisional"))
            table.add_row(text(line["case_id"][:CASE_PREFIX]), text(line["body"]), text(line["holder"]), text(line["level"]), text(due))
        console.print(table)
