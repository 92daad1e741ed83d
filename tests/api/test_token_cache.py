"""Each API worker keeps a token it has read for a second (`TokenCache`), so most requests authenticate without a
database read: a revocation takes effect within that second, an expiry at once, and a token never read is read."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from fastapi.testclient import TestClient
from sqlalchemy import update

from api.tokens import TOKENS, create_token, revoke_token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_revoked_token_is_refused_once_the_workers_copy_is_older_than_its_ttl(client: TestClient) -> None:
    services = client.app.state.services
    services.tokens.ttl = 0.3
    token, who = create_token(services.api_store, role="admin", body=None, label="soon-revoked")
    assert client.get("/catalogue", headers=bearer(token)).status_code == 200  # read, and kept
    revoke_token(services.api_store, who.token_id)
    time.sleep(0.35)
    refused = client.get("/catalogue", headers=bearer(token))
    assert refused.status_code == 401 and refused.json()["code"] == "unauthenticated"


def test_an_expired_token_is_refused_at_once_even_from_the_workers_copy(client: TestClient) -> None:
    services = client.app.state.services
    services.tokens.ttl = 3600.0
    token, who = create_token(services.api_store, role="admin", body=None, label="expiring")
    assert client.get("/catalogue", headers=bearer(token)).status_code == 200
    row = services.tokens.rows[who.token_id][1]
    row["expires_at"] = datetime.now(timezone.utc) - timedelta(seconds=1)  # the copy says it has just expired
    assert client.get("/catalogue", headers=bearer(token)).status_code == 401


def test_a_token_created_after_the_worker_started_is_read_and_a_wrong_secret_is_refused_from_the_copy(client: TestClient) -> None:
    services = client.app.state.services
    token, who = create_token(services.api_store, role="registrar", body="wgsh", label="late")
    assert client.get("/catalogue", headers=bearer(token)).status_code == 200
    assert who.token_id in services.tokens.rows
    prefix, token_id, _ = token.split("_", 2)
    assert client.get("/catalogue", headers=bearer(f"{prefix}_{token_id}_{'B' * 43}")).status_code == 401


def test_an_extended_token_is_read_again_after_the_ttl(client: TestClient) -> None:
    services = client.app.state.services
    services.tokens.ttl = 0.3
    token, who = create_token(services.api_store, role="admin", body=None, label="extended")
    store = services.api_store
    with store.engine.begin() as conn:
        conn.execute(update(TOKENS).where(TOKENS.c.id == who.token_id).values(expires_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
    assert client.get("/catalogue", headers=bearer(token)).status_code == 401
    with store.engine.begin() as conn:
        conn.execute(update(TOKENS).where(TOKENS.c.id == who.token_id).values(expires_at=datetime.now(timezone.utc) + timedelta(days=1)))
    time.sleep(0.35)
    assert client.get("/catalogue", headers=bearer(token)).status_code == 200
