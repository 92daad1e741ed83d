"""Pages from templates: one Jinja2 environment, autoescaping every value (a candidate named `<script>` is text),
and the helpers every template uses: `t(key)` for a label (中文 first, English beside it), the signed-in user, the
session's CSRF token for forms."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from api import policy
from api.console.strings import label
from api.tokens import Principal

HERE = Path(__file__).parent
PREFIX = "/console"

environment = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]), auto_reload=False)


def t(key: str, **values: object) -> Markup:
    """A label as HTML: `<span lang="zh-CN">中文</span> <span lang="en">English</span>`, or the English alone."""
    try:
        return _label_html(key, tuple(sorted(values.items())))
    except TypeError:  # a value that cannot be a cache key: built each time
        return _build_label_html(key, values)


# Labels and their plain text are remembered: a table row names several (its standing, category, each cell's
# data-label as text), and building each with Markup.format and striptags was half of the queue page's time
# (py-spy, 100 rows: 51% in t(), 15% in striptags; bench/api.py's queue page ÷ JSON route 0.42 before, see README).
@functools.lru_cache(maxsize=4096)
def _label_html(key: str, values: tuple[tuple[str, object], ...]) -> Markup:
    return _build_label_html(key, dict(values))


def _build_label_html(key: str, values: dict[str, object]) -> Markup:
    zh, en = label(key, **values)
    english = Markup('<span lang="en" class="en">{}</span>').format(en)
    return Markup('<span lang="zh-CN">{}</span> ').format(zh) + english if zh else english


@functools.lru_cache(maxsize=4096)
def _plain_text(html: str) -> str:
    return Markup(html).striptags()


def striptags(value: object) -> str:
    """Jinja's striptags, remembered for the labels it is given (the same few, row after row)."""
    return _plain_text(str(value))


def role_key(who: Principal) -> str:
    return "role.supervisor_municipal" if who.role == "supervisor" and who.body is None else f"role.{who.role}"


def may(who: Principal | None, method: str, path: str) -> bool:
    """Whether the user may use the API route (method, path), by its `api.policy` row: a link is shown only then."""
    rule = policy.rule_for(method, path)
    return who is not None and rule is not None and rule.admits(who.role)


environment.globals.update(t=t, prefix=PREFIX, role_key=role_key, may=may)
environment.filters["striptags"] = striptags


def body_name(request: Request, code: str | None) -> str | None:
    """A body's name from the year's catalogue (the newest that has it)."""
    if code is None:
        return None
    found = request.app.state.services.app.rulebook.newest_body(code)
    return found.name if found else None


def page(
    request: Request, template: str, status: int = 200, *, who: Principal | None = None, csrf: str | None = None,
    **values: Any,
) -> HTMLResponse:  # fmt: skip
    """The template rendered with the signed-in user (None on public pages) and the session's CSRF token; never
    cached, as every page may show what only this user may see."""
    html = environment.get_template(template).render(
        who=who, csrf=csrf, body_name=body_name(request, who.body) if who else None, **values
    )  # fmt: skip
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})
