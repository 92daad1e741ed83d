"""The HTTP API: `create_app(settings)` builds the FastAPI application; `cases serve` runs it with uvicorn."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI

from api import console, docs, openapi_problems, problems
from api.limits import EdgeLimits
from api.metrics import Metrics
from api.middleware import RequestLog, request_ids
from api.routes import ROUTERS
from api.services import Services
from cases.settings import Settings

DESCRIPTION = """Event-sourced case management for Shanghai's socialised vocational skill-level evaluation
(社会化职业技能等级评价). Every command answers with the case's new version (also as `ETag`) and the log
`position` it reached; queries accept `wait_for_position` to read their own writes. Errors are
`application/problem+json` with a stable `code`, the offending `field` and the rule `clause`: each
operation lists the statuses it can answer, and the `Problem` schema every code.
Tokens: `cases tokens create --role registrar --body wgsh`."""


def create_app(settings: Settings | None = None, *, in_process_projections: bool | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.queries_at_once
        app.state.services = Services.open(settings, in_process_projections=in_process_projections)
        try:
            yield
        finally:
            app.state.services.close()

    app = FastAPI(title="cases", version="0.1.0", description=DESCRIPTION, lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.metrics = Metrics(lambda: app.state.services.projections.status())
    app.add_middleware(EdgeLimits, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(RequestLog)  # around the edge's limits: a refusal there is logged and counted too
    app.add_middleware(request_ids)  # outermost: every line and answer within carries the request id
    problems.install(app)
    docs.install(app)  # /docs and /redoc from the files a package ships, no CDN
    openapi_problems.install(app)
    for router in ROUTERS:
        app.include_router(router)
    console.mount(app)  # the console's pages at /console, on the same services (api.console)
    return app
