"""`cases serve --workers 2` on PostgreSQL, run as an operator runs it: killed with `kill -9`, its workers die with
it, so a restart binds the port at once; with CASES_LOG_FORMAT=json every line any of its processes writes is one
whole JSON record, and both workers log their requests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from cases.settings import Settings
from tests.support.live_server import CASES, START_TIMEOUT, STOP_TIMEOUT, free_port, server_env

pytestmark = pytest.mark.parametrize("store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)

WORKERS = 2
GONE_WITHIN = 3.0  # seconds for the workers to follow their killed parent
REBIND_WITHIN = 2.0  # seconds a restart may keep finding the port taken


# --- processes, as /proc shows them ----------------------------------------------------------------------------


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, or None when there is no such process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    state, ppid = text.rsplit(")", 1)[1].split()[:2]  # the command name in brackets may hold spaces
    return state, int(ppid)


def running(pid: int) -> bool:
    """Alive, not a zombie waiting for whoever adopted it to reap it."""
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def descendants(root: int) -> set[int]:
    """Every process below `root` (workers, and the resource tracker multiprocessing starts beside them)."""
    parents = {int(name): stat[1] for name in os.listdir("/proc") if name.isdigit() and (stat := _stat(int(name)))}
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - found
        found |= frontier
    return found


def is_worker(pid: int) -> bool:
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


# --- the server ------------------------------------------------------------------------------------------------


class Served:
    """One `cases serve --workers N` process writing its stdout and stderr to one file, as `cmd > log 2>&1` does."""

    def __init__(self, settings: Settings, port: int, log_path: Path, env: dict[str, str]) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        command = [str(CASES), "serve", "--no-demo", "--workers", str(WORKERS), "--host", "127.0.0.1", "--port", str(port)]
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(command, env=server_env(settings, **env), stdout=log, stderr=subprocess.STDOUT)
        self.started: set[int] = set()  # every process it started, to clean up whatever happens

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_until_serving(self) -> None:
        """Until /health answers and both workers run; raises with the output when the server exits first."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            self.started |= descendants(self.process.pid)
            if self.process.poll() is not None:
                raise RuntimeError(f"cases serve exited with {self.process.returncode}:\n{self.output()[-4000:]}")
            if len(self.workers()) == WORKERS and answers_health(self.url):
                return
            time.sleep(0.05)
        raise RuntimeError(f"cases serve did not answer /health within {START_TIMEOUT:.0f}s:\n{self.output()[-4000:]}")

    def workers(self) -> set[int]:
        return {pid for pid in self.started if is_worker(pid)}

    def stop(self) -> None:
        """Ctrl-C (uvicorn stops its workers), then SIGKILL for anything it started that is still running."""
        if self.process.poll() is None:
            self.started |= descendants(self.process.pid)
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process.wait(timeout=STOP_TIMEOUT)
        for pid in self.started:
            if running(pid):
                os.kill(pid, signal.SIGKILL)


def answers_health(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=1.0).status_code == 200
    except httpx.TransportError:
        return False


@contextmanager
def serving(settings: Settings, port: int, name: str, **env: str) -> Iterator[Served]:
    Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    server = Served(settings, port, Path(settings.data_dir) / f"{name}.log", env)
    try:
        server.wait_until_serving()
        yield server
    finally:
        server.stop()


# --- kill -9 ----------------------------------------------------------------------------------------------------


def test_workers_die_with_a_killed_parent_and_a_restart_binds_the_port_at_once(store: Settings):
    port = free_port()
    with serving(store, port, "first") as first:
        workers = first.workers()
        everything = first.started
        first.process.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        first.process.wait(timeout=STOP_TIMEOUT)
        while (left := {pid for pid in everything if running(pid)}) and time.monotonic() - killed_at < GONE_WITHIN:
            time.sleep(0.05)
        assert not left, f"still running {GONE_WITHIN}s after the parent was killed: {sorted(left)} (workers {sorted(workers)})"

    attempt = 0
    while True:  # at most REBIND_WITHIN seconds of "address already in use", no more
        attempt += 1
        try:
            with serving(store, port, f"restart-{attempt}") as again:
                assert answers_health(again.url)
            break
        except RuntimeError as error:
            if "address already in use" not in str(error) or time.monotonic() - killed_at > REBIND_WITHIN:
                raise


# --- logs from two workers --------------------------------------------------------------------------------------

CLIENTS = 8
REQUESTS_EACH = 40


def hammer(url: str) -> list[int]:
    """CLIENTS threads sending REQUESTS_EACH requests each, every one on a new connection so both workers get some."""
    statuses: list[int] = []
    lock = threading.Lock()

    def client() -> None:
        for _ in range(REQUESTS_EACH):
            for attempt in range(3):  # a connection refused or reset under this load is not what the test checks
                try:
                    status = httpx.get(f"{url}/health", timeout=30).status_code
                    break
                except httpx.TransportError:
                    if attempt == 2:
                        raise
                    time.sleep(0.2)
            with lock:
                statuses.append(status)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def test_every_line_two_json_workers_write_is_one_json_record_and_both_log_requests(store: Settings):
    with serving(store, free_port(), "json", CASES_LOG_FORMAT="json") as server:
        statuses = hammer(server.url)
        workers = server.workers()
    assert statuses == [200] * CLIENTS * REQUESTS_EACH

    records, not_json = [], []
    for line in server.output().splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            not_json.append(line)
            continue
        (records if isinstance(record, dict) else not_json).append(record)
    assert not not_json, f"{len(not_json)} lines are not one JSON record each, e.g.:\n" + "\n".join(map(str, not_json[:5]))
    requests = [r for r in records if r.get("event") == "http.request" and r.get("path") == "/health"]
    assert len(requests) >= CLIENTS * REQUESTS_EACH, "a request line is missing"
    assert {r.get("pid") for r in requests} == workers, "both workers log the requests they serve"
