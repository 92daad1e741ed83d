"""Planning sittings: a sitting's plan, a month's cohort rule, the decision to fold a window."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from api.schemas.fields import Body, text


class PlanSittingRequest(Body):
    body: str = text("code", examples=["wgsh"])
    occupation: str = text("occupation", examples=["互联网营销师"])
    work_type: str | None = text("occupation", default=None, examples=["视频创推员"])
    levels: list[int] = Field(min_length=1, max_length=5, examples=[[4, 3]])
    dates: list[date] = Field(min_length=1, max_length=10, description="evaluation days, in order", examples=[["2026-04-18"]])
    venue: str = text("venue", min_length=1, examples=["新闻路945号306室"])
    capacity: int = Field(ge=1, le=10_000, examples=[40])
    planned_on: date = Field(examples=["2026-03-02"])


class CohortRuleRequest(Body):
    body: str = text("code", examples=["migu"])
    plan_month: str = Field(pattern=r"^\d{4}-\d{2}$", examples=["2026-04"])
    on: date = Field(description="the day the rule is applied", examples=["2026-04-01"])


class FoldWindowRequest(Body):
    on: date = Field(description="the day of the decision (at least 10 days before November's evaluation)", examples=["2026-03-30"])
    minimum: int | None = Field(default=None, ge=1, le=10_000, description="the opening minimum (default: the rule book's)")
