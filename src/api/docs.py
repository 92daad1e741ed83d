"""/docs (Swagger UI) and /redoc served from files a package ships, never from a CDN: this machine has no internet,
and the deployment region often cannot reach one either (issue 12, finding 6: /docs was a blank page offline).

The files are those of `fastapi-offline` (MIT; it vendors Swagger UI 5, Apache-2.0, and ReDoc 2, MIT, and keeps
them current), a pinned dependency, so a wheel or a fresh install of this package has them; the pages themselves
are FastAPI's own, pointed at `ASSETS`. Swagger UI's online validator is switched off: it would send the document
to another host. The pages carry a Content-Security-Policy admitting this host only, so what a bundle would still
fetch elsewhere (ReDoc's side menu shows a logo from its vendor's CDN) is blocked in the browser, never sent.
tests/api/test_docs_offline.py fetches every asset the pages reference from the app itself, and loads both pages in
headless Chromium watching every request they make.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS, REDOC, OAUTH2_REDIRECT = "/docs", "/redoc", "/docs/oauth2-redirect"
ASSETS = "/docs/assets"  # under /docs: one prefix for a proxy to pass
PACKAGE = ("fastapi_offline", "static")  # swagger-ui-bundle.js, swagger-ui.css, redoc.standalone.js, favicon.png
SWAGGER_UI = {"validatorUrl": None}
# Inline: Swagger UI's start-up script and both UIs' styles; blob: ReDoc's search worker.
ONLY_THIS_HOST = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'self'"
)


def install(app: FastAPI) -> None:
    """Serve the docs pages and their assets; the app is built with `docs_url=None, redoc_url=None`."""
    app.mount(ASSETS, StaticFiles(packages=[PACKAGE]), name="docs-assets")

    @app.get(DOCS, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return only_this_host(get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} - Swagger UI", oauth2_redirect_url=f"{root}{OAUTH2_REDIRECT}",
            swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js", swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS}/favicon.png", swagger_ui_parameters=SWAGGER_UI,
        ))  # fmt: skip

    @app.get(OAUTH2_REDIRECT, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(REDOC, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return only_this_host(get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} - ReDoc", redoc_js_url=f"{root}{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS}/favicon.png", with_google_fonts=False,
        ))  # fmt: skip


def only_this_host(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = ONLY_THIS_HOST
    return page
