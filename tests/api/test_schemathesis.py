"""Property-based fuzzing of every operation in the app's own OpenAPI document (schemathesis, valid and invalid
inputs) as an admin: no request, however malformed, may answer with a server error. Bounded: 20 examples per
operation, on an embedded store holding one realistic case, which about half the generated case ids are pointed
at so commands reach the domain and not only the 404.

The schema is read from the app object when the module is collected (no store is touched until the first
request: the store lives in a directory the module fixture creates and removes)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from api.app import create_app
from api.tokens import create_token
from cases.application import CasesApplication
from cases.projections.store import ReadModelStore
from cases.settings import Settings
from tests.builders import paid

MAX_EXAMPLES = 20
ROOT = Path(tempfile.gettempdir()) / f"cases-schemathesis-{os.getpid()}"
SETTINGS = Settings(data_dir=ROOT / "var", id_hash_key="test-id-hash-key")
APP = create_app(SETTINGS, in_process_projections=False)
APP.state.public_rate_limit = None  # fuzz the verification itself, not the rate limiter

schema = schemathesis.openapi.from_dict(APP.openapi())
schema.app = APP


@pytest.fixture(scope="module")
def seeded() -> Iterator[dict[str, str]]:
    """An admin's headers and a paid case, in a fresh store (removed afterwards)."""
    shutil.rmtree(ROOT, ignore_errors=True)
    cases = CasesApplication(SETTINGS)
    try:
        case_id = str(paid(cases, body="wgsh"))
    finally:
        cases.close()
    tokens = ReadModelStore.from_settings(SETTINGS)
    token, _ = create_token(tokens, role="admin", body=None, label="schemathesis")
    tokens.dispose()
    yield {"Authorization": f"Bearer {token}", "case_id": case_id}
    shutil.rmtree(ROOT, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_operation_answers_with_a_server_error(case: schemathesis.Case, seeded: dict[str, str]) -> None:
    if case.query:
        case.query.pop("wait_for_position", None)  # a position past the log's head waits its full 5 s, by design
    generated = (case.path_parameters or {}).get("case_id")
    if isinstance(generated, str) and sum(map(ord, generated)) % 2:
        case.path_parameters["case_id"] = seeded["case_id"]
    case.call_and_validate(headers={"Authorization": seeded["Authorization"]}, checks=[not_a_server_error])
