"""Applying (POST /cases, POST /cases/batch): one candidate's application, or a group's summary sheet and its
answer row by row."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from api.schemas.evidence import DeclaredEvidence
from api.schemas.fields import EXAMPLE_GROUP_ID_NUMBER, EXAMPLE_ID_NUMBER, Body, text
from cases.limits import MAX_BATCH_ROWS


class ApplyRequest(Body):
    name: str = text("name", min_length=1, examples=["王芳"])
    id_number: str = Field(min_length=15, max_length=24, description="18-character resident ID (GB 11643)", examples=[EXAMPLE_ID_NUMBER])
    body: str = text("code", examples=["wgsh"])
    occupation: str = text("occupation", examples=["互联网营销师"])
    work_type: str | None = text("occupation", default=None, examples=["视频创推员"])
    level: int = Field(ge=1, le=5, examples=[3])
    applied_on: date = Field(examples=["2026-03-02"])
    channel: Literal["individual", "group", "competition"] = "individual"
    institution: str | None = text("institution", default=None)
    evidence: DeclaredEvidence = Field(default_factory=dict, examples=[{"work": [{"occupation": "互联网营销师", "start": "2014-03-01"}]}])
    phone: str | None = text("phone", default=None)
    paper_certificate: bool = False


class BatchCandidate(Body):
    """One row of a group submission's summary sheet (《职业技能评价申报信息汇总表》, seed 004 二(二)1)."""

    name: str = text("name", min_length=1, examples=["李娜"])
    id_number: str = Field(min_length=15, max_length=24, description="18-character resident ID (GB 11643)", examples=[EXAMPLE_GROUP_ID_NUMBER])
    occupation: str = text("occupation", examples=["企业人力资源管理师"])
    work_type: str | None = text("occupation", default=None, examples=[None])
    level: int = Field(ge=1, le=5, examples=[4])
    evidence: DeclaredEvidence = Field(default_factory=dict, examples=[{"work": [{"occupation": "企业人力资源管理师", "start": "2019-07-01"}]}])
    phone: str | None = text("phone", default=None)
    paper_certificate: bool = False


class BatchApplyRequest(Body):
    """Group application (团体申报, all seeds 二(二)): an institution submits many candidates at once."""

    body: str = text("code", examples=["jsxh"])
    institution: str = text("institution", min_length=1, examples=["上海市工业技术学校"])
    applied_on: date = Field(examples=["2026-03-02"])
    candidates: list[BatchCandidate] = Field(min_length=1, max_length=MAX_BATCH_ROWS)


class BatchRow(BaseModel):
    row: int = Field(description="the row's index in `candidates`, from 0")
    status: int = Field(description="201 applied, or the refusal's status")
    case_id: str | None = None
    location: str | None = None
    problem: dict[str, Any] | None = Field(default=None, description="the refusal, as problem+json")


class BatchResult(BaseModel):
    applied: int
    refused: int
    position: int | None = Field(description="the log position the last applied row reached")
    rows: list[BatchRow]
