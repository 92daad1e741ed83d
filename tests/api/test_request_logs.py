"""Every request leaves one JSON log line (request id, actor, route, status, latency), and no full ID number or
mobile number reaches the logs, whether it travelled in a body, a query, a path or a header, was accepted or
refused. In-process (the app's own log lines) and through a live server (uvicorn's access lines too), on SQLite
and on PostgreSQL. A request id is logged as it is, never masked: a made one even when its digits look like a
number, a client's only when it holds no such number (otherwise a fresh one replaces it)."""

from __future__ import annotations

import io
import json
import logging
import re
import uuid
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from api import middleware
from api.store import ApiStore
from api.tokens import create_token
from cases.observability import configure_logging
from cases.settings import Settings
from tests.builders import FULL_ID_NUMBER, new_id_number
from tests.support.live_server import live_server

PHONE = "13912345678"
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
REQUEST_LINE = ("method", "route", "path", "status", "latency_ms", "request_id", "actor")


def wrong_check_digit(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def requests_with_personal_numbers(registrar: dict[str, str], number: str) -> list[dict[str, Any]]:
    """The requests to send, each with what its log line must say."""
    form = {
        "name": "王芳", "id_number": number, "body": "wgsh", "occupation": "互联网营销师", "work_type": "视频创推员",
        "level": 3, "applied_on": "2026-03-02", "phone": PHONE,
        "evidence": {"work": [{"occupation": "互联网营销师", "start": "2010-01-01"}]},
    }  # fmt: skip
    contact = {"X-Candidate-Phone": PHONE, "X-Candidate-Id": number}
    return [
        {"method": "POST", "url": "/cases", "json": form, "headers": {**registrar, **contact, "X-Request-ID": "intake-1"},
         "route": "/cases", "status": 201, "actor": True},
        {"method": "POST", "url": "/cases", "json": {**form, "id_number": wrong_check_digit(number)}, "headers": registrar,
         "route": "/cases", "status": 422, "actor": True},
        {"method": "POST", "url": "/candidates/lookup", "json": {"id_number": number}, "headers": {**registrar, "X-Request-ID": "lookup-1"},
         "route": "/candidates/lookup", "status": 200, "actor": True},
        {"method": "GET", "url": "/cases", "params": {"occupation": number, "note": f"+86{PHONE}", "tel": PHONE}, "headers": registrar,
         "route": "/cases", "status": 200, "actor": True},
        {"method": "GET", "url": f"/public/certificates/{number}", "params": {"name": PHONE}, "headers": contact,
         "route": "/public/certificates/{number}", "status": 404, "actor": False},
        {"method": "POST", "url": "/candidates/lookup", "json": {"id_number": number}, "headers": contact,
         "route": "/candidates/lookup", "status": 401, "actor": False},
        {"method": "GET", "url": f"/no-such-page/{number}", "params": {"phone": PHONE}, "headers": {},
         "route": "unmatched", "status": 404, "actor": False},
    ]  # fmt: skip


def send(client: Any, request: dict[str, Any]) -> Any:
    spec = {k: request[k] for k in ("json", "params", "headers") if k in request}
    return client.request(request["method"], request["url"], **spec)


def assert_no_personal_number(output: str, number: str) -> None:
    for secret in (number, wrong_check_digit(number), number[3:14], PHONE, PHONE[3:]):
        assert secret not in output, f"{secret} appears in the logs:\n{output}"
    assert not FULL_ID_NUMBER.search(output), FULL_ID_NUMBER.search(output)
    assert not MOBILE.search(output), MOBILE.search(output)


def request_lines(output: str) -> list[dict[str, Any]]:
    return [line for line in map(json.loads, output.splitlines()) if line.get("event") == "http.request"]


@pytest.fixture
def captured() -> io.StringIO:
    stream = io.StringIO()
    configure_logging(json=True, stream=stream)
    return stream


def test_each_request_logs_one_line_with_its_id_actor_route_status_and_latency(client, auth, captured):
    registrar = auth("registrar", "wgsh")
    sent = requests_with_personal_numbers(registrar, new_id_number())
    responses = [send(client, request) for request in sent]

    assert [r.status_code for r in responses] == [request["status"] for request in sent], [r.text[:200] for r in responses]
    lines = request_lines(captured.getvalue())
    assert len(lines) == len(sent), lines
    for request, response, line in zip(sent, responses, lines):
        assert set(REQUEST_LINE) <= set(line), line
        assert (line["method"], line["route"], line["status"]) == (request["method"], request["route"], request["status"])
        assert isinstance(line["latency_ms"], (int, float)) and 0 <= line["latency_ms"] < 60_000
        given = request["headers"].get("X-Request-ID")
        assert line["request_id"] == response.headers["X-Request-ID"] == (given or line["request_id"])
        if not given:
            assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"]), line["request_id"]
        assert (line["actor"] is not None) == request["actor"], line
        if request["actor"]:
            assert line["actor"].startswith("registrar:wgsh:"), line
    assert len({line["request_id"] for line in lines}) == len(lines), "request ids repeat"


def test_no_full_id_number_or_mobile_number_reaches_the_log(client, auth, captured):
    number = new_id_number()
    for request in requests_with_personal_numbers(auth("registrar", "wgsh"), number):
        send(client, request)
    output = captured.getvalue()
    assert len(request_lines(output)) == 7
    assert_no_personal_number(output, number)


def test_the_live_servers_logs_hold_no_full_id_number_or_mobile_number(store: Settings):
    tokens = ApiStore.from_settings(store)
    registrar = {"Authorization": f"Bearer {create_token(tokens, role='registrar', body='wgsh', label='desk')[0]}"}
    tokens.dispose()
    number = new_id_number()
    sent = requests_with_personal_numbers(registrar, number)
    with live_server(store) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        statuses = [send(http, request).status_code for request in sent]
    output = server.log_path.read_text()
    assert statuses == [request["status"] for request in sent]
    json_lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert [line["status"] for line in json_lines if line.get("event") == "http.request" and line["path"] != "/health"] == statuses
    assert any(line.get("logger_name") == "uvicorn.access" for line in json_lines), "uvicorn's access lines are not in the log"
    assert_no_personal_number(output, number)


def test_a_request_id_is_made_for_a_request_without_one_and_kept_when_given(client: Any, captured: io.StringIO) -> None:
    given = client.get("/health", headers={"X-Request-ID": "trace-42"})
    made = client.get("/health")
    lines = request_lines(captured.getvalue())
    assert given.headers["X-Request-ID"] == "trace-42" and lines[0]["request_id"] == "trace-42"
    assert made.headers["X-Request-ID"] == lines[1]["request_id"] and len(lines[1]["request_id"]) == 32



def test_a_made_request_id_never_holds_a_number_shaped_run_and_is_logged_and_answered_unmangled(
    client: Any, captured: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    """About one uuid4 in fifty holds a run that reads as a mobile or ID number: such an id is made again, so a log
    scan for leaked numbers finds none in request ids, and the id is never masked (tracing must match it)."""
    shaped = "a13812345678b310101199206151234c"  # a uuid4 hex with a mobile-number and an ID-number-shaped run
    clean = "0f8b8a523c1e4b7e9d552f0c8f6a1b20"
    made = iter([shaped, shaped, clean])
    monkeypatch.setattr(middleware, "uuid", SimpleNamespace(uuid4=lambda: uuid.UUID(hex=next(made))))
    response = client.get("/health")
    (line,) = request_lines(captured.getvalue())
    assert response.headers["X-Request-ID"] == line["request_id"] == clean


def client_request_ids(number: str) -> list[str]:
    """X-Request-IDs a client may send that must not be honoured: a full ID or mobile number in them (also split
    by separators the log redaction does not know), too long, or holding characters outside the safe set."""
    return [
        number, f"trace-{number}", f"{number[:6]}-{number[6:14]}-{number[14:]}", f"{number[:6]}_{number[6:14]}.{number[14:]}",
        PHONE, f"call-{PHONE}", f"+86{PHONE}", f"{PHONE[:3]}.{PHONE[3:7]}.{PHONE[7:]}",
        "t" * 65, "trace 42", "trace/42",
    ]  # fmt: skip


def test_a_client_request_id_holding_an_id_or_mobile_number_or_unsafe_is_replaced_and_never_logged(
    client: Any, captured: io.StringIO
) -> None:
    number = new_id_number()
    sent = client_request_ids(number)
    answered = [client.get("/health", headers={"X-Request-ID": given}).headers["X-Request-ID"] for given in sent]
    lines = request_lines(captured.getvalue())
    assert [line["request_id"] for line in lines] == answered
    replaced = [(given, made) for given, made in zip(sent, answered) if given == made or not re.fullmatch(r"[0-9a-f]{32}", made)]
    assert not replaced, f"honoured, not replaced: {replaced}"
    output = captured.getvalue()
    assert_no_personal_number(output, number)
    assert not [given for given in sent if given in output]


def test_a_short_client_request_id_of_safe_characters_is_kept(client: Any, captured: io.StringIO) -> None:
    kept = ("trace-42", "intake-1", "0af7651916cd43dd8448eb211c80319c", "req.2026-03-02:17", "a" * 64)
    answered = [client.get("/health", headers={"X-Request-ID": given}).headers["X-Request-ID"] for given in kept]
    assert tuple(answered) == kept == tuple(line["request_id"] for line in request_lines(captured.getvalue()))


def test_the_docs_and_the_schema_are_logged_under_their_own_route(client: Any, captured: io.StringIO) -> None:
    for path in ("/openapi.json", "/docs"):
        assert client.get(path).status_code == 200
    client.get("/no-such-page")
    assert [line["route"] for line in request_lines(captured.getvalue())] == ["/openapi.json", "/docs", "unmatched"]


def test_an_access_line_with_a_grouped_number_in_its_query_is_masked(captured: io.StringIO) -> None:
    """uvicorn's access line carries the raw query string, where a space is '+' or '%20'."""
    number = new_id_number()
    query = f"occupation={number[:6]}+{number[6:14]}+{number[14:]}&tel=139%201234%205678"
    logging.getLogger("uvicorn.access").info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:50000", "GET", f"/cases?{query}", "1.1", 200)
    output = captured.getvalue()
    assert number[6:14] not in output and "1234%205678" not in output, output
