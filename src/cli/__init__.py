"""The command line (`cases …`): each command parses its options, calls one thing, prints the answer.

Logging is configured once, here, from the settings (logs go to stderr). A domain error prints
"error [code] field: message (clause)" on stderr and exits 2, never a traceback.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

import typer

from cli.case_command import case
from cli.catalogue_command import catalogue
from cli.common import DomainErrorsToExit
from cli.complaints_command import complaints
from cli.demo_command import demo
from cli.projections_command import projections
from cli.replay_command import as_of, diff, timeline
from cli.reports_command import reports
from cli.serve_command import serve
from cli.tokens_command import tokens
from cli.sittings_command import sittings
from cli.workdays_command import workdays
from cases.observability import configure_logging
from cases.settings import Settings

app = typer.Typer(
    cls=DomainErrorsToExit,
    help="Case management for Shanghai's vocational skill-level evaluation bodies (2026 rule book).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="markdown",
)


@app.callback()
def _configure(
    ctx: typer.Context,
    log_level: Annotated[str | None, typer.Option("--log-level", help="override CASES_LOG_LEVEL (DEBUG, INFO, WARNING, …)")] = None,
) -> None:
    settings = Settings.from_env()
    if log_level:
        settings = replace(settings, log_level=log_level)
    try:
        configure_logging(json=settings.log_json, level=settings.log_level)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--log-level / CASES_LOG_LEVEL") from None
    ctx.obj = settings


app.command("demo")(demo)
app.command("catalogue")(catalogue)
app.add_typer(workdays, name="workdays")
case.command("timeline")(timeline)
case.command("as-of")(as_of)
case.command("diff")(diff)
app.add_typer(case, name="case")
app.add_typer(projections, name="projections")
app.add_typer(sittings, name="sittings")
app.add_typer(reports, name="reports")
app.add_typer(complaints, name="complaints")
app.command("serve")(serve)
app.add_typer(tokens, name="tokens")


def main() -> None:
    app(prog_name="cases")


__all__ = ["app", "main"]
