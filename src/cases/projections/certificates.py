"""Certificate register (证书): every certificate this product issued, its holder (name, masked ID), status
(valid; revoked with reason, date and kind; replaced by a reissue), the day an individual may collect it at the
counter (seeds 000/001 五, with `collectable_from_provisional`: `cases.provisional`) and its history. Public lookup
by number + name.

A revocation's kind is what the public may know of its reason: "tier.<tier>" when a sanction revoked it (the
CertRevoked citing the invalidation clause that follows the case's Sanctioned event, in the same command:
`aggregates.case_commands.sanctions`), "revoked_by_body" otherwise. It is taken from the events, never read back
out of the reason's words, which may be anyone's.

Consumes: EvaluationCase.Applied (holder and project), Sanctioned (its tier), CertIssued, CertRevoked, CertReissued.
Owns: certificates, certificate_history, certificate_holders.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Column, Date, Index, Integer, MetaData, Select, String, Table, bindparam, select

from cases.aggregates.case_clauses import INVALIDATED_CLAUSE
from cases.aggregates.evaluation_case import EvaluationCase
from cases.errors import InvalidInput
from cases.projections.engine.base import Projection, UnitOfWork, id_text
from cases.provisional import deadline_fields

if TYPE_CHECKING:
    from cases.projections.engine.base import ReadModels

CERTIFICATE_STATUSES = ("valid", "revoked", "replaced")


class CertificateRegister(Projection):
    name = "certificates"
    consumes = (
        EvaluationCase.Applied, EvaluationCase.Sanctioned, EvaluationCase.CertIssued, EvaluationCase.CertRevoked,
        EvaluationCase.CertReissued,
    )  # fmt: skip
    version = 3  # 2: collectable_from, collectable_from_provisional; 3: revocation_kind (the holder's last sanction)

    def define_tables(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        certificates = Table(
            f"{prefix}certificates", metadata,
            Column("number", String(40), primary_key=True), Column("case_id", String(36), nullable=False),
            Column("holder_name", String(100), nullable=False), Column("holder_id_masked", String(24), nullable=False),
            Column("body", String(16), nullable=False), Column("occupation", String(60), nullable=False),
            Column("work_type", String(60)), Column("level", Integer, nullable=False),
            Column("issued_on", Date, nullable=False), Column("form", String(12), nullable=False),
            Column("delivery", String(12), nullable=False),
            Column("collectable_from", Date), Column("collectable_from_provisional", Boolean),
            Column("status", String(12), nullable=False),
            Column("status_on", Date), Column("status_reason", String(200)), Column("revocation_kind", String(24)),
            Column("replaced_by", String(40)), Column("replaces", String(40)),
        )  # fmt: skip
        Index(f"{prefix}certificates_body", certificates.c.body, certificates.c.issued_on)
        Index(f"{prefix}certificates_holder", certificates.c.holder_name)
        history = Table(
            f"{prefix}certificate_history", metadata,
            Column("case_id", String(36), primary_key=True), Column("case_version", Integer, primary_key=True),
            Column("number", String(40), nullable=False), Column("on", Date, nullable=False),
            Column("change", String(12), nullable=False), Column("detail", String(200)), Column("actor", String(80)),
        )  # fmt: skip
        Index(f"{prefix}certificate_history_number", history.c.number)
        holders = Table(
            f"{prefix}certificate_holders", metadata,
            Column("case_id", String(36), primary_key=True), Column("holder_name", String(100), nullable=False),
            Column("holder_id_masked", String(24), nullable=False), Column("body", String(16), nullable=False),
            Column("occupation", String(60), nullable=False), Column("work_type", String(60)), Column("level", Integer, nullable=False),
            Column("sanction_tier", String(16)), Column("sanctioned_version", Integer),  # the case's latest sanction
        )  # fmt: skip
        return {"certificates": certificates, "history": history, "holders": holders}

    def handle(self, event: Any, rows: UnitOfWork) -> None:
        case_id = id_text(event.originator_id)
        if isinstance(event, EvaluationCase.Applied):
            rows.put("holders", {
                "case_id": case_id, "holder_name": event.holder_name, "holder_id_masked": event.holder_id_masked,
                "body": event.body, "occupation": event.occupation, "work_type": event.work_type, "level": event.level,
                "sanction_tier": None, "sanctioned_version": None,
            })  # fmt: skip
        elif isinstance(event, EvaluationCase.Sanctioned):
            holder = rows.get("holders", case_id)
            rows.put("holders", {**holder, "sanction_tier": event.tier, "sanctioned_version": event.originator_version})
        elif isinstance(event, EvaluationCase.CertIssued):
            collectable = deadline_fields("collectable_from", event.collectable_from)
            self._issue(rows, case_id, event.number, event.issued_on, event.form, event.delivery, replaces=None, **collectable)
            self._history(rows, event, event.number, event.issued_on, "issued", f"{event.form}, {event.delivery}")
        elif isinstance(event, EvaluationCase.CertRevoked):
            certificate, kind = rows.get("certificates", event.number), self._revocation_kind(event, rows.get("holders", case_id))
            rows.put("certificates", {
                **certificate, "status": "revoked", "status_on": event.on, "status_reason": event.reason[:200],
                "revocation_kind": kind,
            })  # fmt: skip
            self._history(rows, event, event.number, event.on, "revoked", f"{event.reason} ({event.clause})"[:200])
        elif isinstance(event, EvaluationCase.CertReissued):
            old = rows.get("certificates", event.replaces)
            rows.put("certificates", {**old, "status": "replaced", "status_on": event.on, "status_reason": event.reason, "replaced_by": event.number})
            self._issue(rows, case_id, event.number, event.on, old["form"], event.delivery, replaces=event.replaces)
            self._history(rows, event, event.number, event.on, "reissued", f"replaces {event.replaces} ({event.reason})")

    @staticmethod
    def _revocation_kind(event: Any, holder: dict[str, Any]) -> str:
        """"tier.<tier>" for the revocation a sanction made (the invalidation clause, the event right after the
        case's Sanctioned), "revoked_by_body" for any other: whatever its reason's words say."""
        follows_sanction = holder["sanctioned_version"] == event.originator_version - 1
        by_sanction = event.clause == INVALIDATED_CLAUSE and follows_sanction
        return f"tier.{holder['sanction_tier']}" if by_sanction else "revoked_by_body"

    @staticmethod
    def _issue(
        rows: UnitOfWork, case_id: str, number: str, issued_on: Any, form: str, delivery: str, replaces: str | None,
        collectable_from: Any = None, collectable_from_provisional: bool | None = None,
    ) -> None:  # fmt: skip
        """A reissue records no collection date of its own (the aggregate's rule): none is shown for it."""
        holder = rows.get("holders", case_id)
        rows.put("certificates", {
            **{k: holder[k] for k in ("holder_name", "holder_id_masked", "body", "occupation", "work_type", "level")},
            "number": number, "case_id": case_id, "issued_on": issued_on, "form": form, "delivery": delivery,
            "collectable_from": collectable_from, "collectable_from_provisional": collectable_from_provisional,
            "status": "valid", "status_on": None, "status_reason": None, "revocation_kind": None, "replaced_by": None,
            "replaces": replaces,
        })  # fmt: skip

    @staticmethod
    def _history(rows: UnitOfWork, event: Any, number: str, on: Any, change: str, detail: str) -> None:
        rows.append("history", {
            "case_id": id_text(event.originator_id), "case_version": event.originator_version, "number": number,
            "on": on, "change": change, "detail": detail, "actor": event.actor,
        })  # fmt: skip


# --- queries ------------------------------------------------------------------------------------------------


def find_certificates(
    projections: ReadModels, body: str | None = None, status: str | None = None, number: str | None = None,
    limit: int = 100, offset: int = 0,
) -> list[dict[str, Any]]:  # fmt: skip
    """Certificates matching every filter given, newest issue first."""
    if status is not None and status not in CERTIFICATE_STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(CERTIFICATE_STATUSES)}", field="status")
    t = projections.live_tables(CertificateRegister.name)["certificates"]
    wanted = {"body": body, "status": status, "number": number}
    query = select(t).where(*[t.c[column] == value for column, value in wanted.items() if value is not None])
    with projections.store.engine.connect() as conn:
        found = conn.execute(query.order_by(t.c.issued_on.desc(), t.c.number).limit(limit).offset(offset)).mappings()
        return [dict(row) for row in found]


PUBLIC_COLUMNS = (
    "number", "holder_name", "body", "occupation", "work_type", "level", "issued_on", "collectable_from",
    "collectable_from_provisional", "status", "status_on", "revocation_kind", "replaced_by",
)  # fmt: skip


def public_certificate(projections: ReadModels, number: str) -> dict[str, Any] | None:
    """What the public may know of a certificate: never the holder's ID number, not even masked; of a revocation
    only its kind ("tier.<tier>" or "revoked_by_body"), never its reason's words."""
    with projections.store.reader.connect() as conn:
        row = conn.execute(_public_lookup(projections.live_tables(CertificateRegister.name)["certificates"]), {"number": number})
        found = row.mappings().first()
    return dict(found) if found else None


@lru_cache(maxsize=8)
def _public_lookup(t: Table) -> Select:
    """One statement per generation's table (the busiest query of all: built once, its compiled form reused)."""
    return select(*(t.c[c] for c in PUBLIC_COLUMNS)).where(t.c.number == bindparam("number"))
