"""Month plan: each month's sittings, the cases waiting to be evaluated in it, and the deferrals into and out of it
(DOMAIN §3, §5; seeds 000-004 二(三)), for `cases sittings plan` and GET /sittings/plan.

Consumes: every Sitting event, and every EvaluationCase event but those that never move a case into or out of a
month's plan (`UNMOVING_EVENTS`: a payment, results, the window, a certificate). Rows restate the aggregate just after the event
(`aggregate_after`), so the plan never re-implements a sitting's seats or a case's stage machine.
Owns: plan_sittings (one row per sitting), plan_waiting (one row per first-round case approved and not yet sat:
the cases a month's cohort counts), plan_deferrals (one row per deferral a case records).
The plan's dates (tickets, results) and cohort decisions are the rule book's, applied when the plan is read
(`rules.schedule.cohort_units`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, Date, Index, Integer, MetaData, String, Table, Text, select

from cases.aggregates.evaluation_case import EvaluationCase
from cases.aggregates.sitting import Sitting
from cases.projections.case_index import CASE_EVENTS
from cases.projections.engine.base import Projection, UnitOfWork, id_text
from cases.provisional import flagged
from cases.rulebook.model import Body, Catalogue
from cases.rules.schedule import WAITING, cohort_units, parse_month, ticket_available_from
from cases.rules.service_levels import results_due

if TYPE_CHECKING:
    from cases.calendar.working_days import WorkingDayCalendar
    from cases.projections.engine.base import ReadModels
    from cases.rulebook.loader import RuleBook

SITTING_EVENTS = (Sitting.Planned, Sitting.SeatAssigned, Sitting.SeatReleased, Sitting.Deferred, Sitting.Folded, Sitting.Held)
E = EvaluationCase
# Case events that never move a case into or out of a month's plan, so the plan does not follow them (each one was a
# whole aggregate restated per event in the server: bench/api.py's HTTP commands fell from 0.48 to 0.38 of direct when
# the plan followed FeePaid). A waiting row holds a first-round case approved and not yet sat: a payment keeps it
# waiting (awaiting_payment → ready_to_sit), results, a pass, a window or a competition bar come after it has sat, and
# a certificate once it has qualified.
UNMOVING_EVENTS = (
    E.FeePaid, E.ValidityWindowOpened, E.SubjectPassed, E.SubjectFailed, E.Qualified, E.RetakeBarred,
    E.CertIssued, E.CertRevoked, E.CertReissued,
)  # fmt: skip


class MonthPlan(Projection):
    name = "month_plan"
    follows_aggregates = True
    consumes = (*SITTING_EVENTS, *(e for e in CASE_EVENTS if e not in UNMOVING_EVENTS))
    version = 2  # 2: payments, results and certificates no longer followed (they never move a case in or out)

    def define_tables(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        sittings = Table(
            f"{prefix}plan_sittings", metadata,
            Column("sitting_id", String(36), primary_key=True), Column("body", String(16), nullable=False),
            Column("plan_month", String(7), nullable=False), Column("occupation", String(60), nullable=False),
            Column("work_type", String(60)), Column("levels", String(40), nullable=False),
            Column("dates", Text, nullable=False), Column("first_day", Date, nullable=False),
            Column("venue", String(200), nullable=False), Column("window_name", String(40)),
            Column("capacity", Integer, nullable=False), Column("headcount", Integer, nullable=False),
            Column("status", String(16), nullable=False),
        )  # fmt: skip
        waiting = Table(
            f"{prefix}plan_waiting", metadata,
            Column("case_id", String(36), primary_key=True), Column("body", String(16), nullable=False),
            Column("plan_month", String(7), nullable=False), Column("occupation", String(60), nullable=False),
            Column("work_type", String(60)), Column("level", Integer, nullable=False),
        )  # fmt: skip
        deferrals = Table(
            f"{prefix}plan_deferrals", metadata,
            Column("case_id", String(36), primary_key=True), Column("n", Integer, primary_key=True),
            Column("body", String(16), nullable=False), Column("from_month", String(7), nullable=False),
            Column("to_month", String(7), nullable=False), Column("reason", Text, nullable=False), Column("notify_by", Date),
        )  # fmt: skip
        Index(f"{prefix}plan_sittings_month", sittings.c.plan_month, sittings.c.body)
        Index(f"{prefix}plan_waiting_month", waiting.c.plan_month, waiting.c.body)
        Index(f"{prefix}plan_deferrals_from", deferrals.c.from_month)
        Index(f"{prefix}plan_deferrals_to", deferrals.c.to_month)
        return {"sittings": sittings, "waiting": waiting, "deferrals": deferrals}

    def handle(self, event: Any, rows: UnitOfWork) -> None:
        found = rows.aggregate_after(event)
        if isinstance(found, Sitting):
            rows.put_later("sittings", (id_text(found.id),), lambda: sitting_row(found))
            return
        rows.put_later("waiting", (id_text(found.id),), lambda: waiting_row(found))
        if isinstance(event, EvaluationCase.EvaluationDeferred):
            for n, deferral in enumerate(found.deferrals):
                rows.put("deferrals", {"case_id": id_text(found.id), "n": n, "body": found.body, **deferral})


def sitting_row(sitting: Sitting) -> dict[str, Any]:
    return {
        "sitting_id": id_text(sitting.id), "body": sitting.body, "plan_month": sitting.plan_month,
        "occupation": sitting.occupation, "work_type": sitting.work_type, "levels": ",".join(map(str, sitting.levels)),
        "dates": ",".join(d.isoformat() for d in sitting.dates), "first_day": sitting.first_day, "venue": sitting.venue,
        "window_name": sitting.window_name, "capacity": sitting.capacity, "headcount": sitting.headcount, "status": sitting.status,
    }  # fmt: skip


def waiting_row(case: EvaluationCase) -> dict[str, Any] | None:
    """A first-round case approved and not yet sat, in the month it is planned for; None (no row) otherwise."""
    if case.stage not in WAITING or case.is_retake_round or case.plan_month() is None:
        return None
    return {
        "case_id": id_text(case.id), "body": case.body, "plan_month": case.plan_month(), "occupation": case.occupation,
        "work_type": case.work_type, "level": case.level,
    }  # fmt: skip


# --- queries ------------------------------------------------------------------------------------------------


def _rows(projections: ReadModels, *reads: tuple[str, Callable[[Table], Any], tuple[str, ...]]) -> list[list[dict[str, Any]]]:
    """Each read's rows (table, where, order by), all on one connection in one read transaction: the sittings, the
    waiting cases and the deferrals of a month as of one moment, though the plan is being written meanwhile."""
    tables, found = projections.live_tables(MonthPlan.name), []
    with projections.store.engine.connect() as conn:
        if projections.store.is_sqlite:
            conn.exec_driver_sql("BEGIN")  # pysqlite would run each SELECT on its own
        else:
            conn.execution_options(isolation_level="REPEATABLE READ")  # one snapshot for every SELECT
        for table, where, order_by in reads:
            t = tables[table]
            query = select(t).where(where(t)).order_by(*(t.c[c] for c in order_by))
            found.append([dict(row) for row in conn.execute(query).mappings()])
    return found


def month_plan(projections: ReadModels, rulebook: RuleBook, calendar: WorkingDayCalendar, plan_month: str) -> list[dict[str, Any]]:
    """Per body of the year's catalogue: the month's sittings (first day first) with headcounts and ticket/results
    dates, the cases planned for the month by project and level with the cohort decision, and the deferrals into
    and out of the month."""
    catalogue = _catalogue(rulebook, plan_month)
    sittings, waiting, deferred_in, deferred_out = _rows(
        projections,
        ("sittings", lambda t: t.c.plan_month == plan_month, ("first_day", "occupation", "sitting_id")),
        ("waiting", lambda t: t.c.plan_month == plan_month, ("case_id",)),
        ("deferrals", lambda t: t.c.to_month == plan_month, ("case_id", "n")),
        ("deferrals", lambda t: t.c.from_month == plan_month, ("case_id", "n")),
    )
    return [
        {
            "body": body.code, "name": body.name,
            "sittings": [_sitting_line(body, row, calendar) for row in sittings if row["body"] == body.code],
            "cohorts": _cohort_lines(body, [row for row in waiting if row["body"] == body.code]),
            "deferred_in": [_deferral(row, "from_month") for row in deferred_in if row["body"] == body.code],
            "deferred_out": [_deferral(row, "to_month") for row in deferred_out if row["body"] == body.code],
        }  # fmt: skip
        for body in catalogue.bodies
    ]


def planned_sittings(
    projections: ReadModels, rulebook: RuleBook, calendar: WorkingDayCalendar, body: str, occupation: str,
    work_type: str | None, plan_months: list[str],
) -> list[dict[str, Any]]:  # fmt: skip
    """The sittings still planned for one body's project in the months given (month by month, first day first), as
    the month's plan lists them: the sittings a case of that project may be seated at."""
    bodies = {month: found for month in plan_months if (found := _catalogue(rulebook, month).body(body)) is not None}
    t = projections.live_tables(MonthPlan.name)["sittings"]
    same_work_type = t.c.work_type.is_(None) if work_type is None else t.c.work_type == work_type
    query = (
        select(t)
        .where(t.c.body == body, t.c.occupation == occupation, same_work_type, t.c.status == "planned",
               t.c.plan_month.in_(list(bodies)))
        .order_by(t.c.plan_month, t.c.first_day, t.c.occupation, t.c.sitting_id)
    )  # fmt: skip
    with projections.store.engine.connect() as conn:
        rows = [dict(row) for row in conn.execute(query).mappings()]
    return [_sitting_line(bodies[row["plan_month"]], row, calendar) for row in rows]


def _catalogue(rulebook: RuleBook, plan_month: str) -> Catalogue:
    """The year's catalogue the month is planned by: its own year's, or the latest before it (carried cases appear
    before next year's book exists)."""
    year, _ = parse_month(plan_month)
    earlier = [y for y in rulebook.years if y <= year]
    if not earlier:
        rulebook.for_year(year, field="plan_month")  # names the missing year file
    return rulebook.for_year(max(earlier))


def _sitting_line(body: Body, row: dict[str, Any], calendar: WorkingDayCalendar) -> dict[str, Any]:
    dates = [date.fromisoformat(d) for d in row["dates"].split(",")]
    window = next((w for w in body.windows if w.name == row["window_name"]), None)
    project = next((p for p in body.projects if (p.occupation, p.work_type) == (row["occupation"], row["work_type"])), None)
    tickets_from = ticket_available_from(body, dates[0], window)
    owed = results_due(body, dates[-1], project.marking.involved if project else False, calendar)
    return {
        "sitting_id": row["sitting_id"], "occupation": row["occupation"], "work_type": row["work_type"],
        "levels": [int(level) for level in row["levels"].split(",")], "dates": [str(d) for d in dates], "venue": row["venue"],
        "capacity": row["capacity"], "headcount": row["headcount"], "status": row["status"],
        "tickets_from": str(tickets_from) if tickets_from else None,  # None: the notice gives no day (once paid and seated)
        **flagged("results_due", owed.due.isoformat(), owed.provisional),
    }  # fmt: skip


def _cohort_lines(body: Body, waiting: list[dict[str, Any]]) -> list[dict[str, Any]]:
    lines = (line for unit in cohort_units(body, waiting, _project) for line in unit.lines)
    return sorted(lines, key=lambda line: str((line["occupation"], line["work_type"], line["level"])))


def _project(row: dict[str, Any]) -> tuple[str, str | None, int]:
    return (row["occupation"], row["work_type"], row["level"])


def _deferral(row: dict[str, Any], month_key: str) -> dict[str, Any]:
    notify_by = row["notify_by"]
    return {"case_id": row["case_id"], month_key: row[month_key], "reason": row["reason"], "notify_by": str(notify_by) if notify_by else None}
