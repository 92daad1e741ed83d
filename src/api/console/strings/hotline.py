"""The hotline's pages (hotline.py: the queue, a complaint, intake, the actions, the contact for the callback):
GLOSSARY "Complaints" and DOMAIN §10. A complaint's categories, stages, outcomes, escalation reasons and standings are
the domain's own tables (cases.aggregates.complaint), taken from the glossary."""

from __future__ import annotations

from cases.aggregates.complaint import CATEGORIES, ESCALATION_REASONS, OUTCOMES, STAGES, STANDINGS

LABELS: dict[str, tuple[str, str]] = {
    # --- the complaint and who is in it (GLOSSARY "People and roles", "Complaints") ------------------------------
    "hotline": ("业务监督电话", "hotline"),
    "complaint": ("投诉", "complaint"),
    "complaints": ("投诉", "complaints"),
    "complainant": ("投诉人", "complainant"),
    "anonymous": ("匿名", "anonymous"),
    "handler": ("承办人", "handler"),
    "level.body": ("评价机构", "the body"),
    "level.municipal": ("市职业技能鉴定中心", "the municipal center"),
    "escalated": ("已转市职业技能鉴定中心", "escalated to the municipal center"),
    "extended": ("已延期（已告知投诉人）", "extended (complainant told)"),
    "standing": ("办理时限", "service level"),
    "category": ("类别", "category"),
    "stage.open": ("办理中（已登记或已受理）", "open (received or accepted)"),
    "channel": ("渠道", "channel"),
    "channel.body_line": ("评价机构业务监督电话", "the body's line"),
    "channel.municipal_line": ("市职业技能鉴定中心监督电话", "the municipal center's line"),
    "channel.letter": ("来信", "letter"),
    "channel.online": ("网上", "online"),
    "channel.counter": ("窗口", "counter"),
    "received_at": ("登记时间", "received"),
    "counts_from": ("起算日", "counts from"),
    "words": ("投诉内容", "the complainant's words"),
    "evidence": ("佐证材料", "evidence"),
    "staff_named": ("被投诉人员", "staff named"),
    "linked_cases": ("关联申报", "linked cases"),
    "you_act": ("由您办理", "you act on it"),
    "done": ("已完成", "Done"),
    # --- intake (hotline_intake.html) ---------------------------------------------------------------------------
    "intake": ("接听来电：登记新投诉", "Take a call: new complaint"),
    "take_call": ("登记投诉", "Record the complaint"),
    "shanghai_time": ("北京时间", "Shanghai time"),
    "complainant_name": ("投诉人姓名", "complainant's name"),
    "complainant_contact": ("投诉人联系方式", "complainant's contact"),
    "cases_named": ("涉及的申报（申报编号）", "cases named (case ids)"),
    "one_a_line": ("每行一个", "one a line"),
    "to_municipal_center": ("向市职业技能鉴定中心投诉", "made to the municipal center"),
    # --- the contact for the callback (complaint_contact.html) --------------------------------------------------
    "reveal_contact": ("查看完整联系方式（回访用）", "Show the full contact (for the callback)"),
    "contact_not_kept": (
        "仅供本次回访使用：本页不缓存，查看记录已留痕。",
        "For this callback only: this page is not stored, and the look is logged.",
    ),
    "back_to_complaint": ("返回投诉", "Back to the complaint"),
    # --- the actions' fields (hotline_actions.html) --------------------------------------------------------------
    "accept": ("受理", "accept"),
    "decline": ("不予受理", "decline"),
    "linked_case": ("关联申报", "linked case"),
    "working_days": ("延长工作日数", "working days"),
    "notice_recorded_on": ("告知投诉人日期", "complainant told on"),
    "outcome": ("办理结果", "outcome"),
    "findings": ("调查结论", "findings"),
    "post_hoc_sanction": ("评价活动结束后发现并经确认", "post-hoc sanction of a linked case"),
    "tier": ("处理情形", "sanction tier"),
    "behaviour": ("违纪违规行为（须知条款）", "behaviour (须知 clause)"),
    "severity": ("情节（轻微 / 严重）", "severity (grave tier)"),
    "severity.minor": ("情节轻微", "minor"),
    "severity.serious": ("情节严重", "serious"),
    "sanction_subject": ("科目", "subject (subject tier)"),
    "why": ("原因", "why"),
    "callback": ("回访", "callback"),
    "satisfied": ("满意", "satisfied"),
    "dissatisfied": ("不满意", "dissatisfied"),
    "notes": ("备注", "notes"),
    # --- the actions themselves: a button, and "done: …" once done (verbs of the glossary's terms) ---------------
    "command.receive": ("登记投诉", "complaint recorded"),
    "command.accept": ("受理", "accept"),
    "command.decline": ("不予受理", "decline"),
    "command.assign": ("分派", "assign"),
    "command.link_case": ("关联申报", "link a case"),
    "command.extend": ("延期办理", "extend"),
    "command.escalate": ("转市职业技能鉴定中心办理", "escalate"),
    "command.pull_in": ("提级办理（已超期）", "pull in (breached)"),
    "command.resolve": ("办结", "record the result"),
    "command.record_callback": ("登记回访", "record the callback"),
    "command.reopen": ("重新办理", "reopen"),
    "command.close": ("归档", "close"),
}
LABELS.update({f"category.{code}": (zh, code.replace("_", " ")) for code, zh in CATEGORIES.items()})
LABELS.update({f"stage.{code}": (zh, code) for code, zh in STAGES.items()})
LABELS.update({f"outcome.{code}": (zh, code.replace("_", " ")) for code, zh in OUTCOMES.items()})
LABELS.update({f"escalation.{code}": (zh, code) for code, zh in ESCALATION_REASONS.items()})
LABELS.update({f"standing.{code}": (zh, code.replace("_", " ")) for code, zh in STANDINGS.items()})

PLAIN_WORDS: frozenset[str] = frozenset({
    "standing", "category", "channel", "channel.letter", "channel.online", "counts_from", "you_act", "done",
    "shanghai_time", "one_a_line", "findings", "tier", "why", "notes",
})
