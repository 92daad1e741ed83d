"""`cases case show`: one case's stage, the dates it is waiting on, and its history, event by event, as the store
holds it. A date that may still move is marked " (provisional)" (`cases.provisional`)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import typer
from rich import box
from rich.table import Table

from cases.aggregates.evaluation_case import EvaluationCase
from cases.service.application import CasesApplication
from cli.common import DATA_DIR_HELP, opened_app, resolve_id, stdout_console, text
from cases.identity import mask_id_number
from cases.provisional import deadline_text, marked

case = typer.Typer(help="Evaluation cases in the store.", no_args_is_help=True)

SKIPPED = {"originator_id", "originator_version", "originator_topic", "timestamp", "actor"}
SUMMARISED = {"evidence": lambda v: f"{len(v.get('work') or [])} work periods, {len(v.get('certificates') or [])} certificates, "
              f"{len(v.get('titles') or [])} titles, {len(v.get('education') or [])} diplomas"}  # fmt: skip
MAX_VALUE = 140
DEADLINE_DATES = ("due", "due_on", "last_day")  # the date a deadline object's `provisional` flags


@case.command("show")
def show(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(help="the case id, or a unique prefix of at least 8 characters")],
    data_dir: Annotated[Path | None, typer.Option("--data-dir", help=DATA_DIR_HELP)] = None,
) -> None:
    """Print the case's stage and every event in its history: when recorded, what, by whom, the key values."""
    with opened_app(ctx, data_dir) as app:
        found = app.get_case(_resolve(app, case_id))
        events = list(app.events.get(found.id))
    console = stdout_console()
    project = f"{found.occupation} ({found.work_type})" if found.work_type else found.occupation
    channel = f"group via {found.institution}" if found.institution else found.channel
    console.print(text(f"case {found.id}", "bold"))
    console.print(text(f"{found.body} · {project} · level {found.level} · {channel}"))
    console.print(text(f"candidate {found.holder_name} {found.holder_id_masked} · stage {found.stage} · version {found.version}"))
    if dates := case_dates(found):
        console.print(text(" · ".join(dates)))
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for heading in ("#", "recorded (UTC)", "event", "actor", "key values"):
        table.add_column(heading, overflow="fold")
    for event in events:
        recorded = event.timestamp.strftime("%Y-%m-%d %H:%M:%S")
        table.add_row(
            text(event.originator_version), text(recorded), text(type(event).__name__, "bold"),
            text(getattr(event, "actor", "")), text(key_values(event)),
        )  # fmt: skip
    console.print(table)


def _resolve(app: CasesApplication, given: str) -> UUID:
    return resolve_id(app, given, EvaluationCase.Applied, "case")


def case_dates(found: EvaluationCase) -> list[str]:
    """The dates the case stands on now: the fee's deadline, the evaluation's last day, the results' service-level
    date, the day the certificate can be collected."""
    dates = []
    if found.stage == "awaiting_payment" and found.pay_by:
        dates.append(f"fee due by {marked(found.pay_by, found.pay_by_provisional)}")
    if found.stage in ("applied", "awaiting_payment", "ready_to_sit") and found.plan and found.plan.get("last_day"):
        dates.append(f"evaluated by {deadline_text(found.plan, 'last_day')}")
    if found.stage == "awaiting_results" and found.results_due:
        dates.append(f"results due by {deadline_text(found.results_due)}")
    collectable = (found.certificate or {}).get("collectable_from")
    if collectable and found.certificate and found.certificate.get("status") == "valid":
        dates.append(f"collectable from {deadline_text(collectable)}")
    return dates


def key_values(event: Any) -> str:
    """The event's own values, one `key=value` per line; ID numbers masked, long values shortened."""
    lines = []
    for key, value in vars(event).items():
        if key in SKIPPED or value in (None, [], {}):
            continue
        shown = SUMMARISED[key](value) if key in SUMMARISED else _plain(value)
        if len(shown) > MAX_VALUE:
            shown = shown[: MAX_VALUE - 1] + "…"
        lines.append(f"{key}={mask_id_number(shown)}")
    return "\n".join(lines)


def _plain(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict) and isinstance(value.get("provisional"), bool):  # a deadline as decided: its date marked
        value = {k: marked(v, value["provisional"]) if k in DEADLINE_DATES else v for k, v in value.items() if k != "provisional"}
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_plain(v)}" for k, v in value.items() if v not in (None, [], {})) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    return str(value)
