"""Eligibility (申报条件): which clauses of an occupation standard an application's evidence satisfies.

The clauses are data, `rulebook/data/standards.toml`: "national-2023" (《国家职业标准编制技术规程(2023年版)》,
seed 000/001/004 附件1) and "quanmeiti-2023" (全媒体运营师 4-13-01-05, seed 002/003 附件1 1.9.1). One satisfied
clause is enough (DOMAIN §2); every clause of the level is evaluated and reported with its reason either way.
How years are counted, and the other decisions where the notices are silent, are in `eligibility_terms`.
"""

from __future__ import annotations

import inspect
import re
import tomllib
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from cases.errors import DomainError, RuleViolation
from cases.rules.eligibility_terms import CERTIFICATE_SCOPES, PARAMETERS, TERMS, Facts
from cases.rules.evidence import Evidence

STANDARDS_FILE = Path(__file__).resolve().parent.parent / "rulebook" / "data" / "standards.toml"
_CLAUSE_ID = re.compile(r"L([1-5])\(\d+\)")


class StandardsDataError(DomainError):
    """standards.toml is malformed: start-up stops here, naming the entry."""

    code = "standards_data_invalid"
    http_status = 500


class NoClausesForLevel(RuleViolation):
    code = "no_clauses_for_level"


class OccupationNotCovered(RuleViolation):
    """The standard is one occupation's (e.g. 全媒体运营师) and the case is for another."""

    code = "occupation_not_covered"


@dataclass(frozen=True)
class Term:
    name: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Clause:
    id: str
    level: int
    citation: str
    text: str
    text_en: str
    terms: tuple[Term, ...]
    certificate_scope: str = "this_or_related"


@dataclass(frozen=True)
class Standard:
    """An occupation standard's clause sets; a related list of None means the standard carries none."""

    id: str
    title: str
    levels: dict[int, tuple[Clause, ...]]
    occupation: str | None = None
    related_occupations: tuple[str, ...] | None = None
    related_majors: tuple[str, ...] | None = None

    def clauses(self, level: int) -> tuple[Clause, ...]:
        if not self.levels.get(level):
            offered = ", ".join(str(n) for n in sorted(self.levels, reverse=True))
            raise NoClausesForLevel(
                f"standard {self.id} has no eligibility clauses for level {level} (it has levels {offered})",
                field="level",
                standard=self.id,
                level=level,
            )
        return self.levels[level]


@dataclass(frozen=True)
class ClauseOutcome:
    clause: str
    citation: str
    text: str
    holds: bool
    reason: str
    values: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "clause": self.clause,
            "citation": self.citation,
            "text": self.text,
            "holds": self.holds,
            "reason": self.reason,
            "values": self.values,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClauseOutcome:
        return cls(**{key: data[key] for key in ("clause", "citation", "text", "holds", "reason", "values")})


@dataclass(frozen=True)
class EligibilityResult:
    level: int
    standard: str
    outcomes: tuple[ClauseOutcome, ...]

    @property
    def satisfied(self) -> tuple[ClauseOutcome, ...]:
        return tuple(outcome for outcome in self.outcomes if outcome.holds)

    @property
    def eligible(self) -> bool:
        return bool(self.satisfied)

    def first_satisfied(self) -> ClauseOutcome | None:
        """The first satisfied clause in the standard's order: the one approval relies on by default."""
        return next(iter(self.satisfied), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "standard": self.standard,
            "eligible": self.eligible,
            "outcomes": [outcome.to_dict() for outcome in self.outcomes],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EligibilityResult:
        outcomes = tuple(ClauseOutcome.from_dict(item) for item in data["outcomes"])
        return cls(level=data["level"], standard=data["standard"], outcomes=outcomes)


def evaluate_eligibility(
    *,
    standard: Standard,
    occupation: str,
    level: int,
    evidence: Evidence,
    birth_date: date,
    application_date: date,
) -> EligibilityResult:
    """Evaluate every clause of `level`; the result says which hold, why, and the facts decided."""
    if standard.occupation is not None and occupation != standard.occupation:
        raise OccupationNotCovered(
            f"standard {standard.id} is for {standard.occupation}, not {occupation}",
            field="occupation",
            standard=standard.id,
        )
    facts = Facts(
        occupation=occupation,
        evidence=evidence,
        birth_date=birth_date,
        application_date=application_date,
        related_occupations=standard.related_occupations,
        related_majors=standard.related_majors,
    )
    outcomes = tuple(_evaluate_clause(clause, facts) for clause in standard.clauses(level))
    return EligibilityResult(level=level, standard=standard.id, outcomes=outcomes)


def _evaluate_clause(clause: Clause, facts: Facts) -> ClauseOutcome:
    facts = replace(facts, certificate_scope=clause.certificate_scope)
    results = [TERMS[term.name](facts, **term.params) for term in clause.terms]
    values: dict[str, Any] = {}
    for result in results:
        values |= result.values
    return ClauseOutcome(
        clause=clause.id,
        citation=clause.citation,
        text=clause.text,
        holds=all(result.holds for result in results),
        reason="; ".join(result.reason for result in results),
        values=values,
    )


def load_standards(path: Path | None = None) -> dict[str, Standard]:
    """Load and check the standards' clause sets (default: the packaged standards.toml)."""
    path = path or STANDARDS_FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise StandardsDataError(f"{path.name}: cannot be read: {error}", field=path.name) from None
    standards = raw.get("standards")
    if not isinstance(standards, dict) or not standards:
        raise StandardsDataError(f"{path.name}: no [standards.<id>] tables", field="standards")
    return {sid: _standard(sid, entry, path.name) for sid, entry in standards.items()}


def _fail(source: str, where: str, message: str) -> StandardsDataError:
    return StandardsDataError(f"{source}: {where}: {message}", field=where)


def _standard(sid: str, entry: Any, source: str) -> Standard:
    where = f"standards.{sid}"
    _check_keys(entry, {"title", "occupation", "related_occupations", "related_majors", "clauses"}, source, where)
    if not isinstance(entry.get("title"), str) or not entry["title"]:
        raise _fail(source, where, "needs a title")
    levels: dict[int, list[Clause]] = {}
    seen: set[str] = set()
    for index, item in enumerate(entry.get("clauses") or []):
        clause = _clause(item, source, f"{where}.clauses[{index}]")
        if clause.id in seen:
            raise _fail(source, f"{where}.clauses[{index}]", f"clause {clause.id} is listed twice")
        seen.add(clause.id)
        levels.setdefault(clause.level, []).append(clause)
    if not levels:
        raise _fail(source, where, "has no clauses")
    return Standard(
        id=sid,
        title=entry["title"],
        levels={level: tuple(clauses) for level, clauses in levels.items()},
        occupation=entry.get("occupation"),
        related_occupations=_names(entry, "related_occupations", source, where),
        related_majors=_names(entry, "related_majors", source, where),
    )


def _clause(item: Any, source: str, where: str) -> Clause:
    _check_keys(item, {"id", "level", "citation", "text", "text_en", "all", "certificate_scope"}, source, where)
    match = _CLAUSE_ID.fullmatch(str(item.get("id")))
    if match is None or type(item.get("level")) is not int or item["level"] != int(match.group(1)):
        raise _fail(source, where, f"id {item.get('id')!r} must read L<level>(<n>) and agree with level")
    where = f"{where} ({item['id']})"
    for key in ("citation", "text", "text_en"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise _fail(source, where, f"needs a non-empty {key}")
    scope = item.get("certificate_scope", "this_or_related")
    if scope not in CERTIFICATE_SCOPES:
        raise _fail(source, where, f"certificate_scope must be one of {', '.join(CERTIFICATE_SCOPES)}")
    terms = tuple(_term(term, source, f"{where}.all[{i}]") for i, term in enumerate(item.get("all") or []))
    names = [term.name for term in terms]
    if not terms or len(set(names)) != len(names):
        raise _fail(source, where, "needs `all`, a non-empty list of distinct terms")
    return Clause(item["id"], item["level"], item["citation"], item["text"], item["text_en"], terms, scope)


def _term(item: Any, source: str, where: str) -> Term:
    if not isinstance(item, dict) or item.get("term") not in TERMS:
        raise _fail(source, where, f"unknown term; known: {', '.join(TERMS)}")
    params = {key: value for key, value in item.items() if key != "term"}
    try:
        inspect.signature(TERMS[item["term"]]).bind(None, **params)
    except TypeError as error:
        raise _fail(source, where, f"{item['term']}: {error}") from None
    for key, value in params.items():
        if not PARAMETERS[key](value):
            raise _fail(source, where, f"{item['term']}: invalid {key} {value!r}")
    return Term(item["term"], params)


def _names(entry: dict[str, Any], key: str, source: str, where: str) -> tuple[str, ...] | None:
    names = entry.get(key)
    if names is None:
        return None
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names) or len(set(names)) != len(names):
        raise _fail(source, f"{where}.{key}", "must be a list of distinct non-empty names")
    return tuple(names)


def _check_keys(entry: Any, known: set[str], source: str, where: str) -> None:
    if not isinstance(entry, dict):
        raise _fail(source, where, "must be a table")
    unknown = sorted(set(entry) - known)
    if unknown:
        raise _fail(source, where, f"unknown keys {', '.join(unknown)}")
