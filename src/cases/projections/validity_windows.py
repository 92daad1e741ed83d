"""Validity windows (成绩有效期, DOMAIN §5): per case whose first sitting opened a window — the candidate, the
project, the day it opened and its last valid day, the subjects passed and still outstanding, and its state.

Stored states: open; barred (a sanction's ban is in force and ends before the window's last day, 须知 三/四: the
window opens again the day after the ban, `barred_until`); qualified (every subject passed, the certificate not yet
issued: nothing is left to keep, so it neither closes soon nor expires); closed_by_certificate; waived (RetakeWaived:
re-applied inside the window, seed 000 四(二): its passes no longer count, so it lists none); cancelled (a materials
sanction disqualified the case, or it was withdrawn); retake_barred (a competition candidate failed, seed 000 四(四):
nothing is left to retake); closed_by_ban (a sanction's ban lasts to or past the window's last day: no retake can be
sat in it, rules/sanctions.py Decision). "expired" is never stored, nor is the end of a ban: both are judged against
the day asked about (`state_as_of`: an open window whose last day is before it is expired; a barred one whose ban
has ended by then is open, or expired), so the state is right on any day without a new event.

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
from cases.aggregates.case_stages import AFTER_BAN
from cases.aggregates.evaluation_case import EvaluationCase
from cases.projections.engine.base import Projection, UnitOfWork, id_text
from cases.projections.case_index import CASE_EVENTS, business_date

if TYPE_CHECKING:
    from cases.projections.engine.base import ReadModels

ENDED_STATES = {"waived": "waived", "withdrawn": "cancelled", "disqualified": "cancelled", "no_retake": "retake_barred"}
USABLE = ("open", "barred")  # the stored states `state_as_of` judges on the day asked (open, barred or expired)


def stored_state(case: EvaluationCase) -> str:
    """The window's state as the case stands. A certificate closes it; a revoked certificate does not reopen it,
    but a post-hoc sanction that cancels results puts the case back to a retake, and the window reopens — barred
    while the sanction's ban is in force, closed when the ban outlasts it."""
    after_ban = AFTER_BAN.get(case.stage, case.stage)  # the case's stage once any ban in force has ended
    if after_ban == "no_retake" and case.channel != "competition":
        return "closed_by_ban"  # only a ban leaves a candidate outside a competition without a retake
    if case.stage == "barred_no_retake":
        return "retake_barred"  # a competition candidate: 四(四) whatever the ban
    if case.stage == "barred":
        return "barred"
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
    # 2: a qualified case awaiting its certificate is `qualified`, no longer `open`; 3: barred and closed_by_ban (a
    # sanction's ban), `barred_until`, and a waived window lists no passed subjects
    version = 3

    def define_tables(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        windows = Table(
            f"{prefix}windows", metadata,
            Column("case_id", String(36), primary_key=True), Column("candidate_id", String(36), nullable=False),
            Column("holder_id_masked", String(24), nullable=False), Column("body", String(16), nullable=False),
            Column("occupation", String(60), nullable=False), Column("work_type", String(60)),
            Column("level", Integer, nullable=False), Column("opened_on", Date, nullable=False),
            Column("last_day", Date, nullable=False), Column("passed", String(120), nullable=False),
            Column("outstanding", String(120), nullable=False), Column("state", String(24), nullable=False),
            Column("state_on", Date, nullable=False), Column("barred_until", Date),
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
        "barred_until": _barred_until(case) if state in USABLE else None,
    }  # fmt: skip


def _barred_until(case: EvaluationCase) -> date | None:
    """The last day of the ban that bars the window (a retake after it remains), as the latest sanction decided."""
    retake = case.retake_after_sanction
    return retake["barred_until"] if retake and retake["possible"] else None


# --- queries: `state` is as of the day asked about ---------------------------------------------------------


def state_as_of(row: dict[str, Any], on: date) -> str:
    """The state on `on`: a window barred by a ban is open the day after the ban's last day; an open window is
    expired the day after its last day. These are the window's states, not the case's stages (`case_stages.AFTER_BAN`
    is for those): only the stage `barred` stores a barred window, so what follows it is open, or expired."""
    if row["state"] not in USABLE:
        return row["state"]
    if row["barred_until"] is not None and on <= row["barred_until"]:
        return "barred"
    return "expired" if on > row["last_day"] else "open"


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
    """Windows open or barred on `on` whose last valid day falls within `days` days from `on` (inclusive): retake
    reminders (a barred one opens before its last day: a ban outlasting the window closes it instead)."""
    last = on + timedelta(days=days)
    return _as_of(_windows(projections, lambda t: [t.c.state.in_(USABLE), t.c.last_day.between(on, last)]), on)


def expired_between(projections: ReadModels, start: date, end: date) -> list[dict[str, Any]]:
    """Windows still open (or barred by a ban that ends before their last day) whose first day past the last valid
    one falls in [start, end]; state as of `end`."""
    span = (start - timedelta(days=1), end - timedelta(days=1))
    return _as_of(_windows(projections, lambda t: [t.c.state.in_(USABLE), t.c.last_day.between(*span)]), end)
