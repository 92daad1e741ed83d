"""What every command shares: the settings, the consoles, and domain errors as one line on stderr with exit 2."""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

from eventsourcing.utils import get_topic

from cases.errors import DomainError, InvalidInput, NotFound
from cases.identity import mask_id_number
from cases.settings import Settings

if TYPE_CHECKING:
    from cases.service.application import CasesApplication

DOMAIN_ERROR_EXIT = 2
WIDE = 160  # output that is not a terminal (a pipe, a file, a test) is laid out this wide


class DomainErrorsToExit(TyperGroup):
    """A refusal is an answer, not a crash: "error [code] field: message (clause)" on stderr and exit 2."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DomainError as error:
            typer.echo(f"error {mask_id_number(str(error))}", err=True)
            raise typer.Exit(DOMAIN_ERROR_EXIT) from None


def settings_of(ctx: typer.Context, data_dir: Path | None = None) -> Settings:
    """The settings the root callback read from the environment, with a command's --data-dir applied."""
    settings: Settings = ctx.obj if isinstance(ctx.obj, Settings) else Settings.from_env()
    return replace(settings, data_dir=data_dir) if data_dir else settings


@contextmanager
def opened_app(ctx: typer.Context, data_dir: Path | None = None) -> Iterator[CasesApplication]:
    """The application on an existing event store, closed afterwards. On SQLite a missing store is refused
    (naming --data-dir) rather than created empty by a command that only reads."""
    from cases.service.application import CasesApplication

    settings = settings_of(ctx, data_dir)
    store = settings.data_dir / "events.sqlite"
    if not settings.uses_postgres and not store.exists():
        raise NotFound(f"no event store at {store} (run `cases demo` or give --data-dir)", field="data_dir")
    app = CasesApplication(settings)
    try:
        yield app
    finally:
        app.close()


def stdout_console() -> Console:
    """Rich output on stdout: the terminal's width, or `WIDE` when written to a pipe or a file."""
    interactive = sys.stdout.isatty()
    width = None if interactive else max(WIDE, shutil.get_terminal_size((WIDE, 24)).columns)
    return Console(width=width, highlight=False, soft_wrap=False)


def text(value: object, style: str = "") -> Text:
    """Data as rich text, never as markup (rule-book entries contain brackets)."""
    return Text("" if value is None else str(value), style=style)


DATE_FORMATS = ["%Y-%m-%d"]
DATA_DIR_HELP = "the SQLite data directory (default: CASES_DATA_DIR, else ./var)"


def resolve_id(app: CasesApplication, given: str, first_event: type, what: str) -> UUID:
    """A full id, or a unique prefix of one (at least 8 characters, as the tables print them), of an aggregate whose
    first event is `first_event` (a case's `Applied`, a complaint's `Received`); `what` names it in errors."""
    cleaned = given.strip().lower()
    try:
        return UUID(cleaned)
    except ValueError:
        pass
    if not re.fullmatch(r"[0-9a-f-]{8,35}", cleaned):
        raise InvalidInput(f"a {what} id is a UUID or a prefix of at least 8 of its characters", field=f"{what}_id")
    topic = get_topic(first_event)
    matches, start = [], 1
    while True:
        page = app.recorder.select_notifications(start=start, limit=500, topics=[topic])
        matches += [n.originator_id for n in page if str(n.originator_id).startswith(cleaned)]
        if len(page) < 500:
            break
        start = page[-1].id + 1
    if not matches:
        raise NotFound(f"no {what} id starts with {cleaned}", field=f"{what}_id")
    if len(matches) > 1:
        raise InvalidInput(f"{len(matches)} {what}s start with {cleaned}; give more characters", field=f"{what}_id")
    return UUID(str(matches[0]))
