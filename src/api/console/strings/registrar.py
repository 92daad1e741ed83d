"""The registrars' pages (registrar.py): the day's worklists, a case's actions and the rule's answer, the month's
sitting plan; and the case's fee, sittings and results as the compliance pages show them too. GLOSSARY "Channels,
documents, money" where it has the term; the notices' wording (考场, 座位, 开考, 人数, 金额（元）, 缴费日期, 缴纳凭证,
下载准考证日期) where it does not; a form's action is the verb of the glossary's term (登记缴费, 安排考试, …)."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # --- the worklists (registrar_worklists.html): what each list holds, not the date it is due by ---------------
    "worklists": ("待办清单", "Worklists"),
    "worklist.payments_due": ("待缴费", "fees due"),
    "worklist.payments_overdue": ("已过缴费截止日", "fees overdue"),
    "worklist.results_late": ("已过成绩查询日", "results late"),
    "worklist.certificates_late": ("已合格，逾期未发证", "certificates late"),
    # --- the month's sitting plan (registrar_plan.html; the month is chosen, so 月度 and 当月, not 本月) -----------
    "month_plan": ("月度考试安排", "The month's sitting plan"),
    "plan_month": ("月份", "month"),
    "sittings": ("考试安排", "sittings"),
    "sitting_days": ("评价日期", "days"),
    "venue": ("考场", "venue"),
    "seats": ("已安排座位 / 座位数", "seats taken / capacity"),
    "ticket_from": ("下载准考证日期", "admission ticket from"),
    "results_due": ("成绩查询日（工作日）", "results due"),
    "cohorts": ("待安排的申报（按项目和等级）", "cases waiting, by project and level"),
    "cohort_size": ("人数", "cases"),
    "cohort_holds": ("开考情况", "cohort"),
    "cohort.holds": ("当月开考", "held this month"),
    "cohort.deferred": ("延期至下月", "deferred to next month"),
    "deferrals": ("延期情况", "deferrals"),
    # --- a case's actions (registrar_case.html): the heading and the button of each form -------------------------
    "case_actions": ("申报办理", "Case actions"),
    "rule_answer": ("规则判定", "The rule's answer"),
    "no_actions": ("当前阶段没有您可办理的操作。", "No action is open to you at this stage."),
    "no_sitting": (
        "该申报所在月份没有本项目的考试安排：请先安排。",
        "No planned sitting of this project in the case's month: plan one first.",
    ),
    "action.review": ("资格审核", "review"),
    "action.payment": ("登记缴费", "record the payment"),
    "action.schedule": ("安排考试", "schedule"),
    "action.attendance": ("登记到考情况", "attendance"),
    "action.results": ("登记成绩", "record a result"),
    "action.retake": ("申请补考", "request a retake"),
    "action.certificate": ("颁发职业技能等级证书", "issue the certificate"),
    "result.schedule": ("下载准考证日期", "admission ticket from"),
    "result.certificate": ("证书编号", "certificate number"),
    "result.results": ("阶段", "stage"),
    # --- the case's facts and the forms' fields -----------------------------------------------------------------
    "review": ("资格审核", "review"),
    "approved": ("审核通过", "approved"),
    "rejected": ("审核未通过", "rejected"),
    "decided_on": ("审核日期", "decided on"),
    "fee": ("考核评价费", "fee"),
    "pay_by": ("缴费截止日", "pay by"),
    "fees_paid": ("已缴费", "paid"),
    "amount": ("金额（元）", "amount (yuan)"),
    "paid_on": ("缴费日期", "paid on"),
    "reference": ("缴纳凭证号", "reference"),
    "assigned_on": ("座位安排日期", "seat assigned on"),
    "sat_on": ("考试日期", "sat on"),
    "attended": ("到考情况", "attendance"),
    "sat": ("已参加考试", "sat"),
    "absent": ("缺考（不退费）", "absent (no refund)"),
    "score": ("成绩", "score"),
    "recorded_on": ("登记日期", "recorded on"),
    "requested_on": ("申请日期", "requested on"),
    "subject": ("科目", "subject"),
    "retake_subjects": ("补考科目（留空：所有尚未合格的科目）", "subjects (blank: every subject not yet passed)"),
}

PLAIN_WORDS: frozenset[str] = frozenset({
    "worklists", "plan_month", "rule_answer", "no_actions", "action.attendance", "attended", "result.results",
    "recorded_on", "requested_on",
})
