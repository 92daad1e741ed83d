"""Register verification for compliance officers (the proof that the registers equal the log, as `cases
projections verify`): start one, then poll it. See `api.verifications` for where it runs and what it records."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from fastapi.encoders import jsonable_encoder
from starlette.concurrency import run_in_threadpool

from api import verifications
from api.auth import allow
from api.tokens import Principal

router = APIRouter(prefix="/registers/verifications", tags=["registers"])
VERIFIERS = allow("compliance")


@router.post("", status_code=202, summary="Start verifying every register against the log (poll the answer's href)")
async def start(request: Request, who: Principal = Depends(VERIFIERS)) -> JSONResponse:
    services = request.app.state.services
    verification_id, thread = await run_in_threadpool(verifications.start, services.projections, services.api_store, who.actor, services.stopping)
    services.verifications.append(thread)
    href = f"/registers/verifications/{verification_id}"
    return JSONResponse({"id": verification_id, "outcome": "running", "href": href}, status_code=202, headers={"Location": href})


@router.get("/{verification_id}", summary="A verification: running with its progress, or equal / differ (with each difference) / failed")
def find(verification_id: str, request: Request, who: Principal = Depends(VERIFIERS)) -> JSONResponse:
    return JSONResponse(jsonable_encoder(verifications.find(request.app.state.services.api_store, verification_id)))
