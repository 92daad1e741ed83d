"""The command line marks a provisional date " (provisional)" wherever its tables show one (issue 12 point 3; the
text form of `cases.provisional`), and `cases case show` shows the certificate's collection date (point 12). Run
for real on a store built through the application, SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import date
from uuid import UUID

import pytest
from typer.testing import CliRunner

from cases.service.application import CasesApplication
from cli import app as cli
from cases.settings import Settings
from tests.builders import approved, certify, paid
from tests.test_cli import cli_env

D = date.fromisoformat


@pytest.fixture(autouse=True)
def later_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASES_TODAY", "2030-12-31")  # the facts are in late December 2026


def invoke(store: Settings, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--data-dir", str(store.data_dir)], env={**cli_env(store), "CASES_TODAY": "2030-12-31"})
    assert result.exit_code == 0, result.output
    return result.output


def unmarked(output: str, day: str) -> list[str]:
    """Where `day` is shown without the marker after it (a table may wrap the marker onto the cell's next line;
    the tables checked end with the column that shows it)."""
    return [output[max(0, m.start() - 60) : m.end() + 20] for m in re.finditer(re.escape(day) + r"(?!\s+\(provisional\))", output)]


def shows(output: str, words: str) -> bool:
    """`words` in the output, however the table wrapped them."""
    return re.search(r"\s+".join(re.escape(word) for word in words.split()), output) is not None


@pytest.fixture
def world(store: Settings) -> dict[str, UUID]:
    """A wgsh fee approved 30 December 2026 (due 4 January 2027, provisional); a sitting on 19 December whose
    results are due in January 2027 (provisional); a certificate issued 10 December, collectable 7 January 2027."""
    app = CasesApplication(store)
    try:
        paying = approved(app, body="wgsh", level=4, applied_on=D("2026-12-28"), decided_on=D("2026-12-30"))
        sitting = app.scheduling.plan_sitting(
            body="wgsh", occupation="互联网营销师", work_type="视频创推员", levels=[4], dates=[D("2026-12-19")],
            venue="新闻路945号306室", capacity=30, planned_on=D("2026-11-02"), actor="registrar-1",
        )  # fmt: skip
        awaiting = paid(app, body="wgsh", level=4, applied_on=D("2026-11-10"), decided_on=D("2026-11-11"))
        app.scheduling.schedule_case(awaiting, sitting, on=D("2026-11-20"), actor="registrar-1")
        app.record_attendance(awaiting, sat_on=D("2026-12-19"), attended=True, actor="examiner-1")
        certified = paid(app, body="wgsh", level=4, applied_on=D("2026-10-12"), decided_on=D("2026-10-13"))
        certify(app, certified, sat_on=D("2026-11-21"), recorded_on=D("2026-12-01"), issued_on=D("2026-12-10"))
        results_due = app.get_case(awaiting).results_due
        assert results_due is not None and results_due["provisional"]
    finally:
        app.close()
    return {"paying": paying, "awaiting": awaiting, "certified": certified, "results_due": results_due["due"]}  # type: ignore[dict-item]


def test_case_show_marks_the_fee_deadline_and_every_event_value_that_shows_it(store, world):
    output = invoke(store, "case", "show", str(world["paying"]))

    assert shows(output, "fee due by 2027-01-04 (provisional)")
    assert "2027-01-04" in output and not unmarked(output, "2027-01-04"), unmarked(output, "2027-01-04")


def test_case_show_shows_the_collection_date_marked_provisional(store, world):
    output = invoke(store, "case", "show", str(world["certified"]))

    assert shows(output, "collectable from 2027-01-07 (provisional)")
    assert not unmarked(output, "2027-01-07"), unmarked(output, "2027-01-07")


def test_the_timeline_marks_the_fee_deadline_and_the_collection_date(store, world):
    fee = invoke(store, "case", "timeline", str(world["paying"]))
    collect = invoke(store, "case", "timeline", str(world["certified"]))

    assert shows(fee, "2027-01-04 (provisional)") and not unmarked(fee, "2027-01-04")
    assert shows(collect, "collectable from 2027-01-07 (provisional)") and not unmarked(collect, "2027-01-07")


def test_late_marks_a_fee_deadline_past_the_calendar(store, world):
    output = invoke(store, "sittings", "late", "--on", "2027-01-05")

    assert str(world["paying"])[:8] in output
    assert shows(output, "2027-01-04 (provisional)") and not unmarked(output, "2027-01-04")


def test_the_plan_and_late_mark_results_due_past_the_calendar(store, world):
    due = str(world["results_due"])
    plan = invoke(store, "sittings", "plan", "--month", "2026-12")
    late = invoke(store, "sittings", "late", "--on", "2027-02-01")

    assert shows(plan, f"{due} (provisional)") and not unmarked(plan, due)
    assert shows(late, f"{due} (provisional)") and not unmarked(late, due)


def test_a_settled_date_is_not_marked(store, world):
    output = invoke(store, "sittings", "plan", "--month", "2026-12")
    assert "2026-12-19" in output and "2026-12-19 (provisional)" not in output
