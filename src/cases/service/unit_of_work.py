"""What every use case shares: loading aggregates, the case a command starts from, one atomic save, the ban check,
the rule book and the calendar. Built by the application over the event store it wraps, so that no use case
imports the application."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, MapperDeserialisationError, Recording

from cases.aggregates.candidate import Candidate
from cases.aggregates.complaint import Complaint
from cases.aggregates.evaluation_case import EvaluationCase
from cases.aggregates.sitting import Sitting
from cases.calendar.working_days import WorkingDayCalendar
from cases.cipher import WrongCipherKey
from cases.errors import Conflict, NotFound, RuleViolation, StaleVersion
from cases.identity import candidate_stream_id
from cases.rulebook.loader import RuleBook
from cases.rulebook.lookup import Offer, find_offer

# What a lost race names, by the first aggregate saved (the command's own: a complaint's result may also save a
# case); a sitting's race keeps naming the case, the field every request that saves a sitting with cases carries.
RACED: dict[type, tuple[str, str]] = {Complaint: ("complaint", "complaint_id")}


class CandidateBanned(RuleViolation):
    code = "candidate_banned"


class EventStore(Protocol):
    """The part of an eventsourcing `Application` the use cases need."""

    repository: Any  # .get(aggregate_id, version=None)
    recorder: Any  # .select_notifications(start, limit, topics=…): the log, for `case_log`

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording]: ...


class UnitOfWork:
    def __init__(self, store: EventStore, *, rulebook: RuleBook, calendar: WorkingDayCalendar, id_hash_key: bytes) -> None:
        self.store = store
        self.rulebook = rulebook
        self.calendar = calendar
        self.id_hash_key = id_hash_key

    # --- loading ------------------------------------------------------------------------------------

    def load(self, aggregate_id: UUID, version: int | None = None) -> Any:
        """Get an aggregate; a wrong cipher key surfaces as `WrongCipherKey`, not a mapper traceback."""
        try:
            return self.store.repository.get(aggregate_id, version=version)
        except MapperDeserialisationError as error:
            if isinstance(error.__cause__, WrongCipherKey):
                raise error.__cause__ from None
            raise

    def load_as(self, kind: type, aggregate_id: UUID, field: str, version: int | None = None) -> Any:
        """Load an aggregate of one kind: another kind's id is as unknown as a random one."""
        try:
            aggregate = self.load(aggregate_id, version)
        except AggregateNotFoundError:
            aggregate = None
        if not isinstance(aggregate, kind):
            raise NotFound(f"no {field.removesuffix('_id')} {aggregate_id}", field=field)
        return aggregate

    def case(self, case_id: UUID, version: int | None = None) -> EvaluationCase:
        return self.load_as(EvaluationCase, case_id, "case_id", version)

    def candidate(self, candidate_id: UUID) -> Candidate:
        return self.load_as(Candidate, candidate_id, "candidate_id")

    def sitting(self, sitting_id: UUID) -> Sitting:
        return self.load_as(Sitting, sitting_id, "sitting_id")

    def complaint(self, complaint_id: UUID, version: int | None = None) -> Complaint:
        return self.load_as(Complaint, complaint_id, "complaint_id", version)

    def candidate_id_for(self, id_number: str) -> UUID:
        return candidate_stream_id(id_number, self.id_hash_key)

    def find_candidate(self, id_number: str) -> Candidate | None:
        try:
            return self.load(self.candidate_id_for(id_number))
        except AggregateNotFoundError:
            return None

    def offer_for(self, case: EvaluationCase) -> Offer:
        return find_offer(
            self.rulebook, body=case.body, occupation=case.occupation, work_type=case.work_type,
            level=case.level, year=case.rulebook_year,
        )  # fmt: skip

    def case_for_command(self, case_id: UUID, expected_version: int | None, loaded: EvaluationCase | None = None) -> EvaluationCase:
        """The case a command starts from. `loaded`: a copy the caller has just read (the HTTP API, to check the
        caller's body scope), used instead of reading it again; a write made by someone else in between is still
        caught, as the save conflicts."""
        case = loaded if loaded is not None and loaded.id == case_id else self.case(case_id)
        return at_version(case, expected_version, "case")

    def complaint_for_command(self, complaint_id: UUID, expected_version: int | None, loaded: Complaint | None = None) -> Complaint:
        """The complaint a command starts from, as `case_for_command`: `loaded` is a copy the caller has just read
        (to check the caller's scope and level), used instead of reading it again."""
        complaint = loaded if loaded is not None and loaded.id == complaint_id else self.complaint(complaint_id)
        return at_version(complaint, expected_version, "complaint")

    # --- saving and shared refusals -----------------------------------------------------------------

    def save(self, *aggregates: Any) -> int | None:
        """Save atomically; a lost race becomes a named `Conflict` with nothing written. Returns the log position
        of the last event written (None: nothing was)."""
        try:
            recordings = self.store.save(*aggregates)
        except IntegrityError:
            what, field = RACED.get(type(aggregates[0]), ("case (or its candidate)", "case_id")) if aggregates else ("case", "case_id")
            raise Conflict(f"another command changed this {what} at the same time; reload it and retry", field=field) from None
        return recordings[-1].notification.id if recordings else None

    def refuse_if_banned(self, candidate: Candidate, on: date, *, field: str) -> None:
        ban = candidate.ban_in_force(on)
        if ban:
            raise CandidateBanned(
                f"the candidate is barred from evaluations until {ban['ends_on']} ({ban['tier']} sanction)",
                field=field,
                clause=ban["clause"],
                ends_on=str(ban["ends_on"]),
                tier=ban["tier"],
            )


def at_version(aggregate: Any, expected_version: int | None, kind: str) -> Any:
    """The aggregate a command starts from, if it is at the version the caller read (none given: any)."""
    if expected_version is not None and aggregate.version != expected_version:
        raise StaleVersion(
            f"the {kind} is at version {aggregate.version}, not {expected_version}: it changed since you read it",
            field="expected_version",
            current_version=aggregate.version,
        )
    return aggregate
