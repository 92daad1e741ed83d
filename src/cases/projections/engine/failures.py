"""Projections that cannot advance, recorded where every process sees them (`projection_failures`).

Decision (issue 10): a projection that fails on an event **stops loudly at that event** and the others go on. It
does not skip the event: a register that silently lacks one event no longer equals the log, and nothing would
say so. Instead the follower finds the event (the first one after the projection's position whose batch of one
fails), records the failure — projection, generation, the position it stands at, the event's position and topic,
the error — logs it as an error, and tries that projection again after a pause that doubles from
`FIRST_RETRY_SECONDS` to `LAST_RETRY_SECONDS` (a failure that was passing, a database restart say, heals
itself; one that is not keeps being reported). `/ready` answers 503 and `/metrics` shows
`cases_projection_failed 1` while a failure is recorded; `cases projections status` shows it; the record is
cleared by the first batch that moves the projection past it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import delete, insert, select

from cases.identity import mask_id_number, mask_phones
from cases.projections.engine.store import ReadModelStore

FIRST_RETRY_SECONDS = 2.0
LAST_RETRY_SECONDS = 300.0
MESSAGE_CHARACTERS = 500


def describe(error: BaseException) -> str:
    """The error as recorded and shown: its type and message, masked and cut short (a message may quote data)."""
    text = mask_phones(mask_id_number(f"{type(error).__name__}: {error}"))
    return text if len(text) <= MESSAGE_CHARACTERS else text[: MESSAGE_CHARACTERS - 1] + "…"


def record_failure(
    store: ReadModelStore, name: str, generation: int, position: int, event: tuple[int, str] | None, error: BaseException, attempts: int
) -> None:  # fmt: skip
    failures = store.table("projection_failures")
    values = {
        "name": name, "generation": generation, "position": position, "event_position": event[0] if event else None,
        "event_topic": event[1] if event else None, "error": describe(error), "attempts": attempts,
        "failed_at": datetime.now(timezone.utc),
    }  # fmt: skip
    with store.engine.begin() as conn:
        conn.execute(delete(failures).where(failures.c.name == name, failures.c.generation == generation))
        conn.execute(insert(failures).values(**values))


def clear_failure(conn: Any, store: ReadModelStore, name: str, generation: int) -> None:
    """Inside the batch's transaction that moved the projection on."""
    failures = store.table("projection_failures")
    conn.execute(delete(failures).where(failures.c.name == name, failures.c.generation == generation))


def recorded_failures(store: ReadModelStore) -> dict[tuple[str, int], dict[str, Any]]:
    """(projection, generation) → its failure record."""
    failures = store.table("projection_failures")
    with store.engine.connect() as conn:
        rows = conn.execute(select(failures)).mappings().all()
    return {(row["name"], row["generation"]): dict(row) for row in rows}


def retry_after(attempts: int) -> float:
    return min(LAST_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0))
