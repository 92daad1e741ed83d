"""The hotline's use cases (DOMAIN §10): take a complaint, accept or decline it, assign it, link cases, extend,
escalate, resolve — with a post-hoc sanction of a linked case in the same atomic write — call back, reopen, close.

Each command loads the complaint, asks the pure rules (`rules.complaint_clock`) for the dates, lets the aggregate
check its state, and saves every changed aggregate at once. Times of day are Shanghai time (UTC+8, no daylight
saving); a `received_at` given with another offset is converted first.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import structlog

from cases.aggregates.complaint import CATEGORIES, ComplaintError, Complaint
from cases.errors import DomainError, InvalidInput, NotFound
from cases.limits import check_text
from cases.rules.complaint_clock import CHANNELS, acceptance_due, extended_due, received, result_due
from cases.service.outcome import Outcome
from cases.service.sanctions import sanction_unsaved
from cases.service.unit_of_work import UnitOfWork
from cases.settings import SHANGHAI

log = structlog.get_logger("cases.service.complaints")


class AlreadySanctioned(ComplaintError):
    code = "already_sanctioned"


class CaseNotLinked(ComplaintError):
    code = "case_not_linked"
    http_status = 422


class Complaints:
    """Every command answers an `Outcome` about the complaint (its version, stage, level and the log position).
    `loaded`: the complaint the caller has just read (to check its scope and level), so it is not read again
    (`UnitOfWork.complaint_for_command`)."""

    def __init__(self, work: UnitOfWork) -> None:
        self.work = work

    # --- reading ------------------------------------------------------------------------------------

    def get(self, complaint_id: UUID, version: int | None = None) -> Complaint:
        return self.work.complaint(complaint_id, version)

    def _line_hours(self, body: str, channel: str, year: int) -> tuple[str, ...]:
        catalogue = self.work.rulebook.for_year(year, field="received_at")
        if channel == "municipal_line":
            return catalogue.municipal_supervisor.hours
        found = catalogue.body(body)
        if found is None:
            raise NotFound(f"no body {body!r}", field="body")
        return found.supervision_hours

    # --- commands -----------------------------------------------------------------------------------

    def receive(
        self, *, channel: str, received_at: datetime, body: str, category: str, words: str, actor: str,
        complainant_name: str | None = None, complainant_contact: str | None = None, anonymous: bool = False,
        case_ids: list[UUID] | None = None, candidate_id: UUID | None = None, staff_named: list[str] | None = None,
        evidence: list[str] | None = None, to_municipal_center: bool = False,
    ) -> Outcome:  # fmt: skip
        """Received (DOMAIN §10 Receiving): its acceptance clock starts at the next opening of the line. A call on
        the municipal line, or a letter, form or visit `to_municipal_center`, is the municipal center's from the
        start; anything else is the body's until escalated."""
        if channel not in CHANNELS:
            raise InvalidInput(f"channel must be one of {', '.join(CHANNELS)}", field="channel", clause="DOMAIN §10")
        if category not in CATEGORIES:
            raise InvalidInput(f"category must be one of {', '.join(CATEGORIES)}", field="category", clause="DOMAIN §10")
        if not anonymous and not (complainant_name and complainant_contact):
            raise InvalidInput("a named complaint gives the complainant's name and contact (or is anonymous)", field="complainant_contact")
        for field, value, kind in (("complainant_name", complainant_name, "name"), ("complainant_contact", complainant_contact, "contact")):
            check_text(field, value, kind)
        check_text("words", words, "words", free_text=True)
        if to_municipal_center and channel == "body_line":
            raise InvalidInput("a call on the body's line is the body's; the municipal center has its own line", field="to_municipal_center")
        if received_at.tzinfo is None:
            raise InvalidInput("received_at needs its time zone (e.g. +08:00)", field="received_at")
        local = received_at.astimezone(SHANGHAI)
        hours = self._line_hours(body, channel, local.year)
        linked = [self.work.case(case_id) for case_id in case_ids or []]
        for case in linked:
            if case.body != body:
                raise InvalidInput(f"case {case.id} is not {body}'s", field="case_ids")
        receipt = received(local, channel, hours, self.work.calendar)
        due = acceptance_due(receipt.counts_from, self.work.rulebook.complaint_terms, self.work.calendar)
        complaint = Complaint(
            channel=channel, received_at=local, counts_from=receipt.counts_from, receipt_reason=receipt.reason,
            complainant={"name": None if anonymous else complainant_name, "contact": None if anonymous else complainant_contact,
                         "anonymous": anonymous},
            body=body, case_ids=[str(case.id) for case in linked], candidate_id=str(candidate_id) if candidate_id else None,
            staff_named=staff_named or [], category=category, words=words, evidence=evidence or [],
            acceptance_due=due.to_dict(), taken_by=actor, actor=actor,
            level="municipal" if to_municipal_center or channel == "municipal_line" else "body",
        )  # fmt: skip
        position = self.work.save(complaint)
        log.info("complaint.received", complaint_id=str(complaint.id), body=body, channel=channel, acceptance_due=str(due))
        return self._outcome(complaint, position, complaint.id)

    def accept(
        self, complaint_id: UUID, *, on: date, actor: str, expected_version: int | None = None, loaded: Complaint | None = None
    ) -> Outcome:
        complaint = self.work.complaint_for_command(complaint_id, expected_version, loaded)
        due = result_due(on, self.work.rulebook.complaint_terms, self.work.calendar)
        complaint.accept(on=on, result_due=due.to_dict(), actor=actor)
        return self._outcome(complaint, self.work.save(complaint))

    def decline(
        self, complaint_id: UUID, *, on: date, reason: str, actor: str, expected_version: int | None = None, loaded: Complaint | None = None
    ) -> Outcome:
        complaint = self.work.complaint_for_command(complaint_id, expected_version, loaded)
        complaint.decline(on=on, reason=reason, actor=actor)
        return self._outcome(complaint, self.work.save(complaint))

    def assign(
        self, complaint_id: UUID, *, handler: str, on: date, actor: str, expected_version: int | None = None, loaded: Complaint | None = None
    ) -> Outcome:
        complaint = self.work.complaint_for_command(complaint_id, expected_version, loaded)
        complaint.assign(handler=handler, on=on, actor=actor)
        return self._outcome(complaint, self.work.save(complaint))

    def link_case(
        self, complaint_id: UUID, *, case_id: UUID, on: date, actor: str, expected_version: int | None = None, loaded: Complaint | None = None
    ) -> Outcome:
        complaint = self.work.complaint_for_command(complaint_id, expected_version, loaded)
        case = self.work.case(case_id)
        complaint.link_case(case_id=case_id, case_body=case.body, on=on, actor=actor)
        return self._outcome(complaint, self.work.save(complaint))

    def extend(
        self, complaint_id: UUID, *, working_days: int, reason: str, notice_recorded_on: date, on: date, actor: str,
        expected_version: int | None = None, loaded: Complaint | None = None,
    ) -> Outcome:  # fmt: skip
        complaint = self.work.complaint_for_command(complaint_id, expected_version, loaded)
        current = complaint.due["result"]
        base = date.fromisoformat(str(current["due"])) if current else on
        due = extended_due(base, working_days, self.work.rulebook.complaint_terms, self.work.calendar)
        complaint.extend(working_days=working_days, reason=reason, notice_recorded_on=notice_recorded_on, result_due=due.to_dict(), on=on, actor=actor)
        return self._outcome(complaint, self.work.save(complaint))

    def escalate(
        self, complaint_id: UUID, *, why: str, on: date, actor: str, expected_version: int | None = None, loaded: Complaint | None = None
    ) -> Outcome:
        """DOMAIN §10 Escalation: both clocks restart at the municipal center, the acceptance clock from `on`."""
        complaint = self.work.complaint_for_command(complaint_id, expected_version, loaded)
        due = acceptance_due(on, self.work.rulebook.complaint_terms, self.work.calendar)
        complaint.escalate(why=why, on=on, acceptance_due=due.to_dict(), actor=actor)
        return self._outcome(complaint, self.work.save(complaint))

    def resolve(
        self, complaint_id: UUID, *, outcome: str, findings: str, recorded_by: str, on: date, actor: str,
        sanction: dict[str, Any] | None = None, expected_version: int | None = None, loaded: Complaint | None = None,
    ) -> Outcome:  # fmt: skip
        """Resolved (DOMAIN §10 Result). An upheld complaint may sanction a linked case (DOMAIN §6, revoking an
        issued certificate): the case's `Sanctioned` names the complaint, the complaint's `Resolved` names the case
        events, and all of it is one write — a refused sanction writes nothing of either."""
        complaint = self.work.complaint_for_command(complaint_id, expected_version, loaded)
        check_text("findings", findings, "words", free_text=True)
        changed: list[Any] = [complaint]
        caused: list[dict[str, Any]] = []
        ban = None
        if sanction is not None:
            if outcome not in ("upheld", "partly_upheld"):
                raise InvalidInput("only an upheld (or partly upheld) complaint sanctions a case", field="sanction", clause="DOMAIN §10")
            case_id = UUID(str(sanction["case_id"]))
            if str(case_id) not in complaint.case_ids:
                raise CaseNotLinked(f"case {case_id} is not linked to the complaint", field="sanction.case_id")
            case = self.work.case(case_id)
            graver = [s["tier"] for s in case.sanctions if TIER_RANK.get(s["tier"], 0) >= TIER_RANK.get(sanction["tier"], 0)]
            if graver:
                raise AlreadySanctioned(
                    f"case {case_id} was sanctioned already at the {graver[0]} tier, as grave or graver", field="sanction.case_id", clause="须知",
                )  # fmt: skip
            candidate = self.work.candidate(case.candidate_id)
            try:
                ban = sanction_unsaved(
                    case, candidate, tier=sanction["tier"], behaviour=sanction["behaviour"], decided_on=on, actor=actor,
                    severity=sanction.get("severity"), sitting_on=sanction.get("sitting_on"), subject=sanction.get("subject"),
                    source={"complaint_id": str(complaint.id)},
                )  # fmt: skip
            except DomainError as refusal:  # named as the request names it: the sanction's own fields
                refusal.field = f"sanction.{refusal.field}" if refusal.field and not refusal.field.startswith("sanction.") else refusal.field
                raise
            caused = _caused(case, "case_id") + _caused(candidate, "candidate_id")
            changed += [case, candidate]
        complaint.resolve(outcome=outcome, findings=findings, recorded_by=recorded_by, on=on, caused=caused, actor=actor)
        position = self.work.save(*changed)
        log.info("complaint.resolved", complaint_id=str(complaint_id), outcome=outcome, caused=len(caused))
        return self._outcome(complaint, position, {"outcome": outcome, "caused": caused, "ban": ban})

    def record_callback(
        self, complaint_id: UUID, *, satisfied: bool, on: date, actor: str, notes: str | None = None,
        expected_version: int | None = None, loaded: Complaint | None = None,
    ) -> Outcome:  # fmt: skip
        """CallbackRecorded (回访). Dissatisfied with a body's result: reopened and escalated to the municipal center
        in the same write (DOMAIN §10 Callback); with the municipal center's, its result stands. Returns the stage."""
        complaint = self.work.complaint_for_command(complaint_id, expected_version, loaded)
        check_text("notes", notes, "words", free_text=True)
        complaint.record_callback(satisfied=satisfied, on=on, notes=notes, actor=actor)
        if not satisfied and complaint.level == "body":
            due = acceptance_due(on, self.work.rulebook.complaint_terms, self.work.calendar)
            complaint.reopen(reason="dissatisfied at the callback", on=on, acceptance_due=due.to_dict(), actor=actor)
            complaint.escalate(why="dissatisfaction", on=on, acceptance_due=due.to_dict(), actor=actor)
        return self._outcome(complaint, self.work.save(complaint), complaint.stage)

    def reopen(
        self, complaint_id: UUID, *, reason: str, on: date, actor: str, expected_version: int | None = None, loaded: Complaint | None = None
    ) -> Outcome:
        """Reopened (new evidence, say): back to received at its level, its acceptance clock restarted from `on`."""
        complaint = self.work.complaint_for_command(complaint_id, expected_version, loaded)
        due = acceptance_due(on, self.work.rulebook.complaint_terms, self.work.calendar)
        complaint.reopen(reason=reason, on=on, acceptance_due=due.to_dict(), actor=actor)
        return self._outcome(complaint, self.work.save(complaint))

    def close(
        self, complaint_id: UUID, *, on: date, actor: str, expected_version: int | None = None, loaded: Complaint | None = None
    ) -> Outcome:
        complaint = self.work.complaint_for_command(complaint_id, expected_version, loaded)
        complaint.close(on=on, actor=actor)
        return self._outcome(complaint, self.work.save(complaint))


    @staticmethod
    def _outcome(complaint: Complaint, position: int | None, result: Any = None) -> Outcome:
        return Outcome.of(complaint, position, result, level=complaint.level)


TIER_RANK = {"subject": 1, "sitting": 2, "grave": 3, "materials": 4}  # 须知 二 < 三 < 四 < 一 (qualification void)


def _caused(aggregate: Any, key: str) -> list[dict[str, Any]]:
    """The events an aggregate is about to record, as a complaint's result names them."""
    first = aggregate.version - len(aggregate.pending_events)
    return [{key: str(aggregate.id), "version": first + index + 1, "event": type(event).__name__} for index, event in enumerate(aggregate.pending_events)]
