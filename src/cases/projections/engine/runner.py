"""Running a projection: read the notification log from the projection's own position, apply a batch, and write
its rows and its new position in ONE transaction (exactly once: the position update is conditional on the old
position, so a replayed batch fails and rolls back). A lease makes one process at a time advance a projection;
others wait for it to lapse, or take it at once from a holder whose process is gone (see `Lease`). A runner holds
one projection's generation, position, lease and remembered rows; the batch itself is `FollowAll`'s (over this
runner alone, or over many at once), so there is one way of applying a batch. Following live writes (all
projections from one thread) is `FollowAll`'s too, with the `Waker` here: PostgreSQL wakes on NOTIFY, SQLite polls.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy import Float, MetaData, Table, cast, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from cases.projections.engine.base import Projection, RowCache, UnitOfWork
from cases.projections.engine.store import ReadModelStore, create_tables

if TYPE_CHECKING:
    from cases.service.application import CasesApplication
    from cases.projections.engine.follow_all import FollowAll

Progress = Callable[[int, int], None]  # (position reached, target position)


class LeaseHeld(RuntimeError):
    """Another process holds this projection's lease."""


class PositionMoved(RuntimeError):
    """The tracked position changed under this batch: it was rolled back, nothing was applied twice."""


def table_prefix(projection: Projection, generation: int) -> str:
    return f"rm_{projection.name}_g{generation}_"


def generation_tables(store: ReadModelStore, projection: Projection, generation: int, create: bool = True) -> dict[str, Table]:
    metadata = MetaData()
    tables = projection.define_tables(metadata, table_prefix(projection, generation))
    if create:
        create_tables(metadata, store.engine)
    return tables


LEASE_SECONDS = 5.0  # how long a lease lasts unless renewed; a holder renews it once past its first half


class Lease:
    """Which process may advance a projection (a row of `projection_leases`: name, holder, expires_at). The holder is
    `host:pid:nonce`.

    Exactly once does not rest on the lease. A batch reads its projection's position (on PostgreSQL `FOR UPDATE`,
    which holds the row until the batch commits; on SQLite the batch writes under the database's one write lock)
    and moves it with `UPDATE … WHERE position = <the position read>` in the transaction that writes its rows. If
    another process moved it meanwhile the update matches no row, `PositionMoved` is raised and the whole
    transaction, rows and all, rolls back; remembered rows are dropped whenever the position read is not the one
    they describe. So two processes that both believe they hold a lease cost at most a rolled-back batch, never an
    event applied twice. What the lease buys is that they rarely try: one process does the work, the others wait.

    That lets a lease be taken eagerly, so a crash stops the projection for seconds, not for a lease's length:
    - The holder's process is gone (it ran on this host and no process has its pid, or only a zombie has it): its
      lease is taken at once, by an update conditional on that exact holder, so of two contenders one wins.
    - Otherwise (another host, or a holder not named host:pid:nonce) its liveness is unknown and the lease is
      waited out. It is short (`LEASE_SECONDS`) and renewed by a batch once past its first half, so a crashed
      holder's lease lapses within seconds. On PostgreSQL it is timed by the database's clock, so hosts whose
      clocks disagree do not take live leases early; on SQLite every process is on the file's host.
    What a short lease costs: renewals every few seconds while a holder works; and a holder idle longer than its
    lease keeps no claim (an idle poll writes nothing), so after a quiet spell another follower may take over,
    starting from the position it reads. A holder alive but stalled past its lease may be overlapped by the one
    that took it over: one of their batches rolls back. A pid in use again by another process looks alive: that
    lease is waited out. Containers that share a hostname but not a pid namespace must not share a store: a live
    holder in another could look gone (give them their own hostnames).

    A rebuild leases each generation under its own name (`name#gN`), so live followers never contend for it; its
    worker processes release theirs before the parent catches up and switches under the same names.
    """

    def __init__(self, store: ReadModelStore, name: str, seconds: float, holder: str | None = None) -> None:
        self.store, self.name, self.seconds = store, name, seconds
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.held_until = 0.0  # when the lease this holder last wrote lapses (this process's clock)

    def due(self) -> bool:
        """Whether `acquire` would write (the lease is not held, or past the first half of the one written)."""
        return time.time() >= self.held_until - self.seconds / 2

    def acquire(self, conn: Any) -> bool:
        """Hold (or renew) the lease: renew it, or take it when it has lapsed, is not there yet, or its holder's
        process is gone. Within the first half of a lease this holder wrote, nothing is written: no one else may
        take it before it lapses, so each batch need not take the database's write lock for it."""
        if not self.due():
            return True
        now = time.time()
        leases = self.store.table("projection_leases")
        clock = self._clock(now)
        claim = update(leases).values(holder=self.holder, expires_at=clock + self.seconds)
        claimed = conn.execute(
            claim.where(leases.c.name == self.name, (leases.c.holder == self.holder) | (leases.c.expires_at < clock))
        ).rowcount
        if not claimed:
            held_by = conn.execute(select(leases.c.holder).where(leases.c.name == self.name)).scalar()
            if held_by is None:
                try:
                    with conn.begin_nested():
                        conn.execute(insert(leases).values(name=self.name, holder=self.holder, expires_at=clock + self.seconds))
                except IntegrityError:
                    return False  # another process inserted it first
            elif not holder_gone(held_by) or not conn.execute(claim.where(leases.c.name == self.name, leases.c.holder == held_by)).rowcount:
                return False  # held by a live (or unknown) holder, or another process took it from the gone one first
        self.held_until = now + self.seconds
        return True

    def release(self) -> None:
        self.held_until = 0.0
        leases = self.store.table("projection_leases")
        with self.store.engine.begin() as conn:
            conn.execute(update(leases).where(leases.c.name == self.name, leases.c.holder == self.holder).values(expires_at=0.0))

    def _clock(self, now: float) -> Any:
        """Now, in seconds since the epoch: the database's clock on PostgreSQL, this process's on SQLite."""
        if self.store.is_sqlite:
            return now
        return cast(func.extract("epoch", func.clock_timestamp()), Float)


def holder_gone(holder: str) -> bool:
    """Whether the process a lease holder (`host:pid:nonce`) names has certainly ended: it ran on this host, and no
    process has its pid, or only a zombie (ended, not yet reaped by its parent) has. Anything else is not known."""
    parts = holder.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid in (0, os.getpid()):
        return False
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # it exists, under another user
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:  # Linux: "pid (name) state …"
            return stat.read().rsplit(b")", 1)[1].split()[0] in (b"Z", b"X")
    except (OSError, IndexError):
        return False


class ProjectionRunner:
    def __init__(
        self,
        app: CasesApplication,
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
            from cases.projections.engine.follow_all import FollowAll

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


class Waker:
    """Sleep until new events may exist: LISTEN/NOTIFY on PostgreSQL, a short poll on SQLite."""

    def __init__(self, app: CasesApplication, poll_seconds: float) -> None:
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
