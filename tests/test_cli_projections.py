"""`cases projections status | run | rebuild | verify` on a demo store (SQLite and PostgreSQL), in-process and
through the installed script."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from cases.service.application import CasesApplication
from cli import app
from cases.demo import run_demo
from cases.projections.registry import PROJECTIONS, all_projections
from cases.projections.engine.service import Projections
from cases.projections.engine.store import ReadModelStore
from cases.settings import Settings
from tests.builders import apply, new_id_number
from tests.test_cli import cli_env

NAMES = [cls.name for cls in PROJECTIONS]


@pytest.fixture
def demo(store: Settings) -> Settings:
    """The demo year played on this test's own store (the tests run, rebuild and alter its registers)."""
    demo_app = CasesApplication(store)
    try:
        run_demo(demo_app)
    finally:
        demo_app.close()
    return store


def cases(settings: Settings, *args: str):
    return CliRunner().invoke(app, ["projections", *args, "--data-dir", str(settings.data_dir)], env=cli_env(settings))


def head_of(settings: Settings) -> int:
    store = CasesApplication(settings)
    try:
        return store.recorder.max_notification_id() or 0
    finally:
        store.close()


def status_rows(output: str) -> dict[str, list[str]]:
    """projection → [generation, position, head, lag, events, rate, …] as printed."""
    rows = {}
    for line in output.splitlines():
        cells = line.split()
        if cells and cells[0] in NAMES:
            rows[cells[0]] = cells[1:]
    return rows


def alter_a_certificate(settings: Settings) -> tuple[str, str]:
    """Change one certificate's holder in the live register behind the projection's back: (number, old name)."""
    events, store = CasesApplication(settings), ReadModelStore.from_settings(settings)
    try:
        certificates = Projections(events, store, all_projections()).live_tables("certificates")["certificates"]
        with store.engine.begin() as conn:
            number, name = conn.execute(select(certificates.c.number, certificates.c.holder_name).limit(1)).one()
            conn.execute(update(certificates).where(certificates.c.number == number).values(holder_name="李四"))
        return number, name
    finally:
        store.dispose()
        events.close()


def test_status_shows_every_projection_behind_the_demo_log_until_run_once_catches_them_up(demo):
    head = head_of(demo)
    before = cases(demo, "status")
    assert before.exit_code == 0, before.output
    assert "rate (events/s)" in before.stdout
    rows = status_rows(before.stdout)
    assert list(rows) == NAMES
    assert all(row[:4] == ["—", "0", str(head), str(head)] for row in rows.values()), rows

    ran = cases(demo, "run", "--once")
    assert ran.exit_code == 0, ran.output
    assert ran.stdout.splitlines() == [f"{name}: position {head}" for name in NAMES]

    rows = status_rows(cases(demo, "status").stdout)
    assert all(row[:4] == ["1", str(head), str(head), "0"] for row in rows.values()), rows
    assert int(rows["certificates"][4]) > 0 and float(rows["certificates"][5].replace(",", "")) > 0


def test_an_unknown_projection_is_refused_naming_the_known_ones(demo):
    result = cases(demo, "run", "--once", "certificate")
    assert result.exit_code == 2
    assert "no projection 'certificate'" in result.stderr and "certificates" in result.stderr


def test_rebuild_one_projection_then_all_of_them_each_with_its_progress_bar(demo):
    head = head_of(demo)
    assert cases(demo, "run", "--once").exit_code == 0

    one = cases(demo, "rebuild", "certificates")
    assert one.exit_code == 0, one.output
    assert one.stdout.splitlines()[0] == f"certificates: generation 2 live at position {head}"
    assert "certificates" in one.stderr and f"{head}/{head}" in one.stderr and "events/s" in one.stderr

    every = cases(demo, "rebuild")
    assert every.exit_code == 0, every.output
    generations = {name: 3 if name == "certificates" else 2 for name in NAMES}
    assert every.stdout.splitlines()[:-1] == [f"{n}: generation {g} live at position {head}" for n, g in generations.items()]
    assert all(name in every.stderr for name in NAMES)

    rows = status_rows(cases(demo, "status").stdout)
    assert {name: row[:4] for name, row in rows.items()} == {n: [str(g), str(head), str(head), "0"] for n, g in generations.items()}


def test_verify_says_the_registers_equal_the_log_and_exits_1_naming_a_row_altered_behind_its_back(demo):
    head = head_of(demo)
    assert cases(demo, "run", "--once").exit_code == 0
    equal = cases(demo, "verify")
    assert equal.exit_code == 0, equal.output
    assert equal.stdout.strip() == f"registers equal the log at position {head}"

    number, holder = alter_a_certificate(demo)
    differs = cases(demo, "verify")
    assert differs.exit_code == 1, differs.output
    assert differs.stdout.splitlines() == [
        f"certificates · certificates · {number}",
        f'  holder_name: live "李四", rebuilt "{holder}"',
        "1 difference: the registers do not equal the log",
    ]


def test_the_installed_script_follows_live_writes_until_sigterm_then_verify_exits_1_after_tampering(demo):
    script = shutil.which("cases", path=str(Path(sys.executable).parent)) or "cases"
    env = cli_env(demo)
    store = ReadModelStore.from_settings(demo)
    running = subprocess.Popen([script, "projections", "run", "--poll", "0.1"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        reached = lambda head: all(store.position(n, 1) == head for n in NAMES)  # noqa: E731
        head = head_of(demo)
        wait_for(lambda: reached(head), within=60)
        writer = CasesApplication(demo)
        try:
            apply(writer, body="wgsh", applied_on=date(2026, 11, 2), id_number=new_id_number(date(1979, 2, 3)), name="赵敏")
            head = writer.recorder.max_notification_id()
        finally:
            writer.close()
        wait_for(lambda: reached(head), within=10)
    finally:
        running.send_signal(signal.SIGTERM)
        out, err = running.communicate(timeout=30)
        store.dispose()
    assert running.returncode == 0, err
    assert out.strip() == "stopped: " + ", ".join(f"{name} at {head}" for name in NAMES)

    number, _ = alter_a_certificate(demo)
    verify = subprocess.run([script, "projections", "verify"], env=env, capture_output=True, text=True, timeout=120)
    assert verify.returncode == 1, verify.stderr
    assert f"certificates · certificates · {number}" in verify.stdout


def wait_for(condition, within: float) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, f"not within {within}s"
        time.sleep(0.1)


def test_the_installed_script_rebuilds_everything_in_two_processes_on_two_cores_with_the_same_registers(demo):
    """The progress bars run no thread of their own, so the command may fork its workers (`rebuild_plan`)."""
    script = shutil.which("cases", path=str(Path(sys.executable).parent)) or "cases"
    env = cli_env(demo)
    assert cases(demo, "run", "--once").exit_code == 0
    rebuilt = subprocess.run([script, "projections", "rebuild"], env=env, capture_output=True, text=True, timeout=120)
    assert rebuilt.returncode == 0, rebuilt.stderr
    last = rebuilt.stdout.strip().splitlines()[-1]
    if Settings.from_env({}).rebuild_processes >= 2:
        assert last.endswith(", over 2 processes (case_index, validity_windows, complaints, month_plan | certificates, bans, monthly_report)"), last
    else:
        assert "processes" not in last, last
    verify = subprocess.run([script, "projections", "verify"], env=env, capture_output=True, text=True, timeout=120)
    assert verify.returncode == 0, verify.stdout + verify.stderr
