"""Errors as `application/problem+json` (RFC 9457): a stable `code`, the offending `field`, the rule `clause`."""

from __future__ import annotations

from typing import Any

from asgi_correlation_id import correlation_id
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import Scope

from cases.errors import DomainError
from cases.identity import mask_id_number

PROBLEM = "application/problem+json"
# A command's argument that reaches it over HTTP under another name: a problem names the request's own field.
HTTP_NAMES = {"expected_version": "If-Match"}


def problem(request: Request, status: int, code: str, detail: str, **extra: Any) -> JSONResponse:
    return problem_response(request.scope, status, code, detail, **extra)


def problem_response(scope: Scope, status: int, code: str, detail: str, **extra: Any) -> JSONResponse:
    """The problem answer for a request's scope (also before any route, from middleware); its `request_id` is the
    one `api.middleware.request_ids` holds for the request. A `field` is the request's (`HTTP_NAMES`)."""
    if extra.get("field") in HTTP_NAMES:
        extra["field"] = HTTP_NAMES[extra["field"]]
    body = {
        "type": f"urn:cases:problem:{code}", "title": code.replace("_", " "), "status": status,
        "detail": mask_id_number(detail), "code": code, "instance": scope.get("path"),
        "request_id": correlation_id.get(), **extra,
    }  # fmt: skip
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def domain_problem(request: Request, error: DomainError) -> JSONResponse:
    details = {k: mask_id_number(str(v)) if isinstance(v, str) else v for k, v in error.details.items()}
    return problem(request, error.http_status, error.code, error.message, field=error.field, clause=error.clause, details=details)


async def domain_error(request: Request, error: DomainError) -> JSONResponse:
    return domain_problem(request, error)


async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    fields = [
        {"field": ".".join(str(part) for part in e["loc"][1:]) or str(e["loc"][0] if e["loc"] else ""),
         "message": e["msg"], "location": e["loc"][0] if e["loc"] else None}
        for e in error.errors()
    ]  # fmt: skip
    names = ", ".join(f["field"] or "(body)" for f in fields)
    return problem(request, 422, "invalid_request", f"the request is malformed: {names}", field=fields[0]["field"] if fields else None, errors=fields)


async def http_error(request: Request, error: HTTPException) -> JSONResponse:
    code = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large", 429: "rate_limited"}.get(
        error.status_code, "http_error"
    )
    response = problem(request, error.status_code, code, str(error.detail))
    for name, value in (error.headers or {}).items():
        response.headers[name] = value
    return response


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, domain_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, http_error)  # type: ignore[arg-type]
