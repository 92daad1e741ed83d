"""What a projection is: the events it consumes, the tables it owns, and how one event changes its rows.

A projection never reads the event store or the rule book: each event carries what it needs. Rows are changed
through a `UnitOfWork`, which the runner flushes in the same transaction as the projection's new position.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from eventsourcing.utils import get_topic
from sqlalchemy import Connection, MetaData, Table, delete, select, tuple_

from cases.projections.engine.bulk_insert import insert_rows
from cases.projections.engine.follower import AggregateFollower

if TYPE_CHECKING:
    from cases.calendar.working_days import WorkingDayCalendar
    from cases.projections.engine.lease import Lease
    from cases.projections.engine.store import ReadModelStore
    from cases.rulebook.loader import RuleBook
    from cases.settings import Settings

Key = tuple[Any, ...]


class ReadModels(Protocol):
    """What a read-model query needs: the store, and the tables each projection serves from."""

    store: ReadModelStore

    def live_tables(self, name: str) -> dict[str, Table]: ...


class LoggedApplication(Protocol):
    """What the engine needs of the application whose log it follows (`CasesApplication` is one): the recorder
    (notification log), the mapper (decoding), the repository (an aggregate as of a version), and what a rebuild's
    forked worker makes its own copy from (`type(app)(settings, rulebook=…, calendar=…)`)."""

    recorder: Any
    mapper: Any
    repository: Any
    settings: Settings
    rulebook: RuleBook
    calendar: WorkingDayCalendar

    def close(self) -> None: ...


class Runner(Protocol):
    """What applying a batch needs of one projection's runner (`runner.ProjectionRunner` is one): its generation,
    lease, position and remembered rows."""

    app: LoggedApplication
    store: ReadModelStore
    projection: Projection
    fixed_generation: int | None
    batch_size: int
    lease: Lease
    cache: RowCache

    def generation(self) -> int: ...
    def tables(self, generation: int) -> dict[str, Table]: ...
    def reached(self, target: int) -> bool: ...
    def position_in(self, conn: Any, generation: int) -> int: ...
    def advance(self, conn: Any, generation: int, position: int, reached: int, events: int, seconds: float) -> None: ...
    def applied(self, rows: UnitOfWork, generation: int, reached: int) -> None: ...
    def forget(self) -> None: ...


class LiveGenerations(Protocol):
    @property
    def generations(self) -> dict[str, int]: ...


class ProjectionSet(Protocol):
    """What following, rebuilding and verifying need of the projections they run (`service.Projections` is one;
    they make another of its kind, over another application or store, with `type(projections)(app, store, [...])`)."""

    app: LoggedApplication
    store: ReadModelStore
    projections: dict[str, Projection]

    def __init__(self, app: LoggedApplication, store: ReadModelStore, projections: list[Projection]) -> None: ...
    def runner(self, name: str, **options: Any) -> Runner: ...
    def live_view(self) -> LiveGenerations: ...
    def next_generation(self, name: str) -> int: ...
    def switch(self, runners: Mapping[str, Runner]) -> None: ...
    def snapshot(
        self, name: str, store: ReadModelStore | None = None, generation: int | None = None
    ) -> tuple[int, dict[str, dict[str, dict[str, Any]]]]: ...


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
