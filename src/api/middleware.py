"""One structured log line per request (request id, actor, route, status, latency; ID and phone numbers masked
by the log processors) and the Prometheus counters behind /metrics."""

from __future__ import annotations

import re
import time
import uuid
from collections import defaultdict
from threading import Lock
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cases.observability import bound_request, get_logger, redact

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


def route_of(scope: Scope, app: Any) -> str:
    """The matched route's template (never the raw path: ids would explode the metrics), or "unmatched". Plain
    Starlette routes (/openapi.json, /docs) leave only their endpoint in the scope, not the route."""
    route = scope.get("route")
    if route is not None and getattr(route, "path", None):
        return route.path
    endpoint = scope.get("endpoint")
    if endpoint is not None:
        for candidate in app.routes:
            if getattr(candidate, "endpoint", None) is endpoint and getattr(candidate, "path", None):
                return candidate.path
    return "unmatched"


_SAFE_CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_SEPARATORS = re.compile(r"[._:-]")


def _request_id(scope: Scope) -> str:
    """The client's X-Request-ID when it is safe to log as it is, else a fresh one (32 hex digits).

    Log lines carry the request id unmasked (masking the digit runs of a generated one would break tracing), so a
    client's is honoured only when it is short, of a safe character set, and nothing the log redaction would
    mask, also with its separators taken out: a full ID or mobile number cannot reach a log through it."""
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            given = value.decode("latin-1")
            return given if _loggable_as_it_is(given) else _new_request_id()
    return _new_request_id()


def _loggable_as_it_is(request_id: str) -> bool:
    if not _SAFE_CLIENT_REQUEST_ID.fullmatch(request_id):
        return False
    return all(redact(form) == form for form in (request_id, _SEPARATORS.sub("", request_id)))


_DIGIT_RUN = re.compile("[0-9]{10}")


def _new_request_id() -> str:
    """32 hex digits holding no run the redaction would take for a mobile or ID number (about one uuid4 in fifty
    does): whoever scans the logs for leaked numbers finds none in the request ids either."""
    while _DIGIT_RUN.search(made := uuid.uuid4().hex):  # no number the redaction knows is shorter than 10 digits
        pass
    return made


class RequestLog:
    """Pure ASGI (no per-request task or stream, unlike Starlette's BaseHTTPMiddleware, which halved the
    throughput of small requests): binds the request id for every log line written while the request runs, adds
    `X-Request-ID` to the answer, counts it in the metrics and writes the request's own line at the end. The
    actor is what authentication left in `request.state.actor` (the scope's state)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        state = scope.setdefault("state", {})
        state["request_id"], state["actor"] = request_id, None
        header = (b"x-request-id", request_id.encode("latin-1"))
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        started = time.perf_counter()
        try:
            with structlog.contextvars.bound_contextvars(request_id=request_id):
                await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = route_of(scope, scope["app"])
            scope["app"].state.metrics.observe(scope["method"], route, status, seconds)
            with bound_request(request_id=request_id, actor=state.get("actor")):
                log.info("http.request", method=scope["method"], route=route, path=scope["path"], status=status,
                         latency_ms=round(seconds * 1000, 2))  # fmt: skip
