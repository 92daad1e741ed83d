"""Real-browser fixtures (issue 14): Playwright driving Debian's Chromium (`/usr/bin/chromium`, never
`playwright install`) against `cases serve` on the test's store (SQLite, and PostgreSQL with its projection worker).

Without Chromium (or without the `playwright` package) the browser tests skip with the reason, unless
CASES_REQUIRE_BROWSER=1 (as in .ci/run, which installs Chromium when missing): then they fail.

`journey` is a signed-out browser tab on the live server. Every request any page sends goes through one route:
a request to another host is recorded and aborted, and the test fails at its end if there was any. Every page
the tab loads is screenshotted (`journey.shot`, called by `open`/`click`/`submit`) into
`test-artefacts/screenshots/<test>/<n>-<label>.png` under the repository root, and the test fails if a page it
loaded was never screenshotted or showed a full ID number. Journeys are written with `open(path)`, `click(selector)`,
`fill({...}, within=form)` and `submit(selector)`; `server` seeds through the application and issues tokens into its store.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from api.store import ApiStore
from api.tokens import create_token
from cases.service.application import CasesApplication
from cases.settings import Settings
from tests.builders import FULL_ID_NUMBER
from tests.support.live_server import LiveServer, live_server
from tests.support.projection_worker import start_projections_run
from tests.support.required import skip_or_fail

MOBILE_NUMBER = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")

CHROMIUM = "/usr/bin/chromium"
REQUIRE_BROWSER = os.environ.get("CASES_REQUIRE_BROWSER") == "1"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artefacts" / "screenshots"  # git-ignored
LOCAL_SCHEMES = ("data", "blob", "about")
READY_SECONDS = 60.0


def browser_unavailable_reason() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        return f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        return f"the playwright package is not installed ({error}): pip install -e '.[test]'"
    return None


def require_browser() -> None:
    skip_or_fail(browser_unavailable_reason(), required=REQUIRE_BROWSER, variable="CASES_REQUIRE_BROWSER", what="the browser tests")


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Debian Chromium for the session, launched by Playwright (its own browser is never downloaded)."""
    require_browser()
    from playwright.sync_api import sync_playwright

    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


# --- the server ---------------------------------------------------------------------------------------------------


@dataclass
class Server:
    """`cases serve` on the test's store; `app` writes to the same log (as another process would), `token` issues
    API tokens into its store, `settle` waits until the read models have followed every write."""

    live: LiveServer
    settings: Settings
    app: CasesApplication

    @property
    def url(self) -> str:
        return self.live.url

    def token(self, role: str, body: str | None = None, label: str | None = None) -> str:
        tokens = ApiStore.from_settings(self.settings)
        try:
            return create_token(tokens, role=role, body=body, label=label or f"browser-{role}-{body or 'all'}")[0]
        finally:
            tokens.dispose()

    def settle(self) -> None:
        """Until /ready says every projection has reached the log's head (what the pages read is then current)."""
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            answer = httpx.get(f"{self.url}/ready", timeout=5)
            if answer.status_code == 200:
                found = answer.json()
                if found["head"] == (self.app.recorder.max_notification_id() or 0) and not any(found["projections"].values()):
                    return
            time.sleep(0.1)
        raise AssertionError(f"the read models did not reach the log's head within {READY_SECONDS:.0f}s: {answer.text}")


@pytest.fixture
def server(store: Settings, tmp_path: Path) -> Iterator[Server]:
    """A live server on the test's store; on PostgreSQL with `cases projections run` beside it (the server follows
    the projections in-process only on SQLite)."""
    worker: subprocess.Popen[bytes] | None = None
    if store.uses_postgres:
        worker = start_projections_run(store, tmp_path / "projections.log")
    app = CasesApplication(store)
    try:
        with live_server(store) as running:
            yield Server(running, store, app)
    finally:
        app.close()
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)


# --- the journey: one browser tab, watched ------------------------------------------------------------------------


def artefact_dir(node: pytest.Item) -> Path:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", node.nodeid.split("::", 1)[-1]).strip("_")
    return ARTEFACTS / name


@dataclass
class Journey:
    """A browser tab on the server, with its off-host requests refused and recorded and its pages screenshotted."""

    page: Any
    base: str
    shots: Path
    off_host: list[str] = field(default_factory=list)
    loaded: list[str] = field(default_factory=list)
    shot_urls: set[str] = field(default_factory=set)
    taken: list[Path] = field(default_factory=list)

    def shot(self, label: str) -> Path:
        """Screenshot the page as it is now (the whole page) and check it shows no full ID number, nor a full mobile
        number but on the contact a handling supervisor asked for (DOMAIN §10 Privacy)."""
        self.page.wait_for_load_state("load")
        path = self.shots / f"{len(self.taken) + 1:02d}-{re.sub(r'[^A-Za-z0-9_-]+', '-', label).strip('-')}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)
        self.shot_urls.add(self.page.url)
        assert not FULL_ID_NUMBER.search(self.page.content()), f"{self.page.url} shows a full ID number"
        if not urlsplit(self.page.url).path.endswith("/contact"):  # the contact asked for by its handling supervisor
            assert not MOBILE_NUMBER.search(self.page.content()), f"{self.page.url} shows a full mobile number"
        return path

    def open(self, path: str, label: str | None = None) -> Any:
        """Go to a path of the server (as typing it in); the answer's status is returned, the page screenshotted."""
        answer = self.page.goto(self.base + path)
        self.shot(label or path)
        return answer.status if answer else None

    def click(self, selector: str, label: str) -> None:
        """Click a link or button that loads another page, then screenshot it."""
        with self.page.expect_navigation():
            self.page.click(selector)
        self.shot(label)

    def fill(self, values: dict[str, str], within: str = "") -> None:
        """Type into inputs and textareas, and pick options of selects (by value), by selector (inside `within`)."""
        for selector, value in values.items():
            field = self.page.locator(f"{within} {selector}".strip())
            if field.evaluate("e => e.tagName") == "SELECT":
                field.select_option(value)
            else:
                field.fill(value)

    def submit(self, button: str, label: str) -> None:
        """Submit a form by its button (the browser posts it with its hidden CSRF field), then screenshot the answer."""
        self.click(button, label)

    @property
    def path(self) -> str:
        return urlsplit(self.page.url).path

    def text(self, selector: str = "main") -> str:
        return self.page.inner_text(selector)

    def sign_in(self, token: str) -> None:
        self.open("/console/sign-in", "sign-in")
        self.fill({"#token": token})
        self.submit("form.card button[type=submit]", "signed-in")
        assert "/sign-in" not in self.path, f"sign-in refused: {self.text()}"

    def sign_out(self) -> None:
        self.submit("header form[action$='/sign-out'] button", "signed-out")
        assert self.path.endswith("/console/sign-in"), self.page.url


def watch(context: Any, host: str, off_host: list[str]) -> None:
    """Every request of every page in the context: to the server, let through; anywhere else, aborted and recorded."""

    def route(found: Any) -> None:
        parts = urlsplit(found.request.url)
        if parts.scheme in LOCAL_SCHEMES or parts.netloc == host:
            found.continue_()
        else:
            off_host.append(found.request.url)
            found.abort("blockedbyclient")

    context.route("**/*", route)


@pytest.fixture
def journey(chromium: Any, server: Server, request: pytest.FixtureRequest) -> Iterator[Journey]:
    shots = artefact_dir(request.node)
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(20_000)
    tab = Journey(context.new_page(), server.url, shots)
    watch(context, urlsplit(server.url).netloc, tab.off_host)
    tab.page.on("load", lambda: tab.loaded.append(tab.page.url))
    try:
        yield tab
    finally:
        context.close()
    assert not tab.off_host, f"pages asked other hosts: {tab.off_host}"
    unshot = [url for url in tab.loaded if url not in tab.shot_urls]
    assert not unshot, f"pages loaded without a screenshot: {unshot}"
