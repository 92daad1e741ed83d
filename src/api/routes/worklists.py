"""The registrars' daily lists, from the case index (seeds 000-004 二(四), 三): fees due and overdue, results past
their service-level date, certificates not issued by the day results were owed. Every reader may read them; a
body's staff get their body's cases only, soonest due first. As JSON, or as CSV for Excel (`format=csv`); either
way a date that may still move has its `<date>_provisional` beside it (`pay_by_provisional`,
`results_due_provisional`: `cases.provisional`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.auth import READERS, allow
from api.schemas import Day
from api.queries import Reading, reading, scoped_body
from api.tokens import Principal
from cases.projections import case_index
from cases.reports import to_csv

router = APIRouter(prefix="/worklists", tags=["worklists"])
On = Query(description="the day the list is for", examples=["2026-03-09"])
Format = Query("json", description="json, or csv (UTF-8 with a BOM, opens in Excel)")
Readers = Depends(allow(*READERS))
FILES = {200: {"content": {"application/json": {}, "text/csv": {}}}}
Worklist = Callable[..., list[dict[str, Any]]]


WORKLISTS: dict[str, tuple[Worklist, str]] = {  # the path, the case index's query, what the list holds
    "payments-due": (case_index.payments_due, "Fees unpaid and still payable on the day"),
    "payments-overdue": (case_index.payments_overdue, "Fees unpaid past their deadline: the case can lapse"),
    "results-late": (case_index.results_late, "Sat, results not all recorded, past the service-level date"),
    "certificates-late": (case_index.certificates_late, "Qualified, no certificate yet, past the day results were owed"),
}


def _worklist_route(name: str, worklist: Worklist) -> Callable[..., Response]:
    def answer(
        on: Day = On, body: str | None = None, format: Literal["json", "csv"] = Format, who: Principal = Readers,
        read: Reading = Depends(reading),
    ) -> Response:  # fmt: skip
        return _answer(read, worklist, scoped_body(who, body), on, format, name)

    return answer


for _name, (_worklist, _summary) in WORKLISTS.items():
    router.add_api_route(
        f"/{_name}", _worklist_route(_name, _worklist), methods=["GET"], summary=_summary, responses=FILES, name=_name.replace("-", "_"),
    )  # fmt: skip


def _answer(read: Reading, worklist: Worklist, body: str | None, on: date, format: str, name: str) -> Response:
    rows = read.query(worklist, body, on)
    if format == "csv":
        filename = "-".join([name, *([body] if body else []), on.isoformat()])
        return read.file(to_csv(rows, read.query(case_index.columns)), "text/csv; charset=utf-8", f"{filename}.csv")
    return read.json(rows)
