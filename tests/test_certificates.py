"""Certificates (证书, DOMAIN §8): numbering, revocation, reissue, and this product's register as evidence (§2)."""

from __future__ import annotations

from datetime import date

import pytest

from cases.aggregates.case_errors import CertificateNotValid, ReissueNotOffered
from cases.aggregates.certificate_sequence import sequence_id
from cases.service.application import CasesApplication
from cases.service.intake import AlreadyCertified
from tests.builders import apply, certify, event_names, events_named, new_id_number, paid, refused, rulebook_through

D = date.fromisoformat
MARKETER = "互联网营销师"
MIGU = "S000031400071"


@pytest.fixture
def app_to_2030(store, calendar, tmp_path):
    """An application whose rule book also has (copied) 2027-2030 years, so a certificate can be held for years."""
    app = CasesApplication(store, rulebook=rulebook_through(tmp_path / "rulebook", 2027, 2028, 2029, 2030), calendar=calendar)
    yield app
    app.close()


def filing_number(app: CasesApplication, body: str) -> str:
    return app.rulebook.for_year(2026).body(body).filing_number


def certified(app: CasesApplication, *, body: str = "wgsh", level: int = 3, issued_on: date = D("2026-06-01"), **application) -> tuple:  # fmt: skip
    case_id = paid(app, body=body, level=level, applied_on=D("2026-03-02"), **application)
    number = certify(app, case_id, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=issued_on)
    return case_id, number


# --- numbering ----------------------------------------------------------------------------------------------


def test_certificate_numbers_run_in_sequence_per_body_year_and_level(app):
    wgsh = filing_number(app, "wgsh")
    numbers = [certified(app, body="wgsh", level=3)[1] for _ in range(3)]
    level_4 = certified(app, body="wgsh", level=4)[1]
    migu = certified(app, body="migu", level=3)[1]
    next_year = certified(app, body="wgsh", level=3, issued_on=D("2027-01-05"))[1]

    assert numbers == [f"{wgsh}263000001", f"{wgsh}263000002", f"{wgsh}263000003"]
    assert level_4 == f"{wgsh}264000001"
    assert migu == f"{MIGU}263000001"
    assert next_year == f"{wgsh}273000001"  # numbered by the year of issue
    assert app.repository.get(sequence_id("wgsh", 2026, 3)).last == 3
    assert event_names(app, sequence_id("wgsh", 2026, 3)) == ["Started", "NumberTaken", "NumberTaken", "NumberTaken"]


def test_the_issued_number_is_recorded_on_the_case_and_the_candidates_record(app):
    id_number = new_id_number()
    case_id, number = certified(app, body="dsxh", level=3, id_number=id_number)

    assert events_named(app, case_id, "CertIssued")[0].number == number
    record = app.find_candidate(id_number).certificates[number]
    assert (record["case_id"], record["body"], record["level"], record["status"]) == (case_id, "dsxh", 3, "valid")


# --- revocation and reissue ---------------------------------------------------------------------------------


def test_a_revoked_certificate_is_revoked_on_the_candidates_record_and_cannot_be_revoked_or_reissued_again(app):
    case_id, number = certified(app, body="migu", level=3)

    app.revoke_certificate(case_id, on=D("2026-08-03"), reason="考评员复核发现成绩录入错误", actor="compliance-1")

    revoked = events_named(app, case_id, "CertRevoked")[0]
    assert (revoked.number, revoked.on, revoked.reason) == (number, D("2026-08-03"), "考评员复核发现成绩录入错误")
    case = app.get_case(case_id)
    assert (case.stage, case.certificate["status"]) == ("certificate_revoked", "revoked")
    assert app.get_candidate(case.candidate_id).certificates[number]["status"] == "revoked"

    again = refused(app, CertificateNotValid, lambda: app.revoke_certificate(case_id, on=D("2026-08-04"), reason="x", actor="c"))
    assert (again.code, again.field) == ("certificate_not_valid", "case_id")
    refused(app, CertificateNotValid, lambda: app.reissue_certificate(case_id, on=D("2026-08-04"), actor="registrar-1"))


def test_a_lost_certificate_is_reissued_under_a_new_number_and_the_old_one_is_marked_replaced(app):
    dmtxh = filing_number(app, "dmtxh")
    case_id, old = certified(app, body="dmtxh", level=4)

    new = app.reissue_certificate(case_id, on=D("2026-09-01"), actor="registrar-1", reason="lost")

    assert (old, new) == (f"{dmtxh}264000001", f"{dmtxh}264000002")
    case = app.get_case(case_id)
    assert (case.certificate["number"], case.certificate["status"], case.certificate["issued_on"]) == (new, "valid", D("2026-09-01"))  # fmt: skip
    assert case.certificate["previous"] == [{"number": old, "replaced_on": D("2026-09-01"), "reason": "lost"}]
    reissued = events_named(app, case_id, "CertReissued")[0]
    assert (reissued.number, reissued.replaces, reissued.clause) == (new, old, "seed 002 五(三): 证书遗失补办")

    candidate = app.get_candidate(case.candidate_id)
    assert (candidate.certificates[old]["status"], candidate.certificates[old]["replaced_by"]) == ("replaced", new)
    assert candidate.certificates[new]["status"] == "valid"
    assert list(candidate.valid_certificates()) == [new]
    assert event_names(app, candidate.id)[-2:] == ["CertificateWithdrawn", "CertificateRecorded"]


def test_a_reissued_certificate_can_itself_be_revoked(app):
    case_id, _ = certified(app, body="dmtxh", level=3)
    new = app.reissue_certificate(case_id, on=D("2026-09-01"), actor="registrar-1")
    app.revoke_certificate(case_id, on=D("2026-10-01"), reason="须知 一", actor="compliance-1")
    assert events_named(app, case_id, "CertRevoked")[0].number == new
    assert app.get_candidate(app.get_case(case_id).candidate_id).valid_certificates() == {}


def test_a_body_that_does_not_offer_reissue_refuses_it(app):
    case_id, _ = certified(app, body="wgsh", level=3)
    error = refused(app, ReissueNotOffered, lambda: app.reissue_certificate(case_id, on=D("2026-09-01"), actor="registrar-1"))
    assert error.code == "reissue_not_offered"


def test_applying_again_for_a_level_already_certified_is_refused_naming_the_certificate(app):
    id_number = new_id_number()
    _, number = certified(app, body="wgsh", level=4, id_number=id_number)
    error = refused(app, AlreadyCertified, lambda: apply(app, id_number=id_number, level=4, applied_on=D("2026-07-01")))
    assert (error.code, error.field) == ("already_certified", "level")
    assert number in error.message


def test_after_revocation_the_same_level_may_be_applied_for_again(app):
    id_number = new_id_number()
    case_id, _ = certified(app, body="wgsh", level=4, id_number=id_number)
    app.revoke_certificate(case_id, on=D("2026-07-01"), reason="成绩复核不合格", actor="compliance-1")
    again = apply(app, id_number=id_number, level=4, applied_on=D("2026-07-02"))
    assert app.get_case(again).stage == "applied"


# --- the register as evidence (DOMAIN §2 Decision) ----------------------------------------------------------


def test_a_level_4_certificate_from_this_product_counts_for_level_3_after_four_more_years(app_to_2030):
    app = app_to_2030
    id_number = new_id_number()
    level_4, number = certified(
        app, body="wgsh", level=4, id_number=id_number, evidence={"work": [{"occupation": MARKETER, "start": "2019-01-01"}]}
    )  # fmt: skip
    assert app.get_case(level_4).decision["clause"]["clause"] == "L4(1)"

    level_3 = apply(
        app, body="wgsh", level=3, id_number=id_number, applied_on=D("2030-06-15"),
        evidence={"work": [{"occupation": MARKETER, "start": "2026-06-02"}]},  # only the years after the certificate
    )  # fmt: skip
    assert app.review(level_3, decided_on=D("2030-06-16"), actor="registrar-1") == "awaiting_payment"

    clause = app.get_case(level_3).decision["clause"]
    assert clause["clause"] == "L3(2)"
    certificate = clause["values"]["certificate"]
    assert (certificate["number"], certificate["level"], certificate["source"]) == (number, 4, "register")
    assert certificate["issued_on"] == "2026-06-01"
    assert clause["discarded"] == []


def test_a_level_4_certificate_from_this_product_plus_a_diploma_counts_for_level_3_at_once(app):
    id_number = new_id_number()
    evidence = {
        "work": [{"occupation": MARKETER, "start": "2020-07-01"}],
        "education": [{"kind": "college", "major": "网络营销与直播电商", "status": "graduated",
                       "completed_on": "2020-06-30", "major_relevant": True}],
    }  # fmt: skip
    _, number = certified(app, body="wgsh", level=4, id_number=id_number, evidence=evidence)

    level_3 = apply(app, body="wgsh", level=3, id_number=id_number, applied_on=D("2026-07-01"), evidence=evidence)
    assert app.review(level_3, decided_on=D("2026-07-02"), actor="registrar-1") == "awaiting_payment"

    clause = app.get_case(level_3).decision["clause"]
    assert clause["clause"] == "L3(5)"
    assert (clause["values"]["certificate"]["number"], clause["values"]["certificate"]["source"]) == (number, "register")


def declared_level_4(number: str | None) -> dict:
    """Nine-odd years of work (short of L3(1)'s ten) and a 2016 level-4 certificate (L3(2) if it counts)."""
    return {
        "work": [{"occupation": MARKETER, "start": "2016-06-01"}],
        "certificates": [{"occupation": MARKETER, "level": 4, "issued_on": "2016-05-01", "number": number}],
    }


@pytest.mark.parametrize("prefix", ["wgsh", "migu"])
def test_a_declared_certificate_numbered_like_ours_but_not_in_the_register_is_discarded_with_a_reason(app, prefix):
    number = f"{filing_number(app, prefix)}164000123"
    case_id = apply(app, body="wgsh", level=3, applied_on=D("2026-03-02"), evidence=declared_level_4(number))

    assert app.review(case_id, decided_on=D("2026-03-03"), actor="registrar-1") == "rejected"

    reasons = app.get_case(case_id).decision["reasons"]
    discarded = [r for r in reasons if r.get("certificate") == number]
    assert len(discarded) == 1 and discarded[0]["holds"] is False
    assert "not a valid certificate of this candidate in this product's register" in discarded[0]["reason"]
    assert not any(r["holds"] for r in reasons)
    assert event_names(app, case_id)[-1] == "Rejected"


def test_a_declared_certificate_from_another_issuer_is_taken_as_declared(app):
    case_id = apply(app, body="wgsh", level=3, applied_on=D("2026-03-02"), evidence=declared_level_4("1631000004000123"))
    assert app.review(case_id, decided_on=D("2026-03-03"), actor="registrar-1") == "awaiting_payment"
    clause = app.get_case(case_id).decision["clause"]
    assert clause["clause"] == "L3(2)"
    assert clause["values"]["certificate"]["source"] == "declared"


def test_a_discarded_certificate_is_still_reported_when_another_clause_approves(app):
    number = f"{filing_number(app, 'wgsh')}244000001"
    evidence = declared_level_4(number) | {"work": [{"occupation": MARKETER, "start": "2012-01-01"}]}
    case_id = apply(app, body="wgsh", level=3, applied_on=D("2026-03-02"), evidence=evidence)

    assert app.review(case_id, decided_on=D("2026-03-03"), actor="registrar-1") == "awaiting_payment"

    clause = app.get_case(case_id).decision["clause"]
    assert clause["clause"] == "L3(1)"
    assert [d["certificate"] for d in clause["discarded"]] == [number]


def test_a_revoked_certificate_of_ours_no_longer_counts(app):
    id_number = new_id_number()
    level_4, number = certified(app, body="wgsh", level=4, id_number=id_number)
    app.revoke_certificate(level_4, on=D("2026-06-15"), reason="须知 一", actor="compliance-1")
    evidence = {
        "work": [{"occupation": MARKETER, "start": "2020-07-01"}],
        "certificates": [{"occupation": MARKETER, "level": 4, "issued_on": "2026-06-01", "number": number}],
        "education": [{"kind": "college", "major": "市场营销", "status": "graduated", "completed_on": "2020-06-30",
                       "major_relevant": True}],
    }  # fmt: skip

    level_3 = apply(app, body="wgsh", level=3, id_number=id_number, applied_on=D("2026-07-01"), evidence=evidence)

    assert app.review(level_3, decided_on=D("2026-07-02"), actor="registrar-1") == "rejected"
    reasons = app.get_case(level_3).decision["reasons"]
    assert [r["certificate"] for r in reasons if r.get("certificate") == number] == [number]
