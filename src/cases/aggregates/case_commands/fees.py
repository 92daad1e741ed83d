"""The fee: paying it, letting it lapse, withdrawing (no refund) (DOMAIN §4)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from cases.aggregates import case_guards as guards
from cases.aggregates.case_clauses import NO_REFUND_CLAUSE
from cases.aggregates.case_queries import CaseQueries


class FeeCommands(CaseQueries):
    """Pay the fee owed, let it lapse past its deadline, withdraw."""

    if TYPE_CHECKING:  # the events triggered here, defined on EvaluationCase with the state they change
        _fee_paid: Callable[..., None]
        _lapsed: Callable[..., None]
        _withdrawn: Callable[..., None]

    def pay(self, *, amount: int, paid_on: date, actor: str, reference: str | None = None) -> None:
        self._require_stage("awaiting_payment", action="take a payment")
        assert self.fee_due is not None and self.pay_by is not None
        guards.require_not_before(paid_on, self.last_fact_on, "paid_on", "the decision that set the fee")
        deadline_clause = self.decision["clause"].get("payment_clause") if self.decision else None
        fee = self.fee_due
        guards.check_payment(fee, amount, paid_on, pay_from=self.pay_from, pay_by=self.pay_by, deadline_clause=deadline_clause)
        self._fee_paid(amount=amount, kind=fee["kind"], lines=fee["lines"], paid_on=paid_on, reference=reference, actor=actor)

    def lapse(self, *, on: date, actor: str) -> None:
        self._require_stage("awaiting_payment", action="lapse")
        assert self.pay_by is not None
        guards.require_past_deadline(self.pay_by, on)
        provisional = self.pay_by_provisional
        self._lapsed(due_on=self.pay_by, on=on, retake=self.is_retake_round, actor=actor, due_on_provisional=provisional)

    def withdraw(self, *, on: date, reason: str, actor: str) -> None:
        self._require_stage("applied", "awaiting_payment", "ready_to_sit", "retake_available", "barred", action="be withdrawn")
        guards.require_not_before(on, self.last_fact_on, "on", "the case's last fact")
        self._withdrawn(on=on, reason=reason, fees_paid=self.paid_total, refunded=0, clause=NO_REFUND_CLAUSE, actor=actor)
