"""The real projection worker, `cases projections run`, killed with SIGKILL, on SQLite and PostgreSQL.

A killed worker runs no handler: its open transaction vanishes and its leases stay in `projection_leases`. A new
worker on the same host takes them over at once, their holder's process being gone, instead of waiting them out.
The leases' rules (a live holder keeps its lease, one on another host is waited out) are checked in-process.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from sqlalchemy import select, update

from cases.application import CasesApplication
from cases.projections.registry import PROJECTIONS
from cases.projections.runner import Lease
from cases.projections.store import ReadModelStore
from cases.settings import Settings
from tests.builders import apply, event_count
from tests.support.projection_worker import sigkill, start_projections_run

D = date.fromisoformat
NAMES = [cls.name for cls in PROJECTIONS]


@pytest.fixture
def read_models(store: Settings) -> Iterator[ReadModelStore]:
    found = ReadModelStore.from_settings(store)
    yield found
    found.dispose()


def positions(read_models: ReadModelStore) -> dict[str, int]:
    """Each projection's position in its live generation (0 before any worker started it)."""
    return {name: read_models.position(name, read_models.live_generation(name) or 1) for name in NAMES}


def eventually(condition: Callable[[], bool], within: float, every: float = 0.02) -> float:
    """Seconds until `condition` held; fails after `within`."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < within, f"not within {within}s"
        time.sleep(every)
    return time.monotonic() - started


def caught_up(read_models: ReadModelStore, app: CasesApplication) -> Callable[[], bool]:
    return lambda: set(positions(read_models).values()) == {event_count(app)}


def acquired(read_models: ReadModelStore, lease: Lease) -> bool:
    with read_models.engine.begin() as conn:
        return lease.acquire(conn)


def holders(read_models: ReadModelStore) -> dict[str, tuple[str, float]]:
    leases = read_models.table("projection_leases")
    with read_models.engine.connect() as conn:
        return {row.name: (row.holder, row.expires_at) for row in conn.execute(select(leases))}


def reaped_pid() -> int:
    """The pid of a process that has ended and been reaped."""
    ended = subprocess.Popen(["true"])
    ended.wait()
    return ended.pid


# --- a crashed worker's leases --------------------------------------------------------------------------------


def test_a_new_worker_projects_within_seconds_after_the_last_was_killed_holding_every_lease(app, store, read_models, tmp_path):
    for _ in range(3):
        apply(app, applied_on=D("2026-03-02"))
    first = start_projections_run(store, tmp_path / "first.log")
    try:
        eventually(caught_up(read_models, app), within=60)
        apply(app, applied_on=D("2026-03-02"))
        eventually(caught_up(read_models, app), within=10)
    finally:
        sigkill(first)
    held = holders(read_models)
    assert {name: holder.split(":")[1] for name, (holder, _) in held.items()} == dict.fromkeys(NAMES, str(first.pid))
    assert min(expires for _, expires in held.values()) > time.time()  # not lapsed: the killed worker still holds them
    leases = read_models.table("projection_leases")
    with read_models.engine.begin() as conn:  # and they will not lapse during this test: only finding their holder gone lets a worker in
        conn.execute(update(leases).values(expires_at=time.time() + 300))

    second = start_projections_run(store, tmp_path / "second.log")
    try:
        eventually(lambda: b"following" in (tmp_path / "second.log").read_bytes(), within=60)
        apply(app, applied_on=D("2026-03-02"))
        seconds = eventually(caught_up(read_models, app), within=3.0)
    finally:
        sigkill(second)
    print(f"projected {seconds:.2f}s after the write")  # 30 s before leases were taken from gone holders
    assert {holder.split(":")[1] for holder, _ in holders(read_models).values()} == {str(second.pid)}


def test_a_lease_is_taken_at_once_from_a_holder_gone_from_this_host_and_never_from_a_live_one(read_models):
    alive = subprocess.Popen(["sleep", "60"])
    try:
        assert acquired(read_models, Lease(read_models, "p", 30.0, holder=f"{socket.gethostname()}:{alive.pid}:0a1b2c3d"))
        contender = Lease(read_models, "p", 30.0)
        assert not acquired(read_models, contender)  # its holder lives

        alive.kill()  # ended, not yet reaped by this process: a zombie, whose pid still answers os.kill(pid, 0)
        eventually(lambda: acquired(read_models, contender), within=2.0)
        assert holders(read_models)["p"][0] == contender.holder
    finally:
        alive.kill()
        alive.wait()
    assert not acquired(read_models, Lease(read_models, "p", 30.0))  # the new holder (this process) lives


def test_a_lease_held_on_another_host_is_waited_out_however_its_pid_looks_here(read_models):
    assert acquired(read_models, Lease(read_models, "p", 1.0, holder=f"elsewhere.example:{reaped_pid()}:0a1b2c3d"))
    contender = Lease(read_models, "p", 1.0)

    assert not acquired(read_models, contender)
    waited = eventually(lambda: acquired(read_models, contender), within=5.0)

    assert 0.5 < waited < 2.0  # its lease lapsed (timed by the database's clock on PostgreSQL)
    assert holders(read_models)["p"][0] == contender.holder


def test_a_holder_not_named_host_pid_nonce_is_waited_out(read_models):
    assert acquired(read_models, Lease(read_models, "p", 1.0, holder="another-process"))
    contender = Lease(read_models, "p", 1.0)

    assert not acquired(read_models, contender)
    assert eventually(lambda: acquired(read_models, contender), within=5.0) > 0.5
