"""Fees (申报缴费, DOMAIN §4): the amount due, when it is due, retake prices, lapse and no refunds."""

from __future__ import annotations

from datetime import date

import pytest

from cases.aggregates.case_errors import NotYetLapsed, PaymentAfterDeadline, PaymentBeforeWindow, WrongAmount, WrongStage
from cases.aggregates.case_clauses import NO_REFUND_CLAUSE
from cases.rules.fees import RetakePriceUnset
from tests.builders import apply, approved, event_names, events_named, paid, refused, sat_with_scores

D = date.fromisoformat
HR = "企业人力资源管理师"


@pytest.mark.parametrize(
    ("body", "level", "due", "offered", "clause"),
    [
        ("wgsh", 3, 598, 528, "seed 000 二(四)2"),
        ("dsxh", 4, 400, 200, "seed 001 二(四)2"),
        ("dmtxh", 3, 500, 400, "seed 002 二(四)2"),
        ("migu", 3, 500, 110, "seed 003 二(四)2"),
    ],
)
def test_a_wrong_amount_is_refused_naming_the_amount_and_the_fee_clause_and_nothing_is_written(app, body, level, due, offered, clause):  # fmt: skip
    case_id = approved(app, body=body, level=level, applied_on=D("2026-06-01"))

    error = refused(app, WrongAmount, lambda: app.pay_fee(case_id, amount=offered, paid_on=D("2026-06-02"), actor="cashier"))

    assert (error.code, error.field, error.clause) == ("wrong_amount", "amount", clause)
    assert error.details["due"] == due
    assert f"{offered} yuan paid but {due} yuan is due" in error.message
    assert app.get_case(case_id).stage == "awaiting_payment"


def test_a_jsxh_wrong_amount_names_the_attachment_that_prices_it(app):
    case_id = approved(app, body="jsxh", level=3, occupation="职业培训师", applied_on=D("2026-07-01"))
    error = refused(app, WrongAmount, lambda: app.pay_fee(case_id, amount=350, paid_on=D("2026-07-20"), actor="cashier"))
    assert error.clause == "seed 004 附件3"
    assert error.details["due"] == 400


def test_the_fee_is_due_three_working_days_after_approval_across_the_national_day_holiday(app):
    case_id = approved(app, body="wgsh", applied_on=D("2026-09-28"), decided_on=D("2026-09-30"))
    case = app.get_case(case_id)
    assert case.pay_by == D("2026-10-10")  # 10-01..10-07 off (10-08 counts), 10-10 a make-up working Saturday
    assert events_named(app, case_id, "Approved")[0].payment["due_on"] == "2026-10-10"

    app.pay_fee(case_id, amount=598, paid_on=D("2026-10-10"), actor="cashier")  # the last day still counts
    assert app.get_case(case_id).stage == "ready_to_sit"


def test_a_payment_after_the_deadline_is_refused_naming_it_and_only_then_can_the_case_lapse(app):
    case_id = approved(app, body="dsxh", level=3, applied_on=D("2026-09-28"), decided_on=D("2026-09-30"))

    late = refused(app, PaymentAfterDeadline, lambda: app.pay_fee(case_id, amount=500, paid_on=D("2026-10-11"), actor="cashier"))
    assert (late.code, late.field) == ("payment_after_deadline", "paid_on")
    assert late.details["deadline"] == "2026-10-10"
    assert "2026-10-10" in late.message
    assert late.clause.startswith("seed 001 二(四)1")

    early = refused(app, NotYetLapsed, lambda: app.lapse(case_id, on=D("2026-10-10"), actor="registrar-1"))
    assert (early.code, early.field) == ("not_yet_lapsed", "on")

    app.lapse(case_id, on=D("2026-10-11"), actor="registrar-1")
    case = app.get_case(case_id)
    assert case.stage == "lapsed"
    assert event_names(app, case_id)[-1] == "Lapsed"
    assert events_named(app, case_id, "Lapsed")[0].due_on == D("2026-10-10")


def test_a_jsxh_payment_is_taken_only_within_the_windows_payment_dates(app):
    case_id = approved(app, body="jsxh", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-10"))

    early = refused(app, PaymentBeforeWindow, lambda: app.pay_fee(case_id, amount=350, paid_on=D("2026-03-22"), actor="cashier"))
    assert (early.code, early.field, early.clause) == ("payment_before_window", "paid_on", "seed 004 二(四)")
    assert "2026-03-23" in early.message and "2026-03-29" in early.message

    late = refused(app, PaymentAfterDeadline, lambda: app.pay_fee(case_id, amount=350, paid_on=D("2026-03-30"), actor="cashier"))
    assert late.details["deadline"] == "2026-03-29"

    app.pay_fee(case_id, amount=350, paid_on=D("2026-03-29"), actor="cashier")
    assert [e.amount for e in events_named(app, case_id, "FeePaid")] == [350]


def test_a_jsxh_deadline_is_the_windows_last_payment_day_not_three_working_days(app):
    case_id = approved(app, body="jsxh", level=3, applied_on=D("2026-09-10"), decided_on=D("2026-09-11"))
    case = app.get_case(case_id)
    assert (case.pay_from, case.pay_by) == (D("2026-10-01"), D("2026-10-12"))  # November window
    assert refused(app, NotYetLapsed, lambda: app.lapse(case_id, on=D("2026-09-17"), actor="registrar-1")).field == "on"


def test_paying_twice_is_refused(app):
    case_id = paid(app, body="migu", level=4, applied_on=D("2026-06-01"))
    error = refused(app, WrongStage, lambda: app.pay_fee(case_id, amount=400, paid_on=D("2026-06-02"), actor="cashier"))
    assert error.details["stage"] == "ready_to_sit"


@pytest.mark.parametrize(
    ("body", "level", "occupation", "scores", "lines"),
    [
        ("wgsh", 3, None, {"theory": 40, "skills": 90}, [("theory", 100)]),
        ("wgsh", 3, None, {"theory": 40, "skills": 50}, [("theory", 100), ("skills", 498)]),
        ("wgsh", 5, None, {"theory": 90, "skills": 50}, [("skills", 338)]),
        ("dsxh", 3, None, {"theory": 90, "skills": 59}, [("skills", 250)]),
        ("migu", 3, None, {"theory": 10, "skills": 90}, [("theory", 110)]),
        ("jsxh", 3, "职业培训师", {"theory": 90, "skills": 30}, [("skills", 200)]),
        ("jsxh", 4, HR, {"theory": 30, "skills": 30}, [("theory", 175), ("skills", 175)]),
    ],
)
def test_a_retake_is_charged_per_subject_at_the_bodys_retake_price(app, body, level, occupation, scores, lines):
    applied_on = D("2026-07-01") if body == "jsxh" else D("2026-06-01")
    extra = {"occupation": occupation} if occupation else {}
    evidence = {"intends_to_work": True} if level == 5 else None
    case_id = paid(app, body=body, level=level, applied_on=applied_on, evidence=evidence, **extra)
    assert sat_with_scores(app, case_id, D("2026-08-22"), scores, D("2026-09-15")) == "retake_available"

    # jsxh retakes join the next window: applications 09-10..09-30, payment 10-01..10-12
    due = app.request_retake(case_id, requested_on=D("2026-09-16"), actor="registrar-1")

    assert [(line["subject"], line["amount"]) for line in due["lines"]] == lines
    assert due["total"] == sum(amount for _, amount in lines)
    assert due["kind"] == "retake"
    assert events_named(app, case_id, "RetakeRequested")[0].fee == due


def test_a_dmtxh_retake_is_refused_while_seed_002_states_no_retake_price(app):
    case_id = paid(app, body="dmtxh", level=4, applied_on=D("2026-06-01"))
    sat_with_scores(app, case_id, D("2026-07-18"), {"theory": 80, "skills": 45}, D("2026-08-14"))

    error = refused(app, RetakePriceUnset, lambda: app.request_retake(case_id, requested_on=D("2026-08-17"), actor="registrar-1"))

    assert (error.code, error.field) == ("retake_price_unset", "subjects")
    assert error.clause.startswith("seed 002 四(一)")
    assert "skills" in error.message
    assert app.get_case(case_id).stage == "retake_available"


def test_an_unpaid_retake_lapses_back_to_retake_available_keeping_the_passed_subject(app):
    case_id = paid(app, body="wgsh", level=4, applied_on=D("2026-06-01"))
    sat_with_scores(app, case_id, D("2026-07-18"), {"theory": 80, "skills": 45}, D("2026-08-14"))
    app.request_retake(case_id, requested_on=D("2026-08-17"), actor="registrar-1")
    assert app.get_case(case_id).pay_by == D("2026-08-20")

    app.lapse(case_id, on=D("2026-08-21"), actor="registrar-1")

    case = app.get_case(case_id)
    assert case.stage == "retake_available"
    assert case.outstanding_subjects() == ["skills"]
    assert events_named(app, case_id, "Lapsed")[0].retake is True
    assert app.request_retake(case_id, requested_on=D("2026-09-01"), actor="registrar-1")["total"] == 428


def test_withdrawing_after_paying_records_the_fee_kept_and_no_refund(app):
    case_id = paid(app, body="wgsh", level=3, applied_on=D("2026-06-01"))
    app.withdraw(case_id, on=D("2026-06-10"), reason="个人原因", actor="registrar-1")

    withdrawn = events_named(app, case_id, "Withdrawn")[0]
    assert (withdrawn.fees_paid, withdrawn.refunded) == (598, 0)
    assert withdrawn.clause == NO_REFUND_CLAUSE
    assert app.get_case(case_id).stage == "withdrawn"


def test_withdrawing_before_paying_records_nothing_paid_and_nothing_refunded(app):
    case_id = apply(app, body="dsxh", level=4, applied_on=D("2026-06-01"))
    app.withdraw(case_id, on=D("2026-06-01"), reason="改报其他职业", actor="registrar-1")
    withdrawn = events_named(app, case_id, "Withdrawn")[0]
    assert (withdrawn.fees_paid, withdrawn.refunded) == (0, 0)
