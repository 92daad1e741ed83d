"""Complaints register and queue (投诉, DOMAIN §10): one row per complaint — the body complained about, who acts
on it now (level: the body's supervisors, or the municipal center's after escalation), channel, category, stage,
when it was received and counts from, its due dates and the one now running, handler, extension, escalations,
outcome, linked cases, callbacks, and the complainant with the contact masked.

Privacy (DOMAIN §10): the complainant's contact never enters a read model in full — only a masked form
("139****5678"; see `cases.identity.mask_contact`); an anonymous complaint has neither name nor contact. The complainant's
words and evidence stay in the log, read by the supervisors handling the complaint.
Service level (已超期、今日到期) is judged on the day asked (`standing` of rules.complaint_clock), never stored:
the rows hold the due dates the events recorded, so they are right on any day without a new event.

Consumes: every Complaint event. The row is read off the complaint just after each event (`aggregate_after`,
the domain's own mutate), so the register never re-implements the complaint's stages or clocks.
Owns: complaints.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Column, Date, DateTime, Index, Integer, MetaData, String, Table, Text, select

from cases.aggregates.complaint import OPEN_STAGES, Complaint
from cases.calendar.working_days import WorkingDayCalendar
from cases.errors import InvalidInput
from cases.identity import mask_contact, mask_id_number, mask_phones
from cases.projections.engine.base import Projection, UnitOfWork, id_text
from cases.rules import complaint_clock
from cases.settings import SHANGHAI, today

if TYPE_CHECKING:
    from cases.projections.engine.base import ReadModels

C = Complaint
COMPLAINT_EVENTS = (
    C.Received, C.Accepted, C.Declined, C.Assigned, C.CaseLinked, C.DeadlineExtended, C.Escalated, C.Resolved,
    C.CallbackRecorded, C.Reopened, C.Closed,
)  # fmt: skip
RUNNING_CLOCK = {"received": "acceptance", "accepted": "result"}  # by stage; none once declined, resolved or closed


class ComplaintRegister(Projection):
    name = "complaints"
    follows_aggregates = True
    consumes = COMPLAINT_EVENTS

    def define_tables(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        complaints = Table(
            f"{prefix}complaints", metadata,
            Column("complaint_id", String(36), primary_key=True), Column("body", String(16), nullable=False),
            Column("level", String(12), nullable=False), Column("channel", String(16), nullable=False),
            Column("category", String(24), nullable=False), Column("stage", String(12), nullable=False),
            Column("received_at", DateTime, nullable=False), Column("counts_from", Date, nullable=False),
            Column("acceptance_due", Date, nullable=False), Column("acceptance_due_provisional", Boolean, nullable=False),
            Column("result_due", Date), Column("result_due_provisional", Boolean),
            Column("running_clock", String(12)), Column("due_now", Date), Column("due_now_provisional", Boolean),
            Column("handler", String(100)), Column("extended", Boolean, nullable=False),
            Column("escalations", Integer, nullable=False), Column("last_escalation_why", String(16)),
            Column("outcome", String(16)), Column("resolved_on", Date), Column("case_ids", Text, nullable=False),
            Column("candidate_id", String(36)),
            Column("callbacks_satisfied", Integer, nullable=False), Column("callbacks_dissatisfied", Integer, nullable=False),
            Column("anonymous", Boolean, nullable=False), Column("complainant_name", String(100)),
            Column("complainant_contact_masked", String(100)), Column("staff_named", Integer, nullable=False),
            Column("version", Integer, nullable=False),
        )  # fmt: skip
        Index(f"{prefix}complaints_queue", complaints.c.body, complaints.c.stage, complaints.c.due_now)
        Index(f"{prefix}complaints_due", complaints.c.due_now)
        return {"complaints": complaints}

    def handle(self, event: Any, rows: UnitOfWork) -> None:
        complaint = rows.aggregate_after(event)
        rows.put_later("complaints", (id_text(complaint.id),), lambda: complaint_row_of(complaint))


def complaint_row_of(complaint: Complaint) -> dict[str, Any]:
    """The row restates the complaint as it stands at the end of the batch. `received_at` is Shanghai time;
    `extended`: the one extension of its current level is used (an escalated complaint may be extended again there);
    `outcome` and `resolved_on` are the standing result or decline (none once reopened)."""
    acceptance, result = complaint.due["acceptance"], complaint.due["result"]
    clock = RUNNING_CLOCK.get(complaint.stage)
    running = complaint.due[clock] if clock else None
    outcome, person = complaint.outcome or {}, complaint.complainant
    anonymous = bool(person.get("anonymous"))
    return {
        "complaint_id": id_text(complaint.id), "body": complaint.body, "level": complaint.level,
        "channel": complaint.channel, "category": complaint.category, "stage": complaint.stage,
        "received_at": _local(complaint.received_at), "counts_from": complaint.counts_from,
        "acceptance_due": _day(acceptance["due"]), "acceptance_due_provisional": bool(acceptance["provisional"]),
        "result_due": _day(result["due"]) if result else None,
        "result_due_provisional": bool(result["provisional"]) if result else None,
        "running_clock": clock if running else None, "due_now": _day(running["due"]) if running else None,
        "due_now_provisional": bool(running["provisional"]) if running else None,
        "handler": complaint.handler, "extended": complaint.level in complaint.extended_at,
        "escalations": len(complaint.escalations),
        "last_escalation_why": complaint.escalations[-1]["why"] if complaint.escalations else None,
        "outcome": outcome.get("outcome"), "resolved_on": outcome.get("on"), "case_ids": ",".join(complaint.case_ids),
        "candidate_id": complaint.candidate_id,
        "callbacks_satisfied": sum(1 for c in complaint.callbacks if c["satisfied"]),
        "callbacks_dissatisfied": sum(1 for c in complaint.callbacks if not c["satisfied"]),
        "anonymous": anonymous,
        "complainant_name": None if anonymous or not person.get("name") else mask_id_number(mask_phones(person["name"])),
        "complainant_contact_masked": None if anonymous or not person.get("contact") else mask_contact(person["contact"]),
        "staff_named": len(complaint.staff_named), "version": complaint.version,
    }  # fmt: skip


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _local(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI).replace(tzinfo=None) if moment.tzinfo else moment


# --- queries: service level as of the day asked ------------------------------------------------------------


def _with_standing(row: dict[str, Any], on: date, calendar: WorkingDayCalendar) -> dict[str, Any]:
    """The row with its `standing` (on_time, due_soon, due_today, breached; None when no clock runs) and the
    working days it is late by, judged on `on`."""
    found = complaint_clock.standing(row["due_now"], on, calendar) if row["due_now"] else None
    return {**row, "standing": found.state if found else None, "working_days_late": found.working_days_late if found else 0, "as_of": on}


STANDING_FILTERS = ("on_time", "due_soon", "due_today", "breached", "none")  # none: no clock runs


def _standing_is(t: Table, wanted: str, on: date, calendar: WorkingDayCalendar) -> Any:
    """The running due dates whose `standing` on `on` is `wanted` (rules.complaint_clock.standing, as a range), so
    that the filter is SQL and comes before the page's limit."""
    soon = complaint_clock.next_working_day(on, calendar)
    ranges = {
        "breached": t.c.due_now < on, "due_today": t.c.due_now == on,
        "due_soon": (t.c.due_now > on) & (t.c.due_now <= soon), "on_time": t.c.due_now > soon,
        "none": t.c.due_now.is_(None),
    }  # fmt: skip
    if wanted not in ranges:
        raise InvalidInput(f"standing must be one of {', '.join(STANDING_FILTERS)}", field="standing")
    return ranges[wanted]


def complaint_queue(
    projections: ReadModels, body: str | None = None, state: str | None = None, category: str | None = None,
    handler: str | None = None, breached: bool | None = None, on: date | None = None, limit: int = 100, offset: int = 0,
    level: str | None = None, calendar: WorkingDayCalendar | None = None, standing: str | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """Complaints matching every filter given, each with its standing on `on` (`cases.settings.today` when omitted).
    `state` is the stage (received, accepted, declined, resolved, closed) or "open" (received or accepted);
    `breached` keeps those whose running clock is (True) or is not (False) past its due date on `on`; `standing`
    keeps those of one standing on `on` (`STANDING_FILTERS`); `level` is who acts on it (body, municipal). Every
    filter is in the query, before `limit` and `offset`. Soonest running due date first, then those with none,
    oldest receipt first."""
    on = on or today()
    calendar = calendar or WorkingDayCalendar.default()
    t = projections.live_tables(ComplaintRegister.name)["complaints"]
    wanted = {"body": body, "category": category, "handler": handler, "level": level}
    where = [t.c[column] == value for column, value in wanted.items() if value is not None]
    if state == "open":
        where.append(t.c.stage.in_(OPEN_STAGES))
    elif state is not None:
        where.append(t.c.stage == state)
    if breached is True:
        where.append(t.c.due_now < on)
    elif breached is False:
        where.append((t.c.due_now.is_(None)) | (t.c.due_now >= on))
    if standing is not None:
        where.append(_standing_is(t, standing, on, calendar))
    query = select(t).where(*where).order_by(t.c.due_now.is_(None), t.c.due_now, t.c.received_at, t.c.complaint_id)
    with projections.store.engine.connect() as conn:
        found = [dict(row) for row in conn.execute(query.limit(limit).offset(offset)).mappings()]
    return [_with_standing(row, on, calendar) for row in found]


def complaint_row(
    projections: ReadModels, complaint_id: Any, on: date | None = None, calendar: WorkingDayCalendar | None = None
) -> dict[str, Any] | None:  # fmt: skip
    """One complaint's row with its standing on `on` (`cases.settings.today` when omitted); None when unknown."""
    t = projections.live_tables(ComplaintRegister.name)["complaints"]
    with projections.store.engine.connect() as conn:
        found = conn.execute(select(t).where(t.c.complaint_id == str(complaint_id))).mappings().first()
    if found is None:
        return None
    return _with_standing(dict(found), on or today(), calendar or WorkingDayCalendar.default())
