"""Monthly report (月度统计, DOMAIN §9 Reporting): per month × body × occupation × work type × level, how many
applications, approvals, rejections, fees (full and retake apart), sittings, passes, failures, retakes, waivers,
sanctions by tier and certificates. Read by monthly_report_queries.py, which derives the pass rate and the median.

Decision (dates): every figure is counted in the month of the business date the fact carries — applied_on,
decided_on, paid_on, sat_on, requested_on, on, issued_on — never the wall-clock time it was recorded, so a fee
keyed in on 2 April for a payment received on 31 March counts in March, and a rebuild gives the same months.
Results count in the month of the sitting they decide (the `sat_on` results carry; for `Qualified`, the sitting
that completed the pass), so a month's sat, passed and failed describe the same sittings and its pass rate does
not depend on when the marks were keyed in.
Decision (what counts): passed = Qualified events (a case requalifying after a sanction counts again); failed =
sittings that ended — their last outstanding result recorded, or cancelled by a sanction — with a subject failed,
one per sitting; certificates_issued counts first issues, reissues (遗失补办) have their own column. Figures are
facts of their month and are never retracted: a later sanction or revocation is counted in its own month.
The project (body, occupation, work type, level) of a case is the one its Applied event names.

Complaints (投诉, DOMAIN §10) have no project or level: their figures are a table of their own in this projection,
per month × body complained about, so the case rows stay as they were.
Decision (complaint figures): received counts in the month of `counts_from`, once per complaint (escalated or
reopened, it is not received again); accepted, declined, escalated and callbacks count every such fact in the month
of its `on` (one the municipal center accepts again after the body did counts twice, as a requalified case passes
twice); resolved and upheld (upheld or partly upheld) in the month of the result. A decline answers the
acceptance clock and is not a result.
Decision (breached): one per due date missed, not per complaint. A clock runs from the event recording its due
date — acceptance from Received, Escalated or Reopened; result from Accepted, moved by DeadlineExtended — until the
step that stops it: Accepted, Declined or Escalated; Resolved or Escalated. It is breached when that step, or an
extension, is dated after the due date in force (answered on the due day is on time), and counts once, in the
month of the due date it missed: a complaint late for both acceptance and result counts in each of their months;
an extension made after the due date counts that date, and the extended clock is not counted again. A clock
still running past its due date counts when the step stopping it is recorded (the report holds facts of the log),
so a month's figure may grow after the month until every clock due in it has stopped; the complaints queue shows
those still running, judged on the day asked.

Consumes: EvaluationCase.Applied, Approved, Rejected, FeePaid, Sat, Absent, SubjectPassed, SubjectFailed, Qualified,
RetakeRequested, RetakeWaived, Sanctioned, CertIssued, CertRevoked, CertReissued; Complaint.Received, Accepted,
Declined, DeadlineExtended, Escalated, Resolved, CallbackRecorded, Reopened.
Owns: monthly_counts (the report), monthly_cases (case → project and latest sitting), monthly_open_sittings
(sittings with results still to come: subjects pending and failed so far), monthly_complaints (the complaint
figures), monthly_complaint_clocks (complaint → body, receipt and the clock running), monthly_complaint_results
(each result: month, body, receipt and result dates, for the median).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table

from cases.aggregates.complaint import Complaint
from cases.aggregates.evaluation_case import EvaluationCase as Case
from cases.projections.engine.base import Projection, UnitOfWork, id_text

KEYS = ("month", "body", "occupation", "work_type", "level")
SANCTION_TIERS = ("subject", "sitting", "grave", "materials")  # 须知 二, 三, 四, 一
COUNTERS = (
    "applications", "approvals", "rejections", "fees_collected", "retake_fees_collected", "sat", "absent", "passed",
    "failed", "retakes", "waivers", *(f"sanctions_{tier}" for tier in SANCTION_TIERS),
    "certificates_issued", "certificates_reissued", "certificates_revoked",
)  # fmt: skip

# Facts counted once in the month of the date they carry: event → (its date attribute, the counter).
SIMPLE: dict[type, tuple[str, str]] = {
    Case.Applied: ("applied_on", "applications"),
    Case.Approved: ("decided_on", "approvals"),
    Case.Rejected: ("decided_on", "rejections"),
    Case.Absent: ("sat_on", "absent"),
    Case.RetakeRequested: ("requested_on", "retakes"),
    Case.RetakeWaived: ("on", "waivers"),
    Case.CertIssued: ("issued_on", "certificates_issued"),
    Case.CertReissued: ("on", "certificates_reissued"),
    Case.CertRevoked: ("on", "certificates_revoked"),
}


COMPLAINT_KEYS = ("month", "body")
COMPLAINT_COUNTERS = (
    "received", "accepted", "declined", "escalated", "resolved", "upheld", "breached", "callbacks_satisfied",
    "callbacks_dissatisfied",
)  # fmt: skip
UPHELD = ("upheld", "partly_upheld")
COMPLAINT_EVENTS = (
    Complaint.Received, Complaint.Accepted, Complaint.Declined, Complaint.DeadlineExtended, Complaint.Escalated,
    Complaint.Resolved, Complaint.CallbackRecorded, Complaint.Reopened,
)  # fmt: skip


class MonthlyReport(Projection):
    name = "monthly_report"
    consumes = (
        *SIMPLE, Case.FeePaid, Case.Sat, Case.SubjectPassed, Case.SubjectFailed, Case.Qualified, Case.Sanctioned,
        *COMPLAINT_EVENTS,
    )  # fmt: skip
    version = 2  # 2: complaint figures (monthly_complaints)

    def define_tables(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        # work_type is "" (not NULL) when the occupation has none: it is part of the primary key.
        counts = Table(
            f"{prefix}monthly_counts", metadata,
            Column("month", String(7), primary_key=True), Column("body", String(16), primary_key=True),
            Column("occupation", String(60), primary_key=True), Column("work_type", String(60), primary_key=True),
            Column("level", Integer, primary_key=True),
            *(Column(name, Integer, nullable=False, default=0) for name in COUNTERS),
        )  # fmt: skip
        cases = Table(
            f"{prefix}monthly_cases", metadata,
            Column("case_id", String(36), primary_key=True), Column("body", String(16), nullable=False),
            Column("occupation", String(60), nullable=False), Column("work_type", String(60), nullable=False),
            Column("level", Integer, nullable=False), Column("last_sat_on", Date),
        )  # fmt: skip
        open_sittings = Table(
            f"{prefix}monthly_open_sittings", metadata,
            Column("case_id", String(36), primary_key=True), Column("sat_on", Date, primary_key=True),
            Column("pending", String(200), nullable=False), Column("failed", String(200), nullable=False),
        )  # fmt: skip
        complaints = Table(
            f"{prefix}monthly_complaints", metadata,
            Column("month", String(7), primary_key=True), Column("body", String(16), primary_key=True),
            *(Column(name, Integer, nullable=False, default=0) for name in COMPLAINT_COUNTERS),
        )  # fmt: skip
        clocks = Table(
            f"{prefix}monthly_complaint_clocks", metadata,
            Column("complaint_id", String(36), primary_key=True), Column("body", String(16), nullable=False),
            Column("counts_from", Date, nullable=False), Column("clock", String(12)), Column("due", Date),
            Column("breached", Boolean, nullable=False),
        )  # fmt: skip
        results = Table(
            f"{prefix}monthly_complaint_results", metadata,
            Column("complaint_id", String(36), primary_key=True), Column("version", Integer, primary_key=True),
            Column("month", String(7), nullable=False), Column("body", String(16), nullable=False),
            Column("counts_from", Date, nullable=False), Column("resolved_on", Date, nullable=False),
        )  # fmt: skip
        return {
            "counts": counts, "cases": cases, "open_sittings": open_sittings, "complaints": complaints,
            "complaint_clocks": clocks, "complaint_results": results,
        }  # fmt: skip

    def handle(self, event: Any, rows: UnitOfWork) -> None:
        if type(event) in _COMPLAINT_EVENT_SET:
            _complaint(event, rows)
            return
        case_id = id_text(event.originator_id)
        if isinstance(event, Case.Applied):
            rows.put("cases", {
                "case_id": case_id, "body": event.body, "occupation": event.occupation,
                "work_type": event.work_type or "", "level": event.level, "last_sat_on": None,
            })  # fmt: skip
        if type(event) in SIMPLE:
            attribute, counter = SIMPLE[type(event)]
            _count(rows, case_id, getattr(event, attribute), **{counter: 1})
        elif isinstance(event, Case.FeePaid):
            counter = "retake_fees_collected" if event.kind == "retake" else "fees_collected"
            _count(rows, case_id, event.paid_on, **{counter: event.amount})
        elif isinstance(event, Case.Sat):
            rows.put("cases", {**rows.get("cases", case_id), "last_sat_on": event.sat_on})
            sitting = {"case_id": case_id, "sat_on": event.sat_on, "pending": _join(event.subjects), "failed": ""}
            rows.put("open_sittings", sitting)
            _count(rows, case_id, event.sat_on, sat=1)
        elif isinstance(event, Case.Qualified):  # always settles the case's latest sitting
            _count(rows, case_id, rows.get("cases", case_id)["last_sat_on"], passed=1)
        elif isinstance(event, (Case.SubjectPassed, Case.SubjectFailed)):
            failed = [event.subject] if isinstance(event, Case.SubjectFailed) else []
            _settle_sitting(rows, case_id, event.sat_on, resolved=[event.subject], failed=failed)
        elif isinstance(event, Case.Sanctioned):
            _count(rows, case_id, event.decided_on, **{f"sanctions_{event.tier}": 1})
            for sat_on in sorted({c["sat_on"] for c in event.cancelled}):
                cancelled = [c["subject"] for c in event.cancelled if c["sat_on"] == sat_on]
                _settle_sitting(rows, case_id, sat_on, resolved=cancelled, failed=[], cancelled=cancelled)


def _count(rows: UnitOfWork, case_id: str, day: date, **increments: int) -> None:
    projects = rows.scratch.setdefault("monthly_report.projects", {})  # per batch: case → its project key
    project = projects.get(case_id)
    if project is None:
        found = rows.get("cases", case_id)
        if found is None:
            raise LookupError(f"monthly_report: no Applied event seen for case {case_id}")
        project = projects[case_id] = tuple(found[k] for k in KEYS[1:])
    key = (day.isoformat()[:7], *project)  # "YYYY-MM" (strftime was a twentieth of a rebuild)
    rows.increment("counts", key, lambda: {**dict(zip(KEYS, key)), **dict.fromkeys(COUNTERS, 0)}, **increments)


def _settle_sitting(
    rows: UnitOfWork, case_id: str, sat_on: date, *, resolved: list[str], failed: list[str], cancelled: Sequence[str] = ()
) -> None:  # fmt: skip
    """A result or a cancellation resolves subjects of a sitting (the case's `attempts`, subject_standing.py).
    The sitting ends when none awaits a result; it counts as failed if a subject of it failed (and was not
    cancelled since)."""
    sitting = rows.get("open_sittings", case_id, sat_on)
    if sitting is None:  # ended already, or an absence
        return
    pending = [s for s in _split(sitting["pending"]) if s not in resolved]
    failed = [s for s in (*_split(sitting["failed"]), *failed) if s not in cancelled]
    if pending:
        rows.put("open_sittings", {**sitting, "pending": _join(pending), "failed": _join(failed)})
        return
    rows.delete("open_sittings", case_id, sat_on)
    if failed:
        _count(rows, case_id, sat_on, failed=1)


# --- complaints ------------------------------------------------------------------------------------------------

_COMPLAINT_EVENT_SET = frozenset(COMPLAINT_EVENTS)


def _complaint(event: Any, rows: UnitOfWork) -> None:
    """A complaint's figures, and the clock it has running (see the module's Decision on breaches)."""
    complaint_id = id_text(event.originator_id)
    if isinstance(event, Complaint.Received):
        _count_complaint(rows, event.body, event.counts_from, received=1)
        rows.put("complaint_clocks", {
            "complaint_id": complaint_id, "body": event.body, "counts_from": event.counts_from, "clock": "acceptance",
            "due": _due(event.acceptance_due), "breached": False,
        })  # fmt: skip
        return
    clock = rows.get("complaint_clocks", complaint_id)
    if clock is None:
        raise LookupError(f"monthly_report: no Received event seen for complaint {complaint_id}")
    body = clock["body"]
    if isinstance(event, Complaint.CallbackRecorded):
        _count_complaint(rows, body, event.on, **{"callbacks_satisfied" if event.satisfied else "callbacks_dissatisfied": 1})
        return
    if isinstance(event, Complaint.DeadlineExtended):
        clock = _missed(rows, clock, event.on)
        rows.put("complaint_clocks", {**clock, "due": _due(event.result_due)})
        return
    if not isinstance(event, Complaint.Reopened):  # every other step stops the clock running (if any)
        clock = {**_missed(rows, clock, event.on), "clock": None, "due": None}
    if isinstance(event, Complaint.Accepted):
        _count_complaint(rows, body, event.on, accepted=1)
        clock = {**clock, "clock": "result", "due": _due(event.result_due), "breached": False}
    elif isinstance(event, Complaint.Declined):
        _count_complaint(rows, body, event.on, declined=1)
    elif isinstance(event, Complaint.Resolved):
        _count_complaint(rows, body, event.on, resolved=1, upheld=int(event.outcome in UPHELD))
        rows.append("complaint_results", {
            "complaint_id": complaint_id, "version": event.originator_version, "month": event.on.isoformat()[:7],
            "body": body, "counts_from": clock["counts_from"], "resolved_on": event.on,
        })  # fmt: skip
    if isinstance(event, (Complaint.Escalated, Complaint.Reopened)):
        if isinstance(event, Complaint.Escalated):
            _count_complaint(rows, body, event.on, escalated=1)
        clock = {**clock, "clock": "acceptance", "due": _due(event.acceptance_due), "breached": False}
    rows.put("complaint_clocks", clock)


def _missed(rows: UnitOfWork, clock: dict[str, Any], on: date) -> dict[str, Any]:
    """The clock after a step dated `on`: a running clock past its due date counts as breached, once, in the month
    of that due date."""
    if clock["clock"] is None or clock["breached"] or on <= clock["due"]:
        return clock
    _count_complaint(rows, clock["body"], clock["due"], breached=1)
    return {**clock, "breached": True}


def _count_complaint(rows: UnitOfWork, body: str, day: date, **increments: int) -> None:
    key = (day.isoformat()[:7], body)
    rows.increment("complaints", key, lambda: {"month": key[0], "body": body, **dict.fromkeys(COMPLAINT_COUNTERS, 0)}, **increments)


def _due(recorded: dict[str, Any]) -> date:
    due = recorded["due"]
    return due if isinstance(due, date) else date.fromisoformat(due)


def _join(subjects: list[str]) -> str:
    return ",".join(subjects)


def _split(subjects: str) -> list[str]:
    return subjects.split(",") if subjects else []
