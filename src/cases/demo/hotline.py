"""The demo's complaints (DOMAIN §10): calls on the bodies' supervision lines and the municipal center's, taken
through every path — declined, resolved on time, extended, breached and escalated, dissatisfied at the callback,
upheld with a post-hoc sanction that revokes a certificate — and one still open, breached on `TODAY`, for the
queue to show. Complainants' numbers are made-up mobile numbers (never printed in full)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from cases.aggregates.complaint import CATEGORIES, ESCALATION_REASONS, OUTCOMES, STANDINGS
from cases.service.application import CasesApplication
from cases.demo.desk import TODAY, Desk
from cases.demo.record import ComplaintSummary
from cases.identity import mask_contact
from cases.rules.complaint_clock import standing
from cases.settings import SHANGHAI

MUNICIPAL = "supervisor:all:陈主任"  # the municipal center's supervisor on 400-820-9278
D = date.fromisoformat


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def _body_supervisor(body: str) -> str:
    return f"supervisor:{body}:监督员"


def hotline(app: CasesApplication, desks: dict[str, Desk]) -> tuple[ComplaintSummary, ...]:
    complaints = app.complaints
    taken: list[UUID] = []

    def take(when: str, channel: str, body: str, category: str, words: str, **details: object) -> UUID:
        actor = MUNICIPAL if channel == "municipal_line" else _body_supervisor(body)
        complaint_id = complaints.receive(channel=channel, received_at=_at(when), body=body, category=category, words=words, actor=actor, **details)  # type: ignore[arg-type]
        taken.append(complaint_id)
        return complaint_id

    # 上海市网购商会: an anonymous call with nothing to look into, declined within the clock.
    vague = take("2026-03-09 10:15", "body_line", "wgsh", "other", "听说考试很难，是不是故意的？", anonymous=True)
    complaints.decline(vague, on=D("2026-03-10"), reason="未提供具体事实和线索，不予受理", actor=_body_supervisor("wgsh"))
    complaints.close(vague, on=D("2026-03-10"), actor=_body_supervisor("wgsh"))

    # 上海市电子商务行业协会: a fee complaint resolved on time, satisfied at the callback.
    fee = take("2026-04-07 14:05", "body_line", "dsxh", "fees", "缴费期限只有三天，来不及。", complainant_name="周先生",
               complainant_contact="13816620001", case_ids=desks["dsxh"].cases[:1])  # fmt: skip
    complaints.accept(fee, on=D("2026-04-08"), actor=_body_supervisor("dsxh"))
    complaints.assign(fee, handler="刘老师", on=D("2026-04-08"), actor=_body_supervisor("dsxh"))
    complaints.resolve(fee, outcome="not_upheld", findings="缴费期限符合通知二(四)；已向投诉人解释", recorded_by="刘老师", on=D("2026-04-14"), actor=_body_supervisor("dsxh"))
    complaints.record_callback(fee, satisfied=True, on=D("2026-04-15"), actor=_body_supervisor("dsxh"))
    complaints.close(fee, on=D("2026-04-15"), actor=_body_supervisor("dsxh"))

    # 上海市技师协会: late results, extended once with notice, partly upheld.
    late = take("2026-05-18 09:40", "letter", "jsxh", "results_late", "考完二十多个工作日还查不到成绩。", complainant_name="吴女士",
                complainant_contact="13916620002")  # fmt: skip
    complaints.accept(late, on=D("2026-05-19"), actor=_body_supervisor("jsxh"))
    complaints.extend(late, working_days=5, reason="需向阅卷组核实", notice_recorded_on=D("2026-05-26"), on=D("2026-05-26"), actor=_body_supervisor("jsxh"))
    complaints.resolve(late, outcome="partly_upheld", findings="阅卷延误两个工作日，已督促发布", recorded_by="孙老师", on=D("2026-06-02"), actor=_body_supervisor("jsxh"))
    complaints.record_callback(late, satisfied=True, on=D("2026-06-03"), actor=_body_supervisor("jsxh"))

    # 咪咕: the body let the acceptance clock run out; escalated on the breach, the municipal center resolves it.
    deferral = take("2026-06-22 16:10", "body_line", "migu", "scheduling", "延期通知没有提前告知。", complainant_name="郑同学",
                    complainant_contact="13716620003", staff_named=["钱老师"])  # fmt: skip
    complaints.escalate(deferral, why="breach", on=D("2026-06-29"), actor=MUNICIPAL)
    complaints.accept(deferral, on=D("2026-06-30"), actor=MUNICIPAL)
    complaints.resolve(deferral, outcome="upheld", findings="延期通知晚于规定，责成改进", recorded_by="陈主任", on=D("2026-07-07"), actor=MUNICIPAL)

    # 上海市网购商会: dissatisfied with the body's result; reopened at the municipal center, whose result stands.
    review = take("2026-07-13 10:30", "body_line", "wgsh", "review", "我的工作年限被算错了。", complainant_name="冯先生",
                  complainant_contact="13616620004")  # fmt: skip
    complaints.accept(review, on=D("2026-07-14"), actor=_body_supervisor("wgsh"))
    complaints.resolve(review, outcome="not_upheld", findings="按通知二(一)计算无误", recorded_by="马老师", on=D("2026-07-20"), actor=_body_supervisor("wgsh"))
    complaints.record_callback(review, satisfied=False, on=D("2026-07-21"), actor=_body_supervisor("wgsh"))
    complaints.accept(review, on=D("2026-07-22"), actor=MUNICIPAL)
    complaints.resolve(review, outcome="not_upheld", findings="复核：计算无误，维持原结论", recorded_by="陈主任", on=D("2026-07-29"), actor=MUNICIPAL)
    complaints.record_callback(review, satisfied=False, on=D("2026-07-30"), actor=MUNICIPAL)
    complaints.close(review, on=D("2026-07-30"), actor=MUNICIPAL)

    # 上海市多媒体行业协会: a substitute sat for a certified candidate; upheld, the case sanctioned after the fact
    # (须知 四, grave) and its certificate revoked, in the same write as the result.
    certified = desks["dmtxh"].cases[-1]
    impersonation = take("2026-11-16 15:20", "municipal_line", "dmtxh", "candidate_misconduct", "十月那场有人替考，我认识替考的人。",
                         complainant_name="韩女士", complainant_contact="13516620005", case_ids=[certified], staff_named=["邹老师"])  # fmt: skip
    complaints.accept(impersonation, on=D("2026-11-17"), actor=MUNICIPAL)
    complaints.assign(impersonation, handler="陈主任", on=D("2026-11-17"), actor=MUNICIPAL)
    complaints.resolve(
        impersonation, outcome="upheld", findings="核对监控与签到表，替考属实", recorded_by="陈主任", on=D("2026-11-19"), actor=MUNICIPAL,
        sanction={"case_id": certified, "tier": "grave", "behaviour": "须知 四.4", "severity": "serious"},  # impersonation
    )  # fmt: skip

    # 上海市技师协会: still waiting for acceptance on TODAY, past its date — the queue shows it breached.
    take("2026-11-13 11:20", "body_line", "jsxh", "certificates", "证书上的姓名写错了。", complainant_name="楚先生", complainant_contact="13416620006")

    return tuple(_summary(app, complaint_id) for complaint_id in taken)


def _summary(app: CasesApplication, complaint_id: UUID) -> ComplaintSummary:
    complaint = app.complaints.get(complaint_id)
    running = "acceptance" if complaint.stage == "received" else "result" if complaint.stage == "accepted" else None
    due = complaint.due[running] if running else None
    stood = standing(D(due["due"]), TODAY, app.calendar) if due else None
    outcome = complaint.outcome["outcome"] if complaint.outcome else None
    return ComplaintSummary(
        complaint_id=complaint.id, body=complaint.body, channel=complaint.channel, category=CATEGORIES[complaint.category],
        received=complaint.counts_from, stage=complaint.stage, level=complaint.level,
        outcome=OUTCOMES[outcome] if outcome else None,
        escalated=", ".join(ESCALATION_REASONS[e["why"]] for e in complaint.escalations) or None,
        extended=bool(complaint.extended_at), standing=STANDINGS[stood.state].format(n=stood.working_days_late) if stood else None,
        complainant="匿名" if complaint.complainant["anonymous"] else f"{complaint.complainant['name']} {mask_contact(complaint.complainant['contact'])}",
        caused=tuple(f"{c['event']} v{c['version']}" for c in (complaint.outcome or {}).get("caused", [])),
    )  # fmt: skip
