"""The event store's recorders, extended to write (aggregate, timestamp, version) with every event in the same
transaction, so "the case as of a moment" is a lookup, not a scan (eventsourcing `searchabletimestamps`).

Chosen through eventsourcing's APPLICATION_RECORDER_TOPIC; the rest of the native recorders is unchanged. Each
also reads the log as plain rows (`select_notification_rows`) for the projections' reader
(cases.projections.engine.reading): the same query as the library's `select_notifications`, without a `Notification`
object and a new `UUID` per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg.errors import InterfaceError, OperationalError
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

Stamp = tuple[UUID, datetime, int]
NotificationRow = tuple[int, UUID, int, str, bytes]  # id, originator id, originator version, topic, state

# Any fixed 64-bit number: the advisory lock under which a process creates the event store's tables.
CREATE_TABLES_LOCK = 0x63617365735F6573  # "cases_es"


def _sortable(moment: datetime) -> str:
    """UTC with fixed-width microseconds, so text order is time order in SQLite."""
    if moment.tzinfo is None:
        raise ValueError("a moment must carry its time zone")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")


class SQLiteTimestampedRecorder(SQLiteApplicationRecorder):
    TABLE = "event_timestamps"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._uuid_of_text: dict[str, UUID] = {}

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {self.TABLE} (originator_id TEXT NOT NULL, timestamp TEXT NOT NULL, "
            "originator_version INTEGER NOT NULL, PRIMARY KEY (originator_id, originator_version))",
            f"CREATE INDEX IF NOT EXISTS {self.TABLE}_time_idx ON {self.TABLE} (originator_id, timestamp)",
        ]

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        stamps: list[Stamp] = kwargs.get("event_timestamps", [])
        c.executemany(
            f"INSERT INTO {self.TABLE} VALUES (?, ?, ?)",
            [(i.hex, _sortable(t), v) for i, t, v in stamps],
        )
        return ids

    def select_notification_rows(self, start: int, limit: int, stop: int | None = None, topics: Sequence[str] = ()) -> list[NotificationRow]:
        """`select_notifications(start, limit, stop, topics)` as rows, one `UUID` per aggregate."""
        where, params = ["rowid>=?"], [start]
        if stop is not None:
            where.append("rowid<=?")
            params.append(stop)
        if topics:
            where.append(f"topic IN ({','.join('?' * len(topics))})")
            params.extend(topics)
        statement = (
            f"SELECT rowid, originator_id, originator_version, topic, state FROM {self.events_table_name} "
            f"WHERE {' AND '.join(where)} ORDER BY rowid LIMIT ?"
        )
        with self.datastore.transaction(commit=False) as c:
            c.row_factory = None  # plain tuples
            c.execute(statement, [*params, limit])
            rows = c.fetchall()
        if self.datastore.originator_id_type != "uuid":
            return rows
        ids = self._uuid_of_text
        if len(ids) > 100_000:
            ids.clear()
        return [(n, ids.get(o) or ids.setdefault(o, UUID(o)), v, t, s) for n, o, v, t, s in rows]

    def version_at(self, originator_id: UUID, timestamp: datetime) -> int | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT MAX(originator_version) AS v FROM {self.TABLE} WHERE originator_id = ? AND timestamp <= ?",
                (originator_id.hex, _sortable(timestamp)),
            )
            row = c.fetchone()
            return row["v"] if row else None


class PostgresTimestampedRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.timestamps_table = self.events_table_name.removesuffix("_events") + "_event_timestamps"
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {schema}.{table} (originator_id uuid NOT NULL, "
                "timestamp timestamptz NOT NULL, originator_version bigint NOT NULL, "
                "PRIMARY KEY (originator_id, originator_version))"
            ).format(schema=Identifier(self.datastore.schema), table=Identifier(self.timestamps_table))
        )
        self.insert_stamps = SQL(
            "INSERT INTO {schema}.{table} SELECT * FROM unnest(%s::uuid[], %s::timestamptz[], %s::bigint[])"
        ).format(schema=Identifier(self.datastore.schema), table=Identifier(self.timestamps_table))
        self.select_version = SQL(
            "SELECT MAX(originator_version) AS v FROM {schema}.{table} WHERE originator_id = %s AND timestamp <= %s"
        ).format(schema=Identifier(self.datastore.schema), table=Identifier(self.timestamps_table))

    def create_table(self) -> None:
        """Create the tables, one process at a time. Many API and projection workers may start at once on one
        database, and the library's `CREATE OR REPLACE FUNCTION` racing itself fails with "tuple concurrently
        updated"; a session advisory lock, held on a connection of its own, makes the others wait their turn."""
        with self.datastore.get_connection() as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (CREATE_TABLES_LOCK,))
            try:
                super().create_table()
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (CREATE_TABLES_LOCK,))

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """The library's insert (stamps, table lock, NOTIFY, events, in one transaction), without pipeline mode.

        In pipeline mode psycopg 3.3.9 hangs on a large write: its pipeline loop (`generators._pipeline_communicate`)
        flushes the output buffer once when the socket is writable and, with no command left, goes on to wait for
        results, ignoring that `PQflush` reported data still unsent. The server sits in ClientRead waiting for the
        rest of the INSERT while holding the events table's EXCLUSIVE lock, so every writer of every process
        blocks behind it (psycopg/psycopg#685 was the same loop at pipeline exit). Whether it hangs depends on how
        fast the server drains the socket: a 10 MB event hung in about half the tries. Sent statement by
        statement, each `execute` flushes everything before it waits (tests/test_persistence.py).
        """
        with self.datastore.get_connection() as conn, conn.transaction():
            with conn.cursor() as curs:
                self._insert_events(curs, stored_events, **kwargs)
            if not stored_events:
                return None
            with conn.cursor() as curs:
                self._insert_stored_events(curs, stored_events, **kwargs)
                return self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)

    def _insert_events(self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        super()._insert_events(curs, stored_events, **kwargs)
        stamps: list[Stamp] = kwargs.get("event_timestamps", [])
        if stamps:  # one statement: executemany would enter pipeline mode again
            ids, moments, versions = zip(*stamps)
            curs.execute(self.insert_stamps, (list(ids), list(moments), list(versions)))

    def version_at(self, originator_id: UUID, timestamp: datetime) -> int | None:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.select_version, (originator_id, timestamp))
            row = curs.fetchone()
            return row["v"] if row else None

    def select_notification_rows(self, start: int, limit: int, stop: int | None = None, topics: Sequence[str] = ()) -> list[NotificationRow]:
        """`select_notifications(start, limit, stop, topics)` as rows (psycopg already gives each a `UUID`)."""
        where, params = [SQL("notification_id>=%s")], [start]
        if stop is not None:
            where.append(SQL("notification_id<=%s"))
            params.append(stop)
        if topics:
            where.append(SQL("topic = ANY(%s)"))
            params.append(list(topics))
        statement = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state FROM {schema}.{table} "
            "WHERE {where} ORDER BY notification_id LIMIT %s"
        ).format(schema=Identifier(self.datastore.schema), table=Identifier(self.events_table_name), where=SQL(" AND ").join(where))
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(statement, [*params, limit], prepare=True)
            return [(n, o, v, t, bytes(s)) for n, o, v, t, s in curs.fetchall()]
