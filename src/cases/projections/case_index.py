"""Case index and worklists: one row per evaluation case, for the registrars' search and their daily lists
(fees due and overdue, results late, certificates late: seeds 000-004 二(四), 三).

Consumes: every EvaluationCase event. The row is read off the case just after each event (`aggregate_after`, the
domain's own mutate), so the index never re-implements the stage machine; `updated_on` is the latest event's
business date, never the wall clock, so a rebuild gives the same rows.
Owns: cases. A date that may be provisional has its `<date>_provisional` column beside it (`cases.provisional`):
`pay_by`, `results_due`.

The worklists are what is late on a day (`late_on`, printed by `cases sittings late`); no query scans the log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Column, ColumnElement, Date, Index, Integer, MetaData, String, Table, and_, not_, or_, select

from cases.aggregates.case_stages import AFTER_BAN, BARRED, stage_on
from cases.aggregates.evaluation_case import EvaluationCase
from cases.business_dates import business_date_field
from cases.projections.engine.base import Projection, UnitOfWork, id_text
from cases.provisional import deadline_fields, flagged
from cases.settings import today

if TYPE_CHECKING:
    from cases.projections.engine.base import ReadModels

E = EvaluationCase
# Every event of the case: the index consumes them all (and so do the read models that follow the case).
CASE_EVENTS = (
    E.Applied, E.Approved, E.Rejected, E.FeePaid, E.Lapsed, E.Withdrawn, E.Scheduled, E.EvaluationDeferred, E.Sat,
    E.Absent, E.ValidityWindowOpened, E.SubjectPassed, E.SubjectFailed, E.Qualified, E.RetakeBarred, E.RetakeRequested,
    E.RetakeWaived, E.Sanctioned, E.CertIssued, E.CertRevoked, E.CertReissued,
)  # fmt: skip
# The attribute holding each event's business date (the day the fact happened), by event class: `cases.business_dates`'
# one list, looked up once per class here so that each event is a dict lookup.
BUSINESS_DATE: dict[type, str] = {event: business_date_field(event) for event in CASE_EVENTS}
# The barred stage each stage follows once a ban has ended (`case_stages.AFTER_BAN` inverted), for the SQL of `_stage_on`.
BARRED_BEFORE = {after: barred for barred, after in AFTER_BAN.items()}


def business_date(event: Any) -> date:
    return getattr(event, BUSINESS_DATE[type(event)])


class CaseIndex(Projection):
    name = "case_index"
    follows_aggregates = True
    consumes = CASE_EVENTS
    version = 3  # 2: pay_by_provisional; 3: barred_until (the stage on the day asked)

    def define_tables(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        cases = Table(
            f"{prefix}cases", metadata,
            Column("case_id", String(36), primary_key=True), Column("candidate_id", String(36), nullable=False),
            Column("holder_id_masked", String(24), nullable=False), Column("holder_name", String(100), nullable=False),
            Column("body", String(16), nullable=False), Column("occupation", String(60), nullable=False),
            Column("work_type", String(60)), Column("level", Integer, nullable=False),
            Column("channel", String(16), nullable=False), Column("institution", String(200)),
            Column("stage", String(24), nullable=False), Column("barred_until", Date),
            Column("applied_on", Date, nullable=False), Column("applied_month", String(7), nullable=False),
            Column("plan_month", String(7)), Column("approved_on", Date),
            Column("pay_by", Date), Column("pay_by_provisional", Boolean),
            Column("fee_due", Integer), Column("paid_total", Integer, nullable=False),
            Column("sitting_id", String(36)), Column("sat_on", Date),
            Column("results_due", Date), Column("results_due_provisional", Boolean),
            Column("qualified_on", Date), Column("certificate_number", String(40)),
            Column("updated_on", Date, nullable=False), Column("version", Integer, nullable=False),
        )  # fmt: skip
        Index(f"{prefix}cases_pay", cases.c.stage, cases.c.body, cases.c.pay_by)
        Index(f"{prefix}cases_results", cases.c.stage, cases.c.body, cases.c.results_due)
        Index(f"{prefix}cases_month", cases.c.body, cases.c.applied_month)
        Index(f"{prefix}cases_project", cases.c.occupation, cases.c.level)
        Index(f"{prefix}cases_candidate", cases.c.candidate_id)
        return {"cases": cases}

    def handle(self, event: Any, rows: UnitOfWork) -> None:
        case, updated_on = rows.aggregate_after(event), business_date(event)
        rows.put_later("cases", (id_text(case.id),), lambda: case_row(case, updated_on))


def case_row(case: EvaluationCase, updated_on: date) -> dict[str, Any]:
    decision = case.decision or {}
    last_sitting = case.last_sitting
    seat = case.scheduled or last_sitting or {}
    return {
        "case_id": id_text(case.id), "candidate_id": id_text(case.candidate_id), "holder_id_masked": case.holder_id_masked,
        "holder_name": case.holder_name, "body": case.body, "occupation": case.occupation, "work_type": case.work_type,
        "level": case.level, "channel": case.channel, "institution": case.institution, "stage": case.stage,
        "barred_until": (case.retake_after_sanction or {}).get("barred_until") if case.stage in BARRED else None,
        "applied_on": case.applied_on, "applied_month": case.applied_on.isoformat()[:7], "plan_month": case.plan_month(),
        "approved_on": decision.get("decided_on") if decision.get("approved") else None,
        **flagged("pay_by", case.pay_by, case.pay_by_provisional),
        "fee_due": (case.fee_due or {}).get("total"), "paid_total": case.paid_total,
        "sitting_id": seat.get("sitting_id"), "sat_on": last_sitting["sat_on"] if last_sitting else None,
        **deadline_fields("results_due", case.results_due), "qualified_on": case.qualified_on,
        "certificate_number": case.certificate["number"] if case.certificate else None,
        "updated_on": updated_on, "version": case.version,
    }  # fmt: skip


# --- queries ------------------------------------------------------------------------------------------------


def _table(projections: ReadModels) -> Table:
    return projections.live_tables(CaseIndex.name)["cases"]


def _rows(projections: ReadModels, query: Any) -> list[dict[str, Any]]:
    with projections.store.engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def find_cases(
    projections: ReadModels, body: str | None = None, stage: str | None = None, occupation: str | None = None,
    level: int | None = None, month: str | None = None, limit: int = 100, offset: int = 0, on: date | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """Cases matching every filter given; `month` is the applied month (YYYY-MM). Oldest application first. The stage
    is the one that holds on `on` (today unless asked): a ban's stage gives way the day after the ban's last day
    (`case_stages.stage_on`), though no event marks that day, so a stage filter asks the same of each row."""
    t, on = _table(projections), on or today()
    wanted = {"body": body, "occupation": occupation, "level": level, "applied_month": month}
    where = [t.c[column] == value for column, value in wanted.items() if value is not None]
    query = select(t).where(*where, *([_stage_on(t, stage, on)] if stage is not None else []))
    rows = _rows(projections, query.order_by(t.c.applied_on, t.c.case_id).limit(limit).offset(offset))
    return [{**row, "stage": stage_on(row["stage"], {"barred_until": row["barred_until"]}, on)} for row in rows]


def _stage_on(t: Table, stage: str, on: date) -> ColumnElement:
    """SQL for "the row's stage on `on` is `stage`" (see `stage_on`)."""
    ended = and_(t.c.barred_until.is_not(None), t.c.barred_until < on)
    if stage in BARRED_BEFORE:
        return or_(t.c.stage == stage, and_(t.c.stage == BARRED_BEFORE[stage], ended))
    if stage in BARRED:
        return and_(t.c.stage == stage, not_(ended))
    return t.c.stage == stage


def _worklist(
    projections: ReadModels, body: str | None, stage: str, due: str, late: Callable[[Any], ColumnElement]
) -> list[dict[str, Any]]:
    """Cases at `stage` (of one body, or of all when None) whose `due` column passes `late`; soonest due first."""
    t = _table(projections)
    query = select(t).where(t.c.stage == stage, late(t.c[due]), *([t.c.body == body] if body else []))
    return _rows(projections, query.order_by(t.c[due], t.c.case_id))


def payments_due(projections: ReadModels, body: str | None, on: date) -> list[dict[str, Any]]:
    """Approved (or retake requested), fee unpaid and still payable on `on`."""
    return _worklist(projections, body, "awaiting_payment", "pay_by", lambda pay_by: pay_by >= on)


def payments_overdue(projections: ReadModels, body: str | None, on: date) -> list[dict[str, Any]]:
    """Fee unpaid past its deadline (the case can lapse): seeds 000-004 二(四)."""
    return _worklist(projections, body, "awaiting_payment", "pay_by", lambda pay_by: pay_by < on)


def results_late(projections: ReadModels, body: str | None, on: date) -> list[dict[str, Any]]:
    """Sat, results not all recorded, past the service-level date (seeds 002-004 三)."""
    return _worklist(projections, body, "awaiting_results", "results_due", lambda due: due < on)


def certificates_late(projections: ReadModels, body: str | None, on: date) -> list[dict[str, Any]]:
    """Qualified, no certificate yet, past the day results were owed."""
    return _worklist(projections, body, "qualified", "results_due", lambda due: due < on)


LATE = {"payments_overdue": (payments_overdue, "pay_by"), "results_late": (results_late, "results_due"),
        "certificates_late": (certificates_late, "results_due")}  # fmt: skip


def late_on(projections: ReadModels, day: date, body: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """What is late on a day: fees past their deadline, results past their service-level date, certificates not
    issued by the day results were owed (seeds 000-004 二(四), 三). One line per case, its `due` flagged by
    `due_provisional` (`cases.provisional`); soonest due first."""
    return {
        kind: [
            {"case_id": row["case_id"], "body": row["body"], "holder": row["holder_id_masked"], "level": row["level"],
             **flagged("due", str(row[due]), row[f"{due}_provisional"])}
            for row in worklist(projections, body, day)
        ]
        for kind, (worklist, due) in LATE.items()
    }  # fmt: skip


def bodies_of(projections: ReadModels, case_ids: Iterable[str]) -> dict[str, str]:
    """Case id → its body."""
    wanted = sorted(set(case_ids))
    if not wanted:
        return {}
    t = _table(projections)
    with projections.store.engine.connect() as conn:
        return dict(conn.execute(select(t.c.case_id, t.c.body).where(t.c.case_id.in_(wanted))).tuples().all())


def columns(projections: ReadModels) -> list[str]:
    """The index's columns in table order (an export's header)."""
    return [column.name for column in _table(projections).columns]


def cases_with_id_prefix(projections: ReadModels, prefix: str, body: str | None, limit: int) -> list[dict[str, Any]]:
    """The rows whose case id starts with `prefix` (the caller passes hex digits and dashes only: no LIKE wildcard),
    of one body or of all: the console's search by a case id's first characters."""
    t = _table(projections)
    query = select(t.c.case_id, t.c.body, t.c.holder_name, t.c.occupation, t.c.level, t.c.applied_on, t.c.certificate_number)
    query = query.where(t.c.case_id.like(f"{prefix}%"), *([t.c.body == body] if body else []))
    with projections.store.reader.connect() as conn:
        return [dict(row) for row in conn.execute(query.order_by(t.c.case_id).limit(limit)).mappings()]
