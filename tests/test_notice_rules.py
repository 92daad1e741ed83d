"""Rules each body takes from its own notice only (issue 12 points 9-13), on SQLite and PostgreSQL.

- Theory and skills on one day (seed 002 二(三)2, seed 003 二(三) 注): a sitting of those bodies spans one day; the
  other notices set no such rule, and 上海市技师协会 evaluates over its windows' two days.
- The minimum cohort (seed 002 二(三)3 「若当月申请评价认定报名人数不足30人」, seed 003 二(三) 注 「报名人数不足30人」):
  the month's applicants at the body, whatever their project and level; the unit is catalogue data.
- Admission tickets (二(五) of each notice): seeds 000/001 give no day (once approved, paid and seated), seeds 002/003
  one week before the sitting (考前一周), seed 004 its window's download date; each refusal cites its own notice.
- The catalogue records what each notice's 六 gives: consultation lines, counter hours; and each project's marking.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest

from cases.service.application import CasesApplication
from cases.calendar.working_days import WorkingDayCalendar
from cases.errors import DomainError
from cases.rulebook.loader import DATA_DIR, load_rulebook
from cases.settings import Settings
from tests.builders import (
    PROJECTS,
    approved,
    event_count,
    events_named,
    paid,
    refused,
)

D = date.fromisoformat
ACTOR = "registrar-1"
SEEDS = {"wgsh": "000", "dsxh": "001", "dmtxh": "002", "migu": "003", "jsxh": "004"}
VENUE = "评价场地"


def plan(app: CasesApplication, body: str, *days: str, levels: tuple[int, ...] = (4, 3), planned_on: str = "2026-02-23",
         project: tuple[str, str | None] | None = None) -> UUID:  # fmt: skip
    occupation, work_type = project or PROJECTS[body]
    return app.scheduling.plan_sitting(
        body=body, occupation=occupation, work_type=work_type, levels=list(levels), dates=[D(d) for d in days],
        venue=VENUE, capacity=60, planned_on=D(planned_on), actor=ACTOR,
    )  # fmt: skip


def march_cases(app: CasesApplication, body: str, count: int, level: int = 4, work_type: str | None = "-") -> list[UUID]:
    """`count` cases applied on 2 March and approved on 3 March: the April plan of a monthly body."""
    return [
        approved(app, body=body, level=level, work_type=work_type, applied_on=D("2026-03-02"), decided_on=D("2026-03-03"))
        for _ in range(count)
    ]


def cohort_rule(app: CasesApplication, body: str, month: str = "2026-04", on: str = "2026-04-01") -> list[dict]:
    return app.scheduling.apply_cohort_rule(body=body, plan_month=month, on=D(on), actor=ACTOR)


# --- point 9: theory and skills on one day --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "clause"),
    [("dmtxh", "seed 002 二(三)2: 理论知识与操作技能同一天考核"), ("migu", "seed 003 二(三) 注: 理论知识与操作技能同一天考核")],
)
def test_a_sitting_over_two_days_is_refused_where_the_notice_puts_theory_and_skills_on_one_day(app, body, clause):
    before = event_count(app)
    with pytest.raises(DomainError) as refused_plan:
        plan(app, body, "2026-04-18", "2026-04-19")

    error = refused_plan.value
    assert (error.code, error.field, error.clause) == ("sitting_not_on_one_day", "dates", clause)
    assert "2026-04-18" in error.message and "2026-04-19" in error.message
    assert event_count(app) == before


@pytest.mark.parametrize("body", ["dmtxh", "migu"])
def test_a_one_day_sitting_of_those_bodies_is_planned(app, body):
    sitting = app.get_sitting(plan(app, body, "2026-04-18"))
    assert sitting.dates == [D("2026-04-18")]


@pytest.mark.parametrize(("body", "days"), [("wgsh", ("2026-04-18", "2026-04-19")), ("dsxh", ("2026-04-18", "2026-04-19")),
                                            ("jsxh", ("2026-04-25", "2026-04-26"))])  # fmt: skip
def test_a_body_whose_notice_sets_no_one_day_rule_may_plan_a_sitting_over_two_days(app, body, days):
    sitting = app.get_sitting(plan(app, body, *days))
    assert sitting.dates == [D(d) for d in days]


# --- point 10: the minimum cohort counts the month's applicants at the body ----------------------------------------


@pytest.mark.parametrize(
    ("body", "projects", "clause"),
    [
        ("dmtxh", [(20, 4, "直播运营"), (10, 3, "流量运营")], "seed 002 二(三)3: 若当月申请评价认定报名人数不足30人，则顺延至下月一起评价认定"),
        ("migu", [(29, 4, "创意策划"), (1, 3, "视听运营")], "seed 003 二(三) 注: 报名人数不足30人，则顺延至下月一起评价认定"),
    ],
)
def test_thirty_applicants_in_the_month_at_the_body_hold_whatever_their_project_and_level(app, body, projects, clause):
    cases = [c for n, level, work_type in projects for c in march_cases(app, body, n, level, work_type)]
    before = event_count(app)

    outcome = cohort_rule(app, body)

    assert {(line["counted_per"], line["counted"], line["holds"], line["minimum"]) for line in outcome} == {("body", 30, True, 30)}
    assert sorted((line["work_type"], line["level"], line["headcount"]) for line in outcome) == sorted(
        (work_type, level, n) for n, level, work_type in projects
    )
    assert all(line["clause"] == clause for line in outcome)
    assert event_count(app) == before  # nothing deferred
    assert all(app.get_case(c).plan_month() == "2026-04" for c in cases)


@pytest.mark.parametrize(
    ("body", "projects", "seed"),
    [("dmtxh", [(20, 4, "直播运营"), (9, 3, "视听运营")], "002"), ("migu", [(28, 4, "创意策划"), (1, 3, "直播运营")], "003")],
)
def test_twenty_nine_applicants_in_the_month_at_the_body_defer_every_project_and_level(app, body, projects, seed):
    sittings = [plan(app, body, "2026-04-18", levels=(level,), project=("全媒体运营师", work_type)) for _, level, work_type in projects]
    cases = [c for n, level, work_type in projects for c in march_cases(app, body, n, level, work_type)]
    for case_id in cases:
        case = app.get_case(case_id)
        sitting = next(s for s in sittings if app.get_sitting(s).work_type == case.work_type)
        app.scheduling.schedule_case(case_id, sitting, on=D("2026-03-10"), actor=ACTOR)

    outcome = cohort_rule(app, body)

    assert {(line["counted"], line["holds"]) for line in outcome} == {(29, False)}
    for case_id in cases:
        (deferred,) = events_named(app, case_id, "EvaluationDeferred")
        assert (deferred.from_month, deferred.to_month, deferred.reason) == ("2026-04", "2026-05", "29 applicants, fewer than 30")
        assert deferred.clause.startswith(f"seed {seed} 二(三)")
    assert {app.get_sitting(s).status for s in sittings} == {"deferred"}


@pytest.fixture
def per_project_and_level_app(store: Settings, calendar: WorkingDayCalendar, tmp_path: Path) -> Iterator[CasesApplication]:
    """A rule book copy whose migu cohort is counted per project and level: the unit is the body's data."""
    directory = tmp_path / "rulebook"
    directory.mkdir()
    text = (DATA_DIR / "2026.toml").read_text(encoding="utf-8")
    changed = text.replace('cohort = { minimum = 30, counted_per = "body", clause = "seed 003', 'cohort = { minimum = 30, counted_per = "project_level", clause = "seed 003')
    assert changed != text
    (directory / "2026.toml").write_text(changed, encoding="utf-8")
    app = CasesApplication(store, rulebook=load_rulebook(data_dir=directory), calendar=calendar)
    yield app
    app.close()


def test_a_body_counted_per_project_and_level_defers_the_thin_level_and_keeps_the_full_one(per_project_and_level_app):
    app = per_project_and_level_app
    full = march_cases(app, "migu", 30, level=3)
    thin = march_cases(app, "migu", 1, level=4)

    outcome = cohort_rule(app, "migu")

    assert sorted((line["level"], line["counted_per"], line["counted"], line["holds"]) for line in outcome) == [
        (3, "project_level", 30, True), (4, "project_level", 1, False),
    ]  # fmt: skip
    assert app.get_case(thin[0]).plan_month() == "2026-05"
    assert app.get_case(full[0]).plan_month() == "2026-04"


def test_a_body_whose_notice_names_no_minimum_holds_a_single_applicant(app):
    march_cases(app, "wgsh", 1)
    (line,) = cohort_rule(app, "wgsh")
    assert (line["holds"], line["minimum"], line["counted"]) == (True, None, 1)


# --- point 11: admission tickets, each body by its own notice ---------------------------------------------------------


def paid_and_seated(app: CasesApplication, body: str, *days: str) -> UUID:
    sitting = plan(app, body, *days)
    if body == "jsxh":
        case_id = paid(app, body="jsxh", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-10"))
    else:
        case_id = paid(app, body=body, level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-03"))
    app.scheduling.schedule_case(case_id, sitting, on=D("2026-03-24"), actor=ACTOR)
    return case_id


@pytest.mark.parametrize("body", ["wgsh", "dsxh"])
def test_a_ticket_of_a_body_whose_notice_gives_no_download_day_is_had_once_paid_and_seated(app, body):
    case_id = paid_and_seated(app, body, "2026-04-18")

    ticket = app.scheduling.admission_ticket(case_id, on=D("2026-03-24"))  # 25 days before the sitting

    assert ticket["dates"] == ["2026-04-18"]
    (scheduled,) = events_named(app, case_id, "Scheduled")
    assert scheduled.ticket_from == D("2026-03-24")
    assert scheduled.ticket_clause.startswith(f"seed {SEEDS[body]} 二(五)")


@pytest.mark.parametrize(
    ("body", "days", "opens", "clause"),
    [
        ("dmtxh", ("2026-04-18",), "2026-04-11", "seed 002 二(五): 由考生本人于考前一周登录…下载准考证"),
        ("migu", ("2026-04-18",), "2026-04-11", "seed 003 二(五): 在考前一周通过“咪咕视频微信公众号-技能认定”下载准考证"),
        ("jsxh", ("2026-04-25", "2026-04-26"), "2026-04-20", "seed 004 二(三): 下载准考证日期; 二(五): 认定前一周"),
    ],
)
def test_a_ticket_before_the_day_the_bodys_own_notice_gives_is_refused_citing_that_notice(app, body, days, opens, clause):
    case_id = paid_and_seated(app, body, *days)
    day_before = D(opens).fromordinal(D(opens).toordinal() - 1)

    error = refused(app, DomainError, lambda: app.scheduling.admission_ticket(case_id, on=day_before))

    assert (error.code, error.field, error.clause) == ("ticket_not_available", "on", clause)
    assert error.details["available_from"] == opens
    assert app.scheduling.admission_ticket(case_id, on=D(opens))["dates"] == list(days)


@pytest.mark.parametrize("body", list(SEEDS))
def test_a_ticket_before_payment_is_refused_citing_the_bodys_own_notice(app, body):
    case_id = approved(app, body=body, level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-10"))

    error = refused(app, DomainError, lambda: app.scheduling.admission_ticket(case_id, on=D("2026-04-24")))

    assert error.code == "ticket_not_available"
    assert error.clause.startswith(f"seed {SEEDS[body]} ")
    assert all(f"seed {other}" not in error.clause and f"{other}/" not in error.clause for other in SEEDS.values() if other != SEEDS[body])


def test_every_bodys_ticket_rule_is_its_own_notices(rulebook):
    for body in rulebook.for_year(2026).bodies:
        assert body.tickets.clause.startswith(f"seed {body.seed} "), body.code
        others = [seed for seed in SEEDS.values() if seed != body.seed]
        assert not any(seed in body.tickets.clause for seed in others), body.tickets.clause


# --- point 13: what each notice's 六 gives, and each project's marking --------------------------------------------------


def test_every_bodys_consultation_line_and_counter_hours_are_those_its_notice_gives(rulebook):
    # Typed from each notice's 六(二) 业务受理时间 and 六(三) 业务咨询电话.
    given = {
        "wgsh": ("021-52890811", None, ("09:00-11:00", "13:00-15:00")),
        "dsxh": ("021-63561513", None, ("09:30-11:00", "13:30-16:30")),
        "dmtxh": ("021-52411861", None, ("09:30-11:00", "13:30-16:00")),
        "migu": ("021-51856688*1342", "jnrd@migu.chinamobile.com", ("09:30-11:30", "13:30-17:30")),
        "jsxh": ("021-62418668", None, ("09:30-11:30", "13:30-16:00")),
    }
    catalogue = rulebook.for_year(2026)
    assert {b.code: (b.consultation_line, b.consultation_email, b.counter_hours) for b in catalogue.bodies} == given


def test_every_project_says_whether_it_involves_marking_citing_its_own_notice_or_a_decision(rulebook):
    for body in rulebook.for_year(2026).bodies:
        for project in body.projects:
            assert project.marking.involved is False, (body.code, project.title)
            assert project.marking.clause.startswith(f"seed {body.seed} 三"), project.marking.clause
            if body.results.working_days_with_marking:  # the notice has the 30-day exception but names no project
                assert "Decision" in project.marking.clause or "机考" in project.marking.clause, project.marking.clause


@pytest.mark.parametrize(("body", "sat_on", "due"), [("dmtxh", "2026-04-18", "2026-05-19"), ("migu", "2026-04-18", "2026-05-19")])
def test_results_of_a_project_the_notice_does_not_name_as_marked_are_due_in_twenty_working_days(app, body, sat_on, due):
    case_id = paid(app, body=body, level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-03"))
    app.record_attendance(case_id, sat_on=D(sat_on), attended=True, actor="examiner-1")
    (sat,) = events_named(app, case_id, "Sat")
    assert sat.results_due["due"] == due
