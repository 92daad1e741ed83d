"""The edge's own bounds, checked before any route runs (`cases.limits` has the numbers; request bodies are
bounded field by field in `api.schemas`):

- a body larger than the limit is refused with 413 — at once when its Content-Length says so, else as soon as
  the bytes read pass it — so a 50 MB body is never read whole, let alone parsed;
- a body that does not arrive within `BODY_SECONDS` is refused with 408, so a slow client holds no worker;
- every query-string value and path segment is refused with 422 naming the parameter when it is longer than
  `TEXT["query"]` or holds a control character (a NUL in a certificate number or a filter reaches no store).

Pure ASGI, like `RequestLog`: the body is read here once and handed on from memory.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem_response
from cases.limits import TEXT, control_character

BODY_SECONDS = 10.0
WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class BodyTooLarge(Exception):
    pass


class EdgeLimits:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app, self.max_body_bytes = app, max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refused_url(scope)
        if refusal is not None:
            field, detail = refusal
            await problem_response(scope, 422, "invalid_request", detail, field=field)(scope, receive, send)
            return
        if scope["method"] not in WITH_BODY:
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await self._too_large(scope, receive, send)
            return
        try:
            with anyio.fail_after(BODY_SECONDS):
                body = await self._read_body(receive)
        except BodyTooLarge:
            await self._too_large(scope, receive, send)
            return
        except TimeoutError:
            detail = f"the request body did not arrive within {BODY_SECONDS:g} s"
            await problem_response(scope, 408, "request_timeout", detail, field="body")(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _read_body(self, receive: Receive) -> bytes:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"the request body is larger than {self.max_body_bytes} bytes"
        response = problem_response(scope, 413, "payload_too_large", detail, field="body", limit=self.max_body_bytes)
        response.headers["Connection"] = "close"  # the rest of the body is not read
        await response(scope, receive, send)

    @staticmethod
    def _refused_url(scope: Scope) -> tuple[str, str] | None:
        """(field, why) for the first query value or path segment out of bounds, else None."""
        limit = TEXT["query"]
        query = scope.get("query_string", b"").decode("latin-1")
        values = parse_qsl(query, keep_blank_values=True) if query else []
        path = scope["path"]
        if len(path) > limit or control_character(path):  # else no segment can be out of bounds
            values += [("path", segment) for segment in path.split("/")]
        for name, value in values:
            shown = name if len(name) <= 40 and not control_character(name) else "query"
            if len(name) > limit or len(value) > limit:
                return shown, f"{shown} takes at most {limit} characters"
            if found := control_character(name) or control_character(value):
                return shown, f"{shown} holds the control character {found}"
        return None


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: the disconnect, when it comes

    return replayed
