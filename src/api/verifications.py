"""Register verifications run by the API for compliance officers: `cases projections verify` (see
`cases.projections.engine.verify`) started over HTTP, run in a thread of the worker that took the request, and followed
by polling.

A verification can take minutes on a large log, longer than an HTTP request should wait, so the request only
starts it. Its record — progress, outcome, the positions verified at and every difference found — lives in the
API store (`api.store`), so any API worker can answer for it, it outlives the worker, and a rebuild of the read
models leaves it be. One that a shutdown
interrupts is recorded as failed; one whose worker died without a word stays "running" and can simply be started
again.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import datetime, timezone
from typing import Any

import structlog
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, insert, select, update

from api.store import ApiStore
from cases.errors import NotFound
from cases.projections.engine.service import Projections
from cases.projections.engine.verify import Difference

log = structlog.get_logger("api.verifications")
PROGRESS_EVERY_SECONDS = 0.5
SETTLE_SECONDS = 10.0  # the followers' time to project what was written just before the verification began
KEPT_DIFFERENCES = 1000  # a register that differs in more rows than this is wrong all over: the count says how much

_metadata = MetaData()
VERIFICATIONS = Table(
    "register_verifications", _metadata,
    Column("id", String(32), primary_key=True), Column("requested_by", String(120), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False), Column("finished_at", DateTime(timezone=True)),
    Column("outcome", String(16), nullable=False), Column("progress", Text, nullable=False),
    Column("verified_at", Text), Column("difference_count", Integer), Column("differences", Text), Column("error", Text),
    Column("head", Integer),  # the log's last position when the verification started
)  # fmt: skip


class Interrupted(Exception):
    """The server is stopping: the verification ends, recorded as failed."""



def start(projections: Projections, store: ApiStore, requested_by: str, stopping: threading.Event) -> tuple[str, threading.Thread]:
    """Record a new verification (in the API's store) as running and start it in a thread of its own; returns its id
    and thread."""
    store.ensure(_metadata)
    verification_id = uuid.uuid4().hex
    names = list(projections.projections)
    with store.engine.begin() as conn:
        conn.execute(insert(VERIFICATIONS).values(
            id=verification_id, requested_by=requested_by, started_at=datetime.now(timezone.utc), outcome="running",
            progress=json.dumps({name: [0, None] for name in names}), head=projections.app.recorder.max_notification_id() or 0,
        ))  # fmt: skip
    thread = threading.Thread(
        target=_run, args=(projections, store, verification_id, stopping), name=f"verification-{verification_id[:8]}", daemon=True
    )
    thread.start()
    log.info("verification.started", verification_id=verification_id, requested_by=requested_by)
    return verification_id, thread


def _run(projections: Projections, store: ApiStore, verification_id: str, stopping: threading.Event) -> None:
    progress: dict[str, list[int]] = {}
    last_written = 0.0

    def advance(name: str, position: int, target: int) -> None:
        nonlocal last_written
        if stopping.is_set():
            raise Interrupted("the server stopped before the verification finished")
        progress[name] = [position, target]
        if time.monotonic() - last_written >= PROGRESS_EVERY_SECONDS:
            last_written = time.monotonic()
            _update(store, verification_id, progress=json.dumps(progress))

    try:
        differences = projections.verify(progress=advance, pause_collector=False, settle_seconds=SETTLE_SECONDS)  # others serve meanwhile
    except Exception as error:  # recorded for whoever polls; the log has the traceback
        log.exception("verification.failed", verification_id=verification_id)
        _finish(store, verification_id, "failed", progress, error=f"{type(error).__name__}: {error}")
        return
    head = find(store, verification_id)["head"]
    behind = any(position < head for position, _ in progress.values())
    outcome = "differ" if differences else "behind" if behind else "equal"  # "equal" only up to the head
    _finish(store, verification_id, outcome, progress, differences=differences)
    log.info("verification.finished", verification_id=verification_id, outcome=outcome, differences=len(differences))


def _finish(
    store: ApiStore, verification_id: str, outcome: str, progress: dict[str, list[int]], *,
    differences: list[Difference] | None = None, error: str | None = None,
) -> None:  # fmt: skip
    values: dict[str, Any] = {"outcome": outcome, "finished_at": datetime.now(timezone.utc), "progress": json.dumps(progress), "error": error}
    if differences is not None:
        values["verified_at"] = json.dumps({name: position for name, (position, _) in progress.items()})
        values["difference_count"] = len(differences)
        values["differences"] = json.dumps([_difference(d) for d in differences[:KEPT_DIFFERENCES]], default=str, ensure_ascii=False)
    _update(store, verification_id, **values)


def _difference(difference: Difference) -> dict[str, Any]:
    return {"projection": difference.projection, "table": difference.table, "key": difference.key, "live": difference.live, "rebuilt": difference.rebuilt}


def _update(store: ApiStore, verification_id: str, **values: Any) -> None:
    with store.engine.begin() as conn:
        conn.execute(update(VERIFICATIONS).where(VERIFICATIONS.c.id == verification_id).values(**values))


def find(store: ApiStore, verification_id: str) -> dict[str, Any]:
    """A verification's record: outcome (running; equal; differ; behind: no row differs, but a register stood
    behind the log's head when it was verified, so it is not shown equal to the log; failed), the head, progress per
    projection as [position, target], and when finished the position each projection was verified at, those
    behind the head, and the differences."""
    store.ensure(_metadata)
    with store.reader.connect() as conn:
        row = conn.execute(select(VERIFICATIONS).where(VERIFICATIONS.c.id == verification_id)).mappings().first()
    if row is None:
        raise NotFound(f"no register verification {verification_id!r}", field="verification_id")
    verified_at = json.loads(row["verified_at"]) if row["verified_at"] else None
    return {
        "id": row["id"], "requested_by": row["requested_by"], "outcome": row["outcome"],
        "started_at": row["started_at"], "finished_at": row["finished_at"], "progress": json.loads(row["progress"]),
        "head": row["head"], "verified_at": verified_at,
        "behind": {name: position for name, position in (verified_at or {}).items() if row["head"] is not None and position < row["head"]},
        "difference_count": row["difference_count"],
        "differences": json.loads(row["differences"]) if row["differences"] else [], "error": row["error"],
    }  # fmt: skip
