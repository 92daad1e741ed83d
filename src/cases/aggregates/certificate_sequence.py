"""The running sequence of certificate numbers for one body, year and level (DOMAIN §8 Decision).

An aggregate of its own, saved in the same atomic write as the certificate it numbers: two registrars
issuing at once cannot take the same number (the loser gets a conflict and nothing is written).
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


def sequence_id(body: str, year: int, level: int) -> UUID:
    return uuid5(NAMESPACE_URL, f"cases:certificate-sequence:{body}:{year}:{level}")


class CertificateSequence(Aggregate):
    @event("Started")
    def __init__(self, *, body: str, year: int, level: int, actor: str) -> None:
        self.body = body
        self.year = year
        self.level = level
        self.last = 0

    @event("NumberTaken")
    def take(self, sequence: int, number: str, actor: str) -> None:
        self.last = sequence

    def next_sequence(self) -> int:
        return self.last + 1
