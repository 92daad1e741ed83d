"""The candidate's record (参评人员): found by ID number (in the body, never in a URL), with the bans against them
and the certificates they hold. A candidate is not one body's record: every body checks bans and certificates
at intake (DOMAIN §2, §6), so every reader sees them; only the cases listed are narrowed to the caller's body."""

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
    return read.json(candidate_record(read, who, payload.id_number))


@router.get("/{candidate_id}/bans", summary="Every ban imposed on the candidate (须知 三-四), oldest first")
def bans(candidate_id: UUID, who: Principal = Depends(allow(*READERS)), read: Reading = Depends(reading)) -> JSONResponse:
    return read.json(bans_of(read, read.services.app.get_candidate(candidate_id)))


@router.get("/{candidate_id}/certificates", summary="Every certificate issued to the candidate, with its status")
def certificates(candidate_id: UUID, who: Principal = Depends(allow(*READERS)), read: Reading = Depends(reading)) -> JSONResponse:
    return read.json(certificates_of(read.services.app.get_candidate(candidate_id)))


# --- the record ---------------------------------------------------------------------------------------------


def candidate_record(read: Reading, who: Principal, id_number: str) -> dict[str, Any]:
    parsed = parse_id_number(id_number)
    candidate = read.services.app.find_candidate(parsed.number)
    if candidate is None:
        raise NotFound("no candidate has this ID number", field="id_number")
    cases = [
        {"case_id": case_id, **{k: c[k] for k in ("body", "occupation", "work_type", "level", "channel", "applied_on")}}
        for case_id, c in candidate.cases.items() if who.sees(c["body"])
    ]  # fmt: skip
    return {
        "candidate_id": str(candidate.id), "name": candidate.name, "id_number_masked": mask_id_number(candidate.id_number),
        "bans": bans_of(read, candidate), "certificates": certificates_of(candidate), "cases": cases,
    }  # fmt: skip


def bans_of(read: Reading, candidate: Candidate) -> list[dict[str, Any]]:
    return [
        {
            "tier": b["tier"], "severity": b["severity"], "from": b["starts_on"], "until": b["ends_on"], "clause": b["clause"],
            "behaviour_clause": b["behaviour_clause"], "referral": b["referral"], "post_hoc": b["post_hoc"],
            "decided_on": b["decided_on"], "case_id": b["case_id"],
        }
        for b in read.query(bans_of_candidate, candidate.id)
    ]  # fmt: skip


def certificates_of(candidate: Candidate) -> list[dict[str, Any]]:
    return [
        {"number": number, **{k: c.get(k) for k in ("body", "occupation", "work_type", "level", "issued_on", "status", "replaced_by")},
         "case_id": str(c["case_id"])}
        for number, c in sorted(candidate.certificates.items(), key=lambda item: (item[1]["issued_on"], item[0]))
    ]  # fmt: skip
