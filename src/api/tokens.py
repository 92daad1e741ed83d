"""API tokens: issued by `cases tokens create --role … [--body …]`, stored only as a SHA-256 of the secret (in the
API store, `api.store`), expiring and revocable. A token is `cases_<id>_<secret>`; the id finds the row, the secret
proves it."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

from sqlalchemy import Column, DateTime, MetaData, String, Table, insert, select, update

from api.store import ApiStore
from cases.errors import InvalidInput, NotFound

ROLES = {
    "registrar": "a body's registrar: intake, review, fees, sittings, results, certificates",
    "examiner": "a body's examiner or invigilator: attendance, results, on-the-day misconduct",
    "compliance": "compliance officer: reads, replays and verifies every body",
    "supervisor": "supervisor: municipal (no body) over all bodies, or one body's; reads and sanctions",
    "admin": "administrator: everything",
}
BODY_ROLES = {"registrar", "examiner"}  # must name a body
BODIES = ("wgsh", "dsxh", "dmtxh", "migu", "jsxh")

_metadata = MetaData()
TOKENS = Table(
    "api_tokens", _metadata,
    Column("id", String(16), primary_key=True), Column("secret_sha256", String(64), nullable=False),
    Column("role", String(16), nullable=False), Column("body", String(16)), Column("label", String(80), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False), Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)  # fmt: skip


@dataclass(frozen=True)
class Principal:
    token_id: str
    role: str
    body: str | None
    label: str

    @property
    def actor(self) -> str:
        return f"{self.role}:{self.body or 'all'}:{self.label}"

    def sees(self, body: str) -> bool:
        return self.body is None or self.body == body


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()



def create_token(store: ApiStore, *, role: str, body: str | None, label: str, days: int = 90) -> tuple[str, Principal]:
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}", field="role")
    if role in BODY_ROLES and not body:
        raise InvalidInput(f"a {role} belongs to one body: give --body", field="body")
    if body and body not in BODIES:
        raise InvalidInput(f"body must be one of {', '.join(BODIES)}", field="body")
    if role in ("compliance", "admin") and body:
        raise InvalidInput(f"a {role} token covers every body; give no --body", field="body")
    if days < 1:
        raise InvalidInput("a token lives at least one day", field="days")
    store.ensure(_metadata)
    token_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    now = datetime.now(timezone.utc)
    with store.engine.begin() as conn:
        conn.execute(insert(TOKENS).values(
            id=token_id, secret_sha256=_digest(secret), role=role, body=body, label=label,
            created_at=now, expires_at=now + timedelta(days=days),
        ))  # fmt: skip
    return f"cases_{token_id}_{secret}", Principal(token_id, role, body, label)


def authenticate(store: ApiStore, token: str) -> Principal | None:
    """The token's principal, or None when unknown, wrong, expired or revoked."""
    parts = _parts(token)
    return check_token(_row(store, parts[1]), parts[2]) if parts else None


def _parts(token: str) -> list[str] | None:
    parts = token.split("_", 2)
    return parts if len(parts) == 3 and parts[0] == "cases" else None


def _row(store: ApiStore, token_id: str) -> dict[str, Any] | None:
    store.ensure(_metadata)
    with store.reader.connect() as conn:
        row = conn.execute(select(TOKENS).where(TOKENS.c.id == token_id)).mappings().first()
    return dict(row) if row else None


def check_token(row: dict[str, Any] | None, secret: str, now: datetime | None = None) -> Principal | None:
    """The principal of a stored token row if the secret matches and it has neither expired nor been revoked."""
    if row is None or not hmac.compare_digest(row["secret_sha256"], _digest(secret)):
        return None
    expires = row["expires_at"] if row["expires_at"].tzinfo else row["expires_at"].replace(tzinfo=timezone.utc)
    if row["revoked_at"] is not None or expires <= (now or datetime.now(timezone.utc)):
        return None
    return Principal(row["id"], row["role"], row["body"], row["label"])


class TokenCache:
    """Token rows as the API worker last read them, kept for `ttl` seconds, so that most requests authenticate
    without a database read (or a trip to the thread pool for one). The cost: a revocation takes effect in each
    worker within `ttl` (one second by default); expiry is checked on every request against the row."""

    def __init__(self, store: ApiStore, ttl: float = 1.0) -> None:
        self.store, self.ttl = store, ttl
        self.rows: dict[str, tuple[float, dict[str, Any] | None]] = {}  # token id → (read at, row or None)

    def fresh(self, token: str) -> Principal | None | Literal[False]:
        """The principal from a fresh cached row; None if the token is refused; False if the row must be read."""
        parts = _parts(token)
        if parts is None:
            return None
        read_at, row = self.rows.get(parts[1], (None, None))
        if read_at is None or time.monotonic() - read_at > self.ttl:
            return False
        return check_token(row, parts[2])

    def read(self, token: str) -> Principal | None:
        """Read the token's row (blocking), remember it, and check the token against it."""
        parts = _parts(token)
        if parts is None:
            return None
        row = _row(self.store, parts[1])
        if len(self.rows) > 10_000:
            self.rows.clear()
        self.rows[parts[1]] = (time.monotonic(), row)
        return check_token(row, parts[2])


def revoke_token(store: ApiStore, token_id: str) -> None:
    store.ensure(_metadata)
    with store.engine.begin() as conn:
        if not conn.execute(update(TOKENS).where(TOKENS.c.id == token_id).values(revoked_at=datetime.now(timezone.utc))).rowcount:
            raise NotFound(f"no token {token_id}", field="token_id")


def list_tokens(store: ApiStore) -> list[dict]:
    store.ensure(_metadata)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(TOKENS).order_by(TOKENS.c.created_at)).mappings()]
