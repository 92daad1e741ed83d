"""Public certificate verification (DOMAIN §8: the role of 随申办 / osta.org.cn and seed 000's query page): anyone,
without a token, gives a certificate number and the holder's name and learns whether it is valid, revoked or
replaced, and from which day an individual may collect it at the counter (seeds 000/001 五; with
`collectable_from_provisional`, as every provisional date is shown: `cases.provisional`). Never the holder's ID
number, not even masked. An unknown number and a wrong name answer the same 404,
so the register cannot be mined for names. Each client address may ask `app.state.public_rate_limit` times a
minute (default 30; None switches the limit off) and then gets 429 with Retry-After."""

from __future__ import annotations

import hmac
import math
import threading
import time
import unicodedata
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse

from api.queries import Reading, not_waiting, public_certificate
from api.schemas import PublicCertificate
from cases.errors import NotFound
from cases.rulebook.loader import RuleBook

router = APIRouter(prefix="/public", tags=["public"])
DEFAULT_PER_MINUTE = 30
NO_MATCH = "no certificate matches this number and name"


class TokenBucket:
    """Per client address: a burst of `per_minute` requests, refilled evenly over the minute."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self.refill = per_minute / 60.0  # tokens per second
        self.lock = threading.Lock()
        self.buckets: dict[str, tuple[float, float]] = {}  # address → (tokens, when counted)

    def take(self, address: str, now: float | None = None) -> float:
        """0 when the request may go ahead (a token is taken), else the seconds until one is available."""
        now = time.monotonic() if now is None else now
        with self.lock:
            tokens, then = self.buckets.get(address, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - then) * self.refill)
            if tokens >= 1:
                self.buckets[address] = (tokens - 1, now)
                self._forget_full(now)
                return 0.0
            self.buckets[address] = (tokens, now)
            return (1 - tokens) / self.refill

    def _forget_full(self, now: float) -> None:
        """A bucket that has refilled is the same as none: drop such buckets once there are many."""
        if len(self.buckets) > 10_000:
            full_after = self.per_minute / self.refill
            self.buckets = {a: (t, w) for a, (t, w) in self.buckets.items() if now - w < full_after}


_creating = threading.Lock()


def limiter(app: FastAPI) -> TokenBucket | None:
    """The app's bucket for its configured rate (a changed `public_rate_limit` starts a fresh one)."""
    wanted = getattr(app.state, "public_rate_limit", DEFAULT_PER_MINUTE)
    if not wanted:
        return None
    with _creating:
        current: TokenBucket | None = getattr(app.state, "public_limiter", None)
        if current is None or current.per_minute != wanted:
            current = app.state.public_limiter = TokenBucket(int(wanted))
    return current


async def rate_limited(request: Request) -> None:
    """Async: a lock and some arithmetic, not worth a trip to the thread pool."""
    bucket = limiter(request.app)
    wait = bucket.take(request.client.host if request.client else "unknown") if bucket else 0.0
    if wait:
        raise HTTPException(429, "too many verification requests from this address; retry later", headers={"Retry-After": str(math.ceil(wait))})


@router.get("/certificates/{number}", response_model=PublicCertificate, summary="Verify a certificate by number and holder name (no token)")
def verify(
    number: str, name: str = Query(min_length=1, max_length=100, description="the holder's name as on the certificate"),
    _: None = Depends(rate_limited), read: Reading = Depends(not_waiting),
) -> JSONResponse:  # fmt: skip
    found = read.query(public_certificate, number.strip())
    if found is None or not _same_name(found["holder_name"], name):
        raise NotFound(NO_MATCH)
    return read.json(_public(found, read.services.app.rulebook), headers={"Cache-Control": "no-store"}, encoded=True)


def _same_name(held: str, given: str) -> bool:
    def normal(text: str) -> bytes:
        return unicodedata.normalize("NFKC", text).strip().encode()

    return hmac.compare_digest(normal(held), normal(given))


def _public(row: dict[str, Any], rulebook: RuleBook) -> dict[str, Any]:
    body = next((c.body(row["body"]) for c in reversed(rulebook.catalogues.values()) if c.body(row["body"])), None)
    return PublicCertificate(**row, body_name=body.name if body else None).model_dump(mode="json")
