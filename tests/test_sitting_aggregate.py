"""The evaluation sitting (评价场次): planning, seats, deferral, folding and holding (DOMAIN §3)."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from cases.aggregates.sitting import (
    AlreadyScheduled,
    CapacityExceeded,
    DeferralNotLater,
    FoldRefused,
    InvalidCapacity,
    InvalidLevels,
    InvalidSittingDates,
    LevelNotInSitting,
    SeatNotHeld,
    Sitting,
    SittingClosed,
    SittingInPast,
    SittingNotYetDue,
)
from cases.errors import DomainError
from cases.rules.schedule import InvalidMonth

D = date.fromisoformat
COHORT_CLAUSE = "seed 002 二(三): 报名人数不足30人，则顺延至下月一起评价认定"
FOLD_CLAUSE = "seed 004 二(三) 注: 人数不足开考条件，将集中于November统一安排考试，在认定考核前10日前通知"


def plan(**overrides) -> Sitting:
    fields = {
        "body": "dmtxh",
        "occupation": "全媒体运营师",
        "work_type": "直播运营",
        "levels": [4, 3],
        "dates": [D("2026-06-20")],
        "venue": "长宁路999号601室",
        "capacity": 3,
        "plan_month": "2026-06",
        "window_name": None,
        "planned_on": D("2026-05-25"),
        "actor": "registrar-dmtxh",
    } | overrides
    return Sitting.plan(**fields)


def jsxh_april(**overrides) -> Sitting:
    fields = {
        "body": "jsxh",
        "occupation": "企业人力资源管理师",
        "work_type": None,
        "levels": [4, 3],
        "dates": [D("2026-04-25"), D("2026-04-26")],
        "venue": "广济路838号",
        "capacity": 40,
        "plan_month": "2026-04",
        "window_name": "April",
        "planned_on": D("2026-03-30"),
        "actor": "registrar-jsxh",
    } | overrides
    return plan(**fields)


def settled(sitting: Sitting) -> Sitting:
    """The sitting with its pending events collected, as after `save()`."""
    sitting.collect_events()
    return sitting


def refused(sitting: Sitting, error_type: type[DomainError], command) -> DomainError:
    """Run a command that must be refused; assert it triggered no event and changed no version."""
    version = sitting.version
    with pytest.raises(error_type) as caught:
        command()
    assert sitting.collect_events() == []
    assert sitting.version == version
    return caught.value


# Planning


def test_a_planned_sitting_records_everything_a_replay_needs():
    sitting = plan()

    (planned,) = sitting.collect_events()
    assert type(planned).__name__ == "Planned"
    assert planned.capacity == 3 and planned.dates == [D("2026-06-20")] and planned.plan_month == "2026-06"
    assert (sitting.status, sitting.headcount, sitting.seats_left) == ("planned", 0, 3)
    assert (sitting.first_day, sitting.last_day) == (D("2026-06-20"), D("2026-06-20"))


def test_a_two_day_window_sitting_runs_from_its_first_to_its_last_day():
    sitting = jsxh_april()

    assert (sitting.first_day, sitting.last_day) == (D("2026-04-25"), D("2026-04-26"))
    assert sitting.window_name == "April"


def test_a_sitting_cannot_be_planned_in_the_past():
    with pytest.raises(SittingInPast) as caught:
        plan(dates=[D("2026-05-20")], planned_on=D("2026-05-25"))

    assert (caught.value.code, caught.value.field) == ("sitting_in_past", "dates")


def test_a_sitting_needs_evaluation_days_in_order():
    with pytest.raises(InvalidSittingDates):
        plan(dates=[])
    with pytest.raises(InvalidSittingDates) as caught:
        plan(dates=[D("2026-06-21"), D("2026-06-20")])
    assert caught.value.field == "dates"


@pytest.mark.parametrize("capacity", [0, -5])
def test_a_sitting_seats_at_least_one_candidate(capacity):
    with pytest.raises(InvalidCapacity) as caught:
        plan(capacity=capacity)

    assert (caught.value.code, caught.value.field) == ("invalid_capacity", "capacity")


def test_a_sitting_evaluates_at_least_one_level():
    with pytest.raises(InvalidLevels) as caught:
        plan(levels=[])

    assert caught.value.field == "levels"


def test_a_sitting_is_planned_for_a_month_written_yyyy_mm():
    with pytest.raises(InvalidMonth):
        plan(plan_month="June 2026")


# Seats


def test_a_case_is_assigned_a_seat_at_its_level():
    sitting = settled(plan())
    case_id = uuid4()

    sitting.assign(case_id=case_id, level=3, on=D("2026-06-01"), actor="registrar-dmtxh")

    (assigned,) = sitting.collect_events()
    assert type(assigned).__name__ == "SeatAssigned"
    assert (assigned.case_id, assigned.level, assigned.on) == (case_id, 3, D("2026-06-01"))
    assert (sitting.headcount, sitting.seats_left) == (1, 2)
    assert sitting.seat_of(case_id)["level"] == 3


def test_the_seat_beyond_capacity_is_refused_and_nothing_is_recorded():
    sitting = plan(capacity=3)
    for _ in range(3):
        sitting.assign(case_id=uuid4(), level=4, on=D("2026-06-01"), actor="registrar-dmtxh")
    settled(sitting)

    error = refused(sitting, CapacityExceeded, lambda: sitting.assign(case_id=uuid4(), level=4, on=D("2026-06-02"), actor="r"))

    assert (error.code, error.details["capacity"]) == ("capacity_exceeded", 3)
    assert (sitting.headcount, sitting.seats_left) == (3, 0)


def test_a_case_cannot_be_scheduled_twice_at_one_sitting():
    sitting = plan()
    case_id = uuid4()
    sitting.assign(case_id=case_id, level=4, on=D("2026-06-01"), actor="registrar-dmtxh")
    settled(sitting)

    error = refused(sitting, AlreadyScheduled, lambda: sitting.assign(case_id=case_id, level=3, on=D("2026-06-02"), actor="r"))

    assert (error.code, error.field) == ("already_scheduled", "case_id")
    assert sitting.headcount == 1


def test_a_case_at_a_level_the_sitting_does_not_evaluate_is_refused():
    sitting = settled(plan(levels=[3]))

    error = refused(sitting, LevelNotInSitting, lambda: sitting.assign(case_id=uuid4(), level=4, on=D("2026-06-01"), actor="r"))

    assert (error.code, error.field) == ("level_not_in_sitting", "level")


def test_no_seat_is_assigned_after_the_first_day():
    sitting = settled(plan())

    error = refused(sitting, SittingClosed, lambda: sitting.assign(case_id=uuid4(), level=4, on=D("2026-06-21"), actor="r"))

    assert (error.code, error.field) == ("sitting_closed", "on")


def test_a_released_seat_can_be_taken_by_another_case():
    sitting = plan(capacity=1)
    leaving, waiting = uuid4(), uuid4()
    sitting.assign(case_id=leaving, level=4, on=D("2026-06-01"), actor="registrar-dmtxh")

    sitting.release(case_id=leaving, reason="withdrawn", on=D("2026-06-05"), actor="registrar-dmtxh")
    sitting.assign(case_id=waiting, level=4, on=D("2026-06-06"), actor="registrar-dmtxh")

    names = [type(e).__name__ for e in sitting.collect_events()]
    assert names == ["Planned", "SeatAssigned", "SeatReleased", "SeatAssigned"]
    assert sitting.seat_of(leaving) is None and sitting.headcount == 1


def test_releasing_a_seat_the_case_does_not_hold_is_refused():
    sitting = settled(plan())

    error = refused(sitting, SeatNotHeld, lambda: sitting.release(case_id=uuid4(), reason="withdrawn", on=D("2026-06-05"), actor="r"))

    assert error.field == "case_id"


# Deferral (seeds 002 二(三)3, 003 二(三) 注)


def test_a_sitting_below_the_minimum_cohort_is_deferred_whole_to_the_next_month_and_takes_no_more_seats():
    sitting = plan()
    sitting.assign(case_id=uuid4(), level=4, on=D("2026-06-01"), actor="registrar-dmtxh")
    settled(sitting)

    sitting.defer(to_month="2026-07", headcount=29, clause=COHORT_CLAUSE, on=D("2026-06-10"), actor="registrar-dmtxh")

    (deferred,) = sitting.collect_events()
    assert type(deferred).__name__ == "Deferred"
    assert (deferred.from_month, deferred.to_month, deferred.headcount, deferred.clause) == ("2026-06", "2026-07", 29, COHORT_CLAUSE)
    assert sitting.status == "deferred"
    error = refused(sitting, SittingClosed, lambda: sitting.assign(case_id=uuid4(), level=4, on=D("2026-06-11"), actor="r"))
    assert error.details["status"] == "deferred"


def test_a_sitting_is_deferred_only_to_a_later_month():
    sitting = settled(plan())

    refused(
        sitting, DeferralNotLater,
        lambda: sitting.defer(to_month="2026-06", headcount=12, clause=COHORT_CLAUSE, on=D("2026-06-10"), actor="r"),
    )


# Folding (seed 004 二(三) 注)


def test_a_thin_april_window_sitting_is_folded_into_november_with_its_notice_date():
    sitting = settled(jsxh_april())

    sitting.fold(into_window="November", notify_by=D("2026-10-28"), clause=FOLD_CLAUSE, on=D("2026-03-30"), actor="registrar-jsxh")

    (folded,) = sitting.collect_events()
    assert (folded.from_window, folded.into_window, folded.notify_by) == ("April", "November", D("2026-10-28"))
    assert sitting.status == "folded"


def test_the_november_window_sitting_cannot_be_folded_into_itself():
    sitting = settled(
        jsxh_april(window_name="November", plan_month="2026-11", dates=[D("2026-11-07"), D("2026-11-08")], planned_on=D("2026-10-13"))
    )

    error = refused(
        sitting, FoldRefused,
        lambda: sitting.fold(into_window="November", notify_by=D("2026-10-28"), clause=FOLD_CLAUSE, on=D("2026-10-14"), actor="r"),
    )

    assert (error.code, error.clause) == ("fold_refused", FOLD_CLAUSE)


def test_a_monthly_sitting_is_never_folded():
    sitting = settled(plan())

    refused(
        sitting, FoldRefused,
        lambda: sitting.fold(into_window="November", notify_by=D("2026-10-28"), clause=FOLD_CLAUSE, on=D("2026-06-01"), actor="r"),
    )


def test_a_fold_decided_after_the_notice_date_is_refused():
    sitting = settled(jsxh_april(dates=[D("2026-11-01")], planned_on=D("2026-10-01")))

    error = refused(
        sitting, FoldRefused,
        lambda: sitting.fold(into_window="November", notify_by=D("2026-10-28"), clause=FOLD_CLAUSE, on=D("2026-10-29"), actor="r"),
    )

    assert error.field == "on"


# Holding


def test_a_held_sitting_records_its_headcount_and_closes():
    sitting = plan()
    sitting.assign(case_id=uuid4(), level=3, on=D("2026-06-01"), actor="registrar-dmtxh")
    settled(sitting)

    sitting.hold(on=D("2026-06-20"), actor="invigilator")

    (held,) = sitting.collect_events()
    assert (type(held).__name__, held.headcount) == ("Held", 1)
    assert sitting.status == "held"
    refused(sitting, SittingClosed, lambda: sitting.assign(case_id=uuid4(), level=3, on=D("2026-06-20"), actor="r"))
    refused(sitting, SittingClosed, lambda: sitting.defer(to_month="2026-07", headcount=1, clause=COHORT_CLAUSE, on=D("2026-06-20"), actor="r"))


def test_a_sitting_is_not_held_before_its_first_day():
    sitting = settled(plan())

    error = refused(sitting, SittingNotYetDue, lambda: sitting.hold(on=D("2026-06-19"), actor="invigilator"))

    assert error.field == "on"


def test_a_sitting_replays_to_the_same_state_from_its_events():
    sitting = plan()
    kept, left = uuid4(), uuid4()
    sitting.assign(case_id=kept, level=4, on=D("2026-06-01"), actor="r")
    sitting.assign(case_id=left, level=3, on=D("2026-06-02"), actor="r")
    sitting.release(case_id=left, reason="withdrawn", on=D("2026-06-03"), actor="r")
    sitting.hold(on=D("2026-06-20"), actor="invigilator")
    events = sitting.collect_events()

    replayed = None
    for domain_event in events:
        replayed = domain_event.mutate(replayed)

    assert replayed.seats == sitting.seats and replayed.status == "held" and replayed.version == sitting.version
