"""Projections and a worker process for the projection machinery tests.

`TalliedRegister` is the certificate register plus two tallies kept through the unit of work: how many times each
event was applied, and how many events were applied in all. Exactly once means every tally is 1 and the total
equals the events consumed; a stale or replayed row shows up as a wrong count.

`StallingRegister` writes its batch so far into the open transaction and then stalls on its N-th event, so a test
can kill its process there, mid-batch. `PositionBumpingRegister` moves its own tracked position in the middle of a
batch, as another runner would have done had the lease and the row lock not stopped it.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, update

from cases.application import CasesApplication
from cases.projections.base import UnitOfWork
from cases.projections.certificates import CertificateRegister
from cases.projections.runner import ProjectionRunner
from cases.projections.store import ReadModelStore
from cases.settings import Settings

LEASE_SECONDS = 1.0


class TalliedRegister(CertificateRegister):
    name = "tallied"

    def define_tables(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        tables = super().define_tables(metadata, prefix)
        tables["tally"] = Table(
            f"{prefix}tally", metadata,
            Column("case_id", String(36), primary_key=True), Column("case_version", Integer, primary_key=True),
            Column("times", Integer, nullable=False),
        )  # fmt: skip
        tables["totals"] = Table(
            f"{prefix}totals", metadata, Column("name", String(16), primary_key=True), Column("applied", Integer, nullable=False)
        )
        return tables

    def handle(self, event: Any, rows: UnitOfWork) -> None:
        super().handle(event, rows)
        key = (str(event.originator_id), event.originator_version)
        seen = rows.get("tally", *key)
        rows.put("tally", {"case_id": key[0], "case_version": key[1], "times": (seen["times"] if seen else 0) + 1})
        total = rows.get("totals", "all")
        rows.put("totals", {"name": "all", "applied": (total["applied"] if total else 0) + 1})


class StallingRegister(TalliedRegister):
    def __init__(self, stall_after: int, stalled: Any = None) -> None:
        self.stall_after, self.stalled, self.handled = stall_after, stalled, 0

    def handle(self, event: Any, rows: UnitOfWork) -> None:
        super().handle(event, rows)
        self.handled += 1
        if self.handled == self.stall_after:
            rows.flush()  # the batch so far is now written, uncommitted, in the open transaction
            rows.changed.clear()
            rows.appended.clear()
            if self.stalled is not None:
                self.stalled.set()
            time.sleep(600)


class PositionBumpingRegister(TalliedRegister):
    def __init__(self, store: ReadModelStore, bump_on: int = 2) -> None:
        self.store, self.bump_on, self.handled = store, bump_on, 0

    def handle(self, event: Any, rows: UnitOfWork) -> None:
        super().handle(event, rows)
        self.handled += 1
        if self.handled == self.bump_on:
            positions = self.store.table("projection_positions")
            rows.conn.execute(update(positions).where(positions.c.name == self.name).values(position=positions.c.position + 1))


def catch_up_and_stall(settings: Settings, stall_after: int, batch_size: int, stalled: Any) -> None:
    """The worker: catch the tallied register up in batches, stalling on event `stall_after` until killed."""
    app = CasesApplication(settings)
    store = ReadModelStore.from_settings(settings)
    runner = ProjectionRunner(app, store, StallingRegister(stall_after, stalled), batch_size=batch_size, lease_seconds=LEASE_SECONDS)
    runner.catch_up()
