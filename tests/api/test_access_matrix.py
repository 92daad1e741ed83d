"""Who may call what, for every route the app serves, held to the access policy written once in `api.policy`.

The routes are found by introspection, so a route is covered the day it is added. The declarations are checked
against the policy, not taken as the truth: a route without a row fails, a row without a route fails, and a route
whose `allow(...)` roles differ from its row's fails, naming both. Then, against a running app, every sweep
reporting every failure at once:
- no token, or an unknown, expired or revoked one → 401 on every route that is not open (the open ones answer);
- every role the policy refuses → 403; every role it admits gets past the gate;
- body scope, as the row says (DOMAIN §9: "A body's staff see and change only their own body's cases"): another
  body's case or complaint, or a command naming another body → 404 exactly like a missing one; a candidate with
  no case at the caller's body → 404 exactly like an unknown one; a list or query → a body's staff get their own
  body's rows and never another's, and `?body=` another body → 403;
- a complaint's level (DOMAIN §10 Escalation): every command on a complaint refuses, 403 `not_at_your_level`, the
  municipal supervisors while the body handles it and the body's supervisors once it is escalated.

One app and store per backend for the whole module (SQLite, and PostgreSQL when reachable, as `store` does), with
cases at two bodies built through the application (`two_bodies`); the sweeps only add cases of their own.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from fastapi import Depends, FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import update

from api.app import create_app
from api.auth import READERS, allow
from api.policy import POLICY, Rule, Scope, rule_for
from api.problems import PROBLEM
from api.tokens import BODY_ROLES, ROLES, TOKENS, create_token, revoke_token
from cases.settings import Settings
from tests.builders import (
    apply,
    approved,
    certify,
    new_id_number,
    paid,
    sat_with_scores,
)
from cases.settings import SHANGHAI
from tests.support.live_server import example_call

HOME, OTHER = "wgsh", "dsxh"  # the body whose staff call, and another body whose records they must not see
D = date.fromisoformat


# --- one app per backend, for the whole module --------------------------------------------------------------


@pytest.fixture(scope="module")
def api_app(module_store: Settings) -> FastAPI:
    """One app per backend for the whole module (tests/conftest.py's `module_store`)."""
    return create_app(module_store, in_process_projections=False)


@pytest.fixture(scope="module")
def client(api_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(api_app) as client:
        yield client


# --- the routes, read back from the app ---------------------------------------------------------------------


@dataclass(frozen=True)
class Served:
    method: str
    path: str
    declared: tuple[str, ...] | None  # the roles of its allow(...) dependency; None: it declares none
    rule: Rule | None  # its row in the policy; None: it has none

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def declared_roles(dependant: Any) -> tuple[str, ...] | None:
    """The roles of the first `allow(...)` dependency in the route's dependency tree (api.auth marks them)."""
    roles = getattr(dependant.call, "roles", None)
    if roles is not None:
        return tuple(roles)
    for sub in dependant.dependencies:
        found = declared_roles(sub)
        if found is not None:
            return found
    return None


def served(app: FastAPI) -> list[Served]:
    """Every (method, path template) the app serves, HEAD and OPTIONS aside."""
    routes = []
    for context in iter_route_contexts(app.routes):
        dependant = getattr(context, "dependant", None)
        for method in sorted((context.methods or set()) - {"HEAD", "OPTIONS"}) if context.path else ():
            routes.append(Served(method, context.path, declared_roles(dependant) if dependant else None, rule_for(method, context.path)))
    return routes


def policy_failures(routes: list[Served], policy: dict[tuple[str, str], Rule]) -> list[str]:
    """Where the routes and the policy disagree, one line each."""
    failures = []
    for route in routes:
        rule = policy.get((route.method, route.path))
        if rule is None:
            failures.append(f"{route}: no row in api.policy.POLICY (its action, who may do it, its body scope)")
        elif rule.scope is Scope.OPEN and route.declared is not None:
            failures.append(f"{route}: open in the policy, yet it declares allow({', '.join(route.declared)})")
        elif rule.scope is not Scope.OPEN and route.declared is None:
            failures.append(f"{route}: declares no allow(...); the policy admits {', '.join(rule.roles)} ({rule.action})")
        elif rule.scope is not Scope.OPEN and set(route.declared or ()) != set(rule.roles):
            failures.append(
                f"{route}: declares allow({', '.join(route.declared or ())}) but the policy admits "
                f"{', '.join(rule.roles)} ({rule.action}): change the route's allow(...) or the policy row"
            )  # fmt: skip
    routes_served = {(route.method, route.path) for route in routes}
    failures += [f"{m} {p}: a row in api.policy.POLICY for a route the app does not serve" for m, p in policy if (m, p) not in routes_served]
    failures += [f"{m} {p}: the policy admits roles no token can have: {sorted(set(r.roles) - set(ROLES))}" for (m, p), r in policy.items() if set(r.roles) - set(ROLES)]
    return failures


@pytest.fixture(scope="module")
def routes(api_app: FastAPI) -> list[Served]:
    """The routes that need a token: all but the policy's open ones (a route with no row is not open)."""
    found = [r for r in served(api_app) if r.rule is None or r.rule.scope is not Scope.OPEN]
    assert found, "no guarded route found: the introspection is broken"
    return found


@pytest.fixture(scope="module")
def openapi(client: TestClient) -> dict[str, Any]:
    return client.get("/openapi.json").json()


def callers() -> list[tuple[str, str | None]]:
    """Every (role, body) a token can be issued for: body roles at HOME, supervisors at HOME and municipal."""
    pairs: list[tuple[str, str | None]] = []
    for role in ROLES:
        if role in BODY_ROLES:
            pairs.append((role, HOME))
        elif role in ("compliance", "admin"):
            pairs.append((role, None))
        else:
            pairs += [(role, None), (role, HOME)]
    return pairs


def body_staff(rule: Rule) -> list[str]:
    """The roles the rule admits that a body's staff can hold (a body's supervisor included)."""
    return [role for role in rule.roles if role in BODY_ROLES or role == "supervisor"]


def call(client: TestClient, openapi: dict[str, Any], route: Served, headers: dict[str, str], **known: Any) -> Any:
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
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)


# --- the declarations against the policy --------------------------------------------------------------------


def test_every_route_declares_exactly_the_roles_its_policy_row_admits_and_every_row_has_its_route(api_app):
    routes = served(api_app)
    assert {"POST /cases", "GET /cases/{case_id}", "GET /health"} <= {str(r) for r in routes}
    report(policy_failures(routes, POLICY))


def test_the_policy_check_names_a_drifted_declaration_a_route_without_a_row_and_a_row_without_a_route():
    app = FastAPI(openapi_url=None)

    @app.post("/cases/{case_id}/attendance")
    def attendance(case_id: str, who: object = Depends(allow("examiner", "registrar"))) -> None: ...

    @app.get("/complaints")
    def complaints(who: object = Depends(allow(*READERS))) -> None: ...

    policy = {
        ("POST", "/cases/{case_id}/attendance"): Rule("record attendance", ("examiner",), Scope.CASE),
        ("GET", "/health"): Rule("the process answers", (), Scope.OPEN),
    }
    failures = policy_failures(served(app), policy)

    assert [line.split(":")[0] for line in failures] == ["POST /cases/{case_id}/attendance", "GET /complaints", "GET /health"]
    assert "declares allow(examiner, registrar) but the policy admits examiner" in failures[0]


def test_each_routes_scope_in_the_policy_fits_what_the_route_takes(routes, openapi):
    """So that the scope sweeps below reach every route they should: a route on one case is CASE, one under
    /candidates is CANDIDATE, a command naming a body is NAMED_BODY, a read filtered by `?body=` is BODY_ROWS."""
    failures = []
    for route in (r for r in routes if r.rule is not None):
        scope = route.rule.scope
        shapes = {
            Scope.CASE: ("{case_id}" in route.path, "acts on one case ({case_id})"),
            Scope.COMPLAINT: ("{complaint_id}" in route.path, "acts on one complaint ({complaint_id})"),
            Scope.CANDIDATE: (route.path.startswith("/candidates/"), "reads a candidate (/candidates/…)"),
            Scope.NAMED_BODY: (route.method != "GET" and names_a_body(openapi, route), "is a command naming a body"),
        }
        for kind, (fits, shape) in shapes.items():
            if fits and scope is not kind:
                failures.append(f"{route} {shape}, so its scope is {kind.name}, not {scope.name} as the policy says")
            elif scope is kind and not fits:
                failures.append(f"{route}: scope {kind.name} in the policy, yet it is not a route that {shape}")
        if route.method == "GET" and takes_a_body_filter(openapi, route) and scope is not Scope.BODY_ROWS:
            failures.append(f"{route}: filters by ?body= but its scope is {scope.name}, not BODY_ROWS")
    report(failures)


# --- the gate: tokens and roles -----------------------------------------------------------------------------


@pytest.fixture
def home_case(api_app: FastAPI) -> str:
    """A case of the home body, applied through the application service."""
    return str(apply(api_app.state.services.app, body=HOME))


def test_the_open_routes_answer_without_a_token(client, api_app, openapi):
    failures = []
    for route in (r for r in served(api_app) if r.rule is not None and r.rule.scope is Scope.OPEN):
        if route.path in openapi["paths"]:
            response = call(client, openapi, route, {})
        else:  # the docs themselves are not in the document
            response = client.request(route.method, route.path)
        if response.status_code in (401, 403):
            failures.append(f"{route} without a token: {response.status_code} {response.text[:200]}")
    report(failures)


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
    store = api_app.state.services.api_store
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


def test_every_role_the_policy_refuses_is_refused_with_403(client, routes, openapi, home_case, auth):
    failures, checked = [], 0
    headers = {pair: auth(*pair) for pair in callers()}
    for route in (r for r in routes if r.rule is not None):
        for (role, body), header in headers.items():
            if route.rule.admits(role):
                continue
            checked += 1
            why = refused_as(call(client, openapi, route, header, case_id=home_case), 403, "forbidden")
            if why:
                failures.append(f"{route} as {role}:{body or 'all'} (the policy admits {', '.join(route.rule.roles)}): {why}")
    report(failures)
    assert checked, "the policy refuses no role anywhere: the matrix is empty"


def test_every_role_the_policy_admits_gets_past_the_gate(client, routes, openapi, home_case, auth):
    """The other side of the matrix: an admitted caller is never answered 401 or 403 (admin is admitted everywhere)."""
    failures = []
    headers = {pair: auth(*pair) for pair in callers()}
    for route in (r for r in routes if r.rule is not None):
        for (role, body), header in headers.items():
            if not route.rule.admits(role):
                continue
            response = call(client, openapi, route, header, case_id=home_case)
            if response.status_code in (401, 403):
                failures.append(f"{route} as {role}:{body or 'all'}: {response.status_code} {response.text[:200]}")
    report(failures)


# --- body scope: one case, a command naming a body ---------------------------------------------------------


def _without_ids(problem: dict[str, Any], *ids: str) -> dict[str, Any]:
    """The problem with the ids and per-request fields taken out, to compare two answers."""
    text = repr({k: v for k, v in problem.items() if k not in ("instance", "request_id")})
    for ident in ids:
        text = text.replace(ident, "<id>")
    return {"answer": re.sub(r"\s+", " ", text)}


def answered_like(theirs: Any, absent: Any, their_ids: tuple[str, ...], absent_ids: tuple[str, ...]) -> str | None:
    """Why another body's record is not answered exactly as a missing one (None when it is)."""
    why = refused_as(theirs, 404, "not_found")
    if why is None and absent.status_code != 404:
        why = f"a missing one answers {absent.status_code}, another body's 404: {absent.text[:200]}"
    if why is None and _without_ids(theirs.json(), *their_ids) != _without_ids(absent.json(), *absent_ids):
        why = f"the answers differ: {theirs.json()} vs {absent.json()}"
    return why


def test_another_bodys_case_is_answered_exactly_like_a_missing_one(client, routes, openapi, home_case, auth):
    failures, checked = [], 0
    for route in (r for r in routes if r.rule is not None and r.rule.scope is Scope.CASE):
        for role in body_staff(route.rule):
            header, missing = auth(role, OTHER), str(uuid.uuid4())
            theirs = call(client, openapi, route, header, case_id=home_case)
            absent = call(client, openapi, route, header, case_id=missing)
            checked += 1
            if why := answered_like(theirs, absent, (home_case,), (missing,)):
                failures.append(f"{route} as {role}:{OTHER} on a {HOME} case: {why}")
    report(failures)
    assert checked, "no case route admits a body's staff: the scoping matrix is empty"


@dataclass(frozen=True)
class HomeComplaints:
    handled: str  # about HOME, handled by HOME's supervisors
    escalated: str  # about HOME, escalated to the municipal center


@pytest.fixture(scope="module")
def home_complaints(api_app: FastAPI) -> HomeComplaints:
    """Two anonymous complaints about HOME, taken through the application; the second escalated by HOME's choice."""
    app = api_app.state.services.app

    def received() -> Any:
        return app.complaints.receive(
            channel="body_line", received_at=datetime(2026, 6, 5, 10, 0, tzinfo=SHANGHAI), body=HOME, category="other",
            words="现场服务态度差", anonymous=True, actor=f"supervisor:{HOME}:matrix",
        )  # fmt: skip

    handled, escalated = received(), received()
    app.complaints.escalate(escalated, why="choice", on=D("2026-06-08"), actor=f"supervisor:{HOME}:matrix")
    return HomeComplaints(str(handled), str(escalated))


def test_another_bodys_complaint_is_answered_exactly_like_a_missing_one(client, routes, openapi, home_complaints, auth):
    failures, checked = [], 0
    for route in (r for r in routes if r.rule is not None and r.rule.scope is Scope.COMPLAINT):
        for role in body_staff(route.rule):
            header, missing = auth(role, OTHER), str(uuid.uuid4())
            for complaint in (home_complaints.handled, home_complaints.escalated):
                theirs = call(client, openapi, route, header, complaint_id=complaint)
                absent = call(client, openapi, route, header, complaint_id=missing)
                checked += 1
                if why := answered_like(theirs, absent, (complaint,), (missing,)):
                    failures.append(f"{route} as {role}:{OTHER} on a {HOME} complaint: {why}")
    report(failures)
    assert checked, "no complaint route admits a body's staff: the scoping matrix is empty"


def test_every_command_on_a_complaint_refuses_the_supervisors_of_the_level_not_handling_it(client, routes, openapi, home_complaints, auth):
    """DOMAIN §10 Escalation: HOME's supervisors act until it is escalated, then only the municipal center's; the
    refused level still reads it."""
    failures, checked = [], 0
    municipal, body = auth("supervisor"), auth("supervisor", HOME)
    for route in (r for r in routes if r.rule is not None and r.rule.scope is Scope.COMPLAINT):
        for header, who, complaint in ((municipal, "supervisor:all", home_complaints.handled), (body, f"supervisor:{HOME}", home_complaints.escalated)):
            response = call(client, openapi, route, header, complaint_id=complaint)
            checked += 1
            if route.method == "GET":
                if response.status_code != 200:
                    failures.append(f"{route} as {who}: {response.status_code} {response.text[:200]}")
            elif why := refused_as(response, 403, "not_at_your_level"):
                failures.append(f"{route} as {who} on a complaint another level handles: {why}")
    report(failures)
    assert checked


def names_a_body(openapi: dict[str, Any], route: Served) -> bool:
    operation = openapi["paths"][route.path][route.method.lower()]
    if any(p["name"] == "body" and p["in"] == "path" for p in operation.get("parameters", [])):
        return True
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" in schema:
        schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return "body" in schema.get("properties", {})


def takes_a_body_filter(openapi: dict[str, Any], route: Served) -> bool:
    operation = openapi["paths"][route.path][route.method.lower()]
    return any(p["name"] == "body" and p["in"] == "query" for p in operation.get("parameters", []))


def test_a_command_for_another_body_is_refused_like_a_missing_one(client, routes, openapi, auth):
    """Writing into another body (its name in the path or the payload) is refused as if that body were unknown."""
    failures, checked = [], 0
    for route in (r for r in routes if r.rule is not None and r.rule.scope is Scope.NAMED_BODY):
        for role in body_staff(route.rule):
            checked += 1
            if why := refused_as(call(client, openapi, route, auth(role, OTHER), body=HOME), 404, "not_found"):
                failures.append(f"{route} as {role}:{OTHER} naming {HOME}: {why}")
    report(failures)
    assert checked, "no command names a body: the check is empty"


# --- body scope: lists and candidates, over cases at two bodies ---------------------------------------------


@dataclass(frozen=True)
class TwoBodies:
    """At HOME and at OTHER alike: a certified case, a failed one (its validity window open), a fee unpaid, a sat
    case awaiting results, a qualified one without its certificate, a candidate barred for the year (须知 三.1),
    and a complaint about that certified case.
    周敏 holds a certificate at HOME and one at migu and is barred by a case at OTHER; 吴杰 applied at OTHER only."""

    elsewhere: set[str]  # every case not at HOME
    shared_id: str
    shared: str  # 周敏's candidate id
    shared_home_case: str
    shared_home_number: str
    shared_ban_case: str
    shared_cases: set[str]
    loner_id: str
    loner: str  # 吴杰's candidate id, with a case at OTHER only


def cases_at(app: Any, body: str) -> list[str]:
    certified = paid(app, body=body)
    certify(app, certified, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))
    failed = paid(app, body=body)
    assert sat_with_scores(app, failed, D("2026-04-25"), {"theory": 80, "skills": 50}, D("2026-05-08")) == "retake_available"
    unpaid = approved(app, body=body, applied_on=D("2026-03-02"))
    awaiting = paid(app, body=body)
    app.record_attendance(awaiting, sat_on=D("2026-04-25"), attended=True, actor="examiner-1")
    qualified = paid(app, body=body)
    assert sat_with_scores(app, qualified, D("2026-04-25"), {"theory": 85, "skills": 90}, D("2026-05-08")) == "qualified"
    app.complaints.receive(
        channel="letter", received_at=datetime(2026, 6, 5, 10, 0, tzinfo=SHANGHAI), body=body, category="certificates",
        words="证书信息有误", complainant_name="赵六", complainant_contact="13912345678", case_ids=[certified], actor="supervisor:all:matrix",
    )  # fmt: skip
    return [str(c) for c in (certified, failed, unpaid, awaiting, qualified, barred(app, paid(app, body=body)))]


def barred(app: Any, case_id: Any) -> Any:
    app.record_attendance(case_id, sat_on=D("2026-04-25"), attended=True, actor="examiner-1")
    app.sanction(case_id, tier="sitting", behaviour="须知 三.1", decided_on=D("2026-04-25"), actor="invigilator-1")
    return case_id


@pytest.fixture(scope="module")
def two_bodies(api_app: FastAPI, client: TestClient) -> TwoBodies:
    services = api_app.state.services
    app = services.app
    cases_at(app, HOME)
    other = cases_at(app, OTHER)
    shared_id, loner_id = new_id_number(), new_id_number()
    mine = paid(app, body=HOME, name="周敏", id_number=shared_id)
    number = certify(app, mine, sat_on=D("2026-04-18"), recorded_on=D("2026-05-06"), issued_on=D("2026-05-20"))
    migu = paid(app, body="migu", level=4, name="周敏", id_number=shared_id)
    certify(app, migu, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))
    ban = barred(app, paid(app, body=OTHER, name="周敏", id_number=shared_id))
    loner = paid(app, body=OTHER, name="吴杰", id_number=loner_id)
    services.projections.catch_up()
    return TwoBodies(
        elsewhere={*other, str(migu), str(ban), str(loner)}, shared_id=shared_id, shared=str(app.find_candidate(shared_id).id),
        shared_home_case=str(mine), shared_home_number=number, shared_ban_case=str(ban), shared_cases={str(mine), str(migu), str(ban)},
        loner_id=loner_id, loner=str(app.find_candidate(loner_id).id),
    )  # fmt: skip


def found(answer: Any, key: str) -> set[str]:
    """Every text under `key`, anywhere in a JSON answer."""
    if isinstance(answer, dict):
        return {v for k, v in answer.items() if k == key and isinstance(v, str)}.union(*(found(v, key) for v in answer.values()))
    if isinstance(answer, list):
        return set().union(*(found(v, key) for v in answer))
    return set()


ROW_QUERIES: dict[str, dict[str, Any]] = {  # what a list is asked for, so that both bodies have rows in it
    "/worklists/payments-due": {"on": "2026-03-03"},
    "/worklists/payments-overdue": {"on": "2026-03-20"},
    "/worklists/results-late": {"on": "2026-07-01"},
    "/worklists/certificates-late": {"on": "2026-07-01"},
    "/registers/validity-windows": {"on": "2028-04-01", "closing_within": 30},
    "/registers/bans": {"on": "2026-06-01"},
    "/sittings/plan": {"month": "2026-04"},
    "/complaints": {"on": "2026-06-08"},
}


def test_a_bodys_staff_list_only_their_own_bodys_rows_and_asking_for_another_body_is_refused(client, routes, openapi, two_bodies, auth):
    client.app.state.services.projections.catch_up()
    failures, checked = [], 0
    admin = auth("admin")
    for route in (r for r in routes if r.rule is not None and r.rule.scope is Scope.BODY_ROWS):
        asked = ROW_QUERIES.get(route.path, {})
        everyone = call(client, openapi, route, admin, **asked)
        if everyone.status_code != 200 or not {HOME, OTHER} <= found(everyone.json(), "body"):
            failures.append(f"{route}: admin's answer ({everyone.status_code}) holds no rows of both {HOME} and {OTHER}; give it a query in ROW_QUERIES that does")
            continue
        for role in body_staff(route.rule):
            header = auth(role, HOME)
            own = call(client, openapi, route, header, **asked)
            checked += 1
            if own.status_code != 200:
                failures.append(f"{route} as {role}:{HOME}: {own.status_code} {own.text[:200]}")
                continue
            bodies, leaked = found(own.json(), "body"), found(own.json(), "case_id") & two_bodies.elsewhere
            if bodies != {HOME} or leaked:
                failures.append(f"{route} as {role}:{HOME}: rows of {sorted(bodies)}, other bodies' cases {sorted(leaked)}")
            if not takes_a_body_filter(openapi, route):
                continue
            if why := refused_as(call(client, openapi, route, header, **asked, body=OTHER), Scope.BODY_ROWS.another_body, "forbidden"):
                failures.append(f"{route} as {role}:{HOME} asking for ?body={OTHER}: {why}")
    report(failures)
    assert checked, "no list admits a body's staff: the sweep is empty"


def test_a_candidate_with_no_case_at_the_callers_body_is_answered_exactly_like_an_unknown_one(client, routes, openapi, two_bodies, auth):
    """DOMAIN §9: a body's staff see their own body's cases, so a person known only at another body is, to them,
    no one: neither the name behind an ID number nor that the record exists (issue 10, finding 8)."""
    failures, checked = [], 0
    w = two_bodies
    for route in (r for r in routes if r.rule is not None and r.rule.scope is Scope.CANDIDATE):
        for role in body_staff(route.rule):
            header, missing, unknown = auth(role, HOME), str(uuid.uuid4()), new_id_number()
            theirs = call(client, openapi, route, header, candidate_id=w.loner, id_number=w.loner_id)
            absent = call(client, openapi, route, header, candidate_id=missing, id_number=unknown)
            seen = call(client, openapi, route, header, candidate_id=w.shared, id_number=w.shared_id)
            checked += 1
            if why := answered_like(theirs, absent, (w.loner, w.loner_id), (missing, unknown)):
                failures.append(f"{route} as {role}:{HOME} on a candidate known only at {OTHER}: {why}")
            if seen.status_code != 200:
                failures.append(f"{route} as {role}:{HOME} on a candidate with a case at {HOME}: {seen.status_code} {seen.text[:200]}")
    report(failures)
    assert checked, "no candidate route admits a body's staff: the check is empty"


def test_of_a_candidate_they_see_a_bodys_staff_get_every_ban_but_only_their_bodys_cases_and_certificates(client, two_bodies, auth):
    """A ban bars applications at every body (DOMAIN §6), so the desk sees it, without the other body's case id;
    cases and certificates are each one body's records (§9)."""
    w = two_bodies
    ban = ("sitting", "2026-04-25", "2026-12-31")
    for role in ("registrar", "examiner", "supervisor"):
        header = auth(role, HOME)
        record = client.post("/candidates/lookup", json={"id_number": w.shared_id}, headers=header).json()
        bans = client.get(f"/candidates/{w.shared}/bans", headers=header).json()
        held = client.get(f"/candidates/{w.shared}/certificates", headers=header).json()

        assert [c["case_id"] for c in record["cases"]] == [w.shared_home_case], role
        assert [c["number"] for c in record["certificates"]] == [c["number"] for c in held] == [w.shared_home_number], role
        assert [(b["tier"], b["from"], b["until"], b["case_id"]) for b in record["bans"]] == [(*ban, None)], role
        assert bans == record["bans"], role

    theirs = client.post("/candidates/lookup", json={"id_number": w.shared_id}, headers=auth("registrar", OTHER)).json()
    assert ([c["case_id"] for c in theirs["cases"]], theirs["certificates"]) == ([w.shared_ban_case], [])
    assert [(b["tier"], b["from"], b["until"], b["case_id"]) for b in theirs["bans"]] == [(*ban, w.shared_ban_case)]
    for everyone in (auth("compliance"), auth("supervisor")):
        record = client.post("/candidates/lookup", json={"id_number": w.shared_id}, headers=everyone).json()
        assert {c["case_id"] for c in record["cases"]} == w.shared_cases
        assert len(record["certificates"]) == 2 and record["bans"][0]["case_id"] == w.shared_ban_case
