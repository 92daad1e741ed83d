"""Signing in and out, and the home page. Sign-in takes an API token (`cases tokens create`), checks it as the API
does (`api.tokens.authenticate`), and starts a session (`api.console.session`); the token itself is never kept."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.console import session
from api.console.access import checked_form, services, signed_in
from api.console.render import PREFIX, page
from api.console.session import COOKIE, SIGN_IN_COOKIE, CsrfRefused, Session
from api.tokens import authenticate

router = APIRouter()
SIGN_IN_MINUTES = 30


def sign_in_form(request: Request, status: int = 200, error: str | None = None) -> Response:
    csrf = secrets.token_urlsafe(32)
    response = page(request, "sign_in.html", status, csrf=csrf, error=error)
    session.set_cookie(response, request, SIGN_IN_COOKIE, csrf, SIGN_IN_MINUTES * 60)
    return response


@router.get("/sign-in")
def sign_in_page(request: Request) -> Response:
    return sign_in_form(request)


@router.post("/sign-in")
async def sign_in(request: Request, token: str = Form("", max_length=200), csrf: str = Form("")) -> Response:
    if not session.same(csrf, request.cookies.get(SIGN_IN_COOKIE)):
        raise CsrfRefused
    store = services(request).api_store
    who = await run_in_threadpool(authenticate, store, token.strip())
    if who is None:
        return sign_in_form(request, 401, error="token_refused")
    session_id = await run_in_threadpool(session.start, store, who)
    response = RedirectResponse(f"{PREFIX}/", status_code=303)
    session.set_cookie(response, request, COOKIE, session_id, int(session.LIFETIME.total_seconds()))
    session.clear_cookie(response, request, SIGN_IN_COOKIE)
    request.state.actor = who.actor
    return response


@router.post("/sign-out")
async def sign_out(request: Request, _: object = Depends(checked_form)) -> Response:
    await run_in_threadpool(session.end, services(request).api_store, request.cookies.get(COOKIE))
    response = RedirectResponse(f"{PREFIX}/sign-in", status_code=303)
    session.clear_cookie(response, request, COOKIE)
    return response


@router.get("/")
def home(request: Request, found: Session = Depends(signed_in)) -> Response:
    """Supervisors work from the hotline queue; everyone else sees the pages open to them."""
    if found.who.role == "supervisor":
        return RedirectResponse(f"{PREFIX}/complaints", status_code=303)
    return page(request, "home.html", who=found.who, csrf=found.csrf)
