"""The console's shell (sign-in, home, errors, the menu), the words every page group uses, the roles, the case's
stages and the sanction tiers: labels that more than one page group shows live here, once."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # --- the shell: sign-in, home, errors (plain interface words) -----------------------------------------------
    "console": ("工作台", "Console"),
    "sign_in": ("登录", "Sign in"),
    "sign_out": ("退出登录", "Sign out"),
    "token": ("API 令牌（由 `cases tokens create` 生成）", "API token (from `cases tokens create`)"),
    "token_refused": ("令牌无法识别、已过期或已被撤销。", "The token is unknown, expired or revoked."),
    "session_ended": ("登录已失效，请重新登录。", "Your session has ended: sign in again."),
    "home": ("首页", "Home"),
    "pages_for_you": ("您可访问的页面", "The pages open to you"),
    "not_found": ("未找到", "Not found"),
    "forbidden": ("无权限", "Not allowed"),
    "refused": ("不予办理", "Refused"),
    "too_many": ("请求过于频繁，请一分钟后重试", "Too many requests: retry in a minute"),
    "bad_request": ("请求无效", "The request is not valid"),
    # --- words every page group uses ----------------------------------------------------------------------------
    "filter": ("筛选", "Filter"),
    "all": ("全部", "all"),
    "none": ("无", "none"),
    "actions": ("操作", "Actions"),
    "reason": ("原因", "reason"),
    "field": ("字段", "field"),
    "problem_code": ("错误代码", "code"),
    "clause": ("条款", "clause"),
    "stage": ("阶段", "stage"),
    "due": ("到期日", "due"),
    "status_on": ("日期", "on"),
    "timeline": ("办理记录", "Timeline"),
    "recorded_at": ("记录时间", "recorded at"),
    "provisional": ("暂定", "provisional"),
    "working_day": ("工作日", "working day"),
    # --- people and roles (GLOSSARY "People and roles") ---------------------------------------------------------
    "role.registrar": ("评价机构经办人员", "registrar"),
    "role.examiner": ("考评人员 / 监考人员", "examiner"),
    "role.compliance": ("合规审查人员", "compliance officer"),
    "role.supervisor": ("评价机构业务监督人员", "supervisor (body)"),
    "role.supervisor_municipal": ("市职业技能鉴定中心监督人员", "supervisor (municipal center)"),
    "role.admin": ("系统管理员", "administrator"),
    "candidate": ("参评人员", "candidate"),
    # --- the case and its certificate, as every page names them (GLOSSARY; DOMAIN §1 for 职业, 等级) ----------------
    "body": ("评价机构", "body"),
    "occupation": ("职业", "occupation"),
    "level": ("等级", "level"),
    "case": ("申报", "case"),
    "case_id": ("申报编号", "case id"),
    "certificate": ("职业技能等级证书", "certificate"),
    "issued_on": ("发证日期", "issued on"),
    # --- the case's stages (GLOSSARY "Case stages", the product's codes) -----------------------------------------
    "case_stage.applied": ("已申报", "applied"),
    "case_stage.awaiting_payment": ("待缴费", "awaiting payment"),
    "case_stage.ready_to_sit": ("待考试", "ready to sit"),
    "case_stage.awaiting_results": ("待出成绩", "awaiting results"),
    "case_stage.retake_available": ("可补考", "retake available"),
    "case_stage.qualified": ("已合格，待发证", "qualified"),
    "case_stage.certified": ("已发证", "certified"),
    "case_stage.certificate_revoked": ("作无效处理 / 已撤销", "certificate revoked"),
    "case_stage.no_retake": ("不可补考", "no retake"),
    "case_stage.rejected": ("审核未通过", "rejected"),
    "case_stage.withdrawn": ("已撤回", "withdrawn"),
    "case_stage.lapsed": ("逾期未缴费", "lapsed"),
    "case_stage.waived": ("视为放弃补考", "retake waived"),
    "case_stage.disqualified": ("取消资格", "disqualified"),
    "case_stage.barred": ("禁考期内", "barred"),
    "case_stage.barred_no_retake": ("禁考期内，期满后不可补考", "barred, no retake after"),
    # --- GLOSSARY "Sanctions": the tier is the kind of reason a certificate was revoked, never the conduct ---------
    "tier.subject": ("取消当次该科目成绩", "a subject's result cancelled"),
    "tier.sitting": ("取消当次全部科目成绩，当年不得参加评价", "the sitting's results cancelled, barred this year"),
    "tier.grave": ("情节轻微，2年内不得参加评价 / 情节严重，5年内不得参加评价并移送有关部门", "grave misconduct, barred"),
    "tier.materials": ("申报材料虚假伪造：取消考试资格及考试成绩，证书作无效处理", "false application materials"),
}

PLAIN_WORDS: frozenset[str] = frozenset({
    "console", "sign_in", "sign_out", "token", "token_refused", "session_ended", "home", "pages_for_you", "not_found",
    "forbidden", "refused", "too_many", "bad_request", "filter", "all", "none", "actions", "reason", "field", "problem_code", "clause",
    "stage", "due", "status_on", "timeline", "recorded_at", "role.admin",
})
