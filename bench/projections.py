"""Benchmark: reading the log, rebuilding every read model, and loading long histories — ratios from one run.

    .venv/bin/python bench/projections.py                 # default: sized to finish within ~2 minutes here
    .venv/bin/python bench/projections.py --cases 1000000 # the full-scale log (hours)
    CASES_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/projections.py

Measures, in the same run and on the same log:
 (a) reading and decoding the whole notification log with the eventsourcing library alone;
 (b) a full rebuild of every projection (this product's batched, single-pass rebuild; with two cores or more it
     runs in two processes, the aggregate-following projections and the rest: CASES_REBUILD_WORKERS=1 for one);
 (c) the same rebuild through the library's own per-event processing: eventsourcing.projection.Projection's
     process_event(event, tracking), one transaction per event with its Tracking row — what the library's
     ProjectionRunner does (its runner needs subscriptions, which SQLite lacks, so here it is driven directly);
and prints events/s of each, b/a (target >= 0.5) and b/c (target >= 3) — (a) and (b) each measured --repeats
times, interleaved, and the medians compared; then loads a case with ~1,000 events
and one with ~10 and prints the ratio of the two times (target <= 2: snapshots work).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eventsourcing.persistence import Tracking  # noqa: E402
from eventsourcing.projection import Projection as LibraryProjection  # noqa: E402
from generate import BulkApplication, drop, generate, long_history_case, settings_for  # noqa: E402
from sqlalchemy import Column, Integer, MetaData, String, Table, insert  # noqa: E402

from cases.projections.engine.base import RowCache, UnitOfWork  # noqa: E402
from cases.projections.engine.follower import AggregateFollower  # noqa: E402
from cases.projections.engine.runner import generation_tables  # noqa: E402
from cases.projections.engine.service import Projections
from cases.projections.registry import all_projections  # noqa: E402
from cases.projections.engine.store import ReadModelStore  # noqa: E402


def measure_read(app: BulkApplication) -> tuple[int, float]:
    started, count, position = time.perf_counter(), 0, 0
    while True:
        page = app.recorder.select_notifications(start=position + 1, limit=1000)
        if not page:
            return count, time.perf_counter() - started
        for notification in page:
            app.mapper.to_domain_event(notification)
        count += len(page)
        position = page[-1].id


PER_EVENT_GENERATION = 900


class PerEventView:
    """The materialised view for the library's Projection: our read models plus a tracking table, one
    transaction per event (a replayed notification id fails on the tracking table's primary key)."""

    def __init__(self, app: BulkApplication, store: ReadModelStore) -> None:
        self.store = store
        self.projections = all_projections()
        # a generation of its own: on PostgreSQL this view shares the schema with the rebuilt read models
        self.tables = {p.name: generation_tables(store, p, PER_EVENT_GENERATION) for p in self.projections}
        self.caches = {p.name: RowCache(complete=True) for p in self.projections}
        self.follower = AggregateFollower(lambda aggregate_id, version: app.repository.get(aggregate_id, version=version))
        self.by_topic: dict[str, list] = {}
        for projection in self.projections:
            for topic in projection.topics:
                self.by_topic.setdefault(topic, []).append(projection)
        metadata = MetaData()
        self.tracking = Table("library_tracking", metadata, Column("application_name", String(32), primary_key=True), Column("notification_id", Integer, primary_key=True))
        metadata.create_all(store.engine)

    def record(self, event: object, topic: str, tracking: Tracking) -> None:
        with self.store.engine.begin() as conn:
            for projection in self.by_topic.get(topic, ()):
                rows = UnitOfWork(conn, self.tables[projection.name], self.caches[projection.name], self.follower)
                projection.handle(event, rows)
                rows.flush()
                rows.remember()
            conn.execute(insert(self.tracking).values(application_name=tracking.application_name, notification_id=tracking.notification_id))


class ReadModelLibraryProjection(LibraryProjection[PerEventView]):  # type: ignore[type-var]
    name = "bench_per_event"

    def process_event(self, domain_event: object, tracking: Tracking) -> None:  # type: ignore[override]
        self.view.record(domain_event, self.current_topic, tracking)


def measure_per_event(app: BulkApplication, scratch: ReadModelStore, limit: int) -> tuple[int, float]:
    view = PerEventView(app, scratch)
    projection = ReadModelLibraryProjection(view=view)
    topics = list(view.by_topic)
    started, count, position = time.perf_counter(), 0, 0
    while count < limit:
        page = app.recorder.select_notifications(start=position + 1, limit=min(500, limit - count), topics=topics)
        if not page:
            break
        for notification in page:
            projection.current_topic = notification.topic
            projection.process_event(app.mapper.to_domain_event(notification), Tracking(app.name, notification.id))
        count += len(page)
        position = page[-1].id
    return count, time.perf_counter() - started


def load_time(app: BulkApplication, case_id: uuid.UUID, repeats: int = 30) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        app.repository.get(case_id)
        timings.append(time.perf_counter() - started)
    return median(timings)


def _times(seconds: list[float]) -> str:
    return ", ".join(f"{s:.2f}" for s in seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=4000, help="cases in the generated log (1,000,000 for full scale)")
    parser.add_argument("--per-event-limit", type=int, default=15000, help="events measured through the per-event runner")
    parser.add_argument("--repeats", type=int, default=3, help="times (a) and (b) are each measured, interleaved; the median counts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        settings = settings_for(Path(directory))
        try:
            app = BulkApplication(settings)
            print(f"store: {'PostgreSQL' if settings.database_url else 'SQLite'}; generating {args.cases:,} cases …", flush=True)
            started = time.perf_counter()
            events = generate(app, args.cases, progress=lambda n: print(f"  {n:,} cases", flush=True) if n % 2000 == 0 else None)
            print(f"log: {events:,} events in {time.perf_counter() - started:.1f}s")

            projections = Projections(app, ReadModelStore.from_settings(settings), all_projections())
            read_times, rebuild_times = [], []
            for _ in range(args.repeats):  # interleaved, so a slow spell of the machine weighs on both alike
                read_events, read_seconds = measure_read(app)
                read_times.append(read_seconds)
                started = time.perf_counter()
                projections.rebuild_all()
                rebuild_times.append(time.perf_counter() - started)
            read_seconds, b_seconds = median(read_times), median(rebuild_times)
            a, b = read_events / read_seconds, read_events / b_seconds
            scratch = ReadModelStore(f"sqlite:///{Path(directory) / 'per_event.sqlite'}") if not settings.database_url else projections.store
            if settings.database_url:
                scratch = ReadModelStore(projections.store.url, settings.postgres_schema)
            c_events, c_seconds = measure_per_event(app, scratch, args.per_event_limit)
            c = c_events / c_seconds

            ten = long_history_case(app, rounds=0, sequence=7)
            thousand = long_history_case(app, rounds=200, sequence=8)
            app.flush()
            ratio = load_time(app, thousand) / load_time(app, ten)

            print()
            print(f"(a) read + decode the log (eventsourcing alone): {a:>10,.0f} events/s  ({read_events:,} events, median {read_seconds:.2f}s of {_times(read_times)})")
            print(f"(b) rebuild every projection ({len(projections.projections)}), {settings.rebuild_processes} process(es): {b:>8,.0f} events/s  (median {b_seconds:.2f}s of {_times(rebuild_times)})")
            print(f"(c) per-event library Projection (one txn each): {c:>10,.0f} events/s  ({c_events:,} events, {c_seconds:.2f}s)")
            print(f"b/a = {b / a:.2f}  (target >= 0.5)  {'OK' if b / a >= 0.5 else 'BELOW TARGET'}")
            print(f"b/c = {b / c:.2f}  (target >= 3)    {'OK' if b / c >= 3 else 'BELOW TARGET'}")
            print(f"load 1,000-event case / 10-event case = {ratio:.2f}  (target <= 2)  "
                  f"{'OK' if ratio <= 2 else 'BELOW TARGET'}  [versions {app.repository.get(thousand).version} and {app.repository.get(ten).version}]")
            app.close()
            projections.store.dispose()
        finally:
            drop(settings)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
