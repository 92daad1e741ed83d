"""Case replay for compliance officers (DOMAIN §9): a case's state as of a version, a recording time or a business
date (`moment.Moment`). Its timeline is `case_timeline`, what changed between two moments `case_diff`, and a
complaint's timeline (DOMAIN §10) `complaint_timeline`.

Two times (bitemporal): a **recording time** (when the log took the facts: the events' timestamps) and a
**business date** (when the facts happened in the world: the dates the events carry, `business_date_of`). A case
"as of" a business date is the case after the facts that had happened by the end of that day: the longest run of
its events whose business dates, carried forward as a running maximum, are on or before it. A fact recorded late
with an earlier date (a sanction decided on a day before the certificate's reissue, say) counts from the day the
case's own facts had reached, so the answer is always one of the versions the case really passed through, and the
state as of a later date never shows less than an earlier one.

Reads only the case's own events, and each once per request (`CaseHistory`: the case the caller loaded to check its
scope, and one read of its events, from which a past version is replayed); a recording time becomes a version through
the (aggregate, timestamp, version) table written with the events (`event_store`), never by scanning the log.
Everything returned is JSON-safe; ID-number-shaped text is masked (the case's own certificate numbers are kept:
`json_safe`).
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import partial
from typing import Any, Protocol, cast
from uuid import UUID

from eventsourcing.application import project_aggregate

from cases.aggregates import subject_standing as standing
from cases.aggregates.evaluation_case import EvaluationCase
from cases.business_dates import business_date
from cases.errors import InvalidInput, NotFound
from cases.provisional import flagged
from cases.service import json_safe
from cases.service.json_safe import Record
from cases.service.moment import Moment


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


@dataclass(frozen=True)
class CaseState(Record):
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


# --- one case's stream, read once ---------------------------------------------------------------------------


class CaseHistory:
    """A case's stream for one request: the case as it stands and its events, each read at most once (the
    application keeps no aggregate cache: every load is a read and a replay). `loaded` is the case the caller has
    just read, to check the caller's scope, used instead of reading it again (as `UnitOfWork.case_for_command`)."""

    def __init__(self, app: EventSource, case_id: UUID, loaded: EvaluationCase | None = None) -> None:
        self.app, self.case_id = app, case_id
        self._current = loaded if loaded is not None and loaded.id == case_id else None
        self._events: list[Any] | None = None

    @property
    def current(self) -> EvaluationCase:
        """The case as it stands; an unknown id, or another aggregate's, is NotFound."""
        if self._current is None:
            self._current = self.app.get_case(self.case_id)
        return self._current

    @property
    def events(self) -> list[Any]:
        """Every event of the case, oldest first."""
        if self._events is None:
            self._events = list(self.app.events.get(self.case_id))
        return self._events

    def at(self, version: int) -> EvaluationCase:
        """The case at one of its versions: the current one, or its first events replayed (copies of them, so the
        events stay as read for a timeline or a diff beside it)."""
        if version == self.current.version:
            return self.current
        return cast(EvaluationCase, project_aggregate(None, deepcopy(self.events[:version])))


Loaded = EvaluationCase | CaseHistory | None  # what a caller already read: the case, or its history on the same page


def history_of(app: EventSource, case_id: UUID, loaded: Loaded) -> CaseHistory:
    if isinstance(loaded, CaseHistory) and loaded.case_id == case_id:
        return loaded
    return CaseHistory(app, case_id, loaded if isinstance(loaded, EvaluationCase) else None)


# --- state as of a version or a moment ---------------------------------------------------------------------


def state_as_of(
    app: EventSource, case_id: UUID, *, version: int | None = None, at: datetime | None = None, on: date | None = None,
    loaded: Loaded = None,
) -> CaseState:  # fmt: skip
    """The case as it stood at a version, at a time-zone-aware recording moment (the version recorded last by then),
    or as of a business date (the facts that had happened by the end of that day; a ban's stage gives way the day
    after the ban's last day, though no event marks that day: `EvaluationCase.stage_on`)."""
    case = case_at(history_of(app, case_id, loaded), Moment(version, at, on), field=_field_of(version, at, on))
    state = summarise(case)
    return state if on is None else replace(state, stage=case.stage_on(on))


def state_and_business_date(
    app: EventSource, case_id: UUID, *, version: int | None = None, at: datetime | None = None, on: date | None = None,
    loaded: Loaded = None,
) -> tuple[CaseState, str | None]:  # fmt: skip
    """`state_as_of` and the day its facts had reached (`business_date_at` its version), from one read of the
    case's events."""
    history = history_of(app, case_id, loaded)
    state = state_as_of(app, case_id, version=version, at=at, on=on, loaded=history)
    return state, latest_business_date(history.events[: state.version])


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


def _field_of(version: int | None, at: datetime | None, on: date | None) -> str:
    return "on" if on is not None and at is None and version is None else "at" if at is not None and version is None else "version"


def summarise(case: EvaluationCase) -> CaseState:
    """The JSON-safe state of a loaded case (what `state_as_of` returns for the version it is at)."""
    plain = partial(json_safe.plain, keep=json_safe.certificate_numbers(case.certificate))
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


def case_at(history: CaseHistory, moment: Moment, *, field: str) -> EvaluationCase:
    if sum(asked is not None for asked in (moment.version, moment.at, moment.on)) != 1:
        raise InvalidInput(
            "give exactly one of a version, a moment (a time-zone-aware timestamp) or a business date", field=field
        )  # fmt: skip
    current, case_id = history.current, history.case_id
    version = moment.version
    if moment.at is not None:
        version = _version_at(history.app, current, moment.at, field)
    elif moment.on is not None:
        version = _version_on(history.events, current, moment.on, field)
    assert version is not None
    if version < 1:
        raise InvalidInput(f"versions start at 1, not {version}", field=field)
    if version > current.version:
        raise NoSuchVersion(
            f"case {case_id} is at version {current.version}; version {version} has not happened", field=field,
            current_version=current.version,
        )  # fmt: skip
    return history.at(version)


def _version_on(events: list[Any], case: EvaluationCase, on: date, field: str) -> int:
    """The last version whose facts had all happened by `on` (business dates carried forward as a running maximum)."""
    reached, found = None, None
    for event in events:
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
