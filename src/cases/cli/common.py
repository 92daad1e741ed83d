"""What every command shares: the settings, the consoles, and domain errors as one line on stderr with exit 2."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

from cases.errors import DomainError, NotFound
from cases.identity import mask_id_number
from cases.settings import Settings

if TYPE_CHECKING:
    from cases.application import CasesApplication

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
    from cases.application import CasesApplication

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
