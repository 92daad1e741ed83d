"""`cases reports monthly`: the monthly report as a table and exported as CSV, Excel and a PNG chart."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from cases.cli import app
from tests.test_cli_projections import clean_env, demo_store, restored_logging  # noqa: F401  (fixtures)


def run(data_dir: Path, *args: str):
    return CliRunner().invoke(app, ["reports", "monthly", *args, "--data-dir", str(data_dir)], env=clean_env(data_dir))


def test_the_monthly_report_prints_per_body_project_and_level(demo_store):
    result = run(demo_store)
    assert result.exit_code == 0, result.output
    assert "Monthly report" in result.output and "wgsh" in result.output and "jsxh" in result.output


def test_the_csv_and_excel_exports_hold_the_same_figures(demo_store, tmp_path):
    assert run(demo_store, "--format", "csv", "--out", str(tmp_path / "m.csv")).exit_code == 0
    assert run(demo_store, "--format", "xlsx", "--out", str(tmp_path / "m.xlsx")).exit_code == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "m.csv").read_bytes().decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(tmp_path / "m.xlsx").active
    header = [c.value for c in sheet[1]]
    excel = [dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == len(excel) > 0
    applications = header.index("applications") if "applications" in header else None
    assert applications is not None
    assert sum(int(r["applications"]) for r in rows) == sum(r["applications"] for r in excel) > 0


def test_a_chart_of_one_measure_by_month_is_a_png(demo_store, tmp_path):
    result = run(demo_store, "--format", "png", "--measure", "certificates_issued", "--out", str(tmp_path / "m.png"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "m.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_unknown_measure_or_a_missing_out_file_is_a_named_error(demo_store, tmp_path):
    assert "measure" in run(demo_store, "--format", "png", "--measure", "nope", "--out", str(tmp_path / "x.png")).output
    missing = run(demo_store, "--format", "csv")
    assert missing.exit_code == 2 and "out" in missing.output
