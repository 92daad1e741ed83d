"""Rows a batch inserts through the driver's executemany (SQLite) read back exactly as rows inserted through
SQLAlchemy's own statement: each value is converted by its column type's bind processor either way."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timezone
from typing import Any

import pytest
from sqlalchemy import Boolean, Column, Date, DateTime, Float, Integer, MetaData, String, Table, insert, select

from cases.projections.engine.bulk_insert import insert_rows
from cases.projections.engine.store import ReadModelStore
from cases.settings import Settings


@pytest.fixture
def tables(store: Settings) -> Iterator[tuple[ReadModelStore, MetaData]]:
    """The test's read-model store and a metadata whose tables are created by the test and dropped after it."""
    read_models, metadata = ReadModelStore.from_settings(store), MetaData()
    yield read_models, metadata
    metadata.drop_all(read_models.engine)
    read_models.dispose()


def twin_tables(read_models: ReadModelStore, metadata: MetaData) -> tuple[Table, Table]:
    def table(name: str) -> Table:
        return Table(
            name, metadata,
            Column("case_id", String(36), primary_key=True), Column("on", Date), Column("at", DateTime(timezone=True)),
            Column("level", Integer), Column("passed", Boolean), Column("rate", Float), Column("note", String(200)),
        )  # fmt: skip

    fast, core = table("bulk_fast"), table("bulk_core")
    metadata.create_all(read_models.engine)
    return fast, core


def insert_both_ways(read_models: ReadModelStore, fast: Table, core: Table, rows: list[dict[str, Any]]) -> None:
    with read_models.engine.begin() as conn:
        insert_rows(conn, fast, [dict(row) for row in rows])
        conn.execute(insert(core), [dict(row) for row in rows])


ROWS = [
    {"case_id": "a", "on": date(2026, 10, 1), "at": datetime(2026, 10, 1, 9, 30, tzinfo=timezone.utc), "level": 3, "passed": True, "rate": 0.5, "note": "王芳"},
    {"case_id": "b", "on": None, "at": datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc), "level": None, "passed": False, "rate": None, "note": None},
    {"case_id": "c", "on": date(2027, 1, 1), "at": None, "level": 1, "passed": None, "rate": 12.0, "note": "on"},
]


def test_the_driver_path_and_sqlalchemys_store_the_same_values(tables) -> None:
    read_models, metadata = tables
    fast, core = twin_tables(read_models, metadata)
    insert_both_ways(read_models, fast, core, ROWS)
    with read_models.engine.connect() as conn:
        stored_fast = [dict(r) for r in conn.execute(select(fast).order_by(fast.c.case_id)).mappings()]
        stored_core = [dict(r) for r in conn.execute(select(core).order_by(core.c.case_id)).mappings()]
    assert stored_fast == stored_core
    assert [row["on"] for row in stored_fast] == [date(2026, 10, 1), None, date(2027, 1, 1)]


def test_rows_that_leave_a_column_out_go_through_sqlalchemy_and_get_its_defaults(tables) -> None:
    read_models, metadata = tables
    table = Table("bulk_defaults", metadata, Column("k", String(8), primary_key=True), Column("n", Integer, nullable=False, default=0))
    metadata.create_all(read_models.engine)
    with read_models.engine.begin() as conn:
        insert_rows(conn, table, [{"k": "x"}, {"k": "y"}])
    with read_models.engine.connect() as conn:
        assert conn.execute(select(table.c.n)).scalars().all() == [0, 0]


def test_dates_are_stored_as_the_same_text_both_ways_even_a_datetime_given_for_a_date(tables) -> None:
    """The driver path writes a plain date with `date.isoformat`; anything else goes to SQLAlchemy's processor."""
    read_models, metadata = tables
    fast, core = twin_tables(read_models, metadata)
    insert_both_ways(read_models, fast, core, [{**ROWS[0], "case_id": "d", "on": datetime(2026, 10, 1, 23, 59, tzinfo=timezone.utc)}, *ROWS])
    with read_models.engine.connect() as conn:
        raw = {t.name: conn.exec_driver_sql(f'SELECT case_id, "on" FROM {t.name} ORDER BY case_id').all() for t in (fast, core)}
    assert raw["bulk_fast"] == raw["bulk_core"]
    if read_models.engine.dialect.name == "sqlite":
        assert ("d", "2026-10-01") in raw["bulk_fast"]
