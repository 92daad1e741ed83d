"""`cases serve`: the HTTP API with uvicorn. On the embedded default the projections follow in-process and the
demo data is loaded when the store is empty; with PostgreSQL run `cases projections run` workers beside it.

With several workers, uvicorn starts each as a fresh process that reads its settings from the environment
(`api.asgi`), so what this command was told (the data dir, the log format and level) goes there first. What it
says itself it logs, so that with CASES_LOG_FORMAT=json every line on stderr is JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import DATA_DIR_HELP, settings_of


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(help="API worker processes (PostgreSQL only; SQLite serves from one)")] = 1,
    demo: Annotated[bool, typer.Option(help="load the demo cases when the store is empty")] = True,
    data_dir: Annotated[Path | None, typer.Option(help=DATA_DIR_HELP)] = None,
) -> None:
    """Serve the HTTP API; point a browser at http://HOST:PORT/docs."""
    import os

    import uvicorn

    from api.app import create_app
    from cases.service.application import CasesApplication
    from cases.demo import run_demo
    from cases.observability import get_logger

    log = get_logger("cases.serve")
    settings = settings_of(ctx, data_dir)
    if demo:
        app = CasesApplication(settings)
        try:
            if not app.recorder.max_notification_id():
                log.info("the store is empty: loading the demo cases …")
                run_demo(app)
        finally:
            app.close()
    if settings.data_dir:
        os.environ["CASES_DATA_DIR"] = str(settings.data_dir)
    os.environ["CASES_LOG_FORMAT"] = "json" if settings.log_json else "console"
    os.environ["CASES_LOG_LEVEL"] = settings.log_level  # --log-level overrides it
    log.info(f"cases API on http://{host}:{port}/docs (Ctrl-C to stop)")
    # Proxy headers (X-Forwarded-For) only from the proxies named in CASES_TRUSTED_PROXIES: uvicorn trusts
    # 127.0.0.1 by default, so any local client could pick its own address and reset the public rate limit.
    proxies = {"proxy_headers": bool(settings.trusted_proxies), "forwarded_allow_ips": settings.trusted_proxies or ""}
    if workers > 1 and settings.uses_postgres:
        uvicorn.run("api.asgi:app", host=host, port=port, workers=workers, log_config=None, **proxies)
    else:
        uvicorn.run(create_app(settings), host=host, port=port, log_config=None, **proxies)
