"""Rebuilding every projection in one pass over the log: each event is read and decoded once and handed to every
projection that consumes it; each batch commits all projections' rows and positions in one transaction.

This is what makes a full rebuild cost about one read of the log rather than one read per projection. Each
projection builds a new generation beside its live one; at the end each switches (see `Projections.rebuild`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from sqlalchemy import update

from cases.projections.base import AggregateFollower, UnitOfWork
from cases.projections.runner import LeaseHeld, PositionMoved, ProjectionRunner

if TYPE_CHECKING:
    from cases.projections.service import Projections

Progress = Callable[[int, int], None]


def rebuild_all(projections: Projections, *, batch_size: int = 2000, progress: Progress | None = None) -> dict[str, int]:
    """Build a fresh generation of every projection in one pass, then switch each to it. Returns the generations."""
    app, store = projections.app, projections.store
    runners: dict[str, ProjectionRunner] = {}
    follower = AggregateFollower(lambda aggregate_id, version: app.repository.get(aggregate_id, version=version))
    for name, projection in projections.projections.items():
        generation = projections.next_generation(name)
        runner = ProjectionRunner(app, store, projection, generation=generation, batch_size=batch_size)
        runner.tables(generation)
        runner.follower = follower
        runners[name] = runner
    by_topic: dict[str, list[ProjectionRunner]] = {}
    for runner in runners.values():
        for topic in runner.projection.topics:
            by_topic.setdefault(topic, []).append(runner)
    positions = store.table("projection_positions")
    target = app.recorder.max_notification_id() or 0
    position = 0
    started = time.perf_counter()
    while position < target:
        page = app.recorder.select_notifications(start=position + 1, limit=batch_size, stop=target, topics=list(by_topic))
        reached = page[-1].id if len(page) == batch_size else target
        with store.engine.begin() as conn:
            work = {}
            for name, runner in runners.items():
                if not runner.lease.acquire(conn):
                    raise LeaseHeld(runner.lease.name)
                work[name] = UnitOfWork(conn, runner.tables(runner.fixed_generation), runner.cache, follower)
            handled = dict.fromkeys(runners, 0)
            for notification in page:
                event = app.mapper.to_domain_event(notification)
                for runner in by_topic.get(notification.topic, ()):
                    runner.projection.handle(event, work[runner.projection.name])
                    handled[runner.projection.name] += 1
            rate = len(page) / max(time.perf_counter() - started, 1e-9)
            for name, runner in runners.items():
                work[name].flush()
                moved = conn.execute(
                    update(positions)
                    .where(positions.c.name == name, positions.c.generation == runner.fixed_generation, positions.c.position == position)
                    .values(position=reached, events=positions.c.events + handled[name], rate=rate, updated_at=datetime.now(timezone.utc))
                ).rowcount
                if moved != 1:
                    raise PositionMoved(f"{name}: position moved during the rebuild")
        for name in runners:
            work[name].remember()
        position = reached
        started = time.perf_counter()
        if progress:
            progress(position, target)
    generations = {}
    for name, runner in runners.items():
        projections.switch_to(name, runner)
        generations[name] = runner.fixed_generation
    return generations
