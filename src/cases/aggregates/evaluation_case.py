"""The evaluation case (评价案件): one candidate's evaluation for one project and level (DOMAIN §2-§6, §8).

This module holds the aggregate's state (`__init__`, the `Applied` event) and its events: each private `@event`
method's body merely applies a fact, and eventsourcing makes it the event class (`EvaluationCase.FeePaid`, stored
under the topic `cases.aggregates.evaluation_case:EvaluationCase.FeePaid`), so they must stay on this class. Replaying
runs only those bodies, so history never consults today's rule book: every event carries the amounts, clauses and
dates decided.

The public commands check the case's state and raise named errors (`case_guards`), and only then trigger an event.
They live in one plain mixin per family, which the aggregate is made of (`case_commands/`):
  review.py        ReviewCommands       approve, reject
  fees.py          FeeCommands          pay, lapse, withdraw
  scheduling.py    SchedulingCommands   schedule, defer
  sittings.py      SittingCommands      record_attendance, record_result (then Qualified or RetakeBarred)
  retakes.py       RetakeCommands       request_retake, check_retake_request, waive_retake
  sanctions.py     SanctionCommands     sanction
  certificates.py  CertificateCommands  issue_certificate, revoke_certificate, reissue_certificate
What the case says about itself without changing (`payments`, `stage_on`, ...) is `CaseQueries` (`case_queries`).
Beside them: its stages (`case_stages`), the clauses its events cite (`case_clauses`), its snapshot rows and
upcasters (`case_snapshot`), its refusals as pure checks (`case_guards`), and the state changes several of its
events share (`case_state`).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from cases.aggregates import case_snapshot as snapshot
from cases.aggregates import subject_standing as standing
from cases.aggregates.case_commands.certificates import CertificateCommands
from cases.aggregates.case_commands.fees import FeeCommands
from cases.aggregates.case_commands.retakes import RetakeCommands
from cases.aggregates.case_commands.review import ReviewCommands
from cases.aggregates.case_commands.sanctions import SanctionCommands
from cases.aggregates.case_commands.scheduling import SchedulingCommands
from cases.aggregates.case_commands.sittings import SittingCommands
from cases.aggregates.case_stages import SETTLED, outstanding_stage
from cases.aggregates.case_state import CaseStateChanges


class EvaluationCase(
    ReviewCommands, FeeCommands, SchedulingCommands, SittingCommands, RetakeCommands, SanctionCommands,
    CertificateCommands, CaseStateChanges, Aggregate,
):  # fmt: skip
    """Evaluation case. Stage is one of: applied, awaiting_payment, ready_to_sit, awaiting_results,
    retake_available, qualified, certified, certificate_revoked, no_retake (a competition candidate failed, 四(四),
    or a ban outlasted the window), barred (a sanction's ban in force, a retake possible from the day after it
    ends), barred_no_retake (a ban in force that outlasts the window, or a competition candidate's: no retake
    after it), and the ended stages in `ENDED`. The two barred stages are stored as recorded; `stage_on(day)` says
    what holds on a day (after the ban: retake_available, no_retake)."""

    @event("Applied")
    def __init__(
        self, *, candidate_id: UUID, holder_name: str, holder_id_masked: str, body: str, occupation: str,
        work_type: str | None, level: int, subjects: list[str], channel: str, institution: str | None,
        evidence: dict[str, Any], applied_on: date, rulebook_year: int, window_name: str | None, paper_requested: bool,
        notice: str, actor: str,
    ) -> None:  # fmt: skip
        self.candidate_id = candidate_id
        self.notice = notice  # the operating notice that governs the case, e.g. "seed 004"
        self.holder_name = holder_name
        self.holder_id_masked = holder_id_masked
        self.body = body
        self.occupation = occupation
        self.work_type = work_type
        self.level = level
        self.subjects = list(subjects)
        self.channel = channel
        self.institution = institution
        self.evidence = evidence
        self.applied_on = applied_on
        self.rulebook_year = rulebook_year
        self.window_name = window_name
        self.paper_requested = paper_requested
        self.stage = "applied"
        self.decision: dict[str, Any] | None = None
        self.fee_due: dict[str, Any] | None = None
        self.pay_from: date | None = None
        self.pay_by: date | None = None
        self._payments: list[list[Any]] = []  # compact rows (case_snapshot), read through `payments`
        self._sittings: list[list[Any]] = []  # compact rows (case_snapshot), read through `sittings`
        self.attempts: list[dict[str, Any]] = []  # each subject's latest attempt only (subject_standing)
        self.window_opened_on: date | None = None
        self.window_last_day: date | None = None
        self.retake_subjects: list[str] | None = None
        self.qualified_on: date | None = None
        self.certificate: dict[str, Any] | None = None
        self.sanctions: list[dict[str, Any]] = []
        self.ended_on: date | None = None
        self.last_fact_on: date = applied_on
        self.plan: dict[str, Any] | None = None  # the month it is planned for and its evaluation deadline
        self.scheduled: dict[str, Any] | None = None  # the sitting it holds a seat at
        self.deferrals: list[dict[str, Any]] = []
        self.results_due: dict[str, Any] | None = None

    class_version = 3  # eventsourcing upgrades older snapshots with these, in turn (case_snapshot)
    upcast_v1_v2 = staticmethod(snapshot.upcast_v1_v2)
    upcast_v2_v3 = staticmethod(snapshot.upcast_v2_v3)
    pay_by_provisional = False  # snapshots taken before the flag was kept: `_owe` sets it from the payment

    # --- review (commands: case_commands/review.py) ---------------------------------------------------

    @event("Approved")
    def _approved(
        self, clause: dict[str, Any], fee: dict[str, Any], payment: dict[str, Any], plan: dict[str, Any] | None,
        decided_on: date, actor: str,
    ) -> None:  # fmt: skip
        self.decision = {"approved": True, "clause": clause, "decided_on": decided_on}
        self.plan = plan
        self._owe(fee, payment, decided_on)

    @event("Rejected")
    def _rejected(self, reasons: list[dict[str, Any]], decided_on: date, actor: str) -> None:
        self.decision = {"approved": False, "reasons": reasons, "decided_on": decided_on}
        self._end("rejected", decided_on)

    # --- fees (commands: case_commands/fees.py) -------------------------------------------------------

    @event("FeePaid")
    def _fee_paid(
        self, amount: int, kind: str, lines: list[dict[str, Any]], paid_on: date, reference: str | None, actor: str
    ) -> None:
        self._payments.append(snapshot.payment_row(amount, kind, paid_on, reference))
        self.fee_due = None
        self.stage = "ready_to_sit"
        self.last_fact_on = paid_on

    @event("Lapsed")
    def _lapsed(self, due_on: date, on: date, retake: bool, actor: str, due_on_provisional: bool = False) -> None:
        """`due_on_provisional`: recorded since issue 12 (the deadline counted past the calendar's coverage)."""
        self.fee_due = None
        if retake:  # an unpaid retake request lapses; the window and its passed subjects remain
            self.retake_subjects = None
            self.stage = outstanding_stage(self.retake_after_sanction, on)
            self.last_fact_on = on
        else:
            self._end("lapsed", on)

    @event("Withdrawn")
    def _withdrawn(self, on: date, reason: str, fees_paid: int, refunded: int, clause: str, actor: str) -> None:
        self._end("withdrawn", on)

    # --- scheduling (commands: case_commands/scheduling.py) -------------------------------------------

    @event("Scheduled")
    def _scheduled(
        self, sitting_id: str, dates: list[date], venue: str, ticket_from: date, on: date, actor: str,
        ticket_clause: str | None = None,
    ) -> None:  # fmt: skip
        """`ticket_clause`: recorded since issue 12 (each body's own notice); absent on earlier events."""
        seat = {"sitting_id": sitting_id, "dates": list(dates), "venue": venue, "ticket_from": ticket_from}
        self.scheduled = {**seat, "ticket_clause": ticket_clause}

    @event("EvaluationDeferred")
    def _deferred(
        self, from_month: str, to_month: str, reason: str, clause: str, notify_by: date | None, last_day: date | None,
        window: str | None, sitting_id: str | None, carried_into_next_year: bool, on: date, actor: str,
    ) -> None:  # fmt: skip
        self.deferrals.append({"from_month": from_month, "to_month": to_month, "reason": reason, "notify_by": notify_by})
        moved = {
            "plan_month": to_month, "last_day": last_day.isoformat() if last_day else None, "clause": clause,
            "carried_into_next_year": carried_into_next_year, "provisional": last_day is None,
        }  # fmt: skip
        self.plan = {**(self.plan or {}), **moved, **({"window": window} if window else {})}
        self.scheduled = None

    # --- sittings and results (commands: case_commands/sittings.py) -----------------------------------

    @event("Sat")
    def _sat(
        self, sat_on: date, sitting_id: str | None, subjects: list[str], results_due: dict[str, Any] | None, actor: str
    ) -> None:
        self._record_sitting(sat_on, sitting_id, subjects, attended=True, outcome="pending")
        self.results_due = results_due

    @event("Absent")
    def _absent(self, sat_on: date, sitting_id: str | None, subjects: list[str], refunded: int, clause: str, actor: str) -> None:
        self._record_sitting(sat_on, sitting_id, subjects, attended=False, outcome="absent")
        self._stage_after_results()

    @event("ValidityWindowOpened")
    def _window_opened(self, opened_on: date, last_day: date, years: int, clause: str, actor: str) -> None:
        self.window_opened_on = opened_on
        self.window_last_day = last_day

    @event("SubjectPassed")
    def _subject_passed(
        self, subject: str, score: float, pass_mark: int, sat_on: date, sitting_id: str | None, recorded_on: date, actor: str
    ) -> None:
        self._set_outcome(subject, sat_on, "passed", score, recorded_on)

    @event("SubjectFailed")
    def _subject_failed(
        self, subject: str, score: float, pass_mark: int, sat_on: date, sitting_id: str | None, recorded_on: date, actor: str
    ) -> None:
        self._set_outcome(subject, sat_on, "failed", score, recorded_on)

    @event("Qualified")
    def _qualified(self, on: date, scores: dict[str, float], window_last_day: date | None, clause: str, actor: str) -> None:
        self.qualified_on = on
        self.stage = "qualified"

    @event("RetakeBarred")
    def _retake_barred(self, on: date, clause: str, actor: str) -> None:
        self.stage = "no_retake"

    # --- retakes (commands: case_commands/retakes.py) -------------------------------------------------

    @event("RetakeRequested")
    def _retake_requested(
        self, subjects: list[str], fee: dict[str, Any], payment: dict[str, Any], requested_on: date, actor: str
    ) -> None:
        self.retake_subjects = list(subjects)
        if payment.get("window"):  # a fixed-window body's retake sits in the window it was requested in
            self.plan = {**(self.plan or {}), "window": payment["window"]}
        self._owe(fee, payment, requested_on)

    @event("RetakeWaived")
    def _retake_waived(self, new_case_id: UUID, discarded_subjects: list[str], on: date, clause: str, actor: str) -> None:
        """The passes no longer count (四(二) 之前的合格科目成绩不再保留): their attempts read `discarded`."""
        self.waived_for = new_case_id
        standing.discard_passes(self.attempts, discarded_subjects)
        self._end("waived", on)

    # --- sanctions (commands: case_commands/sanctions.py) ---------------------------------------------

    @event("Sanctioned")
    def _sanctioned(
        self, tier: str, severity: str | None, behaviour_clause: str, behaviour: str, clause: str, sitting_on: date | None,
        subject: str | None, cancelled: list[dict[str, Any]], ban: dict[str, Any] | None, fees_refunded: int,
        post_hoc: bool, decided_on: date, actor: str, source: dict[str, Any] | None = None,
        retake: dict[str, Any] | None = None,
    ) -> None:  # fmt: skip
        """`source`: what caused it, when not the desk's own decision (a complaint, DOMAIN §10); absent before.
        `retake`: whether a retake remains after it and from when (rules/sanctions.py Decision), recorded since
        issue 12; on an earlier event it is decided here the same way, from the event's ban and the case's window."""
        if retake is None:
            retake = self._retake_decision(tier, ban)
        self.sanctions.append(
            {"tier": tier, "behaviour_clause": behaviour_clause, "decided_on": decided_on, "ban": ban, "retake": retake}
        )
        keys = {(c["subject"], c["sat_on"]) for c in cancelled}
        for attempt in self.attempts:
            if (attempt["subject"], attempt["sat_on"]) in keys:
                attempt["outcome"] = "cancelled"
        if tier == "materials":
            self.qualified_on = None
            self._end("disqualified", decided_on)
            return
        if retake is None or standing.pending(self.attempts) or standing.all_passed(self.subjects, self.attempts):
            return  # an ended case stays ended; results still to come decide the stage (`_stage_after_results`)
        if self.stage in SETTLED:
            self.qualified_on = None
            self.stage = outstanding_stage(retake, decided_on)
        elif self.stage in ("awaiting_payment", "ready_to_sit") and self.is_retake_round and not retake["possible"]:
            # A retake requested before the ban can no longer be sat: the request ends with nothing owed on it.
            # (The seat it may hold at a sitting is the sitting's to release.)
            self.fee_due, self.retake_subjects = None, None
            self.stage = outstanding_stage(retake, decided_on)

    # --- certificates (commands: case_commands/certificates.py) ---------------------------------------

    @event("CertIssued")
    def _cert_issued(
        self, number: str, issued_on: date, form: str, delivery: str, collectable_from: dict[str, Any] | None,
        clause: str, actor: str,
    ) -> None:  # fmt: skip
        # The collection date (seeds 000/001 五: 证书可查询当日起20个工作日后) stays on the certificate for the views;
        # None where there is none (a group's, an electronic one, a body stating no such date).
        self.certificate = {
            "number": number, "issued_on": issued_on, "form": form, "delivery": delivery, "status": "valid", "previous": [],
            "collectable_from": collectable_from,
        }  # fmt: skip
        self.stage = "certified"

    @event("CertRevoked")
    def _cert_revoked(self, number: str, on: date, reason: str, clause: str, actor: str) -> None:
        assert self.certificate is not None
        self.certificate["status"] = "revoked"
        self.certificate["revoked"] = {"on": on, "reason": reason}
        if self.stage == "certified":
            self.stage = "certificate_revoked"

    @event("CertReissued")
    def _cert_reissued(self, number: str, replaces: str, on: date, reason: str, delivery: str, clause: str, actor: str) -> None:
        assert self.certificate is not None
        previous = [*self.certificate["previous"], {"number": replaces, "replaced_on": on, "reason": reason}]
        # The reissue records no collection date of its own: the first certificate's does not apply to the new one.
        self.certificate.update(
            {"number": number, "issued_on": on, "delivery": delivery, "previous": previous, "collectable_from": None}
        )
