"""The registers, read from the read models: certificates (证书), validity windows (成绩有效期), bans (禁考) and the
case index search. Every reader may read them; a body's staff (and a body's supervisor) read their body's rows
only, and naming another body is refused (403). A date that may still move has its `<date>_provisional` beside it
(the index's `pay_by` and `results_due`, a certificate's `collectable_from`: `cases.provisional`)."""

from __future__ import annotations


from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from api.auth import READERS, allow
from api.schemas import Day
from api.queries import Reading, in_scope, reading, scoped_body
from api.tokens import Principal
from cases.errors import InvalidInput
from cases.limits import MAX_OFFSET
from cases.projections.bans import active_bans
from cases.projections.case_index import bodies_of, find_cases
from cases.projections.certificates import find_certificates
from cases.projections.validity_windows import closing_within, expired_between
from cases.rules.schedule import parse_month

router = APIRouter(tags=["registers"])
Limit = Query(100, ge=1, le=1000, description="rows per page")
Offset = Query(0, ge=0, le=MAX_OFFSET, description="rows to skip")


@router.get("/registers/certificates", summary="The certificate register: number, holder (masked ID), status")
def certificates(
    body: str | None = None, status: str | None = Query(None, description="valid, revoked or replaced"), number: str | None = None,
    limit: int = Limit, offset: int = Offset,
    who: Principal = Depends(allow(*READERS)), read: Reading = Depends(reading),
) -> JSONResponse:  # fmt: skip
    return read.json(read.query(find_certificates, scoped_body(who, body), status, number, limit, offset))


@router.get("/registers/validity-windows", summary="Windows closing within N days of a day, or expired in a period")
def validity_windows(
    on: Day | None = Query(None, description="with closing_within: the day counted from", examples=["2026-11-21"]),
    closing_within_days: int | None = Query(None, alias="closing_within", ge=0, le=3660, description="open windows whose last day is within N days of `on`", examples=[30]),
    expired_from: Day | None = Query(None, description="with expired_to: windows whose first day past the last valid one is in the period"),
    expired_to: Day | None = None, body: str | None = None,
    who: Principal = Depends(allow(*READERS)), read: Reading = Depends(reading),
) -> JSONResponse:  # fmt: skip
    if on is not None and closing_within_days is not None and expired_from is None and expired_to is None:
        rows = read.query(closing_within, on, closing_within_days)
    elif expired_from is not None and expired_to is not None and on is None and closing_within_days is None:
        rows = read.query(expired_between, expired_from, expired_to)
    else:
        raise InvalidInput("ask either ?on=DATE&closing_within=N or ?expired_from=DATE&expired_to=DATE", field="on")
    return read.json(in_scope(rows, scoped_body(who, body)))


@router.get("/registers/bans", summary="Bans in force on a day (须知 三-四), with the body of the case that caused each")
def bans(
    on: Day = Query(description="the day the bans are in force", examples=["2026-11-21"]), body: str | None = None,
    who: Principal = Depends(allow(*READERS)), read: Reading = Depends(reading),
) -> JSONResponse:  # fmt: skip
    rows = read.query(active_bans, on)
    bodies = read.query(bodies_of, [row["case_id"] for row in rows])
    return read.json(in_scope(({**row, "body": bodies.get(row["case_id"])} for row in rows), scoped_body(who, body)))


@router.get("/cases", summary="Search the case index: body, stage, occupation, level, month applied")
def search_cases(
    body: str | None = None, stage: str | None = None, occupation: str | None = None,
    level: int | None = Query(None, ge=1, le=5), month: str | None = Query(None, description="the month applied, YYYY-MM"),
    limit: int = Limit, offset: int = Offset,
    who: Principal = Depends(allow(*READERS)), read: Reading = Depends(reading),
) -> JSONResponse:  # fmt: skip
    if month is not None:
        parse_month(month, field="month")
    return read.json(read.query(find_cases, scoped_body(who, body), stage, occupation, level, month, limit, offset))
