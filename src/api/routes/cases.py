"""Intake (one application or a group's batch), the case itself and its admission ticket. Commands on an existing
case are in `case_commands`. Each route: parse, authorise (the dependency shows who), call one application
method, answer. Rules live in the application, never here.

A refusal inside a command is answered as its problem response by the route itself (not by the exception
handler), so that `run_once` stores it and a retry with the same `Idempotency-Key` replays it.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse

from api.auth import READERS, allow, require_body
from api.idempotency import run_once
from api.problems import problem
from api.routes.common import answer, case_in_scope, etag, services
from api.schemas import ApplyRequest, BatchApplyRequest, BatchResult, CommandResult, Day
from api.tokens import Principal
from cases.errors import DomainError
from cases.identity import mask_id_number
from cases.service.replay import summarise
from cases.settings import today

router = APIRouter(prefix="/cases", tags=["cases"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
IfMatch = Annotated[str | None, Header(alias="If-Match")]
COMMAND = {"model": CommandResult, "description": "the case's new version and the log position reached"}


def refusal(request: Request, error: DomainError) -> JSONResponse:
    """The same problem response the app's DomainError handler gives (ID numbers masked)."""
    details = {k: mask_id_number(v) if isinstance(v, str) else v for k, v in error.details.items()}
    return problem(request, error.http_status, error.code, error.message, field=error.field, clause=error.clause, details=details)


@router.post("", status_code=201, responses={201: COMMAND}, summary="Apply (申报): open a case")
async def apply(payload: ApplyRequest, request: Request, key: IdempotencyKey = None, who: Principal = Depends(allow("registrar"))) -> JSONResponse:
    """Registrar of the application's body (intake, individual or group)."""
    require_body(who, payload.body, "body", payload.body)

    def command() -> JSONResponse:
        try:
            outcome = services(request).app.intake.apply(**payload.model_dump(), actor=who.actor)
        except DomainError as error:
            return refusal(request, error)
        return answer(outcome, status=201)

    return await run_once(request, who, key, payload, command)


@router.post("/batch", status_code=207, response_model=BatchResult, summary="Group application (团体申报): many candidates at once")
async def apply_batch(
    payload: BatchApplyRequest, request: Request, key: IdempotencyKey = None, who: Principal = Depends(allow("registrar"))
) -> JSONResponse:
    """Registrar of the body. An institution's summary sheet (汇总表, seed 004 二(二)1): every row is applied on
    its own, as a group application naming the institution; a refused row answers its problem and the other rows
    still apply (207). A malformed row (e.g. level 7) refuses the whole request with 422 naming
    `candidates.<row>.<field>`, before anything is applied."""
    require_body(who, payload.body, "body", payload.body)

    def command() -> JSONResponse:
        app = services(request).app
        rows: list[dict[str, Any]] = []
        position = None  # the last applied row's
        for index, candidate in enumerate(payload.candidates):
            try:
                outcome = app.intake.apply(
                    **candidate.model_dump(), body=payload.body, applied_on=payload.applied_on, channel="group",
                    institution=payload.institution, actor=who.actor,
                )  # fmt: skip
            except DomainError as error:
                rows.append({"row": index, "status": error.http_status, "problem": _body_of(refusal(request, error))})
                continue
            position = outcome.position
            rows.append({"row": index, "status": 201, "case_id": str(outcome.id), "location": f"/cases/{outcome.id}"})
        applied = sum(1 for row in rows if row["status"] == 201)
        result = BatchResult(applied=applied, refused=len(rows) - applied, position=position, rows=rows)
        return JSONResponse(result.model_dump(mode="json"), status_code=207)

    return await run_once(request, who, key, payload, command)


def _body_of(response: JSONResponse) -> dict[str, Any]:
    return json.loads(response.body)


@router.get("/{case_id}", summary="The case as it stands (ETag: its version)")
def get_case(case_id: UUID, request: Request, who: Principal = Depends(allow(*READERS))) -> JSONResponse:
    """The stage is the one that holds today: a ban's stage gives way the day after the ban's last day."""
    case = case_in_scope(request, who, case_id)
    view = {
        **summarise(case).to_dict(), "stage": case.stage_on(today()), "body": case.body, "occupation": case.occupation, "work_type": case.work_type,
        "level": case.level, "channel": case.channel, "institution": case.institution, "applied_on": case.applied_on.isoformat(),
        "holder_name": case.holder_name, "holder_id_masked": case.holder_id_masked, "subjects": case.subjects,
    }  # fmt: skip
    response = JSONResponse(view)
    response.headers["ETag"] = etag(case.version)
    return response


@router.get(
    "/{case_id}/ticket", summary="Admission ticket (准考证): after approval and payment, from the ticket date",
    responses={409: {"description": "No ticket yet: before approval and payment, without a seat, or before the download date"}},
)  # fmt: skip
def ticket(
    case_id: UUID, request: Request, on: Annotated[Day, Query(description="the day it is downloaded", examples=["2026-04-11"])],
    who: Principal = Depends(allow("registrar", "examiner")),
) -> JSONResponse:  # fmt: skip
    """Registrar or examiner of the case's body (group candidates' tickets go through the institution, which asks
    the registrar). Refused with `ticket_not_available` before approval and payment, without a seat, or before the
    download date (seeds 002/003 二(五), 004 二(三))."""
    case_in_scope(request, who, case_id)
    return JSONResponse(services(request).app.scheduling.admission_ticket(case_id, on=on))
