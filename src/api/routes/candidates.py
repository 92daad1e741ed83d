"""The candidate's record (参评人员): found by ID number (in the body, never in a URL), with the bans against them
and the certificates they hold.

Who sees whom (DOMAIN §9: "A body's staff see and change only their own body's cases"; compliance officers and
municipal supervisors see every body). A candidate is a person, not one body's record, so a body's staff — its
registrars, examiners and supervisors — see a candidate only once the candidate has a case at their body. Any other
candidate is answered 404 exactly as an unknown one is (issue 10, finding 8): an ID number typed at one body's desk
tells neither the name behind it nor that another body knows the person. Of a candidate they do see, they get:
- the cases at their own body only;
- the certificates their own body issued only: another body's certificate is that body's record (the product checks
  its own register when an application names one, §2, and anyone may verify one by number and name, §8);
- every ban, whichever body's case it came from, since a ban bars applications at every body (§6); a ban from
  another body's case shows no case id, as that case answers them 404.
Intake needs no lookup first: applying for a barred candidate is refused with the sanction named (§6)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from api.auth import READERS, allow
from api.queries import Reading, reading
from api.schemas import CandidateLookup
from api.tokens import Principal
from cases.aggregates.candidate import Candidate
from cases.errors import NotFound
from cases.identity import mask_id_number, parse_id_number
from cases.projections.bans import bans_of_candidate

router = APIRouter(prefix="/candidates", tags=["candidates"])


@router.post("/lookup", summary="The candidate with this ID number: masked identity, bans, certificates held")
def lookup(payload: CandidateLookup, who: Principal = Depends(allow(*READERS)), read: Reading = Depends(reading)) -> JSONResponse:
    """A body's staff find only candidates with a case at their body; any other answers 404 as an unknown one."""
    candidate = read.services.app.find_candidate(parse_id_number(payload.id_number).number)
    if candidate is None or not sees(who, candidate):
        raise NotFound("no candidate has this ID number", field="id_number")
    return read.json(candidate_record(read, who, candidate))


@router.get("/{candidate_id}/bans", summary="Every ban imposed on the candidate (须知 三-四), oldest first")
def bans(candidate_id: UUID, who: Principal = Depends(allow(*READERS)), read: Reading = Depends(reading)) -> JSONResponse:
    """Every body's bans; another body's case behind a ban is not named to a body's staff."""
    return read.json(bans_of(read, who, candidate_in_scope(read, who, candidate_id)))


@router.get("/{candidate_id}/certificates", summary="Every certificate issued to the candidate, with its status")
def certificates(candidate_id: UUID, who: Principal = Depends(allow(*READERS)), read: Reading = Depends(reading)) -> JSONResponse:
    """A body's staff get their own body's certificates only."""
    return read.json(certificates_of(who, candidate_in_scope(read, who, candidate_id)))


# --- scope --------------------------------------------------------------------------------------------------


def sees(who: Principal, candidate: Candidate) -> bool:
    """Compliance and municipal supervisors see everyone; a body's staff, those with a case at their body."""
    return who.body is None or any(who.sees(case["body"]) for case in candidate.cases.values())


def candidate_in_scope(read: Reading, who: Principal, candidate_id: UUID) -> Candidate:
    """The candidate, or the one answer an unknown id gets (raised by the same line, so the two cannot differ)."""
    try:
        candidate: Candidate | None = read.services.app.get_candidate(candidate_id)
    except NotFound:
        candidate = None
    if candidate is None or not sees(who, candidate):
        raise NotFound(f"no candidate {candidate_id}", field="candidate_id")
    return candidate


# --- the record ---------------------------------------------------------------------------------------------


def candidate_record(read: Reading, who: Principal, candidate: Candidate) -> dict[str, Any]:
    cases = [
        {"case_id": case_id, **{k: c[k] for k in ("body", "occupation", "work_type", "level", "channel", "applied_on")}}
        for case_id, c in candidate.cases.items() if who.sees(c["body"])
    ]  # fmt: skip
    return {
        "candidate_id": str(candidate.id), "name": candidate.name, "id_number_masked": mask_id_number(candidate.id_number),
        "bans": bans_of(read, who, candidate), "certificates": certificates_of(who, candidate), "cases": cases,
    }  # fmt: skip


def bans_of(read: Reading, who: Principal, candidate: Candidate) -> list[dict[str, Any]]:
    def case_named(case_id: Any) -> Any:
        case = candidate.cases.get(str(case_id))
        return case_id if case is not None and who.sees(case["body"]) else None

    return [
        {
            "tier": b["tier"], "severity": b["severity"], "from": b["starts_on"], "until": b["ends_on"], "clause": b["clause"],
            "behaviour_clause": b["behaviour_clause"], "referral": b["referral"], "post_hoc": b["post_hoc"],
            "decided_on": b["decided_on"], "case_id": case_named(b["case_id"]),
        }
        for b in read.query(bans_of_candidate, candidate.id)
    ]  # fmt: skip


def certificates_of(who: Principal, candidate: Candidate) -> list[dict[str, Any]]:
    return [
        {"number": number, **{k: c.get(k) for k in ("body", "occupation", "work_type", "level", "issued_on", "status", "replaced_by")},
         "case_id": str(c["case_id"])}
        for number, c in sorted(candidate.certificates.items(), key=lambda item: (item[1]["issued_on"], item[0]))
        if who.sees(c["body"])
    ]  # fmt: skip
