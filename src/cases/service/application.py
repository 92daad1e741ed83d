"""The application: the event store (SQLite file or PostgreSQL) and the use cases by family, sharing one unit of work.

Each command loads what it needs, asks the pure rules (rulebook, eligibility, fees, working days, sanctions)
for the decision, lets the aggregates check their state, and saves every changed aggregate in one atomic
write. Two writers on one case: the second gets `Conflict` and nothing of it is written. The families
(`intake`, `fees`, `results`, `sanctions`, `certificates`, `hotline`, `sittings`) answer an `Outcome` (version,
stage, log position, result); the methods here, `complaints` and `scheduling` answer the result alone.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.persistence import Recording, JSONTranscoder, Transcoding

from cases.aggregates.candidate import Candidate
from cases.aggregates.evaluation_case import EvaluationCase
from cases.aggregates.sitting import Sitting
from cases.business_dates import refuse_future
from cases.calendar.working_days import WorkingDayCalendar
from cases.limits import check_storable
from cases.rulebook.loader import RuleBook, load_rulebook
from cases.rulebook.lookup import Offer
from cases.service.certificates import Certificates
from cases.service.complaints import Complaints
from cases.service.fees import Fees
from cases.service.intake import Intake
from cases.service.outcome import ResultsOnly
from cases.service.results import Results
from cases.service.sanctions import Sanctions
from cases.service.scheduling import Scheduling
from cases.service.unit_of_work import UnitOfWork
from cases.settings import Settings

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
        super().__init__(env=self.settings.event_store_env())
        self.work = UnitOfWork(self, rulebook=self.rulebook, calendar=self.calendar, id_hash_key=self.id_hash_key)
        self.intake, self.fees, self.results = Intake(self.work), Fees(self.work), Results(self.work)
        self.sanctions, self.certificates = Sanctions(self.work), Certificates(self.work)
        self.hotline, self.sittings = Complaints(self.work), Scheduling(self.work)
        self.complaints, self.scheduling = ResultsOnly(self.hotline), ResultsOnly(self.sittings)  # the result alone

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    # --- plumbing -----------------------------------------------------------------------------------

    def _record(self, processing_event: ProcessingEvent) -> list[Recording]:
        """Every event's (aggregate, timestamp, version) goes into the same transaction (see `event_store`). No
        event may carry a control character a store or a register cannot hold (`limits.check_storable`), nor a
        business date after today (`business_dates.refuse_future`, issue 12 point 8). Checked here, not in a use case:
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

    # --- reading ----------------------------------------------------------------------------------

    def get_case(self, case_id: UUID, version: int | None = None) -> EvaluationCase:
        return self.work.case(case_id, version)

    def get_candidate(self, candidate_id: UUID) -> Candidate:
        return self.work.candidate(candidate_id)

    def get_sitting(self, sitting_id: UUID) -> Sitting:
        return self.work.sitting(sitting_id)

    def candidate_id_for(self, id_number: str) -> UUID:
        return self.work.candidate_id_for(id_number)

    def find_candidate(self, id_number: str) -> Candidate | None:
        return self.work.find_candidate(id_number)

    def offer_for(self, case: EvaluationCase) -> Offer:
        return self.work.offer_for(case)

    # --- commands: each the result of its family's use case -----------------------------------------

    def apply(self, **application: Any) -> UUID:
        """Applied (申报): see `Intake.apply`. Returns the case's id."""
        return self.intake.apply(**application).result

    def review(self, case_id: UUID, **arguments: Any) -> str:
        """Approved or Rejected (`Intake.review`). Returns the stage."""
        return self.intake.review(case_id, **arguments).stage

    def reject(self, case_id: UUID, **arguments: Any) -> None:
        self.intake.reject(case_id, **arguments)

    def pay_fee(self, case_id: UUID, **arguments: Any) -> None:
        self.fees.pay_fee(case_id, **arguments)

    def lapse(self, case_id: UUID, **arguments: Any) -> None:
        self.fees.lapse(case_id, **arguments)

    def withdraw(self, case_id: UUID, **arguments: Any) -> None:
        self.fees.withdraw(case_id, **arguments)

    def record_attendance(self, case_id: UUID, **arguments: Any) -> None:
        self.results.record_attendance(case_id, **arguments)

    def record_result(self, case_id: UUID, **arguments: Any) -> str:
        """Returns the case's stage afterwards."""
        return self.results.record_result(case_id, **arguments).result

    def request_retake(self, case_id: UUID, **arguments: Any) -> dict[str, Any]:
        """Returns the retake fee due."""
        return self.results.request_retake(case_id, **arguments).result

    def sanction(self, case_id: UUID, **arguments: Any) -> dict[str, Any] | None:
        """Returns the ban imposed, if any."""
        return self.sanctions.sanction(case_id, **arguments).result

    def issue_certificate(self, case_id: UUID, **arguments: Any) -> str:
        """Returns the certificate number."""
        return self.certificates.issue(case_id, **arguments).result

    def revoke_certificate(self, case_id: UUID, **arguments: Any) -> None:
        self.certificates.revoke(case_id, **arguments)

    def reissue_certificate(self, case_id: UUID, **arguments: Any) -> str:
        """Returns the new certificate number."""
        return self.certificates.reissue(case_id, **arguments).result
