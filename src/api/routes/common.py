"""What case routes share: loading a case in the caller's scope, If-Match, and the command answer."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import Request
from fastapi.responses import JSONResponse

from api.auth import require_body
from api.schemas import CommandResult
from api.services import Services
from api.tokens import Principal
from cases.aggregates.evaluation_case import EvaluationCase
from cases.errors import InvalidInput
from cases.service.outcome import Outcome


def services(request: Request) -> Services:
    return request.app.state.services


def case_in_scope(request: Request, who: Principal, case_id: UUID) -> EvaluationCase:
    case = services(request).app.get_case(case_id)
    require_body(who, case.body, "case", case_id)
    return case


def expected_version(if_match: str | None) -> int | None:
    """`If-Match: "7"` (or W/"7") → 7; absent → no check."""
    if not if_match:
        return None
    tag = if_match.strip().removeprefix("W/").strip('"')
    if not tag.isdigit():
        raise InvalidInput('If-Match must be the ETag the case was read with, e.g. "7"', field="If-Match")
    return int(tag)


def etag(version: int) -> str:
    return f'"{version}"'


def answer(outcome: Outcome, status: int = 200, result: dict[str, Any] | None = None) -> JSONResponse:
    """A case command's answer: the version it wrote (ETag), the stage, the log position it reached, `result`."""
    body = CommandResult(case_id=str(outcome.id), version=outcome.version, stage=outcome.stage, position=outcome.position, result=result)
    response = JSONResponse(body.model_dump(mode="json"), status_code=status)
    response.headers["ETag"] = etag(body.version)
    if status == 201:
        response.headers["Location"] = f"/cases/{outcome.id}"
    return response
