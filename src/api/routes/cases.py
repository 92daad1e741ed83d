"""Case commands and the case itself. Each route: parse, authorise (the dependency shows who), call one
application method, answer. Rules live in the application, never here."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse

from api.auth import READERS, allow, require_body
from api.idempotency import run_once
from api.routes.common import answer, case_in_scope, etag, expected_version, services
from api.schemas import ApplyRequest, CommandResult, PaymentRequest
from api.tokens import Principal
from cases.replay import summarise

router = APIRouter(prefix="/cases", tags=["cases"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
IfMatch = Annotated[str | None, Header(alias="If-Match")]
COMMAND = {"model": CommandResult, "description": "the case's new version and the log position reached"}


@router.post("", status_code=201, responses={201: COMMAND}, summary="Apply (申报): open a case")
def apply(payload: ApplyRequest, request: Request, key: IdempotencyKey = None, who: Principal = Depends(allow("registrar"))) -> JSONResponse:
    require_body(who, payload.body, "body", payload.body)

    def command() -> JSONResponse:
        case_id = services(request).app.apply(**payload.model_dump(), actor=who.actor)
        return answer(request, case_id, status=201)

    return run_once(request, who, key, payload, command)


@router.get("/{case_id}", summary="The case as it stands (ETag: its version)")
def get_case(case_id: UUID, request: Request, who: Principal = Depends(allow(*READERS))) -> JSONResponse:
    case = case_in_scope(request, who, case_id)
    view = {
        **summarise(case).to_dict(), "body": case.body, "occupation": case.occupation, "work_type": case.work_type,
        "level": case.level, "channel": case.channel, "institution": case.institution, "applied_on": case.applied_on.isoformat(),
        "holder_name": case.holder_name, "holder_id_masked": case.holder_id_masked, "subjects": case.subjects,
    }  # fmt: skip
    response = JSONResponse(view)
    response.headers["ETag"] = etag(case.version)
    return response


@router.post("/{case_id}/payments", responses={200: COMMAND}, summary="FeePaid: the fee or retake fee, exactly as due")
def pay(
    case_id: UUID, payload: PaymentRequest, request: Request, key: IdempotencyKey = None, if_match: IfMatch = None,
    who: Principal = Depends(allow("registrar")),
) -> JSONResponse:  # fmt: skip
    case_in_scope(request, who, case_id)

    def command() -> JSONResponse:
        services(request).app.pay_fee(case_id, **payload.model_dump(), actor=who.actor, expected_version=expected_version(if_match))
        return answer(request, case_id)

    return run_once(request, who, key, payload, command)
