"""Who may do what, declared at each route: `Depends(allow("registrar", "examiner"))` (admin always). What each
route must declare is written once in `api.policy`, and the access matrix test holds every declaration to it.
A body's staff see only their body's cases; another body's case answers 404, so its existence does not leak."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from api import policy
from api.tokens import Principal, TokenCache
from cases.errors import NotFound

bearer = HTTPBearer(auto_error=False, description="a token from `cases tokens create`")


async def principal(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    """Who the bearer token says the caller is (401 when it proves nothing); the actor goes into the request log.
    A token read within the last second is checked from the worker's cache, on the event loop; otherwise its row
    is read in the thread pool (see `TokenCache`)."""
    if credentials is None:
        raise HTTPException(401, "a bearer token is required", headers={"WWW-Authenticate": "Bearer"})
    tokens: TokenCache = request.app.state.services.tokens
    found = tokens.fresh(credentials.credentials)
    if found is False:
        found = await run_in_threadpool(tokens.read, credentials.credentials)
    if found is None:
        raise HTTPException(401, "the token is unknown, expired or revoked", headers={"WWW-Authenticate": "Bearer"})
    request.state.actor = found.actor
    return found


def allow(*roles: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency admitting only these roles (admin always). It carries them as `roles`, so the routes' declarations
    can be read back and compared with `api.policy`."""

    async def check(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Principal:
        who = await principal(request, credentials)
        if who.role != "admin" and who.role not in roles:
            raise HTTPException(403, f"a {who.role} may not do this (allowed: {', '.join(roles)})")
        return who

    check.__name__ = f"allow_{'_'.join(roles)}"
    check.roles = roles  # type: ignore[attr-defined]
    return check


def require_body(who: Principal, body: str, what: str, ident: object) -> None:
    """Body scoping: another body's record is answered exactly like a missing one. The problem's field is the
    request's: the record's id (`case_id`, `complaint_id`), or `body` itself when the request names the body."""
    if not who.sees(body):
        raise NotFound(f"no {what} {ident}", field="body" if what == "body" else f"{what}_id")


READERS = policy.READERS  # every role reads, within its bodies; the routes import it from here
