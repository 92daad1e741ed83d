"""Reports (月度统计, DOMAIN §9): the monthly report as a table and a chart of one measure by month, its filters
(months, body, measure) in the title, with CSV and Excel downloads served here under the caller's scope. Each
follows `GET /reports/monthly` (its roles; a body's staff get their body's rows, another body is a 403 page) and
reads what it reads: the monthly_report read model, exported and charted by `cases.reports` (the chart's Chinese
in the font the project installs). Every label, the files' column headers included, is api.console.strings'."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.console.access import following, services
from api.console.render import page
from api.console.session import Session
from api.console.strings import label
from api.queries import Reading
from api.routes.reports import MEASURES, XLSX, report_filters
from api.tokens import BODIES
from cases.projections.monthly_report_queries import COLUMNS, monthly_report, totals
from cases.reports import chart_png, to_csv, to_xlsx

router = APIRouter()
REPORT = following("GET", "/reports/monthly")


def heading(column: str) -> str:
    """A column's header in a file: its Chinese, else its English."""
    zh, en = label(f"report.{column}")
    return zh or en


class Filters:
    """The report's filters as asked (`from`, `to`, `body`, `measure`), checked as the API checks them (`report_filters`)."""

    def __init__(
        self, found: Session = Depends(REPORT), month_from: str | None = Query(None, alias="from"),
        month_to: str | None = Query(None, alias="to"), body: str | None = None, measure: str = "applications",
    ) -> None:  # fmt: skip
        # A field the form leaves empty is not asked; another body, asked by a body's staff, is a 403.
        checked = report_filters(found.who, month_from or None, month_to or None, body or None, measure, MEASURES)
        self.found, self.checked, self.measure = found, checked, measure
        self.month_from, self.month_to, self.body = checked.month_from, checked.month_to, checked.body

    def query(self) -> dict[str, str]:
        asked = {"from": self.month_from, "to": self.month_to, "body": self.body, "measure": self.measure}
        return {k: v for k, v in asked.items() if v}

    def title(self) -> str:
        """The filters in words: 月度统计 · body · months · measure."""
        months = f"{self.month_from or '…'} – {self.month_to or '…'}" if self.month_from or self.month_to else None
        parts = [heading("title"), self.body, months, heading(self.measure)]
        return " · ".join(part for part in parts if part)

    def name(self, suffix: str) -> str:
        return self.checked.file_name("monthly-report") + suffix

    def rows(self, request: Request) -> tuple[Reading, list[dict[str, Any]]]:
        read = Reading(services(request))
        return read, read.query(monthly_report, self.month_from, self.month_to, self.body)


@router.get("/reports")
def report(request: Request, asked: Filters = Depends()) -> Response:
    _, rows = asked.rows(request)
    who = asked.found.who
    return page(
        request, "reports_monthly.html", who=who, csrf=asked.found.csrf, asked=asked, title=asked.title(), columns=COLUMNS,
        rows=rows, totals=totals(rows), measures=MEASURES, bodies=BODIES if who.body is None else (), query=asked.query(),
    )  # fmt: skip


@router.get("/reports/monthly.csv")
def report_csv(request: Request, asked: Filters = Depends()) -> Response:
    read, rows = asked.rows(request)
    return read.file(to_csv(rows, COLUMNS, {c: heading(c) for c in COLUMNS}), "text/csv; charset=utf-8", asked.name(".csv"))


@router.get("/reports/monthly.xlsx")
def report_xlsx(request: Request, asked: Filters = Depends()) -> Response:
    read, rows = asked.rows(request)
    return read.file(to_xlsx(rows, COLUMNS, title=heading("title"), labels={c: heading(c) for c in COLUMNS}), XLSX, asked.name(".xlsx"))


@router.get("/reports/chart.png")
def report_chart(request: Request, asked: Filters = Depends()) -> Response:
    """The measure by month (a rate is charted from the month's totals: it cannot be summed)."""
    read, rows = asked.rows(request)
    charted = totals(rows) if asked.measure == "pass_rate" else rows
    response = read.file(chart_png(charted, asked.measure, title=asked.title()), "image/png")
    response.headers["Cache-Control"] = "no-store"
    return response
