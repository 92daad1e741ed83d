"""Case replay for compliance officers (DOMAIN §9): a case's timeline, its state as of any version or moment, and
what changed between two moments; and a complaint's timeline (DOMAIN §10), its complainant's contact masked.

Two times (bitemporal): a **recording time** (when the log took the facts: the events' timestamps) and a
**business date** (when the facts happened in the world: the dates the events carry, `business_date_of`). A case
"as of" a business date is the case after the facts that had happened by the end of that day: the longest run of
its events whose business dates, carried forward as a running maximum, are on or before it. A fact recorded late
with an earlier date (a sanction decided on a day before the certificate's reissue, say) counts from the day the
case's own facts had reached, so the answer is always one of the versions the case really passed through, and the
state as of a later date never shows less than an earlier one. `Moment` is one of a version, a recording time or a
business date, as the CLI and the API take it.

Reads only the case's own events: `get_case(version=…)` replays them, and a recording time becomes a version through
the (aggregate, timestamp, version) table written with the events (`event_store`), never by scanning the log.
Everything returned is JSON-safe; ID-number-shaped text is masked (the case's own certificate numbers are kept).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from functools import partial
from typing import Any, Protocol
from uuid import UUID

from cases.aggregates import subject_standing as standing
from cases.aggregates.evaluation_case import EvaluationCase
from cases.business_dates import business_date
from cases.errors import InvalidInput, NotFound
from cases.identity import mask_id_number
from cases.provisional import deadline_text, flag_of, flagged, marked
from cases.limits import FIRST_DAY, LAST_DAY, MAX_POSITION, date_out_of_range

METADATA = {"originator_id", "originator_version", "originator_topic", "timestamp", "actor"}
HEADER_FIELDS = ("version", "as_of")  # always differ between two moments; a diff shows them as its header


class EventSource(Protocol):
    """What replay reads of the application: a case's events, a case at a version, and the version recorded by a
    moment (`CasesApplication` is one; replay never imports it)."""

    events: Any  # .get(aggregate_id, gt=…, lte=…): the aggregate's stored events
    complaints: Any  # .get(complaint_id): a complaint, for its timeline

    def get_case(self, case_id: UUID, version: int | None = None) -> EvaluationCase: ...

    def version_at(self, aggregate_id: UUID, timestamp: datetime) -> int | None: ...


class CaseNotYetOpen(NotFound):
    code = "case_not_yet_open"  # the moment asked about comes before the case's application was recorded


class NoSuchVersion(NotFound):
    code = "no_such_version"  # the version asked about is beyond the case's current version


class _Record:
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]


@dataclass(frozen=True)
class TimelineEntry(_Record):
    version: int
    recorded_at: str
    event: str
    actor: str | None
    business_date: str | None
    clause: str | None
    values: dict[str, Any]
    summary: str


@dataclass(frozen=True)
class CaseState(_Record):
    """What a compliance officer needs of a case at one version; `as_of` is when that version was recorded."""

    case_id: str
    version: int
    as_of: str
    stage: str
    decision: dict[str, Any] | None
    fee_due: dict[str, Any] | None
    payments: list[dict[str, Any]]
    fees_paid: int
    plan: dict[str, Any] | None
    scheduled: dict[str, Any] | None
    sittings: list[dict[str, Any]]
    attempts: list[dict[str, Any]]
    standing: dict[str, str]
    window: dict[str, Any] | None
    results_due: dict[str, Any] | None
    qualified_on: str | None
    certificate: dict[str, Any] | None
    sanctions: list[dict[str, Any]]
    deferrals: list[dict[str, Any]]
    ended_on: str | None
    waived_for: str | None


@dataclass(frozen=True)
class Change(_Record):
    field: str  # a CaseState field, dotted into dicts: "certificate.status", "standing.skills"
    old: Any
    new: Any
    old_provisional: bool | None = None  # for a date flagged beside it (`cases.provisional`): whether each may move
    new_provisional: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        shown = asdict(self)
        return shown if self.old_provisional is not None or self.new_provisional is not None else {k: shown[k] for k in ("field", "old", "new")}


@dataclass(frozen=True)
class CaseDiff(_Record):
    case_id: str
    from_version: int
    from_as_of: str
    to_version: int
    to_as_of: str
    changes: list[Change]
    events: list[TimelineEntry]  # the events after the first moment, up to and including the second
    from_business_date: str | None = None  # the day the first moment's facts had reached (its latest business date)
    to_business_date: str | None = None


@dataclass(frozen=True)
class Moment:
    """Which of a case's states is asked for: exactly one of a `version`, a recording time `at` (time-zone aware) or
    a business date `on`. `parse` reads the form the CLI and the API take: digits are a version, `YYYY-MM-DD` a
    business date, anything else an ISO timestamp with its time zone (a '+' sent unencoded arrives as a space)."""

    version: int | None = None
    at: datetime | None = None
    on: date | None = None

    @classmethod
    def parse(cls, given: str, field: str) -> Moment:
        text = given.strip()
        if text.isdigit():
            if len(text) > 19 or int(text) > MAX_POSITION:
                raise InvalidInput(f"a version is at most {MAX_POSITION}", field=field)
            return cls(version=int(text))
        if len(text) == 10 and text[4:5] == "-" and text[7:8] == "-":
            try:
                day = date.fromisoformat(text)
            except ValueError:
                raise InvalidInput(f"{MOMENT_HELP} is expected, not {given!r}", field=field) from None
            if date_out_of_range(day):
                raise InvalidInput(f"a business date lies between {FIRST_DAY} and {LAST_DAY}, not {day}", field=field)
            return cls(on=day)
        try:
            return cls(at=datetime.fromisoformat(text.replace(" ", "+")))
        except ValueError:
            raise InvalidInput(f"{MOMENT_HELP} is expected, not {given!r}", field=field) from None


MOMENT_HELP = "a version number, a business date (2026-05-01: the facts that had happened by that day), or an ISO timestamp with its time zone (2026-05-08T09:00:00+08:00: the facts recorded by then)"


# --- timeline ---------------------------------------------------------------------------------------------


def timeline(app: EventSource, case_id: UUID) -> list[TimelineEntry]:
    """Every event of the case, oldest first: when, who, what, the clause relied on and the values decided."""
    app.get_case(case_id)  # an unknown id, or another aggregate's, is NotFound
    return _entries(list(app.events.get(case_id)))


def _entries(events: list[Any]) -> list[TimelineEntry]:
    keep = {n for e in events if type(e).__name__.startswith("Cert") for n in (getattr(e, "number", None), getattr(e, "replaces", None)) if n}
    return [_entry(event, keep) for event in events]


def _entry(event: Any, keep: set[str]) -> TimelineEntry:
    name = type(event).__name__
    attrs = {key: value for key, value in vars(event).items() if key not in METADATA}
    day, on = business_day(attrs)
    clause = _clause(name, attrs)
    values = {k: _plain(v, keep) for k, v in attrs.items() if k != day and not (k == "clause" and isinstance(v, str))}
    actor = getattr(event, "actor", None)
    return TimelineEntry(
        version=event.originator_version, recorded_at=event.timestamp.isoformat(), event=name,
        actor=_masked(actor, keep) if actor else None, business_date=on,
        clause=_masked(clause, keep) if clause else None, values=values, summary=_masked(_summary(name, attrs), keep),
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


# --- state as of a version or a moment ---------------------------------------------------------------------


def state_as_of(
    app: EventSource, case_id: UUID, *, version: int | None = None, at: datetime | None = None, on: date | None = None
) -> CaseState:
    """The case as it stood at a version, at a time-zone-aware recording moment (the version recorded last by then),
    or as of a business date (the facts that had happened by the end of that day; a ban's stage gives way the day
    after the ban's last day, though no event marks that day: `EvaluationCase.stage_on`)."""
    case = _case_at(app, case_id, Moment(version, at, on), field=_field_of(version, at, on))
    state = summarise(case)
    return state if on is None else replace(state, stage=case.stage_on(on))


def business_date_at(app: EventSource, case_id: UUID, version: int) -> str | None:
    """The day the case's facts had reached at `version`: the latest business date among its events up to it."""
    return latest_business_date(list(app.events.get(case_id, lte=version)))


def latest_business_date(events: list[Any]) -> str | None:
    days = [day for day in map(business_date_of, events) if day is not None]
    return max(days).isoformat() if days else None


def business_date_of(event: Any) -> date | None:
    """The day an event's fact happened in the world (`cases.business_dates`), None for one that carries none."""
    found = business_date(vars(event))
    return found[1] if found else None


def business_day(attrs: dict[str, Any]) -> tuple[str | None, str | None]:
    """The attribute holding the event's business date, and that day in ISO form (a moment counts by its day)."""
    found = business_date(attrs)
    return (found[0], found[1].isoformat()) if found else (None, None)


def _field_of(version: int | None, at: datetime | None, on: date | None) -> str:
    return "on" if on is not None and at is None and version is None else "at" if at is not None and version is None else "version"


def summarise(case: EvaluationCase) -> CaseState:
    """The JSON-safe state of a loaded case (what `state_as_of` returns for the version it is at)."""
    plain = partial(_plain, keep=_certificate_numbers(case.certificate))
    window = {"opened_on": case.window_opened_on, "last_day": case.window_last_day} if case.window_opened_on else None
    fee_due = case.fee_due and {
        "kind": case.fee_due.get("kind"), "total": case.fee_due.get("total"), "clause": case.fee_due.get("clause"),
        "opens_on": case.pay_from, **flagged("due_on", case.pay_by, case.pay_by_provisional),
    }  # fmt: skip
    return CaseState(
        case_id=str(case.id), version=case.version, as_of=case.modified_on.isoformat(), stage=case.stage,
        decision=plain(_decision(case.decision)), fee_due=plain(fee_due), payments=plain(case.payments),
        fees_paid=sum(p["amount"] for p in case.payments), plan=plain(case.plan), scheduled=plain(case.scheduled),
        sittings=plain(case.sittings), attempts=plain(case.attempts), standing=plain(standing.standing(case.subjects, case.attempts)),
        window=plain(window), results_due=plain(case.results_due), qualified_on=plain(case.qualified_on),
        certificate=plain(case.certificate), sanctions=plain(case.sanctions), deferrals=plain(case.deferrals),
        ended_on=plain(case.ended_on), waived_for=plain(getattr(case, "waived_for", None)),
    )  # fmt: skip


def _decision(decision: dict[str, Any] | None) -> dict[str, Any] | None:
    if decision is None:
        return None
    if decision["approved"]:
        chosen = decision["clause"]
        return {"approved": True, "clause": chosen.get("clause"), "citation": chosen.get("citation"), "decided_on": decision["decided_on"]}
    return {"approved": False, "reasons": [r.get("reason") for r in decision["reasons"]], "decided_on": decision["decided_on"]}


def _case_at(app: EventSource, case_id: UUID, moment: Moment, *, field: str) -> EvaluationCase:
    if sum(asked is not None for asked in (moment.version, moment.at, moment.on)) != 1:
        raise InvalidInput(
            "give exactly one of a version, a moment (a time-zone-aware timestamp) or a business date", field=field
        )  # fmt: skip
    current = app.get_case(case_id)
    version = moment.version
    if moment.at is not None:
        version = _version_at(app, current, moment.at, field)
    elif moment.on is not None:
        version = _version_on(app, current, moment.on, field)
    assert version is not None
    if version < 1:
        raise InvalidInput(f"versions start at 1, not {version}", field=field)
    if version > current.version:
        raise NoSuchVersion(
            f"case {case_id} is at version {current.version}; version {version} has not happened", field=field,
            current_version=current.version,
        )  # fmt: skip
    return current if version == current.version else app.get_case(case_id, version=version)


def _version_on(app: EventSource, case: EvaluationCase, on: date, field: str) -> int:
    """The last version whose facts had all happened by `on` (business dates carried forward as a running maximum)."""
    reached, found = None, None
    for event in app.events.get(case.id):
        day = business_date_of(event)
        reached = day if day is not None and (reached is None or day > reached) else reached
        if reached is None or reached > on:
            break
        found = event.originator_version
    if found is None:
        raise CaseNotYetOpen(
            f"case {case.id} had not been applied for by {on}; it was applied for on {case.applied_on}", field=field,
            applied_on=case.applied_on.isoformat(),
        )  # fmt: skip
    return found


def _version_at(app: EventSource, case: EvaluationCase, at: datetime, field: str) -> int:
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidInput("a moment must carry its time zone, e.g. 2026-05-08T09:00:00+08:00", field=field)
    found = app.version_at(case.id, at)
    if found is None:
        raise CaseNotYetOpen(
            f"case {case.id} did not exist at {at.isoformat()}; its application was recorded at {case.created_on.isoformat()}",
            field=field, opened_at=case.created_on.isoformat(),
        )  # fmt: skip
    return found


# --- what changed between two moments ----------------------------------------------------------------------


def diff(
    app: EventSource, case_id: UUID, *, from_version: int | None = None, from_at: datetime | None = None,
    to_version: int | None = None, to_at: datetime | None = None, from_on: date | None = None, to_on: date | None = None,
) -> CaseDiff:  # fmt: skip
    """The state fields that changed from the first moment to the second (old → new), and the events between.
    Each moment is a version, a recording time or a business date (`Moment`)."""
    before = _case_at(app, case_id, Moment(from_version, from_at, from_on), field="from")
    after = _case_at(app, case_id, Moment(to_version, to_at, to_on), field="to")
    if before.version > after.version:
        raise InvalidInput(f"the first moment (version {before.version}) comes after the second (version {after.version})", field="to")
    old, new = summarise(before), summarise(after)
    events = list(app.events.get(case_id, lte=after.version))
    reached = [latest_business_date(events[: before.version]), latest_business_date(events)]
    return CaseDiff(
        case_id=str(case_id), from_version=old.version, from_as_of=old.as_of, to_version=new.version, to_as_of=new.as_of,
        changes=_changes(old.to_dict(), new.to_dict()), events=_entries(events[before.version:]),
        from_business_date=reached[0], to_business_date=reached[1],
    )  # fmt: skip


def _changes(old: dict[str, Any], new: dict[str, Any], prefix: str = "") -> list[Change]:
    found: list[Change] = []
    for key in dict.fromkeys([*old, *new]):
        before, after = old.get(key), new.get(key)
        if (not prefix and key in HEADER_FIELDS) or before == after:
            continue
        if isinstance(before, dict) and isinstance(after, dict):
            found += _changes(before, after, f"{prefix}{key}.")
        elif flag_of(key) in old or flag_of(key) in new:  # a date and its flag travel together
            found.append(Change(f"{prefix}{key}", before, after, old.get(flag_of(key)), new.get(flag_of(key))))
        else:
            found.append(Change(f"{prefix}{key}", before, after))
    return found


# --- JSON-safe, masked values ------------------------------------------------------------------------------


def _certificate_numbers(certificate: dict[str, Any] | None) -> set[str]:
    if not certificate:
        return set()
    return {certificate["number"], *(p["number"] for p in certificate.get("previous", []))} - {None}


def _plain(value: Any, keep: set[str]) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {_masked(str(k), keep): _plain(v, keep) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v, keep) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return _masked(str(value), keep)


def _masked(text: str, keep: set[str]) -> str:
    """Mask ID-number-shaped runs, except the case's own certificate numbers (issued here, not personal data;
    a 13-character filing number makes them contain an 18-digit run)."""
    if not keep:
        return mask_id_number(text)
    parts = re.split("(" + "|".join(re.escape(n) for n in sorted(keep, key=len, reverse=True)) + ")", text)
    return "".join(part if part in keep else mask_id_number(part) for part in parts)
