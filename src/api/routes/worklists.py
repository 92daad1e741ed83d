"""The registrars' daily lists, from the case index (seeds 000-004 二(四), 三): fees due and overdue, results past
their service-level date, certificates not issued by the day results were owed. Every reader may read them; a
body's staff get their body's cases only, soonest due first."""

from __future__ import annotations


from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from api.auth import READERS, allow
from api.schemas import Day
from api.queries import Reading, reading, scoped_body
from api.tokens import Principal
from cases.projections import case_index

router = APIRouter(prefix="/worklists", tags=["worklists"])
On = Query(description="the day the list is for", examples=["2026-03-09"])
Readers = Depends(allow(*READERS))


@router.get("/payments-due", summary="Fees unpaid and still payable on the day")
def payments_due(on: Day = On, body: str | None = None, who: Principal = Readers, read: Reading = Depends(reading)) -> JSONResponse:
    return read.json(read.query(case_index.payments_due, scoped_body(who, body), on))


@router.get("/payments-overdue", summary="Fees unpaid past their deadline: the case can lapse")
def payments_overdue(on: Day = On, body: str | None = None, who: Principal = Readers, read: Reading = Depends(reading)) -> JSONResponse:
    return read.json(read.query(case_index.payments_overdue, scoped_body(who, body), on))


@router.get("/results-late", summary="Sat, results not all recorded, past the service-level date")
def results_late(on: Day = On, body: str | None = None, who: Principal = Readers, read: Reading = Depends(reading)) -> JSONResponse:
    return read.json(read.query(case_index.results_late, scoped_body(who, body), on))


@router.get("/certificates-late", summary="Qualified, no certificate yet, past the day results were owed")
def certificates_late(on: Day = On, body: str | None = None, who: Principal = Readers, read: Reading = Depends(reading)) -> JSONResponse:
    return read.json(read.query(case_index.certificates_late, scoped_body(who, body), on))
