"""What the query routes share: read-your-writes (`wait_for_position`), answers that say the projection position
they were read at (`X-Projection-Position`), file answers, the caller's body scope over registers, and the small
reads the projections do not offer themselves (the certificate register by number, body and status)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Annotated, Any, TypeVar

from fastapi import HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Select, Table, bindparam, select
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool

from api.services import WAITS_PER_CALLER, Services
from api.tokens import Principal
from cases.errors import InvalidInput
from cases.limits import MAX_POSITION
from cases.projections.case_index import CaseIndex
from cases.projections.certificates import CertificateRegister
from cases.projections.engine.service import LiveView, ReadModels

WaitForPosition = Annotated[
    int | None,
    Query(ge=1, le=MAX_POSITION, description="read your writes: wait (at most 5 s) until the read models reach this log position (a command's `position`; not beyond the log's head)"),
]
POSITION_HEADER = "X-Projection-Position"
T = TypeVar("T")
CERTIFICATE_STATUSES = ("valid", "revoked", "replaced")


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


def bodies_of(projections: ReadModels, case_ids: Iterable[str]) -> dict[str, str]:
    """Case id → its body, from the case index."""
    wanted = sorted(set(case_ids))
    if not wanted:
        return {}
    t = projections.live_tables(CaseIndex.name)["cases"]
    with projections.store.engine.connect() as conn:
        return dict(conn.execute(select(t.c.case_id, t.c.body).where(t.c.case_id.in_(wanted))).tuples().all())


# --- the certificate register ------------------------------------------------------------------------------


def find_certificates(
    projections: ReadModels, body: str | None = None, status: str | None = None, number: str | None = None,
    limit: int = 100, offset: int = 0,
) -> list[dict[str, Any]]:  # fmt: skip
    """Certificates matching every filter given, newest issue first."""
    if status is not None and status not in CERTIFICATE_STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(CERTIFICATE_STATUSES)}", field="status")
    t = projections.live_tables(CertificateRegister.name)["certificates"]
    wanted = {"body": body, "status": status, "number": number}
    query = select(t).where(*[t.c[column] == value for column, value in wanted.items() if value is not None])
    with projections.store.engine.connect() as conn:
        found = conn.execute(query.order_by(t.c.issued_on.desc(), t.c.number).limit(limit).offset(offset)).mappings()
        return [dict(row) for row in found]


PUBLIC_COLUMNS = (
    "number", "holder_name", "body", "occupation", "work_type", "level", "issued_on", "collectable_from",
    "collectable_from_provisional", "status", "status_on", "replaced_by",
)  # fmt: skip


def public_certificate(projections: ReadModels, number: str) -> dict[str, Any] | None:
    """What the public may know of a certificate: never the holder's ID number, not even masked."""
    with projections.store.reader.connect() as conn:
        row = conn.execute(_public_lookup(projections.live_tables(CertificateRegister.name)["certificates"]), {"number": number})
        found = row.mappings().first()
    return dict(found) if found else None


@lru_cache(maxsize=8)
def _public_lookup(t: Table) -> Select:
    """One statement per generation's table (the busiest query of all: built once, its compiled form reused)."""
    return select(*(t.c[c] for c in PUBLIC_COLUMNS)).where(t.c.number == bindparam("number"))
