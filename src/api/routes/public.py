"""Public certificate verification (DOMAIN §8: the role of 随申办 / osta.org.cn and seed 000's query page): anyone,
without a token, gives a certificate number and the holder's name and learns whether it is valid, revoked or
replaced, and from which day an individual may collect it at the counter (seeds 000/001 五; with
`collectable_from_provisional`, as every provisional date is shown: `cases.provisional`). Never the holder's ID
number, not even masked. An unknown number and a wrong name answer the same 404,
so the register cannot be mined for names. Each client address may ask `app.state.public_rate_limit` times a
minute (default 30; None switches the limit off) and then gets 429 with Retry-After."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from api.queries import Reading, not_waiting
from api.rate_limit import rate_limited
from api.schemas import PublicCertificate
from cases.errors import NotFound
from cases.identity import same_name
from cases.projections.certificates import public_certificate
from cases.rulebook.loader import RuleBook

router = APIRouter(prefix="/public", tags=["public"])
NO_MATCH = "no certificate matches this number and name"


@router.get("/certificates/{number}", response_model=PublicCertificate, summary="Verify a certificate by number and holder name (no token)")
def verify(
    number: str, name: str = Query(min_length=1, max_length=100, description="the holder's name as on the certificate"),
    _: None = Depends(rate_limited), read: Reading = Depends(not_waiting),
) -> JSONResponse:  # fmt: skip
    found = read.query(public_certificate, number.strip())
    if found is None or not same_name(found["holder_name"], name):
        raise NotFound(NO_MATCH)
    return read.json(_public(found, read.services.app.rulebook), headers={"Cache-Control": "no-store"}, encoded=True)


def _public(row: dict[str, Any], rulebook: RuleBook) -> dict[str, Any]:
    body = rulebook.newest_body(row["body"])
    return PublicCertificate(**row, body_name=body.name if body else None).model_dump(mode="json")
