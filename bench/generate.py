"""A realistic event log, generated through the application's own commands (rules, eligibility, fees, numbering)
but saved in bulk: commands run against aggregates held in memory, and every few hundred cases all their
events go to the store in one atomic save. That keeps generation fast without writing events by hand.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from pathlib import Path
from uuid import UUID, uuid4

from cases.service.application import CasesApplication
from cases.settings import Settings
from cases.identity import make_test_id_number

# A generated log runs its cases on through the years after 2026: "today" is set past them (cases.settings.today).
os.environ.setdefault("CASES_TODAY", "2099-12-31")

PLANS = [  # body, occupation, work type, level, applications open (month), sitting day offset
    ("wgsh", "互联网营销师", "视频创推员", 5), ("wgsh", "互联网营销师", "视频创推员", 4), ("wgsh", "互联网营销师", "视频创推员", 3),
    ("dsxh", "电子商务师", "网商", 4), ("dsxh", "电子商务师", "网商", 3),
    ("dmtxh", "全媒体运营师", "直播运营", 4), ("dmtxh", "全媒体运营师", "流量运营", 3),
    ("migu", "全媒体运营师", "创意策划", 4), ("migu", "全媒体运营师", "视听运营", 3),
]  # fmt: skip
JSXH = [("jsxh", "企业人力资源管理师", None, 4), ("jsxh", "企业人力资源管理师", None, 3), ("jsxh", "职业培训师", None, 3)]
JSXH_WINDOWS = [(date(2026, 2, 23), date(2026, 3, 25), date(2026, 4, 25)), (date(2026, 6, 29), date(2026, 7, 21), date(2026, 8, 22))]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "杰", "娟", "涛", "明", "超", "霞", "平", "刚", "桂英"]


class HeldFirst:
    """The application's repository, answering first from the aggregates held for the next flush."""

    def __init__(self, repository: Any, held: dict[UUID, Any]) -> None:
        self.repository, self.held = repository, held

    def get(self, aggregate_id: UUID, version: int | None = None, **kwargs: Any) -> Any:
        if version is None and aggregate_id in self.held:
            return self.held[aggregate_id]
        return self.repository.get(aggregate_id, version=version, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.repository, name)


class BulkApplication(CasesApplication):
    """Commands change aggregates held here (the unit of work's loads and saves go through `repository` and `save`);
    `flush` saves all their events in one transaction."""

    name = "cases"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.held: dict[UUID, Any] = {}
        self._held_first = HeldFirst(super().repository, self.held)

    @property
    def repository(self) -> Any:  # the library's is a read-only property: answered from the held aggregates first
        return self._held_first

    def save(self, *aggregates: Any, **kwargs: Any) -> list[Any]:
        for aggregate in aggregates:
            self.held[aggregate.id] = aggregate
        return []

    def flush(self, keep: Callable[[Any], bool] = lambda a: False) -> int:
        pending = [a for a in self.held.values() if a._pending_events]
        events = sum(len(a._pending_events) for a in pending)
        if pending:
            CasesApplication.save(self, *pending)
        kept = {k: a for k, a in self.held.items() if keep(a)}
        self.held.clear()
        self.held.update(kept)
        return events


def _evidence(occupation: str, level: int) -> dict[str, Any]:
    years = {5: 1, 4: 6, 3: 11}[level]
    return {"intends_to_work": True, "work": [{"occupation": occupation, "start": f"{2025 - years}-01-01"}]}


def drive_case(app: BulkApplication, rng: random.Random, index: int) -> None:
    """One candidate through a realistic path: most pass, some fail and retake, a few lapse or are sanctioned."""
    body, occupation, work_type, level = rng.choice(PLANS + JSXH)
    if body == "jsxh":
        opens, approve_by, sit = rng.choice(JSXH_WINDOWS)
        applied = opens + timedelta(days=rng.randrange(0, 20))
        decided, paid, sat_on = applied + timedelta(days=1), approve_by, sit
    else:
        applied = date(2026, rng.randrange(1, 9), rng.randrange(1, 28))
        decided = applied + timedelta(days=1)
        paid = decided + timedelta(days=1)
        sat_on = applied + timedelta(days=35)
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    id_number = make_test_id_number(region="310101", birth=date(1980, 1, 1) + timedelta(days=index % 7000), sequence=index % 997)
    case_id = app.apply(
        name=name, id_number=id_number, body=body, occupation=occupation, work_type=work_type, level=level,
        applied_on=applied, actor=f"registrar:{body}", evidence=_evidence(occupation, level),
    )  # fmt: skip
    app.review(case_id, decided_on=decided, actor=f"registrar:{body}")
    fate = rng.random()
    if fate < 0.05:
        app.lapse(case_id, on=app.get_case(case_id).pay_by + timedelta(days=1), actor="system")
        return
    app.pay_fee(case_id, amount=app.get_case(case_id).fee_due["total"], paid_on=paid, actor=f"registrar:{body}")
    app.record_attendance(case_id, sat_on=sat_on, attended=True, actor=f"examiner:{body}")
    failing = "skills" if fate < 0.30 else None
    for subject in app.get_case(case_id).subjects:
        app.record_result(case_id, subject=subject, score=45 if subject == failing else 60 + rng.randrange(40), recorded_on=sat_on + timedelta(days=14), actor=f"examiner:{body}")
    if failing and body != "dmtxh":
        retake_on = sat_on + timedelta(days=30)
        if body == "jsxh":
            retake_on = date(2026, 9, 15)
        fee = app.request_retake(case_id, requested_on=retake_on, actor=f"registrar:{body}")
        app.pay_fee(case_id, amount=fee["total"], paid_on=retake_on if body != "jsxh" else date(2026, 10, 5), actor=f"registrar:{body}")
        again = retake_on + timedelta(days=30) if body != "jsxh" else date(2026, 11, 7)
        app.record_attendance(case_id, sat_on=again, attended=True, actor=f"examiner:{body}")
        app.record_result(case_id, subject=failing, score=75, recorded_on=again + timedelta(days=7), actor=f"examiner:{body}")
    case = app.get_case(case_id)
    if case.stage == "qualified":
        app.issue_certificate(case_id, issued_on=case.last_fact_on + timedelta(days=10), actor=f"registrar:{body}")
        if fate > 0.995:
            app.sanction(case_id, tier="sitting", behaviour="须知 三.2", decided_on=date(2026, 11, 20), actor="supervisor")


def generate(app: BulkApplication, cases: int, seed: int = 2026, flush_every: int = 250, progress: Callable[[int], None] | None = None) -> int:
    rng = random.Random(seed)
    events = 0
    for index in range(cases):
        drive_case(app, rng, index)
        if (index + 1) % flush_every == 0:
            events += app.flush(keep=lambda a: type(a).__name__ == "CertificateSequence")
            if progress:
                progress(index + 1)
    return events + app.flush()


def long_history_case(app: CasesApplication, rounds: int = 200, sequence: int = 7) -> UUID:
    """A candidate who fails and retakes every few days inside the window: about 5 events a round."""
    case_id = app.apply(
        name="钱多多", id_number=make_test_id_number(region="310104", birth=date(1990, 3, 3), sequence=sequence), body="wgsh",
        occupation="互联网营销师", work_type="视频创推员", level=3, applied_on=date(2026, 1, 5), actor="bench",
        evidence=_evidence("互联网营销师", 3),
    )  # fmt: skip
    app.review(case_id, decided_on=date(2026, 1, 6), actor="bench")
    app.pay_fee(case_id, amount=598, paid_on=date(2026, 1, 7), actor="bench")
    day = date(2026, 1, 10)
    app.record_attendance(case_id, sat_on=day, attended=True, actor="bench")
    for subject in ("theory", "skills"):
        app.record_result(case_id, subject=subject, score=10, recorded_on=day, actor="bench")
    for _ in range(rounds):
        day += timedelta(days=3)
        fee = app.request_retake(case_id, requested_on=day, actor="bench")
        app.pay_fee(case_id, amount=fee["total"], paid_on=day, actor="bench")
        app.record_attendance(case_id, sat_on=day, attended=True, actor="bench")
        for subject in ("theory", "skills"):
            app.record_result(case_id, subject=subject, score=10, recorded_on=day, actor="bench")
    return case_id


def settings_for(directory: Path) -> Settings:
    """A fresh store for a benchmark run: SQLite under `directory`, or a new schema when CASES_DATABASE_URL is set;
    CASES_REBUILD_WORKERS is honoured."""
    base = Settings.from_env()
    if base.database_url:
        import psycopg

        schema = f"bench_{uuid4().hex[:10]}"
        with psycopg.connect(base.database_url, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        return Settings(
            data_dir=directory, database_url=base.database_url, postgres_schema=schema, id_hash_key="bench", rebuild_workers=base.rebuild_workers
        )
    return Settings(data_dir=directory, id_hash_key="bench", rebuild_workers=base.rebuild_workers)


def drop(settings: Settings) -> None:
    """Remove what `settings_for` made on PostgreSQL (SQLite goes with its temporary directory)."""
    if settings.postgres_schema:
        import psycopg

        with psycopg.connect(settings.database_url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {settings.postgres_schema} CASCADE")
            conn.execute(f"DROP SCHEMA IF EXISTS {settings.postgres_schema}_api CASCADE")  # the API store's (api.store)
