"""Who may call what, for every route the app serves (found by introspection, so a new route is covered the day
it is added): no token → 401, an unknown, expired or revoked token → 401, a role the route does not allow → 403,
and a body's staff on another body's case → 404, answered exactly like a case that does not exist.

Each test sweeps every route and reports every failure at once. The roles a route admits come from its declared
`allow(...)` dependency (named `allow_<role>_<role>…` by api.auth); a route outside the open ones (/health,
/ready, /metrics, the docs, /public/*) that declares none is itself a failure.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import update

from api.app import create_app
from api.problems import PROBLEM
from api.tokens import BODY_ROLES, ROLES, TOKENS, create_token, revoke_token
from cases.settings import Settings
from tests.builders import apply
from tests.support.live_server import example_call, is_open

HOME, OTHER = "wgsh", "dsxh"  # the case's body, and another body whose staff must not see it


@dataclass(frozen=True)
class Guarded:
    method: str
    path: str
    roles: tuple[str, ...] | None  # None: the route declares no allow(...) dependency

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def declared_roles(dependant: Any) -> tuple[str, ...] | None:
    """The roles of the first `allow_…` dependency in the route's dependency tree."""
    name = getattr(dependant.call, "__name__", "") or ""
    if name.startswith("allow_"):
        return tuple(role for role in name.removeprefix("allow_").split("_") if role)
    for sub in dependant.dependencies:
        found = declared_roles(sub)
        if found is not None:
            return found
    return None


def guarded_routes(app: FastAPI) -> list[Guarded]:
    routes = []
    for context in iter_route_contexts(app.routes):
        dependant = getattr(context, "dependant", None)
        if dependant is None or not context.path or is_open(context.path):
            continue
        for method in sorted((context.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append(Guarded(method, context.path, declared_roles(dependant)))
    return routes


def callers() -> list[tuple[str, str | None]]:
    """Every (role, body) a token can be issued for: body roles in the case's body, others with and without."""
    pairs: list[tuple[str, str | None]] = []
    for role in ROLES:
        if role in BODY_ROLES:
            pairs.append((role, HOME))
        elif role in ("compliance", "admin"):
            pairs.append((role, None))
        else:
            pairs += [(role, None), (role, HOME)]
    return pairs


@pytest.fixture
def routes(api_app: FastAPI) -> list[Guarded]:
    found = guarded_routes(api_app)
    assert found, "no guarded route found: the introspection is broken"
    return found


@pytest.fixture
def openapi(client: TestClient) -> dict[str, Any]:
    return client.get("/openapi.json").json()


@pytest.fixture
def home_case(api_app: FastAPI, client: TestClient) -> str:
    """A case of the home body, applied through the application service."""
    return str(apply(api_app.state.services.app, body=HOME))


def call(client: TestClient, openapi: dict[str, Any], route: Guarded, headers: dict[str, str], **known: Any) -> Any:
    return example_call(openapi, route.method, route.path, known).send(client, headers)


def refused_as(response: Any, status: int, code: str) -> str | None:
    """Why the response is not the expected problem (None when it is)."""
    if response.status_code != status:
        return f"{response.status_code} instead of {status}: {response.text[:200]}"
    if not response.headers.get("content-type", "").startswith(PROBLEM):
        return f"content-type {response.headers.get('content-type')}, not {PROBLEM}"
    body = response.json()
    if body.get("code") != code or body.get("status") != status:
        return f"problem code {body.get('code')!r} status {body.get('status')!r}, expected {code!r} {status}"
    return None


def report(failures: list[str]) -> None:
    assert not failures, f"{len(failures)} refusals went wrong:\n" + "\n".join(failures)


def test_every_route_but_the_open_ones_declares_who_may_call_it(tmp_path):
    app = create_app(Settings(data_dir=tmp_path / "var", id_hash_key="test-id-hash-key"))
    routes = guarded_routes(app)
    undeclared = [str(r) for r in routes if r.roles is None]
    assert not undeclared, f"routes without an allow(...) dependency (anyone with a token may call them): {undeclared}"
    unknown = {str(r): sorted(set(r.roles or ()) - set(ROLES)) for r in routes if set(r.roles or ()) - set(ROLES)}
    assert not unknown, f"routes allowing roles no token can have: {unknown}"
    assert {"POST /cases", "GET /cases/{case_id}"} <= {str(r) for r in routes}


def test_a_request_without_a_token_is_refused_with_401(client, routes, openapi, home_case):
    failures = []
    for route in routes:
        for headers in ({}, {"Authorization": "Basic cmVnaXN0cmFyOnB3"}, {"Authorization": "Bearer"}):
            response = call(client, openapi, route, headers, case_id=home_case)
            why = refused_as(response, 401, "unauthenticated")
            if why is None and "bearer" not in response.headers.get("www-authenticate", "").lower():
                why = "no WWW-Authenticate: Bearer header"
            if why:
                failures.append(f"{route} with {headers or 'no Authorization header'}: {why}")
    report(failures)


@pytest.fixture
def bad_tokens(api_app: FastAPI, token_for: Callable[..., str]) -> dict[str, str]:
    """Admin tokens (so only the token itself can be the reason) that must not authenticate."""
    store = api_app.state.services.projections.store
    expired, expired_principal = create_token(store, role="admin", body=None, label="expired", days=1)
    with store.engine.begin() as conn:
        past = datetime.now(timezone.utc) - timedelta(seconds=1)
        conn.execute(update(TOKENS).where(TOKENS.c.id == expired_principal.token_id).values(expires_at=past))
    revoked, revoked_principal = create_token(store, role="admin", body=None, label="revoked")
    revoke_token(store, revoked_principal.token_id)
    valid = token_for("admin")
    prefix, token_id, secret = valid.split("_", 2)
    return {
        "unknown id": f"cases_{uuid.uuid4().hex[:16]}_{secret}",
        "wrong secret": f"{prefix}_{token_id}_{'A' * 43}",
        "malformed": "not-a-cases-token",
        "expired": expired,
        "revoked": revoked,
    }


def test_an_unknown_expired_or_revoked_token_is_refused_with_401(client, routes, openapi, home_case, bad_tokens):
    failures = []
    for route in routes:
        for what, token in bad_tokens.items():
            response = call(client, openapi, route, {"Authorization": f"Bearer {token}"}, case_id=home_case)
            why = refused_as(response, 401, "unauthenticated")
            if why:
                failures.append(f"{route} with a {what} token: {why}")
    report(failures)


def test_a_role_the_route_does_not_allow_is_refused_with_403(client, routes, openapi, home_case, auth):
    failures, checked = [], 0
    headers = {pair: auth(*pair) for pair in callers()}
    for route in routes:
        for (role, body), header in headers.items():
            if role == "admin" or role in (route.roles or ()):
                continue
            checked += 1
            why = refused_as(call(client, openapi, route, header, case_id=home_case), 403, "forbidden")
            if why:
                failures.append(f"{route} as {role}:{body or 'all'}: {why}")
    report(failures)
    assert checked, "no route refuses any role: the matrix is empty"


def test_every_allowed_role_gets_past_the_gate(client, routes, openapi, home_case, auth):
    """The other side of the matrix: an allowed caller is never answered 401 or 403 (admin is allowed everywhere)."""
    failures = []
    headers = {pair: auth(*pair) for pair in callers()}
    for route in routes:
        for (role, body), header in headers.items():
            if role != "admin" and role not in (route.roles or ()):
                continue
            response = call(client, openapi, route, header, case_id=home_case)
            if response.status_code in (401, 403):
                failures.append(f"{route} as {role}:{body or 'all'}: {response.status_code} {response.text[:200]}")
    report(failures)


def _without_ids(problem: dict[str, Any], *ids: str) -> dict[str, Any]:
    """The problem with the case ids and per-request fields taken out, to compare two answers."""
    text = repr({k: v for k, v in problem.items() if k not in ("instance", "request_id")})
    for ident in ids:
        text = text.replace(ident, "<case_id>")
    return {"answer": re.sub(r"\s+", " ", text)}


def scoped_callers(route: Guarded) -> Iterator[tuple[str, str]]:
    """The allowed roles that belong to one body, as staff of the other body."""
    for role in route.roles or ():
        if role in BODY_ROLES or role == "supervisor":
            yield role, OTHER


def test_another_bodys_case_is_answered_exactly_like_a_missing_one(client, routes, openapi, home_case, auth):
    failures, checked = [], 0
    for route in (r for r in routes if "{case_id}" in r.path):
        for role, body in scoped_callers(route):
            header = auth(role, body)
            missing = str(uuid.uuid4())
            theirs = call(client, openapi, route, header, case_id=home_case)
            absent = call(client, openapi, route, header, case_id=missing)
            checked += 1
            why = refused_as(theirs, 404, "not_found")
            if why is None and absent.status_code != 404:
                why = f"a missing case answers {absent.status_code}, another body's 404: {absent.text[:200]}"
            if why is None and _without_ids(theirs.json(), home_case) != _without_ids(absent.json(), missing):
                why = f"the answers differ: {theirs.json()} vs {absent.json()}"
            if why:
                failures.append(f"{route} as {role}:{body} on a {HOME} case: {why}")
    report(failures)
    assert checked, "no route takes a case_id with a body-scoped role: the scoping matrix is empty"


def names_a_body(openapi: dict[str, Any], route: Guarded) -> bool:
    operation = openapi["paths"][route.path][route.method.lower()]
    if any(p["name"] == "body" and p["in"] == "path" for p in operation.get("parameters", [])):
        return True
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" in schema:
        schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return "body" in schema.get("properties", {})


def test_a_command_for_another_body_is_refused_like_a_missing_one(client, routes, openapi, auth):
    """Writing into another body (its name in the path or the payload) is refused as if that body were unknown."""
    failures, checked = [], 0
    for route in (r for r in routes if r.method != "GET" and names_a_body(openapi, r)):
        for role, body in scoped_callers(route):
            checked += 1
            response = call(client, openapi, route, auth(role, body), body=HOME)
            why = refused_as(response, 404, "not_found")
            if why:
                failures.append(f"{route} as {role}:{body} naming {HOME}: {why}")
    report(failures)
    assert checked, "no command names a body: the check is empty"
