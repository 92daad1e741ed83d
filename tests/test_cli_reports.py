"""`cases reports monthly` on the demo year (SQLite and PostgreSQL): the monthly report as a table and exported as
CSV, Excel and a PNG chart."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from typer.testing import CliRunner

from cases.cli import app
from cases.settings import Settings
from tests.test_cli import cli_env, demo_store  # noqa: F401  (a fixture)


@pytest.fixture(scope="module")
def demo(demo_store) -> Settings:  # noqa: F811
    """The demo year's store (played once per module: the report only reads it)."""
    return demo_store[0]


def run(settings: Settings, *args: str):
    return CliRunner().invoke(app, ["reports", "monthly", *args, "--data-dir", str(settings.data_dir)], env=cli_env(settings))


def test_the_monthly_report_prints_per_body_project_and_level(demo):
    result = run(demo)
    assert result.exit_code == 0, result.output
    assert "Monthly report" in result.output and "wgsh" in result.output and "jsxh" in result.output


def test_the_csv_and_excel_exports_hold_the_same_figures(demo, tmp_path):
    assert run(demo, "--format", "csv", "--out", str(tmp_path / "m.csv")).exit_code == 0
    assert run(demo, "--format", "xlsx", "--out", str(tmp_path / "m.xlsx")).exit_code == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "m.csv").read_bytes().decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(tmp_path / "m.xlsx").active
    header = [c.value for c in sheet[1]]
    excel = [dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == len(excel) > 0
    applications = header.index("applications") if "applications" in header else None
    assert applications is not None
    assert sum(int(r["applications"]) for r in rows) == sum(r["applications"] for r in excel) > 0


def test_a_chart_of_one_measure_by_month_is_a_png(demo, tmp_path):
    result = run(demo, "--format", "png", "--measure", "certificates_issued", "--out", str(tmp_path / "m.png"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "m.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_unknown_measure_or_a_missing_out_file_is_a_named_error(demo, tmp_path):
    assert "measure" in run(demo, "--format", "png", "--measure", "nope", "--out", str(tmp_path / "x.png")).output
    missing = run(demo, "--format", "csv")
    assert missing.exit_code == 2 and "out" in missing.output
