"""Who is signed in, and what they may open: the same roles and body scope as the API. A page names the API
route whose policy row it follows (`api.policy`), so the console can never admit a role the API refuses; another
body's record is the API's 404 (`api.auth.require_body`), shown as a 404 page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from api import policy
from api.console import session
from api.console.session import COOKIE, CsrfRefused, Session
from api.services import Services


class SignInNeeded(Exception):
    """No session, or one that has ended (expired, signed out, its token expired or revoked): to the sign-in page."""


class NotAllowed(Exception):
    """The role may not open this page (the API's 403)."""


def services(request: Request) -> Services:
    return request.app.state.services


async def signed_in(request: Request) -> Session:
    found = await run_in_threadpool(session.find, services(request).api_store, request.cookies.get(COOKIE))
    if found is None:
        raise SignInNeeded
    request.state.actor = found.who.actor  # the request log names who acted, as for a bearer token
    return found


def following(method: str, path: str) -> Callable[..., Awaitable[Session]]:
    """A dependency admitting the roles `api.policy` admits on the API route (method, path)."""
    rule = policy.rule_for(method, path)
    if rule is None:
        raise LookupError(f"no policy row for {method} {path}")

    async def check(found: Session = Depends(signed_in)) -> Session:
        if not rule.admits(found.who.role):
            raise NotAllowed
        return found

    check.roles = rule.roles  # type: ignore[attr-defined]
    return check


async def checked_form(request: Request, found: Session = Depends(signed_in)) -> FormData:
    """The posted form, once its CSRF token is the session's (403 and nothing done otherwise)."""
    form = await request.form()
    if not session.same(form.get("csrf"), found.csrf):
        raise CsrfRefused
    return form
