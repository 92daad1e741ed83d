"""Register verification over HTTP for compliance officers: started with a POST, followed by polling, with the
positions verified at, every difference found (a register row altered behind the projection's back), and who may
ask (compliance and admin; not a body's staff)."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from tests.builders import certify, paid

D = date.fromisoformat


def certified_cases(api_app: FastAPI) -> str:
    services = api_app.state.services
    case_id = paid(services.app, name="王芳")
    number = certify(services.app, case_id, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))
    paid(services.app, body="dsxh", name="李娜")
    services.projections.catch_up()
    return number


def finished(client: TestClient, headers: dict[str, str], href: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = client.get(href, headers=headers)
        assert found.status_code == 200, found.text
        if found.json()["outcome"] != "running":
            return found.json()
        time.sleep(0.05)
    raise AssertionError(f"{href} still running after 60 s")


def test_a_compliance_officer_verifies_the_registers_equal_the_log_at_the_live_positions(api_app, client, auth):
    certified_cases(api_app)
    headers = auth("compliance")

    started = client.post("/registers/verifications", headers=headers)

    assert started.status_code == 202 and started.headers["Location"] == started.json()["href"]
    answer = finished(client, headers, started.json()["href"])
    head = api_app.state.services.app.recorder.max_notification_id()
    assert (answer["outcome"], answer["difference_count"], answer["differences"], answer["error"]) == ("equal", 0, [], None)
    assert answer["verified_at"] == dict.fromkeys(api_app.state.services.projections.projections, head)
    assert answer["requested_by"].startswith("compliance") and answer["finished_at"] >= answer["started_at"]


def test_a_register_row_altered_behind_its_back_is_reported_with_both_values(api_app, client, auth):
    number = certified_cases(api_app)
    projections = api_app.state.services.projections
    certificates = projections.live_tables("certificates")["certificates"]
    with projections.store.engine.begin() as conn:
        conn.execute(update(certificates).where(certificates.c.number == number).values(holder_name="李四"))
    headers = auth("admin")

    answer = finished(client, headers, client.post("/registers/verifications", headers=headers).json()["href"])

    assert (answer["outcome"], answer["difference_count"]) == ("differ", 1)
    [difference] = answer["differences"]
    assert (difference["projection"], difference["table"], difference["key"]) == ("certificates", "certificates", number)
    assert (difference["live"]["holder_name"], difference["rebuilt"]["holder_name"]) == ("李四", "王芳")


def test_a_bodys_staff_may_neither_start_nor_read_a_verification_and_an_unknown_one_is_not_found(api_app, client, auth):
    certified_cases(api_app)
    for role in ("registrar", "examiner", "supervisor"):
        assert client.post("/registers/verifications", headers=auth(role, "wgsh")).status_code == 403
    href = client.post("/registers/verifications", headers=auth("compliance")).json()["href"]
    assert client.get(href, headers=auth("registrar", "wgsh")).status_code == 403
    finished(client, auth("compliance"), href)

    unknown = client.get("/registers/verifications/0123456789abcdef", headers=auth("compliance"))
    assert unknown.status_code == 404 and unknown.json()["field"] == "verification_id"
