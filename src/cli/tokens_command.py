"""`cases tokens create | list | revoke`: bearer tokens for the HTTP API (stored hashed, expiring, revocable)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api.store import ApiStore
from cli.common import DATA_DIR_HELP, settings_of, stdout_console, text

tokens = typer.Typer(help="API tokens: create, list, revoke.", no_args_is_help=True)
DataDir = Annotated[Path | None, typer.Option(help=DATA_DIR_HELP)]


class Role(StrEnum):
    """The roles a token may hold (`api.tokens.ROLES` says what each may do; a test keeps the two the same)."""

    registrar = "registrar"
    examiner = "examiner"
    compliance = "compliance"
    supervisor = "supervisor"
    admin = "admin"


def _store(ctx: typer.Context, data_dir: Path | None) -> ApiStore:
    return ApiStore.from_settings(settings_of(ctx, data_dir))


@tokens.command("create")
def create(
    ctx: typer.Context,
    role: Annotated[Role, typer.Option(help="what the token may do")],
    body: Annotated[str | None, typer.Option(help="the body a registrar, examiner or body supervisor belongs to")] = None,
    label: Annotated[str, typer.Option(help="who holds it (shown in logs as the actor)")] = "unnamed",
    days: Annotated[int, typer.Option(help="days until it expires")] = 90,
    data_dir: DataDir = None,
) -> None:
    """Print a new token once; only its hash is kept."""
    from api.tokens import create_token

    token, who = create_token(_store(ctx, data_dir), role=role.value, body=body, label=label, days=days)
    typer.echo(token)
    typer.echo(f"{who.role} for {who.body or 'every body'} ({who.label}), id {who.token_id}, expires in {days} days", err=True)


@tokens.command("list")
def list_(ctx: typer.Context, data_dir: DataDir = None) -> None:
    from api.tokens import list_tokens

    table = Table("id", "role", "body", "label", "created", "expires", "revoked")
    for row in list_tokens(_store(ctx, data_dir)):
        table.add_row(*(text(row[c]) for c in ("id", "role", "body", "label", "created_at", "expires_at", "revoked_at")))
    stdout_console().print(table)


@tokens.command("revoke")
def revoke(ctx: typer.Context, token_id: str, data_dir: DataDir = None) -> None:
    from api.tokens import revoke_token

    revoke_token(_store(ctx, data_dir), token_id)
    typer.echo(f"revoked {token_id}")
