"""`cases case timeline | as-of | diff`, run on a store (SQLite and PostgreSQL) holding a case that failed a subject."""

from __future__ import annotations

import json
import re
import time
from datetime import date, datetime, timezone

import pytest

from cases.service.application import CasesApplication
from cases.identity import mask_id_number
from cases.settings import Settings
from tests.builders import FULL_ID_NUMBER, approved, new_id_number, sat_with_scores
from tests.test_cli import cli_env, invoke

D = date.fromisoformat



@pytest.fixture
def stored(store: Settings) -> dict:
    """A wgsh case: applied, approved, paid (the payer's ID number in the reference), sat, theory passed, skills
    failed (7 versions); with the moment right after the payment (version 3)."""
    cases = CasesApplication(store)
    try:
        id_number = new_id_number()
        case_id = approved(cases, id_number=id_number, applied_on=D("2026-03-02"))
        cases.pay_fee(case_id, amount=598, paid_on=D("2026-03-05"), actor="cashier-1", reference=f"transfer from {id_number}")
        time.sleep(0.002)
        after_payment = datetime.now(timezone.utc)
        time.sleep(0.002)
        sat_with_scores(cases, case_id, D("2026-04-25"), {"theory": 80, "skills": 50}, D("2026-05-08"))
    finally:
        cases.close()
    return {"case_id": str(case_id), "id_number": id_number, "after_payment": after_payment}


@pytest.fixture
def env(store: Settings) -> dict[str, str]:
    """The environment that points `cases` at the test's store."""
    return cli_env(store)


def test_timeline_prints_every_event_with_its_actor_and_clause(stored, env):
    result = invoke(["case", "timeline", stored["case_id"]], env)

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(f"case {stored['case_id']}: 7 events")
    for name in ("Applied", "Approved", "FeePaid", "Sat", "ValidityWindowOpened", "SubjectPassed", "SubjectFailed"):
        assert name in out
    assert "L3(1) (seed 000/001/004 附件1 3.(1))" in out and "598 yuan full fee paid" in out and "examiner-1" in out
    assert FULL_ID_NUMBER.search(out) is None


def test_timeline_json_lists_the_values_decided_with_id_numbers_masked(stored, env):
    result = invoke(["case", "timeline", stored["case_id"][:8], "--json"], env)

    assert result.exit_code == 0, result.output
    entries = json.loads(result.stdout)
    assert [e["version"] for e in entries] == list(range(1, 8))
    assert entries[1]["values"]["fee"]["total"] == 598
    assert entries[0]["values"]["holder_id_masked"] == mask_id_number(stored["id_number"])
    assert entries[2]["values"]["reference"] == f"transfer from {mask_id_number(stored['id_number'])}"
    assert FULL_ID_NUMBER.search(result.stdout) is None and stored["id_number"] not in result.stdout


def test_as_of_a_version_prints_the_state_then(stored, env):
    result = invoke(["case", "as-of", stored["case_id"], "--version", "3"], env)

    assert result.exit_code == 0, result.output
    assert f"case {stored['case_id']} as of version 3" in result.stdout
    assert "ready_to_sit" in result.stdout and "amount=598, kind=full, paid_on=2026-03-05" in result.stdout


def test_as_of_a_moment_is_the_state_of_the_version_recorded_last_by_then(stored, env):
    at = stored["after_payment"].astimezone().isoformat()

    by_moment = invoke(["case", "as-of", stored["case_id"], "--at", at, "--json"], env)
    by_version = invoke(["case", "as-of", stored["case_id"], "--version", "3", "--json"], env)

    assert by_moment.exit_code == 0, by_moment.output
    assert json.loads(by_moment.stdout) == json.loads(by_version.stdout)
    assert json.loads(by_moment.stdout)["stage"] == "ready_to_sit"


def test_as_of_before_the_case_or_beyond_its_version_is_a_one_line_error(stored, env):
    early = invoke(["case", "as-of", stored["case_id"], "--at", "2026-01-01T00:00:00+08:00"], env)
    late = invoke(["case", "as-of", stored["case_id"], "--version", "8"], env)
    neither = invoke(["case", "as-of", stored["case_id"]], env)
    naive = invoke(["case", "as-of", stored["case_id"], "--at", "2026-05-01T09:00"], env)

    assert (early.exit_code, late.exit_code, neither.exit_code, naive.exit_code) == (2, 2, 2, 2)
    assert early.stderr.startswith("error [case_not_yet_open] at: ")
    assert late.stderr.startswith("error [no_such_version] version: ") and "is at version 7" in late.stderr
    assert neither.stderr.startswith("error [invalid_input] version: ")
    assert naive.stderr.startswith("error [invalid_input] --at: ")


def test_diff_between_a_moment_and_a_version_lists_the_changes_and_the_events_between(stored, env):
    result = invoke(["case", "diff", stored["case_id"], "--from", stored["after_payment"].isoformat(), "--to", "7"], env)

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "version 3" in out.splitlines()[0] and "version 7" in out.splitlines()[0]
    assert re.search(r"standing\.skills\s+not_sat\s+failed", out)
    assert re.search(r"stage\s+ready_to_sit\s+retake_available", out)
    for name in ("Sat", "ValidityWindowOpened", "SubjectPassed", "SubjectFailed"):
        assert name in out
    assert "FeePaid" not in out


def test_diff_json_and_a_bad_moment(stored, env):
    result = invoke(["case", "diff", stored["case_id"], "--from", "5", "--to", "7", "--json"], env)
    bad = invoke(["case", "diff", stored["case_id"], "--from", "yesterday", "--to", "7"], env)

    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert [c["field"] for c in found["changes"]] == ["stage", "attempts", "standing.theory", "standing.skills"]
    assert [e["event"] for e in found["events"]] == ["SubjectPassed", "SubjectFailed"]
    assert bad.exit_code == 2 and bad.stderr.startswith("error [invalid_input] --from: ")


def test_as_of_a_business_date_and_a_diff_between_two(stored, env):
    """Business time (issue 12 point 7): `--on` a day, and dates as `--from`/`--to`."""
    on_day = invoke(["case", "as-of", stored["case_id"], "--on", "2026-05-01", "--json"], env)
    shown = invoke(["case", "as-of", stored["case_id"], "--on", "2026-05-01"], env)
    between = invoke(["case", "diff", stored["case_id"], "--from", "2026-03-31", "--to", "2026-05-31", "--json"], env)
    early = invoke(["case", "as-of", stored["case_id"], "--on", "2026-03-01"], env)

    assert on_day.exit_code == 0, on_day.output
    state = json.loads(on_day.stdout)
    assert (state["stage"], state["business_date"], state["standing"]) == ("awaiting_results", "2026-04-25", {"theory": "pending", "skills": "pending"})
    assert "facts up to 2026-04-25" in shown.stdout.splitlines()[0] and "asked for the day 2026-05-01" in shown.stdout
    found = json.loads(between.stdout)
    assert (found["from_business_date"], found["to_business_date"]) == ("2026-03-05", "2026-05-08")
    assert [e["event"] for e in found["events"]] == ["Sat", "ValidityWindowOpened", "SubjectPassed", "SubjectFailed"]
    assert early.exit_code == 2 and early.stderr.startswith("error [case_not_yet_open] on: ")
