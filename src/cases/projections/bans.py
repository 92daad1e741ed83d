"""Bans register (禁考登记, 参评人员须知 三-四; DOMAIN §6): every ban a sanction imposed — the candidate (id,
masked ID number, name), tier and severity, from and until (inclusive), referral to the authorities, the source
case, the clause, the day decided and whether it was decided after the certificate (post hoc).

A sitting-tier ban runs to 31 December of the year decided; a grave one 2 years (minor) or 5 years (serious,
referred). The dates are the ones the Sanctioned event recorded: the register never recomputes them.

Consumes: EvaluationCase.Applied (the holder), EvaluationCase.Sanctioned (those carrying a `ban`).
Owns: bans, holders.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from sqlalchemy import Boolean, Column, Date, Index, Integer, MetaData, String, Table, select

from cases.aggregates.evaluation_case import EvaluationCase
from cases.projections.engine.base import Projection, UnitOfWork, id_text

if TYPE_CHECKING:
    from cases.projections.engine.base import ReadModels


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


class BansRegister(Projection):
    name = "bans"
    consumes = (EvaluationCase.Applied, EvaluationCase.Sanctioned)

    def define_tables(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        bans = Table(
            f"{prefix}bans", metadata,
            Column("case_id", String(36), primary_key=True), Column("case_version", Integer, primary_key=True),
            Column("candidate_id", String(36), nullable=False), Column("holder_id_masked", String(24), nullable=False),
            Column("holder_name", String(100), nullable=False), Column("tier", String(12), nullable=False),
            Column("severity", String(12)), Column("starts_on", Date, nullable=False), Column("ends_on", Date, nullable=False),
            Column("referral", Boolean, nullable=False), Column("clause", String(200), nullable=False),
            Column("behaviour_clause", String(40), nullable=False), Column("post_hoc", Boolean, nullable=False),
            Column("decided_on", Date, nullable=False),
        )  # fmt: skip
        Index(f"{prefix}bans_period", bans.c.starts_on, bans.c.ends_on)
        Index(f"{prefix}bans_candidate", bans.c.candidate_id)
        holders = Table(
            f"{prefix}holders", metadata,
            Column("case_id", String(36), primary_key=True), Column("candidate_id", String(36), nullable=False),
            Column("holder_id_masked", String(24), nullable=False), Column("holder_name", String(100), nullable=False),
        )  # fmt: skip
        return {"bans": bans, "holders": holders}

    def handle(self, event: Any, rows: UnitOfWork) -> None:
        case_id = id_text(event.originator_id)
        if isinstance(event, EvaluationCase.Applied):
            rows.put("holders", {
                "case_id": case_id, "candidate_id": str(event.candidate_id), "holder_id_masked": event.holder_id_masked,
                "holder_name": event.holder_name,
            })  # fmt: skip
        elif isinstance(event, EvaluationCase.Sanctioned) and event.ban:
            holder = rows.get("holders", case_id)
            rows.put("bans", {
                **holder, "case_version": event.originator_version, "tier": event.tier, "severity": event.severity,
                "starts_on": _day(event.ban["starts_on"]), "ends_on": _day(event.ban["ends_on"]),
                "referral": bool(event.ban["referral"]), "clause": event.ban["clause"], "behaviour_clause": event.behaviour_clause,
                "post_hoc": event.post_hoc, "decided_on": event.decided_on,
            })  # fmt: skip


# --- queries ------------------------------------------------------------------------------------------------


def _bans(projections: ReadModels, where: Callable[[Table], Any]) -> list[dict[str, Any]]:
    t = projections.live_tables(BansRegister.name)["bans"]
    query = select(t).where(where(t)).order_by(t.c.decided_on, t.c.case_id, t.c.case_version)
    with projections.store.engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def active_bans(projections: ReadModels, on: date) -> list[dict[str, Any]]:
    """Bans in force on `on` (from and until both inclusive)."""
    return _bans(projections, lambda t: (t.c.starts_on <= on) & (t.c.ends_on >= on))


def bans_of_candidate(projections: ReadModels, candidate_id: UUID | str) -> list[dict[str, Any]]:
    """Every ban ever imposed on the candidate, oldest decision first."""
    return _bans(projections, lambda t: t.c.candidate_id == str(candidate_id))
