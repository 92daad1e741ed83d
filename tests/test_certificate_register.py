"""The certificate register (`cases.projections.certificates`): what the public may know of a revocation is its
kind, taken from the events (a sanction's tier, or the issuing body's own), never read out of the reason's words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from cases.aggregates.case_clauses import INVALIDATED_CLAUSE
from cases.projections.certificates import CertificateRegister, public_certificate
from cases.projections.engine.service import Projections
from cases.projections.engine.store import ReadModelStore
from cases.service.application import CasesApplication
from cases.settings import Settings
from tests.builders import certify, paid

D = date.fromisoformat


@pytest.fixture
def register(app: CasesApplication, store: Settings) -> Iterator[Projections]:
    read_store = ReadModelStore.from_settings(store)
    yield Projections(app, read_store, [CertificateRegister()])
    read_store.dispose()


def certified(app: CasesApplication) -> tuple:
    case_id = paid(app, applied_on=D("2026-03-02"))
    return case_id, certify(app, case_id, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))


def revocation_kind(register: Projections, number: str) -> str | None:
    register.catch_up()
    found = public_certificate(register, number)
    assert found is not None and found["status"] == "revoked"
    return found["revocation_kind"]


def test_a_sanctions_revocation_is_of_its_tier(app, register):
    case_id, number = certified(app)
    app.sanction(case_id, tier="sitting", behaviour="须知 三.2", decided_on=D("2026-09-01"), actor="supervisor:wgsh")

    assert revocation_kind(register, number) == "tier.sitting"


def test_a_registrar_revocation_whose_reason_reads_like_a_sanction_is_revoked_by_the_body(app, register):
    case_id, number = certified(app)
    app.revoke_certificate(case_id, on=D("2026-09-01"), reason="sanction (grave, 须知 四.4) alleged", actor="registrar-1")

    assert revocation_kind(register, number) == "revoked_by_body"


def test_a_revocation_citing_the_invalidation_clause_without_a_sanction_before_it_is_revoked_by_the_body(app, register):
    case_id, number = certified(app)
    app.revoke_certificate(case_id, on=D("2026-09-01"), reason="须知 末段", clause=INVALIDATED_CLAUSE, actor="registrar-1")

    assert revocation_kind(register, number) == "revoked_by_body"


def test_a_valid_or_replaced_certificate_has_no_revocation_kind(app, register):
    case_id = paid(app, body="dmtxh", level=4, applied_on=D("2026-03-02"))
    lost = certify(app, case_id, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))
    replacement = app.reissue_certificate(case_id, on=D("2026-09-01"), actor="registrar-1", reason="lost")
    register.catch_up()

    assert public_certificate(register, lost)["revocation_kind"] is None
    assert public_certificate(register, replacement)["revocation_kind"] is None
