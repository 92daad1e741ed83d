"""The public certificate verification page (DOMAIN §8; the page a certificate's QR code will open): no sign-in, no
ID number, limited per address exactly as the API's /public routes (`api.rate_limit`). By number and the holder's
name it says valid, revoked (with the kind of reason: a sanction's tier, or the issuing body's own — never the
conduct) or replaced (by which number), and the day the paper certificate may be collected when there is one. An
unknown number and a wrong name are the same page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.console.access import services
from api.console.render import body_name, page
from api.queries import Reading
from api.rate_limit import rate_limited
from cases.identity import same_name
from cases.projections.certificates import public_certificate

router = APIRouter()


@router.get("/verify")
async def verify(request: Request, number: str = Query("", max_length=40), name: str = Query("", max_length=100)) -> Response:
    return await public_check(request, "verify.html", {"number": number, "name": name}, "certificate",
                              lambda: lookup(request, number.strip(), name))  # fmt: skip


async def public_check(
    request: Request, template: str, asked: dict[str, str], found_as: str, find: Callable[[], dict[str, Any] | None]
) -> Response:  # fmt: skip
    """A public check's page (a certificate's, a ticket's): the blank form until every field in `asked` is filled;
    then, counted against the address's minute (only a lookup counts; one limit for every public check), `find`'s
    answer in a worker thread, shown as `found_as`, or the same 404 page for whatever does not match."""
    if not all(value.strip() for value in asked.values()):
        return page(request, template, **asked, asked=False)
    await rate_limited(request)
    found = await run_in_threadpool(find)
    if found is None:
        return page(request, template, 404, **asked, asked=True, **{found_as: None})
    return page(request, template, **asked, asked=True, **{found_as: found}, issuer=body_name(request, found["body"]))


def lookup(request: Request, number: str, name: str) -> dict[str, Any] | None:
    """The certificate's public row with the kind of its revocation, or None when the number or the name is wrong."""
    found = Reading(services(request)).query(public_certificate, number)
    if found is None or not same_name(found["holder_name"], name):
        return None
    return {**found, "kind": found["revocation_kind"]}
