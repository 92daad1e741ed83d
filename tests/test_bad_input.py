"""Bad input and commands out of order: each is a named error with a stable code and the field, and writes nothing."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from stdnum.cn import ric

from cases.aggregates.case_errors import CaseClosed, DateOutOfOrder, NoSuchSitting, WrongStage
from cases.errors import InvalidInput, NotFound, StaleVersion
from cases.identity import InvalidIdNumber, UnderAge, make_test_id_number
from cases.rulebook.lookup import ApplicationOutsideWindow, UnknownBody, UnknownLevel, UnknownProject
from cases.rules.evidence import InvalidEvidence
from tests.builders import apply, approved, event_names, paid, refused, sat_with_scores

D = date.fromisoformat
VALID = make_test_id_number(region="310104", birth=D("1995-08-17"), sequence=42)


def with_check_digit(first_17: str) -> str:
    return first_17 + ric.calc_check_digit(first_17 + "0")


def wrong_check_digit(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


# --- the person -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("id_number", "reason"),
    [
        (VALID[:-1], "length"),
        (VALID + "3", "length"),
        (VALID[:10] + "A" + VALID[11:], "format"),
        (wrong_check_digit(VALID), "check digit"),
        (with_check_digit("99999919950817042"), "region"),
        (with_check_digit("31010419951317042"), "birth date"),  # month 13
        (with_check_digit("31010419950230042"), "birth date"),  # 30 February
        (with_check_digit("31010420270101042"), "birth date"),  # born after the application
    ],
)
def test_a_malformed_id_number_is_refused_without_quoting_it(app, id_number, reason):
    error = refused(app, InvalidIdNumber, lambda: apply(app, id_number=id_number))

    assert (error.code, error.field, error.reason) == ("invalid_id_number", "id_number", reason)
    assert id_number not in str(error)
    assert id_number not in repr(error.to_dict())
    assert id_number[6:14] not in error.message  # not even the birth date part


def test_a_candidate_one_day_short_of_16_is_under_age(app):
    under = make_test_id_number(region="310115", birth=D("2010-03-03"), sequence=17)
    error = refused(app, UnderAge, lambda: apply(app, id_number=under, level=5, applied_on=D("2026-03-02"),
                                                 evidence={"intends_to_work": True}))  # fmt: skip

    assert (error.code, error.field, error.clause) == ("under_age", "id_number", "all seeds 二(一): 年满16周岁")
    assert (error.details["age"], error.details["minimum_age"]) == (15, 16)
    assert under not in str(error)


def test_a_candidate_who_turns_16_on_the_application_date_may_apply(app):
    sixteen = make_test_id_number(region="310115", birth=D("2010-03-02"), sequence=17)
    case_id = apply(app, id_number=sixteen, level=5, applied_on=D("2026-03-02"), evidence={"intends_to_work": True})
    assert app.review(case_id, decided_on=D("2026-03-03"), actor="registrar-1") == "awaiting_payment"


def test_a_blank_name_is_refused(app):
    error = refused(app, InvalidInput, lambda: apply(app, name="  "))
    assert (error.code, error.field) == ("invalid_input", "name")


# --- the project ------------------------------------------------------------------------------------------


def application(**changes) -> dict:
    fields = dict(
        name="李强", id_number=VALID, body="wgsh", occupation="互联网营销师", work_type="视频创推员", level=3,
        applied_on=D("2026-03-02"), actor="registrar-1",
        evidence={"work": [{"occupation": "互联网营销师", "start": "2012-01-01"}]},
    )  # fmt: skip
    return fields | changes


def test_an_unknown_body_is_refused_listing_the_known_ones(app):
    error = refused(app, UnknownBody, lambda: app.apply(**application(body="shwg")))
    assert (error.code, error.field) == ("unknown_body", "body")
    assert "wgsh" in error.message and "jsxh" in error.message


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"occupation": "电子商务师", "work_type": "网商"}, "occupation"),
        ({"work_type": "直播运营"}, "work_type"),
        ({"work_type": None}, "work_type"),
    ],
)
def test_a_project_the_body_does_not_offer_is_refused(app, changes, field):
    error = refused(app, UnknownProject, lambda: app.apply(**application(**changes)))
    assert (error.code, error.field, error.clause) == ("unknown_project", field, "seed 000 一")
    assert "互联网营销师 (视频创推员)" in error.message


@pytest.mark.parametrize(("body", "occupation", "work_type", "level"), [
    ("wgsh", "互联网营销师", "视频创推员", 2),
    ("dsxh", "电子商务师", "网商", 5),
    ("migu", "全媒体运营师", "直播运营", 4),
    ("jsxh", "职业培训师", None, 4),
])  # fmt: skip
def test_a_level_the_project_does_not_offer_is_refused(app, body, occupation, work_type, level):
    changes = dict(body=body, occupation=occupation, work_type=work_type, level=level, applied_on=D("2026-03-02"))
    error = refused(app, UnknownLevel, lambda: app.apply(**application(**changes)))
    assert (error.code, error.field) == ("unknown_level", "level")


def test_a_jsxh_application_outside_its_windows_is_refused_naming_the_next_window(app):
    changes = dict(body="jsxh", occupation="企业人力资源管理师", work_type=None, level=4, applied_on=D("2026-03-23"))
    error = refused(app, ApplicationOutsideWindow, lambda: app.apply(**application(**changes)))
    assert (error.code, error.field, error.details["next_window"]) == ("application_outside_window", "applied_on", "August")
    assert "2026-06-29" in error.message


def test_a_group_application_must_name_its_institution(app):
    error = refused(app, InvalidInput, lambda: app.apply(**application(channel="group")))
    assert (error.code, error.field, error.clause) == ("invalid_input", "institution", "all seeds 二(二)")


def test_an_unknown_channel_is_refused(app):
    error = refused(app, InvalidInput, lambda: app.apply(**application(channel="online")))
    assert (error.code, error.field) == ("invalid_input", "channel")


@pytest.mark.parametrize(
    ("evidence", "field"),
    [
        ({"work": [{"occupation": "互联网营销师", "start": "2012-13-01"}]}, "evidence.work[0].start"),
        ({"work": [{"occupation": "互联网营销师", "start": "2026-03-03"}]}, "evidence.work[0].start"),  # after applying
        ({"work": [{"occupation": "互联网营销师", "start": "2020-01-01", "end": "2019-01-01"}]}, "evidence.work[0].end"),
        ({"work": [{"occupation": "", "start": "2012-01-01"}]}, "evidence.work[0].occupation"),
        ({"certificates": [{"occupation": "互联网营销师", "level": 6, "issued_on": "2020-01-01"}]}, "evidence.certificates[0].level"),  # fmt: skip
        ({"titles": [{"grade": "junior", "obtained_on": "2020-01-01"}]}, "evidence.titles[0].field_matches"),
        ({"education": [{"kind": "university", "major": "市场营销", "status": "graduated"}]}, "evidence.education[0].kind"),
        ({"work": {"occupation": "互联网营销师"}}, "evidence.work"),
        ({"salary": 8000}, "evidence.salary"),
    ],
)
def test_invalid_evidence_is_refused_naming_its_path(app, evidence, field):
    error = refused(app, InvalidEvidence, lambda: app.apply(**application(evidence=evidence)))
    assert (error.code, error.field) == ("invalid_evidence", field)


# --- commands out of order ----------------------------------------------------------------------------------


def test_paying_before_approval_is_refused(app):
    case_id = apply(app, applied_on=D("2026-03-02"))
    error = refused(app, WrongStage, lambda: app.pay_fee(case_id, amount=598, paid_on=D("2026-03-03"), actor="cashier"))
    assert (error.code, error.field, error.details["stage"]) == ("wrong_stage", "case_id", "applied")


def test_sitting_before_payment_is_refused(app):
    case_id = approved(app, applied_on=D("2026-03-02"))
    error = refused(app, WrongStage, lambda: app.record_attendance(case_id, sat_on=D("2026-04-25"), attended=True, actor="e"))
    assert error.details["stage"] == "awaiting_payment"


def test_a_result_before_the_sitting_is_refused(app):
    case_id = paid(app, applied_on=D("2026-03-02"))
    error = refused(
        app, WrongStage,
        lambda: app.record_result(case_id, subject="theory", score=80, recorded_on=D("2026-03-10"), actor="examiner-1"),
    )  # fmt: skip
    assert (error.code, error.details["stage"]) == ("wrong_stage", "ready_to_sit")


def test_a_certificate_before_qualification_is_refused(app):
    case_id = paid(app, applied_on=D("2026-03-02"))
    sat_with_scores(app, case_id, D("2026-04-25"), {"theory": 80}, D("2026-05-08"))
    error = refused(app, WrongStage, lambda: app.issue_certificate(case_id, issued_on=D("2026-05-20"), actor="registrar-1"))
    assert (error.code, error.details["stage"]) == ("wrong_stage", "awaiting_results")


def test_reviewing_twice_is_refused(app):
    case_id = approved(app, applied_on=D("2026-03-02"))
    error = refused(app, WrongStage, lambda: app.review(case_id, decided_on=D("2026-03-03"), actor="registrar-1"))
    assert (error.code, error.details["stage"]) == ("wrong_stage", "awaiting_payment")
    assert event_names(app, case_id).count("Approved") == 1


def test_a_decision_dated_before_the_application_is_refused(app):
    case_id = apply(app, applied_on=D("2026-03-02"))
    error = refused(app, DateOutOfOrder, lambda: app.review(case_id, decided_on=D("2026-03-01"), actor="registrar-1"))
    assert (error.code, error.field) == ("date_out_of_order", "decided_on")


def test_a_sitting_dated_before_the_payment_is_refused(app):
    case_id = paid(app, applied_on=D("2026-03-02"), paid_on=D("2026-03-04"))
    error = refused(app, DateOutOfOrder, lambda: app.record_attendance(case_id, sat_on=D("2026-03-03"), attended=True, actor="e"))
    assert (error.code, error.field) == ("date_out_of_order", "sat_on")


def test_a_score_outside_0_to_100_is_refused(app):
    case_id = paid(app, applied_on=D("2026-03-02"))
    app.record_attendance(case_id, sat_on=D("2026-04-25"), attended=True, actor="examiner-1")
    error = refused(app, InvalidInput, lambda: app.record_result(case_id, subject="skills", score=101, recorded_on=D("2026-05-08"), actor="e"))  # fmt: skip
    assert (error.code, error.field) == ("invalid_score", "score")


def test_a_command_on_an_ended_case_is_refused_as_closed(app):
    case_id = apply(app, applied_on=D("2026-03-02"))
    app.reject(case_id, reason="材料不全", decided_on=D("2026-03-03"), actor="registrar-1")
    error = refused(app, CaseClosed, lambda: app.review(case_id, decided_on=D("2026-03-04"), actor="registrar-1"))
    assert (error.code, error.field) == ("case_closed", "case_id")
    assert "rejected" in error.message


def test_a_sanction_before_any_sitting_is_refused(app):
    case_id = paid(app, applied_on=D("2026-03-02"))
    error = refused(app, NoSuchSitting, lambda: app.sanction(case_id, tier="sitting", behaviour="须知 三.1", decided_on=D("2026-03-10"), actor="i"))  # fmt: skip
    assert error.field == "sitting_on"


# --- unknown ids and stale versions -------------------------------------------------------------------------

COMMANDS = {
    "review": lambda app, cid: app.review(cid, decided_on=D("2026-03-03"), actor="r"),
    "reject": lambda app, cid: app.reject(cid, reason="x", decided_on=D("2026-03-03"), actor="r"),
    "pay_fee": lambda app, cid: app.pay_fee(cid, amount=598, paid_on=D("2026-03-03"), actor="r"),
    "lapse": lambda app, cid: app.lapse(cid, on=D("2026-03-30"), actor="r"),
    "withdraw": lambda app, cid: app.withdraw(cid, on=D("2026-03-03"), reason="x", actor="r"),
    "record_attendance": lambda app, cid: app.record_attendance(cid, sat_on=D("2026-04-25"), attended=True, actor="e"),
    "record_result": lambda app, cid: app.record_result(cid, subject="theory", score=70, recorded_on=D("2026-05-08"), actor="e"),
    "request_retake": lambda app, cid: app.request_retake(cid, requested_on=D("2026-05-11"), actor="r"),
    "sanction": lambda app, cid: app.sanction(cid, tier="materials", behaviour="须知 一", decided_on=D("2026-05-11"), actor="c"),
    "issue_certificate": lambda app, cid: app.issue_certificate(cid, issued_on=D("2026-06-01"), actor="r"),
    "revoke_certificate": lambda app, cid: app.revoke_certificate(cid, on=D("2026-06-01"), reason="x", actor="r"),
    "reissue_certificate": lambda app, cid: app.reissue_certificate(cid, on=D("2026-06-01"), actor="r"),
}


@pytest.mark.parametrize("command", COMMANDS)
def test_a_command_on_an_unknown_case_is_not_found(app, command):
    apply(app, applied_on=D("2026-03-02"))  # the log is not empty
    unknown = uuid.uuid4()
    error = refused(app, NotFound, lambda: COMMANDS[command](app, unknown))
    assert (error.code, error.field) == ("not_found", "case_id")
    assert str(unknown) in error.message


def test_reading_an_unknown_case_or_candidate_is_not_found(app):
    assert refused(app, NotFound, lambda: app.get_case(uuid.uuid4())).field == "case_id"
    assert refused(app, NotFound, lambda: app.get_candidate(uuid.uuid4())).field == "candidate_id"
    assert app.find_candidate(VALID) is None


@pytest.mark.parametrize("command", ["review", "pay_fee", "withdraw"])
def test_a_candidates_id_is_not_a_case_id(app, command):
    case_id = apply(app, applied_on=D("2026-03-02"))
    candidate_id = app.get_case(case_id).candidate_id
    error = refused(app, NotFound, lambda: COMMANDS[command](app, candidate_id))
    assert error.field == "case_id"


def test_a_stale_expected_version_is_refused_naming_the_current_one(app):
    case_id = apply(app, applied_on=D("2026-03-02"))
    read = app.get_case(case_id).version
    app.review(case_id, decided_on=D("2026-03-03"), actor="registrar-1", expected_version=read)

    error = refused(
        app, StaleVersion,
        lambda: app.pay_fee(case_id, amount=598, paid_on=D("2026-03-04"), actor="cashier", expected_version=read),
    )  # fmt: skip

    assert (error.code, error.field, error.details["current_version"]) == ("stale_version", "expected_version", read + 1)
    app.pay_fee(case_id, amount=598, paid_on=D("2026-03-04"), actor="cashier", expected_version=read + 1)
    assert app.get_case(case_id).stage == "ready_to_sit"
