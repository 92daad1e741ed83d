"""A full rebuild split over two processes (on SQLite and PostgreSQL): the same read models as one process builds,
each group of projections in a process of its own, progress while they run, and a failing worker that switches
nothing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, select

from cases.aggregates.evaluation_case import EvaluationCase as Case
from cases.application import CasesApplication
from cases.projections.base import Projection, UnitOfWork
from cases.projections.rebuild_all import RebuildFailed, process_groups, rebuild_all
from cases.projections.service import Projections
from cases.projections.store import ReadModelStore
from cases.settings import Settings
from tests.builders import apply, approved, certify, paid, sat_with_scores

D = date.fromisoformat


@pytest.fixture
def read_store(store: Settings) -> Iterator[ReadModelStore]:
    found = ReadModelStore.from_settings(store)
    yield found
    found.dispose()


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


def test_a_rebuild_over_two_processes_equals_the_live_read_models_and_a_one_process_rebuild(app, read_store):
    some_history(app)
    projections = Projections(app, read_store)
    projections.catch_up()
    live = {name: projections.digest(name) for name in projections.projections}
    seen: list[tuple[int, int]] = []

    assert len(process_groups(projections, 2)) == 2
    generations = rebuild_all(projections, processes=2, progress=lambda position, target: seen.append((position, target)))

    assert generations == dict.fromkeys(projections.projections, 2)
    assert {name: projections.digest(name) for name in projections.projections} == live
    assert projections.verify() == []
    head = app.recorder.max_notification_id()
    assert seen and all(target == head and 0 <= position <= head for position, target in seen)

    assert rebuild_all(projections, processes=1) == dict.fromkeys(projections.projections, 3)
    assert {name: projections.digest(name) for name in projections.projections} == live


class PidRecorder(Projection):
    """Writes the process id that applied each event: which process rebuilt it."""

    consumes = (Case.Applied, Case.Approved, Case.FeePaid)

    def define_tables(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        table = Table(f"{prefix}pids", metadata, Column("case_id", String(36), primary_key=True), Column("pid", Integer, nullable=False))
        return {"pids": table}

    def handle(self, event: Any, rows: UnitOfWork) -> None:
        rows.put("pids", {"case_id": str(event.originator_id), "pid": os.getpid()})


class FollowingPidRecorder(PidRecorder):
    name = "following_pids"
    follows_aggregates = True


class OtherPidRecorder(PidRecorder):
    name = "other_pids"


class FailingRecorder(OtherPidRecorder):
    name = "failing"

    def handle(self, event: Any, rows: UnitOfWork) -> None:
        raise ValueError("this projection cannot handle its events")


def pids(projections: Projections, name: str) -> set[int]:
    table = projections.live_tables(name)["pids"]
    with projections.store.engine.connect() as conn:
        return set(conn.execute(select(table.c.pid)).scalars())


def test_each_group_of_projections_is_rebuilt_in_a_process_of_its_own(app, read_store):
    approved(app, body="dsxh", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-03"))
    projections = Projections(app, read_store, [FollowingPidRecorder(), OtherPidRecorder()])
    projections.catch_up()
    assert pids(projections, "following_pids") == pids(projections, "other_pids") == {os.getpid()}

    rebuild_all(projections, processes=2)

    following, other = pids(projections, "following_pids"), pids(projections, "other_pids")
    assert len(following) == len(other) == 1
    assert os.getpid() not in following | other and following != other


def test_a_failing_worker_fails_the_rebuild_naming_its_projections_and_the_live_generations_keep_serving(app, read_store):
    approved(app, body="dsxh", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-03"))
    projections = Projections(app, read_store, [FollowingPidRecorder()])
    projections.catch_up()
    projections.projections["failing"] = FailingRecorder()  # added after the first build: it has no live generation

    with pytest.raises(RebuildFailed, match="failing: ValueError: this projection cannot handle its events"):
        rebuild_all(projections, processes=2)

    assert read_store.live_generation("following_pids") == 1  # nothing switched
    assert read_store.live_generation("failing") is None
    assert pids(projections, "following_pids") == {os.getpid()}
