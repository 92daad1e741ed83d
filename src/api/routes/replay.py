"""Case replay for compliance officers (DOMAIN §9): the timeline, the state as of a version or a moment, and what
changed between two moments, read from the case's own events. Compliance, supervisors and the case's body's
registrar may replay; examiners may not."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from api.auth import allow
from api.queries import MOMENT_HELP, Reading, moment, reading, version_or_moment
from api.routes.common import case_in_scope
from api.tokens import Principal
from cases import replay
from cases.limits import MAX_POSITION

router = APIRouter(prefix="/cases", tags=["replay"])
REPLAYERS = allow("registrar", "compliance", "supervisor")


@router.get("/{case_id}/timeline", summary="Every event: when, who, what, the clause relied on")
def timeline(case_id: UUID, request: Request, who: Principal = Depends(REPLAYERS), read: Reading = Depends(reading)) -> JSONResponse:
    case_in_scope(request, who, case_id)
    return read.json([entry.to_dict() for entry in replay.timeline(read.services.app, case_id)])


@router.get("/{case_id}/as-of", summary="The case as it stood at a version or at a moment")
def as_of(
    case_id: UUID, request: Request,
    version: int | None = Query(None, ge=0, le=MAX_POSITION, description="the case as it stood at this version", examples=[2]),
    at: str | None = Query(None, description="the case as it stood at this moment (ISO, with its time zone)"),
    who: Principal = Depends(REPLAYERS), read: Reading = Depends(reading),
) -> JSONResponse:  # fmt: skip
    case_in_scope(request, who, case_id)
    state = replay.state_as_of(read.services.app, case_id, version=version, at=moment(at, "at") if at is not None else None)
    return read.json(state.to_dict())


@router.get("/{case_id}/diff", summary="What changed between two moments, and the events in between")
def diff(
    case_id: UUID, request: Request,
    from_: str = Query(alias="from", description=f"the earlier moment: {MOMENT_HELP}", examples=["1"]),
    to: str = Query(description=f"the later moment: {MOMENT_HELP}", examples=["3"]),
    who: Principal = Depends(REPLAYERS), read: Reading = Depends(reading),
) -> JSONResponse:  # fmt: skip
    case_in_scope(request, who, case_id)
    (from_version, from_at), (to_version, to_at) = version_or_moment(from_, "from"), version_or_moment(to, "to")
    found = replay.diff(read.services.app, case_id, from_version=from_version, from_at=from_at, to_version=to_version, to_at=to_at)
    return read.json(found.to_dict())
