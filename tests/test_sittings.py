"""Sittings and the evaluation calendar, end to end on the stored cases (DOMAIN §3, §5, §8).

The pure rules have their unit tests (test_schedule_rules.py, test_sitting_aggregate.py); here the same rules are
proved through `app.scheduling` and the case commands: what each case and sitting records, what the month's plan
and the late lists then say, and that every refusal is named and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from cases.aggregates.case_errors import PaymentAfterDeadline, PaymentBeforeWindow, WrongStage
from cases.aggregates.sitting import (
    AlreadyScheduled,
    CapacityExceeded,
    FoldRefused,
    InvalidCapacity,
    LevelNotInSitting,
    SittingClosed,
    SittingInPast,
)
from cases.service.application import CasesApplication
from cases.calendar.working_days import WorkingDayCalendar
from cases.errors import NotFound
from cases.rulebook.loader import DATA_DIR, load_rulebook
from cases.rulebook.lookup import ApplicationOutsideWindow
from cases.rules.schedule import InvalidMonth
from cases.service.scheduling import SittingMismatch, SittingOutsideWindow, TicketNotAvailable
from cases.settings import Settings
from tests.builders import (
    PROJECTS,
    apply,
    approved,
    certify,
    event_count,
    events_named,
    paid,
    refused,
    rulebook_through,
    sat_with_scores,
)
from tests.support.read_models import late_on, month_plan

D = date.fromisoformat
ACTOR = "registrar-1"
HR = "企业人力资源管理师"
VENUES = {"wgsh": "新闻路945号306室", "dsxh": "大连路1619号20楼", "dmtxh": "长宁路999号601室",
          "migu": "川桥路777号咪咕3号楼", "jsxh": "广济路838号A栋"}  # fmt: skip
MIGU_COHORT = "seed 003 二(三) 注: 报名人数不足30人，则顺延至下月一起评价认定"
FOLD = "seed 004 二(三) 注: 人数不足开考条件，将集中于November统一安排考试，在认定考核前10日前通知"
CARRIED = "seed 001 二(三): 12月申报，根据次年公告排考"


def plan(
    app: CasesApplication, body: str, *days: str, levels: tuple[int, ...] = (4, 3), capacity: int = 40,
    planned_on: str = "2026-02-23", project: tuple[str, str | None] | None = None,
) -> UUID:  # fmt: skip
    """Plan a sitting of the body's usual project (builders.PROJECTS) on the given days."""
    occupation, work_type = project or PROJECTS[body]
    return app.scheduling.plan_sitting(
        body=body, occupation=occupation, work_type=work_type, levels=list(levels), dates=[D(d) for d in days],
        venue=VENUES[body], capacity=capacity, planned_on=D(planned_on), actor=ACTOR,
    )  # fmt: skip


def seat(app: CasesApplication, case_id: UUID, sitting_id: UUID, on: str = "2026-03-10") -> date:
    return app.scheduling.schedule_case(case_id, sitting_id, on=D(on), actor=ACTOR)


def march_cases(app: CasesApplication, body: str, count: int, level: int = 4) -> list[UUID]:
    """`count` cases applied on 2 March and approved on 3 March: the April plan of a monthly body."""
    return [approved(app, body=body, level=level, applied_on=D("2026-03-02"), decided_on=D("2026-03-03")) for _ in range(count)]


def april_window_cases(app: CasesApplication, count: int, level: int = 4) -> list[UUID]:
    """`count` jsxh cases applied in the April window, approved on 10 March and paid on 23 March."""
    return [paid(app, body="jsxh", level=level, applied_on=D("2026-03-02"), decided_on=D("2026-03-10")) for _ in range(count)]


def body_plan(app: CasesApplication, month: str, body: str) -> dict:
    return next(b for b in month_plan(app, month) if b["body"] == body)


def cohort_rule(app: CasesApplication, body: str, month: str, on: str) -> list[dict]:
    return app.scheduling.apply_cohort_rule(body=body, plan_month=month, on=D(on), actor=ACTOR)


def open_with_rulebook(store: Settings, rulebook_dir: Path, calendar: WorkingDayCalendar) -> CasesApplication:
    return CasesApplication(store, rulebook=load_rulebook(data_dir=rulebook_dir), calendar=calendar)


@pytest.fixture
def app_through_2027(store: Settings, calendar: WorkingDayCalendar, tmp_path: Path) -> Iterator[CasesApplication]:
    """The 2026 rule book plus a 2027 copy: January 2027's plan can be read."""
    app = CasesApplication(store, rulebook=rulebook_through(tmp_path / "rulebook", 2027), calendar=calendar)
    yield app
    app.close()


@pytest.fixture
def marking_app(store: Settings, calendar: WorkingDayCalendar, tmp_path: Path) -> Iterator[CasesApplication]:
    """A rule book copy in which jsxh's 企业人力资源管理师 involves marking (涉及阅卷, seed 004 三); the 2026 catalogue
    marks no project so (seed 004 二(三)(1): both subjects are taken on computers)."""
    directory = tmp_path / "rulebook"
    directory.mkdir()
    text = (DATA_DIR / "2026.toml").read_text(encoding="utf-8")
    marked = text.replace('marking = { involved = false, clause = "seed 004 三', 'marking = { involved = true, clause = "seed 004 三', 1)
    assert marked != text
    (directory / "2026.toml").write_text(marked, encoding="utf-8")
    app = open_with_rulebook(store, directory, calendar)
    yield app
    app.close()


# --- the minimum cohort (seeds 002 二(三)3, 003 二(三) 注) -----------------------------------------------------


@pytest.fixture
def deferred_april(app: CasesApplication) -> tuple[list[UUID], UUID, list[dict]]:
    """29 migu level-4 cases approved in March (the body's whole April), seated at an April sitting, then the cohort
    rule applied."""
    sitting = plan(app, "migu", "2026-04-18", levels=(4,))
    cases = march_cases(app, "migu", 29)
    for case_id in cases:
        seat(app, case_id, sitting)
    return cases, sitting, cohort_rule(app, "migu", "2026-04", "2026-04-01")


COHORT_29 = {"occupation": "全媒体运营师", "work_type": "创意策划", "level": 4, "headcount": 29, "counted_per": "body",
             "counted": 29, "holds": False, "minimum": 30, "clause": MIGU_COHORT}  # fmt: skip


def test_twenty_nine_migu_applicants_in_the_month_are_deferred_to_may_each_case_naming_the_clause(app, deferred_april):
    cases, sitting, outcome = deferred_april

    assert outcome == [COHORT_29]
    for case_id in cases:
        (deferred,) = events_named(app, case_id, "EvaluationDeferred")
        assert (deferred.from_month, deferred.to_month, deferred.last_day) == ("2026-04", "2026-05", D("2026-05-31"))
        assert (deferred.clause, deferred.reason, deferred.notify_by) == (MIGU_COHORT, "29 applicants, fewer than 30", None)
        assert deferred.sitting_id == str(sitting)
        case = app.get_case(case_id)
        assert case.plan_month() == "2026-05" and case.plan["last_day"] == "2026-05-31"
        assert case.scheduled is None and case.stage == "awaiting_payment"


def test_the_april_sitting_of_a_deferred_cohort_is_deferred_whole_and_takes_no_more_seats(app, deferred_april):
    _, sitting, _ = deferred_april
    late_comer = march_cases(app, "migu", 1)[0]

    deferred = app.get_sitting(sitting)
    assert deferred.status == "deferred"
    assert (deferred.moved_to["month"], deferred.moved_to["clause"]) == ("2026-05", MIGU_COHORT)
    (event,) = events_named(app, sitting, "Deferred")
    assert (event.from_month, event.to_month, event.headcount) == ("2026-04", "2026-05", 29)
    refused(app, SittingClosed, lambda: seat(app, late_comer, sitting, on="2026-04-02"))


def test_the_deferred_candidates_are_in_mays_plan_and_out_of_aprils(app, deferred_april):
    cases, sitting, _ = deferred_april

    may = body_plan(app, "2026-05", "migu")
    assert may["cohorts"] == [COHORT_29]
    assert {d["case_id"] for d in may["deferred_in"]} == {str(c) for c in cases}
    assert {(d["from_month"], d["reason"], d["notify_by"]) for d in may["deferred_in"]} == {("2026-04", "29 applicants, fewer than 30", None)}  # fmt: skip
    april = body_plan(app, "2026-04", "migu")
    assert april["cohorts"] == [] and len(april["deferred_out"]) == 29
    assert {d["to_month"] for d in april["deferred_out"]} == {"2026-05"}
    assert [(s["sitting_id"], s["status"], s["headcount"]) for s in april["sittings"]] == [(str(sitting), "deferred", 29)]


def test_a_deferred_candidate_takes_a_seat_in_may_but_not_in_june(app, deferred_april):
    cases, _, _ = deferred_april
    may = plan(app, "migu", "2026-05-23", levels=(4,), planned_on="2026-04-01")
    june = plan(app, "migu", "2026-06-13", levels=(4,), planned_on="2026-04-01")

    error = refused(app, SittingMismatch, lambda: seat(app, cases[0], june, on="2026-04-02"))
    assert "evaluated by 2026-05-31" in error.message and error.clause == MIGU_COHORT

    assert seat(app, cases[0], may, on="2026-04-02") == D("2026-05-16")
    assert app.get_case(cases[0]).scheduled["sitting_id"] == str(may)


def test_thirty_dmtxh_applicants_in_the_month_hold_it_and_nothing_is_written(app):
    cases = march_cases(app, "dmtxh", 30)
    before = event_count(app)

    outcome = cohort_rule(app, "dmtxh", "2026-04", "2026-04-01")

    holds = {"occupation": "全媒体运营师", "work_type": "直播运营", "level": 4, "headcount": 30, "counted_per": "body", "counted": 30,
             "holds": True, "minimum": 30, "clause": "seed 002 二(三)3: 若当月申请评价认定报名人数不足30人，则顺延至下月一起评价认定"}  # fmt: skip
    assert outcome == [holds]
    assert event_count(app) == before
    assert all(app.get_case(c).plan_month() == "2026-04" for c in cases)
    april = body_plan(app, "2026-04", "dmtxh")
    assert april["cohorts"] == [holds] and april["deferred_out"] == []


def test_a_body_without_a_minimum_cohort_holds_a_single_candidate(app):
    march_cases(app, "wgsh", 1)
    before = event_count(app)

    outcome = cohort_rule(app, "wgsh", "2026-04", "2026-04-01")

    assert outcome == [{"occupation": "互联网营销师", "work_type": "视频创推员", "level": 4, "headcount": 1, "counted_per": "body", "counted": 1,
                        "holds": True, "minimum": None, "clause": "seed 000 二(三): no minimum cohort"}]  # fmt: skip
    assert event_count(app) == before


def test_one_applicant_at_a_level_sits_with_the_months_thirty_at_the_other_level(app):
    # The month's applicants at the body are counted, not each level's (seed 003 二(三) 注: 报名人数不足30人).
    sitting = plan(app, "migu", "2026-04-18", levels=(4, 3))
    holding = march_cases(app, "migu", 30, level=3)
    single = march_cases(app, "migu", 1, level=4)
    for case_id in holding + single:
        seat(app, case_id, sitting)

    outcome = cohort_rule(app, "migu", "2026-04", "2026-04-01")

    assert [(o["level"], o["headcount"], o["counted"], o["holds"]) for o in outcome] == [(3, 30, 31, True), (4, 1, 31, True)]
    for case_id in holding + single:
        case = app.get_case(case_id)
        assert case.scheduled and app.get_sitting(UUID(case.scheduled["sitting_id"])).status == "planned"


# --- December applications and a month end on a day off (seeds 000-003 二(三); seed 001 法定节假日顺延) ----------


def test_december_dsxh_applications_not_seated_in_december_are_carried_into_januarys_plan(app_through_2027):
    app = app_through_2027
    seated = approved(app, body="dsxh", level=4, applied_on=D("2026-12-01"), decided_on=D("2026-12-02"))
    waiting = [approved(app, body="dsxh", level=4, applied_on=D("2026-12-07"), decided_on=D("2026-12-08")) for _ in range(2)]
    assert app.get_case(waiting[0]).plan["plan_month"] == "2026-12"
    assert app.get_case(waiting[0]).plan["last_day"] == "2026-12-31"
    december = plan(app, "dsxh", "2026-12-19", planned_on="2026-12-01")
    seat(app, seated, december, on="2026-12-03")

    carried = app.scheduling.carry_december(body="dsxh", year=2026, on=D("2026-12-21"), actor=ACTOR)

    assert sorted(carried) == sorted(waiting)
    for case_id in waiting:
        (deferred,) = events_named(app, case_id, "EvaluationDeferred")
        assert (deferred.from_month, deferred.to_month, deferred.last_day, deferred.clause) == ("2026-12", "2027-01", None, CARRIED)
        assert app.get_case(case_id).plan_month() == "2027-01"
    assert events_named(app, seated, "EvaluationDeferred") == []
    january = body_plan(app, "2027-01", "dsxh")
    assert {d["case_id"] for d in january["deferred_in"]} == {str(c) for c in waiting}
    assert january["cohorts"] == [{"occupation": "电子商务师", "work_type": "网商", "level": 4, "headcount": 2, "counted_per": "body", "counted": 2,
                                   "holds": True, "minimum": None, "clause": "seed 001 二(三): no minimum cohort"}]  # fmt: skip


def test_carrying_december_again_carries_nobody_twice_and_writes_nothing(app_through_2027):
    app = app_through_2027
    approved(app, body="dsxh", level=3, applied_on=D("2026-12-07"), decided_on=D("2026-12-08"))
    assert len(app.scheduling.carry_december(body="dsxh", year=2026, on=D("2026-12-21"), actor=ACTOR)) == 1
    before = event_count(app)

    assert app.scheduling.carry_december(body="dsxh", year=2026, on=D("2026-12-28"), actor=ACTOR) == []
    assert event_count(app) == before


def test_januarys_plan_lists_the_carried_december_cases_before_next_years_rule_book_is_loaded(app):
    case_id = approved(app, body="dsxh", level=4, applied_on=D("2026-12-07"), decided_on=D("2026-12-08"))
    app.scheduling.carry_december(body="dsxh", year=2026, on=D("2026-12-21"), actor=ACTOR)

    january = body_plan(app, "2027-01", "dsxh")

    assert [d["case_id"] for d in january["deferred_in"]] == [str(case_id)]


def test_a_carried_case_says_it_was_carried_into_next_year(app):
    case_id = approved(app, body="dsxh", level=4, applied_on=D("2026-12-07"), decided_on=D("2026-12-08"))
    app.scheduling.carry_december(body="dsxh", year=2026, on=D("2026-12-21"), actor=ACTOR)

    case = app.get_case(case_id)
    assert case.plan["carried_into_next_year"] is True and case.plan["provisional"] is True


@pytest.mark.parametrize(
    ("applied_on", "plan_month", "last_day", "postponed"),
    [
        ("2026-09-15", "2026-10", "2026-11-02", True),  # Saturday 31 October: the next working day
        ("2026-04-20", "2026-05", "2026-06-01", True),  # Sunday 31 May
        ("2026-01-20", "2026-02", "2026-02-28", False),  # Saturday 28 February is a make-up working day
    ],
)
def test_a_dsxh_month_ending_on_a_day_off_is_postponed_to_the_next_working_day(app, applied_on, plan_month, last_day, postponed):  # fmt: skip
    case_id = approved(app, body="dsxh", level=4, applied_on=D(applied_on), decided_on=D(applied_on) + timedelta(days=1))

    case = app.get_case(case_id)
    assert (case.plan["plan_month"], case.plan["last_day"], case.plan["postponed"]) == (plan_month, last_day, postponed)
    assert case.plan["clause"].endswith("（法定节假日顺延）") == postponed


def test_a_dsxh_september_case_may_sit_on_monday_2_november_but_not_a_day_later(app):
    case_id = approved(app, body="dsxh", level=4, applied_on=D("2026-09-15"), decided_on=D("2026-09-16"))
    too_late = plan(app, "dsxh", "2026-11-03", planned_on="2026-09-16")
    on_the_monday = plan(app, "dsxh", "2026-11-02", planned_on="2026-09-16")

    error = refused(app, SittingMismatch, lambda: seat(app, case_id, too_late, on="2026-09-20"))
    assert "evaluated by 2026-11-02" in error.message

    assert seat(app, case_id, on_the_monday, on="2026-09-20") == D("2026-09-20")  # seed 001 二(五) gives no ticket day


def test_without_the_postponement_rule_a_wgsh_september_case_sits_by_saturday_31_october(app):
    case_id = approved(app, body="wgsh", level=4, applied_on=D("2026-09-15"), decided_on=D("2026-09-16"))
    assert app.get_case(case_id).plan["last_day"] == "2026-10-31"
    monday = plan(app, "wgsh", "2026-11-02", planned_on="2026-09-16")

    refused(app, SittingMismatch, lambda: seat(app, case_id, monday, on="2026-09-20"))


# --- 上海市技师协会's fixed windows (seed 004 二(三), 二(四)) ---------------------------------------------------


@pytest.mark.parametrize("applied_on", ["2026-02-23", "2026-03-22"])
def test_a_jsxh_application_on_the_first_or_last_day_of_the_april_window_is_accepted(app, applied_on):
    case_id = apply(app, body="jsxh", level=4, applied_on=D(applied_on))

    assert app.get_case(case_id).window_name == "April"


@pytest.mark.parametrize(("applied_on", "next_window"), [("2026-02-22", "April"), ("2026-03-23", "August")])
def test_a_jsxh_application_a_day_outside_the_april_window_is_refused_naming_the_next_window(app, applied_on, next_window):  # fmt: skip
    error = refused(app, ApplicationOutsideWindow, lambda: apply(app, body="jsxh", level=4, applied_on=D(applied_on)))

    assert error.details["next_window"] == next_window
    assert f"the next window is {next_window}" in error.message
    assert error.clause == "seed 004 二(三)"


@pytest.mark.parametrize("paid_on", ["2026-03-23", "2026-03-29"])
def test_a_fee_paid_on_the_first_or_last_payment_day_of_the_april_window_is_accepted(app, paid_on):
    case_id = approved(app, body="jsxh", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-10"))

    app.pay_fee(case_id, amount=350, paid_on=D(paid_on), actor=ACTOR)

    assert app.get_case(case_id).stage == "ready_to_sit"


@pytest.mark.parametrize(("paid_on", "error"), [("2026-03-22", PaymentBeforeWindow), ("2026-03-30", PaymentAfterDeadline)])
def test_a_fee_paid_a_day_outside_the_april_payment_dates_is_refused(app, paid_on, error):
    case_id = approved(app, body="jsxh", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-10"))

    refusal = refused(app, error, lambda: app.pay_fee(case_id, amount=350, paid_on=D(paid_on), actor=ACTOR))

    assert refusal.field == "paid_on"
    assert app.get_case(case_id).stage == "awaiting_payment"


def test_an_approval_after_the_april_payment_dates_moves_the_case_to_the_august_window(app):
    april = plan(app, "jsxh", "2026-04-25", "2026-04-26")
    august = plan(app, "jsxh", "2026-08-22", "2026-08-23")
    case_id = approved(app, body="jsxh", level=4, applied_on=D("2026-03-20"), decided_on=D("2026-03-30"))

    case = app.get_case(case_id)
    assert (case.plan["window"], case.plan["plan_month"], case.plan["last_day"]) == ("August", "2026-08", "2026-08-23")
    assert (case.pay_from, case.pay_by) == (D("2026-07-20"), D("2026-07-26"))
    error = refused(app, SittingMismatch, lambda: seat(app, case_id, april, on="2026-03-31"))
    assert "the case belongs to the August window, the sitting to April" in error.message
    assert seat(app, case_id, august, on="2026-03-31") == D("2026-08-17")


def test_a_thin_april_window_is_folded_into_november_and_every_case_records_the_notice_date(app):
    april = plan(app, "jsxh", "2026-04-25", "2026-04-26")
    cases = april_window_cases(app, 3)
    for case_id in cases:
        seat(app, case_id, april, on="2026-03-24")

    result = app.scheduling.fold_window(body="jsxh", window="April", on=D("2026-03-30"), actor=ACTOR)

    assert result == {"window": "April", "headcount": 3, "folded": True, "into": "November", "notify_by": D("2026-10-28")}
    for case_id in cases:
        (deferred,) = events_named(app, case_id, "EvaluationDeferred")
        assert (deferred.from_month, deferred.to_month, deferred.window) == ("2026-04", "2026-11", "November")
        assert (deferred.notify_by, deferred.last_day, deferred.clause) == (D("2026-10-28"), D("2026-11-08"), FOLD)
        case = app.get_case(case_id)
        assert (case.plan["window"], case.plan_month(), case.scheduled) == ("November", "2026-11", None)
    folded = app.get_sitting(april)
    assert folded.status == "folded"
    assert (folded.moved_to["window"], folded.moved_to["notify_by"]) == ("November", D("2026-10-28"))


def test_folded_candidates_are_in_novembers_plan_with_the_notice_date_and_take_november_seats(app):
    april = plan(app, "jsxh", "2026-04-25", "2026-04-26")
    november = plan(app, "jsxh", "2026-11-07", "2026-11-08")
    cases = april_window_cases(app, 2)
    app.scheduling.fold_window(body="jsxh", window="April", on=D("2026-03-30"), actor=ACTOR)

    plan_of_november = body_plan(app, "2026-11", "jsxh")
    assert {(d["case_id"], d["from_month"], d["notify_by"]) for d in plan_of_november["deferred_in"]} == {
        (str(c), "2026-04", "2026-10-28") for c in cases
    }
    assert plan_of_november["cohorts"] == [{"occupation": HR, "work_type": None, "level": 4, "headcount": 2, "counted_per": "body", "counted": 2,
                                            "holds": True, "minimum": None, "clause": "seed 004 二(三): no minimum cohort"}]  # fmt: skip
    error = refused(app, SittingMismatch, lambda: seat(app, cases[0], april, on="2026-03-31"))
    assert "the case belongs to the November window, the sitting to April" in error.message
    assert seat(app, cases[0], november, on="2026-10-20") == D("2026-11-02")


def test_a_window_meeting_the_opening_minimum_is_not_folded_and_nothing_is_written(app):
    april_window_cases(app, 3)
    before = event_count(app)

    result = app.scheduling.fold_window(body="jsxh", window="April", on=D("2026-03-30"), actor=ACTOR, minimum=3)

    assert (result["folded"], result["headcount"], result["into"], result["notify_by"]) == (False, 3, None, None)
    assert event_count(app) == before


def test_the_november_window_is_never_folded(app):
    paid(app, body="jsxh", level=3, applied_on=D("2026-09-15"), decided_on=D("2026-09-22"))
    before = event_count(app)

    result = app.scheduling.fold_window(body="jsxh", window="November", on=D("2026-10-13"), actor=ACTOR)

    assert (result["folded"], result["headcount"]) == (False, 1)
    assert event_count(app) == before


def test_a_fold_decided_after_the_notice_date_is_refused_and_writes_nothing(app):
    plan(app, "jsxh", "2026-08-22", "2026-08-23")
    paid(app, body="jsxh", level=4, applied_on=D("2026-07-01"), decided_on=D("2026-07-06"))

    error = refused(app, FoldRefused, lambda: app.scheduling.fold_window(body="jsxh", window="August", on=D("2026-10-29"), actor=ACTOR))  # fmt: skip

    assert "told by 2026-10-28" in error.message


def test_a_fold_after_the_notice_date_is_refused_even_when_no_sitting_was_planned(app):
    paid(app, body="jsxh", level=4, applied_on=D("2026-07-01"), decided_on=D("2026-07-06"))

    refused(app, FoldRefused, lambda: app.scheduling.fold_window(body="jsxh", window="August", on=D("2026-10-29"), actor=ACTOR))  # fmt: skip


def test_a_candidate_retaking_in_a_folded_window_is_counted_and_told_the_notice_date(app):
    case_id = april_window_cases(app, 1)[0]
    assert sat_with_scores(app, case_id, D("2026-04-25"), {"theory": 50, "skills": 80}, D("2026-05-20")) == "retake_available"
    app.request_retake(case_id, requested_on=D("2026-07-01"), actor=ACTOR)  # inside the August window's applications
    app.pay_fee(case_id, amount=175, paid_on=D("2026-07-21"), actor=ACTOR)

    result = app.scheduling.fold_window(body="jsxh", window="August", on=D("2026-07-27"), actor=ACTOR)

    assert (result["headcount"], result["folded"]) == (1, True)
    (deferred,) = events_named(app, case_id, "EvaluationDeferred")
    assert deferred.notify_by == D("2026-10-28")


# --- admission tickets (准考证, each notice's 二(五); more per body in test_notice_rules.py) ----------------------------


def test_no_ticket_before_approval(app):
    case_id = apply(app, body="wgsh", level=4, applied_on=D("2026-03-02"))

    error = refused(app, TicketNotAvailable, lambda: app.scheduling.admission_ticket(case_id, on=D("2026-04-17")))

    assert "the case is applied" in error.message


def test_no_ticket_before_payment_even_with_a_seat(app):
    sitting = plan(app, "wgsh", "2026-04-18")
    case_id = march_cases(app, "wgsh", 1)[0]
    assert seat(app, case_id, sitting) == D("2026-03-10")  # seed 000 二(五) gives no day: once paid and seated

    error = refused(app, TicketNotAvailable, lambda: app.scheduling.admission_ticket(case_id, on=D("2026-04-11")))

    assert "awaiting_payment, not approved and paid" in error.message


def test_no_ticket_for_a_paid_case_without_a_seat(app):
    case_id = paid(app, body="wgsh", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-03"))

    error = refused(app, TicketNotAvailable, lambda: app.scheduling.admission_ticket(case_id, on=D("2026-04-11")))

    assert "no sitting" in error.message


def test_a_dmtxh_ticket_is_available_from_a_week_before_the_sitting_and_not_a_day_earlier(app):
    sitting = plan(app, "dmtxh", "2026-04-18")
    case_id = paid(app, body="dmtxh", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-03"))
    seat(app, case_id, sitting)

    error = refused(app, TicketNotAvailable, lambda: app.scheduling.admission_ticket(case_id, on=D("2026-04-10")))
    assert error.details["available_from"] == "2026-04-11"

    ticket = app.scheduling.admission_ticket(case_id, on=D("2026-04-11"))
    case = app.get_case(case_id)
    assert ticket["sitting_id"] == str(sitting) and ticket["dates"] == ["2026-04-18"]
    assert (ticket["venue"], ticket["subjects"], ticket["level"]) == (VENUES["dmtxh"], ["theory", "skills"], 4)
    assert ticket["holder_id_masked"] == case.holder_id_masked and "*" in ticket["holder_id_masked"]


def test_a_jsxh_ticket_is_available_from_the_windows_download_date(app):
    sitting = plan(app, "jsxh", "2026-04-25", "2026-04-26")
    case_id = april_window_cases(app, 1)[0]
    assert seat(app, case_id, sitting, on="2026-03-24") == D("2026-04-20")

    refused(app, TicketNotAvailable, lambda: app.scheduling.admission_ticket(case_id, on=D("2026-04-19")))
    assert app.scheduling.admission_ticket(case_id, on=D("2026-04-20"))["dates"] == ["2026-04-25", "2026-04-26"]


# --- results due and certificates collectable, across the 2026 holidays (seeds 000-004 三, 000/001 五) -------------


def test_results_due_twenty_working_days_after_the_last_subject_is_recorded_on_sat_across_labour_day(app):
    sitting = plan(app, "jsxh", "2026-04-25", "2026-04-26")
    case_id = april_window_cases(app, 1)[0]
    seat(app, case_id, sitting, on="2026-03-24")

    app.record_attendance(case_id, sat_on=D("2026-04-26"), attended=True, actor="examiner-1")

    (sat,) = events_named(app, case_id, "Sat")
    assert sat.sitting_id == str(sitting)
    assert (sat.results_due["due"], sat.results_due["provisional"]) == ("2026-05-26", False)
    assert app.get_case(case_id).results_due["due"] == "2026-05-26"
    (line,) = body_plan(app, "2026-04", "jsxh")["sittings"]
    assert (line["tickets_from"], line["results_due"], line["headcount"]) == ("2026-04-20", "2026-05-26", 1)


def test_results_of_a_wgsh_sitting_before_national_day_are_due_on_29_october(app):
    sitting = plan(app, "wgsh", "2026-09-26", planned_on="2026-08-03")
    case_id = paid(app, body="wgsh", level=4, applied_on=D("2026-08-03"), decided_on=D("2026-08-04"))
    seat(app, case_id, sitting, on="2026-08-10")

    app.record_attendance(case_id, sat_on=D("2026-09-26"), attended=True, actor="examiner-1")

    assert events_named(app, case_id, "Sat")[0].results_due["due"] == "2026-10-29"


def test_results_involving_marking_are_due_thirty_working_days_after_the_last_subject(marking_app):
    app = marking_app
    sitting = plan(app, "jsxh", "2026-04-25", "2026-04-26", levels=(4,))
    case_id = april_window_cases(app, 1, level=4)[0]
    seat(app, case_id, sitting, on="2026-03-24")

    app.record_attendance(case_id, sat_on=D("2026-04-26"), attended=True, actor="examiner-1")

    assert events_named(app, case_id, "Sat")[0].results_due["due"] == "2026-06-09"
    (line,) = body_plan(app, "2026-04", "jsxh")["sittings"]
    assert line["results_due"] == "2026-06-09"


def test_a_project_without_marking_keeps_twenty_working_days_when_another_project_involves_it(marking_app):
    app = marking_app
    sitting = plan(app, "jsxh", "2026-04-25", "2026-04-26", levels=(3,), project=("职业培训师", None))
    case_id = paid(app, body="jsxh", level=3, occupation="职业培训师", applied_on=D("2026-03-02"), decided_on=D("2026-03-10"))
    seat(app, case_id, sitting, on="2026-03-24")

    app.record_attendance(case_id, sat_on=D("2026-04-26"), attended=True, actor="examiner-1")

    assert events_named(app, case_id, "Sat")[0].results_due["due"] == "2026-05-26"


def test_the_plan_gives_a_sitting_of_an_unmarked_project_the_results_date_its_cases_record(marking_app):
    app = marking_app
    sitting = plan(app, "jsxh", "2026-04-25", "2026-04-26", levels=(3,), project=("职业培训师", None))
    case_id = paid(app, body="jsxh", level=3, occupation="职业培训师", applied_on=D("2026-03-02"), decided_on=D("2026-03-10"))
    seat(app, case_id, sitting, on="2026-03-24")
    app.record_attendance(case_id, sat_on=D("2026-04-26"), attended=True, actor="examiner-1")

    (line,) = body_plan(app, "2026-04", "jsxh")["sittings"]

    assert line["results_due"] == events_named(app, case_id, "Sat")[0].results_due["due"] == "2026-05-26"


@pytest.mark.parametrize(
    ("body", "applied_on", "sat_on", "issued_on", "collectable_from"),
    [
        ("wgsh", "2026-08-03", "2026-09-05", "2026-09-25", "2026-10-29"),  # across National Day; Saturday 10-10 is worked
        ("dsxh", "2026-03-02", "2026-04-11", "2026-04-24", "2026-05-26"),  # across Labour Day; Saturday 05-09 is worked
    ],
)
def test_an_individual_collects_the_certificate_twenty_working_days_after_it_is_issued(app, body, applied_on, sat_on, issued_on, collectable_from):  # fmt: skip
    sitting = plan(app, body, sat_on, planned_on=applied_on)
    case_id = paid(app, body=body, level=4, applied_on=D(applied_on), decided_on=D(applied_on) + timedelta(days=1))
    seat(app, case_id, sitting, on=(D(applied_on) + timedelta(days=7)).isoformat())

    certify(app, case_id, sat_on=D(sat_on), recorded_on=D(issued_on) - timedelta(days=3), issued_on=D(issued_on))

    (event,) = events_named(app, case_id, "CertIssued")
    assert (event.delivery, event.collectable_from["due"]) == ("counter", collectable_from)


def test_a_group_candidate_collects_through_the_institution_with_no_counter_date(app):
    case_id = paid(app, body="wgsh", level=4, applied_on=D("2026-08-03"), decided_on=D("2026-08-04"), channel="group", institution="上海新动力职业技能培训中心")  # fmt: skip

    certify(app, case_id, sat_on=D("2026-09-05"), recorded_on=D("2026-09-18"), issued_on=D("2026-09-25"))

    (event,) = events_named(app, case_id, "CertIssued")
    assert (event.delivery, event.collectable_from) == ("institution", None)


# --- what is late on a chosen day (seeds 000-004 二(四), 三) ------------------------------------------------------


def late_ids(app: CasesApplication, on: str) -> dict[str, list[str]]:
    return {kind: [line["case_id"] for line in lines] for kind, lines in late_on(app, D(on)).items()}


def test_a_fee_unpaid_past_its_deadline_across_national_day_is_late_from_the_next_day(app):
    case_id = approved(app, body="wgsh", level=4, applied_on=D("2026-09-28"), decided_on=D("2026-09-29"))
    assert app.get_case(case_id).pay_by == D("2026-10-09")

    assert late_ids(app, "2026-10-09")["payments_overdue"] == []
    (line,) = late_on(app, D("2026-10-10"))["payments_overdue"]
    assert (line["case_id"], line["due"], line["body"]) == (str(case_id), "2026-10-09", "wgsh")
    assert "*" in line["holder"]


def test_results_not_recorded_by_their_due_date_are_late_from_the_next_day(app):
    case_id = april_window_cases(app, 1)[0]
    app.record_attendance(case_id, sat_on=D("2026-04-26"), attended=True, actor="examiner-1")

    assert late_ids(app, "2026-05-26") == {"payments_overdue": [], "results_late": [], "certificates_late": []}
    (line,) = late_on(app, D("2026-05-27"))["results_late"]
    assert (line["case_id"], line["due"], line["due_provisional"]) == (str(case_id), "2026-05-26", False)


def test_a_qualified_case_without_a_certificate_by_the_results_date_is_late_until_issued(app):
    case_id = april_window_cases(app, 1)[0]
    assert sat_with_scores(app, case_id, D("2026-04-26"), {"theory": 80, "skills": 75}, D("2026-05-20")) == "qualified"

    assert late_ids(app, "2026-05-26")["certificates_late"] == []
    assert late_ids(app, "2026-05-27") == {"payments_overdue": [], "results_late": [], "certificates_late": [str(case_id)]}
    app.issue_certificate(case_id, issued_on=D("2026-05-28"), actor=ACTOR)
    assert late_ids(app, "2026-05-28")["certificates_late"] == []


# --- bad input: a named error, and nothing written ----------------------------------------------------------------


def test_a_sitting_planned_in_the_past_is_refused(app):
    error = refused(app, SittingInPast, lambda: plan(app, "wgsh", "2026-03-01", planned_on="2026-03-02"))

    assert (error.code, error.field) == ("sitting_in_past", "dates")


def test_a_sitting_without_seats_is_refused(app):
    refused(app, InvalidCapacity, lambda: plan(app, "wgsh", "2026-04-18", capacity=0))


def test_the_31st_case_on_a_30_seat_sitting_is_refused(app):
    sitting = plan(app, "wgsh", "2026-04-18", capacity=30)
    cases = march_cases(app, "wgsh", 31)
    for case_id in cases[:30]:
        seat(app, case_id, sitting)

    error = refused(app, CapacityExceeded, lambda: seat(app, cases[30], sitting))

    assert error.details["capacity"] == 30
    assert app.get_sitting(sitting).headcount == 30
    assert app.get_case(cases[30]).scheduled is None


def test_a_case_scheduled_twice_at_one_sitting_is_refused(app):
    sitting = plan(app, "wgsh", "2026-04-18")
    case_id = march_cases(app, "wgsh", 1)[0]
    seat(app, case_id, sitting)

    error = refused(app, AlreadyScheduled, lambda: seat(app, case_id, sitting, on="2026-03-11"))

    assert error.field == "case_id" and app.get_sitting(sitting).headcount == 1


def test_a_case_already_seated_cannot_take_a_second_sitting(app):
    first, second = plan(app, "wgsh", "2026-04-18"), plan(app, "wgsh", "2026-04-25")
    case_id = march_cases(app, "wgsh", 1)[0]
    seat(app, case_id, first)

    error = refused(app, WrongStage, lambda: seat(app, case_id, second, on="2026-03-11"))

    assert str(first) in error.message
    assert app.get_sitting(second).headcount == 0


@pytest.mark.parametrize(
    ("body", "project"),
    [("dsxh", None), ("migu", ("全媒体运营师", "视听运营"))],  # another body; the same body's other project
)
def test_a_sitting_for_another_project_is_refused(app, body, project):
    sitting = plan(app, body, "2026-04-18", levels=(3,) if project else (4, 3), project=project)
    case_id = march_cases(app, "migu", 1, level=3)[0]

    error = refused(app, SittingMismatch, lambda: seat(app, case_id, sitting))

    assert (error.code, error.field) == ("sitting_mismatch", "sitting_id")


def test_a_case_at_a_level_the_sitting_does_not_evaluate_is_refused(app):
    sitting = plan(app, "wgsh", "2026-04-18", levels=(3,))
    case_id = march_cases(app, "wgsh", 1, level=4)[0]

    refused(app, LevelNotInSitting, lambda: seat(app, case_id, sitting))


def test_a_case_not_yet_approved_is_not_scheduled(app):
    sitting = plan(app, "wgsh", "2026-04-18")
    case_id = apply(app, body="wgsh", level=4, applied_on=D("2026-03-02"))

    refused(app, WrongStage, lambda: seat(app, case_id, sitting))


def test_no_seat_is_taken_after_the_sitting_began(app):
    sitting = plan(app, "wgsh", "2026-04-18")
    case_id = march_cases(app, "wgsh", 1)[0]

    refused(app, SittingClosed, lambda: seat(app, case_id, sitting, on="2026-04-19"))


def test_an_unknown_sitting_is_not_found(app):
    case_id = march_cases(app, "wgsh", 1)[0]

    error = refused(app, NotFound, lambda: seat(app, case_id, uuid4()))

    assert error.field == "sitting_id"


@pytest.mark.parametrize("days", [("2026-05-16",), ("2026-04-25", "2026-08-22")])
def test_a_jsxh_sitting_outside_its_windows_evaluation_days_is_refused(app, days):
    error = refused(app, SittingOutsideWindow, lambda: plan(app, "jsxh", *days))

    assert "April: 2026-04-25, 2026-04-26" in error.message and error.clause == "seed 004 二(三)"


def test_the_cohort_rule_for_an_unknown_body_or_a_malformed_month_is_refused(app):
    refused(app, NotFound, lambda: cohort_rule(app, "nobody", "2026-04", "2026-04-01"))
    refused(app, InvalidMonth, lambda: cohort_rule(app, "migu", "2026-4", "2026-04-01"))
    refused(app, InvalidMonth, lambda: month_plan(app, "April"))


def test_folding_a_window_the_body_does_not_have_is_refused(app):
    refused(app, NotFound, lambda: app.scheduling.fold_window(body="jsxh", window="June", on=D("2026-05-01"), actor=ACTOR))
    refused(app, NotFound, lambda: app.scheduling.fold_window(body="wgsh", window="April", on=D("2026-03-30"), actor=ACTOR))


def test_carrying_december_for_an_unknown_body_is_refused(app):
    refused(app, NotFound, lambda: app.scheduling.carry_december(body="nobody", year=2026, on=D("2026-12-21"), actor=ACTOR))


def test_a_withdrawn_case_gives_up_its_seat(app):
    sitting = plan(app, "wgsh", "2026-04-18", capacity=1)
    leaving, waiting = march_cases(app, "wgsh", 2)
    seat(app, leaving, sitting)
    app.withdraw(leaving, on=D("2026-03-11"), reason="moved to Beijing", actor=ACTOR)

    seat(app, waiting, sitting, on="2026-03-12")

    assert app.get_sitting(sitting).headcount == 1


def test_a_cohort_rule_for_a_month_without_a_rule_book_names_plan_month(app):
    with pytest.raises(Exception) as refused:
        app.scheduling.apply_cohort_rule(body="wgsh", plan_month="2031-04", on=date(2031, 4, 1), actor="registrar")
    assert (refused.value.code, refused.value.field) == ("no_rulebook_for_year", "plan_month")
