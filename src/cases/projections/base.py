"""What a projection is: the events it consumes, the tables it owns, and how one event changes its rows.

A projection never reads the event store or the rule book: each event carries what it needs. Rows are changed
through a `UnitOfWork`, which the runner flushes in the same transaction as the projection's new position.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from eventsourcing.domain import CanMutateAggregate, DecoratedFuncCaller, decorated_funcs
from eventsourcing.utils import get_topic
from sqlalchemy import Connection, Date, MetaData, Table, delete, insert, select, tuple_

Key = tuple[Any, ...]


class _BulkInsert:
    """An INSERT of many rows through the driver's executemany on SQLite, each value converted by its column
    type's own bind processor: what SQLAlchemy does for each row, without its per-row statement machinery (a
    third of a rebuild's time went there)."""

    def __init__(self, table: Table, dialect: Any) -> None:
        compiled = insert(table).compile(dialect=dialect)
        self.sql = str(compiled)
        columns = {c.key: c for c in table.columns}
        self.names = [compiled.binds[name].key for name in compiled.positiontup]  # type: ignore[union-attr]
        self.processors = [_bind_processor(columns[name].type, dialect) for name in self.names]

    def values(self, row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(row[n] if p is None else p(row[n]) for n, p in zip(self.names, self.processors))


def _bind_processor(column_type: Any, dialect: Any) -> Callable[[Any], Any] | None:
    """The column type's bind processor; for a date on SQLite, `date.isoformat` first, which writes the same text
    (YYYY-MM-DD) as SQLAlchemy's own DATE processor at a fraction of its cost (anything but a plain date, a
    datetime say, still goes to SQLAlchemy's)."""
    processor = column_type.dialect_impl(dialect).bind_processor(dialect)
    if type(column_type) is not Date or dialect.name != "sqlite" or processor is None:
        return processor

    def date_text(value: Any) -> Any:
        return value.isoformat() if type(value) is date else processor(value)

    return date_text


_BULK_INSERTS: dict[Table, _BulkInsert] = {}


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows that name every column (else, and on PostgreSQL, through SQLAlchemy's own executemany)."""
    if conn.dialect.name != "sqlite" or any(len(row) != len(table.columns) for row in rows):
        conn.execute(insert(table), rows)
        return
    bulk = _BULK_INSERTS.get(table)
    if bulk is None:
        bulk = _BULK_INSERTS[table] = _BulkInsert(table, conn.dialect)
    conn.exec_driver_sql(bulk.sql, [bulk.values(row) for row in rows])


class Projection(ABC):
    """Subclasses set `name` (≤ 24 characters), `consumes` (event classes) and `version` (bump it when the
    tables or the handling change: a rebuild is then due), `follows_aggregates` when `handle` reads the aggregate,
    and implement `define_tables` and `handle`."""

    name: ClassVar[str]
    consumes: ClassVar[tuple[type, ...]]
    version: ClassVar[int] = 1
    follows_aggregates: ClassVar[bool] = False  # reads `UnitOfWork.aggregate_after`: rebuilt beside the others that do

    @property
    def topics(self) -> list[str]:
        return [get_topic(cls) for cls in self.consumes]

    @abstractmethod
    def define_tables(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        """Tables named `prefix + short name`; the runner creates them per generation."""

    @abstractmethod
    def handle(self, event: Any, rows: UnitOfWork) -> None:
        """Apply one event to the read model's rows."""


class RowCache:
    """Rows this runner wrote, kept across batches (the lease makes it the only writer of its generation).
    `complete` stays true while the cache holds every row of the tables, so a miss means "absent"."""

    def __init__(self, capacity: int = 200_000, complete: bool = False) -> None:
        self.capacity = capacity
        self.complete = complete
        self.rows: OrderedDict[tuple[str, Key], dict[str, Any] | None] = OrderedDict()

    def get(self, table: str, key: Key) -> tuple[bool, dict[str, Any] | None]:
        entry = self.rows.get((table, key), _MISSING)
        if entry is _MISSING:
            return (self.complete, None)
        self.rows.move_to_end((table, key))
        return (True, dict(entry) if entry is not None else None)

    def peek(self, table: str, key: Key) -> tuple[bool, bool | None]:
        """(known, whether a row exists) without copying it."""
        entry = self.rows.get((table, key), _MISSING)
        if entry is _MISSING:
            return (self.complete, None)
        return (True, entry)

    def put(self, table: str, key: Key, row: dict[str, Any] | None) -> None:
        self.rows[(table, key)] = row
        self.rows.move_to_end((table, key))
        while len(self.rows) > self.capacity:
            self.rows.popitem(last=False)
            self.complete = False

    def clear(self) -> None:
        self.rows.clear()
        self.complete = False


_MISSING = object()
_TEXT_OF_ID: dict[Any, str] = {}


def id_text(identifier: Any) -> str:
    """`str(uuid)`, remembered: every projection keys its rows by the case's id as text, and formatting a UUID
    once per projection per event was 6% of a rebuild."""
    text = _TEXT_OF_ID.get(identifier)
    if text is None:
        if len(_TEXT_OF_ID) >= 100_000:
            _TEXT_OF_ID.clear()
        text = _TEXT_OF_ID[identifier] = str(identifier)
    return text


_PK_NAMES: dict[Table, tuple[str, ...]] = {}


def _applier(event_class: type) -> tuple[Callable[..., Any], frozenset[str]] | None:
    """For an `@event`-decorated event class whose `apply` is the library's own and nothing else in its MRO
    applies anything: the decorated method and its parameter names. None: mutate through the library."""
    if not issubclass(event_class, DecoratedFuncCaller) or event_class.apply is not DecoratedFuncCaller.apply:
        return None
    after = event_class.__mro__[event_class.__mro__.index(DecoratedFuncCaller) + 1 :]
    if any("apply" in vars(k) for k in after if k is not CanMutateAggregate):
        return None
    method = decorated_funcs[event_class]
    return method, frozenset(inspect.signature(method).parameters)


_APPLIERS: dict[type, tuple[Callable[..., Any], frozenset[str]] | None] = {}


def mutated(event: Any, aggregate: Any) -> Any:
    """`event.mutate(aggregate)` with the library's semantics for `@event` methods (the method called with the
    event attributes its signature names; then version and modified_on), the signature read once per event
    class rather than per event. Anything else (a created event, a version out of sequence) goes through the
    library itself."""
    event_class = type(event)
    applier = _APPLIERS.get(event_class, _MISSING)
    if applier is _MISSING:
        applier = _APPLIERS[event_class] = _applier(event_class)
    if applier is None or aggregate is None or event.originator_version != aggregate.version + 1 or event.originator_id != aggregate.id:
        return event.mutate(aggregate)
    method, names = applier
    method(aggregate, **{k: v for k, v in event.__dict__.items() if k in names})
    aggregate.version = event.originator_version
    aggregate.modified_on = event.timestamp
    return aggregate


class AggregateFollower:
    """The aggregate as it stands just after an event, by the domain's own `mutate` (so no projection re-implements
    the case's stage machine). Kept per runner; a miss loads the aggregate at the version before the event, which
    history makes deterministic."""

    def __init__(self, load: Callable[[Any, int], Any], capacity: int = 50_000) -> None:
        self.load = load
        self.capacity = capacity
        self.aggregates: OrderedDict[Any, Any] = OrderedDict()

    def after(self, event: Any) -> Any:
        key, version = event.originator_id, event.originator_version
        current = self.aggregates.get(key)
        if current is not None and current.version == version:
            return current  # another projection already followed this event
        if current is None or current.version != version - 1:
            current = self.load(key, version - 1) if version > 1 else None
        current = mutated(event, current)
        self.aggregates[key] = current
        self.aggregates.move_to_end(key)
        if len(self.aggregates) > self.capacity:
            self.aggregates.popitem(last=False)
        return current

    def clear(self) -> None:
        self.aggregates.clear()


class UnitOfWork:
    """The rows one batch reads and changes; `flush` writes them (delete-then-insert by primary key)."""

    def __init__(self, conn: Connection, tables: dict[str, Table], cache: RowCache, follower: AggregateFollower | None = None) -> None:
        self.conn = conn
        self.tables = tables
        self.cache = cache
        self.follower = follower
        self.changed: dict[str, dict[Key, dict[str, Any] | None]] = {}
        self.appended: dict[str, list[dict[str, Any]]] = {}
        self.scratch: dict[str, Any] = {}  # what a projection notes for itself within this batch only

    def aggregate_after(self, event: Any) -> Any:
        """The event's aggregate (e.g. the whole case) just after the event: read-only, do not keep it."""
        assert self.follower is not None
        return self.follower.after(event)

    def _key_of(self, table: str, row: dict[str, Any]) -> Key:
        names = _PK_NAMES.get(self.tables[table])
        if names is None:
            names = _PK_NAMES[self.tables[table]] = tuple(c.name for c in self.tables[table].primary_key.columns)
        return tuple(row[name] for name in names)

    def get(self, table: str, *key: Any) -> dict[str, Any] | None:
        if key in self.changed.get(table, {}):
            found = self._resolved(table, key)
            return dict(found) if found is not None else None
        known, row = self.cache.get(table, key)
        if known:
            return row
        t = self.tables[table]
        pk = list(t.primary_key.columns)
        result = self.conn.execute(select(t).where(*[c == v for c, v in zip(pk, key)])).mappings().first()
        row = dict(result) if result else None
        self.cache.put(table, key, row)
        return row

    def put(self, table: str, row: dict[str, Any]) -> None:
        """Write a row (the unit of work keeps the dict: build a new one rather than reuse it)."""
        key = self._key_of(table, row)
        self.changed.setdefault(table, {})[key] = row

    def increment(self, table: str, key: Key, blank: Callable[[], dict[str, Any]], **increments: int) -> None:
        """Add to a counter row's columns, creating it from `blank()` when absent (no copy per event)."""
        changed = self.changed.setdefault(table, {})
        row = changed.get(key)
        if row is None or callable(row):
            row = self.get(table, *key) if key not in changed else self._resolved(table, key)
            row = dict(row) if row is not None else blank()
            changed[key] = row
        for name, n in increments.items():
            row[name] += n

    def put_later(self, table: str, key: Key, build: Callable[[], dict[str, Any]]) -> None:
        """A row built once, when the batch is flushed (or read): for rows that restate an aggregate's latest
        state, so a case with many events in one batch is written once."""
        self.changed.setdefault(table, {})[key] = build  # type: ignore[assignment]

    def _resolved(self, table: str, key: Key) -> dict[str, Any] | None:
        found = self.changed[table][key]
        if callable(found):
            found = self.changed[table][key] = found()
        return found

    def delete(self, table: str, *key: Any) -> None:
        self.changed.setdefault(table, {})[key] = None

    def append(self, table: str, row: dict[str, Any]) -> None:
        """Insert-only rows (histories): never read back within the batch."""
        self.appended.setdefault(table, []).append(row)

    def flush(self) -> None:
        for name, rows in self.changed.items():
            for key in rows:
                self._resolved(name, key)
            table = self.tables[name]
            pk = list(table.primary_key.columns)
            keys = [key for key in rows if self._may_exist(name, key)]  # a key known absent needs no DELETE
            for start in range(0, len(keys), 400):
                chunk = keys[start : start + 400]
                if len(pk) == 1:
                    self.conn.execute(delete(table).where(pk[0].in_([k[0] for k in chunk])))
                else:
                    self.conn.execute(delete(table).where(tuple_(*pk).in_(chunk)))
            fresh = [row for row in rows.values() if row is not None]
            if fresh:
                insert_rows(self.conn, table, fresh)
        for name, rows in self.appended.items():
            insert_rows(self.conn, self.tables[name], rows)

    def _may_exist(self, table: str, key: Key) -> bool:
        known, row = self.cache.peek(table, key)
        return not known or row is not None

    def remember(self) -> None:
        """After commit: what this batch wrote is now what the tables hold."""
        for name, rows in self.changed.items():
            for key, row in rows.items():
                self.cache.put(name, key, row)
