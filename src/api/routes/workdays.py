"""Working days as the deadlines count them (DOMAIN §4): mainland China public holidays and make-up working
weekends (调休); a deadline that examines a year without a published arrangement says it is provisional."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse

from api.auth import READERS, allow
from api.queries import Reading, reading
from api.schemas import Day, DayStatusView, WorkingDayDue

router = APIRouter(prefix="/workdays", tags=["working days"])


@router.get("/add", response_model=WorkingDayDue, summary="The N-th working day after a day (the day itself never counts)")
def add(
    from_: Day = Query(alias="from", description="the day counted from", examples=["2026-09-30"]),
    days: int = Query(ge=1, le=1000, description="working days to count", examples=[3]),
    _: object = Depends(allow(*READERS)), read: Reading = Depends(reading),
) -> JSONResponse:  # fmt: skip
    return read.json(read.services.app.calendar.add_working_days(from_, days).to_dict())


@router.get("/{day}", response_model=DayStatusView, summary="Whether a day is a working day, why, and whether that is settled")
def status(day: Annotated[Day, Path(description="the day asked about", examples=["2026-10-10"])], _: object = Depends(allow(*READERS)), read: Reading = Depends(reading)) -> JSONResponse:
    found = read.services.app.calendar.day_status(day)
    return read.json(DayStatusView(day=found.day, weekday=f"{found.day:%A}", working=found.working, exact=found.exact, reason=found.reason))
