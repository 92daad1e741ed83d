"""Health (the process answers), readiness (stores reachable, projections' lag) and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse

router = APIRouter(tags=["operations"])


@router.get("/health", summary="The process answers")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/ready", summary="Event store and read models reachable; projection lag")
def ready(request: Request) -> JSONResponse:
    services = request.app.state.services
    try:
        head = services.app.recorder.max_notification_id() or 0
        services.projections.store.ping()
        lines = services.projections.status()
    except Exception as error:  # any store failure means: not ready
        return JSONResponse({"status": "unavailable", "reason": type(error).__name__}, status_code=503)
    return JSONResponse({
        "status": "ready", "head": head, "projections": {line["projection"]: line["lag"] for line in lines},
        "rebuild_due": [line["projection"] for line in lines if line["rebuild_due"]],
    })  # fmt: skip


@router.get("/metrics", summary="Prometheus text format", response_class=PlainTextResponse)
def metrics(request: Request) -> PlainTextResponse:
    services = request.app.state.services
    lines = [request.app.state.metrics.text()]
    lines.append("# HELP cases_projection_lag events not yet projected\n# TYPE cases_projection_lag gauge\n")
    for line in services.projections.status():
        lines.append(f'cases_projection_lag{{projection="{line["projection"]}"}} {line["lag"]}\n')
    return PlainTextResponse("".join(lines), media_type="text/plain; version=0.0.4")
