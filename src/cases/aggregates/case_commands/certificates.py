"""Certificates: issuing one on qualification, revoking it, reissuing it (DOMAIN §8)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from cases.aggregates import case_guards as guards
from cases.aggregates.case_queries import CaseQueries


class CertificateCommands(CaseQueries):
    """Issue, revoke and reissue the case's certificate."""

    if TYPE_CHECKING:  # the events triggered here, defined on EvaluationCase with the state they change
        _cert_issued: Callable[..., None]
        _cert_revoked: Callable[..., None]
        _cert_reissued: Callable[..., None]

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

    def revoke_certificate(self, *, on: date, reason: str, clause: str, actor: str) -> None:
        certificate = guards.valid_certificate(self.certificate, "be revoked")
        guards.require_not_before(on, certificate["issued_on"], "on", "the certificate's issue")
        self._cert_revoked(number=certificate["number"], on=on, reason=reason, clause=clause, actor=actor)

    def reissue_certificate(self, *, number: str, on: date, reason: str, delivery: str, clause: str, actor: str) -> None:
        certificate = guards.valid_certificate(self.certificate, "be reissued")
        guards.require_not_before(on, certificate["issued_on"], "on", "the certificate's issue")
        replaces = certificate["number"]
        self._cert_reissued(number=number, replaces=replaces, on=on, reason=reason, delivery=delivery, clause=clause, actor=actor)
