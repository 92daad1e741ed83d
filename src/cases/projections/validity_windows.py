"""Validity windows (成绩有效期, DOMAIN §5): per case whose first sitting opened a window — the candidate, the
project, the day it opened and its last valid day, the subjects passed and still outstanding, and its state.

Stored states: open; qualified (every subject passed, the certificate not yet issued: nothing is left to keep, so
it neither closes soon nor expires); closed_by_certificate; waived (RetakeWaived: re-applied inside the window, seed 000 四(二));
cancelled (a materials sanction disqualified the case, or it was withdrawn); retake_barred (a competition
candidate failed, seed 000 四(四): nothing is left to retake). "expired" is never stored: it is judged against the
day asked about (an open window whose last day is before it), so it is right on any day without a new event.

Consumes: every EvaluationCase event (the case just after each one, by the domain's own mutate; rows appear at
ValidityWindowOpened). Owns: windows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from sqlalchemy import Column, Date, Index, Integer, MetaData, String, Table, select

from cases.aggregates import subject_standing as standing
from cases.aggregates.evaluation_case import EvaluationCase
from cases.projections.base import Projection, UnitOfWork, id_text
from cases.projections.case_index import CASE_EVENTS, business_date

if TYPE_CHECKING:
    from cases.projections.service import ReadModels

ENDED_STATES = {"waived": "waived", "withdrawn": "cancelled", "disqualified": "cancelled", "no_retake": "retake_barred"}


def stored_state(case: EvaluationCase) -> str:
    """The window's state as the case stands. A certificate closes it; a revoked certificate does not reopen it,
    but a post-hoc sanction that cancels results puts the case back to retake_available, and the window reopens."""
    if case.stage in ENDED_STATES:
        return ENDED_STATES[case.stage]
    if case.stage in ("certified", "certificate_revoked"):
        return "closed_by_certificate"
    if case.stage == "qualified":
        return "qualified"
    return "open"


class ValidityWindows(Projection):
    name = "validity_windows"
    follows_aggregates = True
    consumes = CASE_EVENTS
    version = 2  # 2: a qualified case awaiting its certificate is `qualified`, no longer `open`

    def define_tables(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        windows = Table(
            f"{prefix}windows", metadata,
            Column("case_id", String(36), primary_key=True), Column("candidate_id", String(36), nullable=False),
            Column("holder_id_masked", String(24), nullable=False), Column("body", String(16), nullable=False),
            Column("occupation", String(60), nullable=False), Column("work_type", String(60)),
            Column("level", Integer, nullable=False), Column("opened_on", Date, nullable=False),
            Column("last_day", Date, nullable=False), Column("passed", String(120), nullable=False),
            Column("outstanding", String(120), nullable=False), Column("state", String(24), nullable=False),
            Column("state_on", Date, nullable=False),
        )  # fmt: skip
        Index(f"{prefix}windows_state_last_day", windows.c.state, windows.c.last_day)
        Index(f"{prefix}windows_candidate", windows.c.candidate_id)
        return {"windows": windows}

    def handle(self, event: Any, rows: UnitOfWork) -> None:
        case = rows.aggregate_after(event)
        if case.window_opened_on is None:
            return
        key = (id_text(case.id),)
        seen = rows.scratch.setdefault(self.name, {})  # per batch: (state, the day it was reached)
        if key not in seen:
            before = rows.get("windows", *key)
            seen[key] = (before["state"], before["state_on"]) if before else (None, None)
        state = stored_state(case)
        previous, since = seen[key]
        state_on = since if previous == state else business_date(event)
        seen[key] = (state, state_on)
        rows.put_later("windows", key, lambda: window_row(case, state, state_on))


def window_row(case: EvaluationCase, state: str, state_on: date) -> dict[str, Any]:
    """The row restates the case's window as it stands at the end of the batch."""
    return {
        "case_id": id_text(case.id), "candidate_id": id_text(case.candidate_id), "holder_id_masked": case.holder_id_masked,
        "body": case.body, "occupation": case.occupation, "work_type": case.work_type, "level": case.level,
        "opened_on": case.window_opened_on, "last_day": case.window_last_day,
        "passed": ", ".join(standing.passed(case.subjects, case.attempts)),
        "outstanding": ", ".join(case.outstanding_subjects()), "state": state, "state_on": state_on,
    }  # fmt: skip


# --- queries: `state` is as of the day asked about ---------------------------------------------------------


def state_as_of(row: dict[str, Any], on: date) -> str:
    return "expired" if row["state"] == "open" and on > row["last_day"] else row["state"]


def _as_of(rows: list[dict[str, Any]], on: date) -> list[dict[str, Any]]:
    return [{**row, "state": state_as_of(row, on), "as_of": on} for row in rows]


def _windows(projections: ReadModels, where: Callable[[Table], list[Any]]) -> list[dict[str, Any]]:
    t = projections.live_tables(ValidityWindows.name)["windows"]
    with projections.store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(t).where(*where(t)).order_by(t.c.last_day, t.c.case_id)).mappings()]


def window_of(projections: ReadModels, case_id: UUID | str, on: date) -> dict[str, Any] | None:
    """The case's window as of `on`; None when no sitting has opened one."""
    found = _as_of(_windows(projections, lambda t: [t.c.case_id == str(case_id)]), on)
    return found[0] if found else None


def closing_within(projections: ReadModels, on: date, days: int) -> list[dict[str, Any]]:
    """Open windows whose last valid day falls within `days` days from `on` (inclusive): retake reminders."""
    last = on + timedelta(days=days)
    return _as_of(_windows(projections, lambda t: [t.c.state == "open", t.c.last_day.between(on, last)]), on)


def expired_between(projections: ReadModels, start: date, end: date) -> list[dict[str, Any]]:
    """Windows still open whose first day past the last valid one falls in [start, end]; state as of `end`."""
    span = (start - timedelta(days=1), end - timedelta(days=1))
    return _as_of(_windows(projections, lambda t: [t.c.state == "open", t.c.last_day.between(*span)]), end)
