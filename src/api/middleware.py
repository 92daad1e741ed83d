"""One structured log line per request (request id, actor, route, status, latency; ID and phone numbers masked
by the log processors), the request's count in the metrics (`api.metrics`), and the request ids themselves:
`asgi-correlation-id`'s middleware with this project's rule for which ids may be logged as they are."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import structlog
from asgi_correlation_id import CorrelationIdMiddleware, correlation_id
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cases.observability import bound_request, get_logger, redact

log = get_logger("cases.api")


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


def _loggable_as_it_is(request_id: str) -> bool:
    """Whether a client's X-Request-ID is honoured: only when short, of a safe character set, and nothing the log
    redaction would mask, also with its separators taken out. Log lines carry the request id unmasked (masking the
    digit runs of a made one would break tracing), so a full ID or mobile number cannot reach a log through it."""
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


def request_ids(app: ASGIApp) -> CorrelationIdMiddleware:
    """The outermost middleware: takes the client's X-Request-ID when it is loggable as it is, else makes one (the
    library logs a warning naming the made id), holds it in `asgi_correlation_id.correlation_id` for the request
    and answers it in X-Request-ID."""
    return CorrelationIdMiddleware(
        app, header_name="X-Request-ID", generator=_new_request_id, validator=_loggable_as_it_is, transformer=None,
        update_request_header=False,  # nothing within reads the header: the id is `correlation_id`'s
    )  # fmt: skip


class RequestLog:
    """Pure ASGI (no per-request task or stream, unlike Starlette's BaseHTTPMiddleware, which halved the
    throughput of small requests), inside `request_ids`: binds the request id for every log line written while
    the request runs, counts the request in the metrics and writes its own line at the end. The actor is what
    authentication left in `request.state.actor` (the scope's state)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = correlation_id.get()
        state = scope.setdefault("state", {})
        state["actor"] = None
        status = 500

        async def send_seeing_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = time.perf_counter()
        try:
            with structlog.contextvars.bound_contextvars(request_id=request_id):
                await self.app(scope, receive, send_seeing_status)
        finally:
            seconds = time.perf_counter() - started
            route = route_of(scope, scope["app"])
            scope["app"].state.metrics.observe(scope["method"], route, status, seconds)
            with bound_request(request_id=request_id, actor=state.get("actor")):
                log.info("http.request", method=scope["method"], route=route, path=scope["path"], status=status,
                         latency_ms=round(seconds * 1000, 2))  # fmt: skip
