"""A complaint on a supervision line (投诉, DOMAIN §10): taken on a body's line or the municipal center's
(上海市职业技能鉴定中心, 400-820-9278), by letter, online or at a counter; accepted or declined, assigned, linked to
cases, extended, escalated, resolved, called back, reopened and closed — each a fact in the past tense.

Public methods are commands: they check the complaint's state and raise named errors, then trigger an event
whose body only applies the fact. Every event that starts a clock carries the due dates decided then (and
whether they are provisional), so replaying never recomputes them from today's calendar or terms.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from cases.errors import DomainError, InvalidInput, OutOfOrder

CATEGORIES = {  # DOMAIN §10 Categories (the rules each may engage); labels from GLOSSARY.md
    "fees": "缴费",  # amount or deadline, §4
    "review": "资格审核",  # review and eligibility, §2
    "scheduling": "考试安排",  # scheduling and deferral notices, §3
    "results_late": "成绩延迟",  # §5: 20/30 working days
    "certificates": "证书",  # late or wrong, §8
    "candidate_misconduct": "考生违纪",  # §6: may lead to a post-hoc sanction
    "staff_conduct": "工作人员",
    "other": "其他",
}
OUTCOMES = {"upheld": "投诉成立", "partly_upheld": "部分成立", "not_upheld": "不成立", "declined": "不予受理"}
STAGES = {"received": "已登记", "accepted": "已受理", "declined": "不予受理", "resolved": "已办结", "closed": "已归档"}
ESCALATION_REASONS = {"breach": "办理超期", "dissatisfaction": "回访不满意", "choice": "机构主动移交"}
STANDINGS = {"on_time": "未到期", "due_soon": "明日到期", "due_today": "今日到期", "breached": "已超期（超 {n} 个工作日）"}
OPEN_STAGES = ("received", "accepted")
CLAUSE = "DOMAIN §10"


class ComplaintError(DomainError):
    code = "complaint_error"
    http_status = 409


class WrongComplaintStage(ComplaintError):
    code = "wrong_complaint_stage"


class Recused(ComplaintError):
    """DOMAIN §10 Recusal: a staff member named in a complaint neither handles it nor records its result."""

    code = "recused"
    http_status = 403


class AlreadyExtended(ComplaintError):
    code = "already_extended"


class AlreadyEscalated(ComplaintError):
    code = "already_escalated"


class NoCallbackForAnonymous(ComplaintError):
    code = "no_callback_for_anonymous"
    http_status = 422


class DeadlinePassed(ComplaintError):
    code = "deadline_passed"


class NotBreached(ComplaintError):
    code = "not_breached"
    http_status = 422


class Complaint(Aggregate):
    """Stage: received (its acceptance clock running), accepted (its result clock running), declined, resolved,
    closed. `level` is who acts on it: the body's supervisors, or after escalation the municipal center's."""

    @event("Received")
    def __init__(
        self, *, channel: str, received_at: datetime, counts_from: date, receipt_reason: str, complainant: dict[str, Any],
        body: str, case_ids: list[str], candidate_id: str | None, staff_named: list[str], category: str, words: str,
        evidence: list[str], acceptance_due: dict[str, Any], taken_by: str, level: str, actor: str,
    ) -> None:  # fmt: skip
        self.channel, self.received_at, self.counts_from = channel, received_at, counts_from
        self.complainant = complainant  # {"name", "contact", "anonymous"}: contact encrypted at rest with a cipher key
        self.body, self.case_ids, self.candidate_id = body, list(case_ids), candidate_id
        self.staff_named, self.category, self.words, self.evidence = list(staff_named), category, words, list(evidence)
        self.level = level  # "body" or "municipal": who acts on it
        self.stage = "received"
        self.due: dict[str, Any] = {"acceptance": acceptance_due, "result": None}
        self.handler: str | None = None
        self.extended_at: list[str] = []  # the levels at which the one extension was used
        self.escalations: list[dict[str, Any]] = []
        self.outcome: dict[str, Any] | None = None
        self.callbacks: list[dict[str, Any]] = []
        self.last_decided_on = counts_from

    # --- checks -------------------------------------------------------------------------------------

    def _require_stage(self, *stages: str, action: str) -> None:
        if self.stage not in stages:
            raise WrongComplaintStage(f"the complaint is {self.stage}; it cannot {action}", field="complaint_id", clause=CLAUSE)

    def _require_not_before(self, day: date, field: str) -> None:
        if day < self.last_decided_on:
            raise OutOfOrder(f"{field} {day} is before the complaint's last step ({self.last_decided_on})", field=field)

    def _require_not_named(self, who: str, field: str) -> None:
        if who.strip() in {name.strip() for name in self.staff_named}:
            raise Recused(f"{who} is named in the complaint and may not handle it", field=field, clause="DOMAIN §10 Recusal")

    def _require_not_named_actor(self, actor: str) -> None:
        """The person complained about never handles it (DOMAIN §10 Recusal): no step by them. An actor is
        "role:body:label"; the label is the staff member."""
        self._require_not_named(actor.rsplit(":", 1)[-1], "actor")

    # --- commands -----------------------------------------------------------------------------------

    def accept(self, *, on: date, result_due: dict[str, Any], actor: str) -> None:
        self._require_not_named_actor(actor)
        self._require_stage("received", action="be accepted")
        self._require_not_before(on, "on")
        self._accepted(on=on, result_due=result_due, actor=actor)

    @event("Accepted")
    def _accepted(self, on: date, result_due: dict[str, Any], actor: str) -> None:
        self.stage, self.due["result"], self.last_decided_on = "accepted", result_due, on

    def decline(self, *, on: date, reason: str, actor: str) -> None:
        self._require_not_named_actor(actor)
        self._require_stage("received", action="be declined")
        self._require_not_before(on, "on")
        self._declined(on=on, reason=reason, actor=actor)

    @event("Declined")
    def _declined(self, on: date, reason: str, actor: str) -> None:
        self.stage, self.last_decided_on = "declined", on
        self.outcome = {"outcome": "declined", "findings": reason, "on": on, "level": self.level, "caused": []}

    def assign(self, *, handler: str, on: date, actor: str) -> None:
        self._require_not_named_actor(actor)
        self._require_stage(*OPEN_STAGES, action="be assigned")
        self._require_not_named(handler, "handler")
        self._require_not_before(on, "on")
        self._assigned(handler=handler, on=on, actor=actor)

    @event("Assigned")
    def _assigned(self, handler: str, on: date, actor: str) -> None:
        self.handler, self.last_decided_on = handler, on

    def link_case(self, *, case_id: UUID, case_body: str, on: date, actor: str) -> None:
        """Only a case of the body complained about: another body's case is not what this complaint is about."""
        self._require_not_named_actor(actor)
        if self.stage == "closed":
            raise WrongComplaintStage("the complaint is closed; it cannot have a case linked", field="complaint_id", clause=CLAUSE)
        if case_body != self.body:
            raise InvalidInput(f"case {case_id} is {case_body}'s; the complaint is about {self.body}", field="case_id", clause=CLAUSE)
        if str(case_id) in self.case_ids:
            raise ComplaintError(f"case {case_id} is linked already", field="case_id")
        self._require_not_before(on, "on")
        self._case_linked(case_id=str(case_id), on=on, actor=actor)

    @event("CaseLinked")
    def _case_linked(self, case_id: str, on: date, actor: str) -> None:
        self.case_ids.append(case_id)

    def extend(self, *, working_days: int, reason: str, notice_recorded_on: date, result_due: dict[str, Any], on: date, actor: str) -> None:
        """DOMAIN §10 Clock: one extension per level, with a reason and the notice to the complainant recorded."""
        self._require_not_named_actor(actor)
        self._require_stage("accepted", action="have its deadline extended")
        if self.level in self.extended_at:
            raise AlreadyExtended("the one extension allowed was used", field="working_days", clause=CLAUSE)
        self._require_not_before(on, "on")
        due = date.fromisoformat(str(self.due["result"]["due"]))
        if on > due:
            raise DeadlinePassed(f"the result was due on {due}: a breached complaint is escalated, not extended", field="on", clause=CLAUSE)
        if not self.last_decided_on <= notice_recorded_on <= on:
            raise OutOfOrder(f"the notice to the complainant is recorded between {self.last_decided_on} and {on}", field="notice_recorded_on")
        self._deadline_extended(working_days=working_days, reason=reason, notice_recorded_on=notice_recorded_on, result_due=result_due, on=on, actor=actor)

    @event("DeadlineExtended")
    def _deadline_extended(self, working_days: int, reason: str, notice_recorded_on: date, result_due: dict[str, Any], on: date, actor: str) -> None:
        self.extended_at.append(self.level)
        self.due["result"], self.last_decided_on = result_due, on

    def breached_on(self, on: date) -> str | None:
        """The clock breached on a day ("acceptance" or "result"), if any."""
        running = "acceptance" if self.stage == "received" else "result" if self.stage == "accepted" else None
        due = running and self.due[running]
        return running if due and date.fromisoformat(str(due["due"])) < on else None

    def escalate(self, *, why: str, on: date, acceptance_due: dict[str, Any], actor: str) -> None:
        """DOMAIN §10 Escalation: to the municipal center, on a breach, on dissatisfaction at the callback, or by
        the body's choice; both clocks restart there (`acceptance_due` counted from `on`)."""
        self._require_not_named_actor(actor)
        if why not in ESCALATION_REASONS:
            raise InvalidInput(f"why must be one of {', '.join(ESCALATION_REASONS)}", field="why", clause=CLAUSE)
        if self.level == "municipal":
            raise AlreadyEscalated("the municipal center handles it already; its result stands", field="complaint_id", clause=CLAUSE)
        self._require_stage(*OPEN_STAGES, action="be escalated")
        if why == "breach" and self.breached_on(on) is None:
            raise NotBreached(f"no clock of the complaint is breached on {on}", field="why", clause=CLAUSE)
        last_callback = self.callbacks[-1] if self.callbacks else None
        if why == "dissatisfaction" and not (last_callback and not last_callback["satisfied"] and last_callback["level"] == self.level):
            raise InvalidInput("dissatisfaction is escalated after a dissatisfied callback on this level's result", field="why", clause=CLAUSE)
        self._require_not_before(on, "on")
        self._escalated(why=why, on=on, acceptance_due=acceptance_due, actor=actor)

    @event("Escalated")
    def _escalated(self, why: str, on: date, acceptance_due: dict[str, Any], actor: str) -> None:
        self.escalations.append({"why": why, "on": on, "from": self.level})
        self.level, self.stage, self.handler = "municipal", "received", None
        self.due = {"acceptance": acceptance_due, "result": None}
        self.last_decided_on = on

    def resolve(self, *, outcome: str, findings: str, recorded_by: str, on: date, caused: list[dict[str, Any]], actor: str) -> None:
        if outcome not in OUTCOMES or outcome == "declined":
            raise InvalidInput("outcome must be one of upheld, partly_upheld, not_upheld", field="outcome", clause=CLAUSE)
        self._require_stage("accepted", action="be resolved")
        self._require_not_named(recorded_by, "recorded_by")
        self._require_not_named_actor(actor)
        self._require_not_before(on, "on")
        self._resolved(outcome=outcome, findings=findings, recorded_by=recorded_by, on=on, caused=caused, actor=actor)

    @event("Resolved")
    def _resolved(self, outcome: str, findings: str, recorded_by: str, on: date, caused: list[dict[str, Any]], actor: str) -> None:
        self.stage, self.last_decided_on = "resolved", on
        self.outcome = {"outcome": outcome, "findings": findings, "on": on, "level": self.level, "caused": caused}

    def record_callback(self, *, satisfied: bool, on: date, notes: str | None, actor: str) -> None:
        """DOMAIN §10 Callback (回访): after the result, never for an anonymous complaint."""
        if self.complainant.get("anonymous"):
            raise NoCallbackForAnonymous("an anonymous complaint has no one to call back", field="satisfied", clause=CLAUSE)
        self._require_stage("resolved", "declined", action="have a callback recorded")
        self._require_not_before(on, "on")
        self._callback_recorded(satisfied=satisfied, on=on, notes=notes, actor=actor)

    @event("CallbackRecorded")
    def _callback_recorded(self, satisfied: bool, on: date, notes: str | None, actor: str) -> None:
        self.callbacks.append({"satisfied": satisfied, "on": on, "level": self.level})
        self.last_decided_on = on

    def reopen(self, *, reason: str, on: date, acceptance_due: dict[str, Any], actor: str) -> None:
        self._require_not_named_actor(actor)
        self._require_stage("resolved", "declined", action="be reopened")
        self._require_not_before(on, "on")
        self._reopened(reason=reason, on=on, acceptance_due=acceptance_due, actor=actor)

    @event("Reopened")
    def _reopened(self, reason: str, on: date, acceptance_due: dict[str, Any], actor: str) -> None:
        self.stage, self.outcome, self.handler, self.last_decided_on = "received", None, None, on
        self.due = {"acceptance": acceptance_due, "result": None}

    def close(self, *, on: date, actor: str) -> None:
        self._require_not_named_actor(actor)
        self._require_stage("resolved", "declined", action="be closed")
        self._require_not_before(on, "on")
        self._closed(on=on, actor=actor)

    @event("Closed")
    def _closed(self, on: date, actor: str) -> None:
        self.stage, self.last_decided_on = "closed", on
