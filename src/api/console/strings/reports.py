"""The monthly report (reports.py): its filters, and every column's header, in the page and in the CSV and Excel
files. GLOSSARY's terms where it has them (审核通过, 考核评价费, 补考费, 视为放弃补考机会, 须知's tiers…), the plain
word otherwise."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # --- the page and its filters -------------------------------------------------------------------------------
    "report.title": ("月度统计", "Monthly report"),
    "report.from": ("起始月份", "from month"),
    "report.to": ("截止月份", "to month"),
    "report.measure": ("图表指标", "measure charted"),
    "report.csv": ("CSV（Excel）", "CSV (Excel)"),
    "report.xlsx": ("Excel（.xlsx）", "Excel (.xlsx)"),
    "report.totals": ("按月合计", "totals by month"),
    # --- the columns (cases.projections.monthly_report_queries.COLUMNS) -----------------------------------------
    "report.month": ("月份", "month"),
    "report.body": ("评价机构", "body"),
    "report.occupation": ("职业", "occupation"),
    "report.work_type": ("工种", "work type"),
    "report.level": ("等级", "level"),
    "report.applications": ("申报人数", "applications"),
    "report.approvals": ("审核通过", "approved"),
    "report.rejections": ("审核未通过", "rejected"),
    "report.fees_collected": ("考核评价费（元）", "fees collected"),
    "report.retake_fees_collected": ("补考费（元）", "retake fees collected"),
    "report.sat": ("参评人数", "sat"),
    "report.absent": ("缺考", "absent"),
    "report.passed": ("合格", "passed"),
    "report.failed": ("不合格", "failed"),
    "report.pass_rate": ("合格率", "pass rate"),
    "report.retakes": ("补考", "retakes"),
    "report.waivers": ("视为放弃补考机会", "retakes waived"),
    "report.sanctions_subject": ("取消当次该科目成绩", "subject sanctions"),
    "report.sanctions_sitting": ("取消当次全部科目成绩", "sitting sanctions"),
    "report.sanctions_grave": ("不得参加评价（情节轻微 / 严重）", "grave sanctions"),
    "report.sanctions_materials": ("申报材料虚假伪造", "materials sanctions"),
    "report.certificates_issued": ("职业技能等级证书（发证）", "certificates issued"),
    "report.certificates_reissued": ("遗失补办", "certificates reissued"),
    "report.certificates_revoked": ("作无效处理", "certificates revoked"),
}

PLAIN_WORDS: frozenset[str] = frozenset({
    "report.from", "report.to", "report.measure", "report.csv", "report.xlsx", "report.totals", "report.month",
})
