"""Who may advance a projection: a lease per projection (or per generation being rebuilt), and what a batch
raises when another process holds it or moved the position under it (see `Lease`)."""

from __future__ import annotations

import os
import socket
import time
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import Float, cast, func, insert, select, update
from sqlalchemy.exc import IntegrityError

if TYPE_CHECKING:
    from cases.projections.engine.store import ReadModelStore


class LeaseHeld(RuntimeError):
    """Another process holds this projection's lease."""


class PositionMoved(RuntimeError):
    """The tracked position changed under this batch: it was rolled back, nothing was applied twice."""


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
