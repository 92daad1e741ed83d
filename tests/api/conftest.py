"""API fixtures: the FastAPI app on the test's store (projections caught up by the tests, not by followers),
a client that runs its lifespan, and bearer tokens for any role and body."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.tokens import create_token
from cases.settings import Settings


@pytest.fixture
def api_app(store: Settings) -> FastAPI:
    return create_app(store, in_process_projections=False)


@pytest.fixture
def client(api_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(api_app) as client:
        yield client


@pytest.fixture
def token_for(api_app: FastAPI, client: TestClient) -> Callable[..., str]:
    """A fresh bearer token for `role` (and `body` for body-scoped roles)."""

    def _token(role: str, body: str | None = None) -> str:
        token, _ = create_token(api_app.state.services.api_store, role=role, body=body, label=f"test-{role}")
        return token

    return _token


@pytest.fixture
def auth(token_for: Callable[..., str]) -> Callable[..., dict[str, str]]:
    """The Authorization header for `role` (and `body`)."""

    def _auth(role: str, body: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token_for(role, body)}"}

    return _auth
