"""The monthly report's queries (月度统计, DOMAIN §9 Reporting), over the tables the read model in monthly_report.py
owns (which month each figure counts in: its Decisions). The case rows per month × body × project × level
(`monthly_report`, COLUMNS) and their sums (`totals`); the pass rate is derived when read: passed / (passed + failed).
The complaint figures per month × body complained about (`complaint_report`, COMPLAINT_COLUMNS), apart so the case
rows, their columns and exports stay as they were; the same exports (reports.to_csv/to_xlsx/chart_png) take them.
median_working_days_to_result: over the month's results, each the working days after the complaint's `counts_from`
(its first receipt: what the complainant waited) up to the result, counted with the calendar when read — no event
records it, and a projection does not consult the calendar.
"""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, select

from cases.calendar.working_days import WorkingDayCalendar
from cases.projections.monthly_report import COMPLAINT_COUNTERS, COMPLAINT_KEYS, COUNTERS, KEYS, MonthlyReport

if TYPE_CHECKING:
    from cases.projections.engine.base import ReadModels

_AFTER_FAILED = COUNTERS.index("failed") + 1
COLUMNS = (*KEYS, *COUNTERS[:_AFTER_FAILED], "pass_rate", *COUNTERS[_AFTER_FAILED:])  # the report's column order
COMPLAINT_COLUMNS = (*COMPLAINT_KEYS, *COMPLAINT_COUNTERS, "median_working_days_to_result")


def pass_rate(passed: int, failed: int) -> float | None:
    return round(passed / (passed + failed), 4) if passed + failed else None


def monthly_report(
    projections: ReadModels, month_from: str | None = None, month_to: str | None = None, body: str | None = None
) -> list[dict[str, Any]]:
    """The report's rows ("YYYY-MM" bounds inclusive), in key order, each with its pass rate, columns as COLUMNS."""
    counts = projections.live_tables(MonthlyReport.name)["counts"]
    query = select(counts).order_by(*(counts.c[k] for k in KEYS))
    if month_from:
        query = query.where(counts.c.month >= month_from)
    if month_to:
        query = query.where(counts.c.month <= month_to)
    if body:
        query = query.where(counts.c.body == body)
    with projections.store.engine.connect() as conn:
        found = conn.execute(query).mappings().all()
    return [_with_rate({**row, "work_type": row["work_type"] or None}) for row in found]


def totals(rows: list[dict[str, Any]], by: tuple[str, ...] = ("month",)) -> list[dict[str, Any]]:
    """The report's rows summed over every key but `by`, with the pass rate of the sums (for charts and totals)."""
    summed: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        key = tuple(row[k] for k in by)
        into = summed.setdefault(key, {**dict(zip(by, key)), **dict.fromkeys(COUNTERS, 0)})
        for name in COUNTERS:
            into[name] += row[name]
    return [_with_rate(summed[key]) for key in sorted(summed, key=lambda k: tuple(str(v) for v in k))]


def _with_rate(row: dict[str, Any]) -> dict[str, Any]:
    row = {**row, "pass_rate": pass_rate(row["passed"], row["failed"])}
    return {name: row[name] for name in COLUMNS if name in row}


def complaint_report(
    projections: ReadModels, month_from: str | None = None, month_to: str | None = None, body: str | None = None,
    by: tuple[str, ...] = COMPLAINT_KEYS, calendar: WorkingDayCalendar | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """The complaint figures ("YYYY-MM" bounds inclusive) per month × body, or summed per `by` (("month",): every
    body's together, the median taken over all their results), in key order, columns as COMPLAINT_COLUMNS (less the
    keys not in `by`). The median counts working days with `calendar` (the packaged one when omitted)."""
    tables = projections.live_tables(MonthlyReport.name)
    counts, results = tables["complaints"], tables["complaint_results"]
    where: dict[Table, list[Any]] = {counts: [], results: []}
    for t in (counts, results):
        if month_from:
            where[t].append(t.c.month >= month_from)
        if month_to:
            where[t].append(t.c.month <= month_to)
        if body:
            where[t].append(t.c.body == body)
    with projections.store.engine.connect() as conn:
        found = conn.execute(select(counts).where(*where[counts])).mappings().all()
        resolved = conn.execute(select(results).where(*where[results])).mappings().all()
    summed: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in found:
        key = tuple(row[k] for k in by)
        into = summed.setdefault(key, {**dict(zip(by, key)), **dict.fromkeys(COMPLAINT_COUNTERS, 0)})
        for name in COMPLAINT_COUNTERS:
            into[name] += row[name]
    calendar = calendar or WorkingDayCalendar.default()
    waited: dict[tuple[Any, ...], list[int]] = {}
    for row in resolved:
        waited.setdefault(tuple(row[k] for k in by), []).append(calendar.working_days_between(row["counts_from"], row["resolved_on"]))
    columns = [c for c in COMPLAINT_COLUMNS if c in by or c not in COMPLAINT_KEYS]
    report = []
    for key in sorted(summed):
        days = waited.get(key)
        row = {**summed[key], "median_working_days_to_result": statistics.median(days) if days else None}
        report.append({name: row[name] for name in columns})
    return report
