"""A read the read models do not offer yet (tell the certificate register's owner): what kind of reason revoked a
certificate, for the public page. The register keeps the revocation's reason as written; a sanction's reads
"sanction (<tier>, <behaviour clause>)" (`aggregates.case_commands.sanctions`), anything else is the issuing body's
own. Only the kind leaves here: the sanction's tier, never the conduct or the body's words."""

from __future__ import annotations

import re

from sqlalchemy import select

from cases.projections.certificates import CertificateRegister
from cases.projections.engine.base import ReadModels

SANCTION = re.compile(r"^sanction \((\w+),")


def revocation_kind(projections: ReadModels, number: str) -> str:
    """"tier.<tier>" for a revocation by a sanction, "revoked_by_body" for any other."""
    t = projections.live_tables(CertificateRegister.name)["certificates"]
    with projections.store.reader.connect() as conn:
        reason = conn.execute(select(t.c.status_reason).where(t.c.number == number)).scalar()
    found = SANCTION.match(reason or "")
    return f"tier.{found.group(1)}" if found else "revoked_by_body"
