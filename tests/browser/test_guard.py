"""The browser tests' own guard (conftest.py `watch`): a request a page sends to another host is aborted in the
browser and recorded, so a journey that meets one fails; requests to the server itself go through."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import watch

OFF_HOST = "http://192.0.2.1/tracker.png"  # TEST-NET-1: never anybody's host


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_request_to_another_host_is_aborted_and_recorded(chromium, server):
    context = chromium.new_context()
    off_host: list[str] = []
    watch(context, urlsplit(server.url).netloc, off_host)
    try:
        page = context.new_page()
        answer = page.goto(f"{server.url}/console/verify")
        assert answer is not None and answer.status == 200
        assert off_host == []  # the page and its stylesheet came from the server
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        with page.expect_event("requestfailed"):
            page.evaluate(f"document.body.appendChild(Object.assign(new Image(), {{src: '{OFF_HOST}'}}))")
        assert off_host == [OFF_HOST] and failed == [OFF_HOST]
    finally:
        context.close()
