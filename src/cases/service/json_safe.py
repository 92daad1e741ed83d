"""JSON-safe, masked values for what a replay returns (DOMAIN §9): dates in ISO form, and ID-number-shaped text
masked, except the case's own certificate numbers."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from cases.identity import mask_id_number


class Record:
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]


def certificate_numbers(certificate: dict[str, Any] | None) -> set[str]:
    if not certificate:
        return set()
    return {certificate["number"], *(p["number"] for p in certificate.get("previous", []))} - {None}


def plain(value: Any, keep: set[str]) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {masked(str(k), keep): plain(v, keep) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [plain(v, keep) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return masked(str(value), keep)


def masked(text: str, keep: set[str]) -> str:
    """Mask ID-number-shaped runs, except the case's own certificate numbers (issued here, not personal data;
    a 13-character filing number makes them contain an 18-digit run)."""
    if not keep:
        return mask_id_number(text)
    parts = re.split("(" + "|".join(re.escape(n) for n in sorted(keep, key=len, reverse=True)) + ")", text)
    return "".join(part if part in keep else mask_id_number(part) for part in parts)
