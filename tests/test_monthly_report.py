"""The monthly report (月度统计, DOMAIN §9) and its exports: a small March-April 2026 across four bodies, driven
through the application, with every figure computed by hand.

The story (business dates; each figure lands in the month of the date the fact carries):
  wgsh L3 互联网营销师/视频创推员 (598 yuan; retake of skills 498)
    W1  applied 03-02, approved 03-02, paid 03-03; sat 04-11, passed both (marks 04-20); certificate 04-22, revoked 04-28
    W2  applied 03-02, approved 03-03, paid 03-04; sat 04-11, failed skills (marks 04-20); retake requested 04-21,
        paid 498 on 04-22; sat 04-25, passed skills (marks 04-28); certificate 04-29
    W3  applied 03-05, rejected 03-06
    W4  applied 03-31, approved 03-31, paid 04-01 (a March approval whose fee counts in April)
  dsxh L4 电子商务师/网商 (400 yuan)
    D1  applied 03-09, approved 03-09, paid 03-10; sat 04-18, failed both (marks 04-30); the candidate applies again
        on 04-30 (D2), which waives D1's retake
    D3  applied 03-10, approved 03-10, paid 03-11; sat 04-18, theory passed (04-20); sitting sanction 04-21 (须知 三.2)
        cancels the sitting before the skills mark: neither passed nor failed
  migu L3 全媒体运营师/创意策划 (500 yuan)
    M1  applied 04-01, approved 04-01, paid 04-02; sat 04-25, passed (marks 04-29); certificate 04-30
    M2  applied 04-01, approved 04-02, paid 04-03; sat 04-25, theory failed (04-27); subject sanction 04-27
        (须知 二.2) cancels skills, which ends the sitting with a subject failed: one failure
    M3  applied 04-02, approved 04-02, paid 04-03; absent 04-25
  jsxh L4 企业人力资源管理师, no work type (350 yuan, April window: payment 03-23 to 03-29)
    J1  applied 03-16, approved 03-17, paid 03-23; sat 04-25, passed (marks 04-30); certificate not yet issued
"""

from __future__ import annotations

import csv
import io
import warnings
from datetime import date, datetime, timedelta, timezone
from uuid import UUID

import pytest

from cases import reports
from cases.service.application import CasesApplication
from cases.projections.monthly_report import COMPLAINT_COUNTERS, COUNTERS, MonthlyReport
from cases.projections.monthly_report_queries import COLUMNS, COMPLAINT_COLUMNS, complaint_report, monthly_report, totals
from cases.projections.engine.service import Projections
from cases.projections.engine.store import ReadModelStore
from tests.builders import apply, certify, new_id_number, paid, sat_with_scores

D = date.fromisoformat
MARKETER = ("wgsh", "互联网营销师", "视频创推员", 3)
ECOMMERCE = ("dsxh", "电子商务师", "网商", 4)
MEDIA = ("migu", "全媒体运营师", "创意策划", 3)
HR = ("jsxh", "企业人力资源管理师", None, 4)


def expected(month: str, project: tuple, pass_rate: float | None = None, **figures: int) -> dict:
    """A report row as computed by hand: the figures named, every other counter 0."""
    body, occupation, work_type, level = project
    row = {"month": month, "body": body, "occupation": occupation, "work_type": work_type, "level": level}
    return {**row, **dict.fromkeys(COUNTERS, 0), **figures, "pass_rate": pass_rate}


EXPECTED = [
    expected("2026-03", ECOMMERCE, applications=2, approvals=2, fees_collected=800),
    expected("2026-03", HR, applications=1, approvals=1, fees_collected=350),
    expected("2026-03", MARKETER, applications=4, approvals=3, rejections=1, fees_collected=1196),
    expected("2026-04", ECOMMERCE, 0.0, applications=1, sat=2, failed=1, waivers=1, sanctions_sitting=1),
    expected("2026-04", HR, 1.0, sat=1, passed=1),
    expected(
        "2026-04", MEDIA, 0.5, applications=3, approvals=3, fees_collected=1500, sat=2, absent=1, passed=1, failed=1,
        sanctions_subject=1, certificates_issued=1,
    ),  # fmt: skip
    expected(
        "2026-04", MARKETER, 0.6667, fees_collected=598, retake_fees_collected=498, sat=3, passed=2, failed=1, retakes=1,
        certificates_issued=2, certificates_revoked=1,
    ),  # fmt: skip
]


def case(app: CasesApplication, body: str, level: int, applied_on: str, id_number: str | None = None) -> UUID:
    return apply(app, body=body, level=level, applied_on=D(applied_on), id_number=id_number)


def approve_and_pay(app: CasesApplication, case_id: UUID, decided_on: str, paid_on: str, amount: int) -> None:
    assert app.review(case_id, decided_on=D(decided_on), actor="registrar-1") == "awaiting_payment"
    app.pay_fee(case_id, amount=amount, paid_on=D(paid_on), actor="cashier-1")


def tell_the_story(app: CasesApplication) -> None:
    w1 = case(app, "wgsh", 3, "2026-03-02")
    approve_and_pay(app, w1, "2026-03-02", "2026-03-03", 598)
    w2 = case(app, "wgsh", 3, "2026-03-02")
    approve_and_pay(app, w2, "2026-03-03", "2026-03-04", 598)
    w3 = case(app, "wgsh", 3, "2026-03-05")
    app.reject(w3, reason="申报材料不全", decided_on=D("2026-03-06"), actor="registrar-1")
    d1_candidate = new_id_number()
    d1 = case(app, "dsxh", 4, "2026-03-09", d1_candidate)
    approve_and_pay(app, d1, "2026-03-09", "2026-03-10", 400)
    d3 = case(app, "dsxh", 4, "2026-03-10")
    approve_and_pay(app, d3, "2026-03-10", "2026-03-11", 400)
    j1 = case(app, "jsxh", 4, "2026-03-16")
    approve_and_pay(app, j1, "2026-03-17", "2026-03-23", 350)
    w4 = case(app, "wgsh", 3, "2026-03-31")
    approve_and_pay(app, w4, "2026-03-31", "2026-04-01", 598)
    m1, m2 = case(app, "migu", 3, "2026-04-01"), case(app, "migu", 3, "2026-04-01")
    approve_and_pay(app, m1, "2026-04-01", "2026-04-02", 500)
    approve_and_pay(app, m2, "2026-04-02", "2026-04-03", 500)
    m3 = case(app, "migu", 3, "2026-04-02")
    approve_and_pay(app, m3, "2026-04-02", "2026-04-03", 500)

    assert sat_with_scores(app, w1, D("2026-04-11"), {"theory": 80, "skills": 85}, D("2026-04-20")) == "qualified"
    assert sat_with_scores(app, w2, D("2026-04-11"), {"theory": 80, "skills": 50}, D("2026-04-20")) == "retake_available"
    assert sat_with_scores(app, d1, D("2026-04-18"), {"theory": 50, "skills": 40}, D("2026-04-30")) == "retake_available"
    sat_with_scores(app, d3, D("2026-04-18"), {"theory": 80}, D("2026-04-20"))
    app.sanction(d3, tier="sitting", behaviour="须知 三.2", decided_on=D("2026-04-21"), actor="invigilator-1")
    assert app.request_retake(w2, requested_on=D("2026-04-21"), actor="registrar-1")["total"] == 498
    app.pay_fee(w2, amount=498, paid_on=D("2026-04-22"), actor="cashier-1")
    app.issue_certificate(w1, issued_on=D("2026-04-22"), actor="registrar-1")
    assert sat_with_scores(app, w2, D("2026-04-25"), {"skills": 70}, D("2026-04-28")) == "qualified"
    assert sat_with_scores(app, m1, D("2026-04-25"), {"theory": 90, "skills": 88}, D("2026-04-29")) == "qualified"
    sat_with_scores(app, m2, D("2026-04-25"), {"theory": 45}, D("2026-04-27"))
    app.sanction(m2, tier="subject", behaviour="须知 二.2", subject="skills", decided_on=D("2026-04-27"), actor="invigilator-1")
    app.record_attendance(m3, sat_on=D("2026-04-25"), attended=False, actor="examiner-1")
    assert sat_with_scores(app, j1, D("2026-04-25"), {"theory": 70, "skills": 75}, D("2026-04-30")) == "qualified"
    app.revoke_certificate(w1, on=D("2026-04-28"), reason="成绩复核不合格", actor="compliance-1")
    app.issue_certificate(w2, issued_on=D("2026-04-29"), actor="registrar-1")
    app.issue_certificate(m1, issued_on=D("2026-04-30"), actor="registrar-1")
    case(app, "dsxh", 4, "2026-04-30", d1_candidate)  # D2: waives D1's retake

    assert app.get_case(d1).stage == "waived"
    assert app.get_case(m2).stage == "retake_available"


@pytest.fixture
def projections(app: CasesApplication, store) -> Projections:
    tell_the_story(app)
    projections = Projections(app, ReadModelStore.from_settings(store), [MonthlyReport()])
    projections.catch_up()
    yield projections
    projections.store.dispose()


# --- the figures ------------------------------------------------------------------------------------------


def test_every_figure_of_the_month_equals_the_hand_count(projections):
    assert monthly_report(projections) == EXPECTED


def test_the_report_is_filtered_by_month_and_body(projections):
    assert monthly_report(projections, month_from="2026-04") == EXPECTED[3:]
    assert monthly_report(projections, month_to="2026-03") == EXPECTED[:3]
    assert monthly_report(projections, month_from="2026-04", month_to="2026-04", body="wgsh") == [EXPECTED[6]]
    assert monthly_report(projections, month_from="2026-05") == []


def test_totals_per_month_sum_the_bodies_and_take_the_pass_rate_of_the_sums(projections):
    march, april = totals(monthly_report(projections))
    assert (march["month"], march["applications"], march["fees_collected"], march["pass_rate"]) == ("2026-03", 7, 2346, None)
    assert (april["month"], april["applications"], april["sat"], april["passed"], april["failed"]) == ("2026-04", 4, 8, 4, 3)
    assert (april["fees_collected"], april["retake_fees_collected"], april["certificates_issued"]) == (2098, 498, 3)
    assert april["pass_rate"] == 0.5714  # 4 / 7


def test_small_batches_and_restarted_runners_give_the_same_figures(app, store):
    tell_the_story(app)
    head = app.recorder.max_notification_id()
    projections = Projections(app, ReadModelStore.from_settings(store), [MonthlyReport()])
    for stop in range(5, head + 5, 5):  # a fresh runner each time reads its rows back from the tables
        projections.runner("monthly_report", batch_size=2, holder="test").catch_up(stop=min(stop, head))
    assert monthly_report(projections) == EXPECTED
    projections.store.dispose()


def test_a_rebuild_and_a_verify_reproduce_the_report_from_the_log(projections):
    before = projections.digest("monthly_report")
    assert projections.verify() == []
    projections.rebuild("monthly_report")
    assert projections.digest("monthly_report") == before
    assert monthly_report(projections) == EXPECTED


def test_later_facts_count_in_their_own_month_and_never_retract_earlier_ones(app, store):
    live_ops = paid(app, body="dmtxh", level=4, applied_on=D("2026-03-02"), paid_on=D("2026-03-03"))
    certify(app, live_ops, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-05-11"))
    app.reissue_certificate(live_ops, on=D("2026-06-01"), actor="registrar-1")  # 遗失补办
    # impersonation found after the certificate was issued: the sanction also revokes it (须知, last paragraph)
    app.sanction(
        live_ops, tier="grave", behaviour="须知 四.4", severity="minor", sitting_on=D("2026-04-25"),
        decided_on=D("2026-07-01"), actor="compliance-1",
    )  # fmt: skip
    forged = paid(app, body="wgsh", level=4, applied_on=D("2026-03-02"), paid_on=D("2026-03-03"))
    app.sanction(forged, tier="materials", behaviour="须知 一", decided_on=D("2026-07-02"), actor="compliance-1")
    projections = Projections(app, ReadModelStore.from_settings(store), [MonthlyReport()])
    projections.catch_up()

    live = ("dmtxh", "全媒体运营师", "直播运营", 4)
    assert monthly_report(projections) == [
        expected("2026-03", live, applications=1, approvals=1, fees_collected=400),
        expected("2026-03", ("wgsh", "互联网营销师", "视频创推员", 4), applications=1, approvals=1, fees_collected=528),
        expected("2026-04", live, 1.0, sat=1, passed=1),  # still passed: the sanction is July's fact
        expected("2026-05", live, certificates_issued=1),
        expected("2026-06", live, certificates_reissued=1),
        expected("2026-07", live, sanctions_grave=1, certificates_revoked=1),
        expected("2026-07", ("wgsh", "互联网营销师", "视频创推员", 4), sanctions_materials=1),
    ]
    assert projections.verify() == []
    projections.store.dispose()


# --- complaints (DOMAIN §10) ------------------------------------------------------------------------------
# Five complaints about wgsh and dmtxh in May-June 2026 (3 working days to accept, 7 to a result; 1-5 May is
# 劳动节 with 9 May worked, 19 June is 端午). Counted by hand:
#   K1 wgsh   online Mon 05-11; accepted 05-13 (due 05-14); resolved upheld 05-20 (due 05-22): 7 working days after
#             receipt (12-15, 18-20); callback satisfied 05-25; closed 05-26
#   K2 wgsh   letter Mon 05-25; accepted 06-01, late for its due date 05-28: breached in May; result due 06-10,
#             extended on 06-08 to 06-15; resolved not upheld 06-15, on its due day: 15 working days (26-29 May,
#             1-5, 8-12, 15 June); callback dissatisfied 06-16: reopened and escalated; the municipal center
#             accepts 06-22, its due day (17, 18, 22); its result (due 07-01) still to come
#   K3 dmtxh  counter Fri 05-29; declined 06-02 (due 06-03)
#   K4 dmtxh  online Mon 06-01, anonymous; accepted 06-04 (due 06-04); resolved upheld 06-17, late for 06-15:
#             breached in June; 12 working days (2-5, 8-12, 15-17)
#   K5 dmtxh  letter Fri 06-05; escalated for the breach 06-11 (due 06-10): breached in June; the municipal center
#             accepts 06-12 (due 06-16); partly upheld 06-23 (due 06-24): 11 working days (8-12, 15-18, 22-23);
#             callback satisfied 06-24
#   K6 wgsh   online form on Saturday 05-30: received in June (counts from Mon 06-01); never answered (due 06-04),
#             so not yet counted as breached: the clock is still running
SH = timezone(timedelta(hours=8))


def complaint_figures(month: str, body: str, median: float | None = None, **figures: int) -> dict:
    return {"month": month, "body": body, **dict.fromkeys(COMPLAINT_COUNTERS, 0), **figures, "median_working_days_to_result": median}


EXPECTED_COMPLAINTS = [
    complaint_figures("2026-05", "dmtxh", received=1),
    complaint_figures("2026-05", "wgsh", 7, received=2, accepted=1, resolved=1, upheld=1, breached=1, callbacks_satisfied=1),
    complaint_figures(
        "2026-06", "dmtxh", 11.5, received=2, accepted=2, declined=1, escalated=1, resolved=2, upheld=2, breached=2,
        callbacks_satisfied=1,
    ),  # fmt: skip
    complaint_figures("2026-06", "wgsh", 15, received=1, accepted=2, escalated=1, resolved=1, callbacks_dissatisfied=1),
]


def tell_the_complaints(app: CasesApplication) -> None:
    c, s, m = app.complaints, "supervisor:wgsh:陈主任", "supervisor:all:周主任"

    def receive(when: str, body: str, channel: str, category: str, **details) -> UUID:
        form = {
            "channel": channel, "received_at": datetime.fromisoformat(when).replace(tzinfo=SH), "body": body,
            "category": category, "words": "投诉内容", "actor": s, "complainant_name": "李四",
            "complainant_contact": "13912345678",
        }  # fmt: skip
        return c.receive(**{**form, **details})

    k1 = receive("2026-05-11 10:00", "wgsh", "online", "fees")
    c.accept(k1, on=D("2026-05-13"), actor=s)
    c.resolve(k1, outcome="upheld", findings="多收100元，已退还", recorded_by="王五", on=D("2026-05-20"), actor=s)
    c.record_callback(k1, satisfied=True, on=D("2026-05-25"), actor=s)
    c.close(k1, on=D("2026-05-26"), actor=s)
    k2 = receive("2026-05-25 15:00", "wgsh", "letter", "review")
    c.accept(k2, on=D("2026-06-01"), actor=s)
    c.extend(k2, working_days=3, reason="需核对申报材料", notice_recorded_on=D("2026-06-08"), on=D("2026-06-08"), actor=s)
    assert c.get(k2).due["result"]["due"] == "2026-06-15"
    c.resolve(k2, outcome="not_upheld", findings="审核符合规定", recorded_by="王五", on=D("2026-06-15"), actor=s)
    assert c.record_callback(k2, satisfied=False, on=D("2026-06-16"), actor=s) == "received"
    c.accept(k2, on=D("2026-06-22"), actor=m)
    k3 = receive("2026-05-29 14:00", "dmtxh", "counter", "scheduling")
    c.decline(k3, on=D("2026-06-02"), reason="已另行答复", actor=s)
    k4 = receive("2026-06-01 09:00", "dmtxh", "online", "certificates", anonymous=True, complainant_name=None, complainant_contact=None)
    c.accept(k4, on=D("2026-06-04"), actor=s)
    c.resolve(k4, outcome="upheld", findings="证书延迟发放", recorded_by="王五", on=D("2026-06-17"), actor=s)
    k5 = receive("2026-06-05 11:00", "dmtxh", "letter", "results_late")
    c.escalate(k5, why="breach", on=D("2026-06-11"), actor=s)
    c.accept(k5, on=D("2026-06-12"), actor=m)
    c.resolve(k5, outcome="partly_upheld", findings="成绩发布超期", recorded_by="周主任", on=D("2026-06-23"), actor=m)
    c.record_callback(k5, satisfied=True, on=D("2026-06-24"), actor=m)
    k6 = receive("2026-05-30 20:00", "wgsh", "online", "other")
    assert c.get(k6).counts_from == D("2026-06-01")


@pytest.fixture
def with_complaints(app: CasesApplication, store) -> Projections:
    tell_the_story(app)
    tell_the_complaints(app)
    projections = Projections(app, ReadModelStore.from_settings(store), [MonthlyReport()])
    projections.catch_up()
    yield projections
    projections.store.dispose()


def test_the_complaint_figures_equal_the_hand_count(with_complaints, calendar):
    assert complaint_report(with_complaints, calendar=calendar) == EXPECTED_COMPLAINTS
    assert monthly_report(with_complaints) == EXPECTED  # the case rows are as they were


def test_the_complaint_figures_are_filtered_and_totalled_per_month(with_complaints, calendar):
    assert complaint_report(with_complaints, month_from="2026-06", body="wgsh", calendar=calendar) == [EXPECTED_COMPLAINTS[3]]
    assert complaint_report(with_complaints, month_to="2026-05", calendar=calendar) == EXPECTED_COMPLAINTS[:2]
    may, june = complaint_report(with_complaints, by=("month",), calendar=calendar)
    assert may == {
        "month": "2026-05", "received": 3, "accepted": 1, "declined": 0, "escalated": 0, "resolved": 1, "upheld": 1,
        "breached": 1, "callbacks_satisfied": 1, "callbacks_dissatisfied": 0, "median_working_days_to_result": 7,
    }  # fmt: skip
    assert (june["received"], june["accepted"], june["resolved"], june["breached"]) == (3, 4, 3, 2)
    assert june["median_working_days_to_result"] == 12  # of 15, 12 and 11


def test_the_complaint_figures_survive_small_batches_a_rebuild_and_a_verify(app, store, calendar):
    tell_the_complaints(app)
    head = app.recorder.max_notification_id()
    projections = Projections(app, ReadModelStore.from_settings(store), [MonthlyReport()])
    for stop in range(4, head + 4, 4):  # a fresh runner each time reads the clocks back from the tables
        projections.runner("monthly_report", batch_size=3, holder="test").catch_up(stop=min(stop, head))
    assert complaint_report(projections, calendar=calendar) == EXPECTED_COMPLAINTS
    before = projections.digest("monthly_report")
    assert projections.verify() == []
    projections.rebuild("monthly_report")
    assert projections.digest("monthly_report") == before
    projections.store.dispose()


def test_the_complaint_figures_export_as_csv_and_xlsx(with_complaints, calendar):
    from openpyxl import load_workbook

    rows = complaint_report(with_complaints, calendar=calendar)
    parsed = list(csv.DictReader(io.StringIO(reports.to_csv(rows, COMPLAINT_COLUMNS).decode("utf-8-sig"))))
    assert [(r["month"], r["body"], r["breached"], r["median_working_days_to_result"]) for r in parsed] == [
        ("2026-05", "dmtxh", "0", ""), ("2026-05", "wgsh", "1", "7"), ("2026-06", "dmtxh", "2", "11.5"), ("2026-06", "wgsh", "0", "15"),
    ]  # fmt: skip
    sheet = load_workbook(io.BytesIO(reports.to_xlsx(rows, COMPLAINT_COLUMNS, title="投诉 2026年5-6月"))).active
    assert [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)] == [[row[c] for c in COMPLAINT_COLUMNS] for row in EXPECTED_COMPLAINTS]


# --- exports ----------------------------------------------------------------------------------------------


def test_the_csv_opens_in_excel_and_parses_back_to_the_figures(projections):
    data = reports.to_csv(monthly_report(projections), COLUMNS)

    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the Chinese names correctly
    parsed = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(parsed[0]) == list(COLUMNS)
    assert parsed == [{k: "" if v is None else str(v) for k, v in row.items()} for row in EXPECTED]
    assert (parsed[6]["occupation"], parsed[6]["fees_collected"], parsed[6]["pass_rate"]) == ("互联网营销师", "598", "0.6667")
    assert parsed[1]["work_type"] == "" and parsed[0]["pass_rate"] == ""


def test_the_xlsx_holds_the_figures_as_numbers_under_a_bold_frozen_header(projections):
    from openpyxl import load_workbook

    data = reports.to_xlsx(monthly_report(projections), COLUMNS, title="2026年3-4月 月度统计")
    sheet = load_workbook(io.BytesIO(data)).active

    assert sheet.title == "2026年3-4月 月度统计"
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    values = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert values == [[row[c] for c in COLUMNS] for row in EXPECTED]
    assert isinstance(values[6][COLUMNS.index("fees_collected")], int)
    assert sheet.cell(row=8, column=COLUMNS.index("pass_rate") + 1).number_format == "0.0%"
    assert sheet.column_dimensions["C"].width >= 20  # 企业人力资源管理师: nine wide characters


def test_the_chart_is_a_png_of_the_chosen_measure_by_month(projections):
    rows = monthly_report(projections)
    for chart in (
        reports.chart_png(rows, "applications", title="申报人数"),
        reports.chart_png(totals(rows), "pass_rate", kind="line", title="Pass rate"),
        reports.chart_png(rows, "fees_collected", by="body", labels={"wgsh": "上海市网购商会"}),
    ):
        assert chart.startswith(b"\x89PNG\r\n\x1a\n") and len(chart) > 1000
        image = _open_png(chart)
        assert image.shape[0] > 100 and image.shape[1] > 100


def test_a_rate_is_not_summed_across_bodies(projections):
    with pytest.raises(ValueError, match="cannot be summed"):
        reports.chart_png(monthly_report(projections), "pass_rate")


@pytest.mark.parametrize("font", ["installed", "none"])
def test_no_chart_text_renders_as_missing_glyphs(projections, monkeypatch, font):
    if font == "none":
        monkeypatch.setattr(reports, "cjk_font", lambda: None)
    else:  # the project installs its own (pylopdf-fonts-zh-cn: Noto Sans SC), never hoping for the machine's
        assert reports.cjk_font(), "no CJK font: reinstall the project (pyproject.toml's pylopdf-fonts-zh-cn)"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reports.chart_png(monthly_report(projections), "sat", by="body", title="参评人数", labels={"wgsh": "上海市网购商会"})
    assert [str(w.message) for w in caught if "missing from" in str(w.message)] == []


def test_exported_text_is_never_run_as_a_formula():
    rows = [{"note": "=HYPERLINK(\"http://x\")", "n": -5}]
    parsed = list(csv.reader(io.StringIO(reports.to_csv(rows, ["note", "n"]).decode("utf-8-sig"))))
    assert parsed[1] == ["'=HYPERLINK(\"http://x\")", "-5"]  # a number keeps its sign; text is defused

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(reports.to_xlsx(rows, ["note", "n"], title="t"))).active
    assert (sheet["A2"].data_type, sheet["A2"].value, sheet["B2"].value) == ("s", "=HYPERLINK(\"http://x\")", -5)


def _open_png(data: bytes):
    import matplotlib.image

    return matplotlib.image.imread(io.BytesIO(data), format="png")
