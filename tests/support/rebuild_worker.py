"""Projections that record which process applied each event, and a rebuild run in a fresh process.

The rebuild forks its workers only from a process running no threads of its own; a test process may still hold
threads other tests left (a TestClient's portal, say), so these tests rebuild in a process spawned for it, as
`cases projections rebuild` would run.
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table

from cases.aggregates.evaluation_case import EvaluationCase as Case
from cases.service.application import CasesApplication
from cases.projections.engine.base import Projection, UnitOfWork
from cases.projections.engine.rebuild_all import rebuild_all
from cases.projections.registry import PROJECTIONS
from cases.projections.engine.service import Projections
from cases.projections.engine.store import ReadModelStore
from cases.settings import Settings


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


class DyingRecorder(OtherPidRecorder):
    """Its process dies at the first event, with no exception to report: on SQLite it holds the write turn then
    (a batch whose lease is due takes the turn from its start)."""

    name = "dying"

    def handle(self, event: Any, rows: UnitOfWork) -> None:
        os._exit(3)


KNOWN = {cls.name: cls for cls in (*PROJECTIONS, FollowingPidRecorder, OtherPidRecorder, FailingRecorder, DyingRecorder)}


def projections_named(app: CasesApplication, store: ReadModelStore, names: list[str]) -> Projections:
    return Projections(app, store, [KNOWN[name]() for name in names])


def rebuild_in_this_process(settings: Settings, names: list[str], processes: int, results: Any) -> None:
    """The spawned process: rebuild `names` over `processes`, and put (pid, generations) or the error."""
    app = CasesApplication(settings)
    store = ReadModelStore.from_settings(settings)
    try:
        results.put((os.getpid(), rebuild_all(projections_named(app, store, names), processes=processes)))
    except Exception as error:  # the test reads what went wrong
        results.put((os.getpid(), f"{type(error).__name__}: {error}"))
    finally:
        store.dispose()
        app.close()
