"""Results, retakes and the validity window (成绩 / 补考, DOMAIN §5): seeds 000/003 四(一)-(四)."""

from __future__ import annotations

from datetime import date

import pytest

from cases.aggregates.case_errors import (
    CaseClosed,
    NoRetakeForCompetition,
    SubjectNotOutstanding,
    ValidityWindowClosed,
)
from cases.aggregates.case_clauses import NO_REFUND_CLAUSE, NO_RETAKE, RETAKE_WAIVED
from cases.service.application import CasesApplication
from cases.errors import RuleViolation
from cases.service.intake import DuplicateApplication
from cases.rulebook.lookup import ApplicationOutsideWindow
from cases.rules.validity import open_window
from tests.builders import (
    apply,
    event_count,
    event_names,
    events_named,
    new_id_number,
    paid,
    refused,
    sat_with_scores,
)

D = date.fromisoformat
VALIDITY_CLAUSE = "seed 000 四(一); seed 003 四(一)"



def failed_skills(app: CasesApplication, *, sat_on: date = D("2026-04-25"), **application) -> object:
    """A wgsh level-3 case that passed theory and failed skills at its first sitting."""
    case_id = paid(app, applied_on=D("2026-03-02"), **application)
    assert sat_with_scores(app, case_id, sat_on, {"theory": 80, "skills": 50}, D("2026-05-08")) == "retake_available"
    return case_id


# --- the window -------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", [5, 4, 3])
def test_the_window_opens_at_the_first_sitting_and_ends_the_day_before_the_second_anniversary(app, level):
    evidence = {"intends_to_work": True} if level == 5 else None
    case_id = paid(app, level=level, applied_on=D("2026-03-02"), evidence=evidence)
    app.record_attendance(case_id, sat_on=D("2026-04-25"), attended=True, actor="examiner-1")

    opened = events_named(app, case_id, "ValidityWindowOpened")[0]
    assert (opened.opened_on, opened.last_day, opened.years) == (D("2026-04-25"), D("2028-04-24"), 2)
    assert opened.clause == VALIDITY_CLAUSE
    assert app.get_case(case_id).window_last_day == D("2028-04-24")


def test_levels_2_and_1_keep_passed_subjects_for_three_years(rulebook):
    # No 2026 project offers level 2 or 1, so no case can reach them: the rule is checked as a pure function
    # with the catalogue's own figures.
    catalogue = rulebook.for_year(2026)
    offered = {lv.level for body in catalogue.bodies for project in body.projects for lv in project.levels}
    assert offered.isdisjoint({1, 2})

    for level in (2, 1):
        window = open_window(D("2026-04-25"), catalogue.validity.years_by_level[level], catalogue.validity.clause)
        assert (window.years, window.last_day) == (3, D("2029-04-24"))
        assert window.is_open_on(D("2029-04-24")) and not window.is_open_on(D("2029-04-25"))


def test_a_first_sitting_on_29_february_ends_its_window_on_28_february():
    assert open_window(D("2028-02-29"), 2, VALIDITY_CLAUSE).last_day == D("2030-02-28")
    assert open_window(D("2028-02-29"), 3, VALIDITY_CLAUSE).last_day == D("2031-02-28")
    assert open_window(D("2028-02-29"), 4, VALIDITY_CLAUSE).last_day == D("2032-02-28")  # a leap year, still 28


def test_a_case_first_sat_on_29_february_records_28_february_as_its_last_day(app_to_2030):
    app = app_to_2030
    case_id = paid(app, body="migu", level=3, applied_on=D("2028-01-10"))
    app.record_attendance(case_id, sat_on=D("2028-02-29"), attended=True, actor="examiner-1")
    assert events_named(app, case_id, "ValidityWindowOpened")[0].last_day == D("2030-02-28")


def test_a_retake_sitting_does_not_move_the_window_fixed_at_the_first_sitting(app):
    case_id = failed_skills(app)
    app.request_retake(case_id, requested_on=D("2026-06-01"), actor="registrar-1")
    app.pay_fee(case_id, amount=498, paid_on=D("2026-06-02"), actor="cashier")
    app.record_attendance(case_id, sat_on=D("2026-06-27"), attended=True, actor="examiner-1")

    assert event_names(app, case_id).count("ValidityWindowOpened") == 1
    case = app.get_case(case_id)
    assert case.window_last_day == D("2028-04-24")
    # the shortcuts the case index reads agree with the full lists, after two sittings and two payments
    assert len(case.sittings) == 2 and case.last_sitting == case.sittings[-1] and case.last_sitting["sat_on"] == D("2026-06-27")
    assert len(case.payments) == 2 and case.paid_total == sum(p["amount"] for p in case.payments)


def test_a_retake_sat_on_the_windows_last_day_is_accepted(app):
    case_id = failed_skills(app)
    app.request_retake(case_id, requested_on=D("2028-04-24"), actor="registrar-1")
    app.pay_fee(case_id, amount=498, paid_on=D("2028-04-24"), actor="cashier")

    assert sat_with_scores(app, case_id, D("2028-04-24"), {"skills": 75}, D("2028-05-20")) == "qualified"
    qualified = events_named(app, case_id, "Qualified")[0]
    assert qualified.scores == {"theory": 80, "skills": 75}
    assert qualified.window_last_day == D("2028-04-24")


def test_a_retake_sat_the_day_after_the_last_day_is_refused(app):
    case_id = failed_skills(app)
    app.request_retake(case_id, requested_on=D("2028-04-20"), actor="registrar-1")
    app.pay_fee(case_id, amount=498, paid_on=D("2028-04-21"), actor="cashier")

    error = refused(
        app, ValidityWindowClosed,
        lambda: app.record_attendance(case_id, sat_on=D("2028-04-25"), attended=True, actor="examiner-1"),
    )  # fmt: skip

    assert (error.code, error.field) == ("validity_window_closed", "sat_on")
    assert error.details["last_day"] == "2028-04-24"
    assert app.get_case(case_id).stage == "ready_to_sit"


def test_a_retake_requested_after_the_last_day_is_refused_and_everything_must_be_applied_for_again(app):
    case_id = failed_skills(app)
    error = refused(app, ValidityWindowClosed, lambda: app.request_retake(case_id, requested_on=D("2028-04-25"), actor="r"))
    assert (error.code, error.field) == ("validity_window_closed", "requested_on")
    assert "2028-04-24" in error.message


def test_only_an_outstanding_subject_can_be_retaken(app):
    case_id = failed_skills(app)
    error = refused(
        app, SubjectNotOutstanding,
        lambda: app.request_retake(case_id, requested_on=D("2026-06-01"), actor="registrar-1", subjects=["theory"]),
    )  # fmt: skip
    assert (error.code, error.field) == ("subject_not_outstanding", "subjects")


def test_a_jsxh_retake_joins_the_next_windows_payment_dates(app):
    case_id = paid(app, body="jsxh", level=4, applied_on=D("2026-03-02"))
    sat_with_scores(app, case_id, D("2026-04-25"), {"theory": 80, "skills": 50}, D("2026-05-22"))

    error = refused(app, ApplicationOutsideWindow, lambda: app.request_retake(case_id, requested_on=D("2026-06-01"), actor="r"))
    assert (error.code, error.field, error.details["next_window"]) == ("application_outside_window", "requested_on", "August")
    assert "retake" in error.message
    app.request_retake(case_id, requested_on=D("2026-09-10"), actor="registrar-1")

    case = app.get_case(case_id)
    assert (case.pay_from, case.pay_by) == (D("2026-10-01"), D("2026-10-12"))  # the November window


@pytest.mark.parametrize("requested_on", ["2028-04-25", "2028-09-15"])
def test_a_jsxh_retake_after_the_validity_window_is_refused_for_the_closed_window_not_the_application_dates(app, requested_on):
    # Issue 12 point 4: it was refused as application_outside_window on field applied_on (no 2028 window is published)
    case_id = paid(app, body="jsxh", level=4, applied_on=D("2026-03-02"))
    sat_with_scores(app, case_id, D("2026-04-25"), {"theory": 80, "skills": 50}, D("2026-05-22"))

    error = refused(app, ValidityWindowClosed, lambda: app.request_retake(case_id, requested_on=D(requested_on), actor="r"))

    assert (error.code, error.field) == ("validity_window_closed", "requested_on")
    assert error.clause == "seed 004 四(一): 超过成绩有效期须重新申报所有科目认定"
    assert "2028-04-24" in error.message


def test_a_jsxh_retake_after_the_validity_window_is_refused_for_the_closed_window_in_a_year_with_windows(app_to_2030):
    app = app_to_2030
    case_id = paid(app, body="jsxh", level=4, applied_on=D("2026-03-02"))
    sat_with_scores(app, case_id, D("2026-04-25"), {"theory": 80, "skills": 50}, D("2026-05-22"))

    inside_a_2028_window = D("2028-06-30")  # the 2028 August window's application dates, after the 2028-04-24 last day
    error = refused(app, ValidityWindowClosed, lambda: app.request_retake(case_id, requested_on=inside_a_2028_window, actor="r"))
    assert (error.code, error.field) == ("validity_window_closed", "requested_on")


def test_a_jsxh_retake_can_be_requested_in_a_window_of_the_next_year(app_to_2030):
    app = app_to_2030
    case_id = paid(app, body="jsxh", level=4, applied_on=D("2026-09-15"))
    sat_with_scores(app, case_id, D("2026-11-07"), {"theory": 80, "skills": 50}, D("2026-11-20"))

    due = app.request_retake(case_id, requested_on=D("2027-03-01"), actor="registrar-1")

    assert due["total"] == 175
    case = app.get_case(case_id)
    assert (case.pay_from, case.pay_by) == (D("2027-03-23"), D("2027-03-29"))  # the 2027 April window


# --- re-applying while a window is open (四(二)) ---------------------------------------------------------


def waivable_case(app: CasesApplication, stage: str, id_number: str) -> object:
    case_id = failed_skills(app, id_number=id_number)
    if stage in ("awaiting_payment", "ready_to_sit"):
        app.request_retake(case_id, requested_on=D("2026-05-11"), actor="registrar-1")
    if stage == "ready_to_sit":
        app.pay_fee(case_id, amount=498, paid_on=D("2026-05-12"), actor="cashier")
    assert app.get_case(case_id).stage == stage
    return case_id


@pytest.mark.parametrize("stage", ["retake_available", "awaiting_payment", "ready_to_sit"])
def test_reapplying_within_the_window_waives_the_retake_in_the_same_write_as_the_new_case(app, stage):
    id_number = new_id_number()
    old_id = waivable_case(app, stage, id_number)
    before = event_count(app)

    new_id = apply(app, id_number=id_number, applied_on=D("2026-06-01"))

    waived = events_named(app, old_id, "RetakeWaived")[0]
    assert waived.new_case_id == new_id
    assert waived.discarded_subjects == ["theory"]
    assert waived.on == D("2026-06-01")
    assert waived.clause == f"seed 000 {RETAKE_WAIVED}"  # the governing notice (a wgsh case)
    old, new = app.get_case(old_id), app.get_case(new_id)
    assert (old.stage, old.ended_on) == ("waived", D("2026-06-01"))
    assert new.stage == "applied" and new.candidate_id == old.candidate_id

    written = app.recorder.select_notifications(start=before + 1, limit=10)
    assert [n.id for n in written] == [before + 1, before + 2, before + 3]  # one atomic write, nothing between
    assert sorted(n.topic.rsplit(".", 1)[-1] for n in written) == ["Applied", "CaseOpened", "RetakeWaived"]
    assert {n.originator_id for n in written} == {old_id, new_id, old.candidate_id}


def test_a_waived_case_takes_no_retake(app):
    id_number = new_id_number()
    old_id = failed_skills(app, id_number=id_number)
    apply(app, id_number=id_number, applied_on=D("2026-06-01"))
    error = refused(app, CaseClosed, lambda: app.request_retake(old_id, requested_on=D("2026-06-02"), actor="r"))
    assert error.code == "case_closed"


def test_reapplying_after_the_window_closed_waives_nothing(app_to_2030):
    app = app_to_2030
    id_number = new_id_number()
    old_id = failed_skills(app, id_number=id_number)

    new_id = apply(app, id_number=id_number, applied_on=D("2028-04-25"))

    assert app.get_case(old_id).stage == "retake_available"
    assert "RetakeWaived" not in event_names(app, old_id)
    assert app.get_case(new_id).rulebook_year == 2028


@pytest.mark.parametrize("stage", ["applied", "awaiting_payment", "ready_to_sit", "awaiting_results"])
def test_applying_again_while_the_first_case_is_active_before_any_result_is_refused(app, stage):
    id_number = new_id_number()
    first = apply(app, id_number=id_number, applied_on=D("2026-03-02"))
    if stage != "applied":
        app.review(first, decided_on=D("2026-03-03"), actor="registrar-1")
    if stage in ("ready_to_sit", "awaiting_results"):
        app.pay_fee(first, amount=598, paid_on=D("2026-03-04"), actor="cashier")
    if stage == "awaiting_results":
        app.record_attendance(first, sat_on=D("2026-04-25"), attended=True, actor="examiner-1")
    assert app.get_case(first).stage == stage

    error = refused(app, DuplicateApplication, lambda: apply(app, id_number=id_number, applied_on=D("2026-05-04")))

    assert (error.code, error.field) == ("duplicate_application", "level")
    assert error.details["case_id"] == str(first)
    assert "RetakeWaived" not in event_names(app, first)


def test_another_level_of_the_same_project_is_a_separate_case(app):
    id_number = new_id_number()
    apply(app, id_number=id_number, level=3, applied_on=D("2026-03-02"))
    second = apply(app, id_number=id_number, level=4, applied_on=D("2026-03-02"))
    assert app.get_case(second).stage == "applied"


def test_applying_again_with_an_empty_work_type_is_still_a_duplicate(app):
    id_number = new_id_number()
    apply(app, id_number=id_number, body="jsxh", level=4, applied_on=D("2026-03-02"), work_type=None)
    refused(app, DuplicateApplication, lambda: apply(app, id_number=id_number, body="jsxh", level=4, applied_on=D("2026-03-03"), work_type=""))  # fmt: skip


def test_applying_again_after_qualifying_but_before_the_certificate_is_refused(app):
    id_number = new_id_number()
    first = paid(app, id_number=id_number, applied_on=D("2026-03-02"))
    assert sat_with_scores(app, first, D("2026-04-25"), {"theory": 80, "skills": 80}, D("2026-05-08")) == "qualified"

    error = refused(app, RuleViolation, lambda: apply(app, id_number=id_number, applied_on=D("2026-05-11")))
    assert error.code in ("duplicate_application", "already_certified")


# --- competitions and absence ---------------------------------------------------------------------------


def test_failing_through_a_skills_competition_bars_the_retake(app):
    case_id = paid(app, body="dsxh", level=3, applied_on=D("2026-03-02"), channel="competition")
    assert sat_with_scores(app, case_id, D("2026-04-25"), {"theory": 70, "skills": 40}, D("2026-05-08")) == "no_retake"

    barred = events_named(app, case_id, "RetakeBarred")[0]
    assert (barred.on, barred.clause) == (D("2026-05-08"), f"seed 001 {NO_RETAKE}")  # dsxh: seed 001
    assert event_names(app, case_id)[-3:] == ["SubjectPassed", "SubjectFailed", "RetakeBarred"]

    error = refused(app, NoRetakeForCompetition, lambda: app.request_retake(case_id, requested_on=D("2026-05-11"), actor="r"))
    assert (error.code, error.field, error.clause) == ("no_retake_for_competition", "case_id", f"seed 001 {NO_RETAKE}")


def test_passing_through_a_skills_competition_qualifies_as_usual(app):
    case_id = paid(app, body="dsxh", level=3, applied_on=D("2026-03-02"), channel="competition")
    assert sat_with_scores(app, case_id, D("2026-04-25"), {"theory": 70, "skills": 60}, D("2026-05-08")) == "qualified"
    assert "RetakeBarred" not in event_names(app, case_id)


def test_an_absent_competition_candidate_is_barred_too(app):
    case_id = paid(app, body="migu", level=3, applied_on=D("2026-03-02"), channel="competition")
    app.record_attendance(case_id, sat_on=D("2026-04-25"), attended=False, actor="examiner-1")
    assert app.get_case(case_id).stage == "no_retake"
    assert event_names(app, case_id)[-3:] == ["Absent", "ValidityWindowOpened", "RetakeBarred"]


def test_an_absent_candidate_gets_no_refund_but_the_window_opens_and_every_subject_can_be_retaken(app):
    case_id = paid(app, body="wgsh", level=3, applied_on=D("2026-03-02"))
    app.record_attendance(case_id, sat_on=D("2026-04-25"), attended=False, actor="examiner-1")

    absent = events_named(app, case_id, "Absent")[0]
    assert (absent.subjects, absent.refunded, absent.clause) == (["theory", "skills"], 0, NO_REFUND_CLAUSE)
    opened = events_named(app, case_id, "ValidityWindowOpened")[0]
    assert (opened.opened_on, opened.last_day) == (D("2026-04-25"), D("2028-04-24"))
    assert app.get_case(case_id).stage == "retake_available"

    due = app.request_retake(case_id, requested_on=D("2026-05-04"), actor="registrar-1")
    assert [(line["subject"], line["amount"]) for line in due["lines"]] == [("theory", 100), ("skills", 498)]
