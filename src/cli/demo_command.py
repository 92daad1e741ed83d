"""`cases demo`: play the demo year on the embedded SQLite store and print what happened, body by body."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from cases.service.application import CasesApplication
from cli.common import DATA_DIR_HELP, settings_of, stdout_console, text
from cases.aggregates.complaint import STAGES
from cases.demo import BodySummary, CaseSummary, ComplaintSummary, DemoRecord, SittingSummary, demo_settings, discard_store, run_demo

HELP = """Play a realistic 2026 for all five bodies and print, per body, its sittings, its cases and notable events.

Sittings planned per month (上海市技师协会: per window) with cases seated on them; straight passes, failures and
retakes at the retake price, a re-application that waives a retake, every sanction tier, a reissued and an
invalidated certificate, group, individual and competition channels, a lapse; a month below the minimum cohort
deferred, a month a group brings to 30, and a thin window folded into November with the day candidates are told by.

The demo always writes to the embedded SQLite store under the data directory (CASES_DATABASE_URL is ignored).
It tells one fixed story, so it runs on an empty store only: run again without --fresh and it refuses
("the store already holds N events"), exits 2 and writes nothing. --fresh deletes the store's event file first
(the ID hash key is kept). Its days run to 21 November 2026: with CASES_TODAY set earlier it refuses and writes
nothing (a business date after today is refused)."""


def demo(
    ctx: typer.Context,
    data_dir: Annotated[Path | None, typer.Option("--data-dir", help=DATA_DIR_HELP)] = None,
    fresh: Annotated[bool, typer.Option("--fresh", help="delete the store's events first and start again")] = False,
) -> None:
    settings = demo_settings(settings_of(ctx, data_dir))
    if fresh:
        discard_store(settings)
    app = CasesApplication(settings)
    try:
        record = run_demo(app)
    finally:
        app.close()
    render(stdout_console(), record, settings.data_dir)


demo.__doc__ = HELP


def render(console: Console, record: DemoRecord, data_dir: Path) -> None:
    for body in record.bodies:
        console.rule(text(f"{body.code} · {body.name}", "bold"))
        console.print(_sittings_table(body.sittings))
        console.print(_cases_table(body))
        console.print(text("notable events", "bold"))
        console.print(_notables_table(body))
    if record.complaints:
        console.rule(text("投诉 · complaints on the supervision lines (业务监督电话)", "bold"))
        console.print(_complaints_table(record.complaints))
    console.rule(text("totals", "bold"))
    console.print(
        text(f"{record.case_count} cases · {record.events_written} events written · fees collected ¥{record.fees_collected:,}")
    )
    for body in record.bodies:
        console.print(text(f"  {body.code:<6} {len(body.cases):>3} cases  ¥{body.fees_collected:>7,}  {body.name}"))
    console.print(text(f"store: {data_dir / 'events.sqlite'}"))
    console.print(text(f"a case's history: cases case show <case id or its first 8 characters> --data-dir {data_dir}", "dim"))


def _complaints_table(complaints: tuple[ComplaintSummary, ...]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for heading in ("登记 received", "机构 body", "类别 category", "投诉人 complainant", "状态 stage", "结果 outcome", "转办 escalated", "延期", "时限 standing", "引起 caused"):
        table.add_column(heading, overflow="fold")
    for c in complaints:
        table.add_row(
            text(str(c.received)), text(c.body), text(c.category), text(c.complainant),
            text(f"{STAGES[c.stage]}{' · 市中心' if c.level == 'municipal' else ''}"), text(c.outcome or "—"), text(c.escalated or "—"),
            text("已延期" if c.extended else "—"), text(c.standing or "—", "bold" if c.standing and c.standing.startswith("已超期") else ""),
            text(", ".join(c.caused) or "—"),
        )  # fmt: skip
    return table


def _sittings_table(sittings: tuple[SittingSummary, ...]) -> Table:
    table = Table(title="sittings", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for heading in ("days", "project", "levels", "venue", "seats taken", "status"):
        table.add_column(heading, justify="right" if heading == "seats taken" else "left", overflow="fold")
    for s in sittings:
        status = s.status + (f" {s.moved}" if s.moved else "")
        table.add_row(
            text(", ".join(map(str, s.days))), text(s.project), text(", ".join(map(str, s.levels))), text(s.venue),
            text(f"{s.headcount} / {s.capacity}"), text(status, "bold" if s.moved else ""),
        )  # fmt: skip
    return table


GROUP_SHOWN = 2  # a run of like group cases longer than this prints its first cases and one line for the rest


def _cases_table(body: BodySummary) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_lines=True)
    for heading in ("case", "candidate", "project · level · channel", "stage", "fees paid", "key dates", "certificate"):
        table.add_column(heading, no_wrap=heading in ("case", "stage"), overflow="fold")
    for run in _runs(body.cases):
        shown, rest = (run, []) if len(run) <= GROUP_SHOWN + 1 else (run[:GROUP_SHOWN], run[GROUP_SHOWN:])
        for case in shown:
            table.add_row(
                text(str(case.case_id)[:8]), text(f"{case.candidate}\n{case.id_masked}"), text(_project(case)),
                text(case.stage.replace("_", " "), "bold"), text(_fees(case)), text(_dates(case)), text(_certificate(case)),
            )  # fmt: skip
        if rest:
            numbers = [c.certificate.number for c in rest if c.certificate]
            table.add_row(
                text("…"), text(f"{len(rest)} more of the group"), text(_project(rest[0])),
                text(rest[0].stage.replace("_", " "), "bold"), text(_fees(rest[0])), text("the same dates"),
                text(f"{numbers[0]} … {numbers[-1]}" if numbers else "—"),
            )  # fmt: skip
    return table


def _runs(cases: tuple[CaseSummary, ...]) -> list[list[CaseSummary]]:
    """Consecutive group cases alike in everything but the person; any other case is a run of one."""

    def likeness(case: CaseSummary) -> tuple:
        payments = tuple((p.kind, p.amount, p.paid_on) for p in case.payments)
        return (case.institution, case.project, case.level, case.stage, payments, case.applied_on, case.sittings, case.deferrals)

    runs: list[list[CaseSummary]] = []
    for case in cases:
        if runs and case.institution and likeness(runs[-1][-1]) == likeness(case):
            runs[-1].append(case)
        else:
            runs.append([case])
    return runs


def _project(case: CaseSummary) -> str:
    channel = f"group via {case.institution}" if case.institution else case.channel
    return f"{case.project}\nlevel {case.level} · {channel}"


def _fees(case: CaseSummary) -> str:
    return "\n".join(f"{p.kind} ¥{p.amount} on {p.paid_on}" for p in case.payments) or "none"


def _dates(case: CaseSummary) -> str:
    lines = [f"applied {case.applied_on}"]
    if case.approved_on:
        lines.append(f"approved {case.approved_on}")
    if case.pay_by:
        lines.append(f"pay by {case.pay_by}")
    if case.plan:
        lines.append(f"evaluate {case.plan}")
    for month, notify_by in case.deferrals:
        lines.append(f"deferred to {month}" + (f"\ntold by {notify_by}" if notify_by else ""))
    if case.sittings:
        lines.append("sat " + ", ".join(map(str, case.sittings)))
    if case.window_last_day:
        lines.append(f"window to {case.window_last_day}")
    return "\n".join(lines)


def _certificate(case: CaseSummary) -> str:
    cert = case.certificate
    if cert is None:
        return "—"
    delivery = cert.delivery + (f" from {cert.collectable_from}" if cert.collectable_from else "")
    lines = [cert.number, f"{cert.form} · {delivery}", f"issued {cert.issued_on}"]
    lines += [f"replaces {old}" for old in cert.replaced]
    if cert.status != "valid":
        lines.append(cert.status.upper())
    return "\n".join(lines)


def _notables_table(body: BodySummary) -> Table:
    table = Table(box=None, pad_edge=False, show_header=False)
    for _ in range(4):
        table.add_column()
    for n in body.notables:
        detail = text(n.detail)
        if n.clause:
            detail.append(f"\n{n.clause}", style="dim")
        table.add_row(text(n.on), text(n.candidate), text(n.kind, "bold"), detail)
    if not body.notables:
        table.add_row(text("none"), text(""), text(""), text(""))
    return table
