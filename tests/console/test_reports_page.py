"""The reports page (issue 14 "Reports"): the monthly report as a table with Chinese labels and its filters in the
title, a chart (PNG, its Chinese in the font the project installs), and CSV and Excel downloads served by the console
under the caller's scope; another body's report refused to a body's staff, examiners refused. On SQLite and
PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from cases.reports import cjk_font
from tests.builders import FULL_ID_NUMBER, certify, paid
from tests.console.conftest import HOME, OTHER

D = date.fromisoformat
ASKED = {"from": "2026-03", "to": "2026-06"}


@pytest.fixture
def reported(services):
    """A wgsh case certified and a dsxh case paid, in the report's months."""
    case_id = paid(services.app, body="wgsh", level=4, decided_on=D("2026-03-03"))
    certify(services.app, case_id, sat_on=D("2026-04-18"), recorded_on=D("2026-05-08"), issued_on=D("2026-05-20"))
    paid(services.app, body=OTHER, level=4, name="赵六", decided_on=D("2026-03-03"))
    services.projections.catch_up()


def test_the_reports_page_shows_the_table_with_chinese_labels_and_the_filters_in_the_title(signed_in, reported):
    page = signed_in("registrar", HOME).get("/console/reports", params={**ASKED, "measure": "pass_rate"})

    assert page.status_code == 200
    title = page.text.split('<h1 class="report-title">', 1)[1].split("</h1>", 1)[0]
    assert title == f"月度统计 · {HOME} · 2026-03 – 2026-06 · 合格率"
    for header in ("月份", "评价机构", "申报人数", "审核通过", "考核评价费（元）", "合格率", "职业技能等级证书（发证）"):
        assert header in page.text
    assert "互联网营销师" in page.text and "100.0%" in page.text
    assert f"<td data-label=\"评价机构\">{OTHER}</td>" not in page.text  # the caller's body only
    assert '/console/reports/chart.png?from=2026-03&amp;to=2026-06&amp;body=wgsh&amp;measure=pass_rate' in page.text
    assert not FULL_ID_NUMBER.search(page.text)


def test_the_downloads_answer_csv_and_xlsx_with_chinese_headers_of_the_callers_rows(signed_in, reported):
    registrar = signed_in("registrar", HOME)

    answer = registrar.get("/console/reports/monthly.csv", params=ASKED)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"] == 'attachment; filename="monthly-report-wgsh-2026-03-2026-06.csv"'
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["月份", "评价机构", "职业"] and "申报人数" in rows[0]
    assert {row[1] for row in rows[1:]} == {HOME}

    from openpyxl import load_workbook

    workbook = registrar.get("/console/reports/monthly.xlsx", params=ASKED)
    assert workbook.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert [cell.value for cell in sheet[1]][:2] == ["月份", "评价机构"] and sheet.title == "月度统计"
    assert {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)} == {HOME}


def test_the_chart_is_a_png_drawn_in_the_projects_chinese_font(signed_in, reported):
    assert cjk_font(), "the project installs its CJK font (pyproject.toml: pylopdf-fonts-zh-cn)"
    chart = signed_in("compliance").get("/console/reports/chart.png", params={**ASKED, "measure": "applications"})
    assert chart.status_code == 200 and chart.headers["content-type"] == "image/png"
    assert chart.content.startswith(b"\x89PNG\r\n\x1a\n") and len(chart.content) > 1000


def test_another_bodys_report_is_refused_to_a_bodys_staff_and_examiners_do_not_report(signed_in, reported):
    registrar = signed_in("registrar", HOME)
    assert registrar.get("/console/reports", params={"body": OTHER}).status_code == 403
    assert registrar.get("/console/reports/monthly.csv", params={"body": OTHER}).status_code == 403
    assert signed_in("examiner", HOME).get("/console/reports").status_code == 403
    assert registrar.get("/console/reports", params={"measure": "nonsense"}).status_code in (400, 422)
    every = signed_in("compliance").get("/console/reports", params={**ASKED, "body": OTHER}).text
    assert f"月度统计 · {OTHER} · 2026-03" in every and "电子商务师" in every
