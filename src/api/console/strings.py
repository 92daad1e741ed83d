"""Every label the console shows, as data: key → (中文, English). The Chinese is ../shared/GLOSSARY.md's (or the
domain's own tables, which are taken from it: a complaint's categories, stages, outcomes and standings); a key whose
Chinese is None has no glossary term yet and shows its English alone. A wording change, or a translation, is a
change to this table, not to a template."""

from __future__ import annotations

from cases.aggregates.complaint import CATEGORIES, ESCALATION_REASONS, OUTCOMES, STAGES, STANDINGS

Label = tuple[str | None, str]

LABELS: dict[str, Label] = {
    # --- the console itself (no glossary terms yet: English alone) ---------------------------------------------
    "console": (None, "Console"),
    "sign_in": (None, "Sign in"),
    "sign_out": (None, "Sign out"),
    "token": (None, "API token (from `cases tokens create`)"),
    "token_refused": (None, "The token is unknown, expired or revoked."),
    "session_ended": (None, "Your session has ended: sign in again."),
    "filter": (None, "Filter"),
    "all": (None, "all"),
    "not_found": (None, "Not found"),
    "forbidden": (None, "Not allowed"),
    "refused": (None, "Refused"),
    "too_many": (None, "Too many requests: retry in a minute"),
    "bad_request": (None, "The request is not valid"),
    "home": (None, "Home"),
    "pages_for_you": (None, "The pages open to you"),
    "next_session": (None, "More pages are coming: case search, worklists, reports."),
    "timeline": (None, "Timeline"),
    "recorded_at": (None, "recorded at"),
    "business_date": (None, "business date"),
    "actor": (None, "who"),
    "clause": (None, "clause"),
    "event": (None, "event"),
    "summary": (None, "what happened"),
    "actions": (None, "Actions"),
    "reason": (None, "reason"),
    "done": (None, "Done"),
    "none": (None, "none"),
    "you_act": (None, "you act on it"),
    "due": (None, "due"),
    "received_at": (None, "received"),
    "counts_from": (None, "counts from"),
    "channel": (None, "channel"),
    "words": (None, "the complainant's words"),
    "evidence": (None, "evidence"),
    "staff_named": (None, "staff named"),
    "number": (None, "number"),
    "name": (None, "holder's name"),
    "verify": (None, "Verify"),
    "no_match": (None, "No certificate matches this number and name."),
    "issued_on": (None, "issued on"),
    "occupation": (None, "occupation"),
    "level": (None, "level"),
    "status_on": (None, "on"),
    "replaced_by": (None, "replaced by"),
    "valid": (None, "valid"),
    "revoked_by_body": ("已撤销", "revoked by the issuing body"),
    # --- people and roles (GLOSSARY "People and roles") ---------------------------------------------------------
    "role.registrar": ("评价机构经办人员", "registrar"),
    "role.examiner": ("考评人员 / 监考人员", "examiner"),
    "role.compliance": ("合规审查人员", "compliance officer"),
    "role.supervisor": ("评价机构业务监督人员", "supervisor (body)"),
    "role.supervisor_municipal": ("市职业技能鉴定中心监督人员", "supervisor (municipal center)"),
    "role.admin": (None, "administrator"),
    "candidate": ("参评人员", "candidate"),
    "complainant": ("投诉人", "complainant"),
    "anonymous": ("匿名", "anonymous"),
    "handler": ("承办人", "handler"),
    # --- complaints (GLOSSARY "Complaints", DOMAIN §10) ---------------------------------------------------------
    "hotline": ("业务监督电话", "hotline"),
    "complaint": ("投诉", "complaint"),
    "complaints": ("投诉", "complaints"),
    "body": ("评价机构", "body"),
    "level.body": ("评价机构", "the body"),
    "level.municipal": ("市职业技能鉴定中心", "the municipal center"),
    "accept": ("已受理", "accept"),
    "decline": ("不予受理", "decline"),
    "escalated": ("已转市职业技能鉴定中心", "escalated to the municipal center"),
    "extended": ("已延期（已告知投诉人）", "extended (complainant told)"),
    "provisional": ("暂定", "provisional"),
    "working_day": ("工作日", "working day"),
    "standing": (None, "service level"),
    "stage": (None, "stage"),
    "category": (None, "category"),
    "stage.open": (None, "open (received or accepted)"),
    "channel.body_line": ("监督电话", "the body's line"),
    "channel.municipal_line": ("监督电话", "the municipal center's line"),
    "channel.letter": (None, "letter"),
    "channel.online": (None, "online"),
    "channel.counter": (None, "counter"),
    # --- certificates (GLOSSARY "Channels, documents, money") --------------------------------------------------
    "certificate": ("职业技能等级证书", "certificate"),
    "verification": ("职业技能等级证书", "certificate verification"),
    "status.valid": (None, "valid"),
    "status.revoked": ("作无效处理 / 已撤销", "revoked"),
    "status.replaced": ("遗失补办", "replaced (reissued when lost)"),
    "collectable_from": ("可领取日", "collectable from"),
    "sanction.after_the_fact": ("评价活动结束后发现并经确认", "found and confirmed after the evaluation"),
}
LABELS.update({f"category.{code}": (zh, code.replace("_", " ")) for code, zh in CATEGORIES.items()})
LABELS.update({f"stage.{code}": (zh, code) for code, zh in STAGES.items()})
LABELS.update({f"outcome.{code}": (zh, code.replace("_", " ")) for code, zh in OUTCOMES.items()})
LABELS.update({f"escalation.{code}": (zh, code) for code, zh in ESCALATION_REASONS.items()})
LABELS.update({f"standing.{code}": (zh, code.replace("_", " ")) for code, zh in STANDINGS.items()})
LABELS.update({  # --- compliance: case search, the case page, as of a date, diff, verification (compliance.py) ---
})
LABELS.update({  # --- registrars: worklists, case actions, the month's plan (registrar.py) ---
})
LABELS.update({  # --- hotline actions, reports, printables (hotline.py, reports.py, printables.py) ---
})
LABELS.update({  # GLOSSARY "Sanctions": the tier is the kind of reason a certificate was revoked, never the conduct
    "tier.subject": ("取消当次该科目成绩", "a subject's result cancelled"),
    "tier.sitting": ("取消当次全部科目成绩，当年不得参加评价", "the sitting's results cancelled, barred this year"),
    "tier.grave": ("情节轻微，2年内不得参加评价 / 情节严重，5年内不得参加评价并移送有关部门", "grave misconduct, barred"),
    "tier.materials": ("申报材料虚假伪造：取消考试资格及考试成绩，证书作无效处理", "false application materials"),
})


def label(key: str, **values: object) -> Label:
    """The (中文, English) of `key` (the key itself, in English, when the table has none), with `values` filled in."""
    zh, en = LABELS.get(key, (None, key))
    return (zh.format(**values) if zh and values else zh), en
