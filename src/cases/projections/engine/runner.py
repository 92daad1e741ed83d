"""Running a projection: read the notification log from the projection's own position, apply a batch, and write
its rows and its new position in ONE transaction (exactly once: the position update is conditional on the old
position, so a replayed batch fails and rolls back). A lease makes one process at a time advance a projection
(`lease.py`). A runner holds one projection's generation, position, lease and remembered rows; the batch itself is
`FollowAll`'s (over this runner alone, or over many at once), so there is one way of applying a batch.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import MetaData, Table, insert, select, update
from sqlalchemy.exc import IntegrityError

from cases.projections.engine.base import LoggedApplication, Projection, RowCache, UnitOfWork
from cases.projections.engine.follow_all import FollowAll
from cases.projections.engine.lease import LEASE_SECONDS, Lease, LeaseHeld, PositionMoved  # noqa: F401  (LeaseHeld: what a batch raises)
from cases.projections.engine.store import ReadModelStore, create_tables

Progress = Callable[[int, int], None]  # (position reached, target position)


def table_prefix(projection: Projection, generation: int) -> str:
    return f"rm_{projection.name}_g{generation}_"


def generation_tables(store: ReadModelStore, projection: Projection, generation: int, create: bool = True) -> dict[str, Table]:
    metadata = MetaData()
    tables = projection.define_tables(metadata, table_prefix(projection, generation))
    if create:
        create_tables(metadata, store.engine)
    return tables


class ProjectionRunner:
    def __init__(
        self,
        app: LoggedApplication,
        store: ReadModelStore,
        projection: Projection,
        *,
        generation: int | None = None,
        batch_size: int = 500,
        lease_seconds: float = LEASE_SECONDS,
        holder: str | None = None,
    ) -> None:
        self.app, self.store, self.projection = app, store, projection
        self.fixed_generation = generation
        self.batch_size = batch_size
        self.lease = Lease(store, f"{projection.name}#g{generation}" if generation is not None else projection.name, lease_seconds, holder)
        self.cache = RowCache()
        self._cache_at: tuple[int, int] | None = None  # the (generation, position) the cached rows describe
        self._tables: dict[int, dict[str, Table]] = {}
        self._batches: FollowAll | None = None  # made at the first run_batch

    # --- generations --------------------------------------------------------------------------------

    def generation(self) -> int:
        if self.fixed_generation is not None:
            return self.fixed_generation
        live = self.store.live_generation(self.projection.name)
        if live is None:
            live = self._start_first_generation()
        return live

    def _start_first_generation(self) -> int:
        live = self.store.table("projection_live")
        try:
            with self.store.engine.begin() as conn:
                conn.execute(insert(live).values(name=self.projection.name, generation=1))
        except IntegrityError:
            pass  # another process started it first
        return self.store.live_generation(self.projection.name) or 1

    def tables(self, generation: int) -> dict[str, Table]:
        if generation not in self._tables:
            self._tables[generation] = generation_tables(self.store, self.projection, generation)
            self._ensure_position_row(generation)
            if self.store.position(self.projection.name, generation) == 0:
                self.cache = RowCache(complete=True)  # a new generation starts empty
                self._cache_at = (generation, 0)
        return self._tables[generation]

    def _ensure_position_row(self, generation: int) -> None:
        """The generation's position row, and, if it starts empty here, the projection version that builds it."""
        positions, versions = self.store.table("projection_positions"), self.store.table("projection_versions")
        try:
            with self.store.engine.begin() as conn:
                conn.execute(insert(positions).values(name=self.projection.name, generation=generation, position=0, events=0, rate=0.0))
                conn.execute(insert(versions).values(name=self.projection.name, generation=generation, version=self.projection.version))
        except IntegrityError:
            pass  # the generation exists: it keeps the version that began it

    # --- one batch ----------------------------------------------------------------------------------

    def run_batch(self, stop: int | None = None) -> int:
        """Apply the next batch; returns how many events it read (0: caught up to `stop` or the log's end). Raises
        `LeaseHeld` when another process advances this projection. It is `FollowAll`'s batch over this runner
        alone: one way of applying a batch, whether one projection runs or all of them."""
        if self._batches is None:
            self._batches = FollowAll.alone(self)
        return self._batches.run_batch(stop)

    def reached(self, target: int) -> bool:
        """Whether this runner's last batch reached `target` (another runner's could only be further)."""
        return self._cache_at is not None and target <= self._cache_at[1]

    def applied(self, rows: UnitOfWork, generation: int, reached: int) -> None:
        """After the batch's commit: its rows are what the tables hold, up to `reached`."""
        rows.remember()
        self._cache_at = (generation, reached)

    def position_in(self, conn: Any, generation: int) -> int:
        """The position, read inside the batch's transaction; rows remembered from another generation, or from
        before another runner's batches, are forgotten (a generation at position 0 is empty)."""
        position = self.store_position(conn, generation)
        if self._cache_at != (generation, position):
            self.cache = RowCache(complete=position == 0)
            self._cache_at = (generation, position)
        return position

    def advance(self, conn: Any, generation: int, position: int, reached: int, events: int, seconds: float) -> None:
        """Move the position from `position` to `reached` in the batch's transaction, or raise `PositionMoved`
        (the caller's transaction then rolls back: nothing of the batch is applied twice)."""
        positions = self.store.table("projection_positions")
        moved = conn.execute(
            update(positions)
            .where(positions.c.name == self.projection.name, positions.c.generation == generation, positions.c.position == position)
            .values(
                position=reached, events=positions.c.events + events, updated_at=datetime.now(timezone.utc),
                rate=events / max(seconds, 1e-9) if events else positions.c.rate,  # a batch with nothing to apply keeps the last rate
            )
        ).rowcount
        if moved != 1:
            self.forget()
            raise PositionMoved(f"{self.projection.name} g{generation}: position moved from {position}")

    def forget(self) -> None:
        """Drop every remembered row (after a failed batch)."""
        self.cache.clear()

    def store_position(self, conn: Any, generation: int) -> int:
        positions = self.store.table("projection_positions")
        query = select(positions.c.position).where(positions.c.name == self.projection.name, positions.c.generation == generation)
        if not self.store.is_sqlite:
            query = query.with_for_update()
        return conn.execute(query).scalar() or 0

    # --- loops --------------------------------------------------------------------------------------

    def catch_up(self, stop: int | None = None, progress: Progress | None = None) -> int:
        """Apply batches until the log's end (or `stop`); returns the position reached."""
        while self.run_batch(stop):
            if progress:
                target = stop if stop is not None else self.app.recorder.max_notification_id() or 0
                progress(self.store.position(self.projection.name, self.generation()), target)
        return self.store.position(self.projection.name, self.generation())
