"""Operating the read models: catch up, rebuild beside the live generation then switch, verify against a
scratch rebuild (the compliance officer's proof that the registers equal the log), and status.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, Table, select, update

from cases.projections.engine.base import LoggedApplication, Projection, Runner
from cases.projections.engine.failures import recorded_failures
from cases.projections.engine.follow_all import FollowAll
from cases.projections.engine.rebuild_all import rebuild_all
from cases.projections.engine.verify import Difference, canonical, verify
from cases.projections.engine.runner import ProjectionRunner, generation_tables
from cases.projections.engine.store import ReadModelStore

Progress = Callable[[str, int, int], None]  # (projection, position, target)
VIEW_MAX_AGE = 0.1  # seconds a live view is reused by the queries of one process


def table_rows(conn: Any, table: Table) -> dict[str, dict[str, Any]]:
    pk = [c.name for c in table.primary_key.columns]
    result = {}
    for row in conn.execute(select(table)).mappings():
        result["|".join(str(row[k]) for k in pk)] = dict(row)
    return result


@dataclass(frozen=True)
class LiveView:
    """The read models as one query found them: each projection's live generation and the position it had
    reached. A query through it reads the generations of that moment (a switch made meanwhile by a rebuild does not
    mix two generations in one answer), and `position` is a lower bound of what the rows it reads include."""

    projections: Projections
    generations: dict[str, int]
    positions: dict[str, int]

    @property
    def store(self) -> ReadModelStore:
        return self.projections.store

    @property
    def position(self) -> int:
        """The position every read model has reached (the lowest); 0 before any ran."""
        return min((self.positions.get(name, 0) for name in self.projections.projections), default=0)

    def live_tables(self, name: str) -> dict[str, Table]:
        generation = self.generations.get(name)
        return self.projections.live_tables(name) if generation is None else self.projections.tables_of(name, generation)


class Projections:
    def __init__(self, app: LoggedApplication, store: ReadModelStore, projections: list[Projection]) -> None:
        self.app, self.store = app, store
        self.projections = {p.name: p for p in projections}
        self._table_cache: dict[tuple[str, int], dict[str, Table]] = {}
        self._live_view_query: Select | None = None
        self._recent: tuple[float, LiveView] | None = None  # (read at, view): see `recent_view`

    def get(self, name: str) -> Projection:
        if name not in self.projections:
            from cases.errors import NotFound

            raise NotFound(f"no projection {name!r} (projections: {', '.join(self.projections)})", field="name")
        return self.projections[name]

    def runner(self, name: str, **options: Any) -> ProjectionRunner:
        return ProjectionRunner(self.app, self.store, self.get(name), **options)

    def catch_up(self, names: list[str] | None = None) -> dict[str, int]:
        """Catch each projection up once, then give its lease back (a one-off run holds it no longer)."""
        reached = {}
        for name in names or list(self.projections):
            runner = self.runner(name)
            try:
                reached[name] = runner.catch_up()
            finally:
                runner.lease.release()
        return reached

    def live_tables(self, name: str) -> dict[str, Table]:
        generation = self.store.live_generation(name)
        if generation is None:
            self.runner(name).generation()
            generation = self.store.live_generation(name) or 1
        return self.tables_of(name, generation)

    def tables_of(self, name: str, generation: int) -> dict[str, Table]:
        key = (name, generation)
        if key not in self._table_cache:  # tables of a generation never change: define (and create) them once
            self._table_cache[key] = generation_tables(self.store, self.get(name), generation)
        return self._table_cache[key]

    def recent_view(self, at_least: int = 0) -> LiveView:
        """The live view read within the last `VIEW_MAX_AGE` seconds (or read now), at `at_least` or further.

        Rows are always read from the tables themselves, so a recent view makes no answer stale: it only may
        report a position up to a tenth of a second behind (still one the rows include: positions only grow,
        and a generation is switched in only once it has caught up). What it saves is a query per read."""
        recent = self._recent
        if recent is not None and time.monotonic() - recent[0] <= VIEW_MAX_AGE and recent[1].position >= at_least:
            return recent[1]
        return self.fresh_view()

    def fresh_view(self) -> LiveView:
        """Read the live view now, and reuse it from here on (see `recent_view`)."""
        view = self.live_view()
        self._recent = (time.monotonic(), view)
        return view

    def live_view(self) -> LiveView:
        """Every projection's live generation and its position, in one query."""
        if self._live_view_query is None:  # built once: SQLAlchemy then reuses its cache key and compiled form
            live, positions = self.store.table("projection_live"), self.store.table("projection_positions")
            self._live_view_query = select(live.c.name, live.c.generation, positions.c.position).outerjoin(
                positions, (positions.c.name == live.c.name) & (positions.c.generation == live.c.generation)
            )
        with self.store.reader.connect() as conn:
            rows = conn.execute(self._live_view_query).tuples().all()
        return LiveView(self, {name: generation for name, generation, _ in rows}, {name: position or 0 for name, _, position in rows})

    # --- rebuild ------------------------------------------------------------------------------------

    def rebuild(self, name: str, progress: Progress | None = None) -> int:
        """Build a new generation from the start while the live one keeps serving, then switch to it."""
        projection = self.get(name)
        building = self.next_generation(name)
        runner = ProjectionRunner(self.app, self.store, projection, generation=building)
        runner.tables(building)
        runner.catch_up(progress=(lambda pos, target: progress(name, pos, target)) if progress else None)
        self.switch({name: runner})
        return building

    def rebuild_all(self, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
        """Every projection in one pass over the log (see `rebuild_all`)."""
        return rebuild_all(self, progress=progress)

    def next_generation(self, name: str) -> int:
        return max(self.store.live_generation(name) or 0, self._highest_generation(name)) + 1

    def switch(self, runners: Mapping[str, Runner]) -> None:
        """Make each runner's generation the live one of its projection, all in one transaction, after one pass
        over the log catching them all up (the last events written while building); then drop the old
        generations' tables. After a full rebuild every register switches at once: no reader sees some rebuilt
        and some not."""
        catching_up = FollowAll(self, batch_size=2000, runners=list(runners.values()))
        while catching_up.run_batch():
            pass
        live_table = self.store.table("projection_live")
        replaced = {name: self.store.live_generation(name) for name in runners}
        with self.store.engine.begin() as conn:
            for name, runner in runners.items():
                building = runner.fixed_generation
                if conn.execute(update(live_table).where(live_table.c.name == name).values(generation=building)).rowcount == 0:
                    conn.execute(live_table.insert().values(name=name, generation=building))
        for name, runner in runners.items():
            runner.lease.release()
            if replaced[name] and replaced[name] != runner.fixed_generation:
                self._drop(self.get(name), replaced[name])

    def _highest_generation(self, name: str) -> int:
        positions = self.store.table("projection_positions")
        with self.store.engine.connect() as conn:
            rows = conn.execute(select(positions.c.generation).where(positions.c.name == name)).scalars().all()
        return max(rows, default=0)

    def _drop(self, projection: Projection, generation: int) -> None:
        for table in generation_tables(self.store, projection, generation, create=False).values():
            table.drop(self.store.engine, checkfirst=True)

    # --- digests and verify -------------------------------------------------------------------------

    def snapshot(self, name: str, store: ReadModelStore | None = None, generation: int | None = None) -> tuple[int, dict[str, dict[str, dict[str, Any]]]]:
        """The position and every row of a projection's generation, read in one transaction."""
        store = store or self.store
        generation = generation or store.live_generation(name) or 1
        tables = generation_tables(store, self.get(name), generation)
        positions = store.table("projection_positions")
        with store.engine.connect() as conn:
            if store.is_sqlite:
                conn.exec_driver_sql("BEGIN")  # one read transaction (pysqlite would run each SELECT on its own)
            else:
                conn.execution_options(isolation_level="REPEATABLE READ")  # one snapshot for every SELECT
            query = select(positions.c.position).where(positions.c.name == name, positions.c.generation == generation)
            position = conn.execute(query).scalar() or 0
            rows = {short: table_rows(conn, table) for short, table in tables.items()}
        return position, rows

    def digest(self, name: str, store: ReadModelStore | None = None) -> str:
        _, rows = self.snapshot(name, store)
        hasher = hashlib.sha256()
        for short in sorted(rows):
            for key in sorted(rows[short]):
                hasher.update(f"{short}|{key}|{canonical(rows[short][key])}\n".encode())
        return hasher.hexdigest()

    def verify(self, progress: Progress | None = None, *, pause_collector: bool = True, settle_seconds: float = 0.0) -> list[Difference]:
        """Rebuild every projection into a scratch store up to the live position; list every row that differs
        (see `verify`)."""
        return verify(self, progress, pause_collector=pause_collector, settle_seconds=settle_seconds)

    def status(self) -> list[dict[str, Any]]:
        """Per projection: live generation, position, lag, events, rate, and `rebuild_due` when the live generation
        was built by an older version of the projection than this code's (its rows follow the old handling)."""
        head = self.app.recorder.max_notification_id() or 0
        positions, versions = self.store.table("projection_positions"), self.store.table("projection_versions")
        failures = recorded_failures(self.store)
        lines = []
        for name, projection in self.projections.items():
            generation = self.store.live_generation(name)
            with self.store.engine.connect() as conn:
                row = conn.execute(select(positions).where(positions.c.name == name, positions.c.generation == (generation or 0))).mappings().first()
                built_by = conn.execute(select(versions.c.version).where(versions.c.name == name, versions.c.generation == (generation or 0))).scalar()
            position = row["position"] if row else 0
            if built_by is None:  # no live generation yet (it will be built by this version), or one from before versions
                built_by = 1 if generation else projection.version
            lines.append({
                "projection": name, "generation": generation, "position": position, "head": head, "lag": head - position,
                "events": row["events"] if row else 0, "rate": round(row["rate"], 1) if row else 0.0,
                "updated_at": row["updated_at"].isoformat() if row and row["updated_at"] else None,
                "version": built_by, "rebuild_due": built_by != projection.version,
                "failed": _failure_view(failures.get((name, generation or 0))),
            })  # fmt: skip
        return lines


def _failure_view(failure: dict[str, Any] | None) -> dict[str, Any] | None:
    """A recorded failure as status shows it: where the projection stands, the event it fails on, why."""
    if failure is None:
        return None
    return {
        "position": failure["position"], "event_position": failure["event_position"], "event_topic": failure["event_topic"],
        "error": failure["error"], "attempts": failure["attempts"],
        "failed_at": failure["failed_at"].isoformat() if failure["failed_at"] else None,
    }  # fmt: skip
