"""Domain errors: every refusal names a stable code, the offending field and, where a rule refused, its clause.

A refused command writes nothing: errors are raised before any event is triggered, or before `save()`.
The HTTP layer maps `code` to a problem response; `http_status` is a hint for that mapping.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """Base of every named refusal. Subclasses set `code` (stable, snake_case) and `http_status`."""

    code: ClassVar[str] = "domain_error"
    http_status: ClassVar[int] = 422

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        clause: str | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.clause = clause
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "field": self.field,
            "clause": self.clause,
            "details": self.details,
        }

    def __str__(self) -> str:
        parts = [f"[{self.code}]"]
        if self.field:
            parts.append(f"{self.field}:")
        parts.append(self.message)
        if self.clause:
            parts.append(f"({self.clause})")
        return " ".join(parts)


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class Conflict(DomainError):
    """Two writers raced on one aggregate: this one lost and wrote nothing."""

    code = "conflict"
    http_status = 409


class StaleVersion(DomainError):
    """The caller's expected version is not the aggregate's current version."""

    code = "stale_version"
    http_status = 412


class InvalidInput(DomainError):
    code = "invalid_input"
    http_status = 422


class RuleViolation(DomainError):
    """A rule of the 2026 notices refused the command (the clause says which)."""

    code = "rule_violation"
    http_status = 422


class OutOfOrder(DomainError):
    """The command does not fit the case's current state (e.g. paying before approval)."""

    code = "out_of_order"
    http_status = 409


class FutureBusinessDate(InvalidInput):
    """A business date later than today (`cases.business_dates`): a command records what has happened, so the day
    a fee was paid, a result recorded or a retake requested cannot lie ahead. Planned dates may."""

    code = "business_date_in_future"
