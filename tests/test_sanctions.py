"""Misconduct and sanctions (参评人员须知, DOMAIN §6): what each tier cancels, whom it bars and for how long."""

from __future__ import annotations

from datetime import date

import pytest

from cases.aggregates.case_errors import CaseClosed, DateOutOfOrder, NoResultPending, NoSuchSitting
from cases.service.application import CasesApplication
from cases.service.intake import CandidateBanned
from cases.rules.sanctions import UnknownSanction
from tests.builders import (
    apply,
    certify,
    event_names,
    events_named,
    new_id_number,
    paid,
    refused,
    sat_with_scores,
)

D = date.fromisoformat



def sitting_in_progress(app: CasesApplication, **application) -> object:
    """A wgsh level-3 case whose candidate sat both subjects on 2026-04-25; results not yet in."""
    case_id = paid(app, applied_on=D("2026-03-02"), **application)
    app.record_attendance(case_id, sat_on=D("2026-04-25"), attended=True, actor="examiner-1")
    return case_id


def outcomes(app: CasesApplication, case_id) -> dict[tuple[str, date], str]:
    """Each subject's latest attempt (the case keeps only those; the full history is in its events)."""
    return {(a["subject"], a["sat_on"]): a["outcome"] for a in app.get_case(case_id).attempts}


# --- subject tier (须知 二) -------------------------------------------------------------------------------


def test_a_subject_sanction_cancels_only_that_subject_at_that_sitting(app):
    case_id = paid(app, applied_on=D("2026-03-02"))
    sat_with_scores(app, case_id, D("2026-04-25"), {"theory": 80, "skills": 50}, D("2026-05-08"))
    app.request_retake(case_id, requested_on=D("2026-05-11"), actor="registrar-1")
    app.pay_fee(case_id, amount=498, paid_on=D("2026-05-12"), actor="cashier")
    assert sat_with_scores(app, case_id, D("2026-06-27"), {"skills": 75}, D("2026-07-10")) == "qualified"

    ban = app.sanction(
        case_id, tier="subject", behaviour="须知 二.2", subject="skills", sitting_on=D("2026-06-27"),
        decided_on=D("2026-07-13"), actor="invigilator-1",
    )  # fmt: skip

    assert ban is None
    sanctioned = events_named(app, case_id, "Sanctioned")[0]
    assert sanctioned.cancelled == [{"subject": "skills", "sat_on": D("2026-06-27")}]
    assert (sanctioned.clause, sanctioned.fees_refunded) == ("须知 二: 取消当次该科目成绩", 0)
    assert outcomes(app, case_id) == {
        ("theory", D("2026-04-25")): "passed",
        ("skills", D("2026-06-27")): "cancelled",
    }
    case = app.get_case(case_id)
    assert (case.stage, case.outstanding_subjects()) == ("retake_available", ["skills"])
    assert "Banned" not in event_names(app, case.candidate_id)


def test_a_subject_sanction_on_the_day_leaves_the_other_subjects_result_to_come(app):
    case_id = sitting_in_progress(app)
    app.sanction(
        case_id, tier="subject", behaviour="须知 二.1", subject="theory", decided_on=D("2026-04-25"), actor="invigilator-1"
    )  # fmt: skip

    refused(app, NoResultPending, lambda: app.record_result(case_id, subject="theory", score=90, recorded_on=D("2026-05-08"), actor="e"))  # fmt: skip
    assert app.record_result(case_id, subject="skills", score=88, recorded_on=D("2026-05-08"), actor="e") == "retake_available"
    assert app.get_case(case_id).outstanding_subjects() == ["theory"]


# --- sitting tier (须知 三) -------------------------------------------------------------------------------


def test_a_sitting_sanction_cancels_every_subject_sat_that_day_and_bars_the_candidate_until_31_december(app):
    id_number = new_id_number()
    case_id = sitting_in_progress(app, id_number=id_number)

    ban = app.sanction(case_id, tier="sitting", behaviour="须知 三.1", decided_on=D("2026-04-25"), actor="invigilator-1")

    assert (ban["starts_on"], ban["ends_on"], ban["referral"]) == (D("2026-04-25"), D("2026-12-31"), False)
    assert set(outcomes(app, case_id).values()) == {"cancelled"}
    assert events_named(app, case_id, "Sanctioned")[0].sitting_on == D("2026-04-25")
    banned = events_named(app, app.get_case(case_id).candidate_id, "Banned")[0]
    assert (banned.tier, banned.ends_on, banned.clause) == ("sitting", D("2026-12-31"), "须知 三: 当年不得参加评价")

    error = refused(app, CandidateBanned, lambda: apply(app, id_number=id_number, body="migu", applied_on=D("2026-12-31")))
    assert (error.code, error.field) == ("candidate_banned", "id_number")
    assert (error.details["tier"], error.details["ends_on"]) == ("sitting", "2026-12-31")
    assert "2026-12-31" in error.message and "sitting" in error.message
    assert error.clause == "须知 三: 当年不得参加评价"


def test_a_sitting_ban_ends_with_the_year_and_the_candidate_may_apply_the_next_year(app_to_2030):
    app = app_to_2030
    id_number = new_id_number()
    case_id = sitting_in_progress(app, id_number=id_number)
    app.sanction(case_id, tier="sitting", behaviour="须知 三.2", decided_on=D("2026-04-27"), actor="invigilator-1")

    refused(app, CandidateBanned, lambda: apply(app, id_number=id_number, body="dsxh", level=4, applied_on=D("2026-12-31")))
    accepted = apply(app, id_number=id_number, body="dsxh", level=4, applied_on=D("2027-01-04"))
    assert app.get_case(accepted).stage == "applied"


def test_a_barred_candidate_cannot_sit_another_case_until_the_ban_ends(app):
    id_number = new_id_number()
    other = paid(app, id_number=id_number, body="dsxh", level=4, applied_on=D("2026-03-02"))
    case_id = sitting_in_progress(app, id_number=id_number)
    app.sanction(case_id, tier="sitting", behaviour="须知 三.4", decided_on=D("2026-04-25"), actor="invigilator-1")

    error = refused(app, CandidateBanned, lambda: app.record_attendance(other, sat_on=D("2026-04-26"), attended=True, actor="e"))
    assert (error.field, error.details["ends_on"]) == ("sat_on", "2026-12-31")
    refused(app, CandidateBanned, lambda: app.record_attendance(other, sat_on=D("2026-12-31"), attended=False, actor="e"))

    app.record_attendance(other, sat_on=D("2027-01-09"), attended=True, actor="examiner-1")
    assert app.get_case(other).stage == "awaiting_results"


# --- grave tier (须知 四) ---------------------------------------------------------------------------------


def test_a_minor_grave_sanction_bars_for_two_years_ending_the_day_before_the_second_anniversary(app_to_2030):
    app = app_to_2030
    id_number = new_id_number()
    case_id = sitting_in_progress(app, id_number=id_number)

    ban = app.sanction(
        case_id, tier="grave", severity="minor", behaviour="须知 四.4", decided_on=D("2026-05-10"), actor="invigilator-1"
    )  # fmt: skip

    assert (ban["ends_on"], ban["referral"], ban["clause"]) == (D("2028-05-09"), False, "须知 四: 2年内不得参加评价")
    assert set(outcomes(app, case_id).values()) == {"cancelled"}
    assert events_named(app, case_id, "Sanctioned")[0].severity == "minor"
    error = refused(app, CandidateBanned, lambda: apply(app, id_number=id_number, applied_on=D("2028-05-09")))
    assert (error.details["tier"], error.details["ends_on"]) == ("grave", "2028-05-09")
    assert app.get_case(apply(app, id_number=id_number, applied_on=D("2028-05-10"))).stage == "applied"


def test_a_serious_grave_sanction_bars_for_five_years_and_refers_the_candidate(app_to_2030):
    app = app_to_2030
    id_number = new_id_number()
    case_id = sitting_in_progress(app, id_number=id_number)

    ban = app.sanction(
        case_id, tier="grave", severity="serious", behaviour="须知 四.5", decided_on=D("2026-05-10"), actor="invigilator-1"
    )  # fmt: skip

    assert (ban["ends_on"], ban["referral"]) == (D("2031-05-09"), True)
    banned = events_named(app, app.get_case(case_id).candidate_id, "Banned")[0]
    assert (banned.tier, banned.ends_on, banned.referral) == ("grave", D("2031-05-09"), True)
    assert events_named(app, case_id, "Sanctioned")[0].ban["referral"] is True
    error = refused(app, CandidateBanned, lambda: apply(app, id_number=id_number, body="jsxh", level=3, applied_on=D("2030-09-10")))  # fmt: skip
    assert error.details["ends_on"] == "2031-05-09"


def test_a_grave_sanction_without_its_severity_is_refused(app):
    case_id = sitting_in_progress(app)
    error = refused(
        app, UnknownSanction,
        lambda: app.sanction(case_id, tier="grave", behaviour="须知 四.4", decided_on=D("2026-05-10"), actor="i"),
    )  # fmt: skip
    assert (error.code, error.field) == ("unknown_sanction", "severity")


# --- materials tier (须知 一) and post-hoc sanctions -----------------------------------------------------


def test_false_materials_disqualify_the_case_with_no_refund(app):
    case_id = paid(app, applied_on=D("2026-03-02"))
    sat_with_scores(app, case_id, D("2026-04-25"), {"theory": 80, "skills": 50}, D("2026-05-08"))

    ban = app.sanction(case_id, tier="materials", behaviour="须知 一", decided_on=D("2026-05-20"), actor="compliance-1")

    assert ban is None
    case = app.get_case(case_id)
    assert (case.stage, case.ended_on) == ("disqualified", D("2026-05-20"))
    sanctioned = events_named(app, case_id, "Sanctioned")[0]
    assert sanctioned.fees_refunded == 0
    assert sanctioned.cancelled == [{"subject": "theory", "sat_on": D("2026-04-25")}, {"subject": "skills", "sat_on": D("2026-04-25")}]  # fmt: skip
    assert refused(app, CaseClosed, lambda: app.request_retake(case_id, requested_on=D("2026-05-21"), actor="r")).code == "case_closed"


def test_a_sanction_after_the_certificate_was_issued_revokes_it_on_the_candidates_record(app):
    case_id = paid(app, applied_on=D("2026-03-02"))
    number = certify(app, case_id, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))

    app.sanction(
        case_id, tier="grave", severity="minor", behaviour="须知 四.2", decided_on=D("2026-09-10"), actor="compliance-1"
    )  # fmt: skip

    assert event_names(app, case_id)[-3:] == ["CertIssued", "Sanctioned", "CertRevoked"]
    assert events_named(app, case_id, "Sanctioned")[0].post_hoc is True
    revoked = events_named(app, case_id, "CertRevoked")[0]
    assert (revoked.number, revoked.on) == (number, D("2026-09-10"))
    case = app.get_case(case_id)
    assert case.certificate["status"] == "revoked"
    candidate = app.get_candidate(case.candidate_id)
    assert candidate.certificates[number]["status"] == "revoked"
    assert candidate.valid_certificates() == {}
    assert event_names(app, candidate.id)[-2:] == ["Banned", "CertificateWithdrawn"]


def test_false_materials_found_after_certification_disqualify_and_revoke(app):
    case_id = paid(app, body="migu", level=3, applied_on=D("2026-03-02"))
    number = certify(app, case_id, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))

    app.sanction(case_id, tier="materials", behaviour="须知 一", decided_on=D("2026-10-12"), actor="compliance-1")

    assert event_names(app, case_id)[-2:] == ["Sanctioned", "CertRevoked"]
    case = app.get_case(case_id)
    assert (case.stage, case.certificate["status"]) == ("disqualified", "revoked")
    assert app.get_candidate(case.candidate_id).certificates[number]["status"] == "revoked"


# --- refusals ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "behaviour", "field"),
    [
        ("cheating", "须知 三.1", "tier"),
        ("sitting", "须知 二.1", "behaviour"),
        ("subject", "须知 二.9", "behaviour"),
        ("materials", "须知 四.1", "behaviour"),
    ],
)
def test_an_unknown_tier_or_behaviour_is_refused_naming_the_field(app, tier, behaviour, field):
    case_id = sitting_in_progress(app)
    error = refused(
        app, UnknownSanction,
        lambda: app.sanction(case_id, tier=tier, behaviour=behaviour, decided_on=D("2026-04-25"), actor="invigilator-1"),
    )  # fmt: skip
    assert (error.code, error.field) == ("unknown_sanction", field)
    assert "Sanctioned" not in event_names(app, case_id)


def test_a_sanction_on_a_sitting_that_did_not_happen_is_refused(app):
    case_id = sitting_in_progress(app)
    error = refused(
        app, NoSuchSitting,
        lambda: app.sanction(case_id, tier="sitting", behaviour="须知 三.1", sitting_on=D("2026-04-26"),
                             decided_on=D("2026-04-26"), actor="invigilator-1"),
    )  # fmt: skip
    assert (error.code, error.field) == ("no_such_sitting", "sitting_on")
    assert "2026-04-25" in error.message


def test_a_subject_sanction_for_a_subject_not_sat_that_day_is_refused(app):
    case_id = paid(app, applied_on=D("2026-03-02"))
    sat_with_scores(app, case_id, D("2026-04-25"), {"theory": 80, "skills": 50}, D("2026-05-08"))
    app.request_retake(case_id, requested_on=D("2026-05-11"), actor="registrar-1")
    app.pay_fee(case_id, amount=498, paid_on=D("2026-05-12"), actor="cashier")
    app.record_attendance(case_id, sat_on=D("2026-06-27"), attended=True, actor="examiner-1")  # skills only

    error = refused(
        app, NoSuchSitting,
        lambda: app.sanction(case_id, tier="subject", behaviour="须知 二.3", subject="theory",
                             decided_on=D("2026-06-27"), actor="invigilator-1"),
    )  # fmt: skip
    assert error.field == "subject"


def test_a_withdrawn_case_cannot_be_sanctioned(app):
    case_id = paid(app, applied_on=D("2026-03-02"))
    app.withdraw(case_id, on=D("2026-03-10"), reason="个人原因", actor="registrar-1")
    error = refused(
        app, CaseClosed,
        lambda: app.sanction(case_id, tier="materials", behaviour="须知 一", decided_on=D("2026-03-11"), actor="c"),
    )  # fmt: skip
    assert error.code == "case_closed"


def test_a_sanction_dated_before_the_sitting_it_punishes_is_refused(app):
    case_id = sitting_in_progress(app)
    error = refused(
        app, DateOutOfOrder,
        lambda: app.sanction(case_id, tier="sitting", behaviour="须知 三.1", decided_on=D("2026-04-01"), actor="i"),
    )  # fmt: skip
    assert error.field == "decided_on"


def test_a_barred_candidate_cannot_request_a_retake_they_could_not_sit(app):
    case_id = paid(app, body="wgsh", level=3, applied_on=D("2026-03-02"))
    sat_with_scores(app, case_id, D("2026-04-25"), {"theory": 80, "skills": 40}, D("2026-05-08"))
    app.sanction(case_id, tier="grave", severity="serious", behaviour="须知 四.4", decided_on=D("2026-05-09"), actor="supervisor-1")
    error = refused(app, CandidateBanned, lambda: app.request_retake(case_id, requested_on=D("2026-05-11"), actor="r"))
    assert (error.field, error.details["tier"]) == ("requested_on", "grave")
