"""Hostile and careless input at the edge (issue 10, findings 3-5): every body, text, list, number and date is
bounded and refused with 413 or 422 naming the field and the limit, never echoing the value, and changing
nothing; no control character reaches the store; no request, with a token or without, holds a worker waiting.

The sweeps walk the OpenAPI document, so a route added later is swept too."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.tokens import create_token
from cases.limits import MAX_BODY_BYTES, TEXT
from cases.settings import Settings
from tests.builders import event_count, new_id_number
from tests.support.live_server import _resolve, example_call, live_server, operations

APPLY = {
    "name": "王芳", "body": "wgsh", "occupation": "互联网营销师", "work_type": "视频创推员", "level": 3, "applied_on": "2026-03-02",
    "evidence": {"work": [{"occupation": "互联网营销师", "start": "2014-03-01"}]},
}  # fmt: skip


def application(**changes: Any) -> dict[str, Any]:
    return {**APPLY, "id_number": new_id_number(), **changes}


@pytest.fixture
def admin(client: TestClient, auth) -> dict[str, str]:
    return auth("admin")


def written(api_app: FastAPI) -> int:
    return api_app.state.services.app.recorder.max_notification_id() or 0


# --- finding 3: sizes -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "limit"),
    [("institution", "学" * 20_000, TEXT["institution"]), ("phone", "1" * 1_000_000, TEXT["phone"]), ("name", "王" * 51, TEXT["name"]),
     ("occupation", "未知职业" * 250_000, None)],
)  # fmt: skip
def test_an_oversized_field_is_refused_naming_it_never_echoing_it_and_nothing_is_written(api_app, client, auth, field, value, limit):
    before = written(api_app)
    answer = client.post("/cases", headers=auth("registrar", "wgsh"), json=application(**{field: value}))
    if len(answer.request.content) > MAX_BODY_BYTES:
        assert answer.status_code == 413 and answer.json()["code"] == "payload_too_large"
    else:
        assert answer.status_code == 422
        assert answer.json()["field"] == field
        assert f"at most {limit} characters" in answer.text
    assert len(answer.content) < 2000, "the value is never echoed back"
    assert written(api_app) == before


def test_a_body_over_the_limit_is_refused_with_413_before_it_is_read(store):
    """Over a real socket: the headers announce 50 MB, ten bytes follow, and the answer comes at once (a server
    reading the body first would wait for the other 49.99 MB)."""
    with live_server(store) as server, socket.create_connection(("127.0.0.1", server.port), timeout=5) as connection:
        connection.sendall(
            b"POST /cases HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n{\"name\": 1"
        )
        started = time.monotonic()
        head = b""
        while chunk := connection.recv(4096):  # the server closes the connection after its answer
            head += chunk
        assert time.monotonic() - started < 2
    head = head.decode()
    assert head.startswith("HTTP/1.1 413")
    assert "payload_too_large" in head


def test_a_chunked_body_is_cut_off_as_soon_as_it_passes_the_limit(api_app, client, auth):
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(200):  # 20 MB, were it all read
            yield b"x" * 100_000

    answer = client.post("/cases", headers={**auth("registrar", "wgsh"), "Content-Type": "application/json"}, content=chunks())
    assert answer.status_code == 413


def test_lists_are_bounded_in_the_batch_and_the_evidence(api_app, client, auth):
    before = written(api_app)
    row = {k: v for k, v in application().items() if k not in ("body", "applied_on")}
    batch = {"body": "wgsh", "institution": "上海市工业技术学校", "applied_on": "2026-03-02", "candidates": [row] * 501}
    answer = client.post("/cases/batch", headers=auth("registrar", "wgsh"), json=batch)
    assert answer.status_code == 422 and answer.json()["field"] == "candidates"
    work = [{"occupation": "互联网营销师", "start": "2014-03-01"}] * 51
    answer = client.post("/cases", headers=auth("registrar", "wgsh"), json=application(evidence={"work": work}))
    assert answer.status_code == 422 and answer.json()["field"] == "evidence.work" and "at most 50 entries" in answer.text
    assert written(api_app) == before


# --- control characters, in every text field of every body and every query -------------------------------------


def string_fields(schema: dict[str, Any], openapi: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """(dotted path, schema) of every string property, nested objects and arrays of objects included."""
    schema = _resolve(schema, openapi)
    for name, sub in schema.get("properties", {}).items():
        sub = _resolve(sub, openapi)
        options = [_resolve(s, openapi) for s in sub.get("anyOf", [sub])]
        for option in options:
            if option.get("type") == "string" and option.get("format") not in ("date", "uuid", "date-time"):
                yield f"{prefix}{name}", option
                break
            if option.get("type") == "array" and "properties" in _resolve(option.get("items", {}), openapi):
                yield from string_fields(option["items"], openapi, f"{prefix}{name}.0.")
                break


def set_path(body: Any, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        body = body[int(part)] if part.isdigit() else body[part]
    body[last] = value


def test_every_text_field_of_every_body_refuses_control_characters_naming_the_field(api_app, client, admin):
    openapi = client.get("/openapi.json").json()
    before, swept = written(api_app), 0
    for method, template in operations(openapi):
        operation = openapi["paths"][template][method.lower()]
        schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        if schema is None:
            continue
        for path, _ in string_fields(schema, openapi):
            for bad in ("a\u0000b", "a\u001bb", "a\u0085b"):
                call = example_call(openapi, method, template)
                if path.split(".")[0] not in call.json:
                    call.json[path.split(".")[0]] = "x"
                set_path(call.json, path, bad)
                answer = call.send(client, admin)
                assert answer.status_code == 422, (method, template, path, answer.status_code, answer.text[:300])
                assert path in {e["field"] for e in answer.json()["errors"]}, (template, path, answer.json())
                swept += 1
    assert swept > 60
    assert written(api_app) == before


def test_free_text_takes_line_breaks_and_tabs_but_no_other_control_character(api_app, client, auth):
    registrar = auth("registrar", "wgsh")
    case_id = client.post("/cases", headers=registrar, json=application()).json()["case_id"]
    answer = client.post(f"/cases/{case_id}/rejection", headers=registrar, json={"reason": "缺少学历证明\u0007", "decided_on": "2026-03-03"})
    assert answer.status_code == 422 and answer.json()["field"] == "reason"
    answer = client.post(f"/cases/{case_id}/rejection", headers=registrar, json={"reason": "缺少：\n\t学历证明\r\n", "decided_on": "2026-03-03"})
    assert answer.status_code == 200


def test_every_query_value_and_path_segment_refuses_control_characters_and_excess_length(api_app, client, admin):
    openapi = client.get("/openapi.json").json()
    swept = 0
    for method, template in operations(openapi):
        for parameter in openapi["paths"][template][method.lower()].get("parameters", []):
            if parameter["in"] != "query":
                continue
            for bad, why in (("a\u0000b", "control character"), ("x" * (TEXT["query"] + 1), "at most")):
                call = example_call(openapi, method, template)
                call.params[parameter["name"]] = bad
                answer = call.send(client, admin)
                assert answer.status_code == 422, (template, parameter["name"], answer.status_code)
                assert answer.json()["field"] == parameter["name"] and why in answer.json()["detail"]
                swept += 1
    assert swept > 20
    answer = client.get("/public/certificates/%00abc", params={"name": "王芳"})
    assert answer.status_code == 422 and answer.json()["field"] == "path"


# --- finding 4: numbers and dates out of range were 500s ----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [("/cases", {"offset": "9223372036854775808"}, "offset"), ("/registers/certificates", {"offset": "9223372036854775808"}, "offset"),
     ("/workdays/add", {"from": "9999-12-31", "days": "1"}, "from"), ("/workdays/0001-01-01", {}, "day"),
     ("/worklists/payments-due", {"on": "9999-12-31"}, "on"), ("/cases", {"limit": "99999999999999999999"}, "limit")],
)  # fmt: skip
def test_numbers_and_dates_out_of_range_are_422_naming_the_parameter(client, admin, path, params, field):
    answer = client.get(path, params=params, headers=admin)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field


def test_a_version_beyond_any_log_is_422(api_app, client, auth):
    registrar = auth("registrar", "wgsh")
    case_id = client.post("/cases", headers=registrar, json=application()).json()["case_id"]
    compliance = auth("compliance")
    for params in ({"version": str(2**63)}, {"version": "99999999999999999999999"}):
        assert client.get(f"/cases/{case_id}/as-of", params=params, headers=compliance).status_code == 422
    answer = client.get(f"/cases/{case_id}/diff", params={"from": "1", "to": "9" * 30}, headers=compliance)
    assert answer.status_code == 422 and answer.json()["field"] == "to"


def test_a_date_out_of_range_in_a_body_is_422_naming_it(api_app, client, auth):
    answer = client.post("/cases", headers=auth("registrar", "wgsh"), json=application(applied_on="9999-12-31"))
    assert answer.status_code == 422 and answer.json()["field"] == "applied_on"
    answer = client.post(
        "/cases", headers=auth("registrar", "wgsh"),
        json=application(evidence={"work": [{"occupation": "互联网营销师", "start": "0001-01-01"}]}),
    )  # fmt: skip
    assert answer.status_code == 422 and answer.json()["field"] == "evidence.work[0].start"


# --- finding 5: no request holds a worker waiting ---------------------------------------------------------------


def test_public_verification_refuses_wait_for_position(client):
    answer = client.get("/public/certificates/X", params={"name": "x", "wait_for_position": "999999999999"})
    assert answer.status_code == 422 and answer.json()["field"] == "wait_for_position"


def test_a_position_beyond_the_log_is_refused_at_once(api_app, client, auth):
    started = time.monotonic()
    answer = client.get("/cases", params={"wait_for_position": "999999999999"}, headers=auth("registrar", "wgsh"))
    assert time.monotonic() - started < 1
    assert answer.status_code == 422 and answer.json()["field"] == "wait_for_position"


def test_waiting_reads_hold_no_thread_and_one_caller_may_not_pile_them_up(store: Settings):
    """Eight reads each waiting 5 s for a position the read models have not reached (a stalled projector elsewhere
    holds their leases) once
    held every query thread, and an ordinary read took 9.5 s. Now the waits hold no thread, a ninth wait by the
    same caller beyond two answers 429 at once, and the ordinary read answers within a second."""
    api = create_app(store, in_process_projections=False)
    with TestClient(api) as setup:
        store_, tokens = api.state.services.projections.store, api.state.services.api_store
        registrar, _ = create_token(tokens, role="registrar", body="wgsh", label="r")
        waiters = [create_token(tokens, role="compliance", body=None, label=f"w{i}")[0] for i in range(8)]
        setup.post("/cases", headers={"Authorization": f"Bearer {registrar}"}, json=application())
        leases = store_.table("projection_leases")
        with store_.engine.begin() as conn:  # a projector on another host holds them all: the server's own waits
            for name in api.state.services.projections.projections:
                conn.execute(leases.insert().values(name=name, holder="elsewhere:1:stalled", expires_at=time.time() + 600))
    with live_server(store) as server:
        head = httpx.get(f"{server.url}/ready").json()["head"]
        assert head > 0

        def wait(token: str) -> None:
            httpx.get(f"{server.url}/cases", params={"wait_for_position": head}, headers={"Authorization": f"Bearer {token}"}, timeout=20)

        threads = [threading.Thread(target=wait, args=(token,)) for token in waiters]
        for thread in threads:
            thread.start()
        time.sleep(0.5)  # every wait has begun
        started = time.monotonic()
        quick = httpx.get(f"{server.url}/cases", headers={"Authorization": f"Bearer {registrar}"}, timeout=20)
        took = time.monotonic() - started
        third = [threading.Thread(target=wait, args=(waiters[0],)) for _ in range(2)]
        for thread in third:
            thread.start()
        time.sleep(0.3)
        piled = httpx.get(f"{server.url}/cases", params={"wait_for_position": head}, headers={"Authorization": f"Bearer {waiters[0]}"})
        for thread in threads + third:
            thread.join()
    assert quick.status_code == 200 and took < 1.0, took
    assert piled.status_code == 429 and piled.headers["Retry-After"] == "1"


@pytest.mark.parametrize("trusted", [None, "127.0.0.1"])
def test_x_forwarded_for_moves_the_public_rate_limit_only_behind_a_trusted_proxy(store: Settings, trusted: str | None):
    """From localhost, a client once reset its public limit by naming a new address in X-Forwarded-For (uvicorn
    trusts 127.0.0.1 by default). Now only the proxies in CASES_TRUSTED_PROXIES are believed."""
    env = {"CASES_TRUSTED_PROXIES": trusted} if trusted else {}
    with live_server(store, env=env) as server, httpx.Client(base_url=server.url) as client:
        statuses = [
            client.get("/public/certificates/X", params={"name": "x"}, headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code
            for i in range(40)
        ]  # fmt: skip
    if trusted:
        assert 429 not in statuses  # forty addresses behind the proxy, one request each
    else:
        assert statuses.count(404) == 30 and statuses[30:] == [429] * 10
