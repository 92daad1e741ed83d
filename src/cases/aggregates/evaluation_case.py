"""The evaluation case (评价案件): one candidate's evaluation for one project and level (DOMAIN §2, §4-§6, §8).

Public methods are commands: they check the case's state and raise named errors (`case_guards`); only then do they
trigger an event (a private `@event` method whose body merely applies the fact). Replaying runs only those bodies,
so history never consults today's rule book: every event carries the amounts, clauses and dates decided. Beside
it: its stages (`case_stages`), the clauses its events cite (`case_clauses`), its snapshot rows (`case_snapshot`).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from cases.aggregates import case_guards as guards
from cases.aggregates import case_snapshot as snapshot
from cases.aggregates import subject_standing as standing
from cases.aggregates.case_clauses import INVALIDATED_CLAUSE, NO_REFUND_CLAUSE, NO_RETAKE, PASS_CLAUSE, RETAKE_WAIVED
from cases.aggregates.case_stages import BARRED, ENDED, SETTLED, outstanding_stage, retake_decision, stage_on

# What other modules import from here (the clauses and stages re-exported from where they now live).
__all__ = ["BARRED", "INVALIDATED_CLAUSE", "NO_REFUND_CLAUSE", "NO_RETAKE", "RETAKE_WAIVED", "EvaluationCase", "stage_on"]


class EvaluationCase(Aggregate):
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

    @property
    def payments(self) -> list[dict[str, Any]]:
        return [snapshot.payment(row) for row in self._payments]

    @property
    def sittings(self) -> list[dict[str, Any]]:
        return [snapshot.sitting(row) for row in self._sittings]

    @property
    def last_sitting(self) -> dict[str, Any] | None:
        """`sittings[-1]`, or None before the first: without building the others (the case index asks per batch)."""
        return snapshot.sitting(self._sittings[-1]) if self._sittings else None

    @property
    def paid_total(self) -> int:
        """The sum of every payment's amount."""
        return sum(row[0] for row in self._payments)

    @property
    def is_retake_round(self) -> bool:
        return self.window_opened_on is not None

    def window_is_open_on(self, day: date) -> bool:
        return self.window_last_day is not None and self.window_opened_on <= day <= self.window_last_day  # type: ignore[operator]

    def outstanding_subjects(self) -> list[str]:
        return standing.outstanding(self.subjects, self.attempts)

    @property
    def retake_after_sanction(self) -> dict[str, Any] | None:
        """The latest sanction's recorded decision on a retake ({possible, from, barred_until, window_last_day,
        clause}), or None when no sanction decided one."""
        return next((s["retake"] for s in reversed(self.sanctions) if s.get("retake")), None)

    def stage_on(self, day: date) -> str:
        """The stage as it holds on `day` (case_stages.stage_on)."""
        return stage_on(self.stage, self.retake_after_sanction, day)

    def plan_month(self) -> str | None:
        return self.plan["plan_month"] if self.plan else None

    def _require_stage(self, *stages: str, action: str, on: date | None = None) -> None:
        """The stage must be one of `stages` (on the day `on`, when given: a ban may have ended by then)."""
        guards.require_stage(self.stage if on is None else self.stage_on(on), stages, action=action, ended_on=self.ended_on)

    # --- review -------------------------------------------------------------------------------------

    def approve(
        self, *, clause: dict[str, Any], fee: dict[str, Any], payment: dict[str, Any], plan: dict[str, Any] | None,
        decided_on: date, actor: str,
    ) -> None:  # fmt: skip
        """`plan`: the month the case is evaluated in and its last day (seeds 000-004 二(三))."""
        self._require_stage("applied", action="be approved")
        guards.require_not_before(decided_on, self.applied_on, "decided_on", "the application")
        self._approved(clause=clause, fee=fee, payment=payment, plan=plan, decided_on=decided_on, actor=actor)

    @event("Approved")
    def _approved(
        self, clause: dict[str, Any], fee: dict[str, Any], payment: dict[str, Any], plan: dict[str, Any] | None,
        decided_on: date, actor: str,
    ) -> None:  # fmt: skip
        self.decision = {"approved": True, "clause": clause, "decided_on": decided_on}
        self.plan = plan
        self._owe(fee, payment, decided_on)

    def reject(self, *, reasons: list[dict[str, Any]], decided_on: date, actor: str) -> None:
        self._require_stage("applied", action="be rejected")
        guards.require_not_before(decided_on, self.applied_on, "decided_on", "the application")
        self._rejected(reasons=reasons, decided_on=decided_on, actor=actor)

    @event("Rejected")
    def _rejected(self, reasons: list[dict[str, Any]], decided_on: date, actor: str) -> None:
        self.decision = {"approved": False, "reasons": reasons, "decided_on": decided_on}
        self._end("rejected", decided_on)

    # --- fees ---------------------------------------------------------------------------------------

    def _owe(self, fee: dict[str, Any], payment: dict[str, Any], on: date) -> None:
        self.fee_due = fee
        self.pay_by = date.fromisoformat(payment["due_on"])
        self.pay_by_provisional = bool(payment.get("provisional"))
        self.pay_from = date.fromisoformat(payment["opens_on"]) if payment.get("opens_on") else None
        self.stage = "awaiting_payment"
        self.last_fact_on = on

    def pay(self, *, amount: int, paid_on: date, actor: str, reference: str | None = None) -> None:
        self._require_stage("awaiting_payment", action="take a payment")
        assert self.fee_due is not None and self.pay_by is not None
        guards.require_not_before(paid_on, self.last_fact_on, "paid_on", "the decision that set the fee")
        deadline_clause = self.decision["clause"].get("payment_clause") if self.decision else None
        fee = self.fee_due
        guards.check_payment(fee, amount, paid_on, pay_from=self.pay_from, pay_by=self.pay_by, deadline_clause=deadline_clause)
        self._fee_paid(amount=amount, kind=fee["kind"], lines=fee["lines"], paid_on=paid_on, reference=reference, actor=actor)

    @event("FeePaid")
    def _fee_paid(
        self, amount: int, kind: str, lines: list[dict[str, Any]], paid_on: date, reference: str | None, actor: str
    ) -> None:
        self._payments.append(snapshot.payment_row(amount, kind, paid_on, reference))
        self.fee_due = None
        self.stage = "ready_to_sit"
        self.last_fact_on = paid_on

    def lapse(self, *, on: date, actor: str) -> None:
        self._require_stage("awaiting_payment", action="lapse")
        assert self.pay_by is not None
        guards.require_past_deadline(self.pay_by, on)
        provisional = self.pay_by_provisional
        self._lapsed(due_on=self.pay_by, on=on, retake=self.is_retake_round, actor=actor, due_on_provisional=provisional)

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

    def withdraw(self, *, on: date, reason: str, actor: str) -> None:
        self._require_stage("applied", "awaiting_payment", "ready_to_sit", "retake_available", "barred", action="be withdrawn")
        guards.require_not_before(on, self.last_fact_on, "on", "the case's last fact")
        self._withdrawn(on=on, reason=reason, fees_paid=self.paid_total, refunded=0, clause=NO_REFUND_CLAUSE, actor=actor)

    @event("Withdrawn")
    def _withdrawn(self, on: date, reason: str, fees_paid: int, refunded: int, clause: str, actor: str) -> None:
        self._end("withdrawn", on)

    # --- scheduling (seeds 000-004 二(三), 二(五)) ----------------------------------------------------

    def schedule(
        self, *, sitting_id: str, dates: list[date], venue: str, ticket_from: date, on: date, actor: str,
        ticket_clause: str | None = None,
    ) -> None:  # fmt: skip
        """`ticket_from`, `ticket_clause`: the day the admission ticket can be had and the body's own notice saying so."""
        self._require_stage("awaiting_payment", "ready_to_sit", action="be scheduled")
        guards.require_no_seat(self.scheduled)
        if self.is_retake_round:
            guards.require_sitting_in_window(self.window_last_day, dates[-1], self.notice)
        self._scheduled(
            sitting_id=sitting_id, dates=dates, venue=venue, ticket_from=ticket_from, ticket_clause=ticket_clause, on=on,
            actor=actor,
        )  # fmt: skip

    @event("Scheduled")
    def _scheduled(
        self, sitting_id: str, dates: list[date], venue: str, ticket_from: date, on: date, actor: str,
        ticket_clause: str | None = None,
    ) -> None:  # fmt: skip
        """`ticket_clause`: recorded since issue 12 (each body's own notice); absent on earlier events."""
        seat = {"sitting_id": sitting_id, "dates": list(dates), "venue": venue, "ticket_from": ticket_from}
        self.scheduled = {**seat, "ticket_clause": ticket_clause}

    def defer(
        self, *, from_month: str, to_month: str, reason: str, clause: str, notify_by: date | None,
        last_day: date | None, on: date, actor: str, window: str | None = None, carried_into_next_year: bool = False,
    ) -> None:  # fmt: skip
        """The month (or window) it was planned for did not take place for it: moved on, seat released."""
        self._require_stage("applied", "awaiting_payment", "ready_to_sit", action="be deferred")
        self._deferred(
            from_month=from_month, to_month=to_month, reason=reason, clause=clause, notify_by=notify_by,
            last_day=last_day, window=window, sitting_id=self.scheduled["sitting_id"] if self.scheduled else None,
            carried_into_next_year=carried_into_next_year, on=on, actor=actor,
        )  # fmt: skip

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

    # --- sittings and results -----------------------------------------------------------------------

    def record_attendance(
        self, *, sat_on: date, attended: bool, sitting_id: str | None, window: dict[str, Any],
        results_due: dict[str, Any] | None, actor: str,
    ) -> None:  # fmt: skip
        """`window` is the validity window the first sitting opens: {"last_day", "years", "clause"};
        `results_due` the date results are owed by (seeds 002-004 三)."""
        self._require_stage("ready_to_sit", action="record attendance")
        sitting_id = guards.seat_sat(self.scheduled, sitting_id, sat_on)
        guards.require_not_before(sat_on, self.last_fact_on, "sat_on", "the payment")
        if self.is_retake_round:
            guards.require_sat_in_window(self.window_is_open_on(sat_on), self.window_last_day, sat_on, self.notice)
        sitting = dict(sat_on=sat_on, sitting_id=sitting_id, subjects=self.retake_subjects or list(self.subjects), actor=actor)
        if attended:
            self._sat(**sitting, results_due=results_due)
        else:
            self._absent(**sitting, refunded=0, clause=NO_REFUND_CLAUSE)
        if self.window_opened_on is None:
            last_day, years, clause = window["last_day"], window["years"], window["clause"]
            self._window_opened(opened_on=sat_on, last_day=last_day, years=years, clause=clause, actor=actor)
        self._settle(actor)

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

    def _record_sitting(self, sat_on: date, sitting_id: str | None, subjects: list[str], attended: bool, outcome: str) -> None:
        self._sittings.append(snapshot.sitting_row(sat_on, sitting_id, attended, subjects))
        self.attempts = [a for a in self.attempts if a["subject"] not in subjects]
        self.attempts.extend({"subject": s, "sat_on": sat_on, "outcome": outcome, "score": None} for s in subjects)
        self.retake_subjects, self.scheduled, self.results_due = None, None, None
        self.stage = "awaiting_results"
        self.last_fact_on = sat_on

    def _stage_after_results(self) -> None:
        """Applied with every result: with none pending and some not passed, a retake is open (or barred, as a
        sanction decided). A full pass and a competition failure are decisions of their own (Qualified,
        RetakeBarred) with their clause."""
        if standing.pending(self.attempts) or standing.all_passed(self.subjects, self.attempts):
            return
        if self.channel != "competition":
            self.stage = outstanding_stage(self.retake_after_sanction, self.last_fact_on)

    @event("ValidityWindowOpened")
    def _window_opened(self, opened_on: date, last_day: date, years: int, clause: str, actor: str) -> None:
        self.window_opened_on = opened_on
        self.window_last_day = last_day

    def record_result(self, *, subject: str, score: float, pass_mark: int, recorded_on: date, actor: str) -> None:
        self._require_stage("awaiting_results", action="take a result")
        guards.check_result(subject, score, standing.pending(self.attempts))
        guards.require_not_before(recorded_on, self.last_fact_on, "recorded_on", "the sitting")
        last = self.last_sitting
        assert last is not None
        result = dict(
            subject=subject, score=score, pass_mark=pass_mark, sat_on=last["sat_on"], sitting_id=last["sitting_id"],
            recorded_on=recorded_on, actor=actor,
        )  # fmt: skip
        if score >= pass_mark:
            self._subject_passed(**result)
        else:
            self._subject_failed(**result)
        self._settle(actor)

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

    def _set_outcome(self, subject: str, sat_on: date, outcome: str, score: float | None, on: date) -> None:
        for attempt in self.attempts:
            if attempt["subject"] == subject and attempt["sat_on"] == sat_on:
                attempt["outcome"], attempt["score"] = outcome, score
        self.last_fact_on = on
        self._stage_after_results()

    def _settle(self, actor: str) -> None:
        """After a sitting or result: decide a full pass (Qualified) or a competition failure (RetakeBarred)."""
        if self.stage != "awaiting_results" or standing.pending(self.attempts):
            return
        if standing.all_passed(self.subjects, self.attempts):
            scores = {a["subject"]: a["score"] for a in self.attempts if a["outcome"] == "passed"}
            last_day = self.window_last_day
            self._qualified(on=self.last_fact_on, scores=scores, window_last_day=last_day, clause=PASS_CLAUSE, actor=actor)
        elif self.channel == "competition":
            self._retake_barred(on=self.last_fact_on, clause=f"{self.notice} {NO_RETAKE}", actor=actor)

    @event("Qualified")
    def _qualified(self, on: date, scores: dict[str, float], window_last_day: date | None, clause: str, actor: str) -> None:
        self.qualified_on = on
        self.stage = "qualified"

    @event("RetakeBarred")
    def _retake_barred(self, on: date, clause: str, actor: str) -> None:
        self.stage = "no_retake"

    # --- retakes ------------------------------------------------------------------------------------

    def request_retake(
        self, *, subjects: list[str], fee: dict[str, Any], payment: dict[str, Any], requested_on: date, actor: str
    ) -> None:
        self.check_retake_request(subjects=subjects, requested_on=requested_on)
        self._retake_requested(subjects=subjects, fee=fee, payment=payment, requested_on=requested_on, actor=actor)

    def check_retake_request(self, *, subjects: list[str], requested_on: date) -> None:
        """The case's refusals of a retake request, checked before its price and payment dates are looked up, so a
        request after the window's last day is refused for the closed window (issue 12 point 4), not for a body's
        application dates (seed 004 二(三)) or a price the notice does not give."""
        guards.refuse_competition_retake(self.channel, self.notice)
        guards.refuse_if_barred(
            self.stage_on(requested_on), self.retake_after_sanction, self.sanctions, competition=self.channel == "competition",
            field="requested_on", action="take a retake request",
        )  # fmt: skip
        self._require_stage("retake_available", action="take a retake request", on=requested_on)
        guards.require_not_before(requested_on, self.last_fact_on, "requested_on", "the case's last fact")
        guards.require_retake_window(self.window_is_open_on(requested_on), self.window_last_day, self.notice)
        guards.require_outstanding(subjects, self.outstanding_subjects())

    @event("RetakeRequested")
    def _retake_requested(
        self, subjects: list[str], fee: dict[str, Any], payment: dict[str, Any], requested_on: date, actor: str
    ) -> None:
        self.retake_subjects = list(subjects)
        if payment.get("window"):  # a fixed-window body's retake sits in the window it was requested in
            self.plan = {**(self.plan or {}), "window": payment["window"]}
        self._owe(fee, payment, requested_on)

    def waive_retake(self, *, new_case_id: UUID, on: date, actor: str) -> None:
        """Re-applying for the same project and level inside the window waives the retake (视为放弃补考)."""
        self._require_stage("retake_available", "awaiting_payment", "ready_to_sit", action="have its retake waived", on=on)
        guards.require_waivable(self.window_is_open_on(on), on, self.notice)
        discarded, clause = standing.passed(self.subjects, self.attempts), f"{self.notice} {RETAKE_WAIVED}"
        self._retake_waived(new_case_id=new_case_id, discarded_subjects=discarded, on=on, clause=clause, actor=actor)

    @event("RetakeWaived")
    def _retake_waived(self, new_case_id: UUID, discarded_subjects: list[str], on: date, clause: str, actor: str) -> None:
        """The passes no longer count (四(二) 之前的合格科目成绩不再保留): their attempts read `discarded`."""
        self.waived_for = new_case_id
        standing.discard_passes(self.attempts, discarded_subjects)
        self._end("waived", on)

    # --- sanctions ----------------------------------------------------------------------------------

    def sanction(
        self, *, tier: str, cancels: str, severity: str | None, behaviour_clause: str, behaviour: str, tier_clause: str,
        sitting_on: date | None, subject: str | None, ban: dict[str, Any] | None, decided_on: date, actor: str,
        source: dict[str, Any] | None = None,
    ) -> None:  # fmt: skip
        guards.require_sanctionable(self.stage)
        guards.require_not_before(decided_on, sitting_on or self.applied_on, "decided_on", "the conduct it sanctions")
        cancelled = guards.results_to_cancel(self.sittings, cancels, sitting_on, subject)
        retake = self._retake_decision(tier, ban)
        self._sanctioned(
            tier=tier, severity=severity, behaviour_clause=behaviour_clause, behaviour=behaviour, clause=tier_clause,
            sitting_on=sitting_on, subject=subject, cancelled=cancelled, ban=ban, fees_refunded=0,
            post_hoc=self.certificate is not None, decided_on=decided_on, actor=actor,
            **({"source": source} if source else {}), **({"retake": retake} if retake else {}),
        )  # fmt: skip
        if self.certificate and self.certificate["status"] == "valid":
            number, reason = self.certificate["number"], f"sanction ({tier}, {behaviour_clause})"
            self._cert_revoked(number=number, on=decided_on, reason=reason, clause=INVALIDATED_CLAUSE, actor=actor)

    def _retake_decision(self, tier: str, ban: dict[str, Any] | None) -> dict[str, Any] | None:
        """Whether a retake remains after this sanction, given the case's earlier bans (case_stages.retake_decision)."""
        bans = [s["ban"]["ends_on"] for s in self.sanctions if s.get("ban")] + ([ban["ends_on"]] if ban else [])
        return retake_decision(
            tier, ended=self.stage in ENDED, bans=bans, window_last_day=self.window_last_day,
            competition=self.channel == "competition", notice=self.notice,
        )  # fmt: skip

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

    # --- certificates -------------------------------------------------------------------------------

    def issue_certificate(
        self, *, number: str, issued_on: date, form: str, delivery: str, collectable_from: dict[str, Any] | None,
        clause: str, actor: str,
    ) -> None:  # fmt: skip
        self._require_stage("qualified", action="have a certificate issued")
        guards.require_not_before(issued_on, self.qualified_on, "issued_on", "the qualification")
        self._cert_issued(
            number=number, issued_on=issued_on, form=form, delivery=delivery, collectable_from=collectable_from,
            clause=clause, actor=actor,
        )  # fmt: skip

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

    def revoke_certificate(self, *, on: date, reason: str, clause: str, actor: str) -> None:
        certificate = guards.valid_certificate(self.certificate, "be revoked")
        guards.require_not_before(on, certificate["issued_on"], "on", "the certificate's issue")
        self._cert_revoked(number=certificate["number"], on=on, reason=reason, clause=clause, actor=actor)

    @event("CertRevoked")
    def _cert_revoked(self, number: str, on: date, reason: str, clause: str, actor: str) -> None:
        assert self.certificate is not None
        self.certificate["status"] = "revoked"
        self.certificate["revoked"] = {"on": on, "reason": reason}
        if self.stage == "certified":
            self.stage = "certificate_revoked"

    def reissue_certificate(self, *, number: str, on: date, reason: str, delivery: str, clause: str, actor: str) -> None:
        certificate = guards.valid_certificate(self.certificate, "be reissued")
        guards.require_not_before(on, certificate["issued_on"], "on", "the certificate's issue")
        replaces = certificate["number"]
        self._cert_reissued(number=number, replaces=replaces, on=on, reason=reason, delivery=delivery, clause=clause, actor=actor)

    @event("CertReissued")
    def _cert_reissued(self, number: str, replaces: str, on: date, reason: str, delivery: str, clause: str, actor: str) -> None:
        assert self.certificate is not None
        previous = [*self.certificate["previous"], {"number": replaces, "replaced_on": on, "reason": reason}]
        # The reissue records no collection date of its own: the first certificate's does not apply to the new one.
        self.certificate.update(
            {"number": number, "issued_on": on, "delivery": delivery, "previous": previous, "collectable_from": None}
        )

    # --- endings ------------------------------------------------------------------------------------

    def _end(self, stage: str, on: date) -> None:
        self.stage = stage
        self.ended_on = on
        self.last_fact_on = on
