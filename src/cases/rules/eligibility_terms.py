"""Requirement terms of the eligibility clauses (申报条件), seed 000/001/004 附件1 and seed 002/003 附件1 1.9.1.

Each term is a small pure function `term(facts, **params) -> TermResult`; `standards.toml` composes them into
clauses (`all = [{ term = "certificate_then_years", level = 5, years = 3 }, ...]`).

Decisions (the notices are silent):
- Years of work (累计从事本职业或相关职业工作满 N 年) are calendar days in the union of the qualifying work
  periods: overlapping periods are not double counted, an ongoing period ends on the application date, both ends
  are inclusive, nothing after the application date counts. "满 N 年" holds when the count is ≥ N × 365 days.
- "After the certificate/title" (取得…后) counts only the qualifying work days strictly after its date.
- "Certificate held N years" (证书满 2 年) holds from the Nth anniversary of its issue date (29 February → 1 March).
- A certificate "of level n" is exactly level n, as the text says: a higher certificate does not substitute.
- Related (相关职业/相关专业): where the standard lists related occupations (or majors), only the list counts and the
  declared `related`/`major_relevant` is ignored; where it lists none, the body's declared attestation counts.
  `values["related_basis"]`/`values["major_basis"]` record which basis decided.
- Titles always need a matching field (符合专业对应关系).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from cases.rules.evidence import (
    EDUCATION_KINDS,
    EDUCATION_STATUSES,
    LEVELS,
    TITLE_GRADES,
    Evidence,
    HeldCertificate,
)
from cases.rules.periods import anniversary

YEAR_DAYS = 365
CERTIFICATE_SCOPES = ("this_or_related", "related_only")  # related_only: 取得相关职业…证书 (own occupation excluded)
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Facts:
    """One application's facts, as one clause reads them."""

    occupation: str
    evidence: Evidence
    birth_date: date
    application_date: date
    related_occupations: tuple[str, ...] | None = None
    related_majors: tuple[str, ...] | None = None
    certificate_scope: str = "this_or_related"

    @property
    def related_basis(self) -> str:
        return "declared_attestation" if self.related_occupations is None else "standard_list"

    @property
    def major_basis(self) -> str:
        return "declared_attestation" if self.related_majors is None else "standard_list"

    def occupation_counts(self, occupation: str, declared_related: bool | None, *, own: bool = True) -> bool:
        if occupation == self.occupation:
            return own
        if self.related_occupations is not None:
            return occupation in self.related_occupations
        return declared_related is True

    def major_counts(self, major: str, declared_relevant: bool | None) -> bool:
        if self.related_majors is not None:
            return major in self.related_majors
        return declared_relevant is True


@dataclass(frozen=True)
class TermResult:
    holds: bool
    reason: str
    values: dict[str, Any]


def _work_days(facts: Facts, after: date | None = None) -> tuple[int, list[int]]:
    """Days in the union of qualifying work periods, up to the application date and strictly after `after`."""
    spans, counted = [], []
    for index, period in enumerate(facts.evidence.work):
        if not facts.occupation_counts(period.occupation, period.related):
            continue
        start = period.start if after is None else max(period.start, after + _ONE_DAY)
        end = min(period.end or facts.application_date, facts.application_date)
        if start <= end:
            spans.append((start, end))
            counted.append(index)
    days, reach = 0, None  # reach: the last day already counted
    for start, end in sorted(spans):
        if reach is not None:
            start = max(start, reach + _ONE_DAY)
        if start <= end:
            days += (end - start).days + 1
        reach = end if reach is None else max(reach, end)
    return days, counted


def _years_result(facts: Facts, required: int, what: str, after: date | None, key: str) -> TermResult:
    days, counted = _work_days(facts, after)
    holds = days >= required * YEAR_DAYS
    years = days * 100 // YEAR_DAYS / 100  # truncated: 1,824 days read 4.99 years, never 5.00
    verdict = "at least" if holds else "short of"
    reason = f"{years:.2f} years ({days} days) of qualifying work{what}: {verdict} {required}"
    values = {
        f"years{key}": years,
        f"days{key}": days,
        f"required_years{key}": required,
        f"work_periods_counted{key}": counted,
        "related_basis": facts.related_basis,
    }
    return TermResult(holds, reason, values)


def _certificates(facts: Facts, level: int) -> list[tuple[int, HeldCertificate]]:
    """Qualifying certificates of exactly `level` issued by the application date, earliest first."""
    own = facts.certificate_scope == "this_or_related"
    found = [
        (i, c)
        for i, c in enumerate(facts.evidence.certificates)
        if c.level == level
        and c.issued_on <= facts.application_date
        and facts.occupation_counts(c.occupation, c.related, own=own)
    ]
    return sorted(found, key=lambda item: item[1].issued_on)


def _no_certificate(facts: Facts, level: int) -> TermResult:
    if facts.certificate_scope == "related_only":
        whose = f"an occupation related to {facts.occupation} (its own does not count)"
    else:
        whose = f"{facts.occupation} or a related occupation"
    values = {"certificate": None, "certificate_scope": facts.certificate_scope, "related_basis": facts.related_basis}
    return TermResult(False, f"no level-{level} certificate of {whose}", values)


def _certificate_values(facts: Facts, index: int, certificate: HeldCertificate) -> dict[str, Any]:
    return {
        "certificate": certificate.to_dict(),
        "certificate_index": index,
        "certificate_scope": facts.certificate_scope,
        "related_basis": facts.related_basis,
    }


def age_at_least(facts: Facts, *, years: int) -> TermResult:
    """年满 N 周岁 on the application date (a 29 February birthday falls on 1 March)."""
    born, day = facts.birth_date, facts.application_date
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    holds = age >= years
    reason = f"aged {age} on {day}: " + ("at least" if holds else "under") + f" {years}"
    return TermResult(holds, reason, {"age": age, "required_age": years})


def intends_to_work(facts: Facts) -> TermResult:
    """拟从事本职业或相关职业工作: the declared intention."""
    holds = facts.evidence.intends_to_work
    reason = ("declares" if holds else "does not declare") + f" the intention to work as {facts.occupation} or related"
    return TermResult(holds, reason, {"intends_to_work": holds})


def working_on_application_date(facts: Facts) -> TermResult:
    """从事本职业或相关职业工作: a qualifying work period covers the application date (ongoing, or ending on it)."""
    day = facts.application_date
    for index, period in enumerate(facts.evidence.work):
        if period.start <= day and (period.end is None or period.end >= day):
            if facts.occupation_counts(period.occupation, period.related):
                values = {"current_period": period.to_dict(), "current_period_index": index}
                values["related_basis"] = facts.related_basis
                return TermResult(True, f"works as {period.occupation} on {day}", values)
    values = {"current_period": None, "related_basis": facts.related_basis}
    return TermResult(False, f"no qualifying work period covers {day}", values)


def years_total(facts: Facts, *, years: int) -> TermResult:
    """累计从事本职业或相关职业工作满 N 年."""
    return _years_result(facts, years, "", None, "")


def certificate_then_years(facts: Facts, *, level: int, years: int) -> TermResult:
    """取得…N级证书后，累计从事本职业或相关职业工作满 N 年 (the earliest qualifying certificate counts)."""
    found = _certificates(facts, level)
    if not found:
        return _no_certificate(facts, level)
    index, certificate = found[0]
    after = f" after the level-{level} certificate of {certificate.issued_on}"
    result = _years_result(facts, years, after, certificate.issued_on, "_after_certificate")
    return TermResult(result.holds, result.reason, result.values | _certificate_values(facts, index, certificate))


def certificate_held(facts: Facts, *, level: int) -> TermResult:
    """取得…N级证书 (no time condition)."""
    found = _certificates(facts, level)
    if not found:
        return _no_certificate(facts, level)
    index, certificate = found[0]
    reason = f"holds a level-{level} certificate of {certificate.occupation} issued {certificate.issued_on}"
    return TermResult(True, reason, _certificate_values(facts, index, certificate))


def certificate_held_years(facts: Facts, *, level: int, years: int) -> TermResult:
    """取得…N级证书满 N 年: from the issue date's Nth anniversary."""
    found = _certificates(facts, level)
    if not found:
        return _no_certificate(facts, level)
    index, certificate = found[0]
    since = anniversary(certificate.issued_on, years)
    holds = facts.application_date >= since
    reason = f"level-{level} certificate issued {certificate.issued_on} held {years} years " + (
        f"since {since}" if holds else f"only from {since}"
    )
    values = _certificate_values(facts, index, certificate) | {"held_years_from": since.isoformat()}
    return TermResult(holds, reason, values | {"required_years_held": years})


def title_then_years(facts: Facts, *, grade: str, years: int) -> TermResult:
    """取得符合专业对应关系的X级职称后，累计从事本职业或相关职业工作满 N 年 (the earliest such title counts)."""
    found = sorted(
        (
            (i, t)
            for i, t in enumerate(facts.evidence.titles)
            if t.grade == grade and t.field_matches and t.obtained_on <= facts.application_date
        ),
        key=lambda item: item[1].obtained_on,
    )
    if not found:
        reason = f"no {grade} title in a matching field"
        return TermResult(False, reason, {"title": None, "required_title_grade": grade})
    index, title = found[0]
    after = f" after the {grade} title of {title.obtained_on}"
    result = _years_result(facts, years, after, title.obtained_on, "_after_title")
    return TermResult(result.holds, result.reason, result.values | {"title": title.to_dict(), "title_index": index})


def education(
    facts: Facts,
    *,
    kinds: list[str],
    statuses: list[str],
    relevant_major: bool = True,
    assessed_programme: bool = False,
) -> TermResult:
    """A diploma (or graduating status) of one of `kinds`, in a relevant major where the clause asks for one."""
    basis = {"major_basis": facts.major_basis} if relevant_major else {}
    for index, entry in enumerate(facts.evidence.education):
        if entry.kind not in kinds or entry.status not in statuses:
            continue
        if assessed_programme and not entry.assessed_programme:
            continue
        if relevant_major and not facts.major_counts(entry.major, entry.major_relevant):
            continue
        values = {"education": entry.to_dict(), "education_index": index} | basis
        return TermResult(True, f"{entry.status} at {_kind(entry.kind)} in {entry.major}", values)
    wanted = " or ".join(_kind(kind) for kind in kinds)
    reason = f"no education ({' or '.join(statuses)}) at {wanted}" + (" in a relevant major" if relevant_major else "")
    reason += " from an assessed programme" if assessed_programme else ""
    return TermResult(False, reason, {"education": None} | basis)


def _kind(kind: str) -> str:
    return kind.replace("_", " ")


TERMS = {
    term.__name__: term
    for term in (
        age_at_least,
        intends_to_work,
        working_on_application_date,
        years_total,
        certificate_then_years,
        certificate_held,
        certificate_held_years,
        title_then_years,
        education,
    )
}

# What each parameter may hold; `standards.toml` is checked against these when loaded.
PARAMETERS = {
    "years": lambda v: type(v) is int and v > 0,
    "level": lambda v: type(v) is int and v in LEVELS,
    "grade": lambda v: isinstance(v, str) and v in TITLE_GRADES,
    "kinds": lambda v: _non_empty_subset(v, EDUCATION_KINDS),
    "statuses": lambda v: _non_empty_subset(v, EDUCATION_STATUSES),
    "relevant_major": lambda v: isinstance(v, bool),
    "assessed_programme": lambda v: isinstance(v, bool),
}


def _non_empty_subset(value: Any, allowed: Iterable[str]) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v in allowed for v in value)
