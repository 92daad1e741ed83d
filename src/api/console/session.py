"""The console's sessions: a staff member signs in once with their API token; the browser then holds only a
random session id in a cookie (HttpOnly, SameSite=Strict, Secure when the request came over HTTPS — behind a
proxy that is the scheme uvicorn took from X-Forwarded-Proto, trusted only from CASES_TRUSTED_PROXIES). The API
store keeps the session's SHA-256 (never the id itself), the token's id (never the token) and the session's CSRF
token. Every request reads the session with its token's row, so a token that expires or is revoked ends every
session signed in with it at once.

CSRF: every form carries the session's token in a hidden field `csrf`, checked on every POST before anything else
(`require_csrf`). The sign-in form, before there is a session, carries a random value also set as a short-lived
cookie (double submit)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import Column, DateTime, MetaData, String, Table, delete, insert, select

from api.store import ApiStore
from api.tokens import TOKENS, Principal

COOKIE = "cases_console"
SIGN_IN_COOKIE = "cases_console_sign_in"
PATH = "/console"
LIFETIME = timedelta(hours=12)  # a working day; the token's own expiry ends it sooner

_metadata = MetaData()
SESSIONS = Table(
    "console_sessions", _metadata,
    Column("id_sha256", String(64), primary_key=True), Column("token_id", String(16), nullable=False),
    Column("csrf", String(64), nullable=False), Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)  # fmt: skip


class CsrfRefused(Exception):
    """A POST without the form's CSRF token, or with another's: answered 403, nothing done."""


@dataclass(frozen=True)
class Session:
    who: Principal
    csrf: str


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def start(store: ApiStore, who: Principal) -> str:
    """A new session for a principal whose token was just checked; the id for the cookie."""
    store.ensure(_metadata)
    session_id, now = secrets.token_urlsafe(32), datetime.now(timezone.utc)
    with store.engine.begin() as conn:
        conn.execute(delete(SESSIONS).where(SESSIONS.c.expires_at < now))  # sessions ended by time, forgotten
        conn.execute(insert(SESSIONS).values(
            id_sha256=_digest(session_id), token_id=who.token_id, csrf=secrets.token_urlsafe(32),
            created_at=now, expires_at=now + LIFETIME,
        ))  # fmt: skip
    return session_id


def find(store: ApiStore, session_id: str | None) -> Session | None:
    """The session and its principal, or None when unknown, expired, or its token has expired or been revoked."""
    if not session_id:
        return None
    store.ensure(TOKENS.metadata)
    store.ensure(_metadata)
    query = (
        select(SESSIONS.c.csrf, SESSIONS.c.expires_at.label("session_expires"), TOKENS)
        .join(TOKENS, TOKENS.c.id == SESSIONS.c.token_id)
        .where(SESSIONS.c.id_sha256 == _digest(session_id))
    )  # fmt: skip
    with store.reader.connect() as conn:
        row = conn.execute(query).mappings().first()
    now = datetime.now(timezone.utc)
    if row is None or row["revoked_at"] is not None:
        return None
    if _aware(row["session_expires"]) <= now or _aware(row["expires_at"]) <= now:
        return None
    return Session(Principal(row["id"], row["role"], row["body"], row["label"]), row["csrf"])


def end(store: ApiStore, session_id: str | None) -> None:
    if session_id:
        store.ensure(_metadata)
        with store.engine.begin() as conn:
            conn.execute(delete(SESSIONS).where(SESSIONS.c.id_sha256 == _digest(session_id)))


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path=PATH, httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )  # fmt: skip


def clear_cookie(response: Response, request: Request, name: str) -> None:
    response.delete_cookie(name, path=PATH, httponly=True, samesite="strict", secure=request.url.scheme == "https")


def same(given: object, expected: str | None) -> bool:
    """Whether a posted CSRF value is the expected one (in constant time); nothing matches a missing one."""
    if not isinstance(given, str) or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())
