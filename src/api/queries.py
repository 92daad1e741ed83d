"""What the query routes share: read-your-writes (`wait_for_position`), answers that say the projection position
they were read at (`X-Projection-Position`), file answers, the caller's body scope over registers, and the small
reads the projections do not offer themselves (the certificate register by number, body and status)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select

from api.services import Services
from api.tokens import Principal
from cases.errors import InvalidInput
from cases.projections.case_index import CaseIndex
from cases.projections.certificates import CertificateRegister
from cases.projections.service import Projections

WaitForPosition = Annotated[
    int | None,
    Query(ge=1, description="read your writes: wait (at most 5 s) until the read models reach this log position (a command's `position`)"),
]
POSITION_HEADER = "X-Projection-Position"
CERTIFICATE_STATUSES = ("valid", "revoked", "replaced")


# --- read your writes -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """A query's view of the services once the read models have reached the position asked for (or 5 s passed)."""

    services: Services
    position: int

    @property
    def projections(self) -> Projections:
        return self.services.projections

    def json(self, data: Any, headers: dict[str, str] | None = None) -> JSONResponse:
        response = JSONResponse(jsonable_encoder(data), headers=headers)
        response.headers[POSITION_HEADER] = str(self.position)
        return response

    def file(self, content: bytes, media_type: str, filename: str | None = None) -> Response:
        response = Response(content, media_type=media_type)
        if filename:
            response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.headers[POSITION_HEADER] = str(self.position)
        return response


def reading(request: Request, wait_for_position: WaitForPosition = None) -> Reading:
    """A dependency: wait (bounded) for `wait_for_position`, then report the position the read models are at."""
    services: Services = request.app.state.services
    services.wait_for(wait_for_position)
    return Reading(services, projection_position(services.projections))


def projection_position(projections: Projections) -> int:
    """The position every read model has reached (the lowest of their live generations'); 0 before any ran."""
    positions, live = projections.store.table("projection_positions"), projections.store.table("projection_live")
    query = select(positions.c.name, positions.c.position).join(
        live, (live.c.name == positions.c.name) & (live.c.generation == positions.c.generation)
    )
    with projections.store.engine.connect() as conn:
        reached = dict(conn.execute(query).tuples().all())
    return min((reached.get(name, 0) for name in projections.projections), default=0)


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


def bodies_of(projections: Projections, case_ids: Iterable[str]) -> dict[str, str]:
    """Case id → its body, from the case index."""
    wanted = sorted(set(case_ids))
    if not wanted:
        return {}
    t = projections.live_tables(CaseIndex.name)["cases"]
    with projections.store.engine.connect() as conn:
        return dict(conn.execute(select(t.c.case_id, t.c.body).where(t.c.case_id.in_(wanted))).tuples().all())


# --- the certificate register ------------------------------------------------------------------------------


def find_certificates(
    projections: Projections, body: str | None = None, status: str | None = None, number: str | None = None,
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


PUBLIC_COLUMNS = ("number", "holder_name", "body", "occupation", "work_type", "level", "issued_on", "status", "status_on", "replaced_by")


def public_certificate(projections: Projections, number: str) -> dict[str, Any] | None:
    """What the public may know of a certificate: never the holder's ID number, not even masked."""
    t = projections.live_tables(CertificateRegister.name)["certificates"]
    with projections.store.engine.connect() as conn:
        row = conn.execute(select(*(t.c[c] for c in PUBLIC_COLUMNS)).where(t.c.number == number)).mappings().first()
    return dict(row) if row else None


# --- moments ------------------------------------------------------------------------------------------------

MOMENT_HELP = "a version number, or an ISO timestamp with its time zone (2026-05-08T09:00:00+08:00)"


def moment(given: str, field: str) -> datetime:
    """An ISO timestamp; a '+' left unencoded in the query string arrives as a space and is put back."""
    text = given.strip().replace(" ", "+")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{MOMENT_HELP} is expected, not {given!r}", field=field) from None


def version_or_moment(given: str, field: str) -> tuple[int | None, datetime | None]:
    text = given.strip()
    return (int(text), None) if text.isdigit() else (None, moment(text, field))
