"""The OpenAPI document tells the truth about errors (issue 12, finding 6). FastAPI describes every error as its
default 422 `HTTPValidationError`; this API answers `application/problem+json` (`api.problems`). One pass over the
generated document, `describe_errors`, replaces that: every operation lists each status it can answer, each as the
shared `Problem` schema, and the schema's `code` enumerates every code an answer can carry.

Which statuses an operation can answer follows from what the route takes and from its row in `api.policy`:
- 422 always: the edge refuses an overlong or control-character query value or path segment on every route
  (`api.limits`), bodies and parameters are validated, and the domain's rules refuse with 422;
- 408 and 413 for a method with a body (the edge's time and size bounds);
- 401 and 403 unless the route is open (a token, and a role the policy admits);
- 404 when the path names a record (a parameter other than a date) or the policy's scope answers another body's
  record as a missing one (a case, a candidate, a complaint, a command naming its body);
- 409 and 412 with `If-Match` (a stale version: 412 `stale_version`; a command out of order: 409), 409 and 422
  with `Idempotency-Key` (the first request still running; the key reused for another request);
- 429 on the public routes (per-address rate limit) and wherever `wait_for_position` is taken (waits per caller);
- and any 4xx the route itself declares in `responses=` (e.g. 409 `ticket_not_available` on the ticket); other
  statuses a route declares (503 on /ready) keep the route's own description and body.

The codes each status can carry are listed in its response's description: the edge's and the HTTP layer's codes
(`HTTP_CODES`) and every `DomainError` subclass's `code`, grouped by its `http_status`. Collected when the document
is first built, from the subclasses then imported: the ones this app can raise.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

from api.policy import Scope, rule_for
from api.problems import PROBLEM
from cases.errors import DomainError

# The codes the HTTP layer answers itself (api.problems, api.limits, api.idempotency, api.auth), by status;
# tests/api/test_openapi_truth.py reads the sources for every literal code and fails on one missing here.
HTTP_CODES: dict[str, int | None] = {
    "unauthenticated": 401, "forbidden": 403, "not_found": 404, "method_not_allowed": 405, "request_timeout": 408,
    "idempotency_in_progress": 409, "payload_too_large": 413, "invalid_request": 422, "idempotency_key_reused": 422,
    "rate_limited": 429, "http_error": None,  # any other status Starlette raises
}  # fmt: skip
MEANINGS = {
    401: "No token, or one unknown, expired or revoked (`WWW-Authenticate: Bearer`)",
    403: "The caller's role may not do this, or a body's staff named another body",
    404: "No such record, or one of another body (answered exactly like a missing one)",
    408: "The request body did not arrive in time",
    409: "The command does not fit the record's state, or a request with this Idempotency-Key is still running",
    412: "`If-Match` names a version that is no longer the case's (re-read it and retry)",
    413: "The request body is larger than the limit (`limit`, in bytes)",
    422: "Malformed (`invalid_request`, naming every field in `errors`) or refused by a rule (`clause` names it)",
    429: "Too many requests: retry after `Retry-After` seconds",
}
HEADERS = {
    401: {"WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}},
    429: {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}},
}
ANSWERED_LIKE_MISSING = (Scope.CASE, Scope.CANDIDATE, Scope.COMPLAINT, Scope.NAMED_BODY)
FASTAPI_VALIDATION = ("HTTPValidationError", "ValidationError")
FASTAPI_DESCRIPTIONS = ("Validation Error", "Additional Response")  # FastAPI's own words: not the route's


class FieldProblem(BaseModel):
    """One malformed field of a 422 `invalid_request`."""

    field: str = Field(description="the field's path in the body, or the parameter's name", examples=["candidates.0.level"])
    message: str = Field(examples=["Input should be less than or equal to 5"])
    location: str | None = Field(description="body, query, path or header", examples=["body"])


class Problem(BaseModel):
    """An error (RFC 9457 problem details), as every error of this API is answered: `application/problem+json`.
    A refused command wrote nothing."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="`urn:cases:problem:<code>`", examples=["urn:cases:problem:wrong_stage"])
    title: str = Field(description="the code in words", examples=["wrong stage"])
    status: int = Field(description="the HTTP status", examples=[409])
    detail: str = Field(description="what happened, for a person (ID numbers masked)", examples=["the case is applied; to take a payment it must be awaiting_payment"])
    code: str = Field(description="stable, snake_case: what a client branches on", examples=["wrong_stage"])
    instance: str | None = Field(description="the request's path", examples=["/cases/6f1c2d9e-8a4b-4c1e-9f3a-2b7d5e0c4a18/payments"])
    request_id: str | None = Field(description="the `X-Request-ID` of the request, as logged", examples=["b5c1e0d2a3f44e8c"])
    field: str | None = Field(default=None, description="the offending field of the request (dotted path)", examples=["case_id"])
    clause: str | None = Field(default=None, description="the rule relied on (a seed notice's clause)", examples=[None])
    details: dict[str, Any] | None = Field(default=None, description="what the rule saw (e.g. the amount `due`, the `deadline`)", examples=[{"stage": "applied"}])
    errors: list[FieldProblem] | None = Field(default=None, description="`invalid_request` only: every malformed field")
    limit: int | None = Field(default=None, description="`payload_too_large` only: the largest body accepted, in bytes")


def install(app: FastAPI) -> None:
    """Build the app's document once, through `describe_errors`."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            describe_errors(generate())  # FastAPI's own keeps the document it builds: described in place, once
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]


def domain_codes() -> dict[str, int | None]:
    """Every DomainError subclass's code and status (the first seen, should two share a code)."""
    found: dict[str, int | None] = {}
    for kind in _subclasses(DomainError):
        found.setdefault(kind.code, kind.http_status)
    return found


def error_codes() -> dict[str, int | None]:
    """Every code an answer can carry, with its status."""
    return {**domain_codes(), **HTTP_CODES}


def statuses(method: str, path: str, operation: dict[str, Any]) -> set[int]:
    """The error statuses an operation can answer (see the module's docstring)."""
    rule = rule_for(method, path)
    parameters = operation.get("parameters", [])
    headers = {p["name"] for p in parameters if p["in"] == "header"}
    found = {422}
    if method.upper() in ("POST", "PUT", "PATCH", "DELETE"):
        found |= {408, 413}
    if rule is None or rule.scope is not Scope.OPEN:
        found |= {401, 403}
    names_a_record = any(p["in"] == "path" and p.get("schema", {}).get("format") != "date" for p in parameters)
    if names_a_record or (rule is not None and rule.scope in ANSWERED_LIKE_MISSING):
        found.add(404)
    if "If-Match" in headers:
        found |= {409, 412}
    if "Idempotency-Key" in headers:
        found.add(409)
    if path.startswith("/public/") or any(p["name"] == "wait_for_position" for p in parameters):
        found.add(429)
    found |= {int(status) for status in operation.get("responses", {}) if status.isdigit() and 400 <= int(status) < 500}
    return found


def describe_errors(document: dict[str, Any]) -> dict[str, Any]:
    """The document with every operation's error responses as problem+json (in place, and returned)."""
    codes = error_codes()
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in _schemas_of(Problem).items():
        schemas[name] = schema
    schemas["Problem"]["properties"]["code"]["enum"] = sorted(codes)
    responses = document["components"].setdefault("responses", {})
    used: set[int] = set()
    for path, method, operation in _operations(document):
        answers = operation.setdefault("responses", {})
        for status in sorted(statuses(method, path, operation)):
            said = answers.get(str(status), {}).get("description")
            if said not in (None, "", *FASTAPI_DESCRIPTIONS):  # the route says what this status means here
                answers[str(status)] = _response(status, said, codes)
            else:
                answers[str(status)] = {"$ref": f"#/components/responses/Problem{status}"}
                used.add(status)
    for status in sorted(used):
        responses[f"Problem{status}"] = _response(status, MEANINGS.get(status, "An error"), codes)
    text = repr(document["paths"])
    for name in FASTAPI_VALIDATION:  # FastAPI's default 422: no longer referenced
        if f"#/components/schemas/{name}'" not in text:
            schemas.pop(name, None)
    return document


def _response(status: int, meaning: str, codes: dict[str, int | None]) -> dict[str, Any]:
    carried = sorted(code for code, answered in codes.items() if answered == status)
    listed = ", ".join(f"`{code}`" for code in carried)
    response: dict[str, Any] = {
        "description": f"{meaning}. Codes: {listed}." if listed else f"{meaning}.",
        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if status in HEADERS:
        response["headers"] = HEADERS[status]
    return response


def _schemas_of(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    return {**schema.pop("$defs", {}), model.__name__: schema}


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method.upper(), operation


def _subclasses(kind: type) -> Iterator[type]:
    for sub in kind.__subclasses__():
        yield sub
        yield from _subclasses(sub)

