"""Fees and leaving: the fee paid exactly as due, the fee lapsed, the candidate withdrawn (DOMAIN §4). A case that
leaves frees its seat at a planned sitting in the same write."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import structlog

from cases.aggregates.evaluation_case import EvaluationCase
from cases.aggregates.sitting import Sitting
from cases.service.outcome import Outcome
from cases.service.unit_of_work import UnitOfWork

log = structlog.get_logger("cases.service.fees")


class Fees:
    def __init__(self, work: UnitOfWork) -> None:
        self.work = work

    def pay_fee(
        self, case_id: UUID, *, amount: int, paid_on: date, actor: str, reference: str | None = None,
        expected_version: int | None = None, loaded: EvaluationCase | None = None,
    ) -> Outcome:  # fmt: skip
        """FeePaid: the fee or the retake fee, exactly as due."""
        case = self.work.case_for_command(case_id, expected_version, loaded)
        case.pay(amount=amount, paid_on=paid_on, actor=actor, reference=reference)
        position = self.work.save(case)
        log.info("case.fee_paid", case_id=str(case_id), amount=amount)
        return Outcome.of(case, position)

    def lapse(
        self, case_id: UUID, *, on: date, actor: str, expected_version: int | None = None, loaded: EvaluationCase | None = None
    ) -> Outcome:
        """Lapsed: the fee was not paid by its deadline."""
        case = self.work.case_for_command(case_id, expected_version, loaded)
        seat = self._seat_to_release(case, on, "the fee lapsed", actor)
        case.lapse(on=on, actor=actor)
        return Outcome.of(case, self.work.save(case, *seat))

    def withdraw(
        self, case_id: UUID, *, on: date, reason: str, actor: str, expected_version: int | None = None,
        loaded: EvaluationCase | None = None,
    ) -> Outcome:  # fmt: skip
        """Withdrawn: the candidate leaves."""
        case = self.work.case_for_command(case_id, expected_version, loaded)
        seat = self._seat_to_release(case, on, f"withdrawn: {reason}", actor)
        case.withdraw(on=on, reason=reason, actor=actor)
        return Outcome.of(case, self.work.save(case, *seat))

    def _seat_to_release(self, case: EvaluationCase, on: date, reason: str, actor: str) -> list[Sitting]:
        """A case that leaves frees its seat in the same write."""
        if not case.scheduled:
            return []
        sitting = self.work.sitting(UUID(case.scheduled["sitting_id"]))
        if sitting.status != "planned" or not sitting.seat_of(case.id):
            return []
        sitting.release(case_id=case.id, reason=reason, on=on, actor=actor)
        return [sitting]
