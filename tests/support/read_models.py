"""The read models a test reads from, caught up on the application's own store (SQLite beside the events, or the
same PostgreSQL schema): what a read-only command or route would answer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, TypeVar

from cases.projections import case_index, month_plan as plans
from cases.projections.engine.service import Projections
from cases.projections.engine.store import ReadModelStore
from cases.projections.registry import all_projections
from cases.service.application import CasesApplication

T = TypeVar("T")


@contextmanager
def caught_up_read_models(app: CasesApplication) -> Iterator[Projections]:
    store = ReadModelStore.from_settings(app.settings)
    try:
        found = Projections(app, store, all_projections())
        found.catch_up()
        yield found
    finally:
        store.dispose()


def read(app: CasesApplication, query: Callable[..., T], *args: Any) -> T:
    """`query(read_models, *args)` once the read models have caught up with the log."""
    with caught_up_read_models(app) as found:
        return query(found, *args)


def late_on(app: CasesApplication, day: date) -> dict[str, list[dict[str, Any]]]:
    return read(app, case_index.late_on, day)


def month_plan(app: CasesApplication, plan_month: str) -> list[dict[str, Any]]:
    return read(app, plans.month_plan, app.rulebook, app.calendar, plan_month)
