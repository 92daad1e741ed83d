"""Evidence an application declares (申报材料): work history, certificates, professional titles, education.

The Applied event stores `Evidence.to_dict()` (ISO date strings, lists), so a replay re-reads exactly what was
declared. `Evidence.from_dict(data, as_of=...)` validates user input and names the offending field as a path
("evidence.work[1].end"); replay omits `as_of`, so a date is never judged against today.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from cases.errors import InvalidInput
from cases.limits import FIRST_DAY, LAST_DAY, MAX_EVIDENCE_ITEMS, TEXT, control_character, date_out_of_range

EDUCATION_KINDS = {
    "technical_school": "技工院校",
    "secondary_vocational": "中等职业学校",
    "higher_vocational": "高等职业学校",
    "college": "专科及以上普通高等学校",
    "technical_school_senior_class": "技工院校高级工班及以上",
    "senior_technical_school": "高级技工学校",
    "technician_college": "技师学院",
    "technician_class": "技师学院预备技师班/技师班",
}
EDUCATION_STATUSES = {"graduated": "毕业", "graduating": "在读应届毕业生", "enrolled": "在读"}
TITLE_GRADES = {"junior": "初级职称", "intermediate": "中级职称", "senior": "高级职称"}
CERTIFICATE_SOURCES = ("declared", "register")  # "register": issued by this product, checked by the caller
LEVELS = range(1, 6)


class InvalidEvidence(InvalidInput):
    code = "invalid_evidence"


@dataclass(frozen=True)
class WorkPeriod:
    """A period working in an occupation; `end` None means ongoing.

    `related` is the body's declared attestation that the occupation is related (its pre-review), used only when
    the standard carries no list of related occupations.
    """

    occupation: str
    start: date
    end: date | None = None
    related: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "occupation": self.occupation,
            "start": self.start.isoformat(),
            "end": _iso(self.end),
            "related": self.related,
        }

    @classmethod
    def from_dict(cls, data: Any, *, as_of: date | None = None, path: str = "work") -> WorkPeriod:
        f = _Fields(data, path, as_of, {"occupation", "start", "end", "related"})
        period = cls(f.text("occupation"), f.iso_date("start"), f.iso_date("end", optional=True), f.flag("related"))
        if period.end is not None and period.end < period.start:
            raise InvalidEvidence("the period ends before it starts", field=f"{path}.end")
        return period


@dataclass(frozen=True)
class HeldCertificate:
    """A vocational qualification or skill-level certificate (职业资格/职业技能等级证书) of one level."""

    occupation: str
    level: int
    issued_on: date
    number: str | None = None
    related: bool | None = None
    source: str = "declared"

    def to_dict(self) -> dict[str, Any]:
        return {
            "occupation": self.occupation,
            "level": self.level,
            "issued_on": self.issued_on.isoformat(),
            "number": self.number,
            "related": self.related,
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: Any, *, as_of: date | None = None, path: str = "certificates") -> HeldCertificate:
        f = _Fields(data, path, as_of, {"occupation", "level", "issued_on", "number", "related", "source"})
        return cls(
            occupation=f.text("occupation"),
            level=f.level("level"),
            issued_on=f.iso_date("issued_on"),
            number=f.text("number", optional=True),
            related=f.flag("related"),
            source=f.choice("source", CERTIFICATE_SOURCES, default="declared"),
        )


@dataclass(frozen=True)
class ProfessionalTitle:
    """A professional title (职称): junior 初级, intermediate 中级 or senior 高级; `field_matches`: 符合专业对应关系."""

    grade: str
    obtained_on: date
    field_matches: bool

    def to_dict(self) -> dict[str, Any]:
        return {"grade": self.grade, "obtained_on": self.obtained_on.isoformat(), "field_matches": self.field_matches}

    @classmethod
    def from_dict(cls, data: Any, *, as_of: date | None = None, path: str = "titles") -> ProfessionalTitle:
        f = _Fields(data, path, as_of, {"grade", "obtained_on", "field_matches"})
        return cls(f.choice("grade", TITLE_GRADES), f.iso_date("obtained_on"), f.flag("field_matches", required=True))


@dataclass(frozen=True)
class Education:
    """A diploma held or expected (`status` "graduating": 在读应届毕业生); kinds in `EDUCATION_KINDS`.

    `major_relevant` is the declared attestation, used only when the standard carries no list of related majors;
    `assessed_programme`: the programme was assessed and certified (经评估论证).
    A graduating or enrolled student's `completed_on` is the expected date and may lie in the future.
    """

    kind: str
    major: str
    status: str
    completed_on: date | None = None
    major_relevant: bool | None = None
    assessed_programme: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "major": self.major,
            "status": self.status,
            "completed_on": _iso(self.completed_on),
            "major_relevant": self.major_relevant,
            "assessed_programme": self.assessed_programme,
        }

    @classmethod
    def from_dict(cls, data: Any, *, as_of: date | None = None, path: str = "education") -> Education:
        keys = {"kind", "major", "status", "completed_on", "major_relevant", "assessed_programme"}
        f = _Fields(data, path, as_of, keys)
        status = f.choice("status", EDUCATION_STATUSES)
        return cls(
            kind=f.choice("kind", EDUCATION_KINDS),
            major=f.text("major"),
            status=status,
            completed_on=f.iso_date("completed_on", optional=True, may_be_future=status != "graduated"),
            major_relevant=f.flag("major_relevant"),
            assessed_programme=bool(f.flag("assessed_programme")),
        )


@dataclass(frozen=True)
class Evidence:
    intends_to_work: bool = False
    work: tuple[WorkPeriod, ...] = ()
    certificates: tuple[HeldCertificate, ...] = ()
    titles: tuple[ProfessionalTitle, ...] = ()
    education: tuple[Education, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "intends_to_work": self.intends_to_work,
            "work": [p.to_dict() for p in self.work],
            "certificates": [c.to_dict() for c in self.certificates],
            "titles": [t.to_dict() for t in self.titles],
            "education": [e.to_dict() for e in self.education],
        }

    @classmethod
    def from_dict(cls, data: Any, *, as_of: date | None = None, path: str = "evidence") -> Evidence:
        """Parse and validate; `as_of` (the application date) refuses dates after it."""
        keys = {"intends_to_work", "work", "certificates", "titles", "education"}
        f = _Fields(data, path, as_of, keys)
        return cls(
            intends_to_work=bool(f.flag("intends_to_work")),
            work=f.items("work", WorkPeriod),
            certificates=f.items("certificates", HeldCertificate),
            titles=f.items("titles", ProfessionalTitle),
            education=f.items("education", Education),
        )


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


class _Fields:
    """Reads one JSON object's fields, raising InvalidEvidence with the field's path."""

    def __init__(self, data: Any, path: str, as_of: date | None, known: set[str]) -> None:
        if not isinstance(data, Mapping):
            raise InvalidEvidence("expected an object", field=path)
        for key in data:
            if key not in known:
                if not isinstance(key, str) or len(key) > TEXT["code"] or control_character(key):
                    raise InvalidEvidence(f"an unknown field (known: {', '.join(sorted(known))})", field=path)
                raise InvalidEvidence(f"unknown field {key!r}", field=f"{path}.{key}")
        self.data, self.path, self.as_of = data, path, as_of

    def _path(self, name: str) -> str:
        return f"{self.path}.{name}"

    def text(self, name: str, *, optional: bool = False) -> str | None:
        value = self.data.get(name)
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            raise InvalidEvidence("expected a non-empty string", field=self._path(name))
        if len(value) > TEXT["evidence"]:
            raise InvalidEvidence(f"at most {TEXT['evidence']} characters, not {len(value)}", field=self._path(name))
        if control_character(value):
            raise InvalidEvidence(f"holds the control character {control_character(value)}", field=self._path(name))
        return value.strip()

    def iso_date(self, name: str, *, optional: bool = False, may_be_future: bool = False) -> date | None:
        value = self.data.get(name)
        if value is None and optional:
            return None
        try:
            parsed = value if type(value) is date else date.fromisoformat(value)
        except (TypeError, ValueError):
            raise InvalidEvidence("expected an ISO date (YYYY-MM-DD)", field=self._path(name)) from None
        if date_out_of_range(parsed):
            raise InvalidEvidence(f"expected a date from {FIRST_DAY} to {LAST_DAY}", field=self._path(name))
        if self.as_of is not None and not may_be_future and parsed > self.as_of:
            raise InvalidEvidence(f"{parsed} is after {self.as_of}", field=self._path(name))
        return parsed

    def flag(self, name: str, *, required: bool = False) -> bool | None:
        value = self.data.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, bool):
            raise InvalidEvidence("expected true or false", field=self._path(name))
        return value

    def level(self, name: str) -> int:
        value = self.data.get(name)
        if type(value) is not int or value not in LEVELS:
            raise InvalidEvidence("expected a level from 1 to 5", field=self._path(name))
        return value

    def choice(self, name: str, choices: Mapping[str, str] | tuple[str, ...], default: str | None = None) -> str:
        value = self.data.get(name, default)
        if not isinstance(value, str) or value not in choices:
            raise InvalidEvidence(f"expected one of {', '.join(choices)}", field=self._path(name))
        return value

    def items(self, name: str, kind: Any) -> tuple:
        values = self.data.get(name, [])
        if not isinstance(values, list | tuple):
            raise InvalidEvidence("expected a list", field=self._path(name))
        if len(values) > MAX_EVIDENCE_ITEMS:
            raise InvalidEvidence(f"at most {MAX_EVIDENCE_ITEMS} entries, not {len(values)}", field=self._path(name))
        return tuple(
            kind.from_dict(item, as_of=self.as_of, path=f"{self._path(name)}[{i}]") for i, item in enumerate(values)
        )
