"""The public verification's rate limit per client address: `app.state.public_rate_limit` requests (default 30;
None switches it off) in any moving minute, then 429 with Retry-After until the oldest of them leaves the minute.

Built on the `limits` library: its moving-window strategy over its in-memory storage. Per process, as the token
bucket it replaced was: each worker of `cases serve --workers N` keeps its own windows, so an address whose
connections reach several workers may ask up to N times the budget.
"""

from __future__ import annotations

import math
import threading
import time

from fastapi import FastAPI, HTTPException, Request
from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

DEFAULT_PER_MINUTE = 30


class PerAddressLimit:
    """`per_minute` requests per address in any 60 seconds."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self.item = RateLimitItemPerMinute(per_minute)
        self.windows = MovingWindowRateLimiter(MemoryStorage())  # forgets an address once its minute has passed

    def take(self, address: str) -> int:
        """0 when the request may go ahead (it is counted), else the whole seconds until it may (at least 1)."""
        if self.windows.hit(self.item, address):
            return 0
        reset, _ = self.windows.get_window_stats(self.item, address)
        return max(1, math.ceil(reset - time.time()))  # the storage's clock is time.time()


_creating = threading.Lock()


def limiter(app: FastAPI) -> PerAddressLimit | None:
    """The app's limit for its configured rate (a changed `public_rate_limit` starts afresh)."""
    wanted = getattr(app.state, "public_rate_limit", DEFAULT_PER_MINUTE)
    if not wanted:
        return None
    with _creating:
        current: PerAddressLimit | None = getattr(app.state, "public_limiter", None)
        if current is None or current.per_minute != wanted:
            current = app.state.public_limiter = PerAddressLimit(int(wanted))
    return current


async def rate_limited(request: Request) -> None:
    """A route dependency. Async: a lock and some arithmetic, not worth a trip to the thread pool."""
    limit = limiter(request.app)
    wait = limit.take(request.client.host if request.client else "unknown") if limit else 0
    if wait:
        raise HTTPException(429, "too many verification requests from this address; retry later", headers={"Retry-After": str(wait)})
