"""Public certificate verification (DOMAIN §8): anyone, without a token, checks a certificate by its number and
the holder's name. The answer never carries an ID number, not even masked; a wrong name and an unknown number
are the same 404; each address gets a limited number of tries a minute."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from uuid import UUID

import limits.storage.memory
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import api.rate_limit
from api.rate_limit import PerAddressLimit
from api.services import Services
from tests.builders import FULL_ID_NUMBER, certify, new_id_number, paid

D = date.fromisoformat
ANSWERED = {
    "number", "holder_name", "body", "body_name", "occupation", "work_type", "level", "issued_on", "collectable_from",
    "collectable_from_provisional", "status", "status_on", "replaced_by",
}  # fmt: skip


@pytest.fixture
def services(api_app: FastAPI, client: TestClient) -> Services:
    return api_app.state.services


@pytest.fixture
def issued(services: Services) -> dict[str, str]:
    """王芳's wgsh level-3 certificate, issued on 1 June 2026."""
    id_number = new_id_number()
    case_id = paid(services.app, name="王芳", id_number=id_number)
    number = certify(services.app, case_id, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))
    services.projections.catch_up()
    return {"number": number, "id_number": id_number, "case_id": str(case_id)}


def test_anyone_verifies_a_valid_certificate_by_number_and_name_without_a_token(client, issued):
    answer = client.get(f"/public/certificates/{issued['number']}", params={"name": "王芳"})

    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert set(found) == ANSWERED
    assert (found["number"], found["holder_name"], found["body"], found["body_name"]) == (issued["number"], "王芳", "wgsh", "上海市网购商会")
    assert (found["occupation"], found["work_type"], found["level"], found["issued_on"], found["status"]) == (
        "互联网营销师", "视频创推员", 3, "2026-06-01", "valid",
    )  # fmt: skip
    # Issue 12 point 12: the day an individual may collect it at the counter, 20 working days after issue (端午 19 June off)
    assert (found["collectable_from"], found["collectable_from_provisional"]) == ("2026-06-30", False)
    assert answer.headers["Cache-Control"] == "no-store"


def test_the_answer_carries_no_id_number_not_even_masked(client, issued, services):
    answer = client.get(f"/public/certificates/{issued['number']}", params={"name": " 王芳 "})

    assert answer.status_code == 200
    masked = services.app.get_case(UUID(issued["case_id"])).holder_id_masked
    assert issued["id_number"] not in answer.text and masked not in answer.text
    assert not FULL_ID_NUMBER.search(answer.text) and "*" not in answer.text


def test_a_wrong_name_and_an_unknown_number_get_the_same_404_with_no_hint_which(client, issued):
    wrong_name = client.get(f"/public/certificates/{issued['number']}", params={"name": "王芬"})
    unknown = client.get("/public/certificates/WGSH000000000", params={"name": "王芳"})

    assert wrong_name.status_code == unknown.status_code == 404
    same = ("type", "title", "status", "detail", "code", "field", "clause", "details")
    assert {k: wrong_name.json()[k] for k in same} == {k: unknown.json()[k] for k in same}
    assert "王芳" not in wrong_name.text and "王芳" not in unknown.text
    assert client.get(f"/public/certificates/{issued['number']}").status_code == 422  # the name is required


def test_a_revoked_certificate_answers_revoked_and_a_reissued_one_names_its_replacement(client, services):
    app = services.app
    revoked_case = paid(app, name="李娜")
    revoked = certify(app, revoked_case, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))
    app.revoke_certificate(revoked_case, on=D("2026-09-01"), reason="申报材料虚假（须知 一）", actor="registrar-1")
    lost_case = paid(app, body="dmtxh", level=4, name="赵磊")
    lost = certify(app, lost_case, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))
    replacement = app.reissue_certificate(lost_case, on=D("2026-09-01"), actor="registrar-1", reason="lost")
    services.projections.catch_up()

    gone = client.get(f"/public/certificates/{revoked}", params={"name": "李娜"}).json()
    assert (gone["status"], gone["status_on"]) == ("revoked", "2026-09-01")
    assert "虚假" not in str(gone)  # the reason is for the registers, not the public
    old = client.get(f"/public/certificates/{lost}", params={"name": "赵磊"}).json()
    assert (old["status"], old["replaced_by"]) == ("replaced", replacement)
    new = client.get(f"/public/certificates/{replacement}", params={"name": "赵磊"}).json()
    assert (new["status"], new["body"], new["issued_on"]) == ("valid", "dmtxh", "2026-09-01")


def test_an_address_is_refused_with_429_and_retry_after_once_it_has_used_its_minute(api_app, client, issued):
    api_app.state.public_rate_limit = 3
    path = f"/public/certificates/{issued['number']}"

    answers = [client.get(path, params={"name": "王芳" if i % 2 else "nobody"}) for i in range(4)]

    assert [a.status_code for a in answers] == [404, 200, 404, 429]
    refused = answers[-1]
    assert (refused.json()["code"], refused.headers["content-type"]) == ("rate_limited", "application/problem+json")
    assert 55 <= int(refused.headers["Retry-After"]) <= 60  # until the first of the three leaves the minute
    api_app.state.public_rate_limit = None  # switched off, as for the benchmark
    assert all(client.get(path, params={"name": "王芳"}).status_code == 200 for _ in range(5))


def test_an_address_may_ask_its_budget_in_any_sixty_seconds_and_addresses_are_counted_apart(monkeypatch):
    now = [1000.0]
    clock = SimpleNamespace(time=lambda: now[0])
    monkeypatch.setattr(limits.storage.memory, "time", clock)  # the clock of the `limits` storage
    monkeypatch.setattr(api.rate_limit, "time", clock)
    limit = PerAddressLimit(per_minute=30)

    assert [limit.take("10.0.0.1") for _ in range(20)] == [0] * 20
    now[0] = 1030.0
    assert [limit.take("10.0.0.1") for _ in range(10)] == [0] * 10
    assert limit.take("10.0.0.1") == 30  # the first twenty leave the minute at 1060
    assert limit.take("10.0.0.2") == 0
    now[0] = 1060.5
    assert [limit.take("10.0.0.1") for _ in range(20)] == [0] * 20
    assert limit.take("10.0.0.1") == 30  # now the ten of 1030 are the oldest: 29.5 s, rounded up
    now[0] = 5000.0
    assert [limit.take("10.0.0.1") for _ in range(30)] == [0] * 30  # never more than a minute's worth
    assert limit.take("10.0.0.1") == 60
