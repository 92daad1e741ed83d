"""Intake and review: an application becomes a case; the evidence decides approval (DOMAIN §2, §5, §6).

`apply` validates the person (ID number, age ≥ 16, all seeds 二(一)), the project (the year's catalogue), the
channel and the evidence; refuses a barred candidate naming the sanction and its end (须知 三-四); and, when the
same project and level is re-applied for while a validity window is open, waives the old case's retake
(seed 000 四(二)) in the same atomic write that opens the new case.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any
from uuid import UUID

import structlog

from cases.aggregates.candidate import Candidate
from cases.aggregates.evaluation_case import EvaluationCase
from cases.errors import InvalidInput, RuleViolation
from cases.limits import check_text
from cases.identity import check_minimum_age, parse_id_number
from cases.rulebook.lookup import find_offer, window_for_application
from cases.rules.eligibility import evaluate_eligibility, load_standards
from cases.rules.evidence import Evidence, HeldCertificate
from cases.rules.fees import full_fee
from cases.rules.payment import payment_due
from cases.rules.schedule import evaluation_deadline, month_of
from cases.rulebook.model import Body, FixedWindow
from cases.service.outcome import Outcome
from cases.service.unit_of_work import CandidateBanned, UnitOfWork

log = structlog.get_logger("cases.service.intake")
CHANNELS = {"individual": "个人申报", "group": "团体申报", "competition": "职业技能竞赛"}
ACTIVE_BEFORE_WINDOW = ("applied", "awaiting_payment", "ready_to_sit", "awaiting_results")
WAIVABLE = ("retake_available", "awaiting_payment", "ready_to_sit")


class DuplicateApplication(RuleViolation):
    code = "duplicate_application"


class AlreadyCertified(RuleViolation):
    code = "already_certified"


class NoWindowLeft(RuleViolation):
    code = "no_window_left"


__all__ = ["AlreadyCertified", "CandidateBanned", "DuplicateApplication", "Intake", "NoWindowLeft"]


class Intake:
    """Apply (申报), review, reject."""

    def __init__(self, work: UnitOfWork) -> None:
        self.work = work
        self.standards = load_standards()

    def apply(
        self,
        *,
        name: str,
        id_number: str,
        body: str,
        occupation: str,
        level: int,
        applied_on: date,
        actor: str,
        work_type: str | None = None,
        channel: str = "individual",
        institution: str | None = None,
        evidence: dict[str, Any] | None = None,
        phone: str | None = None,
        paper_certificate: bool = False,
    ) -> Outcome:
        """Applied (申报); the outcome's result is the new case's id."""
        if not name or not name.strip():
            raise InvalidInput("the candidate's name is required", field="name")
        for field, value, kind in (("name", name, "name"), ("id_number", id_number, "id_number"), ("body", body, "code"),
                                   ("occupation", occupation, "occupation"), ("work_type", work_type, "occupation"),
                                   ("institution", institution, "institution"), ("phone", phone, "phone")):  # fmt: skip
            check_text(field, value, kind)
        work_type = (work_type or "").strip() or None  # "" and None both mean: the occupation has no work type
        resident = parse_id_number(id_number, today=applied_on)
        offer = find_offer(
            self.work.rulebook, body=body, occupation=occupation, work_type=work_type, level=level, year=applied_on.year
        )
        check_minimum_age(resident, applied_on, minimum=offer.catalogue.minimum_age)
        if channel not in CHANNELS:
            raise InvalidInput(f"channel must be one of {', '.join(CHANNELS)}", field="channel", clause="all seeds 二(二)")
        if channel == "group" and not institution:
            raise InvalidInput("a group application names its institution", field="institution", clause="all seeds 二(二)")
        declared = Evidence.from_dict(evidence or {}, as_of=applied_on)
        window = window_for_application(offer.body, level, applied_on) if offer.body.schedule == "fixed_windows" else None

        candidate = self.work.find_candidate(resident.number) or Candidate.register(
            self.work.candidate_id_for(resident.number), name=name.strip(), id_number=resident.number,
            birth_date=resident.birth_date, gender=resident.gender, phone=phone, actor=actor,
        )  # fmt: skip
        self.work.refuse_if_banned(candidate, applied_on, field="id_number")
        waived = self._earlier_cases_to_waive(candidate, offer.project.occupation, work_type, level, applied_on)

        case = EvaluationCase(
            candidate_id=candidate.id, holder_name=candidate.name, holder_id_masked=resident.masked(),
            body=body, occupation=occupation, work_type=work_type, level=level,
            subjects=list(offer.level.subject_codes), channel=channel, institution=institution,
            evidence=declared.to_dict(), applied_on=applied_on, rulebook_year=offer.catalogue.year,
            window_name=window.name if window else None, paper_requested=paper_certificate,
            notice=f"seed {offer.body.seed}", actor=actor,
        )  # fmt: skip
        for old in waived:
            old.waive_retake(new_case_id=case.id, on=applied_on, actor=actor)
        candidate.record_case(
            case_id=case.id, body=body, occupation=occupation, work_type=work_type, level=level,
            channel=channel, applied_on=applied_on, actor=actor,
        )  # fmt: skip
        position = self.work.save(candidate, *waived, case)
        log.info("case.applied", case_id=str(case.id), body=body, level=level, waived=[str(c.id) for c in waived])
        return Outcome.of(case, position, case.id)

    def _earlier_cases_to_waive(
        self, candidate: Candidate, occupation: str, work_type: str | None, level: int, on: date
    ) -> list[EvaluationCase]:
        """Earlier cases for the same project and level: an open window is waived; an active one refuses."""
        waived = []
        for case_id in candidate.cases_for(occupation, work_type, level):
            old = self.work.case(case_id)
            if old.stage_on(on) in WAIVABLE and old.is_retake_round and old.window_is_open_on(on):
                waived.append(old)
            elif old.stage in ACTIVE_BEFORE_WINDOW:
                raise DuplicateApplication(
                    f"the candidate already has an active case for this project and level (case {old.id}, {old.stage})",
                    field="level",
                    case_id=str(old.id),
                )
            elif old.stage == "certified":
                raise AlreadyCertified(
                    f"the candidate already holds a valid certificate for this project and level ({old.certificate['number']})",
                    field="level",
                )
            elif old.stage == "qualified":
                raise AlreadyCertified(
                    f"the candidate already passed this project and level (case {old.id}); its certificate is being issued",
                    field="level",
                    case_id=str(old.id),
                )
        return waived

    def review(
        self, case_id: UUID, *, decided_on: date, actor: str, expected_version: int | None = None, loaded: EvaluationCase | None = None
    ) -> Outcome:
        """Approved naming the clause, or Rejected naming why (DOMAIN §2 Decision), computed from the declared
        evidence plus this product's own register. The outcome's result is the case as reviewed (its decision, fee
        due and plan)."""
        case = self.work.case_for_command(case_id, expected_version, loaded)
        offer = self.work.offer_for(case)
        candidate = self.work.candidate(case.candidate_id)
        evidence, discarded = self._evidence_with_register(Evidence.from_dict(case.evidence), candidate)
        result = evaluate_eligibility(
            standard=self.standards[offer.project.standard], occupation=case.occupation, level=case.level,
            evidence=evidence, birth_date=candidate.birth_date, application_date=case.applied_on,
        )  # fmt: skip
        chosen = result.first_satisfied()
        if chosen is None:
            reasons = [o.to_dict() for o in result.outcomes] + discarded
            case.reject(reasons=reasons, decided_on=decided_on, actor=actor)
        else:
            window = self._payable_window(offer.body, case, decided_on) if offer.body.payment.rule == "window" else None
            due = payment_due(offer.body, decided_on, self.work.calendar, window)
            clause = {**chosen.to_dict(), "standard": result.standard, "payment_clause": due.clause, "discarded": discarded}
            plan = evaluation_deadline(offer.body, case.applied_on, self.work.calendar).to_dict()
            if window is not None and window.name != case.window_name:
                plan = {"plan_month": month_of(window.evaluation_days[0]), "last_day": window.evaluation_days[-1].isoformat(),
                        "clause": f"seed 004 二(三): approved after the {case.window_name} window's payment dates, so the {window.name} window"}  # fmt: skip
            if window is not None:
                plan["window"] = window.name
            case.approve(
                clause=clause, fee=full_fee(offer).to_dict(), payment=due.to_dict(), plan=plan, decided_on=decided_on, actor=actor
            )
        position = self.work.save(case)
        log.info("case.reviewed", case_id=str(case.id), stage=case.stage, clause=chosen.clause if chosen else None)
        return Outcome.of(case, position, case)

    def reject(
        self, case_id: UUID, *, reason: str, decided_on: date, actor: str, expected_version: int | None = None,
        loaded: EvaluationCase | None = None,
    ) -> Outcome:  # fmt: skip
        """Rejected by the registrar for a reason the evidence cannot show (e.g. incomplete materials)."""
        case = self.work.case_for_command(case_id, expected_version, loaded)
        case.reject(reasons=[{"clause": None, "reason": reason, "by": "registrar"}], decided_on=decided_on, actor=actor)
        return Outcome.of(case, self.work.save(case))

    @staticmethod
    def _payable_window(body: Body, case: EvaluationCase, decided_on: date) -> FixedWindow:
        """Seed 004 二(四): payment only within a window's payment dates. An approval after its own window's payment
        dates carries the case into the next window whose payment dates are still ahead (DOMAIN §4 Decision)."""
        own = next(w for w in body.windows if w.name == case.window_name)
        ahead = [w for w in body.windows if case.level in w.levels and w.payment[1] >= decided_on and w.payment[1] >= own.payment[1]]
        if not ahead:
            raise NoWindowLeft(
                f"approval on {decided_on} comes after the payment dates of every remaining {body.name} window this year",
                field="decided_on", clause="seed 004 二(三), 二(四)",
            )  # fmt: skip
        return min(ahead, key=lambda w: w.payment[1])

    def _evidence_with_register(self, declared: Evidence, candidate: Candidate) -> tuple[Evidence, list[dict[str, Any]]]:
        """Certificates issued by this product are checked against its register; valid ones count (DOMAIN §2)."""
        prefixes = {b.filing_number for c in self.work.rulebook.catalogues.values() for b in c.bodies if b.filing_number}
        held = candidate.valid_certificates()
        kept: list[HeldCertificate] = []
        discarded: list[dict[str, Any]] = []
        for cert in declared.certificates:
            ours = cert.number and any(cert.number.startswith(p) for p in prefixes)
            if ours and cert.number not in held:
                discarded.append(
                    {"clause": None, "holds": False, "certificate": cert.number,
                     "reason": f"certificate {cert.number} is not a valid certificate of this candidate in this product's register"}
                )  # fmt: skip
            elif not ours:
                kept.append(cert)
        for number, record in held.items():
            kept.append(
                HeldCertificate(
                    occupation=record["occupation"], level=record["level"], issued_on=record["issued_on"],
                    number=number, source="register",
                )  # fmt: skip
            )
        return replace(declared, certificates=tuple(kept)), discarded
