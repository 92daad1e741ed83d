"""Advancing many projections in one pass over the log: each event is read and decoded once and handed to every
projection that consumes it, and one transaction commits all their rows and positions. What the API server and
`cases projections run` follow live writes with, and what a full rebuild builds its new generations with.

Five followers of their own read the log five times, decoded every event five times and woke five threads ten
times a second; in the API server, whose commands share the process, they cost more CPU than the commands'
HTTP handling (bench/api.py). The guarantees are the runners': each projection's position moves, conditional on
its old value, in the transaction that writes its rows (exactly once), and only while this process holds that
projection's lease; a projection whose lease another process holds is left to it. Projections may stand at
different positions (one just rebuilt, say): each gets only the events after its own. Between looks at the log a
follower sleeps on the `Waker`: PostgreSQL wakes it on NOTIFY, SQLite polls. It knows runners and the projections it
runs by what it needs of them (`base.Runner`, `base.ProjectionSet`): `runner.ProjectionRunner.run_batch` is this.
"""

from __future__ import annotations

import threading
import time
from contextlib import AbstractContextManager, ExitStack, nullcontext
from typing import Any

import structlog

from cases.projections.engine.base import LoggedApplication, ProjectionSet, Runner, UnitOfWork
from cases.projections.engine.failures import clear_failure, describe, record_failure, recorded_failures, retry_after
from cases.projections.engine.follower import AggregateFollower
from cases.projections.engine.lease import LeaseHeld, PositionMoved
from cases.projections.engine.reading import EventDecoder

log = structlog.get_logger("cases.projections")


class FollowAll:
    def __init__(
        self, projections: ProjectionSet | None, *, batch_size: int = 500, names: list[str] | None = None,
        runners: list[Runner] | None = None, stop: int | None = None, write_turn: AbstractContextManager[Any] | None = None,
        refuse_held_leases: bool = False,
    ) -> None:  # fmt: skip
        """Over the live generations of `names` (all when omitted), or over the given `runners` (each of a fixed
        generation, for a rebuild); no further than the log position `stop` when given. `write_turn`, when given,
        is held from a batch's first write to its commit (see rebuild_all: processes writing one SQLite file take
        turns on a lock that wakes the next at once, rather than on SQLite's lock, whose waiters poll). A
        projection whose lease another process holds is left to it, or raises `LeaseHeld` with
        `refuse_held_leases`. Without `projections`, over `runners` alone (see `alone`)."""
        self.projections = projections
        if projections is not None:
            self.app, self.store = projections.app, projections.store
            runners = runners or [projections.runner(name) for name in names or list(projections.projections)]
        else:
            assert runners, "runners are needed without projections"
            self.app, self.store = runners[0].app, runners[0].store
        self.batch_size = batch_size
        self.stop = stop
        self.write_turn = write_turn or nullcontext()
        self.refuse_held_leases = refuse_held_leases
        self.decoder = EventDecoder(self.app.mapper)
        self.follower = AggregateFollower(lambda aggregate_id, version: self.app.repository.get(aggregate_id, version=version))
        self.runners = runners
        self.failing: dict[Runner, tuple[float, int]] | None = None  # → (retry at, attempts); read at the first batch
        self.by_topic: dict[str, list[Runner]] = {}
        for runner in self.runners:  # one follower for all: one aggregate per case, followed once for every projection
            for topic in runner.projection.topics:
                self.by_topic.setdefault(topic, []).append(runner)

    @classmethod
    def alone(cls, runner: Runner) -> FollowAll:
        """The batches of one runner (its `run_batch`): in its own generation, raising `LeaseHeld` when another
        process holds its lease."""
        return cls(None, batch_size=runner.batch_size, runners=[runner], refuse_held_leases=True)

    def run_batch(self, stop: int | None = None) -> int:
        """Apply the next batch to every projection this process holds, no further than `stop` (or the one given
        when made); returns the events read (0: none new)."""
        started = time.perf_counter()
        target = self.app.recorder.max_notification_id() or 0
        for limit in (self.stop, stop):
            if limit is not None:
                target = min(target, limit)
        if all(runner.reached(target) for runner in self.runners):
            return 0  # every projection's last batch here reached the log's end already
        live = self.projections.live_view().generations if self.projections else {}
        generations = {r: r.fixed_generation or live.get(r.projection.name) or r.generation() for r in self.runners}
        failing = self._failing(generations)
        generations = {r: g for r, g in generations.items() if r not in failing or failing[r][0] <= time.monotonic()}
        for runner, generation in generations.items():
            runner.tables(generation)  # created (in transactions of their own) before this batch's
        with ExitStack() as until_committed, self.store.engine.begin() as conn:
            turn = _Turn(self.write_turn, until_committed)
            if any(runner.lease.due() for runner in self.runners):
                turn.take()  # the lease is written first: this batch writes from its start
            behind: dict[Runner, tuple[int, int]] = {}  # runner → (generation, position)
            for runner, generation in generations.items():
                if not runner.lease.acquire(conn):
                    if self.refuse_held_leases:
                        raise LeaseHeld(runner.lease.name)
                    continue  # another process advances this one
                position = runner.position_in(conn, generation)
                if position < target:
                    behind[runner] = (generation, position)
            if not behind:
                return 0
            start = min(position for _, position in behind.values())
            topics = sorted({topic for runner in behind for topic in runner.projection.topics})
            page = self.app.recorder.select_notification_rows(start + 1, self.batch_size, target, topics)
            reached = page[-1][0] if len(page) == self.batch_size else target
            work = {runner: UnitOfWork(conn, runner.tables(generation), runner.cache, self.follower) for runner, (generation, _) in behind.items()}
            handled = dict.fromkeys(behind, 0)
            try:
                for row in page:
                    event = None
                    for runner in self.by_topic.get(row[3], ()):
                        if runner in behind and row[0] > behind[runner][1]:
                            event = event or self.decoder.decode(row)
                            runner.projection.handle(event, work[runner])
                            handled[runner] += 1
                turn.take()
                for rows in work.values():
                    rows.flush()
            except Exception:
                self._forget()
                raise
            seconds = time.perf_counter() - started
            advanced = {runner: at for runner, at in behind.items() if at[1] < reached}  # one further on waits for the rest
            for runner, (generation, position) in advanced.items():
                runner.advance(conn, generation, position, reached, handled[runner], seconds)
                if runner in failing:
                    clear_failure(conn, self.store, runner.projection.name, generation)
        for runner, (generation, _) in advanced.items():
            runner.applied(work[runner], generation, reached)
            if failing.pop(runner, None):
                log.info("projection.recovered", projection=runner.projection.name, position=reached)
        return max(len(page), 1)

    # --- projections that cannot advance (failures.py) ----------------------------------------------------

    def _failing(self, generations: dict[Runner, int]) -> dict[Runner, tuple[float, int]]:
        """The runners whose projection has a failure recorded, by this process or an earlier one (tried again at
        once after a restart)."""
        if self.failing is None:
            recorded = recorded_failures(self.store)
            self.failing = {
                runner: (time.monotonic(), recorded[(runner.projection.name, generation)]["attempts"])
                for runner, generation in generations.items() if (runner.projection.name, generation) in recorded
            }  # fmt: skip
        return self.failing

    def isolate(self, error: Exception) -> list[str]:
        """After a failed batch of all: run each projection alone, so the others advance, and find the event each
        failing one fails on (stepping one event at a time); record it and rest that projection (failures.py).
        Returns the projections found failing."""
        self._forget()
        failing = self._failing({r: r.fixed_generation or r.generation() for r in self.runners})
        found = []
        for runner in self.runners:
            if runner in failing and failing[runner][0] > time.monotonic():
                continue
            for batch_size in (self.batch_size, 1):
                alone = FollowAll(None, batch_size=batch_size, runners=[runner], stop=self.stop, refuse_held_leases=True)
                alone.failing = {}
                try:
                    while alone.run_batch() and batch_size == 1:
                        pass
                    break  # this one advances: not the one failing
                except (LeaseHeld, PositionMoved):
                    break  # another process has it, or moved it: not this process's to judge
                except Exception as failure:  # any error: the projection cannot advance here
                    runner.forget()
                    if batch_size == 1:
                        self._record(runner, failure, failing)
                        found.append(runner.projection.name)
        if not found:
            log.warning("projection.batch_failed", error=describe(error), projections=[r.projection.name for r in self.runners])
        return found

    def _record(self, runner: Runner, error: Exception, failing: dict[Runner, tuple[float, int]]) -> None:
        generation = runner.fixed_generation or runner.generation()
        position = self.store.position(runner.projection.name, generation)
        rows = self.app.recorder.select_notification_rows(position + 1, 1, None, sorted(runner.projection.topics))
        event = (rows[0][0], rows[0][3]) if rows else None
        attempts = failing.get(runner, (0.0, 0))[1] + 1
        failing[runner] = (time.monotonic() + retry_after(attempts), attempts)
        record_failure(self.store, runner.projection.name, generation, position, event, error, attempts)
        log.error(
            "projection.failed", projection=runner.projection.name, generation=generation, position=position,
            event_position=event[0] if event else None, event_topic=event[1] if event else None, error=describe(error),
            attempts=attempts, retry_in_seconds=retry_after(attempts),
        )  # fmt: skip

    def follow(self, stopping: threading.Event, poll_seconds: float = 0.5, nudged: threading.Event | None = None) -> None:
        """Catch up, then keep following live writes until `stopping` is set; `nudged` (when given) wakes the wait
        between looks early, for a reader waiting on a position."""
        waker = Waker(self.app, poll_seconds)
        try:
            while not stopping.is_set():
                try:
                    while self.run_batch() and not stopping.is_set():
                        pass
                except PositionMoved:
                    self._forget()
                    log.warning("projection.position_moved", projections=[r.projection.name for r in self.runners])
                    continue  # the batch rolled back: read the positions again and carry on
                except Exception as error:  # a projection cannot advance: the others go on, it is recorded
                    try:
                        self.isolate(error)
                    except Exception as unrecorded:  # the store itself is unreachable: say so, look again later
                        log.error("projection.store_failed", error=describe(unrecorded))
                waker.wait(nudged or stopping)
                if nudged is not None:
                    nudged.clear()
        finally:
            waker.close()
            for runner in self.runners:
                runner.lease.release()

    def _forget(self) -> None:
        self.follower.clear()
        for runner in self.runners:
            runner.forget()


class Waker:
    """Sleep until new events may exist: LISTEN/NOTIFY on PostgreSQL, a short poll on SQLite."""

    def __init__(self, app: LoggedApplication, poll_seconds: float) -> None:
        self.poll_seconds = poll_seconds
        self.connection = None
        channel = getattr(app.recorder, "channel_name", None)
        if channel and app.settings.database_url:
            import psycopg

            self.connection = psycopg.connect(app.settings.database_url, autocommit=True)
            self.connection.execute(f'LISTEN "{channel}"')

    def wait(self, stopping: threading.Event) -> None:
        if self.connection is None:
            stopping.wait(self.poll_seconds)
            return
        deadline = time.monotonic() + max(self.poll_seconds, 1.0)
        while not stopping.is_set() and (left := deadline - time.monotonic()) > 0:
            for _ in self.connection.notifies(timeout=min(left, 0.25), stop_after=1):  # short waits: see `stopping` soon
                return

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


class _Turn:
    """The write turn, taken at most once per batch and held until the batch's transaction has ended."""

    def __init__(self, turn: AbstractContextManager[Any], until_committed: ExitStack) -> None:
        self.turn, self.until_committed, self.taken = turn, until_committed, False

    def take(self) -> None:
        if not self.taken:
            self.until_committed.enter_context(self.turn)
            self.taken = True
