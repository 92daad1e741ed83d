"""The read-model database (SQLAlchemy): a SQLite file beside the events by default, the same PostgreSQL database
(and schema) as the events when CASES_DATABASE_URL is set.

Control tables: `projection_positions` (one row per projection and generation: the last notification id its
rows include, written in the same transaction as those rows), `projection_live` (which generation serves
reads), `projection_leases` (which process may advance a projection now), `projection_versions` (the
projection's `version` each generation was built by: a live generation built by an older one is due a rebuild),
`projection_failures` (a projection that cannot advance, and the event it fails on: see failures.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import ClassVar

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError, ProgrammingError

from cases.settings import Settings


def read_model_url(settings: Settings) -> str:
    if settings.database_url:
        return settings.database_url.replace("postgresql://", "postgresql+psycopg://", 1).replace(
            "postgres://", "postgresql+psycopg://", 1
        )
    return f"sqlite:///{Path(settings.data_dir) / 'readmodels.sqlite'}"


def make_engine(url: str, schema: str | None, *, pool_size: int = 10) -> Engine:
    """An engine for a store of read-side tables: SQLite in WAL mode, or PostgreSQL on `schema`'s search path."""
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        # A pool as large as the API's thread pool (40) and the projection followers: a connection beyond the pool
        # would be opened and closed per request, paying the pragmas each time.
        engine = create_engine(url, connect_args={"timeout": 30}, pool_size=50, max_overflow=10)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # WAL: readers never block the projecting writer
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    engine = create_engine(url, pool_size=pool_size, max_overflow=30)
    if schema:

        @event.listens_for(engine, "connect")
        def _search_path(dbapi_connection, _record):
            with dbapi_connection.cursor() as cursor:
                cursor.execute(f'SET search_path TO "{schema}"')
            dbapi_connection.commit()

    return engine


def create_tables(metadata: MetaData, engine: Engine) -> None:
    """Create the tables that are missing. Another process creating the same tables at the same moment is not an
    error: on SQLite the look and the creation share one write lock; on PostgreSQL the loser of the race finds
    them all there on its second look."""
    if engine.dialect.name == "sqlite":
        if {t.name for t in metadata.sorted_tables} <= set(inspect(engine).get_table_names()):
            return  # all there: no write lock (readers call this too)
        with engine.begin() as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # pysqlite would otherwise commit each CREATE on its own
            metadata.create_all(conn)
        return
    try:
        metadata.create_all(engine)
    except (ProgrammingError, IntegrityError):
        metadata.create_all(engine)


@dataclass(eq=False)  # one store is one database connection pool: compared and hashed by identity
class ReadModelStore:
    url: str
    schema: str | None = None
    pool_size: ClassVar[int] = 10  # PostgreSQL connections kept (SQLite's pool is `make_engine`'s own)

    @classmethod
    def from_settings(cls, settings: Settings) -> ReadModelStore:
        return cls(read_model_url(settings), settings.postgres_schema if settings.database_url else None)

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.url, self.schema, pool_size=self.pool_size)

    @cached_property
    def reader(self) -> Engine:
        """The engine for one-statement reads: on PostgreSQL autocommit, so no BEGIN and ROLLBACK travel to the server
        around each (the hottest reads: the live view, public verification, tokens); on SQLite the engine itself
        (switching a pysqlite connection's isolation level costs a PRAGMA at each checkout and return). Several
        statements that must see one snapshot use `engine` and a transaction."""
        return self.engine if self.is_sqlite else self.engine.execution_options(isolation_level="AUTOCOMMIT")

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @cached_property
    def control(self) -> MetaData:
        metadata = MetaData()
        Table(
            "projection_positions", metadata,
            Column("name", String(64), primary_key=True), Column("generation", Integer, primary_key=True),
            Column("position", Integer, nullable=False), Column("events", Integer, nullable=False, default=0),
            Column("rate", Float, nullable=False, default=0.0), Column("updated_at", DateTime(timezone=True)),
        )  # fmt: skip
        Table("projection_live", metadata, Column("name", String(64), primary_key=True), Column("generation", Integer, nullable=False))
        Table(
            "projection_leases", metadata,
            Column("name", String(80), primary_key=True), Column("holder", String(120), nullable=False),
            Column("expires_at", Float, nullable=False),
        )  # fmt: skip
        Table(  # the projection's `version` each generation was built by (none: built before versions were kept, 1)
            "projection_versions", metadata,
            Column("name", String(64), primary_key=True), Column("generation", Integer, primary_key=True),
            Column("version", Integer, nullable=False),
        )  # fmt: skip
        Table(  # a projection that cannot advance: where it stands, the event it fails on, why (see failures.py)
            "projection_failures", metadata,
            Column("name", String(64), primary_key=True), Column("generation", Integer, primary_key=True),
            Column("position", Integer, nullable=False), Column("event_position", Integer), Column("event_topic", String(200)),
            Column("error", Text, nullable=False), Column("attempts", Integer, nullable=False), Column("failed_at", DateTime(timezone=True)),
        )  # fmt: skip
        create_tables(metadata, self.engine)
        return metadata

    def table(self, name: str) -> Table:
        return self.control.tables[name]

    def live_generation(self, projection: str) -> int | None:
        live = self.table("projection_live")
        with self.engine.connect() as conn:
            return conn.execute(select(live.c.generation).where(live.c.name == projection)).scalar()

    def position(self, projection: str, generation: int) -> int:
        positions = self.table("projection_positions")
        with self.engine.connect() as conn:
            found = conn.execute(
                select(positions.c.position).where(positions.c.name == projection, positions.c.generation == generation)
            ).scalar()
        return found or 0

    def dispose(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
