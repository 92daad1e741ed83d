"""/docs and /redoc work with no internet (issue 12, finding 6: they loaded Swagger UI and ReDoc from a CDN, and were
a blank page on this machine and often in the deployment region).

Every asset the two pages reference is fetched from the app itself (200, the right content type) and none points
at another host. Then, where Debian's Chromium is installed (`apt-get install chromium`; the test is skipped
without it, never `playwright install`), each page is loaded in headless Chromium from a real server: the page must
render every operation of the document, and every request the page sends (watched through the DevTools protocol,
so the browser's own background traffic does not count) must go to the server itself. A request the page's
Content-Security-Policy blocks in the browser is not sent (ReDoc's vendor logo is one)."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from cases.settings import Settings
from tests.support.live_server import live_server, operations

PAGES = ("/docs", "/redoc")
CONTENT_TYPES = {".js": "javascript", ".css": "text/css", ".png": "image/png", ".json": "application/json"}
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run")  # fmt: skip
RENDERED = {  # how many operations each page shows, counted in its DOM
    "/docs": "document.querySelectorAll('.opblock').length",
    "/redoc": "new Set([...document.querySelectorAll('[data-section-id*=\"/operation/\"]')].map(e => e.getAttribute('data-section-id'))).size",
}


class References(HTMLParser):
    """Every URL a page loads: scripts, stylesheets, icons, images, ReDoc's `spec-url`, Swagger UI's `url:`."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.script = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name in ("src", "href", "spec-url", "data"):
                self.urls.append(value)

    def handle_data(self, data: str) -> None:
        self.script += data

    def all(self) -> list[str]:
        return self.urls + re.findall(r"url:\s*'([^']+)'", self.script)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("docs") / "var", id_hash_key="test-id-hash-key")
    with TestClient(create_app(settings, in_process_projections=False)) as client:
        yield client


def references(client: TestClient, page: str) -> list[str]:
    answer = client.get(page)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html"), page
    found = References()
    found.feed(answer.text)
    return found.all()


@pytest.mark.parametrize("page", PAGES)
def test_every_asset_a_docs_page_references_is_served_by_the_app_itself(client, page):
    urls = references(client, page)
    assert any(url.endswith(".js") for url in urls), f"{page} loads no script: {urls}"
    failures = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            failures.append(f"{url}: not a path on this host")
            continue
        answer = client.get(url)
        wanted = next((kind for suffix, kind in CONTENT_TYPES.items() if parts.path.endswith(suffix)), "")
        if answer.status_code != 200 or wanted not in answer.headers.get("content-type", ""):
            failures.append(f"{url}: {answer.status_code} {answer.headers.get('content-type')} (expected {wanted or 'any'})")
        elif len(answer.content) < 100:
            failures.append(f"{url}: only {len(answer.content)} bytes")
    assert not failures, "\n".join(failures)


def test_no_docs_page_names_another_host(client):
    for page in PAGES:
        assert not re.findall(r"https?://", client.get(page).text), f"{page} names another host"


def test_the_docs_assets_ship_with_an_installed_package():
    """What a wheel or a fresh install has: the files come from a pinned dependency, not from this checkout."""
    from importlib.metadata import requires

    from api.docs import PACKAGE

    pinned = [r for r in requires("cases") or [] if r.lower().replace("_", "-").startswith("fastapi-offline")]
    assert pinned and "==" in pinned[0], f"fastapi-offline is not a pinned dependency of cases: {requires('cases')}"
    files = Path(__import__(PACKAGE[0]).__file__).parent / PACKAGE[1]
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js", "favicon.png"):
        assert (files / name).stat().st_size > 1000, name


# --- in a browser ------------------------------------------------------------------------------------------------


class Page:
    """One Chromium tab over the DevTools protocol: every URL it requests, and JavaScript evaluated in it."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.requested: dict[str, str] = {}  # request id → URL
        self.blocked: dict[str, str] = {}  # request id → why the browser did not send it (e.g. csp)
        self.next_id = 0

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=30))
            event, found = message.get("method"), message.get("params", {})
            if event == "Network.requestWillBeSent":
                self.requested[found["requestId"]] = found["request"]["url"]
            elif event == "Network.loadingFailed" and found.get("blockedReason"):
                self.blocked[found["requestId"]] = found["blockedReason"]
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression: str) -> Any:
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A headless Chromium's DevTools address (http://127.0.0.1:PORT)."""
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); the pages' assets are checked without it")
    profile = tmp_path_factory.mktemp("chromium")
    command = [CHROMIUM, *FLAGS, "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline, address = time.monotonic() + 30, None
        while address is None and time.monotonic() < deadline and process.poll() is None:
            line = process.stderr.readline()  # type: ignore[union-attr]
            if found := re.search(r"DevTools listening on ws://([\d.]+:\d+)/", line):
                address = f"http://{found.group(1)}"
        if address is None:
            pytest.fail(f"chromium did not start its DevTools endpoint (exit {process.poll()})")
        yield address
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("docs-server") / "var", id_hash_key="test-id-hash-key")
    with live_server(settings) as running:
        yield running.url


@pytest.mark.parametrize("page", PAGES)
def test_a_browser_renders_every_operation_with_no_request_to_another_host(chromium, server, page, tmp_path):
    from websockets.sync.client import connect

    target = httpx.put(f"{chromium}/json/new?about:blank", timeout=10).json()
    with connect(target["webSocketDebuggerUrl"], max_size=None, open_timeout=10) as socket:
        tab = Page(socket)
        tab.call("Network.enable")
        tab.call("Page.enable")
        tab.call("Page.navigate", url=f"{server}{page}")
        expected = len(operations(httpx.get(f"{server}/openapi.json", timeout=10).json()))
        deadline, shown = time.monotonic() + 60, 0
        while time.monotonic() < deadline and shown < expected:
            time.sleep(0.25)
            shown = tab.evaluate(RENDERED[page]) or 0
        shot = tab.call("Page.captureScreenshot", format="png")["data"]
        (tmp_path / f"{page.strip('/')}.png").write_bytes(base64.b64decode(shot))  # kept by pytest for a look
        time.sleep(0.5)
        tab.evaluate("1")  # drains the requests made meanwhile
    httpx.get(f"{chromium}/json/close/{target['id']}", timeout=10)
    assert shown == expected, f"{page} shows {shown} of {expected} operations (screenshot: {tmp_path})"
    here = urlsplit(server).netloc
    sent = {key: url for key, url in tab.requested.items() if key not in tab.blocked}
    elsewhere = [url for url in sent.values() if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != here]
    assert not elsewhere, f"{page} asked other hosts: {elsewhere}"
    assert any(url.endswith("/openapi.json") for url in sent.values()), sent
