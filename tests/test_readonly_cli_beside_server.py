"""Read-only commands beside a live server (issue 12 point 5), on SQLite and PostgreSQL.

`cases reports monthly`, `cases case show / timeline / as-of`, `cases projections status` and `cases sittings`
only read: they work while another process follows the log and holds the projections' leases — `cases serve` on
SQLite (its worker projects in-process), a `cases projections run` worker on PostgreSQL. A read command never needs
a lease: when a live follower holds it, that follower keeps the register current and the command reads what it
wrote, after waiting (briefly) for it to reach the events written before the command was asked.
"""

from __future__ import annotations

import csv
import io
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from cases.service.application import CasesApplication
from cases.projections.engine.store import ReadModelStore
from cases.settings import Settings
from tests.builders import apply, event_count, paid
from tests.support.live_server import CASES, live_server, server_env
from tests.support.projection_worker import start_projections_run

pytestmark = pytest.mark.timeout(240)
D = date.fromisoformat


@contextmanager
def live_follower(store: Settings, log: Path) -> Iterator[None]:
    """What follows the log beside the commands: `cases serve` on SQLite, `cases projections run` on PostgreSQL."""
    if not store.database_url:
        with live_server(store):
            yield
        return
    worker: subprocess.Popen[bytes] = start_projections_run(store, log)
    try:
        yield
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def monthly_report_position(read_models: ReadModelStore) -> int:
    generation = read_models.live_generation("monthly_report")
    return read_models.position("monthly_report", generation) if generation else 0


def wait_until_projected(read_models: ReadModelStore, head: int, within: float = 30.0) -> None:
    """Until the live follower has projected the head (so it has just renewed its lease)."""
    deadline = time.monotonic() + within
    while monthly_report_position(read_models) < head:
        assert time.monotonic() < deadline, f"the live follower did not reach {head} within {within}s"
        time.sleep(0.05)


def run(store: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed `cases` in a process of its own, as an operator runs it beside the server."""
    command = [str(CASES), *args, "--data-dir", str(store.data_dir)]
    env = server_env(store, CASES_LOG_FORMAT="console", CASES_LOG_LEVEL="WARNING")
    return subprocess.run(command, check=False, env=env, capture_output=True, text=True, timeout=120)


def applications_in(report: Path) -> int:
    rows = csv.DictReader(io.StringIO(report.read_bytes().decode("utf-8-sig")))
    return sum(int(row["applications"]) for row in rows)


def test_read_only_commands_work_beside_a_live_follower_holding_the_leases(store: Settings, tmp_path: Path):
    writer = CasesApplication(store)
    read_models = ReadModelStore.from_settings(store)
    try:
        first = paid(writer, applied_on=D("2026-03-02"))
        with live_follower(store, tmp_path / "worker.log"):
            for attempt in range(3):  # the issue saw 3 of 3 tries fail within ~30 s of a write
                apply(writer, applied_on=D("2026-03-03"))
                wait_until_projected(read_models, event_count(writer))

                report = tmp_path / f"monthly-{attempt}.csv"
                result = run(store, "reports", "monthly", "--format", "csv", "--out", str(report))
                assert result.returncode == 0, result.stderr
                assert "LeaseHeld" not in result.stderr
                assert applications_in(report) == 2 + 2 * attempt  # what was written before the command was asked

                # A write the follower has not projected yet: the command waits for it, never for the lease.
                apply(writer, applied_on=D("2026-03-04"))
                result = run(store, "reports", "monthly", "--format", "csv", "--out", str(report))
                assert result.returncode == 0, result.stderr
                assert applications_in(report) == 3 + 2 * attempt

                if attempt:
                    continue  # the case and status commands once: they read no register a lease guards
                for command in (["case", "show", str(first)], ["case", "timeline", str(first)], ["case", "as-of", str(first), "--version", "2"],
                                ["case", "diff", str(first), "--from", "1", "--to", "3"], ["projections", "status"],
                                ["sittings", "late", "--on", "2026-03-05"], ["sittings", "plan", "--month", "2026-03"]):  # fmt: skip
                    result = run(store, *command)
                    assert result.returncode == 0, (command, result.stderr)
                    assert "LeaseHeld" not in result.stderr
    finally:
        writer.close()
        read_models.dispose()
