"""`cases complaints list | show`: the hotline's queue with each complaint's service level on a day, and one
complaint with its timeline (投诉, DOMAIN §10). The queue comes from the complaints read model, brought up to the
log's head first (`current_for_reading`, so it runs beside a live server too); `show` replays the complaint's own
events. The complainant's contact is masked everywhere here (DOMAIN §10 Privacy: in full only to the
supervisors handling it, through the API)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import typer
from rich import box
from rich.table import Table

from cases.service import complaint_timeline
from cases.aggregates.complaint import CATEGORIES, ESCALATION_REASONS, OUTCOMES, STAGES, STANDINGS, Complaint
from cases.service.application import CasesApplication
from cli.common import DATA_DIR_HELP, DATE_FORMATS, opened_app, resolve_id, stdout_console, text
from cli.projections_command import _opened
from cli.replay_command import print_events
from cli.reports_command import current_for_reading
from cases.errors import InvalidInput
from cases.identity import mask_contact
from cases.projections.complaints import ComplaintRegister, complaint_queue
from cases.rules.complaint_clock import standing
from cases.settings import today

complaints = typer.Typer(help="The hotline's complaints (投诉, DOMAIN §10): the queue, and one complaint's history.", no_args_is_help=True)

DataDir = Annotated[Path | None, typer.Option("--data-dir", help=DATA_DIR_HELP)]
AsJson = Annotated[bool, typer.Option("--json", help="print JSON instead of tables")]
ID_PREFIX = 8  # as the queue prints complaint ids; `show` takes the prefix
LEVELS = {"body": "机构", "municipal": "市中心"}
CHANNELS = {"body_line": "机构监督电话", "municipal_line": "市中心监督电话", "letter": "来信", "online": "网上", "counter": "窗口"}


@complaints.command("list")
def list_complaints(
    ctx: typer.Context,
    on: Annotated[datetime | None, typer.Option("--on", formats=DATE_FORMATS, metavar="DATE", help="the day the standing is judged on (default: today, Shanghai)", show_default=False)] = None,
    body: Annotated[str | None, typer.Option(help="the body complained about (wgsh, dsxh, dmtxh, migu, jsxh)")] = None,
    state: Annotated[str | None, typer.Option(help="received, accepted, declined, resolved, closed, or open (received or accepted)")] = None,
    category: Annotated[str | None, typer.Option(help=f"one of {', '.join(CATEGORIES)}")] = None,
    handler: Annotated[str | None, typer.Option(help="the handler assigned")] = None,
    breached: Annotated[bool | None, typer.Option("--breached/--not-breached", help="only those whose running clock is past its due date on the day (or only the others)", show_default=False)] = None,
    level: Annotated[str | None, typer.Option(help="who acts on it: body or municipal")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="rows")] = 100,
    offset: Annotated[int, typer.Option(min=0, help="rows to skip")] = 0,
    data_dir: DataDir = None, as_json: AsJson = False,
) -> None:  # fmt: skip
    """Print the queue, soonest running due date first: each complaint (投诉: its id's first 8 characters), when it
    was received (登记), the body (机构), category (类别), stage (状态), who acts on it (承办: the body or the
    municipal center), its handler (承办人), the due date running (期限) and where it stands on the day (时限:
    今日到期, 已超期…), and the complainant (投诉人, contact masked)."""
    if state is not None and state not in (*STAGES, "open"):
        raise InvalidInput(f"state must be one of {', '.join((*STAGES, 'open'))}", field="state")
    if category is not None and category not in CATEGORIES:
        raise InvalidInput(f"category must be one of {', '.join(CATEGORIES)}", field="category")
    if level is not None and level not in LEVELS:
        raise InvalidInput(f"level must be one of {', '.join(LEVELS)}", field="level")
    day = on.date() if on else today()
    with _opened(ctx, data_dir) as found:
        for name, (position, head) in current_for_reading(found, [ComplaintRegister.name]).items():
            typer.echo(f"note: {name} stands at position {position}, the log at {head}: the latest events are not shown yet", err=True)
        rows = complaint_queue(found, body, state, category, handler, breached, day, limit, offset, level, found.app.calendar)
    if as_json:
        return _print_json(rows)
    console = stdout_console()
    console.print(text(f"complaints on {day}: {len(rows)} shown", "bold"))
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for heading in ("投诉", "登记", "机构", "类别", "状态", "承办", "承办人", "期限", "时限", "投诉人"):
        table.add_column(heading, no_wrap=True)
    for row in rows:
        table.add_row(
            text(row["complaint_id"][:ID_PREFIX]), text(f"{row['received_at']:%m-%d %H:%M}"), text(row["body"]),
            text(CATEGORIES.get(row["category"], row["category"])), text(_stage(row["stage"], row["outcome"])),
            text(LEVELS.get(row["level"], row["level"])), text(row["handler"] or "—"),
            text(f"{row['due_now']}{' (暂定)' if row['due_now_provisional'] else ''}" if row["due_now"] else "—"),
            text(_standing(row["standing"], row["working_days_late"]), "bold" if row["standing"] == "breached" else ""),
            text("匿名" if row["anonymous"] else f"{row['complainant_name'] or ''} {row['complainant_contact_masked'] or ''}".strip()),
        )  # fmt: skip
    console.print(table)
    return None


@complaints.command("show")
def show(
    ctx: typer.Context,
    complaint_id: Annotated[str, typer.Argument(help="the complaint id, or a unique prefix of at least 8 characters")],
    on: Annotated[datetime | None, typer.Option("--on", formats=DATE_FORMATS, metavar="DATE", help="the day the standing is judged on (default: today, Shanghai)", show_default=False)] = None,
    data_dir: DataDir = None, as_json: AsJson = False,
) -> None:  # fmt: skip
    """Print the complaint as it stands (the complainant's contact masked) and every event of its history: when
    recorded, the day it counts from or was decided, who, the part of DOMAIN §10 applied, and what."""
    day = on.date() if on else today()
    with opened_app(ctx, data_dir) as app:
        found = app.complaints.get(_resolve(app, complaint_id))
        entries = complaint_timeline.complaint_timeline(app, found.id, loaded=found)
        clock = _running(app, found, day)
    person = found.complainant or {}
    complainant = "匿名" if person.get("anonymous") else f"{person.get('name')} {mask_contact(person.get('contact'))}"
    if as_json:
        view = {
            "complaint_id": str(found.id), "version": found.version, "body": found.body, "channel": found.channel,
            "category": found.category, "stage": found.stage, "level": found.level, "handler": found.handler,
            "complainant": complainant, "due": found.due, "standing": clock, "case_ids": found.case_ids,
            "staff_named": found.staff_named, "outcome": complaint_timeline.mask_values(found.outcome, person.get("contact")),
            "timeline": [e.to_dict() for e in entries],
        }  # fmt: skip
        return _print_json(view)
    console = stdout_console()
    console.print(text(f"complaint {found.id}", "bold"))
    console.print(text(f"{found.body} · {CHANNELS.get(found.channel, found.channel)} · {CATEGORIES.get(found.category, found.category)} · "
                       f"received {found.received_at:%Y-%m-%d %H:%M}, counts from {found.counts_from}"))  # fmt: skip
    outcome = (found.outcome or {}).get("outcome")
    console.print(text(f"{_stage(found.stage, outcome)} · 承办 {LEVELS.get(found.level, found.level)} · 承办人 {found.handler or '—'} · "
                       f"version {found.version}"))  # fmt: skip
    console.print(text(f"投诉人 complainant: {complainant}"))
    if found.staff_named:
        console.print(text(f"被投诉人员 (回避) staff named: {', '.join(found.staff_named)}"))
    if found.case_ids:
        console.print(text(f"cases: {', '.join(found.case_ids)}"))
    caused = (found.outcome or {}).get("caused") or []
    if caused:
        where = {"case_id": "case", "candidate_id": "candidate"}
        console.print(text("引起 caused: " + "; ".join(
            f"{c['event']} (version {c['version']}) on {kind} {c[key]}" for c in caused for key, kind in where.items() if key in c
        )))  # fmt: skip
    escalated = ", ".join(f"{ESCALATION_REASONS.get(e['why'], e['why'])} {e['on']}" for e in found.escalations)
    if escalated:
        console.print(text(f"已转市职业技能鉴定中心 escalated: {escalated}"))
    if clock:
        label = {"acceptance": "受理期限", "result": "办结期限"}[clock["clock"]]
        console.print(text(f"{label} {clock['due']} · {_standing(clock['state'], clock['working_days_late'])} (on {day})",
                           "bold" if clock["state"] == "breached" else ""))  # fmt: skip
    print_events(entries)
    return None


# --- helpers ------------------------------------------------------------------------------------------------


def _stage(stage: str, outcome: str | None) -> str:
    label = STAGES.get(stage, stage)
    return f"{label}：{OUTCOMES[outcome]}" if stage in ("resolved", "closed") and outcome in OUTCOMES else label


def _standing(state: str | None, late: int) -> str:
    return STANDINGS[state].format(n=late) if state in STANDINGS else "—"


def _running(app: CasesApplication, complaint: Complaint, day: Any) -> dict[str, Any] | None:
    clock = "acceptance" if complaint.stage == "received" else "result" if complaint.stage == "accepted" else None
    due = complaint.due.get(clock) if clock else None
    if not due:
        return None
    found = standing(datetime.fromisoformat(str(due["due"])).date(), day, app.calendar)
    return {"clock": clock, "due": str(found.due), "state": found.state, "working_days_late": found.working_days_late}


def _resolve(app: CasesApplication, given: str) -> UUID:
    return resolve_id(app, given, Complaint.Received, "complaint")


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
