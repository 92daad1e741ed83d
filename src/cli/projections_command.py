"""`cases projections status | run | rebuild | verify`: the read models (registers) projected from the event log.

Each opens the event store and the read-model store from the settings, calls `Projections`, and prints the answer;
progress bars go to stderr. `verify` is the compliance officer's proof: it rebuilds every register into a scratch
store and exits 1 when any row differs from the live one.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from cli.common import DATA_DIR_HELP, opened_app, stdout_console, text
from cases.projections.engine.follow_all import FollowAll
from cases.projections.engine.rebuild_all import rebuild_plan
from cases.projections.engine.runner import LeaseHeld
from cases.projections.engine.service import Projections
from cases.projections.registry import all_projections
from cases.projections.engine.verify import Difference
from cases.projections.engine.store import ReadModelStore

SETTLE_SECONDS = 3.0  # a server or `projections run` beside this command projects what was just written

projections = typer.Typer(help="Read models (registers) projected from the event log: status, run, rebuild, verify.", no_args_is_help=True)

DataDir = Annotated[Path | None, typer.Option("--data-dir", help=DATA_DIR_HELP)]
Names = Annotated[list[str] | None, typer.Argument(metavar="[NAME]...", help="projections (all when omitted)", show_default=False)]


@projections.command("status")
def status(ctx: typer.Context, data_dir: DataDir = None) -> None:
    """One line per projection: live generation, position reached, the log's head, lag, events applied, the last
    batch's rate, and whether a rebuild is due (the live generation was built by an older version of it); then a
    line for each projection that failed on an event (failures.py): the event's position, its kind and the error."""
    with _opened(ctx, data_dir) as found:
        lines = found.status()
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for heading in ("projection", "generation", "position", "head", "lag", "events", "rate (events/s)", "updated (UTC)", "rebuild"):
        table.add_column(heading, justify="left" if heading in ("projection", "updated (UTC)", "rebuild") else "right")
    for line in lines:
        table.add_row(
            text(line["projection"]), text(line["generation"] or "—"), text(line["position"]), text(line["head"]),
            text(line["lag"], "bold" if line["lag"] else ""), text(line["events"]), text(f"{line['rate']:,.1f}"),
            text((line["updated_at"] or "—")[:19].replace("T", " ")),
            text(f"due (built by v{line['version']})" if line["rebuild_due"] else "—", "bold" if line["rebuild_due"] else ""),
        )  # fmt: skip
    stdout_console().print(table)
    for line in lines:
        if failed := line["failed"]:
            stdout_console().print(text(
                f"{line['projection']} FAILED at position {failed['position']} on event {failed['event_position']} "
                f"({failed['event_topic']}), {failed['attempts']} attempt(s): {failed['error']}", "bold",
            ))  # fmt: skip


@projections.command("run")
def run(
    ctx: typer.Context,
    names: Names = None,
    once: Annotated[bool, typer.Option("--once", help="catch up, then stop")] = False,
    poll: Annotated[float, typer.Option("--poll", min=0.05, help="seconds between looks for new events (SQLite)")] = 0.5,
    data_dir: DataDir = None,
) -> None:
    """Catch up, then follow live writes until Ctrl-C or SIGTERM: PostgreSQL wakes on NOTIFY, SQLite looks every
    --poll seconds. One thread follows them all, reading each event once. A projection whose lease another runner
    holds is left to it (with --once: skipped), and taken over when that lease lapses (within seconds) or at once
    when that runner's process has ended on this host."""
    with _opened(ctx, data_dir) as found:
        chosen = _chosen(found, names)
        if once:
            for name in chosen:
                _catch_up_once(found, name)
            return
        _follow(found, chosen, poll)


@projections.command("rebuild")
def rebuild(ctx: typer.Context, names: Names = None, data_dir: DataDir = None) -> None:
    """Rebuild projections (all when none is named) from the first event into a new generation beside the live one,
    which keeps serving until the new one has caught up and takes its place. All of them: one pass over the log."""
    with _opened(ctx, data_dir) as found:
        chosen = _chosen(found, names)
        started = time.perf_counter()
        with _Bars(chosen) as bars:
            plan: list[list[str]] = [chosen]  # named ones: one after another, here
            if names:
                generations = {name: found.rebuild(name, progress=bars.advance) for name in chosen}
            else:
                bars.began = dict.fromkeys(chosen, bars.last_tick)  # one pass: they all start together
                plan = rebuild_plan(found)
                generations = found.rebuild_all(progress=lambda position, target: bars.advance_all(position, target))
            reached = {name: found.store.position(name, generation) for name, generation in generations.items()}
            for name, position in reached.items():
                bars.advance(name, position, position)
    seconds = time.perf_counter() - started
    for name, generation in generations.items():
        typer.echo(f"{name}: generation {generation} live at position {reached[name]}")
    split = f", over {len(plan)} processes ({' | '.join(', '.join(group) for group in plan)})" if len(plan) > 1 else ""
    typer.echo(f"rebuilt {len(generations)} projection{'s' if len(generations) != 1 else ''} in {seconds:.1f}s{split}")


@projections.command("verify")
def verify(ctx: typer.Context, data_dir: DataDir = None) -> None:
    """Rebuild every projection into a scratch store up to its live position and compare every row. Prints each
    difference (projection, table, key, live vs rebuilt) and exits 1 if there is any; states the log's head, and
    exits 2 without saying "equal" when a register stood behind it (not projected yet, or failed on an event)."""
    verified_at: dict[str, int] = {}
    with _opened(ctx, data_dir) as found, _Bars(list(found.projections)) as bars:
        head = found.app.recorder.max_notification_id() or 0

        def advance(name: str, position: int, target: int) -> None:
            bars.advance(name, position, target)
            verified_at[name] = target

        differences = found.verify(progress=advance, settle_seconds=SETTLE_SECONDS)
    console = stdout_console()
    for difference in differences:
        _print_difference(console, difference)
    if differences:
        plural = "s" if len(differences) != 1 else ""
        console.print(text(f"{len(differences)} difference{plural}: the registers do not equal the log", "bold"))
        raise typer.Exit(1)
    behind = {name: position for name, position in verified_at.items() if position < head}
    if behind:
        lines = ", ".join(f"{name} at {position} ({head - position} events behind)" for name, position in behind.items())
        console.print(text(f"no row differs, but not every register reached the log's head ({head}): {lines}", "bold"))
        console.print(text("see `cases projections status` (a failure names the event); the registers are not equal to the log"))
        raise typer.Exit(2)
    console.print(text(f"registers equal the log at position {head}"))


# --- helpers ---------------------------------------------------------------------------------------------


@contextmanager
def _opened(ctx: typer.Context, data_dir: Path | None) -> Iterator[Projections]:
    with opened_app(ctx, data_dir) as app:
        store = ReadModelStore.from_settings(app.settings)
        try:
            yield Projections(app, store, all_projections())
        finally:
            store.dispose()


def _chosen(found: Projections, names: list[str] | None) -> list[str]:
    for name in names or []:
        found.get(name)  # an unknown name is refused, naming the known ones
    return list(dict.fromkeys(names)) if names else list(found.projections)


def _catch_up_once(found: Projections, name: str) -> None:
    runner = found.runner(name)
    try:
        position = runner.catch_up()
    except LeaseHeld:
        typer.echo(f"{name}: another runner holds its lease and keeps it current; skipped", err=True)
        return
    finally:
        runner.lease.release()
    typer.echo(f"{name}: position {position}")


def _follow(found: Projections, names: list[str], poll: float) -> None:
    """One thread follows the chosen projections together (`FollowAll`: each event read and decoded once)."""
    stopping = threading.Event()
    failures: list[BaseException] = []

    def follow() -> None:
        try:
            FollowAll(found, names=names).follow(stopping, poll_seconds=poll)
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)
            stopping.set()

    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = {sig: signal.signal(sig, lambda *_: stopping.set()) for sig in (signal.SIGINT, signal.SIGTERM)} if in_main_thread else {}
    thread = threading.Thread(target=follow, name="projections")
    try:
        thread.start()
        typer.echo(f"following {', '.join(names)} (Ctrl-C to stop)", err=True)
        while thread.is_alive():
            stopping.wait(0.2)
            thread.join(timeout=0.05)
    finally:
        stopping.set()
        thread.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    for error in failures:
        typer.echo(f"error: {type(error).__name__}: {error}", err=True)
    reached = ", ".join(f"{line['projection']} at {line['position']}" for line in found.status() if line["projection"] in names)
    typer.echo(f"stopped: {reached}")
    if failures:
        raise typer.Exit(1)


class _Bars(Progress):
    """One bar per projection on stderr: position / target, and events per second since that projection began
    (they run one after another, so each begins when the one before last reported)."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(
            TextColumn("{task.description:<18}"), BarColumn(), MofNCompleteColumn(), _RateColumn(), TimeElapsedColumn(),
            console=Console(stderr=True), auto_refresh=False,  # redrawn at each report: no thread, so a rebuild may fork
        )  # fmt: skip
        self.bars = {name: self.add_task(name, total=None, rate=None) for name in names}
        self.began: dict[str, float] = {}
        self.last_tick = time.perf_counter()

    def advance(self, name: str, position: int, target: int) -> None:
        now = time.perf_counter()
        began = self.began.setdefault(name, self.last_tick)
        self.last_tick = now
        rate = position / (now - began) if now > began else None
        self.update(self.bars[name], completed=position, total=max(target, position, 1), rate=rate, refresh=True)

    def advance_all(self, position: int, target: int) -> None:
        for name in self.bars:
            self.advance(name, position, target)


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        rate = task.fields.get("rate")
        return Text(f"{rate:,.0f} events/s" if rate else "– events/s", style="progress.data.speed")


def _print_difference(console: Console, difference: Difference) -> None:
    console.print(text(f"{difference.projection} · {difference.table} · {difference.key}", "bold"))
    live, rebuilt = difference.live, difference.rebuilt
    if live is None or rebuilt is None:
        console.print(text(f"  live:    {_value(live) if live is not None else 'missing'}"))
        console.print(text(f"  rebuilt: {_value(rebuilt) if rebuilt is not None else 'missing'}"))
        return
    for column in sorted(set(live) | set(rebuilt)):
        if _value(live.get(column)) != _value(rebuilt.get(column)):
            console.print(text(f"  {column}: live {_value(live.get(column))}, rebuilt {_value(rebuilt.get(column))}"))


def _value(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False, sort_keys=True)
