"""Sanctions (参评人员须知 一-四): the tier's behaviour cancels results or the qualification, may ban the candidate
for a period, and invalidates an issued certificate. The events are made by `sanction_unsaved`, which a
complaint's result also uses to save them with its own (DOMAIN §10)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import structlog

from cases.aggregates.candidate import Candidate
from cases.aggregates.evaluation_case import EvaluationCase
from cases.rules import sanctions
from cases.service.outcome import Outcome
from cases.service.unit_of_work import UnitOfWork

log = structlog.get_logger("cases.service.sanctions")


class Sanctions:
    def __init__(self, work: UnitOfWork) -> None:
        self.work = work

    def sanction(
        self, case_id: UUID, *, tier: str, behaviour: str, decided_on: date, actor: str, severity: str | None = None,
        sitting_on: date | None = None, subject: str | None = None, expected_version: int | None = None,
        loaded: EvaluationCase | None = None,
    ) -> Outcome:  # fmt: skip
        """Sanctioned: cancels results, bans the candidate, invalidates an issued certificate. The outcome's result
        is the ban imposed (None: none)."""
        case = self.work.case_for_command(case_id, expected_version, loaded)
        candidate = self.work.candidate(case.candidate_id)
        ban = sanction_unsaved(
            case, candidate, tier=tier, behaviour=behaviour, decided_on=decided_on, actor=actor, severity=severity,
            sitting_on=sitting_on, subject=subject,
        )  # fmt: skip
        position = self.work.save(case, candidate)
        log.info("case.sanctioned", case_id=str(case_id), tier=tier, behaviour=behaviour)
        return Outcome.of(case, position, ban)


def sanction_unsaved(
    case: EvaluationCase, candidate: Candidate, *, tier: str, behaviour: str, decided_on: date, actor: str,
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
