"""Structured logs: console by default, JSON lines in production, request id and actor bound, IDs and phones masked.

Every value of every event (the message, kwargs, nested dicts and lists, rendered exceptions) passes through
`redact` before rendering, so a full ID number or mobile number never reaches a log line (DOMAIN.md §1).
Records from the standard `logging` module (libraries, servers) go through the same chain. The request id is the
one value left as it is: `api.middleware` makes it or vets the client's, so it never holds such a number.

Each record reaches the stream in one write of whole lines (`_WholeLines`), so the records of several worker
processes sharing one stderr never merge on a line; JSON records carry the writing process's `pid`.
"""

from __future__ import annotations

import io
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import structlog

from cases.identity import mask_contacts, mask_id_number

_PLAIN = (str, int, float, bool, type(None))


def _redact_text(text: str) -> str:
    return mask_contacts(mask_id_number(text))


def redact(value: Any) -> Any:
    """Mask ID numbers and mobile numbers in a value; containers are walked, other objects checked through repr."""
    if isinstance(value, str):
        return _redact_text(value)
    if isinstance(value, dict):
        return {redact(k): redact(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return type(value)(redact(v) for v in value)
    text = str(value) if isinstance(value, _PLAIN) else repr(value)
    masked = _redact_text(text)
    return value if masked == text else masked


def _redact_processor(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    # A generated request id is random hex whose digit runs often look like an ID or a mobile number; masking
    # them would make the id in the log differ from the one the client got, and break tracing.
    return {key: value if key == "request_id" else redact(value) for key, value in event_dict.items()}


def _add_process_id(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    event_dict["pid"] = os.getpid()
    return event_dict


class _WholeLines:
    """The stream log records are written to, handing each record to the OS in a single write.

    Several uvicorn workers share one stderr; through Python's buffered streams a record can leave in pieces (a
    block-buffered stream cuts at 8 KiB), and the pieces of two processes then merge on one line. The kernel
    keeps a single write whole: appended to a file as one piece, and to a pipe up to PIPE_BUF (4 KiB, far more
    than a request line). A stream without a file descriptor (a StringIO) gets one write call and a flush.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            self.fd: int | None = stream.fileno()
        except (AttributeError, OSError, io.UnsupportedOperation):
            self.fd = None

    def write(self, text: str) -> int:
        if self.fd is None:
            written = self.stream.write(text)
            self.stream.flush()
            return written
        self.stream.flush()  # whatever was printed through the stream's buffer before this record goes first
        data = memoryview(text.encode(self.encoding, "backslashreplace"))
        while data:  # a write interrupted by a signal may take only part; the rest follows at once
            data = data[os.write(self.fd, data) :]
        return len(text)

    def flush(self) -> None:
        """Nothing is held back: `write` has already handed the record to the OS."""


def _add_logger_name(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    event_dict["logger_name"] = event_dict["_record"].name
    return event_dict


SERVER_LOGGERS = ("uvicorn", "uvicorn.access", "uvicorn.error")


def configure_logging(*, json: bool = False, level: str = "INFO", stream: TextIO | None = None) -> None:
    """Configure structlog and the root `logging` handler (idempotent); stream defaults to stderr."""
    numeric_level = logging.getLevelNamesMapping().get(level.upper())
    if numeric_level is None:
        raise ValueError(f"unknown log level {level!r}")
    stream = stream if stream is not None else sys.stderr
    lines = _WholeLines(stream)
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json
        else structlog.dev.ConsoleRenderer(colors=stream.isatty(), exception_formatter=structlog.dev.plain_traceback)
    )
    # Exceptions are rendered to text before redaction, so a traceback cannot leak a number either.
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    finishing: list[Any] = [
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
        _redact_processor,
        *([_add_process_id] if json else []),
        renderer,
    ]
    structlog.configure(
        processors=[*shared, *finishing],
        wrapper_class=structlog.make_filtering_bound_logger(numeric_level),
        logger_factory=structlog.WriteLoggerFactory(file=lines),  # type: ignore[arg-type]
        # Not cached, so that reconfiguring applies to loggers created at import time.
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(lines)  # type: ignore[arg-type]
    handler.set_name(__name__)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*shared, _add_logger_name],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *finishing],
        )
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == __name__]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(numeric_level)
    for name in SERVER_LOGGERS:  # whatever configured them before (uvicorn's own dictConfig, say), their records
        server = logging.getLogger(name)  # go through this handler, masked, and nowhere else
        server.handlers.clear()
        server.propagate, server.disabled = True, False
        server.setLevel(logging.NOTSET)


@contextmanager
def bound_request(*, request_id: str, actor: str | None) -> Iterator[None]:
    """Bind request_id and actor to every log line in the block; the previous values come back afterwards. The
    request id is logged unmasked: give one made or vetted as `api.middleware` does."""
    with structlog.contextvars.bound_contextvars(request_id=request_id, actor=actor):
        yield


def get_logger(name: str | None = None) -> Any:
    """A structlog logger, tagged with `logger_name=name` when a name is given."""
    return structlog.get_logger(logger_name=name) if name else structlog.get_logger()
