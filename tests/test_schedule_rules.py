"""The evaluation calendar (时间安排, DOMAIN §3) and the service-level dates a body owes (DOMAIN §5, §8)."""

from __future__ import annotations

from datetime import date

import pytest

from cases.calendar.working_days import WorkingDayCalendar
from cases.errors import InvalidInput
from cases.rulebook.lookup import ApplicationOutsideWindow
from cases.rules.schedule import (
    InvalidMonth,
    NotCarriedIntoNextYear,
    carry_into_next_year,
    cohort_decision,
    cohort_key,
    cohort_units,
    evaluation_deadline,
    fold_decision,
    next_month,
    ticket_available_from,
)
from cases.rules.service_levels import certificate_collectable_from, results_due

D = date.fromisoformat


@pytest.fixture(scope="module")
def bodies(rulebook):
    catalogue = rulebook.for_year(2026)
    return {b.code: b for b in catalogue.bodies}


def window(body, name):
    return next(w for w in body.windows if w.name == name)


# The monthly table (seeds 000–003 二(三))


@pytest.mark.parametrize(
    ("received_on", "plan_month", "last_day"),
    [
        ("2026-01-05", "2026-02", "2026-02-28"),
        ("2026-03-17", "2026-04", "2026-04-30"),
        ("2026-06-30", "2026-07", "2026-07-31"),
        ("2026-11-20", "2026-12", "2026-12-31"),
    ],
)
def test_an_application_received_in_a_month_is_evaluated_by_the_end_of_the_next(bodies, calendar, received_on, plan_month, last_day):  # fmt: skip
    deadline = evaluation_deadline(bodies["wgsh"], D(received_on), calendar)

    assert (deadline.plan_month, deadline.last_day) == (plan_month, D(last_day))
    assert not deadline.postponed and not deadline.provisional and not deadline.carried_into_next_year


def test_a_march_application_cites_the_table_row_it_was_planned_by(bodies, calendar):
    deadline = evaluation_deadline(bodies["migu"], D("2026-03-02"), calendar)

    assert deadline.clause == "seed 003 二(三): 3月申报，4月底前评价"
    assert deadline.to_dict() == {
        "plan_month": "2026-04",
        "last_day": "2026-04-30",
        "postponed": False,
        "provisional": False,
        "carried_into_next_year": False,
        "clause": "seed 003 二(三): 3月申报，4月底前评价",
    }


def test_a_december_application_is_planned_for_december_itself(bodies, calendar):
    deadline = evaluation_deadline(bodies["dmtxh"], D("2026-12-03"), calendar)

    assert (deadline.plan_month, deadline.last_day) == ("2026-12", D("2026-12-31"))
    assert deadline.clause == "seed 002 二(三): 12月申报，12月底前或根据次年公告排考"


def test_a_december_application_decembers_sitting_cannot_take_is_carried_into_next_januarys_plan(bodies, calendar):
    december = evaluation_deadline(bodies["wgsh"], D("2026-12-28"), calendar)

    carried = carry_into_next_year(bodies["wgsh"], december)

    assert carried.plan_month == "2027-01"
    assert carried.last_day is None  # set by the 2027 announcement
    assert carried.carried_into_next_year and carried.provisional
    assert carried.clause == "seed 000 二(三): 12月申报，根据次年公告排考"
    assert carried.to_dict()["last_day"] is None


def test_only_a_december_application_is_carried_into_the_next_year(bodies, calendar):
    november = evaluation_deadline(bodies["wgsh"], D("2026-10-12"), calendar)

    with pytest.raises(NotCarriedIntoNextYear) as refused:
        carry_into_next_year(bodies["wgsh"], november)

    assert (refused.value.code, refused.value.field, refused.value.clause) == (
        "not_carried_into_next_year", "plan_month", "seed 000 二(三)",
    )


# Seed 001: 法定节假日顺延


def test_seed_001_postpones_a_month_end_on_a_saturday_to_the_next_working_day(bodies, calendar):
    deadline = evaluation_deadline(bodies["dsxh"], D("2026-09-15"), calendar)

    assert deadline.last_day == D("2026-11-02")  # 2026-10-31 is a Saturday
    assert deadline.plan_month == "2026-10"
    assert deadline.postponed and not deadline.provisional
    assert deadline.clause == "seed 001 二(三): 9月申报，10月底前评价（法定节假日顺延）"


def test_seed_001_keeps_a_month_end_that_is_a_make_up_working_saturday(bodies, calendar):
    # 2026-02-28 is a Saturday worked in lieu of the Spring Festival holiday.
    deadline = evaluation_deadline(bodies["dsxh"], D("2026-01-20"), calendar)

    assert deadline.last_day == D("2026-02-28")
    assert not deadline.postponed


def test_a_body_without_the_postponement_rule_keeps_a_saturday_month_end(bodies, calendar):
    deadline = evaluation_deadline(bodies["wgsh"], D("2026-09-15"), calendar)

    assert deadline.last_day == D("2026-10-31")
    assert not deadline.postponed


def test_a_month_end_beyond_the_published_calendar_is_provisional(bodies, calendar):
    deadline = evaluation_deadline(bodies["dsxh"], D("2027-01-11"), calendar)

    assert deadline.last_day == D("2027-03-01")  # 2027-02-28 is a Sunday, by weekends alone
    assert deadline.postponed and deadline.provisional


def test_a_month_end_is_provisional_when_the_year_is_only_a_draft_arrangement(bodies, tmp_path):
    (tmp_path / "2027.toml").write_text(
        'year = 2027\nofficial = false\nsource = "draft"\nholidays = []\nworking_days = []\n', encoding="utf-8"
    )
    draft = WorkingDayCalendar.from_directory(tmp_path)

    deadline = evaluation_deadline(bodies["dsxh"], D("2027-02-10"), draft)

    assert deadline.last_day == D("2027-03-31")  # a Wednesday: not moved, but not settled either
    assert not deadline.postponed and deadline.provisional


# Seed 004: fixed windows


@pytest.mark.parametrize(
    ("received_on", "plan_month", "last_day"),
    [("2026-03-22", "2026-04", "2026-04-26"), ("2026-07-01", "2026-08", "2026-08-23"), ("2026-09-10", "2026-11", "2026-11-08")],
)
def test_a_jsxh_application_is_evaluated_in_the_window_that_received_it(bodies, calendar, received_on, plan_month, last_day):  # fmt: skip
    deadline = evaluation_deadline(bodies["jsxh"], D(received_on), calendar)

    assert (deadline.plan_month, deadline.last_day) == (plan_month, D(last_day))
    assert deadline.clause.startswith("seed 004 二(三): ")


def test_a_jsxh_application_between_windows_is_refused(bodies, calendar):
    with pytest.raises(ApplicationOutsideWindow) as refused:
        evaluation_deadline(bodies["jsxh"], D("2026-05-10"), calendar)

    assert (refused.value.field, refused.value.clause) == ("applied_on", "seed 004 二(三)")  # the case's field


# Minimum cohort (seeds 002 二(三)3, 003 二(三) 注)


def test_twenty_nine_applicants_in_the_month_are_deferred_to_the_next_month(bodies):
    decision = cohort_decision(bodies["dmtxh"], 29)

    assert not decision.holds
    assert (decision.minimum, decision.counted_per) == (30, "body")
    assert decision.clause == "seed 002 二(三)3: 若当月申请评价认定报名人数不足30人，则顺延至下月一起评价认定"


def test_thirty_applicants_in_the_month_hold_it(bodies):
    decision = cohort_decision(bodies["migu"], 30)
    assert decision.holds and decision.counted_per == "body"
    assert decision.clause == "seed 003 二(三) 注: 报名人数不足30人，则顺延至下月一起评价认定"


@pytest.mark.parametrize("code", ["dmtxh", "migu"])
def test_the_cohort_counts_every_project_and_level_of_the_body_together(bodies, code):
    body = bodies[code]
    assert cohort_key(body, "全媒体运营师", "直播运营", 3) == cohort_key(body, "全媒体运营师", "创意策划", 4) == ()


def test_a_months_waiting_cases_are_one_unit_decided_on_their_count_with_a_line_per_project_and_level(bodies):
    waiting = [("全媒体运营师", "创意策划", 4)] * 20 + [("全媒体运营师", "创意策划", 3)] * 12

    (unit,) = cohort_units(bodies["migu"], waiting, lambda case: case)

    assert unit.members == waiting and unit.decision.holds and unit.decision.headcount == 32
    assert [(line["level"], line["headcount"], line["counted"], line["holds"]) for line in unit.lines] == [(3, 12, 32, True), (4, 20, 32, True)]
    assert unit.lines[0]["clause"] == "seed 003 二(三) 注: 报名人数不足30人，则顺延至下月一起评价认定"


def test_no_waiting_case_makes_no_cohort_unit(bodies):
    assert cohort_units(bodies["dmtxh"], [], lambda case: case) == []


def test_a_body_without_a_minimum_cohort_holds_even_a_single_candidate(bodies):
    decision = cohort_decision(bodies["wgsh"], 1)

    assert decision.holds and decision.minimum is None


def test_a_negative_headcount_is_refused(bodies):
    with pytest.raises(InvalidInput):
        cohort_decision(bodies["migu"], -1)


@pytest.mark.parametrize(("month", "following"), [("2026-04", "2026-05"), ("2026-12", "2027-01")])
def test_a_deferred_cohort_moves_to_the_next_month(month, following):
    assert next_month(month) == following


def test_a_month_not_written_yyyy_mm_is_refused():
    with pytest.raises(InvalidMonth):
        next_month("2026-13")


# Folding a thin jsxh window into November (seed 004 二(三) 注)


def test_a_thin_april_window_is_folded_into_november_and_candidates_told_ten_days_ahead(bodies):
    jsxh = bodies["jsxh"]

    decision = fold_decision(jsxh, window(jsxh, "April"), 12, None)

    assert decision.folded
    assert (decision.into, decision.notify_by) == ("November", D("2026-10-28"))  # 2026-11-07 less 10 days
    assert decision.minimum == 30
    assert decision.clause.startswith("seed 004 二(三) 注")


def test_an_april_window_that_meets_the_minimum_passed_is_not_folded(bodies):
    jsxh = bodies["jsxh"]

    decision = fold_decision(jsxh, window(jsxh, "April"), 20, 20)

    assert not decision.folded
    assert decision.into is None and decision.notify_by is None


def test_the_november_window_is_never_folded_however_few_apply(bodies):
    jsxh = bodies["jsxh"]

    assert not fold_decision(jsxh, window(jsxh, "November"), 3, None).folded


# Admission tickets (准考证, 二(五))


def test_jsxh_tickets_download_on_the_windows_published_date(bodies):
    jsxh = bodies["jsxh"]

    assert ticket_available_from(jsxh, D("2026-04-25"), window(jsxh, "April")) == D("2026-04-20")


@pytest.mark.parametrize("code", ["dmtxh", "migu"])
def test_tickets_download_one_week_before_the_first_day_where_the_notice_says_so(bodies, code):
    assert ticket_available_from(bodies[code], D("2026-06-20"), None) == D("2026-06-13")  # seeds 002/003 二(五) 考前一周


@pytest.mark.parametrize("code", ["wgsh", "dsxh"])
def test_a_notice_giving_no_download_day_gives_none(bodies, code):
    assert ticket_available_from(bodies[code], D("2026-06-20"), None) is None  # seeds 000/001 二(五)


# Service levels (三, 五)


def test_results_are_due_twenty_working_days_after_the_last_subject_across_labour_day(bodies, calendar):
    due = results_due(bodies["jsxh"], D("2026-04-26"), False, calendar)

    assert due.due == D("2026-05-26")
    assert not due.provisional


def test_results_involving_marking_are_due_thirty_working_days_after_the_last_subject(bodies, calendar):
    assert results_due(bodies["jsxh"], D("2026-04-26"), True, calendar).due == D("2026-06-09")


def test_a_body_without_the_marking_figure_owes_results_in_twenty_working_days_regardless(bodies, calendar):
    assert results_due(bodies["wgsh"], D("2026-04-26"), True, calendar).due == D("2026-05-26")


def test_results_due_past_the_published_calendar_are_provisional(bodies, calendar):
    due = results_due(bodies["migu"], D("2026-12-20"), False, calendar)

    assert due.due.year == 2027 and due.provisional


def test_an_individual_collects_the_certificate_twenty_working_days_after_it_became_queryable(bodies, calendar):
    collectable = certificate_collectable_from(bodies["wgsh"], D("2026-09-25"), calendar)

    # 2026-10-01..10-07 are the National Day holiday; Saturday 10-10 is worked in lieu.
    assert collectable is not None
    assert collectable.due == D("2026-10-29")
    assert not collectable.provisional


def test_a_body_stating_no_collection_rule_gives_no_collection_date(bodies, calendar):
    assert certificate_collectable_from(bodies["jsxh"], D("2026-09-25"), calendar) is None
