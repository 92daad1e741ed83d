"""Case replay for compliance officers (DOMAIN §9): the timeline (each row with its business date and its recording
time), the state as of a version, a recording moment or a business date, and what changed between two of them,
read from the case's own events. Compliance, supervisors and the case's body's
registrar may replay; examiners may not."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from api.auth import allow
from api.queries import Reading, reading
from api.schemas import Day
from api.routes.common import case_in_scope
from api.tokens import Principal
from cases.service import case_diff, case_timeline, replay
from cases.errors import InvalidInput
from cases.limits import MAX_POSITION
from cases.service.moment import MOMENT_HELP, Moment

router = APIRouter(prefix="/cases", tags=["replay"])
REPLAYERS = allow("registrar", "compliance", "supervisor")


@router.get("/{case_id}/timeline", summary="Every event: when, who, what, the clause relied on")
def timeline(case_id: UUID, request: Request, who: Principal = Depends(REPLAYERS), read: Reading = Depends(reading)) -> JSONResponse:
    case = case_in_scope(request, who, case_id)
    return read.json([entry.to_dict() for entry in case_timeline.timeline(read.services.app, case_id, loaded=case)])


@router.get("/{case_id}/as-of", summary="The case as it stood at a version, a recording moment or a business date")
def as_of(
    case_id: UUID, request: Request,
    version: int | None = Query(None, ge=0, le=MAX_POSITION, description="the case as it stood at this version", examples=[2]),
    at: str | None = Query(None, description="the case as recorded by this moment (ISO, with its time zone): recording time"),
    on: Day | None = Query(None, description="the case after the facts that had happened by the end of this day (e.g. 2026-05-01): business time; give one of version, at, on"),
    who: Principal = Depends(REPLAYERS), read: Reading = Depends(reading),
) -> JSONResponse:  # fmt: skip
    """Exactly one of `version`, `at` and `on`. The answer names the version it is, when that version was recorded
    (`as_of`) and the day its facts had reached (`business_date`)."""
    case = case_in_scope(request, who, case_id)
    recorded = Moment.parse(at, "at").at if at is not None else None
    if at is not None and recorded is None:
        raise InvalidInput("`at` is a timestamp with its time zone; a business date goes in `on`", field="at")
    state, reached = replay.state_and_business_date(read.services.app, case_id, version=version, at=recorded, on=on, loaded=case)
    return read.json({**state.to_dict(), "business_date": reached})


@router.get("/{case_id}/diff", summary="What changed between two moments (versions, recording moments or business dates)")
def diff(
    case_id: UUID, request: Request,
    from_: str = Query(alias="from", description=f"the earlier moment: {MOMENT_HELP}", examples=["1"]),
    to: str = Query(description=f"the later moment: {MOMENT_HELP}", examples=["3"]),
    who: Principal = Depends(REPLAYERS), read: Reading = Depends(reading),
) -> JSONResponse:  # fmt: skip
    case = case_in_scope(request, who, case_id)
    start, end = Moment.parse(from_, "from"), Moment.parse(to, "to")
    found = case_diff.diff(
        read.services.app, case_id, from_version=start.version, from_at=start.at, from_on=start.on,
        to_version=end.version, to_at=end.at, to_on=end.on, loaded=case,
    )  # fmt: skip
    return read.json(found.to_dict())
