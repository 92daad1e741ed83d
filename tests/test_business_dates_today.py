"""A business date is never after today (issue 12 point 8): a command records what has happened, so a retake
"requested" two years ahead, a fee "paid" tomorrow or a complaint "received" next week is refused naming its field,
and nothing of the write is stored. Planned dates (a sitting's days, a ban's end, a deadline) may lie ahead.
Today is CASES_TODAY when set (these tests set it), else the real date in Shanghai."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any
from uuid import UUID

import pytest

from cases.service.application import CasesApplication
from cases.aggregates.candidate import Candidate
from cases.aggregates.evaluation_case import EvaluationCase
from cases.business_dates import business_date, business_date_field, refuse_future
from cases.errors import FutureBusinessDate
from cases.projections.case_index import BUSINESS_DATE, CASE_EVENTS
from cases.settings import ConfigurationError, Settings, today
from tests.builders import apply, approved, certify, event_count, paid, refused, sat_with_scores

D = date.fromisoformat
SH = timezone(timedelta(hours=8))
TODAY, TOMORROW = "2026-06-01", D("2026-06-02")
REGISTRAR = "registrar-1"
SUPERVISOR = "supervisor:all:陈主任"


@pytest.fixture
def on_1_june(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASES_TODAY", TODAY)


def refused_as_future(app: CasesApplication, field: str, command: Callable[[], object], today_is: str = TODAY) -> FutureBusinessDate:
    """The command is refused naming the field and today, and the log holds nothing more."""
    error = refused(app, FutureBusinessDate, command)
    assert (error.code, error.field, error.http_status, error.details) == ("business_date_in_future", field, 422, {"today": today_is})
    assert f"is after today ({today_is}); a business date records what has happened" in error.message
    return error


# --- the finding ---------------------------------------------------------------------------------------------


def test_a_retake_requested_two_years_ahead_is_refused_and_nothing_is_written(app_to_2030, monkeypatch):
    app = app_to_2030
    monkeypatch.setenv("CASES_TODAY", "2026-05-11")
    case_id = paid(app, applied_on=D("2026-03-02"))
    assert sat_with_scores(app, case_id, D("2026-04-25"), {"theory": 80, "skills": 50}, D("2026-05-08")) == "retake_available"
    case = app.get_case(case_id)
    assert case.window_last_day == D("2028-04-24")  # the window is open then: only the date's being ahead refuses it

    retake = lambda: app.request_retake(case_id, requested_on=D("2028-04-20"), actor=REGISTRAR)  # noqa: E731
    error = refused_as_future(app, "requested_on", retake, today_is="2026-05-11")

    assert "requested_on 2028-04-20 is after today (2026-05-11)" in error.message
    after = app.get_case(case_id)
    assert (after.version, after.stage) == (case.version, "retake_available")


# --- every kind of command, dated the day after today -------------------------------------------------------


def _wgsh_sat(app: CasesApplication) -> UUID:
    case_id = paid(app, applied_on=D("2026-03-02"))
    app.record_attendance(case_id, sat_on=D("2026-04-25"), attended=True, actor="examiner-1")
    return case_id


def _wgsh_failed_skills(app: CasesApplication) -> UUID:
    case_id = paid(app, applied_on=D("2026-03-02"))
    sat_with_scores(app, case_id, D("2026-04-25"), {"theory": 80, "skills": 50}, D("2026-05-08"))
    return case_id


def _wgsh_qualified(app: CasesApplication) -> UUID:
    case_id = paid(app, applied_on=D("2026-03-02"))
    assert sat_with_scores(app, case_id, D("2026-04-25"), {"theory": 80, "skills": 90}, D("2026-05-08")) == "qualified"
    return case_id


def _wgsh_certified(app: CasesApplication) -> UUID:
    case_id = paid(app, applied_on=D("2026-03-02"))
    certify(app, case_id, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-05-20"))
    return case_id


def _received(app: CasesApplication, when: str = "2026-06-01 10:00", **details: Any) -> UUID:
    form = {
        "channel": "municipal_line", "received_at": datetime.fromisoformat(when).replace(tzinfo=SH), "body": "wgsh",
        "category": "fees", "words": "缴费期限太短。", "actor": SUPERVISOR, "complainant_name": "李四",
        "complainant_contact": "13912345678",
    }  # fmt: skip
    return app.complaints.receive(**{**form, **details})


def _accepted(app: CasesApplication) -> UUID:
    complaint_id = _received(app, "2026-05-28 10:00")
    app.complaints.accept(complaint_id, on=D("2026-05-29"), actor=SUPERVISOR)
    return complaint_id


def _plan(app: CasesApplication, planned_on: date, day: str = "2026-06-13") -> UUID:
    return app.scheduling.plan_sitting(
        body="wgsh", occupation="互联网营销师", work_type="视频创推员", levels=[4, 3], dates=[D(day)], venue="新闻路945号306室",
        capacity=40, planned_on=planned_on, actor=REGISTRAR,
    )  # fmt: skip


Setup = Callable[[CasesApplication], Any]
Command = Callable[[CasesApplication, Any], object]
COMMANDS: dict[str, tuple[Setup, Command, str]] = {
    "application": (lambda app: None, lambda app, _: apply(app, applied_on=TOMORROW), "applied_on"),
    "review": (lambda app: apply(app, applied_on=D("2026-05-28")), lambda app, c: app.review(c, decided_on=TOMORROW, actor=REGISTRAR), "decided_on"),
    "rejection": (lambda app: apply(app, applied_on=D("2026-05-28")),
                  lambda app, c: app.reject(c, reason="材料不全", decided_on=TOMORROW, actor=REGISTRAR), "decided_on"),
    "payment": (lambda app: approved(app, applied_on=D("2026-05-28"), decided_on=D(TODAY)),
                lambda app, c: app.pay_fee(c, amount=app.get_case(c).fee_due["total"], paid_on=TOMORROW, actor="cashier"), "paid_on"),
    "attendance": (lambda app: paid(app, applied_on=D("2026-03-02")),
                   lambda app, c: app.record_attendance(c, sat_on=TOMORROW, attended=True, actor="examiner-1"), "sat_on"),
    "result": (_wgsh_sat, lambda app, c: app.record_result(c, subject="theory", score=80, recorded_on=TOMORROW, actor="examiner-1"), "recorded_on"),
    "retake": (_wgsh_failed_skills, lambda app, c: app.request_retake(c, requested_on=TOMORROW, actor=REGISTRAR), "requested_on"),
    "sanction": (_wgsh_sat, lambda app, c: app.sanction(c, tier="sitting", behaviour="须知 三.1", decided_on=TOMORROW, actor="i"), "decided_on"),
    "certificate": (_wgsh_qualified, lambda app, c: app.issue_certificate(c, issued_on=TOMORROW, actor=REGISTRAR), "issued_on"),
    "revocation": (_wgsh_certified, lambda app, c: app.revoke_certificate(c, on=TOMORROW, reason="材料虚假", actor="s"), "on"),
    "withdrawal": (lambda app: paid(app, applied_on=D("2026-03-02")),
                   lambda app, c: app.withdraw(c, on=TOMORROW, reason="个人原因", actor=REGISTRAR), "on"),
    "lapse": (lambda app: approved(app, applied_on=D("2026-05-20"), decided_on=D("2026-05-21")),
              lambda app, c: app.lapse(c, on=TOMORROW, actor=REGISTRAR), "on"),
    "sitting": (lambda app: None, lambda app, _: _plan(app, planned_on=TOMORROW), "planned_on"),
    "seat": (lambda app: (paid(app, applied_on=D("2026-05-28"), decided_on=D("2026-05-29"), paid_on=D("2026-05-29")), _plan(app, D("2026-05-20"))),
             lambda app, ids: app.scheduling.schedule_case(ids[0], ids[1], on=TOMORROW, actor=REGISTRAR), "on"),
    "complaint": (lambda app: None, lambda app, _: _received(app, "2026-06-02 09:00"), "received_at"),
    "complaint acceptance": (lambda app: _received(app, "2026-05-28 10:00"),
                             lambda app, c: app.complaints.accept(c, on=TOMORROW, actor=SUPERVISOR), "on"),
    "complaint result": (_accepted, lambda app, c: app.complaints.resolve(
        c, outcome="not_upheld", findings="符合规定", recorded_by="陈主任", on=TOMORROW, actor=SUPERVISOR), "on"),
}  # fmt: skip


def _version(app: CasesApplication, made: Any) -> Any:
    if isinstance(made, tuple):
        return tuple(_version(app, one) for one in made)
    return None if made is None else app.repository.get(made).version


@pytest.mark.parametrize("command", COMMANDS, ids=str)
def test_a_command_dated_after_today_is_refused_naming_its_field_and_writes_nothing(app, on_1_june, command):
    setup, run, field = COMMANDS[command]
    made = setup(app)
    version = _version(app, made)

    refused_as_future(app, field, lambda: run(app, made))

    assert _version(app, made) == version


# --- today, and what may lie ahead ---------------------------------------------------------------------------


def test_a_command_dated_today_is_accepted(app, on_1_june):
    case_id = approved(app, applied_on=D("2026-05-28"), decided_on=D(TODAY))
    app.pay_fee(case_id, amount=app.get_case(case_id).fee_due["total"], paid_on=D(TODAY), actor="cashier")
    assert app.get_case(case_id).stage == "ready_to_sit"


def test_planning_a_sitting_and_seating_a_case_for_days_ahead_is_accepted(app, on_1_june):
    case_id = paid(app, applied_on=D("2026-05-28"), decided_on=D("2026-05-29"), paid_on=D("2026-05-29"))
    sitting_id = _plan(app, planned_on=D(TODAY), day="2026-06-13")

    ticket_from = app.scheduling.schedule_case(case_id, sitting_id, on=D(TODAY), actor=REGISTRAR)

    scheduled = app.get_case(case_id).scheduled
    assert scheduled["dates"] == [D("2026-06-13")] and ticket_from <= D("2026-06-13")


def test_a_sanction_today_records_a_ban_ending_years_ahead(app_to_2030, monkeypatch):
    app = app_to_2030
    monkeypatch.setenv("CASES_TODAY", "2026-05-10")
    case_id = _wgsh_sat(app)
    ban = app.sanction(case_id, tier="grave", severity="serious", behaviour="须知 四.5", decided_on=D("2026-05-10"), actor="i")
    assert ban["ends_on"] == D("2031-05-09")


def test_a_complaint_received_on_a_saturday_counts_from_monday_ahead_and_is_accepted(app, monkeypatch):
    monkeypatch.setenv("CASES_TODAY", "2026-06-06")  # a Saturday
    complaint_id = _received(app, "2026-06-06 10:00")
    assert app.complaints.get(complaint_id).counts_from == D("2026-06-08")


def test_a_complaint_counts_by_its_day_in_shanghai(app, on_1_june):
    late_evening = _received(app, "2026-06-01 23:30")
    assert app.complaints.get(late_evening).received_at.date() == D(TODAY)
    utc_evening = datetime(2026, 6, 1, 20, 0, tzinfo=timezone.utc)  # 2 June, 04:00 in Shanghai
    refused_as_future(app, "received_at", lambda: _received(app, received_at=utc_evening))


# --- the demo ----------------------------------------------------------------------------------------------


def test_the_demo_runs_with_today_its_own_last_day(tmp_path, monkeypatch):
    from cases.demo import TODAY as DEMO_TODAY, run_demo

    monkeypatch.setenv("CASES_TODAY", DEMO_TODAY.isoformat())
    app = CasesApplication(Settings(data_dir=tmp_path / "var", id_hash_key="test-id-hash-key"))
    try:
        assert run_demo(app).events_written > 500
    finally:
        app.close()


def test_the_demo_with_today_before_its_last_day_refuses_before_writing_anything(tmp_path, monkeypatch):
    from cases.demo import TODAY as DEMO_TODAY, run_demo

    monkeypatch.setenv("CASES_TODAY", "2026-11-20")
    app = CasesApplication(Settings(data_dir=tmp_path / "var", id_hash_key="test-id-hash-key"))
    try:
        with pytest.raises(FutureBusinessDate) as caught:
            run_demo(app)
        assert (caught.value.field, caught.value.details) == ("CASES_TODAY", {"today": "2026-11-20"})
        assert f"the demo records days up to {DEMO_TODAY}" in caught.value.message
        assert event_count(app) == 0
    finally:
        app.close()


# --- where today comes from ----------------------------------------------------------------------------------


def test_cases_today_sets_today(monkeypatch):
    monkeypatch.setenv("CASES_TODAY", "2027-02-28")
    assert today() == D("2027-02-28")


def test_without_cases_today_today_is_the_real_date_in_shanghai(monkeypatch):
    monkeypatch.delenv("CASES_TODAY", raising=False)
    real = datetime.now(SH).date()
    assert today() in (real, datetime.now(SH).date())  # the same, unless midnight passed in between
    event = SimpleNamespace(on=today() + timedelta(days=1))
    with pytest.raises(FutureBusinessDate):
        refuse_future([event])
    refuse_future([SimpleNamespace(on=today())])


@pytest.mark.parametrize("given", ["2026-13-01", "tomorrow", "20260601", "2026-6-1", "1899-12-31", "2100-01-01"])
def test_a_malformed_cases_today_is_a_configuration_error_naming_it(monkeypatch, given):
    monkeypatch.setenv("CASES_TODAY", given)
    with pytest.raises(ConfigurationError) as caught:
        today()
    assert caught.value.field == "CASES_TODAY" and "CASES_TODAY" in caught.value.message


def test_a_command_under_a_malformed_cases_today_writes_nothing(app, monkeypatch):
    monkeypatch.setenv("CASES_TODAY", "someday")
    before = event_count(app)
    with pytest.raises(ConfigurationError):
        apply(app, applied_on=D("2026-03-02"))
    assert event_count(app) == before


def test_an_events_business_date_is_the_first_date_recording_what_happened():
    assert business_date({"due_on": D("2026-03-06"), "on": D("2026-03-09")}) == ("on", D("2026-03-09"))  # Lapsed
    assert business_date({"sat_on": D("2026-04-25"), "recorded_on": D("2026-05-08")}) == ("recorded_on", D("2026-05-08"))
    assert business_date({"dates": [D("2026-07-11")], "planned_on": D("2026-06-01")}) == ("planned_on", D("2026-06-01"))
    assert business_date({"starts_on": D("2026-05-10"), "ends_on": D("2031-05-09")}) is None  # Banned: planned
    received = datetime(2026, 6, 6, 10, 0, tzinfo=SH)
    assert business_date({"received_at": received, "counts_from": D("2026-06-08")}) == ("received_at", D("2026-06-06"))


def test_the_case_index_finds_each_events_business_date_by_its_class_from_the_same_list():
    every_field_a_date = {event: {field.name: D("2026-03-02") for field in fields(event)} for event in CASE_EVENTS}
    assert {event: business_date(attrs)[0] for event, attrs in every_field_a_date.items()} == BUSINESS_DATE
    assert (BUSINESS_DATE[EvaluationCase.Lapsed], BUSINESS_DATE[EvaluationCase.SubjectPassed]) == ("on", "recorded_on")
    with pytest.raises(LookupError):
        business_date_field(Candidate.Banned)  # its days are planned: no reader may look one up
