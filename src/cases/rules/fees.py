"""What a candidate owes: the full fee, or the retake price of the subjects retaken (DOMAIN §4).

Seeds 000/001 二(四)2 注: 补考按照科目/模块收费; seed 004 附件2-3 give the retake price per module. Where a seed
gives no retake price (seed 002), the retake is refused with a clear error (DOMAIN §4 Decision).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from cases.errors import RuleViolation
from cases.rulebook.lookup import Offer


class RetakePriceUnset(RuleViolation):
    code = "retake_price_unset"


@dataclass(frozen=True)
class FeeDue:
    kind: str  # "full" | "retake"
    total: int  # yuan
    lines: tuple[tuple[str, int | None], ...]  # (subject code, amount) — amount None where the seed gives one total
    clause: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "total": self.total,
            "lines": [{"subject": s, "amount": a} for s, a in self.lines],
            "clause": self.clause,
        }


def full_fee(offer: Offer) -> FeeDue:
    lines = tuple((s.code, s.fee) for s in offer.level.subjects)
    return FeeDue("full", offer.level.total, lines, offer.project.fee_clause)


def retake_fee(offer: Offer, subjects: Iterable[str]) -> FeeDue:
    lines: list[tuple[str, int | None]] = []
    for code in subjects:
        subject = offer.level.subject(code)
        if subject is None or subject.retake_fee is None:
            raise RetakePriceUnset(
                f"{offer.body.name} states no retake price for {offer.project.title} level {offer.level.level} "
                f"subject {code}; the operator must set it before a retake can be charged",
                field="subjects",
                clause=offer.project.retake_clause,
            )
        lines.append((code, subject.retake_fee))
    return FeeDue("retake", sum(a for _, a in lines if a), tuple(lines), offer.project.retake_clause)
