"""Through a real HTTP server (`cases serve` in its own process, httpx over loopback): every endpoint answers
without a server error, a case goes from application to payment, a retried command gets its first answer also
after the server restarts, `If-Match` lets one of several racing writers through, and (on PostgreSQL) twenty
clients racing commands on one case lose no event and gain none."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from api.store import ApiStore
from api.tokens import create_token
from cases.service.application import CasesApplication
from cases.projections.registry import all_projections
from cases.settings import Settings
from tests.builders import new_id_number
from tests.support.live_server import LiveServer, example_call, is_open, live_server, operations
from tests.support.projection_worker import start_projections_run

pytestmark = pytest.mark.timeout(240)


@pytest.fixture
def server(store: Settings) -> Iterator[LiveServer]:
    with live_server(store) as running:
        yield running


@pytest.fixture
def token(store: Settings) -> Iterator[Callable[..., str]]:
    """Issues tokens into the server's store (as `cases tokens create` would)."""
    tokens = ApiStore.from_settings(store)

    def _token(role: str, body: str | None = None, label: str | None = None) -> str:
        return create_token(tokens, role=role, body=body, label=label or f"live-{role}")[0]

    yield _token
    tokens.dispose()


@pytest.fixture
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def application(**changes: Any) -> dict[str, Any]:
    return {
        "name": "王芳", "id_number": new_id_number(), "body": "wgsh", "occupation": "互联网营销师", "work_type": "视频创推员",
        "level": 3, "applied_on": "2026-03-02", "evidence": {"work": [{"occupation": "互联网营销师", "start": "2010-01-01"}]},
        **changes,
    }  # fmt: skip


def applied(http: httpx.Client, headers: dict[str, str], **changes: Any) -> str:
    response = http.post("/cases", json=application(**changes), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["case_id"]


def read_case(http: httpx.Client, case_id: str, headers: dict[str, str]) -> tuple[dict[str, Any], str]:
    response = http.get(f"/cases/{case_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json(), response.headers["ETag"]


def head(settings: Settings) -> int:
    """How many events the whole log holds, read by a process of its own."""
    app = CasesApplication(settings)
    try:
        return app.recorder.max_notification_id() or 0
    finally:
        app.close()


# --- every endpoint ---------------------------------------------------------------------------------------------


# Values a route needs beyond its schema's examples, for its answer to be about the seeded case.
PER_ROUTE: dict[str, dict[str, Any]] = {
    "/cases/{case_id}/as-of": {"version": 1, "on": None},  # one of version, at, on: None leaves the seeded `on` out
    "/cases/{case_id}/diff": {"from": "1", "to": "2"},
    "/registers/validity-windows": {"on": "2026-04-18", "closing_within": 400},
}


def seeded(http: httpx.Client, registrar: dict[str, str]) -> dict[str, Any]:
    """A case applied, approved, paid and given a seat, through the API: the values routes are asked about."""
    form = application()
    case_id = applied(http, registrar, id_number=form["id_number"])
    http.post(f"/cases/{case_id}/review", json={"decided_on": "2026-03-03"}, headers=registrar).raise_for_status()
    http.post(f"/cases/{case_id}/payments", json={"amount": 598, "paid_on": "2026-03-04"}, headers=registrar).raise_for_status()
    sitting = {
        "body": "wgsh", "occupation": "互联网营销师", "work_type": "视频创推员", "levels": [3], "dates": ["2026-04-18"],
        "venue": "新闻路945号306室", "capacity": 40, "planned_on": "2026-03-05",
    }  # fmt: skip
    planned = http.post("/sittings", json=sitting, headers=registrar)
    assert planned.status_code == 201, planned.text
    sitting_id = planned.json()["sitting_id"]
    seat = http.post(f"/cases/{case_id}/schedule", json={"sitting_id": sitting_id, "on": "2026-03-10"}, headers=registrar)
    assert seat.status_code == 200, seat.text
    found = http.post("/candidates/lookup", json={"id_number": form["id_number"]}, headers=registrar)
    assert found.status_code == 200, found.text
    return {
        "case_id": case_id, "sitting_id": sitting_id, "candidate_id": found.json()["candidate_id"], "body": "wgsh",
        "on": seat.json()["result"]["ticket_from"], "month": "2026-04", "number": "PENDING-WGSH263000001", "name": "王芳",
    }  # fmt: skip


def test_every_endpoint_answers_without_a_server_error(http, token):
    """GETs with valid parameters answer 200 (or 404 for what does not exist); nothing answers 5xx."""
    admin = bearer(token("admin"))
    known = seeded(http, bearer(token("registrar", "wgsh")))
    openapi = http.get("/openapi.json").json()
    failures, answered = [], 0
    for method, path in sorted(operations(openapi), key=lambda op: (op[0] != "GET", op[1])):
        given = {name: value for name, value in {**known, **PER_ROUTE.get(path, {})}.items() if value is not None}
        call = example_call(openapi, method, path, given)
        response = call.send(http, {} if is_open(path) else admin)
        answered += 1
        if response.status_code >= 500:
            failures.append(f"{method} {call.path}: {response.status_code} {response.text[:300]}")
        elif method == "GET" and response.status_code not in (200, 404):
            failures.append(f"{method} {call.path} {call.params}: {response.status_code} {response.text[:300]}")
    assert not failures, "\n".join(failures)
    assert answered >= 20, f"only {answered} operations found in /openapi.json"


def test_a_case_goes_from_application_to_payment_over_http(http, token):
    registrar = bearer(token("registrar", "wgsh", label="desk-1"))
    created = http.post("/cases", json=application(), headers=registrar)
    assert created.status_code == 201, created.text
    case_id = created.json()["case_id"]
    assert created.headers["Location"] == f"/cases/{case_id}"
    assert created.headers["ETag"] == '"1"' and created.json()["stage"] == "applied"

    _, etag = read_case(http, case_id, registrar)
    reviewed = http.post(f"/cases/{case_id}/review", json={"decided_on": "2026-03-03"}, headers={**registrar, "If-Match": etag})
    assert reviewed.status_code == 200, reviewed.text
    assert reviewed.json()["stage"] == "awaiting_payment"

    view, etag = read_case(http, case_id, registrar)
    assert etag == reviewed.headers["ETag"]
    payment = {"amount": view["fee_due"]["total"], "paid_on": "2026-03-04", "reference": "bank transfer 0304-118"}
    paid = http.post(f"/cases/{case_id}/payments", json=payment, headers={**registrar, "If-Match": etag})
    assert paid.status_code == 200, paid.text
    assert paid.json()["stage"] == "ready_to_sit" and paid.json()["version"] == int(etag.strip('"')) + 1

    timeline = http.get(f"/cases/{case_id}/timeline", headers=registrar)
    assert timeline.status_code == 200, timeline.text
    assert "registrar:wgsh:desk-1" in timeline.text


# --- idempotency across a restart -------------------------------------------------------------------------------


def test_a_compliance_officer_verifies_the_registers_through_the_live_server(http, token, store, tmp_path):
    """The verification runs in the server's own thread; the officer polls its href until it has an outcome. On
    PostgreSQL the registers are projected by a `cases projections run` worker beside the server, as deployed:
    without one they stand at position 0, and the verification says `behind`, never `equal` (issue 10)."""
    seeded(http, bearer(token("registrar", "wgsh")))
    compliance = bearer(token("compliance"))

    def verified() -> dict[str, Any]:
        started = http.post("/registers/verifications", headers=compliance)
        assert started.status_code == 202, started.text
        deadline = time.monotonic() + 60
        while (answer := http.get(started.headers["Location"], headers=compliance).json())["outcome"] == "running":
            assert time.monotonic() < deadline, answer
            time.sleep(0.1)
        return answer

    if not store.uses_postgres:
        answer = verified()
        assert (answer["outcome"], answer["differences"]) == ("equal", []), answer
        return
    unprojected = verified()
    assert (unprojected["outcome"], unprojected["differences"]) == ("behind", []), unprojected
    assert set(unprojected["behind"]) == {projection.name for projection in all_projections()}
    worker = start_projections_run(store, tmp_path / "projections.log")
    try:
        answer = verified()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert (answer["outcome"], answer["differences"], answer["behind"]) == ("equal", [], {}), answer


def test_a_retried_command_gets_its_first_answer_after_the_server_restarts(server, http, token, store):
    registrar = bearer(token("registrar", "wgsh"))
    form = application()
    first = http.post("/cases", json=form, headers={**registrar, "Idempotency-Key": "intake-0001"})
    assert first.status_code == 201, first.text
    case_id = first.json()["case_id"]
    http.post(f"/cases/{case_id}/review", json={"decided_on": "2026-03-03"}, headers=registrar).raise_for_status()
    payment = {"amount": 598, "paid_on": "2026-03-04"}
    paid = http.post(f"/cases/{case_id}/payments", json=payment, headers={**registrar, "Idempotency-Key": "pay-0001"})
    assert paid.status_code == 200, paid.text
    events = head(store)

    server.restart()

    with httpx.Client(base_url=server.url, timeout=30) as again:
        retried = again.post("/cases", json=form, headers={**registrar, "Idempotency-Key": "intake-0001"})
        repaid = again.post(f"/cases/{case_id}/payments", json=payment, headers={**registrar, "Idempotency-Key": "pay-0001"})
        reused = again.post(f"/cases/{case_id}/payments", json={**payment, "amount": 1}, headers={**registrar, "Idempotency-Key": "pay-0001"})
    for before, after in ((first, retried), (paid, repaid)):
        assert (after.status_code, after.json()) == (before.status_code, before.json())
        assert after.headers["ETag"] == before.headers["ETag"]
        assert after.headers.get("Idempotent-Replayed") == "true"
    assert retried.headers["Location"] == first.headers["Location"]
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    assert head(store) == events, "a retried command wrote again"


# --- If-Match ---------------------------------------------------------------------------------------------------


def race(clients: int, attempt: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    """Run `attempt(i)` in `clients` threads released together; their answers in client order."""
    barrier, answers = threading.Barrier(clients), [None] * clients
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            answers[i] = attempt(i)
        except BaseException as error:  # surfaced below, with the client's number
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return answers  # type: ignore[return-value]


def test_if_match_lets_exactly_one_of_the_writers_who_read_the_same_version_through(server, http, token, store):
    registrar = bearer(token("registrar", "wgsh"))
    case_id = applied(http, registrar)
    _, etag = read_case(http, case_id, registrar)
    stale = http.post(f"/cases/{case_id}/review", json={"decided_on": "2026-03-03"}, headers={**registrar, "If-Match": '"0"'})
    assert stale.status_code == 412 and stale.json()["code"] == "stale_version", stale.text
    malformed = http.post(f"/cases/{case_id}/review", json={"decided_on": "2026-03-03"}, headers={**registrar, "If-Match": "yesterday"})
    assert malformed.status_code == 422 and malformed.json()["field"] == "If-Match", malformed.text
    events = head(store)

    def review(i: int) -> httpx.Response:
        with httpx.Client(base_url=server.url, timeout=60) as own:
            return own.post(f"/cases/{case_id}/review", json={"decided_on": "2026-03-03"}, headers={**registrar, "If-Match": etag})

    answers = race(8, review)
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(200) == 1, [(a.status_code, a.text[:200]) for a in answers]
    assert set(statuses) <= {200, 409, 412}, [(a.status_code, a.text[:200]) for a in answers]
    assert head(store) == events + 1, "exactly the winner's Approved is in the log"
    view, now = read_case(http, case_id, registrar)
    assert view["stage"] == "awaiting_payment" and now == f'"{int(etag.strip(chr(34))) + 1}"'


# --- twenty clients on one case (PostgreSQL) -------------------------------------------------------------------

RACERS = 20


def next_command(view: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The command a desk would send next for the case as read (None: nothing left to do)."""
    stage = view["stage"]
    if stage == "applied":
        return "review", {"decided_on": "2026-03-03"}
    if stage == "awaiting_payment":
        return "payments", {"amount": view["fee_due"]["total"], "paid_on": "2026-03-04"}
    if stage == "ready_to_sit":
        return "attendance", {"sat_on": "2026-04-18", "attended": True}
    if stage == "awaiting_results":
        pending = [a["subject"] for a in view["attempts"] if a["outcome"] == "pending"] or view["subjects"]
        return "results", {"subject": pending[0], "score": 80, "recorded_on": "2026-05-08"}
    if stage == "qualified" and not view.get("certificate"):
        return "certificate", {"issued_on": "2026-05-20"}
    return None


@pytest.mark.parametrize("store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_twenty_clients_racing_on_one_case_lose_no_command_and_gain_none(server, http, token, store):
    registrar = bearer(token("registrar", "wgsh"))
    case_id = applied(http, registrar)
    start = head(store)
    racers = [bearer(token("registrar", "wgsh", label=f"racer-{i:02d}")) for i in range(RACERS)]
    log: list[tuple[int, httpx.Response]] = []
    lock = threading.Lock()

    def compete(i: int) -> httpx.Response:
        with httpx.Client(base_url=server.url, timeout=60) as own:
            last = None
            for _ in range(12):
                view, etag = read_case(own, case_id, racers[i])
                command = next_command(view)
                if command is None:
                    break
                name, payload = command
                headers = {**racers[i], "If-Match": etag} if i % 2 == 0 else racers[i]  # half race blind
                last = own.post(f"/cases/{case_id}/{name}", json=payload, headers=headers)
                with lock:
                    log.append((i, last))
            return last  # type: ignore[return-value]

    race(RACERS, compete)

    accepted = [(i, r) for i, r in log if r.status_code == 200]
    refused = [(i, r) for i, r in log if r.status_code != 200]
    odd = [(i, r.status_code, r.text[:200]) for i, r in refused if not refused_by_a_rule(r)]
    assert not odd, f"answers that are neither accepted nor a named refusal: {odd}"
    assert len(accepted) >= 3 and refused, f"no real race: {len(accepted)} accepted, {len(refused)} refused"

    # Every accepted command's write is in the log, attributed to its client; nothing else was written.
    app = CasesApplication(store)
    try:
        notifications = app.recorder.select_notifications(start + 1, 1000)
        actors = {n.id: getattr(app.mapper.to_domain_event(n), "actor", None) for n in notifications}
        case_events = sum(1 for n in notifications if n.originator_id == uuid.UUID(case_id))
    finally:
        app.close()
    ends = sorted(r.json()["position"] for _, r in accepted)
    assert len(set(ends)) == len(accepted), "two accepted commands claim the same write"
    assert set(actors) == set(range(start + 1, ends[-1] + 1)), f"events written by no accepted command: {sorted(actors)} vs {ends}"
    saves, first = {}, start + 1
    for end in ends:
        saves[end], first = {actors[n] for n in range(first, end + 1)}, end + 1
    for i, response in accepted:
        assert saves[response.json()["position"]] == {f"registrar:wgsh:racer-{i:02d}"}, (i, response.json())
    view, _ = read_case(http, case_id, registrar)
    assert view["version"] == 1 + case_events
    assert view["certificate"], "the racing desks took the case through to its certificate"


def refused_by_a_rule(response: httpx.Response) -> bool:
    """409 (a lost race or the wrong stage), 412 (a stale If-Match), or another 4xx naming its rule."""
    if response.status_code in (409, 412):
        return True
    if not 400 <= response.status_code < 500:
        return False
    problem = response.json()
    return bool(problem.get("code")) and problem["code"] not in ("invalid_request", "unauthenticated", "forbidden") and bool(problem.get("clause"))


def test_the_readme_run_command_serves_the_demo_from_an_empty_store_and_a_cli_token_reads_it(tmp_path):
    """`cases serve` on an empty embedded store loads the demo cases, says where the docs are, and serves them to a
    token made with `cases tokens create`."""
    import subprocess

    from tests.support.live_server import CASES, server_env

    settings = Settings(data_dir=tmp_path / "var", id_hash_key="readme-demo")
    with live_server(settings, demo=True) as server:
        said = server.log_path.read_text()
        assert "the store is empty: loading the demo cases" in said and f"{server.url}/docs" in said
        assert httpx.get(f"{server.url}/docs").status_code == 200
        made = subprocess.run(
            [str(CASES), "tokens", "create", "--role", "compliance", "--label", "auditor", "--data-dir", str(settings.data_dir)],
            env=server_env(settings), capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert made.returncode == 0, made.stderr
        auditor = bearer(made.stdout.strip())
        deadline = time.monotonic() + 30
        while not (certificates := httpx.get(f"{server.url}/registers/certificates", headers=auditor).json()):
            assert time.monotonic() < deadline, "the demo's certificates never reached the register"
            time.sleep(0.2)
        assert {row["body"] for row in certificates} >= {"wgsh", "dsxh"}
        metrics = httpx.get(f"{server.url}/metrics").text
        assert 'cases_projection_lag{projection="certificates"}' in metrics
