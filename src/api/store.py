"""The API's own database: tokens, idempotency keys, register verifications. None of it can be rebuilt from the log,
so it lives apart from the read models, which may be dropped and rebuilt at any time.

SQLite: `api.sqlite` in the data dir, beside `events.sqlite` and `readmodels.sqlite`. PostgreSQL: the same database
as the events, in a schema of its own, `<CASES_POSTGRES_SCHEMA>_api` (`cases_api` when no schema is set), created on
first use.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import MetaData
from sqlalchemy.exc import IntegrityError, ProgrammingError

from cases.projections.engine.store import ReadModelStore, create_tables, read_model_url
from cases.settings import Settings

FILE_NAME = "api.sqlite"


def api_schema(schema: str | None) -> str:
    """The API's PostgreSQL schema beside the events' `schema` (a test's schema has its own, dropped with it)."""
    return f"{schema}_api" if schema else "cases_api"


@dataclass(eq=False)  # one store is one connection pool: compared and hashed by identity
class ApiStore(ReadModelStore):
    """A store like the read models' (its engine, reader, dispose), in its own file or schema, whose tables are
    created by the modules that own them (`ensure`)."""

    pool_size = 5
    _ensured: set[int] = field(default_factory=set, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> ApiStore:
        if settings.database_url:
            return cls(read_model_url(settings), api_schema(settings.postgres_schema))
        return cls(f"sqlite:///{Path(settings.data_dir) / FILE_NAME}")

    def ensure(self, metadata: MetaData) -> None:
        """Create `metadata`'s tables (and on PostgreSQL the schema) when missing, once per store."""
        if id(metadata) in self._ensured:
            return
        with self._lock:
            if not self.is_sqlite:
                try:
                    with self.engine.begin() as conn:
                        conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
                except (IntegrityError, ProgrammingError):  # another process created it at the same moment
                    pass
            create_tables(metadata, self.engine)
            self._ensured.add(id(metadata))
