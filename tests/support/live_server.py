"""A real HTTP server for end-to-end tests: `cases serve` in a subprocess on a free loopback port.

`live_server(settings)` starts it on the test's store (a SQLite data dir, or a PostgreSQL schema given by the
settings' database URL and schema), waits for /health, yields a `LiveServer` (its `url`; `restart()` stops the
process and starts a new one on the same store and port) and stops it. The server's output goes to a log file
in the data dir, shown when it fails to start.

`example_call(openapi, method, path, known)` builds a request each route accepts from the OpenAPI document (its
examples, defaults and types; `known` fills names such as case_id), so route sweeps cover routes added later.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from cases.settings import Settings

CASES = Path(sys.executable).with_name("cases")
START_TIMEOUT = 60.0  # with the demo loaded first
STOP_TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment `cases serve` reads its settings from (the parent's, less any CASES_* of its own)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASES_")}
    env["CASES_DATA_DIR"] = str(settings.data_dir)
    if settings.database_url:
        env["CASES_DATABASE_URL"] = settings.database_url
    if settings.postgres_schema:
        env["CASES_POSTGRES_SCHEMA"] = settings.postgres_schema
    if settings.id_hash_key:
        env["CASES_ID_HASH_KEY"] = settings.id_hash_key
    if settings.cipher_key:
        env["CASES_CIPHER_KEY"] = settings.cipher_key
    env.setdefault("CASES_LOG_FORMAT", "json")
    env.update(extra)
    return env


class LiveServer:
    def __init__(self, settings: Settings, *, port: int | None = None, env: dict[str, str] | None = None, demo: bool = False) -> None:
        self.settings = settings
        self.demo = demo  # as the README's run command: the demo cases loaded into an empty store
        self.port = port or free_port()
        self.env = server_env(settings, **(env or {}))
        self.log_path = Path(settings.data_dir) / f"server-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        Path(self.settings.data_dir).mkdir(parents=True, exist_ok=True)
        command = [str(CASES), "serve", "--demo" if self.demo else "--no-demo", "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--data-dir", str(self.settings.data_dir)]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"cases serve exited with {self.process.returncode}:\n{self.output()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"cases serve did not answer /health within {START_TIMEOUT:.0f}s:\n{self.output()}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)  # uvicorn's graceful shutdown: the lifespan closes the stores
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)

    def restart(self) -> None:
        self.stop()
        self.start()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""


@contextmanager
def live_server(settings: Settings, **options: object) -> Iterator[LiveServer]:
    """A running `cases serve` on the settings' store; stopped (also on failure) when the block ends."""
    server = LiveServer(settings, **options)  # type: ignore[arg-type]
    for attempt in range(3):  # another process may take the free port between probing and binding
        try:
            server.start()
            break
        except RuntimeError:
            if attempt == 2 or "address already in use" not in server.output():
                raise
            server.port = free_port()
    try:
        yield server
    finally:
        server.stop()


# --- what to send to each route: requests built from the OpenAPI document, so new routes are covered too ---------

OPEN_PATHS = ("/health", "/ready", "/metrics", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json")
EXAMPLE_DATE = "2026-03-02"


def is_open(path: str) -> bool:
    """Routes that need no token: operations, the docs, and the public verification pages."""
    return path in OPEN_PATHS or path == "/public" or path.startswith("/public/")


def operations(openapi: dict[str, Any]) -> list[tuple[str, str]]:
    """Every (METHOD, path template) the document declares."""
    methods = ("get", "post", "put", "patch", "delete")
    return [(method.upper(), path) for path, item in openapi["paths"].items() for method in item if method in methods]


def _resolve(schema: dict[str, Any], openapi: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = openapi["components"]["schemas"][name]
    return schema


def example_of(schema: dict[str, Any], openapi: dict[str, Any], known: dict[str, Any] | None = None, name: str = "") -> Any:
    """A value the schema accepts: a known value for the name, else its example, default or the simplest valid one."""
    known = known or {}
    if name in known:
        return known[name]
    schema = _resolve(schema, openapi)
    if schema.get("examples"):
        return schema["examples"][0]
    if "example" in schema:
        return schema["example"]
    if "default" in schema:
        return schema["default"]
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if _resolve(s, openapi).get("type") != "null"] or schema[key]
            return example_of(options[0], openapi, known)
    kind, form = schema.get("type"), schema.get("format")
    if kind == "string":
        if form == "date":
            return EXAMPLE_DATE
        if form == "date-time":
            return f"{EXAMPLE_DATE}T09:00:00+08:00"
        if form == "uuid":
            return str(uuid.uuid4())
        return "x" * max(1, schema.get("minLength", 1))
    if kind in ("integer", "number"):
        low = schema["minimum"] if "minimum" in schema else schema.get("exclusiveMinimum", 0) + 1
        return min(low, schema["maximum"]) if "maximum" in schema else low
    if kind == "boolean":
        return False
    if kind == "array":
        return [example_of(schema.get("items", {}), openapi, known)] if schema.get("minItems") else []
    if kind == "object" or "properties" in schema:
        required = set(schema.get("required", ()))
        body = {}
        for prop, sub in schema.get("properties", {}).items():
            resolved = _resolve(sub, openapi)
            if prop in required or prop in known or "examples" in resolved or "example" in resolved:
                body[prop] = example_of(sub, openapi, known, prop)
        return body
    return "x"


@dataclass
class Call:
    """One request to one route: the method, the filled path, the query, the JSON body (None: no body)."""

    method: str
    template: str
    path: str
    params: dict[str, Any] = field(default_factory=dict)
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def send(self, client: Any, headers: dict[str, str] | None = None) -> Any:
        """Send it with an httpx.Client or a TestClient (their `request` takes the same arguments)."""
        extra = {"json": self.json} if self.json is not None else {}
        return client.request(self.method, self.path, params=self.params, headers={**self.headers, **(headers or {})}, **extra)


def example_call(openapi: dict[str, Any], method: str, template: str, known: dict[str, Any] | None = None) -> Call:
    """A request the route's declared parameters and body accept; `known` names values to use (e.g. case_id)."""
    known = known or {}
    operation = openapi["paths"][template][method.lower()]
    path, params, headers = template, {}, {}
    for parameter in operation.get("parameters", []):
        where, name = parameter["in"], parameter["name"]
        if where == "path":
            path = path.replace("{" + name + "}", str(example_of(parameter.get("schema", {}), openapi, known, name)))
        elif where == "query" and (parameter.get("required") or name in known):
            params[name] = example_of(parameter.get("schema", {}), openapi, known, name)
        elif where == "header" and (parameter.get("required") or name in known):
            headers[name] = str(example_of(parameter.get("schema", {}), openapi, known, name))
    body = None
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body = example_of(content["application/json"].get("schema", {}), openapi, known)
    return Call(method, template, path, params, body, headers)
