"""The service layer's contract: every use case answers one `Outcome` naming the aggregate as its command saved
it and the log position of that write, so a caller never reads them back from shared state; two threads'
commands each get their own; a copy the caller loaded still conflicts when someone wrote in between."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import pytest

from cases.errors import Conflict
from cases.service.application import CasesApplication
from cases.service.outcome import Outcome
from tests.builders import PROJECTS, approved, new_id_number, paid, worked

D = date.fromisoformat
SH = timezone(timedelta(hours=8))


def saved(app: CasesApplication, outcome: Outcome) -> Outcome:
    """The outcome names its aggregate's stored version and stage, and the log's head as its position."""
    assert isinstance(outcome, Outcome)
    stored = app.work.load(outcome.id)
    assert (outcome.version, outcome.stage) == (stored.version, getattr(stored, "stage", None) or stored.status)
    assert outcome.position == app.recorder.max_notification_id()
    return outcome


def application(body: str = "wgsh", level: int = 3, applied_on: str = "2026-03-02") -> dict[str, Any]:
    occupation, work_type = PROJECTS[body]
    return {
        "name": "王芳", "id_number": new_id_number(), "body": body, "occupation": occupation, "work_type": work_type,
        "level": level, "applied_on": D(applied_on), "actor": "registrar-1", "evidence": worked(occupation, "2010-01-01"),
    }  # fmt: skip


def test_every_case_command_answers_the_case_as_saved_and_the_position_of_its_write(app):
    applied = saved(app, app.intake.apply(**application()))
    case_id = applied.id
    assert (applied.result, applied.stage, applied.version) == (case_id, "applied", 1)

    reviewed = saved(app, app.intake.review(case_id, decided_on=D("2026-03-02"), actor="registrar-1"))
    assert reviewed.stage == "awaiting_payment" and reviewed.result.id == case_id  # the case as reviewed
    case = app.get_case(case_id)
    saved(app, app.fees.pay_fee(case_id, amount=case.fee_due["total"], paid_on=case.pay_from or case.pay_by, actor="cashier"))
    saved(app, app.results.record_attendance(case_id, sat_on=D("2026-04-25"), attended=True, actor="examiner-1"))
    saved(app, app.results.record_result(case_id, subject="theory", score=80, recorded_on=D("2026-05-08"), actor="examiner-1"))
    failed = saved(app, app.results.record_result(case_id, subject="skills", score=50, recorded_on=D("2026-05-08"), actor="examiner-1"))
    assert failed.result == failed.stage == "retake_available"
    retake = saved(app, app.results.request_retake(case_id, requested_on=D("2026-05-11"), actor="registrar-1"))
    assert retake.result["total"] == 498
    saved(app, app.fees.pay_fee(case_id, amount=498, paid_on=D("2026-05-12"), actor="cashier"))
    saved(app, app.results.record_attendance(case_id, sat_on=D("2026-06-27"), attended=True, actor="examiner-1"))
    passed = saved(app, app.results.record_result(case_id, subject="skills", score=75, recorded_on=D("2026-07-10"), actor="examiner-1"))
    assert passed.stage == "qualified"
    issued = saved(app, app.certificates.issue(case_id, issued_on=D("2026-07-13"), actor="registrar-1"))
    assert issued.result == app.get_case(case_id).certificate["number"]
    revoked = saved(app, app.certificates.revoke(case_id, on=D("2026-07-20"), reason="材料造假", actor="supervisor-1"))
    assert revoked.version == issued.version + 1

    lost = paid(app, body="dmtxh", level=4, applied_on=D("2026-03-02"))
    app.record_attendance(lost, sat_on=D("2026-04-25"), attended=True, actor="examiner-1")
    for subject in app.get_case(lost).subjects:
        app.record_result(lost, subject=subject, score=80, recorded_on=D("2026-05-08"), actor="examiner-1")
    first = saved(app, app.certificates.issue(lost, issued_on=D("2026-06-01"), actor="registrar-1")).result
    reissued = saved(app, app.certificates.reissue(lost, on=D("2026-09-01"), actor="registrar-1"))
    assert reissued.result != first

    sanctioned = paid(app)
    app.record_attendance(sanctioned, sat_on=D("2026-04-25"), attended=True, actor="examiner-1")
    ban = saved(app, app.sanctions.sanction(sanctioned, tier="sitting", behaviour="须知 三.1", decided_on=D("2026-04-25"), actor="examiner-1"))
    assert ban.id == sanctioned

    rejected = saved(app, app.intake.reject(app.apply(**application()), reason="材料不全", decided_on=D("2026-03-03"), actor="registrar-1"))
    assert rejected.stage == "rejected"
    withdrawn = saved(app, app.fees.withdraw(paid(app), on=D("2026-03-10"), reason="个人原因", actor="registrar-1"))
    assert withdrawn.stage == "withdrawn"
    unpaid = approved(app, body="dsxh", level=3, applied_on=D("2026-09-28"), decided_on=D("2026-09-30"))
    assert saved(app, app.fees.lapse(unpaid, on=D("2026-10-11"), actor="registrar-1")).stage == "lapsed"


def test_the_hotline_and_the_sittings_answer_outcomes_too(app):
    case_id = approved(app, body="dmtxh", level=4, applied_on=D("2026-05-04"))
    received = saved(app, app.hotline.receive(
        channel="municipal_line", received_at=datetime(2026, 6, 3, 10, tzinfo=SH), body="dmtxh",
        category="candidate_misconduct", words="有人替考。", actor="supervisor:all:陈主任", complainant_name="李四",
        complainant_contact="13912345678", case_ids=[case_id],
    ))  # fmt: skip
    assert (received.result, received.stage, received.level) == (received.id, "received", "municipal")
    accepted = saved(app, app.hotline.accept(received.id, on=D("2026-06-04"), actor="supervisor:all:陈主任"))
    assert (accepted.version, accepted.stage) == (received.version + 1, "accepted")

    planned = saved(app, app.sittings.plan_sitting(
        body="dmtxh", occupation="全媒体运营师", work_type="直播运营", levels=[4], dates=[D("2026-06-27")], venue="A",
        capacity=30, planned_on=D("2026-05-15"), actor="registrar-1",
    ))  # fmt: skip
    assert (planned.result, planned.stage) == (planned.id, "planned")
    case = app.get_case(case_id)
    app.pay_fee(case_id, amount=case.fee_due["total"], paid_on=case.pay_from or case.pay_by, actor="cashier")
    seated = saved(app, app.sittings.schedule_case(case_id, planned.id, on=D("2026-05-20"), actor="registrar-1"))
    assert seated.id == case_id and isinstance(seated.result, date)

    nothing = app.sittings.carry_december(body="dsxh", year=2026, on=D("2026-12-21"), actor="registrar-1")
    assert (nothing.id, nothing.position, nothing.result) == (None, None, [])  # wrote nothing: no position


def test_two_threads_commands_each_answer_their_own_case_and_write(app):
    """What the thread-locals once carried: each answer names its own case's version and a position holding
    its own event, however the two commands interleave."""
    cases = [paid(app) for _ in range(2)]
    start = threading.Barrier(2)
    answers: dict[UUID, list[Outcome]] = {case_id: [] for case_id in cases}
    failures: list[BaseException] = []

    def sit(case_id: UUID) -> None:
        try:
            start.wait(timeout=30)
            answers[case_id].append(app.results.record_attendance(case_id, sat_on=D("2026-04-25"), attended=True, actor="examiner-1"))
            for subject, score in (("theory", 80), ("skills", 50)):
                answers[case_id].append(app.results.record_result(case_id, subject=subject, score=score, recorded_on=D("2026-05-08"), actor="examiner-1"))
        except BaseException as error:  # reported below, in the test's own thread
            failures.append(error)

    threads = [threading.Thread(target=sit, args=(case_id,)) for case_id in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures

    for case_id, outcomes in answers.items():
        stored = {e.originator_version: e for e in app.events.get(case_id)}
        for outcome in outcomes:
            assert outcome.id == case_id
            [notification] = app.recorder.select_notifications(start=outcome.position, limit=1)
            assert (notification.originator_id, notification.originator_version) == (case_id, outcome.version)
            assert outcome.version in stored
        assert outcomes[-1].version == app.get_case(case_id).version


def test_a_loaded_copy_that_went_stale_still_conflicts_and_writes_nothing(app):
    case_id = paid(app)
    loaded = app.get_case(case_id)  # as the API loads it for the scope check
    app.record_attendance(case_id, sat_on=D("2026-04-25"), attended=True, actor="examiner-2")  # someone else's write
    before, version = app.recorder.max_notification_id(), app.get_case(case_id).version

    with pytest.raises(Conflict):
        app.results.record_attendance(case_id, sat_on=D("2026-04-25"), attended=True, actor="examiner-1", loaded=loaded)

    assert app.recorder.max_notification_id() == before
    assert app.get_case(case_id).version == version  # the other write only


def test_a_loaded_copy_of_another_case_is_not_used(app):
    case_id, other = paid(app), paid(app)
    outcome = app.results.record_attendance(case_id, sat_on=D("2026-04-25"), attended=True, actor="examiner-1", loaded=app.get_case(other))
    assert outcome.id == case_id and saved(app, outcome)
