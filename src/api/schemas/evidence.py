"""Evidence (申报材料): its shape, for the document; the domain checks it."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator

from cases.limits import MAX_EVIDENCE_ITEMS, TEXT
from cases.rules.evidence import CERTIFICATE_SOURCES, EDUCATION_KINDS, EDUCATION_STATUSES, TITLE_GRADES


def _choices(labels: dict[str, str]) -> str:
    return ", ".join(f"`{code}` ({label})" for code, label in labels.items())


class EvidenceWork(BaseModel):
    """A period working in an occupation (工作年限)."""

    model_config = ConfigDict(extra="forbid")

    occupation: str = Field(min_length=1, max_length=TEXT["evidence"], examples=["互联网营销师"])
    start: date = Field(description="not after the application date", examples=["2014-03-01"])
    end: date | None = Field(default=None, description="absent or null: ongoing; not before `start`")
    related: bool | None = Field(default=None, description="the body's attestation that the occupation is related, read only where the standard lists no related occupations")


class EvidenceCertificate(BaseModel):
    """A vocational qualification or skill-level certificate held (职业资格/职业技能等级证书), of one level."""

    model_config = ConfigDict(extra="forbid")

    occupation: str = Field(min_length=1, max_length=TEXT["evidence"], examples=["互联网营销师"])
    level: int = Field(ge=1, le=5, examples=[4])
    issued_on: date = Field(description="not after the application date", examples=["2021-06-30"])
    number: str | None = Field(default=None, max_length=TEXT["evidence"], description="one this product issued is checked against its own register at review")
    related: bool | None = Field(default=None, description="the body's attestation that the occupation is related")
    source: Literal[CERTIFICATE_SOURCES] = Field(default="declared", description="`declared` by the candidate, or `register`: issued by this product")  # type: ignore[valid-type]


class EvidenceTitle(BaseModel):
    """A professional title held (职称)."""

    model_config = ConfigDict(extra="forbid")

    grade: Literal[tuple(TITLE_GRADES)] = Field(description=_choices(TITLE_GRADES), examples=["intermediate"])  # type: ignore[valid-type]
    obtained_on: date = Field(description="not after the application date", examples=["2019-12-01"])
    field_matches: bool = Field(description="符合专业对应关系: the title's field corresponds to the occupation", examples=[True])


class EvidenceEducation(BaseModel):
    """A diploma held or expected (学历)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal[tuple(EDUCATION_KINDS)] = Field(description=_choices(EDUCATION_KINDS), examples=["higher_vocational"])  # type: ignore[valid-type]
    major: str = Field(min_length=1, max_length=TEXT["evidence"], examples=["市场营销"])
    status: Literal[tuple(EDUCATION_STATUSES)] = Field(description=_choices(EDUCATION_STATUSES), examples=["graduated"])  # type: ignore[valid-type]
    completed_on: date | None = Field(default=None, description="graduated: not after the application date; graduating or enrolled: the expected date, may lie ahead")
    major_relevant: bool | None = Field(default=None, description="the declared attestation that the major is related, read only where the standard lists no related majors")
    assessed_programme: bool = Field(default=False, description="经评估论证: the programme was assessed and certified")


class Evidence(BaseModel):
    """What an application declares (申报材料), as `cases.rules.evidence.Evidence` reads it: the review decides
    eligibility from it. A wrong evidence is refused with `invalid_evidence`, its `field` the path
    (`evidence.work[1].end`)."""

    model_config = ConfigDict(extra="forbid")

    intends_to_work: bool = Field(default=False, description="拟从事本职业或相关职业工作: intends to work in the occupation or a related one")
    work: list[EvidenceWork] = Field(default_factory=list, json_schema_extra={"maxItems": MAX_EVIDENCE_ITEMS})
    certificates: list[EvidenceCertificate] = Field(default_factory=list, json_schema_extra={"maxItems": MAX_EVIDENCE_ITEMS})
    titles: list[EvidenceTitle] = Field(default_factory=list, json_schema_extra={"maxItems": MAX_EVIDENCE_ITEMS})
    education: list[EvidenceEducation] = Field(default_factory=list, json_schema_extra={"maxItems": MAX_EVIDENCE_ITEMS})


def _as_declared(value: Any) -> Any:
    """Evidence is checked by the domain (`Evidence.from_dict`), which refuses with `invalid_evidence` naming the
    offending path (`evidence.work[1].end`): here it passes as sent, so that every wrong evidence gets that answer."""
    return value


DeclaredEvidence = Annotated[Any, PlainValidator(_as_declared, json_schema_input_type=Evidence)]
