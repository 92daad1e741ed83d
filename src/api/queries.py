"""What the query routes share: read-your-writes (`wait_for_position`), answers that say the projection position
they were read at (`X-Projection-Position`), file answers, and the caller's body scope over registers. The reads
themselves, and their SQL, are the read models' own (`cases.projections`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from fastapi import HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool

from api.services import WAITS_PER_CALLER, Services
from api.tokens import Principal
from cases.errors import InvalidInput
from cases.limits import MAX_POSITION
from cases.projections.engine.service import LiveView

WaitForPosition = Annotated[
    int | None,
    Query(ge=1, le=MAX_POSITION, description="read your writes: wait (at most 5 s) until the read models reach this log position (a command's `position`; not beyond the log's head)"),
]
POSITION_HEADER = "X-Projection-Position"
T = TypeVar("T")


# --- read your writes -----------------------------------------------------------------------------------------


@dataclass
class Reading:
    """A query's view of the read models once they have reached the position asked for (or 5 s passed). Queries
    go through `query`, which reads with a recent live view (`Projections.recent_view`) and, should a rebuild
    elsewhere have switched generations and dropped that view's tables meanwhile, reads once more with a fresh one.
    The position answered in `X-Projection-Position` is one the rows include at least."""

    services: Services
    at_least: int = 0
    _view: LiveView | None = field(default=None, repr=False)

    @property
    def projections(self) -> LiveView:
        if self._view is None:
            self._view = self.services.projections.recent_view(self.at_least)
        return self._view

    @property
    def position(self) -> int:
        return self.projections.position

    def query(self, read: Callable[..., T], *args: Any) -> T:
        """`read(view, *args)`, read again with a fresh view if this one's generation was dropped meanwhile."""
        try:
            return read(self.projections, *args)
        except DBAPIError:
            fresh = self.services.projections.fresh_view()
            if fresh.generations == self.projections.generations:
                raise  # not a switch: a real error
            self._view = fresh
            return read(fresh, *args)

    def json(self, data: Any, headers: dict[str, str] | None = None, *, encoded: bool = False) -> JSONResponse:
        """`data` as JSON (`encoded`: it is JSON-ready already, e.g. a model dumped in JSON mode)."""
        response = JSONResponse(data if encoded else jsonable_encoder(data), headers=headers)
        response.headers[POSITION_HEADER] = str(self.position)
        return response

    def file(self, content: bytes, media_type: str, filename: str | None = None) -> Response:
        response = Response(content, media_type=media_type)
        if filename:
            response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.headers[POSITION_HEADER] = str(self.position)
        return response


async def reading(request: Request, wait_for_position: WaitForPosition = None) -> Reading:
    """A dependency: wait (bounded) for `wait_for_position`. Without it, nothing to do here: the live view is read
    in the route's own thread, with its rows.

    No caller can make a worker wait for nothing: a position beyond the log's head is refused at once (a command's
    answer never names one), the wait itself holds no thread (`Services.wait_for`), and one caller — a token, as
    every route that takes a position needs one — may have `WAITS_PER_CALLER` waits in flight; more answer 429."""
    services: Services = request.app.state.services
    if not wait_for_position:
        return Reading(services, 0)
    head = await run_in_threadpool(services.head)
    if wait_for_position > head:
        raise InvalidInput(f"the log's last position is {head}: wait_for_position must not be beyond it", field="wait_for_position")
    caller = _caller(request)
    if services.waiting.get(caller, 0) >= WAITS_PER_CALLER:
        raise HTTPException(429, f"at most {WAITS_PER_CALLER} reads may wait for a position at once", headers={"Retry-After": "1"})
    services.waiting[caller] = services.waiting.get(caller, 0) + 1
    try:
        await services.wait_for(wait_for_position)
    finally:
        services.waiting[caller] -= 1
        if not services.waiting[caller]:
            del services.waiting[caller]
    return Reading(services, wait_for_position)


async def not_waiting(request: Request) -> Reading:
    """The public routes' reading: `wait_for_position` is refused (anyone could otherwise hold a worker waiting),
    and the query is never made to wait."""
    if "wait_for_position" in request.query_params:
        raise InvalidInput("wait_for_position is not offered on public routes", field="wait_for_position")
    return Reading(request.app.state.services, 0)


def _caller(request: Request) -> str:
    """Who waits: the bearer token's id (authentication ran first, as a dependency of the route), else the address."""
    header = request.headers.get("authorization", "")
    token = header.removeprefix("Bearer ").split("_")[1:2] if header.startswith("Bearer cases_") else []
    return f"token:{token[0]}" if token else f"address:{request.client.host if request.client else 'unknown'}"


# --- body scope ---------------------------------------------------------------------------------------------


def scoped_body(who: Principal, body: str | None) -> str | None:
    """The body a register is read for: a body's staff always read their own; naming another body is refused."""
    if who.body is None:
        return body
    if body is not None and body != who.body:
        raise HTTPException(403, f"a {who.role} of {who.body} reads only {who.body}'s registers, not {body}'s")
    return who.body


def in_scope(rows: Iterable[dict[str, Any]], body: str | None) -> list[dict[str, Any]]:
    return [row for row in rows if body is None or row["body"] == body]
