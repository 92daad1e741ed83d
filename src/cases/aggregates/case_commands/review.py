"""Reviewing an application: approve it (a fee owed from then) or reject it (DOMAIN §2)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from cases.aggregates import case_guards as guards
from cases.aggregates.case_queries import CaseQueries


class ReviewCommands(CaseQueries):
    """Approve or reject the application."""

    if TYPE_CHECKING:  # the events triggered here, defined on EvaluationCase with the state they change
        _approved: Callable[..., None]
        _rejected: Callable[..., None]

    def approve(
        self, *, clause: dict[str, Any], fee: dict[str, Any], payment: dict[str, Any], plan: dict[str, Any] | None,
        decided_on: date, actor: str,
    ) -> None:  # fmt: skip
        """`plan`: the month the case is evaluated in and its last day (seeds 000-004 二(三))."""
        self._require_stage("applied", action="be approved")
        guards.require_not_before(decided_on, self.applied_on, "decided_on", "the application")
        self._approved(clause=clause, fee=fee, payment=payment, plan=plan, decided_on=decided_on, actor=actor)

    def reject(self, *, reasons: list[dict[str, Any]], decided_on: date, actor: str) -> None:
        self._require_stage("applied", action="be rejected")
        guards.require_not_before(decided_on, self.applied_on, "decided_on", "the application")
        self._rejected(reasons=reasons, decided_on=decided_on, actor=actor)
