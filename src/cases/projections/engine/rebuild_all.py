"""Rebuilding every projection in one pass over the log (`FollowAll` over a new generation of each): each event is
read and decoded once and handed to every projection that consumes it; each batch commits all projections' rows
and positions in one transaction.

This is what makes a full rebuild cost about one read of the log rather than one read per projection. Each
projection builds a new generation beside its live one; at the end they all switch together (see `Projections.switch`).

On a machine with two cores or more (`Settings.rebuild_processes`, CASES_REBUILD_WORKERS) the projections are
split over two processes: those that follow the case aggregate (`Projection.follows_aggregates`, which share one
aggregate per case) and the rest. Each process reads the log once for its group; a batch holds SQLite's write lock
only while it flushes, so the two hardly wait on each other. On SQLite they take turns on a lock of their own
(`FollowAll`'s write turn) from a batch's first write to its commit: SQLite's own busy wait polls with sleeps of up
to 100 ms, and at 20,000 cases that waiting cost a fifth of the rebuild (bench/projections.py: b/a 0.48 -> 0.60).
A worker that dies holding the turn fails the rebuild: the parent ends the other rather than wait on it. The
parent creates every generation first, shows progress from the positions the workers write, and switches them all
once both have finished. A worker is a
forked copy of this process with its own database connections, so nothing it needs is pickled.
"""

from __future__ import annotations

import gc
import multiprocessing
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from cases.projections.engine.base import ProjectionSet
from cases.projections.engine.follow_all import FollowAll
from cases.projections.engine.lease import LeaseHeld
from cases.projections.engine.runner import ProjectionRunner
from cases.projections.engine.store import ReadModelStore

Progress = Callable[[int, int], None]


class RebuildFailed(RuntimeError):
    """A rebuild worker process failed: its generations stay unswitched and the live ones keep serving."""


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Python's cyclic collector off for the duration. A rebuild keeps many rows and aggregates alive in its
    caches, and the collector walked them again and again: a fifth of a rebuild's time (bench/projections.py).
    What a rebuild discards is freed by reference counting regardless. At the end, what is still alive is handed
    to the oldest generation (freeze, then unfreeze) rather than walked at once; cycles among it wait for the next
    full collection."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def rebuild_all(
    projections: ProjectionSet, *, batch_size: int = 5000, progress: Progress | None = None, processes: int | None = None
) -> dict[str, int]:  # fmt: skip
    """Build a fresh generation of every projection in one pass, then switch each to it. Returns the generations."""
    app, store = projections.app, projections.store
    with cyclic_gc_paused():
        runners = {
            name: ProjectionRunner(app, store, projection, generation=projections.next_generation(name), batch_size=batch_size)
            for name, projection in projections.projections.items()
        }
        for runner in runners.values():
            runner.tables(runner.fixed_generation)
        target = app.recorder.max_notification_id() or 0
        groups = rebuild_plan(projections, processes)
        if len(groups) > 1:
            _build_in_processes(projections, runners, groups, batch_size, progress, target)
        else:
            _build_here(projections, runners, batch_size, progress, target)
        projections.switch(runners)
        return {name: runner.fixed_generation for name, runner in runners.items()}


def rebuild_plan(projections: ProjectionSet, processes: int | None = None) -> list[list[str]]:
    """The projections each process of a full rebuild started now would build: `process_groups`, when this
    process may fork; otherwise all of them here."""
    groups = process_groups(projections, processes or projections.app.settings.rebuild_processes)
    return groups if len(groups) > 1 and _can_fork() else [list(projections.projections)]


def process_groups(projections: ProjectionSet, processes: int) -> list[list[str]]:
    """The projections each process rebuilds: one group, or those that follow aggregates and the rest."""
    if processes < 2:
        return [list(projections.projections)]
    following = [name for name, p in projections.projections.items() if p.follows_aggregates]
    rest = [name for name, p in projections.projections.items() if not p.follows_aggregates]
    return [group for group in (following, rest) if group]


def _can_fork() -> bool:
    """Forking copies only the calling thread, with every lock as it stood. That is safe when the only other
    threads are psycopg's pool threads (a worker never touches its parent's pools); a process running threads of
    its own (an API server following live writes) rebuilds in itself."""
    others = [t for t in threading.enumerate() if t is not threading.current_thread()]
    return "fork" in multiprocessing.get_all_start_methods() and all(t.name.startswith("pool-") for t in others)


def _build_here(
    projections: ProjectionSet, runners: dict[str, ProjectionRunner], batch_size: int, progress: Progress | None, target: int
) -> None:  # fmt: skip
    def report() -> None:
        if progress:
            progress(_lowest_position(projections.store, runners), target)

    _follow_to_the_end(projections, list(runners.values()), batch_size, report)
    _require_reached(projections.store, runners, target)


def _follow_to_the_end(
    projections: ProjectionSet, runners: list[ProjectionRunner], batch_size: int, after_batch: Callable[[], None], write_turn: Any = None
) -> None:  # fmt: skip
    building = FollowAll(projections, batch_size=batch_size, runners=runners, write_turn=write_turn)
    while building.run_batch():
        after_batch()


def _require_reached(store: ReadModelStore, runners: dict[str, ProjectionRunner], target: int) -> None:
    for name, runner in runners.items():
        if store.position(name, runner.fixed_generation) < target:
            raise LeaseHeld(runner.lease.name)  # another process holds the generation being built


def _build_in_processes(
    projections: ProjectionSet, runners: dict[str, ProjectionRunner], groups: list[list[str]], batch_size: int,
    progress: Progress | None, target: int,
) -> None:  # fmt: skip
    context = multiprocessing.get_context("fork")
    failures = context.SimpleQueue()
    # SQLite: held from a batch's first write to its commit, so the other wakes the moment the file is free to write
    write_turn = context.Lock() if projections.store.is_sqlite else None
    generations = {name: runner.fixed_generation for name, runner in runners.items()}
    workers = [
        context.Process(target=_build_group, args=(projections, group, generations, batch_size, failures, write_turn), daemon=True)
        for group in groups
    ]
    for worker in workers:
        worker.start()
    try:
        while any(worker.is_alive() for worker in workers):
            if any(worker.exitcode not in (None, 0) for worker in workers):
                break  # a failed worker may have died holding the write turn: the finally below ends the others
            if progress:
                progress(_lowest_position(projections.store, runners), target)
            for worker in workers:
                worker.join(timeout=0.2)
    finally:
        for worker in workers:
            if worker.is_alive():  # the parent was interrupted: its workers go with it
                worker.terminate()
                worker.join()
    reasons = []
    while not failures.empty():
        reasons.append(failures.get())
    if reasons or any(worker.exitcode != 0 for worker in workers):
        raise RebuildFailed("; ".join(reasons) or f"a rebuild worker exited with {[w.exitcode for w in workers]}")
    _require_reached(projections.store, runners, target)


def _build_group(
    projections: ProjectionSet, names: list[str], generations: dict[str, int], batch_size: int, failures: Any, write_turn: Any
) -> None:  # fmt: skip
    """In a forked worker: new connections (a forked connection must not be used), the same rule book and calendar."""
    app, store = projections.app, projections.store
    own_app = type(app)(app.settings, rulebook=app.rulebook, calendar=app.calendar)
    own_store = ReadModelStore(store.url, store.schema)
    runners = []
    try:
        own = type(projections)(own_app, own_store, [projections.projections[name] for name in names])
        runners = [ProjectionRunner(own_app, own_store, own.projections[n], generation=generations[n], batch_size=batch_size) for n in names]
        _follow_to_the_end(own, runners, batch_size, lambda: None, write_turn)
    except BaseException as error:
        failures.put(f"{', '.join(names)}: {type(error).__name__}: {error}")
        raise
    finally:
        for runner in runners:
            runner.lease.release()  # the parent switches the generations, catching up under the same lease names
        own_app.close()
        own_store.dispose()


def _lowest_position(store: ReadModelStore, runners: dict[str, ProjectionRunner]) -> int:
    return min(store.position(name, runner.fixed_generation) for name, runner in runners.items())
