"""A case's timeline for compliance officers (DOMAIN §9): every event of the case, oldest first, with when it was
recorded, its business date, who, what, the clause relied on and the values decided, and one line of English built
from the event's own values. Everything returned is JSON-safe; ID-number-shaped text is masked (the case's own
certificate numbers are kept)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from cases.business_dates import business_date
from cases.provisional import deadline_text, marked
from cases.service.json_safe import Record, masked, plain
from cases.service.replay import EventSource, Loaded, history_of

METADATA = {"originator_id", "originator_version", "originator_topic", "timestamp", "actor"}


@dataclass(frozen=True)
class TimelineEntry(Record):
    version: int
    recorded_at: str
    event: str
    actor: str | None
    business_date: str | None
    clause: str | None
    values: dict[str, Any]
    summary: str


def timeline(app: EventSource, case_id: UUID, *, loaded: Loaded = None) -> list[TimelineEntry]:
    """Every event of the case, oldest first: when, who, what, the clause relied on and the values decided.
    `loaded`: the case the caller already read (`replay.CaseHistory`), so it is not read again."""
    history = history_of(app, case_id, loaded)
    history.current  # an unknown id, or another aggregate's, is NotFound (already known when the caller loaded it)
    return entries(history.events)


def entries(events: list[Any]) -> list[TimelineEntry]:
    keep = {n for e in events if type(e).__name__.startswith("Cert") for n in (getattr(e, "number", None), getattr(e, "replaces", None)) if n}
    return [_entry(event, keep) for event in events]


def _entry(event: Any, keep: set[str]) -> TimelineEntry:
    name = type(event).__name__
    attrs = {key: value for key, value in vars(event).items() if key not in METADATA}
    day, on = business_day(attrs)
    clause = _clause(name, attrs)
    values = {k: plain(v, keep) for k, v in attrs.items() if k != day and not (k == "clause" and isinstance(v, str))}
    actor = getattr(event, "actor", None)
    return TimelineEntry(
        version=event.originator_version, recorded_at=event.timestamp.isoformat(), event=name,
        actor=masked(actor, keep) if actor else None, business_date=on,
        clause=masked(clause, keep) if clause else None, values=values, summary=masked(_summary(name, attrs), keep),
    )  # fmt: skip


def _clause(name: str, attrs: dict[str, Any]) -> str | None:
    clause = attrs.get("clause")
    if isinstance(clause, dict):  # Approved: the eligibility clause chosen, and where the notice states it
        return f"{clause.get('clause')} ({clause.get('citation')})"
    if clause:
        return str(clause)
    if name == "Rejected":
        failed = [str(r["clause"]) for r in attrs.get("reasons", []) if r.get("clause")]
        return f"none met: {', '.join(failed)}" if failed else None
    fee = attrs.get("fee")
    return fee.get("clause") if isinstance(fee, dict) else None  # RetakeRequested: the clause pricing the retake


def _summary(name: str, a: dict[str, Any]) -> str:
    """One line of English for the event (built from its own values, never from today's rule book); a date that
    may move is marked (`cases.provisional`)."""
    fee, payment, ban = a.get("fee") or {}, a.get("payment") or {}, a.get("ban") or {}
    due_by, collect = deadline_text(payment, "due_on"), a.get("collectable_from")
    listed, work = ", ".join(a.get("subjects") or []), f" ({a['work_type']})" if a.get("work_type") else ""
    severity, barred = f" ({a['severity']})" if a.get("severity") else "", f"; barred {ban.get('starts_on')} to {ban.get('ends_on')}" if ban else ""
    lines = {
        "Applied": lambda: f"applied for {a['occupation']}{work} level {a['level']} at {a['body']} ({a['channel']})",
        "Approved": lambda: f"approved under {a['clause'].get('clause')}; {fee.get('total')} yuan {fee.get('kind')} fee due by {due_by}",
        "Rejected": lambda: "rejected: " + "; ".join(str(r.get("reason")) for r in a["reasons"][:2]) + (" …" if len(a["reasons"]) > 2 else ""),
        "FeePaid": lambda: f"{a['amount']} yuan {a['kind']} fee paid",
        "Lapsed": lambda: f"fee due by {marked(a['due_on'], a.get('due_on_provisional'))} unpaid: the {'retake request' if a['retake'] else 'case'} lapsed",
        "Withdrawn": lambda: f"withdrawn ({a['reason']}); {a['fees_paid']} yuan paid, {a['refunded']} refunded",
        "Scheduled": lambda: f"seat at sitting {a['sitting_id']} ({a['venue']}) on {', '.join(str(d) for d in a['dates'])}",
        "EvaluationDeferred": lambda: f"moved from {a['from_month']} to {a['to_month']}: {a['reason']}",
        "Sat": lambda: f"sat {listed}",
        "Absent": lambda: f"absent from {listed}; {a['refunded']} yuan refunded",
        "ValidityWindowOpened": lambda: f"validity window of {a['years']} years opened; last day {a['last_day']}",
        "SubjectPassed": lambda: f"{a['subject']} passed: {a['score']} (pass mark {a['pass_mark']}), sat {a['sat_on']}",
        "SubjectFailed": lambda: f"{a['subject']} failed: {a['score']} (pass mark {a['pass_mark']}), sat {a['sat_on']}",
        "Qualified": lambda: "qualified: every subject passed (" + ", ".join(f"{s} {v}" for s, v in a["scores"].items()) + ")",
        "RetakeBarred": lambda: "failed through a skills competition: no retake",
        "RetakeRequested": lambda: f"retake of {listed} requested; {fee.get('total', 0)} yuan due by {due_by}",
        "RetakeWaived": lambda: f"retake waived by re-applying (case {a['new_case_id']}); passed subjects dropped: {', '.join(a['discarded_subjects']) or 'none'}",
        "Sanctioned": lambda: f"{a['tier']}{severity} sanction for {a['behaviour_clause']}: {len(a['cancelled'])} result(s) cancelled{barred}",
        "CertIssued": lambda: f"certificate {a['number']} issued ({a['form']}, {a['delivery']})" + (f"; collectable from {deadline_text(collect)}" if collect else ""),
        "CertRevoked": lambda: f"certificate {a['number']} revoked: {a['reason']}",
        "CertReissued": lambda: f"certificate {a['number']} replaces {a['replaces']} ({a['reason']})",
    }  # fmt: skip
    line = lines[name]() if name in lines else name
    source = a.get("source") if name == "Sanctioned" else None
    return f"{line}; on complaint {source['complaint_id']}" if isinstance(source, dict) and source.get("complaint_id") else line



def business_day(attrs: dict[str, Any]) -> tuple[str | None, str | None]:
    """The attribute holding the event's business date, and that day in ISO form (a moment counts by its day)."""
    found = business_date(attrs)
    return (found[0], found[1].isoformat()) if found else (None, None)
