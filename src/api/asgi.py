"""The ASGI entry point for several uvicorn workers (`cases serve --workers N` serves `api.asgi:app`).

uvicorn starts each worker as a fresh interpreter (multiprocessing's spawn) that imports this module and inherits
nothing the parent set up but the environment and the listening socket. So, before the app is made, the worker
configures logging from the environment (CASES_LOG_FORMAT, CASES_LOG_LEVEL: without it the workers wrote plain
console lines, whatever the format asked for).
"""

from __future__ import annotations

from api.app import create_app
from cases.observability import configure_logging
from cases.settings import Settings

settings = Settings.from_env()
configure_logging(json=settings.log_json, level=settings.log_level)
app = create_app(settings)
