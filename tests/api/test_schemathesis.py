"""Property-based fuzzing of every operation in the app's own OpenAPI document (schemathesis, valid and invalid
inputs) as an admin, on SQLite and on PostgreSQL: no request, however malformed, may answer with a server error.
Bounded: 20 examples per operation, on a store holding one realistic case, which about half the generated case
ids are pointed at so commands reach the domain and not only the 404.

Beside what schemathesis generates, a third of the examples are made hostile (`hostile`): a text of the body or
the query gets a control character (NUL, ESC, a C1 control) or is blown up past every limit (issue 10), so the
edge's bounds are fuzzed on every operation too, and must answer 413 or 422, never 5xx."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from api.app import create_app
from api.store import ApiStore
from api.tokens import create_token
from cases.service.application import CasesApplication
from cases.settings import Settings
from tests.builders import paid
from tests.conftest import POSTGRES_URL, _execute, require_postgres

MAX_EXAMPLES = 20
HOSTILE_TEXTS = ("x\u0000y", "\u001b[31m", "a\u0085b", "王" * 70_000, "9" * 400)

ROOT = Path(tempfile.gettempdir()) / f"cases-schemathesis-{os.getpid()}"
POSTGRES_SCHEMA = f"t_{uuid.uuid4().hex[:16]}"
STORES = {
    "sqlite": Settings(data_dir=ROOT / "sqlite", id_hash_key="test-id-hash-key"),
    "postgres": Settings(data_dir=ROOT / "postgres", id_hash_key="test-id-hash-key", database_url=POSTGRES_URL, postgres_schema=POSTGRES_SCHEMA),
}


def _app(settings_: Settings) -> Any:
    """The app, made when the module is collected (no store is touched until its first request). Its projections
    follow in-process, so a read waiting for a position the log has reached answers as soon as they reach it."""
    app = create_app(settings_, in_process_projections=True)
    app.state.public_rate_limit = None  # fuzz the verification itself, not the rate limiter
    return app


APPS = {name: _app(settings_) for name, settings_ in STORES.items()}
on_sqlite = schemathesis.openapi.from_dict(APPS["sqlite"].openapi())
on_sqlite.app = APPS["sqlite"]
on_postgres = schemathesis.openapi.from_dict(APPS["postgres"].openapi())
on_postgres.app = APPS["postgres"]


def _seed(settings_: Settings) -> dict[str, str]:
    """A paid case and an admin's token in the fresh store."""
    cases = CasesApplication(settings_)
    try:
        case_id = str(paid(cases, body="wgsh"))
    finally:
        cases.close()
    tokens = ApiStore.from_settings(settings_)
    token, _ = create_token(tokens, role="admin", body=None, label="schemathesis")
    tokens.dispose()
    return {"Authorization": f"Bearer {token}", "case_id": case_id}


@pytest.fixture(scope="module")
def seeded_sqlite() -> Iterator[dict[str, str]]:
    shutil.rmtree(ROOT / "sqlite", ignore_errors=True)
    yield _seed(STORES["sqlite"])
    shutil.rmtree(ROOT, ignore_errors=True)


@pytest.fixture(scope="module")
def seeded_postgres() -> Iterator[dict[str, str]]:
    require_postgres()
    _execute(f"CREATE SCHEMA {POSTGRES_SCHEMA}")
    try:
        yield _seed(STORES["postgres"])
    finally:
        _execute(f"DROP SCHEMA {POSTGRES_SCHEMA} CASCADE; DROP SCHEMA IF EXISTS {POSTGRES_SCHEMA}_api CASCADE")
        shutil.rmtree(ROOT, ignore_errors=True)


def hostile(case: schemathesis.Case, seed: int) -> None:
    """Put a control character or an oversized text into one string of the body or the query, chosen by `seed`."""
    targets: list[tuple[dict[str, Any], str]] = []
    for container in (case.body, case.query):
        if isinstance(container, dict):
            targets += [(container, key) for key, value in container.items() if isinstance(value, str)]
    if targets:
        container, key = targets[seed % len(targets)]
        container[key] = HOSTILE_TEXTS[seed % len(HOSTILE_TEXTS)]


def call_without_a_server_error(case: schemathesis.Case, seeded: dict[str, str]) -> None:
    generated = (case.path_parameters or {}).get("case_id")
    if isinstance(generated, str) and sum(map(ord, generated)) % 2:
        case.path_parameters["case_id"] = seeded["case_id"]
    seed = sum(map(ord, repr((case.body, case.query))))
    if seed % 3 == 0:
        hostile(case, seed // 3)
    case.call_and_validate(headers={"Authorization": seeded["Authorization"]}, checks=[not_a_server_error])


FUZZ = settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@on_sqlite.parametrize()
@FUZZ
def test_no_operation_answers_with_a_server_error_on_sqlite(case: schemathesis.Case, seeded_sqlite: dict[str, str]) -> None:
    call_without_a_server_error(case, seeded_sqlite)


@pytest.mark.postgres
@on_postgres.parametrize()
@FUZZ
def test_no_operation_answers_with_a_server_error_on_postgres(case: schemathesis.Case, seeded_postgres: dict[str, str]) -> None:
    call_without_a_server_error(case, seeded_postgres)
