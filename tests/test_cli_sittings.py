"""`cases sittings plan` and `cases sittings late`, run for real on a store built through the application (SQLite
and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from typer.testing import CliRunner

from cases.service.application import CasesApplication
from cli import app as cli
from cases.settings import Settings
from tests.builders import FULL_ID_NUMBER, approved, paid, sat_with_scores
from tests.test_cli import cli_env

D = date.fromisoformat



@pytest.fixture(scope="module")
def store(module_store: Settings) -> Settings:
    """A 2026 with a wgsh April sitting, 29 migu cases deferred from April to May, a thin jsxh April window folded
    into November, results owed and a certificate owed in May, and a wgsh fee unpaid over National Day (built once
    per module on each store: the tests only read it)."""
    app = CasesApplication(module_store)
    plan = app.scheduling.plan_sitting
    try:
        wgsh = plan(body="wgsh", occupation="互联网营销师", work_type="视频创推员", levels=[5, 4, 3], dates=[D("2026-04-18")],
                    venue="新闻路945号306室", capacity=30, planned_on=D("2026-03-02"), actor="registrar-1")  # fmt: skip
        qualified = paid(app, body="wgsh", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-03"))
        app.scheduling.schedule_case(qualified, wgsh, on=D("2026-03-09"), actor="registrar-1")
        assert sat_with_scores(app, qualified, D("2026-04-18"), {"theory": 81, "skills": 77}, D("2026-04-30")) == "qualified"

        migu = plan(body="migu", occupation="全媒体运营师", work_type="创意策划", levels=[4], dates=[D("2026-04-18")],
                    venue="川桥路777号咪咕3号楼", capacity=40, planned_on=D("2026-03-02"), actor="registrar-1")  # fmt: skip
        for _ in range(29):
            case_id = paid(app, body="migu", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-03"))
            app.scheduling.schedule_case(case_id, migu, on=D("2026-03-09"), actor="registrar-1")
        app.scheduling.apply_cohort_rule(body="migu", plan_month="2026-04", on=D("2026-04-01"), actor="registrar-1")

        april = plan(body="jsxh", occupation="企业人力资源管理师", work_type=None, levels=[4, 3], dates=[D("2026-04-25"), D("2026-04-26")],
                     venue="广济路838号A栋", capacity=40, planned_on=D("2026-02-23"), actor="registrar-1")  # fmt: skip
        for _ in range(2):
            case_id = paid(app, body="jsxh", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-10"))
            app.scheduling.schedule_case(case_id, april, on=D("2026-03-24"), actor="registrar-1")
        app.scheduling.fold_window(body="jsxh", window="April", on=D("2026-03-30"), actor="registrar-1")

        waiting = paid(app, body="jsxh", level=3, applied_on=D("2026-03-05"), decided_on=D("2026-03-10"))
        app.record_attendance(waiting, sat_on=D("2026-04-26"), attended=True, actor="examiner-1")
        approved(app, body="wgsh", level=3, applied_on=D("2026-09-28"), decided_on=D("2026-09-29"))
    finally:
        app.close()
    return module_store


def invoke(store: Settings, *args: str):
    """`cases …` on the store: its data dir given with --data-dir, the rest (PostgreSQL) in the environment."""
    return CliRunner().invoke(cli, [*args, "--data-dir", str(store.data_dir)], env=cli_env(store))


def plan_of(store: Settings, month: str) -> str:
    result = invoke(store, "sittings", "plan", "--month", month)
    assert result.exit_code == 0, result.output
    return result.stdout


def body_section(out: str, code: str) -> str:
    """The lines printed under one body's heading, up to the next body's."""
    start = out.index(f"{code} · ")
    following = [out.index(f"{other} · ", start) for other in ("wgsh", "dsxh", "dmtxh", "migu", "jsxh") if f"{other} · " in out[start + 1 :]]  # fmt: skip
    return out[start : min([i for i in following if i > start], default=len(out))]


# --- cases sittings plan --------------------------------------------------------------------------------------


def test_the_plan_prints_every_body_and_says_so_when_a_body_has_nothing_that_month(store):
    out = plan_of(store, "2026-04")

    assert "evaluation plan for 2026-04" in out
    for heading in ("wgsh · 上海市网购商会", "dsxh · 上海市电子商务行业协会", "dmtxh · 上海市多媒体行业协会",
                    "migu · 咪咕视讯科技有限公司", "jsxh · 上海市技师协会"):  # fmt: skip
        assert heading in out
    assert "nothing planned for 2026-04" in body_section(out, "dsxh")


def test_the_plan_prints_each_sitting_with_days_venue_levels_seats_status_tickets_and_results_dates(store):
    out = plan_of(store, "2026-04")

    assert re.search(r"2026-04-18\s+互联网营销师 \(视频创推员\)\s+5, 4, 3\s+新闻路945号306室\s+1 / 30\s+planned\s+once paid\s+2026-05-19", body_section(out, "wgsh"))  # seed 000 二(五): no day  # fmt: skip
    assert re.search(r"2026-04-18\s+全媒体运营师 \(创意策划\)\s+4\s+川桥路777号咪咕3号楼\s+29 / 40\s+deferred\s+2026-04-11\s+2026-05-19", body_section(out, "migu"))  # fmt: skip
    assert re.search(r"2026-04-25, 2026-04-26\s+企业人力资源管理师\s+4, 3\s+广济路838号A栋\s+2 / 40\s+folded\s+2026-04-20\s+2026-05-26", body_section(out, "jsxh"))  # fmt: skip


def test_the_plan_prints_the_cohorts_with_their_minimum_and_whether_they_hold(store):
    may, november = plan_of(store, "2026-05"), plan_of(store, "2026-11")

    assert re.search(r"企业人力资源管理师\s+4\s+2\s+none\s+holds", body_section(november, "jsxh"))
    assert re.search(r"全媒体运营师 \(创意策划\)\s+4\s+29\s+30\s+below the minimum: defers to 2026-06", body_section(may, "migu"))
    assert "no sitting planned" in body_section(may, "migu")


def test_the_plan_prints_a_deferred_cohort_once_out_of_its_month_and_into_the_next_with_the_reason(store):
    april, may = plan_of(store, "2026-04"), plan_of(store, "2026-05")

    assert "deferred out of 2026-04" in body_section(april, "migu")
    assert re.search(r"2026-05\s+29\s+29 applicants, fewer than 30\s+—", body_section(april, "migu"))
    assert "deferred into 2026-05" in body_section(may, "migu")
    assert re.search(r"2026-04\s+29\s+29 applicants, fewer than 30\s+—", body_section(may, "migu"))


def test_the_november_plan_prints_the_folded_window_and_the_day_candidates_must_be_told_by(store):
    november = body_section(plan_of(store, "2026-11"), "jsxh")

    assert "deferred into 2026-11" in november
    assert re.search(r"2026-04\s+2\s+window April folded into November \(2 applicants\)\s+2026-10-28", november)


def test_the_plan_prints_no_full_id_number(store):
    for month in ("2026-04", "2026-05", "2026-11"):
        assert not FULL_ID_NUMBER.search(plan_of(store, month))


def test_a_month_not_written_yyyy_mm_is_a_one_line_error_with_exit_2(store):
    result = invoke(store, "sittings", "plan", "--month", "2026-4")

    assert result.exit_code == 2
    assert result.stderr == "error [invalid_month] month: '2026-4' is not a month written YYYY-MM\n"
    assert result.stdout == ""


def test_the_plan_of_a_missing_store_is_not_found_and_creates_nothing(tmp_path):
    """SQLite only: a data dir without an event file is a store that is not there; PostgreSQL has no such thing."""
    missing = tmp_path / "nowhere"

    result = invoke(Settings(data_dir=missing), "sittings", "plan", "--month", "2026-04")

    assert result.exit_code == 2
    assert result.stderr.startswith("error [not_found] data_dir: no event store at")
    assert not (missing / "events.sqlite").exists()


# --- cases sittings late --------------------------------------------------------------------------------------


def late_on(store: Settings, day: str) -> str:
    result = invoke(store, "sittings", "late", "--on", day)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_late_lists_results_and_certificates_owed_the_day_after_they_were_due(store):
    out = late_on(store, "2026-05-27")

    assert "late on 2026-05-27 · 2 cases" in out
    assert "results past their service-level date (1)" in out
    assert re.search(r"jsxh\s+310\*{11}\d{3}[0-9X]\s+3\s+2026-05-26", out)
    assert "qualified, certificate not issued by the day results were due (1)" in out
    assert re.search(r"wgsh\s+310\*{11}\d{3}[0-9X]\s+4\s+2026-05-19", out)
    assert not FULL_ID_NUMBER.search(out)


def test_nothing_is_late_on_the_day_results_are_due(store):
    out = late_on(store, "2026-05-19")

    assert "late on 2026-05-19 · 0 cases" in out and "nothing is late on 2026-05-19" in out


def test_a_fee_unpaid_over_national_day_is_late_from_the_day_after_its_deadline(store):
    assert "fees unpaid" not in late_on(store, "2026-10-09")

    out = late_on(store, "2026-10-10")
    assert "fees unpaid past their deadline (1)" in out
    assert re.search(r"wgsh\s+310\*{11}\d{3}[0-9X]\s+3\s+2026-10-09", out)


def test_late_on_a_day_that_is_not_a_date_is_a_usage_error(store):
    result = invoke(store, "sittings", "late", "--on", "2026-13-01")

    assert result.exit_code == 2
    assert "Invalid value for '--on'" in result.output
