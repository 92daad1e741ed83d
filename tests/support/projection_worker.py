"""Projections and a worker process for the projection machinery tests.

`TalliedRegister` is the certificate register plus two tallies kept through the unit of work: how many times each
event was applied, and how many events were applied in all. Exactly once means every tally is 1 and the total
equals the events consumed; a stale or replayed row shows up as a wrong count.

`StallingRegister` writes its batch so far into the open transaction and then stalls on its N-th event, so a test
can kill its process there, mid-batch. `PositionBumpingRegister` moves its own tracked position in the middle of a
batch, as another runner would have done had the lease and the row lock not stopped it.

`start_projections_run` starts the real worker, the installed `cases projections run`, on a test's store (SQLite
or PostgreSQL); `start_serve` starts `cases serve`, whose API worker follows the projections in-process on SQLite;
`sigkill` kills either as a crash would: no handler runs, its leases stay behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, update

from cases.service.application import CasesApplication
from cases.projections.engine.base import UnitOfWork
from cases.projections.certificates import CertificateRegister
from cases.projections.engine.runner import ProjectionRunner
from cases.projections.engine.store import ReadModelStore
from cases.settings import Settings
from tests.support.live_server import free_port, server_env

CASES = Path(sys.executable).with_name("cases")

LEASE_SECONDS = 1.0


class TalliedRegister(CertificateRegister):
    name = "tallied"
    version = 1  # its own, whatever version the register it extends is at (the version tests bump it)

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


def start_projections_run(settings: Settings, log: Path, poll: float = 0.1) -> subprocess.Popen[bytes]:
    """The installed `cases projections run` following every projection on the settings' store; its output
    appended to `log`."""
    env = server_env(settings, CASES_LOG_FORMAT="console", CASES_LOG_LEVEL="WARNING")
    command = [str(CASES), "projections", "run", "--poll", str(poll), "--data-dir", str(settings.data_dir)]
    with log.open("ab") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def start_serve(settings: Settings, log: Path) -> subprocess.Popen[bytes]:
    """The installed `cases serve` on the settings' SQLite store (no demo loaded), on a free loopback port; its
    output appended to `log`."""
    env = server_env(settings, CASES_LOG_FORMAT="console", CASES_LOG_LEVEL="WARNING")
    command = [str(CASES), "serve", "--no-demo", "--host", "127.0.0.1", "--port", str(free_port()), "--data-dir", str(settings.data_dir)]
    with log.open("ab") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def sigkill(worker: subprocess.Popen[bytes]) -> None:
    """Kill the worker as a crash would (nothing of it runs after), and reap it: a process its parent has not
    yet reaped is a zombie, and a zombie's pid still answers `os.kill(pid, 0)`."""
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
