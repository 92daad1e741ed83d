"""Stages and window states that say what holds on the day asked (issue 12 points 1 and 2): a sanctioned case shows
its ban, the ban's end and whether a retake remains after it (须知 三/四; 四(一); rules/sanctions.py Decision); a
waived case's passes no longer count (四(二)). On SQLite and PostgreSQL."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date
from uuid import UUID

import pytest
from eventsourcing.domain import Snapshot

from cases.aggregates import subject_standing as standing
from cases.aggregates.case_errors import CaseBarred, NoRetakeAfterBan
from cases.aggregates.case_stages import stage_on
from cases.aggregates.evaluation_case import EvaluationCase
from cases.service.application import CasesApplication
from cases.service.intake import CandidateBanned
from cases.projections.engine.service import Projections
from cases.projections.engine.store import ReadModelStore
from cases.projections.validity_windows import ValidityWindows, closing_within, expired_between, window_of
from cases.service.replay import summarise
from cases.rules.sanctions import NO_RETAKE_AFTER_BAN, RETAKE_AFTER_BAN, retake_after
from cases.settings import Settings
from tests.builders import apply, events_named, new_id_number, paid, refused, sat_with_scores

D = date.fromisoformat


@pytest.fixture
def windows(app: CasesApplication, store: Settings) -> Iterator[Projections]:
    read_store = ReadModelStore.from_settings(store)
    yield Projections(app, read_store, [ValidityWindows()])
    read_store.dispose()


def failed_skills(app: CasesApplication, **application) -> UUID:
    """A wgsh level-3 case: theory passed, skills failed at its first sitting on 2026-04-25 (window to 2028-04-24)."""
    case_id = paid(app, applied_on=D("2026-03-02"), **application)
    assert sat_with_scores(app, case_id, D("2026-04-25"), {"theory": 80, "skills": 50}, D("2026-05-08")) == "retake_available"
    return case_id


def window_on(read_models: Projections, case_id: UUID, day: str) -> dict:
    read_models.catch_up()
    return window_of(read_models, case_id, D(day))


# --- finding 1: a sanction's ban, and whether a retake remains after it ----------------------------------------


def test_a_sitting_ban_bars_the_case_to_31_december_and_a_retake_is_available_after_it(app_to_2030, store):
    app = app_to_2030
    case_id = failed_skills(app)

    app.sanction(case_id, tier="sitting", behaviour="须知 三.2", sitting_on=D("2026-04-25"), decided_on=D("2026-06-01"), actor="compliance-1")

    case = app.get_case(case_id)
    assert case.stage == "barred"  # was: retake_available
    assert (case.stage_on(D("2026-12-31")), case.stage_on(D("2027-01-01"))) == ("barred", "retake_available")
    recorded = events_named(app, case_id, "Sanctioned")[0].retake
    assert recorded == {
        "possible": True, "from": D("2027-01-01"), "barred_until": D("2026-12-31"), "window_last_day": D("2028-04-24"),
        "clause": f"seed 000 {RETAKE_AFTER_BAN}",
    }  # fmt: skip
    shown = summarise(case).sanctions[-1]  # the case view: the ban's start and end, and the retake after it
    assert (shown["ban"]["starts_on"], shown["ban"]["ends_on"], shown["retake"]["from"]) == ("2026-06-01", "2026-12-31", "2027-01-01")

    error = refused(app, CaseBarred, lambda: case.check_retake_request(subjects=["theory", "skills"], requested_on=D("2026-12-31")))
    assert (error.code, error.field, error.details["ends_on"], error.details["retake_from"]) == ("case_barred", "requested_on", "2026-12-31", "2027-01-01")
    assert "须知 三: 当年不得参加评价" in error.message
    refused(app, CandidateBanned, lambda: app.request_retake(case_id, requested_on=D("2026-12-31"), actor="registrar-1"))

    due = app.request_retake(case_id, requested_on=D("2027-01-04"), actor="registrar-1")
    assert [line["subject"] for line in due["lines"]] == ["theory", "skills"]  # the sitting's pass was cancelled too
    assert app.get_case(case_id).stage == "awaiting_payment"


def test_a_five_year_ban_outlasting_the_window_leaves_no_retake(app_to_2030, store):
    app = app_to_2030
    case_id = failed_skills(app)

    app.sanction(case_id, tier="grave", severity="serious", behaviour="须知 四.4", decided_on=D("2026-05-09"), actor="supervisor-1")

    case = app.get_case(case_id)
    assert case.stage == "barred_no_retake"  # was: retake_available
    assert case.stage_on(D("2031-05-08")) == "barred_no_retake"
    assert case.stage_on(D("2031-05-09")) == "no_retake"  # the ban over, the window long closed: no retake remains
    retake = case.retake_after_sanction
    assert (retake["possible"], retake["from"], retake["barred_until"]) == (False, None, D("2031-05-08"))
    assert retake["clause"] == f"seed 000 {NO_RETAKE_AFTER_BAN}"
    error = refused(app, NoRetakeAfterBan, lambda: case.check_retake_request(subjects=["skills"], requested_on=D("2031-06-01")))
    assert (error.code, error.details["last_day"]) == ("no_retake_after_ban", "2028-04-24")


def test_a_sitting_ban_at_a_retake_that_runs_past_the_window_leaves_no_retake(app_to_2030, store):
    app = app_to_2030
    case_id = failed_skills(app)
    app.request_retake(case_id, requested_on=D("2028-03-01"), actor="registrar-1")
    app.pay_fee(case_id, amount=app.get_case(case_id).fee_due["total"], paid_on=D("2028-03-02"), actor="cashier")
    app.record_attendance(case_id, sat_on=D("2028-03-25"), attended=True, actor="examiner-1")

    app.sanction(case_id, tier="sitting", behaviour="须知 三.1", decided_on=D("2028-03-25"), actor="invigilator-1")

    case = app.get_case(case_id)
    assert (case.stage, case.retake_after_sanction["barred_until"]) == ("barred_no_retake", D("2028-12-31"))
    assert standing.standing(case.subjects, case.attempts) == {"theory": "passed", "skills": "cancelled"}


def test_a_window_a_ban_bars_is_not_open_until_the_ban_ends_and_one_it_outlasts_is_closed_by_the_ban(app_to_2030, store):
    app = app_to_2030
    read_models = Projections(app, ReadModelStore.from_settings(store), [ValidityWindows()])
    try:
        barred = failed_skills(app)
        app.sanction(barred, tier="sitting", behaviour="须知 三.1", sitting_on=D("2026-04-25"), decided_on=D("2026-06-01"), actor="c")
        closed = failed_skills(app)
        app.sanction(closed, tier="grave", severity="serious", behaviour="须知 四.5", decided_on=D("2026-06-01"), actor="c")

        during = window_on(read_models, barred, "2026-12-31")
        assert (during["state"], during["barred_until"], during["outstanding"]) == ("barred", D("2026-12-31"), "theory, skills")
        assert window_on(read_models, barred, "2027-01-01")["state"] == "open"
        assert window_on(read_models, barred, "2028-04-25")["state"] == "expired"
        for day in ("2026-06-01", "2028-04-25", "2031-06-01"):
            assert window_on(read_models, closed, day)["state"] == "closed_by_ban"  # never open, never expired

        assert [(w["case_id"], w["state"]) for w in closing_within(read_models, D("2028-04-01"), 30)] == [(str(barred), "open")]
        assert [w["case_id"] for w in expired_between(read_models, D("2028-04-25"), D("2028-04-30"))] == [str(barred)]
    finally:
        read_models.store.dispose()


def test_a_ban_decided_on_an_older_event_is_replayed_the_same_as_one_recorded_since(app_to_2030, store):
    """A Sanctioned event written before the retake decision was recorded: applying it decides the same way."""
    app = app_to_2030
    case_id = failed_skills(app)
    app.sanction(case_id, tier="sitting", behaviour="须知 三.2", sitting_on=D("2026-04-25"), decided_on=D("2026-06-01"), actor="c")

    case = None
    for event in app.events.get(case_id):
        if type(event).__name__ == "Sanctioned":
            event = copy.copy(event)
            del event.__dict__["retake"]
        case = event.mutate(case)
    assert (case.stage, case.sanctions) == (app.get_case(case_id).stage, app.get_case(case_id).sanctions)


# --- finding 2: a waived case's passes no longer count -----------------------------------------------------------


def test_a_waived_cases_passes_show_as_no_longer_counting(app, windows):
    id_number = new_id_number()
    old_id = failed_skills(app, id_number=id_number)

    apply(app, id_number=id_number, applied_on=D("2026-06-01"))

    old = app.get_case(old_id)
    assert standing.standing(old.subjects, old.attempts) == {"theory": "discarded", "skills": "failed"}  # was: passed
    assert standing.passed(old.subjects, old.attempts) == []
    assert summarise(old).standing == {"theory": "discarded", "skills": "failed"}
    window = window_on(windows, old_id, "2026-06-01")
    assert (window["state"], window["passed"], window["outstanding"]) == ("waived", "", "theory, skills")


# --- the stage as of a day, and snapshots taken before ------------------------------------------------------------


def test_the_stage_on_a_day_turns_only_after_the_bans_last_day():
    retake = {"barred_until": D("2026-12-31")}
    assert [stage_on(s, retake, D("2026-12-31")) for s in ("barred", "barred_no_retake")] == ["barred", "barred_no_retake"]
    assert [stage_on(s, retake, D("2027-01-01")) for s in ("barred", "barred_no_retake")] == ["retake_available", "no_retake"]
    assert stage_on("retake_available", None, D("2027-01-01")) == "retake_available"


@pytest.mark.parametrize(
    ("barred_until", "possible"), [(D("2028-04-23"), True), (D("2028-04-24"), False), (D("2031-05-09"), False), (None, True)]
)
def test_a_retake_remains_only_when_the_ban_ends_before_the_windows_last_day(barred_until, possible):
    decided = retake_after(barred_until=barred_until, window_last_day=D("2028-04-24"), competition=False, notice="seed 000")
    assert decided["possible"] is possible
    assert retake_after(barred_until=None, window_last_day=D("2028-04-24"), competition=True, notice="seed 001")["possible"] is False


def v2_snapshot_of(case: EvaluationCase, **old_shape) -> Snapshot:
    """The snapshot a class_version 2 case would have taken: sanctions without their retake decision."""
    taken = Snapshot.take(case)
    state = copy.deepcopy(taken.state)
    state["class_version"] = 2
    for entry in state["sanctions"]:
        entry.pop("retake")
    for attempt in state["attempts"]:
        if attempt["outcome"] == "discarded":
            attempt["outcome"] = "passed"
    state.update(old_shape)
    return Snapshot(originator_id=taken.originator_id, originator_version=taken.originator_version, timestamp=taken.timestamp, topic=taken.topic, state=state)  # fmt: skip


def test_snapshots_taken_before_are_upcast_to_the_stages_and_standings_a_replay_gives(app_to_2030, store):
    app = app_to_2030
    barred, outlasted = failed_skills(app), failed_skills(app)
    app.sanction(barred, tier="sitting", behaviour="须知 三.1", sitting_on=D("2026-04-25"), decided_on=D("2026-06-01"), actor="c")
    app.sanction(outlasted, tier="grave", severity="serious", behaviour="须知 四.5", decided_on=D("2026-06-01"), actor="c")
    id_number = new_id_number()
    waived = failed_skills(app, id_number=id_number)
    apply(app, id_number=id_number, applied_on=D("2026-06-01"))

    for case_id in (barred, outlasted, waived):
        case = app.get_case(case_id)
        old_stage = case.stage if case.stage == "waived" else "retake_available"  # what version 2 recorded
        loaded = v2_snapshot_of(case, stage=old_stage).mutate(None)
        assert {k: v for k, v in vars(loaded).items() if k != "_pending_events"} == {
            k: v for k, v in vars(case).items() if k != "_pending_events"
        }, case.stage


def test_reapplying_inside_the_window_after_the_ban_has_ended_waives_the_barred_cases_retake(app_to_2030, store):
    """The old case is still recorded `barred` when its ban ends; on the day of the new application it stands at
    retake_available, so re-applying waives it (四(二)) instead of leaving two cases for one project and level."""
    app = app_to_2030
    id_number = new_id_number()
    old = failed_skills(app, id_number=id_number)
    app.sanction(old, tier="sitting", behaviour="须知 三.2", sitting_on=D("2026-04-25"), decided_on=D("2026-06-01"), actor="compliance-1")

    new = apply(app, id_number=id_number, applied_on=D("2027-03-01"))

    assert app.get_case(old).stage == "waived"
    assert events_named(app, old, "RetakeWaived")[0].new_case_id == new


def test_the_state_as_of_a_business_date_after_the_ban_shows_the_stage_that_holds_then(app_to_2030, store):
    from cases.service.replay import state_as_of

    app = app_to_2030
    case_id = failed_skills(app)
    app.sanction(case_id, tier="sitting", behaviour="须知 三.2", sitting_on=D("2026-04-25"), decided_on=D("2026-06-01"), actor="compliance-1")

    during, after = (state_as_of(app, case_id, on=D(day)) for day in ("2026-12-31", "2027-01-01"))

    assert (during.version, during.stage) == (after.version, "barred")  # the same facts: no event on 1 January
    assert after.stage == "retake_available"
    assert state_as_of(app, case_id, version=after.version).stage == "barred"  # a version's stage is as recorded
