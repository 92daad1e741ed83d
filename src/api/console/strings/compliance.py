"""The compliance pages (compliance.py): finding a case, its history replayed, its state as of a date, the diff
between two moments, and the verification of the registers against the log."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # --- finding a case (compliance_search.html): 查找, not 查询 (the public check's 核验) --------------------------
    "find_case": ("查找申报", "Find a case"),
    "case_or_certificate": ("申报编号（或其前几位）或证书编号", "case id (or its first characters) or certificate number"),
    "id_number": ("完整身份证号（不回显）", "full ID number (never shown back)"),
    "by_id_number": ("按身份证号", "by ID number"),
    "find": ("查找", "Find"),
    "found_cases": ("查找结果", "Cases found"),
    "longer_prefix": ("相符的申报不止一条：请输入更多位申报编号。", "More cases match: type more of the case id."),
    # --- the case: replay, as of a date, diff (compliance_case.html) --------------------------------------------
    "as_it_stands": ("截至今日", "As it stands today"),
    "replay": ("回放", "Replay"),
    "as_of_date": ("截至业务日期", "as of the business date"),
    "show": ("查看", "Show"),
    "diff_from": ("起（日期或版本）", "from (a date or a version)"),
    "diff_to": ("止（日期或版本）", "to (a date or a version)"),
    "compare": ("比对", "Compare"),
    "changes": ("变更内容", "What changed"),
    "before": ("之前", "before"),
    "after": ("之后", "after"),
    "business_date": ("业务日期", "business date"),
    "event": ("事件", "event"),
    "actor": ("操作人", "who"),
    "summary": ("事项", "what happened"),
    "values": ("数据", "values"),
    # --- the case's state (compliance_macros.html; GLOSSARY and 参评人员须知) ------------------------------------
    "standing_subjects": ("理论知识考试 / 操作技能考核", "subjects"),
    "window": ("成绩有效期", "validity window"),
    "sanction": ("违纪违规行为处理", "sanction"),
    "ban_ends": ("禁考期截止日", "ban's last day"),
    "retake_remains": ("可补考", "a retake remains"),
    "no_retake_remains": ("不可补考", "no retake remains"),
    "from_day": ("自", "from"),
    "ended_on": ("结束日期", "ended on"),
    # --- the registers (台账) verified against the log (compliance_verification.html) ---------------------------
    "start_verification": ("核对台账与日志", "Verify the registers against the log"),
    "verification_registers": ("台账核对", "Register verification"),
    "register": ("台账", "register"),
    "progress": ("进度", "progress"),
    "verified_at": ("核对至位置", "verified at position"),
    "head": ("日志末位", "log head"),
    "differences": ("差异", "Differences"),
    "row_key": ("行", "row"),
    "live": ("现行数据", "live"),
    "rebuilt": ("由日志重建", "rebuilt from the log"),
    "outcome_v.running": ("进行中", "running"),
    "outcome_v.equal": ("一致：各台账均与日志一致", "equal: every register equals the log"),
    "outcome_v.differ": ("不一致", "differ"),
    "outcome_v.behind": ("落后于日志末位", "behind the log's head"),
    "outcome_v.failed": ("失败", "failed"),
}

PLAIN_WORDS: frozenset[str] = frozenset({
    "find", "found_cases", "as_it_stands", "replay", "as_of_date", "show", "diff_from", "diff_to", "compare", "changes",
    "before", "after", "business_date", "event", "actor", "summary", "values", "from_day", "ended_on",
    "start_verification", "verification_registers", "register", "progress", "verified_at", "head", "differences",
    "row_key", "live", "rebuilt", "outcome_v.running", "outcome_v.equal", "outcome_v.differ", "outcome_v.behind",
    "outcome_v.failed",
})
