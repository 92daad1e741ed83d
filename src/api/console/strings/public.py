"""The public pages and the printables (public.py, printables.py): the certificate check, the electronic certificate,
the admission ticket and its check. Checking a certificate or a ticket is 核验, one word for both (finding a case is
查找, compliance.py); the status words are GLOSSARY "Channels, documents, money" (有效, 作无效处理 / 已撤销, 遗失补办)."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # --- the certificate check (verify.html), open to anyone ------------------------------------------------------
    "verification": ("职业技能等级证书核验", "certificate verification"),
    "verify": ("核验", "Verify"),
    "number": ("编号", "number"),
    "name": ("姓名", "holder's name"),
    "no_match": ("未查询到与该编号和姓名相符的证书。", "No certificate matches this number and name."),
    "valid": ("有效", "valid"),
    "status.valid": ("有效", "valid"),
    "status.revoked": ("作无效处理 / 已撤销", "revoked"),
    "status.replaced": ("遗失补办", "replaced (reissued when lost)"),
    "revoked_by_body": ("已撤销", "revoked by the issuing body"),
    "replaced_by": ("遗失补办，新证书", "replaced by"),
    "collectable_from": ("可领取日", "collectable from"),
    "sanction.after_the_fact": ("评价活动结束后发现并经确认", "found and confirmed after the evaluation"),
    # --- the electronic certificate (printable_certificate.html) --------------------------------------------------
    "electronic_certificate": ("职业技能等级证书（电子证书）", "electronic certificate"),
    "not_valid": ("无效", "NOT VALID"),
    "scan_to_verify": ("扫码核验本证书", "Scan to verify this certificate"),
    "print_hint": ("请用浏览器打印（A4）", "Print with the browser (A4)"),
    # --- the admission ticket (printable_ticket.html) -------------------------------------------------------------
    "admission_ticket": ("准考证", "admission ticket"),
    "download_on": ("下载日期", "downloaded on"),
    "id_masked": ("身份证号（部分隐藏）", "ID number (masked)"),
    "sitting_dates": ("评价日期", "sitting dates"),
    "subjects": ("科目", "subjects"),
    "scan_to_open_ticket": ("扫码核验本准考证", "Scan to check this ticket"),
    # --- the ticket check (printable_ticket_check.html), open to anyone -------------------------------------------
    "ticket_check": ("准考证核验", "admission ticket check"),
    "ticket_genuine": ("准考证真实有效", "Genuine admission ticket"),
    "ticket_no_match": ("未查询到与该申报和姓名相符的准考证。", "No admission ticket matches this case and name."),
    "seat_held": ("座位保留：参评人员已安排参加考试。", "The seat holds: the candidate is scheduled to sit."),
    "seat_not_held": ("座位已不再保留", "The seat no longer holds"),
    "seat_sat": ("考试日期", "sat on"),
}

PLAIN_WORDS: frozenset[str] = frozenset({"number", "print_hint"})
