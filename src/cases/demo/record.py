"""What the demo hands the CLI: per body its sittings, its cases and the notable facts, read back from the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID


@dataclass(frozen=True)
class Payment:
    kind: str  # "full" | "retake"
    amount: int
    paid_on: date


@dataclass(frozen=True)
class CertificateSummary:
    number: str
    form: str
    delivery: str
    status: str
    issued_on: date
    collectable_from: str | None
    replaced: tuple[str, ...]


@dataclass(frozen=True)
class CaseSummary:
    case_id: UUID
    candidate: str
    id_masked: str
    project: str
    level: int
    channel: str
    institution: str | None
    stage: str
    payments: tuple[Payment, ...]
    applied_on: date
    approved_on: date | None
    pay_by: date | None
    plan: str | None  # "by 2026-11-02" (its plan's last day) or "in 2027-01" (a month whose last day is not yet set)
    deferrals: tuple[tuple[str, date | None], ...]  # (the month it moved to, the day candidates were to be told by)
    sittings: tuple[date, ...]
    window_last_day: date | None
    certificate: CertificateSummary | None

    @property
    def fees_paid(self) -> int:
        return sum(p.amount for p in self.payments)


@dataclass(frozen=True)
class SittingSummary:
    days: tuple[date, ...]
    project: str
    levels: tuple[int, ...]
    venue: str
    capacity: int
    headcount: int
    status: str
    moved: str | None  # where a deferred or folded sitting went


@dataclass(frozen=True)
class Notable:
    """A fact worth reading about: an event, a calendar decision, or a refusal (which writes no event)."""

    on: date
    candidate: str
    kind: str
    detail: str
    clause: str | None = None
    case_id: UUID | None = None


@dataclass(frozen=True)
class BodySummary:
    code: str
    name: str
    sittings: tuple[SittingSummary, ...]
    cases: tuple[CaseSummary, ...]
    notables: tuple[Notable, ...]

    @property
    def fees_collected(self) -> int:
        return sum(c.fees_paid for c in self.cases)


@dataclass(frozen=True)
class ComplaintSummary:
    """One complaint of the demo's hotline, as the CLI prints it (the complainant's number masked)."""

    complaint_id: UUID
    body: str
    channel: str
    category: str
    received: date
    stage: str
    level: str
    outcome: str | None
    escalated: str | None
    extended: bool
    standing: str | None  # on TODAY, for a clock still running
    complainant: str
    caused: tuple[str, ...]


@dataclass(frozen=True)
class DemoRecord:
    bodies: tuple[BodySummary, ...]
    events_written: int
    complaints: tuple[ComplaintSummary, ...] = ()

    @property
    def case_count(self) -> int:
        return sum(len(b.cases) for b in self.bodies)

    @property
    def fees_collected(self) -> int:
        return sum(b.fees_collected for b in self.bodies)
