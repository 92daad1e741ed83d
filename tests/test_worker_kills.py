"""The real projection workers killed with SIGKILL, on SQLite and PostgreSQL: `cases projections run`, and on SQLite
the in-process follower of `cases serve`.

A killed worker runs no handler: its open transaction vanishes and its leases stay in `projection_leases`. A new
worker on the same host takes them over at once, their holder's process being gone, instead of waiting them out.
Killed at random points again and again while commands keep being written, the workers leave registers equal to a
clean rebuild once the last one has caught up. The leases' rules (a live holder keeps its lease, one on another
host is waited out) are checked in-process.

The random kills print their seed; CASES_KILL_SEED=<seed> replays the same kill delays and commands.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from cases.service.application import CasesApplication
from cases.projections.registry import PROJECTIONS
from cases.projections.engine.runner import Lease
from cases.projections.engine.service import Projections
from cases.projections.registry import all_projections
from cases.projections.engine.store import ReadModelStore
from cases.settings import Settings
from tests.builders import apply, certify, event_count, new_id_number, paid, sat_with_scores
from tests.support.projection_worker import sigkill, start_projections_run, start_serve

D = date.fromisoformat
NAMES = [cls.name for cls in PROJECTIONS]
KILLS = 12  # per run of the random kills
LONGEST_LIFE = 2.5  # seconds a worker may live before it is killed (it starts in about half a second)


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
    leases = read_models.table("projection_leases")
    with read_models.engine.begin() as conn:  # held for 5 minutes more: only finding their holder gone lets a worker in
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


# --- killed at random points --------------------------------------------------------------------------------


class Writer(threading.Thread):
    """Commands written through the application, story after story, until stopped: applications; cases paid and
    certified (some certificates then revoked, some reissued); subjects failed; candidates sanctioned at the
    sitting (a ban)."""

    def __init__(self, app: CasesApplication, seed: int) -> None:
        super().__init__(name="writer", daemon=True)
        self.app, self.rng = app, random.Random(seed)
        self.stopping = threading.Event()
        self.stories = 0
        self.failure: BaseException | None = None

    def run(self) -> None:
        stories = [self.applied, self.certified, self.failed, self.sanctioned]
        try:
            while not self.stopping.is_set():
                self.rng.choice(stories)()
                self.stories += 1
                self.stopping.wait(self.rng.uniform(0.0, 0.02))
        except BaseException as error:  # noqa: BLE001 - raised in the test by `stop`
            self.failure = error

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=60)
        if self.failure is not None:
            raise self.failure

    def id_number(self) -> str:
        return new_id_number(date(self.rng.randint(1970, 2000), self.rng.randint(1, 12), self.rng.randint(1, 28)))

    def applied(self) -> None:
        apply(self.app, body=self.rng.choice(["wgsh", "dmtxh"]), id_number=self.id_number(), applied_on=D("2026-03-02"))

    def certified(self) -> None:
        case_id = paid(self.app, body="dmtxh", level=3, id_number=self.id_number(), applied_on=D("2026-03-02"))
        certify(self.app, case_id, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))
        then = self.rng.choice(["kept", "revoked", "reissued"])
        if then == "revoked":
            self.app.revoke_certificate(case_id, on=D("2026-09-02"), reason="成绩复核不合格", actor="compliance-1")
        elif then == "reissued":
            self.app.reissue_certificate(case_id, on=D("2026-09-01"), actor="registrar-1", reason="lost")

    def failed(self) -> None:
        case_id = paid(self.app, id_number=self.id_number(), applied_on=D("2026-03-02"))
        sat_with_scores(self.app, case_id, D("2026-04-25"), {"theory": 80, "skills": 50}, D("2026-05-08"))

    def sanctioned(self) -> None:
        case_id = paid(self.app, id_number=self.id_number(), applied_on=D("2026-03-02"))
        self.app.record_attendance(case_id, sat_on=D("2026-04-25"), attended=True, actor="examiner-1")
        self.app.sanction(case_id, tier="sitting", behaviour="须知 三.1", decided_on=D("2026-04-25"), actor="invigilator-1")


def kill_seed() -> int:
    given = os.environ.get("CASES_KILL_SEED")
    seed = int(given) if given else random.SystemRandom().randrange(2**32)
    print(f"worker kills: seed {seed} (replay with CASES_KILL_SEED={seed})")
    return seed


WORKERS = {  # how each is started, and how it exits when stopped with SIGTERM
    "projections run": (start_projections_run, 0),
    "serve": (start_serve, -signal.SIGTERM),  # uvicorn shuts down gracefully, then raises the signal again
}


def kill_at_random_then_verify(
    worker_kind: str, open_app: Callable[..., CasesApplication], store: Settings, read_models: ReadModelStore, log: Path
) -> None:
    """Start a worker, kill it after a random while, `KILLS` times, while a writer keeps writing commands; then let
    one worker catch up and stop cleanly, and require the registers to equal a rebuild from the log."""
    start, stopped = WORKERS[worker_kind]
    seed = kill_seed()
    rng = random.Random(seed)
    app = open_app()
    writer = Writer(open_app(), rng.randrange(2**32))
    started = time.monotonic()
    at_kills: list[dict[str, Any]] = []
    writer.start()
    try:
        for kill in range(KILLS):
            worker = start(store, log)
            if kill == 0:  # the first is killed mid-work, however long a loaded machine takes to start it (one CI run's
                eventually(lambda: max(positions(read_models).values()) > 0, within=60)  # 12 kills all came too early)
            lived = rng.uniform(0.0, LONGEST_LIFE)
            time.sleep(lived)
            sigkill(worker)
            at_kills.append({"kill": kill + 1, "lived": round(lived, 2), "head": event_count(app), **positions(read_models)})
    finally:
        writer.stop()
    for line in at_kills:
        print(line)
    assert max(max(line[name] for name in NAMES) for line in at_kills) > 0, f"no killed worker projected anything (seed {seed})"

    last = start(store, log)
    try:
        eventually(caught_up(read_models, app), within=60)
    except AssertionError:
        tail = log.read_text(errors="replace")[-3000:]
        raise AssertionError(f"seed {seed}: the last worker stopped short of {event_count(app)}: {positions(read_models)}\n{tail}") from None
    finally:
        last.send_signal(signal.SIGTERM)
        last.wait(timeout=30)
    assert last.returncode == stopped, log.read_text(errors="replace")[-3000:]
    head = event_count(app)
    print(f"{writer.stories} stories, {head} events; {KILLS} kills and a clean catch-up in {time.monotonic() - started:.1f}s")

    differences = Projections(app, read_models, all_projections()).verify()
    assert differences == [], f"seed {seed}: {differences[:5]}"
    assert set(positions(read_models).values()) == {head}


def test_the_worker_killed_at_random_points_while_commands_are_written_leaves_registers_equal_to_the_log(
    open_app, store, read_models, tmp_path
):  # fmt: skip
    kill_at_random_then_verify("projections run", open_app, store, read_models, tmp_path / "workers.log")


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # `cases serve` follows in-process on SQLite only
def test_cases_serve_killed_at_random_points_while_commands_are_written_leaves_registers_equal_to_the_log(
    open_app, store, read_models, tmp_path
):  # fmt: skip
    kill_at_random_then_verify("serve", open_app, store, read_models, tmp_path / "servers.log")
