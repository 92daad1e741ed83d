"""The monthly report (月度统计, DOMAIN §9) from its read model: JSON, or exported as CSV (Excel-ready), XLSX, or a
PNG chart of one measure by month. Registrars, compliance and supervisors read it; a body's staff (and a body's
supervisor) get their body's rows only. Examiners do not report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.auth import allow
from api.queries import Reading, reading, scoped_body
from api.tokens import Principal
from cases.errors import InvalidInput
from cases.projections.monthly_report import COMPLAINT_COUNTERS, COUNTERS
from cases.projections.monthly_report_queries import COLUMNS, COMPLAINT_COLUMNS, complaint_report, monthly_report, totals
from cases.reports import chart_png, to_csv, to_xlsx
from cases.rules.schedule import parse_month

router = APIRouter(prefix="/reports", tags=["reports"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEASURES = (*COUNTERS, "pass_rate")
COMPLAINT_MEASURES = (*COMPLAINT_COUNTERS, "median_working_days_to_result")


@dataclass(frozen=True)
class ReportFilters:
    """A report's filters, checked: its months (YYYY-MM) as given, the body in the caller's scope, the measure charted."""

    month_from: str | None
    month_to: str | None
    body: str | None
    measure: str

    def file_name(self, report: str) -> str:
        """`<report>-<body>-<from>-<to>`, of the parts asked, without its suffix."""
        return "-".join([report, *(part for part in (self.body, self.month_from, self.month_to) if part)])


def report_filters(
    who: Principal, month_from: str | None, month_to: str | None, body: str | None, measure: str, measures: tuple[str, ...]
) -> ReportFilters:  # fmt: skip
    """Check a report's filters as the API and the console both ask them: each month given, the measure one of
    `measures`, the body scoped to the caller (another body, asked by a body's staff: 403)."""
    for given, field in ((month_from, "from"), (month_to, "to")):
        if given is not None:
            parse_month(given, field=field)
    if measure not in measures:
        raise InvalidInput(f"measure must be one of {', '.join(measures)}", field="measure")
    return ReportFilters(month_from, month_to, scoped_body(who, body), measure)


@router.get("/monthly", summary="Monthly figures per body, project and level", responses={200: {"content": {"text/csv": {}, XLSX: {}, "image/png": {}}}})
def monthly(
    month_from: str | None = Query(None, alias="from", description="first month, YYYY-MM"),
    month_to: str | None = Query(None, alias="to", description="last month, YYYY-MM"),
    body: str | None = None,
    format: Literal["json", "csv", "xlsx", "png"] = "json",
    measure: str = Query("applications", description=f"the measure charted (png): {', '.join(MEASURES)}"),
    who: Principal = Depends(allow("registrar", "compliance", "supervisor")), read: Reading = Depends(reading),
) -> Response:  # fmt: skip
    asked = report_filters(who, month_from, month_to, body, measure, MEASURES)
    scope, name = asked.body, asked.file_name("monthly-report")
    rows = read.query(monthly_report, month_from, month_to, scope)
    if format == "csv":
        return read.file(to_csv(rows, COLUMNS), "text/csv; charset=utf-8", f"{name}.csv")
    if format == "xlsx":
        return read.file(to_xlsx(rows, COLUMNS, title="Monthly report"), XLSX, f"{name}.xlsx")
    if format == "png":
        return read.file(chart_png(totals(rows) if measure == "pass_rate" else rows, measure, title=f"{measure} by month"), "image/png")
    return read.json({"from": month_from, "to": month_to, "body": scope, "columns": COLUMNS, "rows": rows, "totals": totals(rows)})


@router.get("/complaints", summary="Complaint figures per month and body (DOMAIN §10)", responses={200: {"content": {"text/csv": {}, XLSX: {}, "image/png": {}}}})
def complaints(
    month_from: str | None = Query(None, alias="from", description="first month, YYYY-MM"),
    month_to: str | None = Query(None, alias="to", description="last month, YYYY-MM"),
    body: str | None = None,
    format: Literal["json", "csv", "xlsx", "png"] = "json",
    measure: str = Query("received", description=f"the measure charted (png): {', '.join(COMPLAINT_MEASURES)}"),
    who: Principal = Depends(allow("registrar", "compliance", "supervisor")), read: Reading = Depends(reading),
) -> Response:  # fmt: skip
    """Received, accepted, declined, escalated, resolved, upheld, breached, callbacks satisfied and not, and the
    median working days from receipt to a result, per month × body complained about (the monthly report's
    complaint figures; `monthly_report`'s docstring says in which month each counts)."""
    asked = report_filters(who, month_from, month_to, body, measure, COMPLAINT_MEASURES)
    scope, name = asked.body, asked.file_name("complaint-report")
    calendar = read.services.app.calendar
    rows = read.query(complaint_report, month_from, month_to, scope, ("month", "body"), calendar)
    if format == "csv":
        return read.file(to_csv(rows, COMPLAINT_COLUMNS), "text/csv; charset=utf-8", f"{name}.csv")
    if format == "xlsx":
        return read.file(to_xlsx(rows, COMPLAINT_COLUMNS, title="Complaints"), XLSX, f"{name}.xlsx")
    if format == "png":  # a median is not summed over bodies: chart the month's own
        charted = read.query(complaint_report, month_from, month_to, scope, ("month",), calendar) if measure.startswith("median") else rows
        return read.file(chart_png(charted, measure, title=f"{measure} by month"), "image/png")
    return read.json({"from": month_from, "to": month_to, "body": scope, "columns": COMPLAINT_COLUMNS, "rows": rows})
