"""The candidate's record (参评人员): identity, cases applied for, bans and certificates held (DOMAIN §1, §6, §8).

One record per person, keyed by a keyed hash of the ID number, so a stream id never reveals it. The record is
the consistency boundary for rules that span cases: a ban refuses new applications, a re-application inside
an open window waives the old case's retake, and a certificate issued here counts as evidence next time.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event


class Candidate(Aggregate):
    @event("Registered")
    def __init__(self, *, name: str, id_number: str, birth_date: date, gender: str, phone: str | None, actor: str) -> None:
        self.name = name
        self.id_number = id_number  # encrypted at rest when a cipher key is configured; never logged
        self.birth_date = birth_date
        self.gender = gender
        self.phone = phone
        self.cases: dict[str, dict[str, Any]] = {}
        self.bans: list[dict[str, Any]] = []
        self.certificates: dict[str, dict[str, Any]] = {}

    @classmethod
    def register(cls, candidate_id: UUID, **registration: Any) -> Candidate:
        """A new record under the pseudonymous id derived from the ID number (see `cases.identity`)."""
        return cls._create(cls.Registered, id=candidate_id, **registration)

    @event("CaseOpened")
    def record_case(
        self, case_id: UUID, body: str, occupation: str, work_type: str | None, level: int, channel: str, applied_on: date, actor: str
    ) -> None:
        self.cases[str(case_id)] = {
            "body": body, "occupation": occupation, "work_type": work_type, "level": level,
            "channel": channel, "applied_on": applied_on,
        }  # fmt: skip

    def cases_for(self, occupation: str, work_type: str | None, level: int) -> list[UUID]:
        return [
            UUID(case_id)
            for case_id, c in self.cases.items()
            if (c["occupation"], c["work_type"], c["level"]) == (occupation, work_type, level)
        ]

    @event("Banned")
    def record_ban(
        self, case_id: UUID, tier: str, starts_on: date, ends_on: date, referral: bool, clause: str, actor: str
    ) -> None:
        self.bans.append(
            {"case_id": case_id, "tier": tier, "starts_on": starts_on, "ends_on": ends_on, "referral": referral, "clause": clause}
        )

    def ban_in_force(self, on: date) -> dict[str, Any] | None:
        """The ban in force on a day; of several, the one that ends last."""
        active = [b for b in self.bans if b["starts_on"] <= on <= b["ends_on"]]
        return max(active, key=lambda b: b["ends_on"]) if active else None

    @event("CertificateRecorded")
    def record_certificate(
        self, number: str, case_id: UUID, body: str, occupation: str, work_type: str | None, level: int, issued_on: date, actor: str
    ) -> None:
        self.certificates[number] = {
            "case_id": case_id, "body": body, "occupation": occupation, "work_type": work_type,
            "level": level, "issued_on": issued_on, "status": "valid",
        }  # fmt: skip

    @event("CertificateWithdrawn")
    def withdraw_certificate(self, number: str, status: str, on: date, replaced_by: str | None, actor: str) -> None:
        """A certificate stops counting: revoked, or replaced by a reissue (which is recorded separately)."""
        self.certificates[number]["status"] = status
        self.certificates[number]["replaced_by"] = replaced_by

    def valid_certificates(self) -> dict[str, dict[str, Any]]:
        return {n: c for n, c in self.certificates.items() if c["status"] == "valid"}
