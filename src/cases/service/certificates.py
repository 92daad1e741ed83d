"""Certificates (DOMAIN §8): CertIssued, numbered per the body's filing number (one sequence per body, year and
level); electronic or paper and its delivery route (seeds 000 五, 004 五); revoked; reissued under a new number when
lost (遗失补办, seed 002 五(三)). The candidate's register changes in the same write."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import structlog
from eventsourcing.application import AggregateNotFoundError

from cases.aggregates.case_errors import ReissueNotOffered
from cases.aggregates.certificate_sequence import CertificateSequence, sequence_id
from cases.aggregates.evaluation_case import EvaluationCase
from cases.rulebook.lookup import Offer
from cases.rules.certificates import certificate_form, certificate_number, delivery_route
from cases.rules.service_levels import certificate_collectable_from
from cases.service.outcome import Outcome
from cases.service.unit_of_work import UnitOfWork

log = structlog.get_logger("cases.service.certificates")


class Certificates:
    def __init__(self, work: UnitOfWork) -> None:
        self.work = work

    def _next_number(self, offer: Offer, year: int, actor: str) -> tuple[str, CertificateSequence]:
        seq_id = sequence_id(offer.body.code, year, offer.level.level)
        try:
            sequence = self.work.load(seq_id)
        except AggregateNotFoundError:
            sequence = CertificateSequence._create(
                CertificateSequence.Started, id=seq_id, body=offer.body.code, year=year, level=offer.level.level, actor=actor
            )
        n = sequence.next_sequence()
        number = certificate_number(offer.body.filing_number or "", year, offer.level.level, n)
        sequence.take(sequence=n, number=number, actor=actor)
        return number, sequence

    def issue(
        self, case_id: UUID, *, issued_on: date, actor: str, expected_version: int | None = None, loaded: EvaluationCase | None = None
    ) -> Outcome:
        """CertIssued; the outcome's result is the certificate number."""
        case = self.work.case_for_command(case_id, expected_version, loaded)
        offer = self.work.offer_for(case)
        policy = offer.body.certificate
        form = certificate_form(policy.default_form, policy.paper_on_request, case.paper_requested)
        delivery = delivery_route(case.channel, form, courier_for_individuals=policy.paper_on_request)
        collectable_from = certificate_collectable_from(offer.body, issued_on, self.work.calendar) if delivery == "counter" else None
        collectable = collectable_from.to_dict() if collectable_from else None
        number, sequence = self._next_number(offer, issued_on.year, actor)
        case.issue_certificate(
            number=number, issued_on=issued_on, form=form, delivery=delivery, collectable_from=collectable,
            clause=policy.clause, actor=actor,
        )  # fmt: skip
        candidate = self.work.candidate(case.candidate_id)
        candidate.record_certificate(
            number=number, case_id=case.id, body=case.body, occupation=case.occupation, work_type=case.work_type,
            level=case.level, issued_on=issued_on, actor=actor,
        )  # fmt: skip
        position = self.work.save(case, candidate, sequence)
        log.info("case.certificate_issued", case_id=str(case_id), number=number)
        return Outcome.of(case, position, number)

    def revoke(
        self, case_id: UUID, *, on: date, reason: str, actor: str, clause: str = "须知 一: 已获得的证书作无效处理",
        expected_version: int | None = None, loaded: EvaluationCase | None = None,
    ) -> Outcome:  # fmt: skip
        """CertRevoked: the certificate is invalid."""
        case = self.work.case_for_command(case_id, expected_version, loaded)
        number = case.certificate["number"] if case.certificate else None
        case.revoke_certificate(on=on, reason=reason, clause=clause, actor=actor)
        candidate = self.work.candidate(case.candidate_id)
        candidate.withdraw_certificate(number=number, status="revoked", on=on, replaced_by=None, actor=actor)
        return Outcome.of(case, self.work.save(case, candidate))

    def reissue(
        self, case_id: UUID, *, on: date, actor: str, reason: str = "lost", expected_version: int | None = None,
        loaded: EvaluationCase | None = None,
    ) -> Outcome:  # fmt: skip
        """CertReissued (遗失补办, seed 002 五(三)): a new number replaces the lost certificate's; the outcome's
        result is the new number."""
        case = self.work.case_for_command(case_id, expected_version, loaded)
        offer = self.work.offer_for(case)
        if case.certificate and case.certificate["status"] == "valid" and not offer.body.certificate.lost_reissue:
            raise ReissueNotOffered(
                f"{offer.body.name}'s notice offers no reissue of lost certificates (seed {offer.body.seed} 五); "
                "its certificates are queryable online (随申办, osta.org.cn)",
                field="case_id", clause=offer.body.certificate.clause,
            )  # fmt: skip
        old = case.certificate["number"] if case.certificate else None
        number, sequence = self._next_number(offer, on.year, actor)
        delivery = case.certificate["delivery"] if case.certificate else "counter"
        case.reissue_certificate(number=number, on=on, reason=reason, delivery=delivery, clause="seed 002 五(三): 证书遗失补办", actor=actor)
        candidate = self.work.candidate(case.candidate_id)
        candidate.withdraw_certificate(number=old, status="replaced", on=on, replaced_by=number, actor=actor)
        candidate.record_certificate(
            number=number, case_id=case.id, body=case.body, occupation=case.occupation, work_type=case.work_type,
            level=case.level, issued_on=on, actor=actor,
        )  # fmt: skip
        return Outcome.of(case, self.work.save(case, candidate, sequence), number)
