"""One structured log line per request (request id, actor, route, status, latency; ID and phone numbers masked
by the log processors) and the Prometheus counters behind /metrics."""

from __future__ import annotations

import time
import uuid
from collections import defaultdict
from threading import Lock

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import Response

from cases.observability import bound_request, get_logger

log = get_logger("cases.api")
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, float("inf"))


class Metrics:
    def __init__(self) -> None:
        self.lock = Lock()
        self.requests: dict[tuple[str, str, int], int] = defaultdict(int)
        self.latency: dict[tuple[str, float], int] = defaultdict(int)
        self.latency_sum: dict[str, float] = defaultdict(float)
        self.latency_count: dict[str, int] = defaultdict(int)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        with self.lock:
            self.requests[(method, route, status)] += 1
            for bound in BUCKETS:
                if seconds <= bound:
                    self.latency[(route, bound)] += 1
            self.latency_sum[route] += seconds
            self.latency_count[route] += 1

    def text(self) -> str:
        lines = ["# HELP cases_http_requests_total HTTP requests by method, route and status", "# TYPE cases_http_requests_total counter"]
        with self.lock:
            for (method, route, status), n in sorted(self.requests.items()):
                lines.append(f'cases_http_requests_total{{method="{method}",route="{route}",status="{status}"}} {n}')
            lines += ["# HELP cases_http_request_seconds request latency", "# TYPE cases_http_request_seconds histogram"]
            for (route, bound), n in sorted(self.latency.items()):
                le = "+Inf" if bound == float("inf") else f"{bound}"
                lines.append(f'cases_http_request_seconds_bucket{{route="{route}",le="{le}"}} {n}')
            for route, total in sorted(self.latency_sum.items()):
                lines.append(f'cases_http_request_seconds_sum{{route="{route}"}} {total:.6f}')
                lines.append(f'cases_http_request_seconds_count{{route="{route}"}} {self.latency_count[route]}')
        return "\n".join(lines) + "\n"


def route_of(request: Request) -> str:
    """The matched route's template (never the raw path: ids would explode the metrics), or "unmatched". Plain
    Starlette routes (/openapi.json, /docs) leave only their endpoint in the scope, not the route."""
    route = request.scope.get("route")
    if route is not None and getattr(route, "path", None):
        return route.path
    endpoint = request.scope.get("endpoint")
    if endpoint is not None:
        for candidate in request.app.routes:
            if getattr(candidate, "endpoint", None) is endpoint and getattr(candidate, "path", None):
                return candidate.path
    return "unmatched"


class RequestLog(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next) -> Response:  # type: ignore[override]
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        request.state.request_id = request_id[:64]
        request.state.actor = None
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
        finally:
            seconds = time.perf_counter() - started
            route = route_of(request)
            request.app.state.metrics.observe(request.method, route, status, seconds)
            with bound_request(request_id=request.state.request_id, actor=request.state.actor):
                log.info("http.request", method=request.method, route=route, path=request.url.path, status=status,
                         latency_ms=round(seconds * 1000, 2))  # fmt: skip
        response.headers["X-Request-ID"] = request.state.request_id
        return response
