"""Benchmark: the HTTP API under 50 concurrent clients on loopback — throughput, p50/p99 and ratios from one run.

    .venv/bin/python bench/api.py                       # SQLite (the embedded default); ~1-2 minutes
    CASES_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/api.py

The server is this benchmark's own app (`create_app`, plus a bare `GET /bench/bare` that exists only here, and the
public rate limit switched off) under uvicorn in a separate process, with projections following in-process and
JSON request logs written (to /dev/null) as in production. Measured:
 (i)   public certificate verification, GET /public/certificates/{number}?name=…;
 (ii)  the bare FastAPI endpoint in the same server (sync, like every route, and matched first: FastAPI's floor);
 (iii) a case command over HTTP: FeePaid (POST /cases/{id}/payments), each request paying a case of its own;
 (iv)  the same command called directly on the application service, by 50 threads in this process, with the
       projections following in-process as the embedded server runs them: what (iii) fronts, less HTTP;
 (v)   the same again without projections (for reference: the application service alone);
 (vi)  the console's hotline queue page, GET /console/complaints, signed in as a wgsh supervisor (session cookie):
       COMPLAINTS open complaints rendered as an HTML table;
 (vii) the JSON route serving the same rows, GET /complaints?state=open&limit=200, with that supervisor's token.
and prints (i)/(ii), (iii)/(iv) and (vi)/(vii) (targets >= 0.5), and (iii)/(v). Request loops are bounded in count
and time; only loopback.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from functools import partial
from pathlib import Path
from statistics import quantiles
from urllib.parse import quote

import anyio

import httpx

# This file is bench/api.py: keep its folder off the path so that `api` is the HTTP API package, and load the
# bulk generator beside it by its file.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
_spec = importlib.util.spec_from_file_location("bench_generate", HERE / "generate.py")
_generate = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(_generate)  # type: ignore[union-attr]
BulkApplication = _generate.BulkApplication
settings_for = _generate.settings_for
drop = _generate.drop

from cases.service.application import CasesApplication  # noqa: E402
from cases.identity import make_test_id_number  # noqa: E402
from cases.settings import SHANGHAI, Settings  # noqa: E402

CLIENTS = 50
PROCESSES = 2  # client processes (of CLIENTS // PROCESSES threads each): one Python client cannot keep up
APPLIED, DECIDED, PAID_ON, FEE = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4), 598
HOLDER = "王芳"
# The server's today: the last day of the rule book's year, after every business date the seeded cases carry (the
# generator's own CASES_TODAY, far ahead for its generated years, would judge the queue decades late).
SERVER_TODAY = date(2026, 12, 31)
COMPLAINTS = 100  # open complaints on wgsh's queue (the console page shows up to 200: all of them, as the JSON route)


# --- the server process -----------------------------------------------------------------------------------------


def serve(port: int, settings: Settings) -> None:
    import uvicorn

    from api.app import create_app
    from cases.observability import configure_logging

    configure_logging(json=True, stream=open(os.devnull, "w"))  # noqa: SIM115 (lives as long as the process)
    app = create_app(settings, in_process_projections=True)
    app.state.public_rate_limit = None

    @app.get("/bench/bare", include_in_schema=False)
    def bare() -> dict[str, bool]:
        return {"ok": True}

    app.router.routes.insert(0, app.router.routes.pop())  # matched first: the floor, with no route tried before it

    uvicorn.run(app, host="127.0.0.1", port=port, log_config=None, access_log=False, log_level="warning")


def server_env(settings: Settings) -> dict[str, str]:
    tunables = ("CASES_QUERY_THREADS", "CASES_COMMAND_THREADS")  # passed on, to measure other thread budgets
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASES_") or k in tunables}
    env.update(CASES_DATA_DIR=str(settings.data_dir), CASES_ID_HASH_KEY=settings.id_hash_key or "", CASES_TODAY=SERVER_TODAY.isoformat())
    if settings.database_url:
        env.update(CASES_DATABASE_URL=settings.database_url, CASES_POSTGRES_SCHEMA=settings.postgres_schema or "")
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- seeding ----------------------------------------------------------------------------------------------------


def received_on(i: int) -> date:
    """The day the i-th complaint came in: one of the four weeks before the server's today (SERVER_TODAY), so the
    queue holds what a live one does (on time, due, breached by a few working days), not complaints judged decades
    late on the generator's CASES_TODAY."""
    return SERVER_TODAY - timedelta(days=i % 28)


def seed(settings: Settings, approved: int) -> tuple[list[str], str]:
    """`approved` cases awaiting their fee (wgsh, level 3: 598 yuan), and one certified case; its number."""
    bulk = BulkApplication(settings)
    ids: list[str] = []
    try:
        for i in range(approved):
            birth = date(1975, 1, 1) + timedelta(days=i // 1000)
            case_id = bulk.apply(
                name=HOLDER, id_number=make_test_id_number("310101", birth, i % 1000), body="wgsh", occupation="互联网营销师",
                work_type="视频创推员", level=3, applied_on=APPLIED, actor="bench",
                evidence={"work": [{"occupation": "互联网营销师", "start": "2010-01-01"}]},
            )  # fmt: skip
            bulk.review(case_id, decided_on=DECIDED, actor="bench")
            ids.append(str(case_id))
            if len(bulk.held) > 1000:
                bulk.flush()
        bulk.flush()
    finally:
        bulk.close()
    app = CasesApplication(settings)
    try:
        case_id = app.apply(
            name=HOLDER, id_number=make_test_id_number("310104", date(1990, 5, 17), 7), body="wgsh", occupation="互联网营销师",
            work_type="视频创推员", level=3, applied_on=APPLIED, actor="bench",
            evidence={"work": [{"occupation": "互联网营销师", "start": "2010-01-01"}]},
        )  # fmt: skip
        app.review(case_id, decided_on=DECIDED, actor="bench")
        app.pay_fee(case_id, amount=FEE, paid_on=PAID_ON, actor="bench")
        app.record_attendance(case_id, sat_on=date(2026, 4, 18), attended=True, actor="bench")
        for subject in app.get_case(case_id).subjects:
            app.record_result(case_id, subject=subject, score=80, recorded_on=date(2026, 5, 8), actor="bench")
        number = app.issue_certificate(case_id, issued_on=date(2026, 5, 20), actor="bench")
        categories = ("results_late", "certificates", "fees", "other")
        for i in range(COMPLAINTS):
            app.hotline.receive(
                channel="body_line", received_at=datetime.combine(received_on(i), dt_time(10, i % 60), tzinfo=SHANGHAI), body="wgsh",
                category=categories[i % len(categories)], words=f"第{i}号来电：成绩至今未公布", complainant_name="李四",
                complainant_contact=f"139{i:08d}", actor="bench",
            )  # fmt: skip
    finally:
        app.close()
    return ids, number


# --- measuring --------------------------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    seconds: float
    latencies: list[float]
    failures: int

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds

    def line(self) -> str:
        cuts = quantiles(self.latencies, n=100) if len(self.latencies) > 1 else [self.latencies[0]] * 99
        return (f"{self.name:<38} {self.throughput:>8,.0f} /s   p50 {cuts[49] * 1000:>7.1f} ms   p99 {cuts[98] * 1000:>7.1f} ms"
                f"   ({len(self.latencies):,} in {self.seconds:.1f}s{f', {self.failures} FAILED' if self.failures else ''})")  # fmt: skip


Request = tuple[str, str, bytes | None]  # method, path with query, JSON body


def _client(args: tuple[int, list[Request], int, dict[str, str], int, float]) -> tuple[list[float], int, float, float]:
    """One client process: `threads` keep-alive connections share `requests` (stdlib http.client: light enough
    that the client is not what is measured). Returns latencies, failures, and when it started and ended."""
    port, requests, threads, headers, expect, limit_seconds = args
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    issued = iter(requests)
    began = time.time()
    deadline = time.perf_counter() + limit_seconds

    def worker() -> None:
        nonlocal failures
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for method, path, body in issued:
            if time.perf_counter() > deadline:
                break
            started = time.perf_counter()
            connection.request(method, path, body=body, headers=headers if body is None else {**headers, "Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            with lock:
                latencies.append(time.perf_counter() - started)
                failures += response.status != expect
        connection.close()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return latencies, failures, began, time.time()


def load(name: str, port: int, requests: list[Request], limit_seconds: float, headers: dict[str, str] | None = None) -> Result:
    """The requests from CLIENTS concurrent clients (PROCESSES processes of threads), bounded by `limit_seconds`."""
    per_process = CLIENTS // PROCESSES
    jobs = [(port, requests[k::PROCESSES], per_process, headers or {}, 200, limit_seconds) for k in range(PROCESSES)]
    with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
        parts = pool.map(_client, jobs)
    seconds = max(p[3] for p in parts) - min(p[2] for p in parts)
    return Result(name, seconds, [x for p in parts for x in p[0]], sum(p[1] for p in parts))


def direct(settings: Settings, case_ids: list[str], limit_seconds: float, *, projecting: bool) -> Result:
    """The same FeePaid commands on the application service, by CLIENTS threads (no HTTP). `projecting`: with the
    projections following in-process as in the embedded server (`Services`), so that the one difference left
    between this and (iii) is the HTTP API; without: the application service alone."""
    from api.services import Services

    services = Services.open(settings, in_process_projections=projecting)
    app = services.app
    anyio.run(partial(services.wait_for, app.recorder.max_notification_id(), timeout=60))  # followers caught up: a quiet start
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + limit_seconds

    def pay(case_id: str) -> None:
        nonlocal failures
        if time.perf_counter() > deadline:
            return
        started = time.perf_counter()
        try:
            app.pay_fee(uuid.UUID(case_id), amount=FEE, paid_on=PAID_ON, actor="bench:direct")
            failed = 0
        except Exception:  # counted, as the HTTP run counts non-200 answers
            failed = 1
        with lock:
            latencies.append(time.perf_counter() - started)
            failures += failed

    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(pay, case_ids))
        name = "(iv)  FeePaid, service + projections" if projecting else "(v)   FeePaid, service alone"
        return Result(name, time.perf_counter() - started, latencies, failures)
    finally:
        services.close()


def wait_until(url: str, check: Callable[[httpx.Response], bool], path: str, timeout: float, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        try:
            if check(httpx.get(url + path, timeout=5)):
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{path} did not answer as expected within {timeout:.0f}s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=8000, help="requests per read measurement (i, ii)")
    parser.add_argument("--commands", type=int, default=2500, help="commands per command measurement (iii, iv, v)")
    parser.add_argument("--seconds", type=float, default=15.0, help="time limit of each measurement")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # internal: run the server on this port
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, Settings.from_env())
        return 0

    from api.store import ApiStore
    from api.tokens import create_token
    from cases.observability import configure_logging

    configure_logging(json=True, stream=open(os.devnull, "w"))  # noqa: SIM115 (as the server's: written, not shown)

    with tempfile.TemporaryDirectory(prefix="cases-bench-api-") as directory:
        settings = settings_for(Path(directory) / "var")
        try:
            began = time.perf_counter()
            print(f"store: {'PostgreSQL' if settings.database_url else 'SQLite'}; seeding {3 * args.commands:,} approved cases …", flush=True)
            case_ids, number = seed(settings, 3 * args.commands)
            n = args.commands
            over_http, on_service, alone = case_ids[:n], case_ids[n : 2 * n], case_ids[2 * n :]
            tokens = ApiStore.from_settings(settings)
            token, _ = create_token(tokens, role="registrar", body="wgsh", label="bench")
            supervisor, _ = create_token(tokens, role="supervisor", body="wgsh", label="bench-supervisor")
            tokens.dispose()
            print(f"seeded in {time.perf_counter() - began:.1f}s; starting the server …", flush=True)

            port = free_port()
            url = f"http://127.0.0.1:{port}"
            log = open(Path(directory) / "server.log", "wb")  # noqa: SIM115
            process = subprocess.Popen([sys.executable, __file__, "--serve", str(port)], env=server_env(settings), stdout=log, stderr=subprocess.STDOUT)
            try:
                verify = f"/public/certificates/{number}"
                wait_until(url, lambda r: r.status_code == 200, "/health", 60, process)
                caught_up = lambda r: r.status_code == 200 and not any(r.json()["projections"].values())  # noqa: E731
                wait_until(url, caught_up, "/ready", 120, process)  # the projections have followed the seeded log
                print(f"server up on {url}; {CLIENTS} clients\n", flush=True)
                results = measure(port, verify, token, over_http, args)
                results += measure_queue(port, url, supervisor, args)
            finally:
                process.terminate()
                process.wait(timeout=30)
                log.close()
            results.append(direct(settings, on_service, args.seconds, projecting=True))
            results.append(direct(settings, alone, args.seconds, projecting=False))
        finally:
            drop(settings)

    verification, bare, http_commands, queue_page, queue_json, direct_commands, service_alone = results
    for result in results:
        print(result.line())
    read_ratio = verification.throughput / bare.throughput
    command_ratio = http_commands.throughput / direct_commands.throughput
    print()
    print(f"verification / bare     = {read_ratio:.2f}  (target >= 0.5)  {'OK' if read_ratio >= 0.5 else 'BELOW TARGET'}")
    print(f"HTTP commands / direct  = {command_ratio:.2f}  (target >= 0.5)  {'OK' if command_ratio >= 0.5 else 'BELOW TARGET'}")
    print(f"  (against the service alone, without projections: {http_commands.throughput / service_alone.throughput:.2f})")
    page_ratio = queue_page.throughput / queue_json.throughput
    print(f"queue page / JSON route = {page_ratio:.2f}  (target >= 0.5)  {'OK' if page_ratio >= 0.5 else 'BELOW TARGET'}")
    print(f"total {time.perf_counter() - began:.0f}s")
    return 1 if any(r.failures for r in results) else 0


def measure(port: int, verify: str, token: str, case_ids: list[str], args: argparse.Namespace) -> list[Result]:
    verification: list[Request] = [("GET", f"{verify}?name={quote(HOLDER)}", None)] * args.requests
    bare: list[Request] = [("GET", "/bench/bare", None)] * args.requests
    payment = json.dumps({"amount": FEE, "paid_on": PAID_ON.isoformat()}).encode()
    payments: list[Request] = [("POST", f"/cases/{case_id}/payments", payment) for case_id in case_ids]
    load("warm-up", port, bare[:300] + verification[:300], 10)
    return [
        load("(i)   verify a certificate (public)", port, verification, args.seconds),
        load("(ii)  bare FastAPI endpoint", port, bare, args.seconds),
        load("(iii) FeePaid over HTTP", port, payments, args.seconds, {"Authorization": f"Bearer {token}"}),
    ]


def signed_in_cookie(url: str, token: str) -> str:
    """The console's session cookie for the token: its sign-in form read, then posted with its CSRF field."""
    import re

    from api.console.session import COOKIE

    with httpx.Client(base_url=url, timeout=30) as browser:
        form = browser.get("/console/sign-in")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
        answer = browser.post("/console/sign-in", data={"token": token, "csrf": csrf}, follow_redirects=False)
        if answer.status_code != 303 or COOKIE not in browser.cookies:
            raise SystemExit(f"console sign-in failed: {answer.status_code} {answer.text[:200]}")
        return f"{COOKIE}={browser.cookies[COOKIE]}"


def measure_queue(port: int, url: str, token: str, args: argparse.Namespace) -> list[Result]:
    """(vi) the queue page and (vii) the JSON route with the same rows, after checking they do hold the same rows."""
    cookie = {"Cookie": signed_in_cookie(url, token)}
    bearer = {"Authorization": f"Bearer {token}"}
    json_path = "/complaints?state=open&limit=200"
    rows = httpx.get(url + json_path, headers=bearer, timeout=30).json()
    html = httpx.get(url + "/console/complaints", headers=cookie, timeout=30).text
    shown = html.count('<tr class="standing-')
    if len(rows) != COMPLAINTS or shown != COMPLAINTS:
        raise SystemExit(f"the queue page shows {shown} rows and the JSON route {len(rows)}; expected {COMPLAINTS} each")
    page: list[Request] = [("GET", "/console/complaints", None)] * args.requests
    route: list[Request] = [("GET", json_path, None)] * args.requests
    load("warm-up", port, page[:200], 10, cookie)
    load("warm-up", port, route[:200], 10, bearer)
    return [
        load(f"(vi)  queue page ({COMPLAINTS} rows, HTML)", port, page, args.seconds, cookie),
        load(f"(vii) GET /complaints ({COMPLAINTS} rows, JSON)", port, route, args.seconds, bearer),
    ]


if __name__ == "__main__":
    raise SystemExit(main())
