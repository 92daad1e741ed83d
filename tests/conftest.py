"""Fixtures: every application test runs on a fresh SQLite file and, when reachable, a fresh PostgreSQL schema.

PostgreSQL tests skip with the reason when the server is unreachable, unless CASES_REQUIRE_POSTGRES=1 (as in
.ci/run), which turns the skip into a failure. The server defaults to 127.0.0.1:5432 (CASES_TEST_POSTGRES_URL).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from functools import lru_cache
from pathlib import Path

import pytest

from cases.service.application import CasesApplication
from cases.calendar.working_days import WorkingDayCalendar
from cases.rulebook.loader import RuleBook, load_rulebook
from cases.settings import Settings

from tests.support.required import skip_or_fail

# A business date after today is refused (issue 12 point 8); many tests tell stories through 2027-2030 (windows that
# close, bans that end), so the tests' today is set, not taken from the clock. Set in the environment, so a command a
# test runs in a subprocess has the same today; a test about today itself sets its own (monkeypatch.setenv).
os.environ.setdefault("CASES_TODAY", "2030-12-31")

POSTGRES_URL = os.environ.get("CASES_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("CASES_REQUIRE_POSTGRES") == "1"


@lru_cache(maxsize=1)
def postgres_unavailable_reason() -> str | None:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_URL.replace("postgresql+psycopg", "postgresql"), connect_timeout=3):
            return None
    except Exception as error:  # any failure to connect means: not reachable here
        return f"PostgreSQL not reachable at {POSTGRES_URL} ({type(error).__name__}: {str(error).strip()[:120]})"


def require_postgres() -> None:
    skip_or_fail(postgres_unavailable_reason(), required=REQUIRE_POSTGRES, variable="CASES_REQUIRE_POSTGRES", what="PostgreSQL")


def _execute(sql: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(sql)


@pytest.fixture(scope="session")
def rulebook() -> RuleBook:
    return load_rulebook()


@pytest.fixture(scope="session")
def calendar() -> WorkingDayCalendar:
    return WorkingDayCalendar.default()


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@contextmanager
def fresh_store(backend: str, directory: Path) -> Iterator[Settings]:
    """Settings for a fresh, empty event store: a SQLite data dir in `directory`, or a new PostgreSQL schema
    (dropped afterwards, with the API store's schema beside it: `api.store`)."""
    base = Settings(data_dir=directory / "var", id_hash_key="test-id-hash-key")
    if backend == "sqlite":
        yield base
        return
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    _execute(f"CREATE SCHEMA {schema}")
    try:
        yield replace(base, database_url=POSTGRES_URL, postgres_schema=schema)
    finally:
        _execute(f"DROP SCHEMA {schema} CASCADE; DROP SCHEMA IF EXISTS {schema}_api CASCADE")


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path) -> Iterator[Settings]:
    """Settings for a fresh, empty event store on the parametrised backend."""
    with fresh_store(request.param, tmp_path) as settings:
        yield settings


@pytest.fixture(scope="module", params=BACKENDS)
def module_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """`store`, once per module: for a store built once and then only read by the module's tests."""
    with fresh_store(request.param, tmp_path_factory.mktemp("module")) as settings:
        yield settings


@pytest.fixture
def open_app(store: Settings, rulebook: RuleBook, calendar: WorkingDayCalendar) -> Iterator[Callable[..., CasesApplication]]:
    """Opens applications on the test's store (a second call is another process's view of the same log)."""
    opened: list[CasesApplication] = []

    def _open(settings: Settings | None = None) -> CasesApplication:
        app = CasesApplication(settings or store, rulebook=rulebook, calendar=calendar)
        opened.append(app)
        return app

    yield _open
    for app in opened:
        app.close()


@pytest.fixture
def app(open_app: Callable[..., CasesApplication]) -> CasesApplication:
    return open_app()


@pytest.fixture(autouse=True)
def restored_logging() -> Iterator[None]:
    """The CLI configures logging onto the runner's stderr; later tests must not write to that closed stream."""
    import logging

    import structlog

    root = logging.getLogger()
    level = root.level
    yield
    structlog.reset_defaults()
    for handler in [h for h in root.handlers if h.get_name() == "cases.observability"]:
        root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def app_to_2030(store: Settings, calendar: WorkingDayCalendar, tmp_path) -> Iterator[CasesApplication]:
    """An application whose rule book also has (copied) 2027-2030 years, for stories that run past 2026."""
    from tests.builders import rulebook_through

    app = CasesApplication(store, rulebook=rulebook_through(tmp_path / "rulebook", 2027, 2028, 2029, 2030), calendar=calendar)
    yield app
    app.close()


D = date.fromisoformat
