"""Rebuilding every projection in one pass over the log (`FollowAll` over a new generation of each): each event is
read and decoded once and handed to every projection that consumes it; each batch commits all projections' rows
and positions in one transaction.

This is what makes a full rebuild cost about one read of the log rather than one read per projection. Each
projection builds a new generation beside its live one; at the end each switches (see `Projections.switch_to`).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from cases.projections.follow_all import FollowAll
from cases.projections.runner import LeaseHeld, ProjectionRunner

if TYPE_CHECKING:
    from cases.projections.service import Projections

Progress = Callable[[int, int], None]


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


def rebuild_all(projections: Projections, *, batch_size: int = 5000, progress: Progress | None = None) -> dict[str, int]:
    """Build a fresh generation of every projection in one pass, then switch each to it. Returns the generations."""
    with cyclic_gc_paused():
        return _rebuild_all(projections, batch_size, progress)


def _rebuild_all(projections: Projections, batch_size: int, progress: Progress | None) -> dict[str, int]:
    app, store = projections.app, projections.store
    runners = {
        name: ProjectionRunner(app, store, projection, generation=projections.next_generation(name), batch_size=batch_size)
        for name, projection in projections.projections.items()
    }
    for runner in runners.values():
        runner.tables(runner.fixed_generation)
    building = FollowAll(projections, batch_size=batch_size, runners=list(runners.values()))
    target = app.recorder.max_notification_id() or 0
    while building.run_batch():
        if progress:
            progress(min(store.position(name, runner.fixed_generation) for name, runner in runners.items()), target)
    for name, runner in runners.items():
        if not runner.reached(target):
            raise LeaseHeld(runner.lease.name)  # another process holds the generation being built
    generations = {}
    for name, runner in runners.items():
        projections.switch_to(name, runner)
        generations[name] = runner.fixed_generation
    return generations
