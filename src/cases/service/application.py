"""The application service: one method per use case, over the event store (SQLite file or PostgreSQL).

Each command loads what it needs, asks the pure rules (rulebook, eligibility, fees, working days, sanctions)
for the decision, lets the aggregates check their state, and saves every changed aggregate in one atomic
write. Two writers on one case: the second gets `Conflict` and nothing of it is written.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any
from uuid import UUID

import structlog
from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Recording, JSONTranscoder, MapperDeserialisationError, Transcoding

from cases.aggregates.candidate import Candidate
from cases.aggregates.certificate_sequence import CertificateSequence
from cases.aggregates.evaluation_case import EvaluationCase
from cases.aggregates.sitting import Sitting
from cases.calendar.working_days import WorkingDayCalendar
from cases.business_dates import refuse_future
from cases.aggregates.case_errors import ReissueNotOffered
from cases.cipher import WrongCipherKey
from cases.errors import Conflict, NotFound, StaleVersion
from cases.service.complaints import Complaints
from cases.service.intake import CandidateBanned, Intake
from cases.service.scheduling import Scheduling
from cases.identity import candidate_stream_id
from cases.limits import check_storable
from cases.rulebook.loader import RuleBook, load_rulebook
from cases.rulebook.lookup import Offer, find_offer, window_for_application
from cases.rules import sanctions
from cases.rules.certificates import certificate_form, certificate_number, delivery_route
from cases.rules.fees import retake_fee
from cases.rules.payment import payment_due
from cases.rules.service_levels import certificate_collectable_from, results_due
from cases.rules.validity import open_window
from cases.settings import Settings

log = structlog.get_logger("cases.service.application")


class DateAsISO(Transcoding):
    type = date
    name = "date"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class CasesApplication(Application):
    """Evaluation cases, candidates' records and certificate numbering."""

    name = "cases"
    snapshotting_intervals = {EvaluationCase: 20, Candidate: 20, Sitting: 50}

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        rulebook: RuleBook | None = None,
        calendar: WorkingDayCalendar | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        self.rulebook = rulebook or load_rulebook(operator_file=self.settings.operator_file)
        self.calendar = calendar or (
            WorkingDayCalendar.from_directory(self.settings.calendar_dir)
            if self.settings.calendar_dir
            else WorkingDayCalendar.default()
        )
        self.id_hash_key = self.settings.resolve_id_hash_key()
        self._positions = threading.local()
        super().__init__(env=self.settings.event_store_env())
        self.intake = Intake(self)
        self.scheduling = Scheduling(self)
        self.complaints = Complaints(self)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    # --- plumbing -----------------------------------------------------------------------------------

    def _record(self, processing_event: ProcessingEvent) -> list[Recording]:
        """Every event's (aggregate, timestamp, version) goes into the same transaction (see `event_store`). No
        event may carry a control character a store or a register cannot hold (`limits.check_storable`), nor a
        business date after today (`business_dates.refuse_future`, issue 12 point 8). Checked here, not in `_save`:
        every save passes here (the intake's, the scheduling's, the hotline's), and a refusal writes nothing."""
        for event in processing_event.events:
            for name, value in vars(event).items():
                check_storable(value, name)
        refuse_future(processing_event.events)
        processing_event.saved_kwargs["event_timestamps"] = [
            (e.originator_id, e.timestamp, e.originator_version) for e in processing_event.events
        ]
        return super()._record(processing_event)

    def version_at(self, aggregate_id: UUID, timestamp: datetime) -> int | None:
        """The aggregate's version as it stood at a moment (None: it did not exist yet)."""
        return self.recorder.version_at(aggregate_id, timestamp)  # type: ignore[attr-defined]

    def _save(self, *aggregates: Aggregate) -> int | None:
        """Save atomically; a lost race becomes a named `Conflict` with nothing written."""
        try:
            recordings = self.save(*aggregates)
        except IntegrityError:
            raise Conflict(
                "another command changed this case (or its candidate) at the same time; reload it and retry",
                field="case_id",
            ) from None
        position = recordings[-1].notification.id if recordings else None
        self._positions.value = position
        self._positions.saved = {aggregate.id: aggregate for aggregate in aggregates}
        return position

    def just_saved(self, aggregate_id: UUID) -> Any:
        """The aggregate as this thread's last command saved it (its version is the one that command wrote)."""
        return getattr(self._positions, "saved", {}).get(aggregate_id)

    def last_position(self) -> int | None:
        """The log position this thread's last command reached (for read-your-writes)."""
        return getattr(self._positions, "value", None)

    def _load(self, aggregate_id: UUID, version: int | None = None) -> Any:
        """Get an aggregate; a wrong cipher key surfaces as `WrongCipherKey`, not a mapper traceback."""
        try:
            return self.repository.get(aggregate_id, version=version)
        except MapperDeserialisationError as error:
            if isinstance(error.__cause__, WrongCipherKey):
                raise error.__cause__ from None
            raise

    def _load_as(self, kind: type, aggregate_id: UUID, field: str, version: int | None = None) -> Any:
        """Load an aggregate of one kind: another kind's id is as unknown as a random one."""
        try:
            aggregate = self._load(aggregate_id, version)
        except AggregateNotFoundError:
            aggregate = None
        if not isinstance(aggregate, kind):
            raise NotFound(f"no {field.removesuffix('_id')} {aggregate_id}", field=field)
        return aggregate

    def get_case(self, case_id: UUID, version: int | None = None) -> EvaluationCase:
        return self._load_as(EvaluationCase, case_id, "case_id", version)

    @contextmanager
    def starting_from(self, case: EvaluationCase) -> Iterator[None]:
        """Within the block, a command on this thread about `case` starts from this copy, which the caller has just
        loaded (the HTTP API, to check the caller's body scope), instead of reading it again. A write made by
        someone else in between is still caught: the save conflicts, as it would have without this."""
        self._positions.prefetched = case
        try:
            yield
        finally:
            self._positions.prefetched = None

    def _case_for_command(self, case_id: UUID, expected_version: int | None) -> EvaluationCase:
        self._positions.saved = {}  # a command that fails must not leave an earlier command's aggregate behind
        prefetched, self._positions.prefetched = getattr(self._positions, "prefetched", None), None
        case = prefetched if prefetched is not None and prefetched.id == case_id else self.get_case(case_id)
        if expected_version is not None and case.version != expected_version:
            raise StaleVersion(
                f"the case is at version {case.version}, not {expected_version}: it changed since you read it",
                field="expected_version",
                current_version=case.version,
            )
        return case

    def get_candidate(self, candidate_id: UUID) -> Candidate:
        return self._load_as(Candidate, candidate_id, "candidate_id")

    def get_sitting(self, sitting_id: UUID) -> Sitting:
        return self._load_as(Sitting, sitting_id, "sitting_id")

    def candidate_id_for(self, id_number: str) -> UUID:
        return candidate_stream_id(id_number, self.id_hash_key)

    def find_candidate(self, id_number: str) -> Candidate | None:
        try:
            return self._load(self.candidate_id_for(id_number))
        except AggregateNotFoundError:
            return None

    def offer_for(self, case: EvaluationCase) -> Offer:
        return find_offer(
            self.rulebook, body=case.body, occupation=case.occupation, work_type=case.work_type,
            level=case.level, year=case.rulebook_year,
        )  # fmt: skip

    # --- intake and review (delegated to cases.service.intake) ----------------------------------------------

    def apply(self, **application: Any) -> UUID:
        """Applied (申报): see `Intake.apply` for the fields."""
        return self.intake.apply(**application)

    def review(self, case_id: UUID, *, decided_on: date, actor: str, expected_version: int | None = None) -> str:
        """Approved naming the clause, or Rejected naming why (DOMAIN §2 Decision). Returns the stage."""
        return self.intake.review(self._case_for_command(case_id, expected_version), decided_on=decided_on, actor=actor)

    def reject(self, case_id: UUID, *, reason: str, decided_on: date, actor: str, expected_version: int | None = None) -> None:
        case = self._case_for_command(case_id, expected_version)
        case.reject(reasons=[{"clause": None, "reason": reason, "by": "registrar"}], decided_on=decided_on, actor=actor)
        self._save(case)

    # --- fees ---------------------------------------------------------------------------------------

    def pay_fee(
        self, case_id: UUID, *, amount: int, paid_on: date, actor: str, reference: str | None = None,
        expected_version: int | None = None,
    ) -> None:  # fmt: skip
        case = self._case_for_command(case_id, expected_version)
        case.pay(amount=amount, paid_on=paid_on, actor=actor, reference=reference)
        self._save(case)
        log.info("case.fee_paid", case_id=str(case_id), amount=amount)

    def lapse(self, case_id: UUID, *, on: date, actor: str, expected_version: int | None = None) -> None:
        case = self._case_for_command(case_id, expected_version)
        seat = self._seat_to_release(case, on, "the fee lapsed", actor)
        case.lapse(on=on, actor=actor)
        self._save(case, *seat)

    def withdraw(self, case_id: UUID, *, on: date, reason: str, actor: str, expected_version: int | None = None) -> None:
        case = self._case_for_command(case_id, expected_version)
        seat = self._seat_to_release(case, on, f"withdrawn: {reason}", actor)
        case.withdraw(on=on, reason=reason, actor=actor)
        self._save(case, *seat)

    def _seat_to_release(self, case: EvaluationCase, on: date, reason: str, actor: str) -> list[Sitting]:
        """A case that leaves frees its seat in the same write."""
        if not case.scheduled:
            return []
        sitting = self.get_sitting(UUID(case.scheduled["sitting_id"]))
        if sitting.status != "planned" or not sitting.seat_of(case.id):
            return []
        sitting.release(case_id=case.id, reason=reason, on=on, actor=actor)
        return [sitting]

    # --- sittings and results -----------------------------------------------------------------------

    def record_attendance(
        self, case_id: UUID, *, sat_on: date, attended: bool, actor: str, sitting_id: str | None = None,
        expected_version: int | None = None,
    ) -> None:  # fmt: skip
        """Sat or Absent (no refund); the first sitting opens the validity window (DOMAIN §5 Decision)."""
        case = self._case_for_command(case_id, expected_version)
        self._refuse_if_banned(self.get_candidate(case.candidate_id), sat_on, field="sat_on")
        offer = self.offer_for(case)
        window = open_window(sat_on, offer.validity_years, offer.catalogue.validity.clause)
        due = results_due(offer.body, sat_on, offer.project.marking.involved, self.calendar)
        case.record_attendance(
            sat_on=sat_on, attended=attended, sitting_id=sitting_id, actor=actor, results_due=due.to_dict(),
            window={"last_day": window.last_day, "years": window.years, "clause": window.clause},
        )  # fmt: skip
        self._save(case)

    def record_result(
        self, case_id: UUID, *, subject: str, score: float, recorded_on: date, actor: str, expected_version: int | None = None
    ) -> str:
        """SubjectPassed / SubjectFailed at the year's pass mark; returns the case's stage afterwards."""
        case = self._case_for_command(case_id, expected_version)
        case.record_result(
            subject=subject, score=score, pass_mark=self.offer_for(case).catalogue.pass_mark, recorded_on=recorded_on, actor=actor
        )
        self._save(case)
        return case.stage

    def request_retake(
        self, case_id: UUID, *, requested_on: date, actor: str, subjects: list[str] | None = None,
        expected_version: int | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        """RetakeRequested at the retake price of the subjects retaken (seed 000 二(四)2 注; 004 附件2-3)."""
        case = self._case_for_command(case_id, expected_version)
        self._refuse_if_banned(self.get_candidate(case.candidate_id), requested_on, field="requested_on")
        offer = self.offer_for(case)
        chosen = list(subjects) if subjects else case.outstanding_subjects()
        case.check_retake_request(subjects=chosen, requested_on=requested_on)  # the case's own refusals come first
        fee = retake_fee(offer, chosen) if case.channel != "competition" else None
        that_year = self.rulebook.catalogues.get(requested_on.year, offer.catalogue)  # the windows of the retake's year
        body_now = that_year.body(case.body) or offer.body
        window = (
            window_for_application(body_now, case.level, requested_on, field="requested_on", what="retake requests")
            if body_now.windows else None
        )  # fmt: skip
        due = payment_due(body_now, requested_on, self.calendar, window)
        case.request_retake(
            subjects=chosen, fee=fee.to_dict() if fee else {}, payment=due.to_dict(), requested_on=requested_on, actor=actor
        )
        self._save(case)
        return case.fee_due or {}

    # --- sanctions ----------------------------------------------------------------------------------

    def sanction(
        self, case_id: UUID, *, tier: str, behaviour: str, decided_on: date, actor: str, severity: str | None = None,
        sitting_on: date | None = None, subject: str | None = None, expected_version: int | None = None,
    ) -> dict[str, Any] | None:  # fmt: skip
        """Sanctioned (须知 一-四): cancels results, bans the candidate, invalidates an issued certificate."""
        case = self._case_for_command(case_id, expected_version)
        candidate = self.get_candidate(case.candidate_id)
        ban_data = self.sanction_unsaved(
            case, candidate, tier=tier, behaviour=behaviour, decided_on=decided_on, actor=actor, severity=severity,
            sitting_on=sitting_on, subject=subject,
        )  # fmt: skip
        self._save(case, candidate)
        log.info("case.sanctioned", case_id=str(case_id), tier=tier, behaviour=behaviour)
        return ban_data

    def sanction_unsaved(
        self, case: EvaluationCase, candidate: Candidate, *, tier: str, behaviour: str, decided_on: date, actor: str,
        severity: str | None = None, sitting_on: date | None = None, subject: str | None = None, source: dict[str, Any] | None = None,
    ) -> dict[str, Any] | None:  # fmt: skip
        """The sanction's events on the case and the candidate, not yet saved (a complaint's result saves them with
        its own, DOMAIN §10); `source` names what caused it (the complaint). Returns the ban, if any."""
        found = sanctions.tier_for(tier, behaviour)
        ban = sanctions.ban_for(found, decided_on, severity)
        if sitting_on is None and found.cancels != "qualification" and case.last_sitting:
            sitting_on = case.last_sitting["sat_on"]
        ban_data = ban and {"starts_on": ban.starts_on, "ends_on": ban.ends_on, "referral": ban.referral, "clause": ban.clause}
        certificate_before = dict(case.certificate) if case.certificate else None
        case.sanction(
            tier=tier, cancels=found.cancels, severity=severity if tier == "grave" else None,
            behaviour_clause=behaviour, behaviour=found.behaviours[behaviour], tier_clause=found.clause,
            sitting_on=sitting_on, subject=subject, ban=ban_data, decided_on=decided_on, actor=actor, source=source,
        )  # fmt: skip
        if ban:
            candidate.record_ban(
                case_id=case.id, tier=tier, starts_on=ban.starts_on, ends_on=ban.ends_on, referral=ban.referral,
                clause=ban.clause, actor=actor,
            )  # fmt: skip
        if certificate_before and certificate_before["status"] == "valid":
            candidate.withdraw_certificate(number=certificate_before["number"], status="revoked", on=decided_on, replaced_by=None, actor=actor)
        return ban_data

    def _refuse_if_banned(self, candidate: Candidate, on: date, *, field: str) -> None:
        ban = candidate.ban_in_force(on)
        if ban:
            raise CandidateBanned(
                f"the candidate is barred from evaluations until {ban['ends_on']} ({ban['tier']} sanction)",
                field=field,
                clause=ban["clause"],
                ends_on=str(ban["ends_on"]),
                tier=ban["tier"],
            )

    # --- certificates -------------------------------------------------------------------------------

    def _next_certificate_number(self, offer: Offer, year: int, actor: str) -> tuple[str, CertificateSequence]:
        from cases.aggregates.certificate_sequence import sequence_id

        seq_id = sequence_id(offer.body.code, year, offer.level.level)
        try:
            sequence = self.repository.get(seq_id)
        except AggregateNotFoundError:
            sequence = CertificateSequence._create(
                CertificateSequence.Started, id=seq_id, body=offer.body.code, year=year, level=offer.level.level, actor=actor
            )
        n = sequence.next_sequence()
        number = certificate_number(offer.body.filing_number or "", year, offer.level.level, n)
        sequence.take(sequence=n, number=number, actor=actor)
        return number, sequence

    def issue_certificate(self, case_id: UUID, *, issued_on: date, actor: str, expected_version: int | None = None) -> str:
        """CertIssued: numbered per DOMAIN §8; electronic or paper and its delivery route (seeds 000 五, 004 五)."""
        case = self._case_for_command(case_id, expected_version)
        offer = self.offer_for(case)
        policy = offer.body.certificate
        form = certificate_form(policy.default_form, policy.paper_on_request, case.paper_requested)
        delivery = delivery_route(case.channel, form, courier_for_individuals=policy.paper_on_request)
        collectable_from = certificate_collectable_from(offer.body, issued_on, self.calendar) if delivery == "counter" else None
        collectable = collectable_from.to_dict() if collectable_from else None
        number, sequence = self._next_certificate_number(offer, issued_on.year, actor)
        case.issue_certificate(
            number=number, issued_on=issued_on, form=form, delivery=delivery, collectable_from=collectable,
            clause=policy.clause, actor=actor,
        )  # fmt: skip
        candidate = self.get_candidate(case.candidate_id)
        candidate.record_certificate(
            number=number, case_id=case.id, body=case.body, occupation=case.occupation, work_type=case.work_type,
            level=case.level, issued_on=issued_on, actor=actor,
        )  # fmt: skip
        self._save(case, candidate, sequence)
        log.info("case.certificate_issued", case_id=str(case_id), number=number)
        return number

    def revoke_certificate(
        self, case_id: UUID, *, on: date, reason: str, actor: str, clause: str = "须知 一: 已获得的证书作无效处理",
        expected_version: int | None = None,
    ) -> None:  # fmt: skip
        case = self._case_for_command(case_id, expected_version)
        number = case.certificate["number"] if case.certificate else None
        case.revoke_certificate(on=on, reason=reason, clause=clause, actor=actor)
        candidate = self.get_candidate(case.candidate_id)
        candidate.withdraw_certificate(number=number, status="revoked", on=on, replaced_by=None, actor=actor)
        self._save(case, candidate)

    def reissue_certificate(
        self, case_id: UUID, *, on: date, actor: str, reason: str = "lost", expected_version: int | None = None
    ) -> str:
        """CertReissued (遗失补办, seed 002 五(三)): a new number replaces the lost certificate's."""
        case = self._case_for_command(case_id, expected_version)
        offer = self.offer_for(case)
        if case.certificate and case.certificate["status"] == "valid" and not offer.body.certificate.lost_reissue:
            raise ReissueNotOffered(
                f"{offer.body.name}'s notice offers no reissue of lost certificates (seed {offer.body.seed} 五); "
                "its certificates are queryable online (随申办, osta.org.cn)",
                field="case_id", clause=offer.body.certificate.clause,
            )  # fmt: skip
        old = case.certificate["number"] if case.certificate else None
        number, sequence = self._next_certificate_number(offer, on.year, actor)
        delivery = case.certificate["delivery"] if case.certificate else "counter"
        case.reissue_certificate(number=number, on=on, reason=reason, delivery=delivery, clause="seed 002 五(三): 证书遗失补办", actor=actor)
        candidate = self.get_candidate(case.candidate_id)
        candidate.withdraw_certificate(number=old, status="replaced", on=on, replaced_by=number, actor=actor)
        candidate.record_certificate(
            number=number, case_id=case.id, body=case.body, occupation=case.occupation, work_type=case.work_type,
            level=case.level, issued_on=on, actor=actor,
        )  # fmt: skip
        self._save(case, candidate, sequence)
        return number
