"""A CLI option with a fixed set of choices (`tokens create --role`, `reports … --format`) refuses any other value
before the command runs, with Typer's own message listing the choices."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from api.tokens import ROLES
from cli import app
from cli.tokens_command import Role


def test_tokens_create_refuses_an_unknown_role_listing_the_roles() -> None:
    result = CliRunner().invoke(app, ["tokens", "create", "--role", "auditor"])
    assert result.exit_code == 2
    assert "auditor" in result.output and all(role in result.output for role in ROLES), result.output


def test_the_cli_offers_exactly_the_roles_a_token_may_hold() -> None:
    assert [role.value for role in Role] == list(ROLES)


@pytest.mark.parametrize("report", ["monthly", "complaints"])
def test_a_report_refuses_an_unknown_format_listing_the_formats(report: str) -> None:
    result = CliRunner().invoke(app, ["reports", report, "--format", "pdf"])
    assert result.exit_code == 2
    assert "pdf" in result.output and all(f in result.output for f in ("table", "csv", "xlsx", "png")), result.output
