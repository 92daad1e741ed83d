"""Certificate numbers and collection dates (DOMAIN §8).

Decision (DOMAIN §8): number = body's filing number + 2-digit year + level digit + 6-digit sequence.
Collection (seed 000 五): individual candidates collect at the counter from 20 working days after the
certificate became queryable; the product treats the issue date as the day it became queryable.
"""

from __future__ import annotations

from cases.errors import RuleViolation

MAX_SEQUENCE = 999_999


class CertificateSequenceExhausted(RuleViolation):
    code = "certificate_sequence_exhausted"


def certificate_number(filing_number: str, year: int, level: int, sequence: int) -> str:
    if not 1 <= sequence <= MAX_SEQUENCE:
        raise CertificateSequenceExhausted(
            f"certificate sequence {sequence} is outside 1..{MAX_SEQUENCE} for {year} level {level}",
            clause="DOMAIN §8 Decision",
        )
    return f"{filing_number}{year % 100:02d}{level}{sequence:06d}"


def certificate_form(default_form: str, paper_on_request: bool, paper_requested: bool) -> str:
    """Seed 004 五: electronic by default, paper only when the application ticked it."""
    if default_form == "electronic" and paper_on_request and paper_requested:
        return "paper"
    return default_form


def delivery_route(channel: str, form: str, courier_for_individuals: bool) -> str:
    """Group candidates through their institution (all seeds 五); individuals at the counter (seed 000 五), or
    by courier where the body posts paper certificates (seed 004 五: 快递方式发放); electronic ones online."""
    if form == "electronic":
        return "online"
    if channel == "group":
        return "institution"
    return "courier" if courier_for_individuals else "counter"
