"""The month's plan and what is late on a day, served by read models (`month_plan`, `case_index.late_on`), name
exactly what the log scans they replaced named (`tests/support/log_scan.py`), over the demo year on SQLite and
PostgreSQL: every month's sittings, cohorts and deferrals, and the late lists on the days that matter."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from cases.demo import TODAY, run_demo
from cases.projections import case_index, month_plan
from cases.projections.engine.service import Projections
from cases.service.application import CasesApplication
from cases.settings import Settings
from tests.builders import approved
from tests.support import log_scan
from tests.support.read_models import caught_up_read_models

MONTHS = [f"2026-{m:02d}" for m in range(1, 13)] + ["2027-01"]


@pytest.fixture(scope="module")
def demo(module_store: Settings) -> Iterator[tuple[CasesApplication, Projections]]:
    """The demo year played once per store, a few applications still waiting at its end (the demo's own have all
    been sat by then: these give December's plan cohorts), and its read models caught up."""
    app = CasesApplication(module_store)
    try:
        run_demo(app)
        for body, level in (("migu", 4), ("migu", 4), ("migu", 3), ("dsxh", 4), ("wgsh", 3)):
            approved(app, body=body, level=level, applied_on=date(2026, 12, 1), decided_on=date(2026, 12, 2))
        with caught_up_read_models(app) as read_models:
            yield app, read_models
    finally:
        app.close()


def in_any_order(plan: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The plan with its lists in one order: the scan listed sittings and deferrals in log order, the read model by
    day and case."""
    def key(line: dict[str, Any]) -> str:
        return repr(sorted(line.items()))

    return [{**body, **{part: sorted(body[part], key=key) for part in ("sittings", "deferred_in", "deferred_out")}} for body in plan]


@pytest.mark.parametrize("month", MONTHS)
def test_the_month_plan_read_model_shows_what_the_log_scan_showed(demo, month):
    app, read_models = demo
    served = month_plan.month_plan(read_models, app.rulebook, app.calendar, month)

    assert in_any_order(served) == in_any_order(log_scan.month_plan(app, month))


def test_the_demo_year_has_sittings_cohorts_and_deferrals_to_compare(demo):
    app, read_models = demo
    plans = [body for month in MONTHS for body in month_plan.month_plan(read_models, app.rulebook, app.calendar, month)]

    assert all(any(body[part] for body in plans) for part in ("sittings", "cohorts", "deferred_in", "deferred_out"))


def test_a_projects_planned_sittings_are_the_plans_planned_sittings_of_that_project_month_by_month(demo):
    app, read_models = demo
    plans = {month: month_plan.month_plan(read_models, app.rulebook, app.calendar, month) for month in MONTHS}
    projects = {(body["body"], s["occupation"], s["work_type"]) for bodies in plans.values() for body in bodies for s in body["sittings"]}
    found = 0
    for months in zip(MONTHS, MONTHS[1:]):
        for code, occupation, work_type in sorted(projects, key=repr):
            listed = [
                s for month in months for body in plans[month] if body["body"] == code for s in body["sittings"]
                if s["status"] == "planned" and (s["occupation"], s["work_type"]) == (occupation, work_type)
            ]  # fmt: skip
            served = month_plan.planned_sittings(read_models, app.rulebook, app.calendar, code, occupation, work_type, list(months))
            assert served == listed, (code, occupation, months)
            found += len(served)
    assert found and any(work_type is None for _, _, work_type in projects)  # a project named without a work type too


def test_the_late_lists_name_what_the_log_scan_named_on_every_week_of_the_year(demo):
    app, read_models = demo
    days = [date(2026, 1, 5) + timedelta(weeks=n) for n in range(52)] + [TODAY]
    found = 0
    for day in days:
        served, scanned = case_index.late_on(read_models, day), log_scan.late_on(app, day)
        assert {kind: sorted(lines, key=repr) for kind, lines in served.items()} == {kind: sorted(lines, key=repr) for kind, lines in scanned.items()}, day
        found += sum(len(lines) for lines in served.values())
    assert found
