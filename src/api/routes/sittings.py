"""The evaluation calendar (DOMAIN §3): plan a sitting, read the month's plan per body, apply the minimum-cohort
rule to a month (seeds 002/003 二(三)) and fold a thin window into November (seed 004 二(三)). Planning and the
plan's rules are the registrar's of the body (or admin's); every reader may read the plan of the bodies they see,
from the month_plan read model (pass a command's `position` as `wait_for_position` to read its write).

A refusal inside a command is answered by the route itself, so that `run_once` stores it and a retry with the
same `Idempotency-Key` replays it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from api.auth import READERS, allow, require_body
from api.idempotency import run_once
from api.problems import problem
from api.queries import Reading, reading
from api.routes.common import services
from api.schemas import CohortRuleRequest, FoldWindowRequest, PlanSittingRequest
from api.tokens import Principal
from cases.errors import DomainError
from cases.identity import mask_id_number
from cases.projections import month_plan as plans
from cases.rules.schedule import parse_month
from cases.service.outcome import Outcome

router = APIRouter(prefix="/sittings", tags=["sittings"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]


@router.post("", status_code=201, summary="Plan a sitting: project, levels, days, venue, capacity")
async def plan_sitting(payload: PlanSittingRequest, request: Request, key: IdempotencyKey = None, who: Principal = Depends(allow("registrar"))) -> JSONResponse:
    require_body(who, payload.body, "body", payload.body)

    def command() -> Outcome:
        outcome = services(request).app.sittings.plan_sitting(**payload.model_dump(), actor=who.actor)
        return replace(outcome, result={"sitting_id": str(outcome.id)})

    return await run_once(request, who, key, payload, lambda: _answer(request, command, status=201))


@router.get("/plan", summary="The month's plan per body: sittings, cohorts, deferrals in and out")
def month_plan(
    month: str = Query(description="the plan month, YYYY-MM", examples=["2026-04"]),
    who: Principal = Depends(allow(*READERS)), read: Reading = Depends(reading),
) -> JSONResponse:  # fmt: skip
    parse_month(month, field="month")
    app = read.services.app
    bodies = read.query(plans.month_plan, app.rulebook, app.calendar, month)
    return read.json({"month": month, "bodies": [b for b in bodies if who.sees(b["body"])]})


@router.post("/cohort-rule", summary="Apply the minimum cohort to a month: defer projects with too few applicants")
async def cohort_rule(payload: CohortRuleRequest, request: Request, key: IdempotencyKey = None, who: Principal = Depends(allow("registrar"))) -> JSONResponse:
    require_body(who, payload.body, "body", payload.body)

    def command() -> Outcome:
        outcome = services(request).app.sittings.apply_cohort_rule(**payload.model_dump(), actor=who.actor)
        return replace(outcome, result={"body": payload.body, "plan_month": payload.plan_month, "cohorts": outcome.result})

    return await run_once(request, who, key, payload, lambda: _answer(request, command))


@router.post("/windows/{body}/{window}/fold", summary="Fold a thin fixed window into November (seed 004 二(三) 注)")
async def fold_window(
    body: Annotated[str, Path(description="the body's code", examples=["jsxh"])],
    window: Annotated[str, Path(description="the fixed window's name (seed 004 二(三))", examples=["April"])], payload: FoldWindowRequest, request: Request, key: IdempotencyKey = None,
    who: Principal = Depends(allow("registrar")),
) -> JSONResponse:  # fmt: skip
    require_body(who, body, "body", body)

    def command() -> Outcome:
        return services(request).app.sittings.fold_window(body=body, window=window, **payload.model_dump(), actor=who.actor)

    return await run_once(request, who, key, payload, lambda: _answer(request, command))


def _answer(request: Request, command: Callable[[], Outcome], status: int = 200) -> JSONResponse:
    """The command's result and the log position of its write (pass it as `wait_for_position`), or its refusal. A
    rule that changed nothing wrote nothing: its position is the log's head, which a reader has already reached
    whatever it waits for."""
    try:
        outcome = command()
    except DomainError as error:
        details = {k: mask_id_number(v) if isinstance(v, str) else v for k, v in error.details.items()}
        return problem(request, error.http_status, error.code, error.message, field=error.field, clause=error.clause, details=details)
    position = outcome.position if outcome.position is not None else services(request).app.recorder.max_notification_id()
    return JSONResponse({**jsonable_encoder(outcome.result), "position": position}, status_code=status)
