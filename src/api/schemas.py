"""Request and response bodies (with OpenAPI examples). Dates are ISO dates; money is whole yuan."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ApplyRequest(Body):
    name: str = Field(min_length=1, max_length=50, examples=["王芳"])
    id_number: str = Field(min_length=15, max_length=24, description="18-character resident ID (GB 11643)", examples=["310101199206150023"])
    body: str = Field(examples=["wgsh"])
    occupation: str = Field(examples=["互联网营销师"])
    work_type: str | None = Field(default=None, examples=["视频创推员"])
    level: int = Field(ge=1, le=5, examples=[3])
    applied_on: date = Field(examples=["2026-03-02"])
    channel: Literal["individual", "group", "competition"] = "individual"
    institution: str | None = None
    evidence: dict[str, Any] = Field(default_factory=dict, examples=[{"work": [{"occupation": "互联网营销师", "start": "2014-03-01"}]}])
    phone: str | None = None
    paper_certificate: bool = False


class PaymentRequest(Body):
    amount: int = Field(gt=0, description="whole yuan", examples=[598])
    paid_on: date = Field(examples=["2026-03-04"])
    reference: str | None = Field(default=None, max_length=80, examples=["bank transfer 0304-118"])


class CommandResult(BaseModel):
    case_id: str
    version: int = Field(description="the case's version after the command (also the ETag)")
    stage: str
    position: int | None = Field(description="the log position the command reached: pass it as wait_for_position")
    result: dict[str, Any] | None = None
