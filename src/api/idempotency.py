"""Idempotent commands: a retry with the same `Idempotency-Key` gets the first answer and writes nothing more,
also after a restart (the answers are kept in the API store, `api.store`). The same key with a different
request is refused; a key whose first request is still running answers 409."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import Any

import anyio.to_thread

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, insert, select, update
from sqlalchemy.exc import IntegrityError

from api.problems import PROBLEM, domain_problem, problem
from api.store import ApiStore
from api.tokens import Principal
from cases.errors import DomainError

STALE_AFTER = timedelta(seconds=60)
_metadata = MetaData()
KEYS = Table(
    "idempotency_keys", _metadata,
    Column("scope", String(16), primary_key=True), Column("key", String(200), primary_key=True),
    Column("fingerprint", String(64), nullable=False), Column("state", String(8), nullable=False),
    Column("status", Integer), Column("body", Text), Column("headers", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
)  # fmt: skip



def fingerprint(request: Request, payload: Any) -> str:
    body = payload.model_dump_json() if hasattr(payload, "model_dump_json") else json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.url.path}\n{body}".encode()).hexdigest()


async def run_once(request: Request, who: Principal, key: str | None, payload: Any, command: Callable[[], JSONResponse]) -> JSONResponse:
    """Run a command (with its Idempotency-Key bookkeeping) in a worker thread, as many commands at once as
    `Services.command_limiter` admits."""
    work = partial(_once, request, who, key, payload, command)
    return await anyio.to_thread.run_sync(work, limiter=request.app.state.services.command_limiter)


def _once(request: Request, who: Principal, key: str | None, payload: Any, command: Callable[[], JSONResponse]) -> JSONResponse:
    if not key:
        try:
            return command()
        except DomainError as error:
            return domain_problem(request, error)
    store: ApiStore = request.app.state.services.api_store
    store.ensure(_metadata)
    mark = fingerprint(request, payload)
    now = datetime.now(timezone.utc)
    try:
        with store.engine.begin() as conn:
            conn.execute(insert(KEYS).values(scope=who.token_id, key=key, fingerprint=mark, state="running", created_at=now))
    except IntegrityError:
        earlier = _earlier(store, who.token_id, key)
        if earlier["fingerprint"] != mark:
            return problem(request, 422, "idempotency_key_reused", "this Idempotency-Key was used for a different request", field="Idempotency-Key")
        if earlier["state"] == "done":
            response = JSONResponse(json.loads(earlier["body"]), status_code=earlier["status"])
            response.headers.update(json.loads(earlier["headers"]))
            response.headers["Idempotent-Replayed"] = "true"
            return response
        created = earlier["created_at"] if earlier["created_at"].tzinfo else earlier["created_at"].replace(tzinfo=timezone.utc)
        if now - created < STALE_AFTER:
            return problem(request, 409, "idempotency_in_progress", "the first request with this Idempotency-Key is still running", field="Idempotency-Key")
    try:
        response = command()
    except DomainError as error:  # a refusal is the first answer too: a retry gets it again
        response = domain_problem(request, error)
    if response.status_code >= 500:
        return response
    headers = {k: v for k, v in response.headers.items() if k.lower() in ("etag", "content-type", "location")}
    with store.engine.begin() as conn:
        conn.execute(
            update(KEYS).where(KEYS.c.scope == who.token_id, KEYS.c.key == key)
            .values(state="done", status=response.status_code, body=response.body.decode(), headers=json.dumps(headers))
        )  # fmt: skip
    return response


def _earlier(store: ApiStore, scope: str, key: str) -> dict[str, Any]:
    with store.engine.connect() as conn:
        return dict(conn.execute(select(KEYS).where(KEYS.c.scope == scope, KEYS.c.key == key)).mappings().one())


__all__ = ["PROBLEM", "run_once"]
