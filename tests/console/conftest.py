"""Console fixtures: the API's app (which mounts the console) on the test's store, a browser-like client per
signed-in user, complaints received through the application at two bodies, and an issued certificate."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.services import Services
from api.tokens import create_token
from tests.api.conftest import api_app, client  # noqa: F401  (the API's app, which mounts the console, and its client)
from tests.builders import certify, new_id_number, paid

HOME, OTHER = "wgsh", "dsxh"
MOBILE = "13912345678"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def services(client: TestClient) -> Services:
    return client.app.state.services


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(browser: TestClient, token: str) -> Any:
    form = browser.get("/console/sign-in")
    return browser.post("/console/sign-in", data={"token": token, "csrf": csrf_of(form.text)}, follow_redirects=False)


@pytest.fixture
def token_for(services: Services) -> Callable[..., str]:
    def _token(role: str, body: str | None = None, label: str | None = None) -> str:
        token, _ = create_token(services.api_store, role=role, body=body, label=label or f"{role}-{body or 'all'}")
        return token

    return _token


@pytest.fixture
def signed_in(api_app: FastAPI, client: TestClient, token_for: Callable[..., str]) -> Callable[..., TestClient]:
    """`signed_in(role, body=None)`: a client of its own (its own cookies) signed in with a fresh token."""

    def _browser(role: str, body: str | None = None, label: str | None = None) -> TestClient:
        browser = TestClient(api_app)
        answer = sign_in(browser, token_for(role, body, label))
        assert answer.status_code == 303, answer.text
        return browser

    return _browser


@pytest.fixture
def receive(services: Services) -> Callable[..., UUID]:
    """`receive(body=HOME, **changes)`: a complaint taken on the body's line, through the application."""

    def _receive(body: str = HOME, **changes: Any) -> UUID:
        complaint = {
            "channel": "body_line", "received_at": datetime.fromisoformat("2026-06-05T10:15:00+08:00"), "body": body,
            "category": "results_late", "words": f"四月考试的成绩至今未公布，请回电{MOBILE}", "complainant_name": "李四",
            "complainant_contact": MOBILE, "staff_named": ["张三"], "evidence": ["通话录音 0605-01"], **changes,
        }  # fmt: skip
        outcome = services.app.hotline.receive(**complaint, actor="supervisor:test")
        services.projections.catch_up()
        return outcome.id

    return _receive


def issue_certificate(services: Services, name: str = "王芳") -> dict[str, Any]:
    """A wgsh level-3 certificate for `name`, issued on 1 June 2026, projected: its number, the holder's ID
    number, the case."""
    id_number = new_id_number()
    case_id = paid(services.app, name=name, id_number=id_number)
    on = date.fromisoformat
    number = certify(services.app, case_id, sat_on=on("2026-04-25"), recorded_on=on("2026-05-08"), issued_on=on("2026-06-01"))
    services.projections.catch_up()
    return {"number": number, "id_number": id_number, "case_id": case_id}


@pytest.fixture
def issued(services: Services) -> dict[str, Any]:
    """王芳's certificate (`issue_certificate`)."""
    return issue_certificate(services)
