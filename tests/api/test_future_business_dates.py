"""Over HTTP, a business date after today (issue 12 point 8) is a 422 problem naming the request's field and today,
and writes nothing: the domain refuses it (`cases.business_dates`), the API maps the refusal."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cases.service.application import CasesApplication
from tests.builders import approved, event_count

D = date.fromisoformat
PROBLEM = "application/problem+json"


@pytest.fixture
def cases_app(client: TestClient) -> CasesApplication:
    return client.app.state.services.app


@pytest.fixture(autouse=True)
def on_3_march(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASES_TODAY", "2026-03-03")


def refused_as_future(response: Any, field: str) -> dict[str, Any]:
    assert (response.status_code, response.headers["content-type"]) == (422, PROBLEM), response.json()
    problem = response.json()
    assert (problem["code"], problem["field"], problem["details"]) == ("business_date_in_future", field, {"today": "2026-03-03"})
    assert "is after today (2026-03-03); a business date records what has happened" in problem["detail"]
    return problem


def test_a_payment_dated_tomorrow_is_422_naming_paid_on_and_the_case_is_unchanged(client, cases_app, auth):
    case_id = approved(cases_app, body="wgsh", level=4, decided_on=D("2026-03-03"))  # 528 yuan due by 6 March
    before, version = event_count(cases_app), cases_app.get_case(case_id).version
    registrar = auth("registrar", "wgsh")

    refused_as_future(client.post(f"/cases/{case_id}/payments", json={"amount": 528, "paid_on": "2026-03-04"}, headers=registrar), "paid_on")

    assert (event_count(cases_app), cases_app.get_case(case_id).version) == (before, version)
    shown = client.get(f"/cases/{case_id}", headers=registrar)
    assert (shown.headers["ETag"], shown.json()["stage"]) == (f'"{version}"', "awaiting_payment")
    today = client.post(f"/cases/{case_id}/payments", json={"amount": 528, "paid_on": "2026-03-03"}, headers=registrar)
    assert (today.status_code, today.json()["version"]) == (200, version + 1)


def test_a_complaint_received_tomorrow_is_422_naming_received_at_and_writes_nothing(client, cases_app, auth):
    before = event_count(cases_app)
    form = {
        "channel": "municipal_line", "received_at": "2026-03-04T10:15:00+08:00", "body": "wgsh", "category": "fees",
        "words": "缴费期限太短。", "complainant_name": "李四", "complainant_contact": "13912345678",
    }  # fmt: skip

    refused_as_future(client.post("/complaints", json=form, headers=auth("supervisor")), "received_at")

    assert event_count(cases_app) == before
