"""`cases reports monthly` on the demo year (SQLite and PostgreSQL): the monthly report as a table and exported as
CSV, Excel and a PNG chart."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from typer.testing import CliRunner

from cli import app
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


def test_the_complaint_figures_of_the_demo_year_equal_its_story(demo, tmp_path):
    """Counted by hand from cases.demo.hotline: seven complaints, two about 上海市网购商会 and two about 上海市技师协会;
    one declined; two escalated (a breach at 咪咕, dissatisfaction at 上海市网购商会); three upheld (one partly);
    one acceptance clock breached and answered late (the one still open is counted when it is answered); callbacks:
    two satisfied, two dissatisfied (the body's result, then the municipal center's)."""
    result = CliRunner().invoke(app, ["reports", "complaints", "--format", "csv", "--out", str(tmp_path / "c.csv"),
                                      "--data-dir", str(demo.data_dir)], env=cli_env(demo))  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO((tmp_path / "c.csv").read_bytes().decode("utf-8-sig"))))

    def total(column: str, body: str | None = None) -> int:
        return sum(int(r[column]) for r in rows if body is None or r["body"] == body)

    assert {b: total("received", b) for b in ("wgsh", "dsxh", "dmtxh", "migu", "jsxh")} == {"wgsh": 2, "dsxh": 1, "dmtxh": 1, "migu": 1, "jsxh": 2}
    assert (total("declined"), total("escalated"), total("upheld"), total("breached")) == (1, 2, 3, 1)
    assert (total("callbacks_satisfied"), total("callbacks_dissatisfied")) == (2, 2)
    table = CliRunner().invoke(app, ["reports", "complaints", "--data-dir", str(demo.data_dir)], env=cli_env(demo))
    assert table.exit_code == 0 and "投诉" in table.output and "2026-11" in table.output
