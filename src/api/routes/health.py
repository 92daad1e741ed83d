"""Health (the process answers), readiness (stores reachable, projections' lag) and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4

router = APIRouter(tags=["operations"])


@router.get("/health", summary="The process answers")
def health() -> dict[str, str]:
    return {"status": "ok"}


NOT_READY = {503: {"description": "A store is unreachable, a projection failed on an event, or one lags beyond the bound (the same body, `status: unavailable`)"}}


@router.get("/ready", summary="Event store and read models reachable; no projection failed or lagging beyond the bound", responses=NOT_READY)
def ready(request: Request) -> JSONResponse:
    """503 when a store is unreachable, when a projection has failed on an event (it names the projection, the
    event's position and the error), or when one lags the log by more than CASES_MAX_PROJECTION_LAG events: a
    register that cannot advance is never reported ready."""
    services = request.app.state.services
    try:
        head = services.app.recorder.max_notification_id() or 0
        services.projections.store.ping()
        lines = services.projections.status()
    except Exception as error:  # any store failure means: not ready
        return JSONResponse({"status": "unavailable", "reason": type(error).__name__}, status_code=503)
    bound = services.settings.max_projection_lag
    failed = {line["projection"]: line["failed"] for line in lines if line["failed"]}
    lagging = [line["projection"] for line in lines if line["lag"] > bound]
    body = {
        "status": "unavailable" if failed or lagging else "ready", "head": head,
        "projections": {line["projection"]: line["lag"] for line in lines}, "lag_bound": bound,
        "failed": failed, "lagging": lagging, "rebuild_due": [line["projection"] for line in lines if line["rebuild_due"]],
    }  # fmt: skip
    return JSONResponse(body, status_code=503 if failed or lagging else 200)


@router.get("/metrics", summary="Prometheus text format", response_class=PlainTextResponse)
def metrics(request: Request) -> PlainTextResponse:
    """This worker's request counts and latencies, and the projections' lag and failures (`api.metrics`)."""
    return PlainTextResponse(request.app.state.metrics.exposition(), media_type=CONTENT_TYPE_PLAIN_0_0_4)
