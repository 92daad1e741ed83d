"""Working days: a deadline counted in working days, and one day's status."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class WorkingDayDue(BaseModel):
    due: date
    provisional: bool = Field(description="true when a day examined lies in a year without a published arrangement")
    basis: str


class DayStatusView(BaseModel):
    day: date
    weekday: str
    working: bool
    exact: bool = Field(description="false when the year's arrangement is not yet published (weekends only)")
    reason: str
