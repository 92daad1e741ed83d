"""The ASGI entry point for several uvicorn workers (`cases serve --workers N` serves `api.asgi:app`).

uvicorn starts each worker as a fresh interpreter (multiprocessing's spawn) that imports this module and inherits
nothing the parent set up but the environment and the listening socket. So, before the app is made, the worker
configures logging from the environment (CASES_LOG_FORMAT, CASES_LOG_LEVEL: without it the workers wrote plain
console lines, whatever the format asked for) and arranges to stop when its parent dies.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
from multiprocessing.process import BaseProcess

from api.app import create_app
from cases.observability import configure_logging
from cases.settings import Settings

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
HARD_EXIT_AFTER = 10.0  # seconds a worker whose parent died may take to shut down gracefully


def exit_with_the_parent() -> None:
    """Stop this worker when the process that started it dies, also by `kill -9`.

    uvicorn's supervision runs one way: the parent replaces dead workers, but nothing stops the workers of a dead
    parent. They kept serving on the inherited socket, and the next `cases serve` failed "address already in
    use". Two ways, both ending in the SIGTERM uvicorn handles as a graceful shutdown (the listening socket
    closes first, requests in flight finish, the lifespan closes the stores):

    - On Linux the kernel sends it when the parent dies (prctl PR_SET_PDEATHSIG, through ctypes, so no
      dependency). uvicorn starts every worker from its main thread, whose end the signal follows.
    - Everywhere, and for a parent that died before the prctl was made, a daemon thread waits on
      multiprocessing's parent sentinel, which becomes readable when the parent exits (no polling of
      os.getppid(), whose orphan value differs under a subreaper). It also exits hard if the graceful shutdown
      has not ended HARD_EXIT_AFTER seconds later.

    A process not started by multiprocessing (a lone `uvicorn api.asgi:app`) has no parent to follow.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    threading.Thread(target=_stop_when_gone, args=(parent,), name="exit-with-the-parent", daemon=True).start()


def _stop_when_gone(parent: BaseProcess) -> None:
    multiprocessing.connection.wait([parent.sentinel])
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(HARD_EXIT_AFTER)
    os._exit(1)


settings = Settings.from_env()
configure_logging(json=settings.log_json, level=settings.log_level)
exit_with_the_parent()
app = create_app(settings)
