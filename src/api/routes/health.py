"""Health (the process answers), readiness (stores reachable, projections' lag) and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse

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
    services = request.app.state.services
    status = services.projections.status()
    lines = [request.app.state.metrics.text()]
    lines.append("# HELP cases_projection_lag events not yet projected\n# TYPE cases_projection_lag gauge\n")
    lines += [f'cases_projection_lag{{projection="{line["projection"]}"}} {line["lag"]}\n' for line in status]
    lines.append("# HELP cases_projection_failed 1 while the projection cannot advance past an event\n# TYPE cases_projection_failed gauge\n")
    lines += [f'cases_projection_failed{{projection="{line["projection"]}"}} {int(bool(line["failed"]))}\n' for line in status]
    return PlainTextResponse("".join(lines), media_type="text/plain; version=0.0.4")
