"""Sanctions: a tier decided for misconduct, cancelling results and revoking a certificate (DOMAIN §6)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from cases.aggregates import case_guards as guards
from cases.aggregates.case_clauses import INVALIDATED_CLAUSE
from cases.aggregates.case_queries import CaseQueries


class SanctionCommands(CaseQueries):
    """Sanction the candidate on this case; a valid certificate is revoked with it."""

    if TYPE_CHECKING:  # the events triggered here, defined on EvaluationCase with the state they change
        _sanctioned: Callable[..., None]
        _cert_revoked: Callable[..., None]
        _retake_decision: Callable[..., dict[str, Any] | None]  # on EvaluationCase: its event replays it too

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
