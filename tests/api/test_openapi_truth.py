"""The OpenAPI document tells the truth about errors (issue 12, finding 6: it described FastAPI's default 422 while the
API answers problem+json, and no 401/403/404/409/412/429 nor any error code).

Read from the document: no operation keeps FastAPI's `HTTPValidationError`; every operation lists the statuses the
issue names where they apply (401/403 guarded, 404 naming a record, 409/412 with If-Match, 413 with a body, 422
always, 429 public or waiting), each as `application/problem+json` with the shared `Problem` schema; the schema's
`code` enumerates every DomainError's code and every code the HTTP layer's sources write.

Then against the app, on SQLite and PostgreSQL: every operation is asked in the ways that go wrong (no token, a role
the policy refuses, another body's staff, an unknown record, a stale If-Match, a malformed or oversized body, a
control character in the query, and its own example as admin), and every answer must be a status its operation
lists; every error must be problem+json valid against `Problem`, its `status` the answer's, and its `code` one
that the status's response names.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.openapi_problems import HTTP_CODES, domain_codes
from api.policy import Scope, rule_for
from api.problems import PROBLEM
from api.tokens import create_token
from cases.settings import Settings
from tests.builders import paid
from tests.support.live_server import example_call, operations

SRC = Path(__file__).resolve().parents[2] / "src"
STAFF = ("registrar", "examiner", "compliance", "supervisor")
HOME, OTHER = "wgsh", "dsxh"
MAX_BODY = 4096


# --- the document ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app(Settings(data_dir=Path("/nonexistent/never-opened"), id_hash_key="k"), in_process_projections=False).openapi()


def operation_of(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return document["paths"][path][method.lower()]


def response_of(document: dict[str, Any], method: str, path: str, status: int) -> dict[str, Any] | None:
    found = operation_of(document, method, path)["responses"].get(str(status))
    while found is not None and "$ref" in found:
        found = document["components"]["responses"][found["$ref"].rsplit("/", 1)[-1]]
    return found


def expected_statuses(document: dict[str, Any], method: str, path: str) -> set[int]:
    """What the issue asks each operation to list, from what it takes and its policy row (not from the code that
    writes the document)."""
    operation = operation_of(document, method, path)
    names = {(p["in"], p["name"]) for p in operation.get("parameters", [])}
    rule = rule_for(method, path)
    wanted = {422}
    if rule is None or rule.scope is not Scope.OPEN:
        wanted |= {401, 403}
    if any(where == "path" for where, _ in names) and not path.startswith("/workdays/"):
        wanted.add(404)
    if ("header", "If-Match") in names:
        wanted |= {409, 412}
    if method == "POST":
        wanted.add(413)
    if path.startswith("/public/") or ("query", "wait_for_position") in names:
        wanted.add(429)
    return wanted


def test_no_operation_keeps_fastapis_default_validation_error(document):
    text = repr(document)
    assert "HTTPValidationError" not in text and "#/components/schemas/ValidationError" not in text


def test_every_operation_lists_each_status_it_can_answer_as_a_problem(document):
    failures = []
    for method, path in operations(document):
        listed = {int(s) for s in operation_of(document, method, path)["responses"] if s.isdigit()}
        if missing := expected_statuses(document, method, path) - listed:
            failures.append(f"{method} {path}: {sorted(missing)} not listed")
        for status in sorted(s for s in listed if 400 <= s < 500):
            content = (response_of(document, method, path, status) or {}).get("content", {})
            if content.get(PROBLEM, {}).get("schema") != {"$ref": "#/components/schemas/Problem"} or "application/json" in content:
                failures.append(f"{method} {path} {status}: not the shared problem+json ({sorted(content)})")
    assert not failures, "\n".join(failures)


def test_the_problem_schema_has_every_field_an_error_carries(document):
    properties = document["components"]["schemas"]["Problem"]["properties"]
    for name in ("type", "title", "status", "detail", "code", "field", "clause", "instance", "request_id", "errors", "details"):
        assert name in properties, name


def literal_codes() -> dict[str, str]:
    """Every code the HTTP layer writes itself, read from its sources: `problem(…, 422, "invalid_request", …)` and
    the status → code table of `api.problems.http_error`."""
    found = {}
    for source in (SRC / "api").rglob("*.py"):
        text = source.read_text()
        for code in re.findall(r"problem(?:_response)?\(\s*\w+(?:\.scope)?,\s*\d{3},\s*\"([a-z_]+)\"", text):
            found[code] = source.name
        for table in re.findall(r"\{(?:\s*\d{3}: \"[a-z_]+\",?)+\s*\}", text):
            found.update({code: source.name for code in re.findall(r"\"([a-z_]+)\"", table)})
    return found


def test_the_problem_codes_list_every_domain_error_and_every_code_the_http_layer_writes(document):
    listed = set(document["components"]["schemas"]["Problem"]["properties"]["code"]["enum"])
    written = literal_codes()
    assert {"invalid_request", "unauthenticated", "payload_too_large", "rate_limited"} <= set(written), written
    assert not set(written) - listed, f"written but not listed: {set(written) - listed}"
    assert not set(written) - set(HTTP_CODES) - set(domain_codes()), "a code the HTTP layer writes is missing from HTTP_CODES"
    assert not set(domain_codes()) - listed
    assert {"invalid_evidence", "stale_version", "wrong_stage", "not_found", "candidate_banned"} <= listed


# --- every answer is one the document lists ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def api_app(module_store: Settings) -> FastAPI:
    app = create_app(replace(module_store, max_body_bytes=MAX_BODY), in_process_projections=False)
    app.state.public_rate_limit = None
    return app


@pytest.fixture(scope="module")
def client(api_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(api_app) as client:
        yield client


@pytest.fixture(scope="module")
def bearer(api_app: FastAPI, client: TestClient) -> Callable[[str, str | None], dict[str, str]]:
    made: dict[tuple[str, str | None], dict[str, str]] = {}

    def header(role: str, body: str | None = None) -> dict[str, str]:
        if (role, body) not in made:
            token, _ = create_token(api_app.state.services.api_store, role=role, body=body, label=f"truth-{role}")
            made[role, body] = {"Authorization": f"Bearer {token}"}
        return made[role, body]

    return header


@pytest.fixture(scope="module")
def home_case(api_app: FastAPI, client: TestClient) -> str:
    return str(paid(api_app.state.services.app, body=HOME))


def attempts(method: str, path: str, document: dict[str, Any], case_id: str, bearer: Callable[..., dict[str, str]]) -> Iterator[tuple[str, Any, dict[str, str]]]:
    """(what is tried, the call, its headers) for one operation."""
    rule = rule_for(method, path)
    admin = bearer("admin")
    known = {"case_id": case_id, "body": HOME}
    example = example_call(document, method, path, known)
    yield "no token", example, {}
    if rule is not None and rule.scope is not Scope.OPEN:
        for role in (r for r in STAFF if r not in rule.roles):
            yield f"as a {role}", example, bearer(role, HOME if role in ("registrar", "examiner") else None)
        if rule.roles and rule.roles[0] in ("registrar", "examiner", "supervisor"):
            yield f"as a {rule.roles[0]} of another body", example, bearer(rule.roles[0], OTHER)
    yield "its example, as admin", example, admin
    unknown = {name: str(uuid.uuid4()) for name in ("case_id", "candidate_id", "complaint_id", "verification_id")}
    yield "an unknown record", example_call(document, method, path, {**unknown, "number": "X-0", "body": "nobody"}), admin
    if any(p["name"] == "If-Match" for p in operation_of(document, method, path).get("parameters", [])):
        yield "a stale If-Match", example, {**admin, "If-Match": '"999"'}
    if example.json is not None:
        yield "a malformed body", replace(example, json=[]), admin
        yield "an oversized body", replace(example, json={"padding": "x" * MAX_BODY}), admin
    yield "a control character in the query", replace(example, params={**example.params, "q": "a\u0000b"}), admin


def test_every_answer_is_a_status_its_operation_lists_with_a_problem_it_describes(document, client, bearer, home_case):
    problem = jsonschema_rs.validator_for({"$ref": "#/components/schemas/Problem", "components": document["components"]})
    failures, seen = [], set()
    for method, path in operations(document):
        for tried, call, headers in attempts(method, path, document, home_case, bearer):
            answer = call.send(client, headers)
            status, where = answer.status_code, f"{method} {path} ({tried}): {answer.status_code}"
            seen.add(status)
            described = response_of(document, method, path, status)
            if described is None:
                failures.append(f"{where} is not listed ({answer.text[:160]})")
                continue
            if status < 400:
                continue
            if not answer.headers.get("content-type", "").startswith(PROBLEM):
                failures.append(f"{where} answered {answer.headers.get('content-type')}, not {PROBLEM}")
                continue
            body = answer.json()
            errors = [e.message for e in problem.iter_errors(body)]
            if errors or body["status"] != status:
                failures.append(f"{where} does not fit the Problem schema: {errors or body['status']}")
            elif f"`{body['code']}`" not in described["description"]:
                failures.append(f"{where} answered code {body['code']}, which its {status} response does not name")
    assert not failures, f"{len(failures)} answers the document does not tell:\n" + "\n".join(failures)
    assert {401, 403, 404, 412, 413, 422} <= seen, f"the sweep never saw some statuses: {sorted(seen)}"
