"""The command line, run for real: the demo on a fresh SQLite store, the rule book, working days, a case's history
(on SQLite and PostgreSQL).

`module_store` (tests/conftest.py) is `store` once per module, for stores built once and then only read; `cli_env`
points a `cases` command at a store, SQLite or PostgreSQL. The other CLI test modules use both."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cases.service import case_log
from cases.service.application import CasesApplication
from cli import app
from cases.demo import TODAY, run_demo
from cases.demo.record import DemoRecord
from cases.rulebook.loader import DATA_DIR
from cases.settings import Settings
from tests.builders import FULL_ID_NUMBER
from tests.support.live_server import server_env

BODIES = {"wgsh": "上海市网购商会", "dsxh": "上海市电子商务行业协会", "dmtxh": "上海市多媒体行业协会",
          "migu": "咪咕视讯科技有限公司", "jsxh": "上海市技师协会"}  # fmt: skip
SANCTION_TIERS = [f"sanction: {tier}" for tier in ("subject", "sitting", "grave (minor)", "grave (serious)", "materials")]



def cli_env(settings: Settings) -> dict[str, str]:
    """The environment a `cases` command finds the settings' store in (its SQLite data dir, or its PostgreSQL
    database, schema and ID hash key), nothing inherited that would redirect it."""
    return server_env(settings, CASES_LOG_FORMAT="console", CASES_LOG_LEVEL="WARNING")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A clean environment: the embedded store under tmp_path, nothing inherited that would redirect it."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CASES_")}
    return {**clean, "CASES_DATA_DIR": str(tmp_path / "var"), "CASES_LOG_LEVEL": "WARNING"}


@pytest.fixture(scope="module")
def demo_store(module_store: Settings) -> tuple[Settings, DemoRecord]:
    """The demo year played on the module's store (once per store: the tests only read it), and its record."""
    demo_app = CasesApplication(module_store)
    try:
        record = run_demo(demo_app)
    finally:
        demo_app.close()
    return module_store, record


def invoke(args: list[str], env: dict[str, str]):
    return CliRunner().invoke(app, args, env=env)


def id_numbers_in_store(data_dir: Path) -> set[str]:
    demo_app = CasesApplication(Settings(data_dir=data_dir))
    try:
        cases = [demo_app.get_case(n.originator_id) for n in demo_app.recorder.select_notifications(start=1, limit=10_000)
                 if n.topic.endswith("EvaluationCase.Applied")]  # fmt: skip
        return {demo_app.get_candidate(c.candidate_id).id_number for c in cases}
    finally:
        demo_app.close()


# --- cases demo ---------------------------------------------------------------------------------------------
# `cases demo` always writes to the embedded SQLite store (it ignores CASES_DATABASE_URL: the README's first run
# needs nothing started), so the tests of the command run on SQLite only; those of the year it plays, on both.


def test_the_demo_plays_all_five_bodies_through_every_sanction_tier(tmp_path, env):
    result = invoke(["demo", "--data-dir", str(tmp_path / "demo")], env)

    assert result.exit_code == 0, result.output
    out = result.stdout
    for code, name in BODIES.items():
        assert f"{code} · {name}" in out
    for tier in SANCTION_TIERS:
        assert tier in out
    for fact in ("retake waived", "certificate revoked", "certificate reissued", "retake barred", "lapsed",
                 "group via", "competition", "retake ¥498", "retake ¥175", "[retake_price_unset]", "[candidate_banned]"):  # fmt: skip
        assert fact in out, fact
    assert re.search(r"\d+ cases · \d+ events written · fees collected ¥[\d,]+", out)


def test_the_demo_plans_sittings_defers_a_thin_cohort_holds_a_full_one_and_folds_a_thin_window(tmp_path, env):
    result = invoke(["demo", "--data-dir", str(tmp_path / "demo")], env)

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.count("seats taken") == len(BODIES)
    assert re.search(r"4 candidates\s+cohort deferred\s+全媒体运营师 \(直播运营\) level 4: 4 applicants for 2026-09, fewer than 30", out)
    assert re.search(r"2026-09-19\s+全媒体运营师 \(直播运营\)\s+4\s+\S+\s+4 / 40\s+deferred to 2026-10", out)
    assert re.search(r"30 candidates\s+cohort holds\s+全媒体运营师 \(创意策划\) level 4: 30 applicants for 2026-11, at least 30", out)
    assert "28 more of the group" in out
    assert re.search(r"2 candidates\s+window folded\s+August window: 2 applicants, fewer than 3: folded into November; "
                     r"candidates to be told by 2026-10-28", out)  # fmt: skip
    assert "folded into November, candidates told by 2026-10-28" in out
    assert "evaluate by 2026-11-02" in out  # a dsxh September application: 31 October is a Saturday (seed 001)


def test_every_attendance_in_the_demo_is_at_a_sitting_the_case_was_scheduled_for(demo_store):
    settings, _ = demo_store
    demo_app = CasesApplication(settings)
    try:
        attended = [e for case in case_log.all_cases(demo_app.work) for e in demo_app.events.get(case.id)
                    if type(e).__name__ in ("Sat", "Absent")]  # fmt: skip
        scheduled = {(e.originator_id, e.sitting_id) for case in case_log.all_cases(demo_app.work)
                     for e in demo_app.events.get(case.id) if type(e).__name__ == "Scheduled"}  # fmt: skip
    finally:
        demo_app.close()
    assert len(attended) > 50
    assert all((e.originator_id, e.sitting_id) in scheduled for e in attended)


def test_the_demo_prints_no_full_id_number(tmp_path, env):
    result = invoke(["--log-level", "INFO", "demo", "--data-dir", str(tmp_path / "demo")], env)

    assert result.exit_code == 0, result.output
    assert not FULL_ID_NUMBER.search(result.output), FULL_ID_NUMBER.search(result.output)
    numbers = id_numbers_in_store(tmp_path / "demo")
    assert len(numbers) > 20
    assert not [n for n in numbers if n in result.output or n[:14] in result.output]
    assert re.search(r"310\*{11}\d{3}[0-9X]", result.stdout)


def test_running_the_demo_again_refuses_and_writes_nothing_until_fresh(tmp_path, env):
    data_dir = str(tmp_path / "demo")
    first = invoke(["demo", "--data-dir", data_dir], env)
    written = re.search(r"(\d+) events written", first.stdout).group(1)

    again = invoke(["demo", "--data-dir", data_dir], env)
    assert again.exit_code == 2
    assert f"error [store_not_empty] data_dir: the store already holds {written} events" in again.stderr
    assert "use --fresh" in again.stderr and "Traceback" not in again.output

    fresh = invoke(["demo", "--data-dir", data_dir, "--fresh"], env)
    assert fresh.exit_code == 0, fresh.output
    assert f"{written} events written" in fresh.stdout


def test_the_installed_script_runs_the_demo_in_the_data_dir_and_refuses_a_second_run(tmp_path, env):
    script = shutil.which("cases", path=str(Path(sys.executable).parent)) or "cases"

    first = subprocess.run([script, "demo"], env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "var" / "events.sqlite").exists()
    assert all(name in first.stdout for name in BODIES.values())

    second = subprocess.run([script, "demo"], env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 2
    assert second.stderr.startswith("error [store_not_empty]") and "Traceback" not in second.stderr


def test_the_demo_year_happens_in_2026_and_nothing_after_today(demo_store):
    _, record = demo_store
    days = [d for b in record.bodies for n in b.notables for d in [n.on]]
    days += [d for b in record.bodies for s in b.sittings for d in s.days]
    for case in (c for b in record.bodies for c in b.cases):
        days += [case.applied_on, *case.sittings, *(p.paid_on for p in case.payments)]
        days += [d for d in (case.approved_on, case.pay_by, case.certificate and case.certificate.issued_on) if d]
    assert min(days) >= date(2026, 1, 1) and max(days) <= TODAY == date(2026, 11, 21)


# --- cases catalogue ----------------------------------------------------------------------------------------
# The rule book and the calendar are files: `catalogue` and `workdays` open no store, so nothing differs on PostgreSQL.


def test_catalogue_check_accepts_the_bundled_rule_book(env):
    result = invoke(["catalogue", "--check"], env)

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("rule book OK: years 2026")


def test_catalogue_check_names_the_broken_entry_and_exits_1(tmp_path, env):
    broken = tmp_path / "rulebook"
    broken.mkdir()
    good = (DATA_DIR / "2026.toml").read_text(encoding="utf-8")
    (broken / "2026.toml").write_text(good.replace("{ level = 4, total = 528,", "{ level = 4, total = 529,"), encoding="utf-8")

    result = invoke(["catalogue", "--check", "--rulebook-dir", str(broken)], env)

    assert result.exit_code == 1
    assert "bodies[0] (上海市网购商会).projects[0] (互联网营销师).levels[1] (level 4)" in result.stderr
    assert "do not add up to total 529" in result.stderr


def test_catalogue_prints_bodies_fees_retake_prices_and_service_levels(env):
    result = invoke(["catalogue"], env)

    assert result.exit_code == 0, result.output
    out = result.stdout
    for line in ("021-62715879", "09:00-11:00", "021-51856688*1341", "400-820-9278"):
        assert line in out
    assert "theory 175 / skills 175" in out and "not stated" in out
    assert "within 3 working days of approval" in out and "within the window's payment dates" in out
    assert "30 where marking is involved" in out
    assert "2026-09-10 – 2026-09-30" in out


# --- cases workdays -----------------------------------------------------------------------------------------


def test_workdays_add_skips_the_national_day_holiday(env):
    result = invoke(["workdays", "add", "2026-09-30", "3"], env)

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "2026-10-10"
    assert "official calendar" in result.stdout


def test_workdays_add_into_an_unpublished_year_is_provisional(env):
    result = invoke(["workdays", "add", "2026-12-30", "3"], env)

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "2027-01-04 (provisional)"
    assert "2027 arrangement not published" in result.stdout


def test_workdays_status_names_a_make_up_working_day(env):
    result = invoke(["workdays", "status", "2026-10-10"], env)

    assert result.exit_code == 0, result.output
    assert "working day" in result.stdout and "make-up" in result.stdout and "(exact)" in result.stdout


# --- cases case show ----------------------------------------------------------------------------------------


def test_case_show_prints_the_stage_and_every_event(demo_store):
    settings, record = demo_store
    jsxh = next(b for b in record.bodies if b.code == "jsxh")
    forged = next(c for c in jsxh.cases if c.stage == "disqualified")

    result = invoke(["case", "show", str(forged.case_id), "--data-dir", str(settings.data_dir)], cli_env(settings))

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "stage disqualified" in out and forged.id_masked in out
    for event in ("Applied", "Approved", "FeePaid", "Sat", "ValidityWindowOpened", "SubjectPassed", "Qualified",
                  "CertIssued", "Sanctioned", "CertRevoked"):  # fmt: skip
        assert re.search(rf"\s{event}\s", out), event
    assert "registrar:jsxh" in out and "compliance:jsxh" in out
    assert "amount=400" in out and "tier=materials" in out
    assert not FULL_ID_NUMBER.search(out)


def test_case_show_accepts_the_prefix_the_demo_prints(demo_store):
    settings, record = demo_store
    case = record.bodies[0].cases[0]

    result = invoke(["case", "show", str(case.case_id)[:8], "--data-dir", str(settings.data_dir)], cli_env(settings))

    assert result.exit_code == 0, result.output
    assert f"case {case.case_id}" in result.stdout


def test_an_unknown_case_is_a_one_line_domain_error_with_exit_2(demo_store):
    settings, _ = demo_store

    result = invoke(["case", "show", "5f0e8b6a-0000-4000-8000-000000000000", "--data-dir", str(settings.data_dir)], cli_env(settings))

    assert result.exit_code == 2
    assert result.stderr == "error [not_found] case_id: no case 5f0e8b6a-0000-4000-8000-000000000000\n"
    assert result.stdout == ""
