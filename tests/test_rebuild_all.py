"""A full rebuild split over two processes (on SQLite and PostgreSQL): the same read models as one process builds,
each group of projections in a process of its own, progress while they run, and a failing worker that switches
nothing. The two-process rebuilds run in a process spawned for them (see tests/support/rebuild_worker.py)."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from cases.service.application import CasesApplication
from cases.projections.engine.rebuild_all import process_groups, rebuild_all
from cases.projections.registry import PROJECTIONS
from cases.projections.engine.service import Projections
from cases.projections.registry import all_projections
from cases.projections.engine.store import ReadModelStore
from cases.settings import Settings
from tests.builders import apply, approved, certify, paid, sat_with_scores
from tests.support.rebuild_worker import projections_named, rebuild_in_this_process

D = date.fromisoformat
EVERY = [cls.name for cls in PROJECTIONS]


@pytest.fixture
def read_store(store: Settings) -> Iterator[ReadModelStore]:
    found = ReadModelStore.from_settings(store)
    yield found
    found.dispose()


def rebuilt_elsewhere(settings: Settings, names: list[str], processes: int = 2) -> tuple[int, Any]:
    """(pid, generations or the error) of a rebuild in a freshly spawned process."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    worker = context.Process(target=rebuild_in_this_process, args=(settings, names, processes, results))
    worker.start()
    try:
        return results.get(timeout=120)
    finally:
        worker.join(timeout=60)


def some_history(app: CasesApplication) -> None:
    """Cases at several stages of several bodies, a certificate, a failure and a sanction."""
    approved(app, body="dsxh", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-03"))
    failing = paid(app, body="jsxh", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-10"))
    sat_with_scores(app, failing, D("2026-04-26"), {"theory": 80, "skills": 40}, D("2026-05-20"))
    for body in ("wgsh", "dmtxh"):
        case_id = paid(app, body=body, level=3, applied_on=D("2026-03-02"))
        certify(app, case_id, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))
    sanctioned = paid(app, body="migu", level=3, applied_on=D("2026-03-02"))
    certify(app, sanctioned, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))
    app.sanction(sanctioned, tier="sitting", behaviour="须知 三.2", decided_on=D("2026-08-03"), actor="compliance-1")
    apply(app, body="wgsh", level=3, applied_on=D("2026-07-01"))


def test_the_projections_split_into_those_that_follow_aggregates_and_the_rest(app, read_store):
    projections = Projections(app, read_store, all_projections())
    assert process_groups(projections, 2) == [["case_index", "validity_windows", "complaints", "month_plan"], ["certificates", "bans", "monthly_report"]]
    assert process_groups(projections, 1) == [list(projections.projections)]


def test_a_rebuild_over_two_processes_equals_the_live_read_models_and_a_one_process_rebuild(app, store, read_store):
    some_history(app)
    projections = Projections(app, read_store, all_projections())
    projections.catch_up()
    live = {name: projections.digest(name) for name in EVERY}

    _, generations = rebuilt_elsewhere(store, EVERY)

    assert generations == dict.fromkeys(EVERY, 2)
    assert {name: projections.digest(name) for name in EVERY} == live
    assert projections.verify() == []
    assert rebuild_all(projections, processes=1) == dict.fromkeys(EVERY, 3)
    assert {name: projections.digest(name) for name in EVERY} == live


def test_progress_is_reported_up_to_the_head_of_the_log(app, read_store):
    some_history(app)
    projections = Projections(app, read_store, all_projections())
    seen: list[tuple[int, int]] = []
    rebuild_all(projections, processes=2, progress=lambda position, target: seen.append((position, target)))
    head = app.recorder.max_notification_id()
    assert seen and all(target == head and 0 <= position <= head for position, target in seen)


def pids(store: ReadModelStore, projections: Projections, name: str) -> set[int]:
    table = projections.live_tables(name)["pids"]
    with store.engine.connect() as conn:
        return set(conn.execute(select(table.c.pid)).scalars())


def test_each_group_of_projections_is_rebuilt_in_a_process_of_its_own(app, store, read_store):
    approved(app, body="dsxh", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-03"))
    projections = projections_named(app, read_store, ["following_pids", "other_pids"])
    projections.catch_up()
    assert pids(read_store, projections, "following_pids") == pids(read_store, projections, "other_pids") == {os.getpid()}

    rebuilding_pid, generations = rebuilt_elsewhere(store, ["following_pids", "other_pids"])

    assert generations == {"following_pids": 2, "other_pids": 2}
    following, other = pids(read_store, projections, "following_pids"), pids(read_store, projections, "other_pids")
    assert len(following) == len(other) == 1 and following != other
    assert not ({os.getpid(), rebuilding_pid} & (following | other))  # two workers, neither the parent


def test_a_failing_worker_fails_the_rebuild_naming_its_projections_and_the_live_generations_keep_serving(app, store, read_store):
    approved(app, body="dsxh", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-03"))
    projections = projections_named(app, read_store, ["following_pids"])
    projections.catch_up()

    _, outcome = rebuilt_elsewhere(store, ["following_pids", "failing"])

    assert outcome == "RebuildFailed: failing: ValueError: this projection cannot handle its events"
    assert read_store.live_generation("following_pids") == 1  # nothing switched
    assert read_store.live_generation("failing") is None
    assert pids(read_store, projections, "following_pids") == {os.getpid()}


def test_a_worker_that_dies_holding_the_write_turn_fails_the_rebuild_without_hanging_the_other(app, store, read_store):
    """On SQLite the workers take turns writing; one killed mid-batch never gives its turn back. The parent ends
    the other worker and fails the rebuild, switching nothing."""
    for _ in range(3):
        approved(app, body="dsxh", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-03"))
    projections = projections_named(app, read_store, ["following_pids"])
    projections.catch_up()

    _, outcome = rebuilt_elsewhere(store, ["following_pids", "dying"])

    assert outcome.startswith("RebuildFailed: a rebuild worker exited with") and "3" in outcome, outcome
    assert read_store.live_generation("following_pids") == 1
    assert read_store.live_generation("dying") is None
