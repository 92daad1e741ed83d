"""An application's evidence is typed in the OpenAPI document (issue 12, finding 6: it was an undocumented free-form
object), and the domain still judges it: a wrong evidence is refused with the domain's `invalid_evidence`, naming
its path (`evidence.work[1].end`), never FastAPI's `invalid_request`. The documented shape is held to the domain's
dataclasses, so the two cannot drift apart."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from api.app import create_app
from cases.limits import MAX_EVIDENCE_ITEMS
from cases.rules.evidence import (
    CERTIFICATE_SOURCES,
    EDUCATION_KINDS,
    EDUCATION_STATUSES,
    TITLE_GRADES,
    Education,
    Evidence,
    HeldCertificate,
    ProfessionalTitle,
    WorkPeriod,
)
from cases.settings import Settings
from tests.builders import new_id_number

DOMAIN = {"Evidence": Evidence, "EvidenceWork": WorkPeriod, "EvidenceCertificate": HeldCertificate, "EvidenceTitle": ProfessionalTitle, "EvidenceEducation": Education}  # fmt: skip
CHOICES = {("EvidenceEducation", "kind"): EDUCATION_KINDS, ("EvidenceEducation", "status"): EDUCATION_STATUSES,
           ("EvidenceTitle", "grade"): TITLE_GRADES, ("EvidenceCertificate", "source"): CERTIFICATE_SOURCES}  # fmt: skip
LISTS = {"work": "EvidenceWork", "certificates": "EvidenceCertificate", "titles": "EvidenceTitle", "education": "EvidenceEducation"}


@pytest.fixture(scope="module")
def schemas() -> dict[str, Any]:
    app = create_app(Settings(data_dir=Path("/nonexistent/never-opened"), id_hash_key="k"), in_process_projections=False)
    return app.openapi()["components"]["schemas"]


def test_the_documented_evidence_has_the_domains_fields_and_choices(schemas):
    for name, kind in DOMAIN.items():
        assert set(schemas[name]["properties"]) == {f.name for f in fields(kind)}, name
        assert schemas[name].get("additionalProperties") is False, f"{name}: an unknown field is refused"
    for (name, field), choices in CHOICES.items():
        assert schemas[name]["properties"][field]["enum"] == list(choices), (name, field)
    for field, item in LISTS.items():
        listed = schemas["Evidence"]["properties"][field]
        assert listed["items"] == {"$ref": f"#/components/schemas/{item}"} and listed["maxItems"] == MAX_EVIDENCE_ITEMS
    for request in ("ApplyRequest", "BatchCandidate"):
        assert schemas[request]["properties"]["evidence"]["$ref"] == "#/components/schemas/Evidence", request


def test_the_evidence_schemas_examples_make_an_evidence_the_domain_accepts(schemas):
    def item(name: str) -> dict[str, Any]:
        properties, required = schemas[name]["properties"], set(schemas[name].get("required", ()))
        assert all("examples" in properties[field] for field in required), f"{name}: a required field without an example"
        return {field: spec["examples"][0] for field, spec in properties.items() if "examples" in spec}

    declared = {field: [item(name)] for field, name in LISTS.items()}
    evidence = Evidence.from_dict(declared, as_of=date(2026, 3, 2))
    assert (len(evidence.work), len(evidence.certificates), len(evidence.titles), len(evidence.education)) == (1, 1, 1, 1)


def application(evidence: Any) -> dict[str, Any]:
    return {
        "name": "王芳", "id_number": new_id_number(), "body": "wgsh", "occupation": "互联网营销师", "work_type": "视频创推员",
        "level": 3, "applied_on": "2026-03-02", "evidence": evidence,
    }  # fmt: skip


WORKED = {"occupation": "互联网营销师", "start": "2014-03-01"}


@pytest.mark.parametrize(
    ("evidence", "field"),
    [
        ({"work": [WORKED, {"occupation": "互联网营销师", "start": "2020-01-01", "end": "2019-01-01"}]}, "evidence.work[1].end"),
        ({"work": [{"occupation": "互联网营销师", "start": 5}]}, "evidence.work[0].start"),
        ({"titles": [{"grade": "junior", "obtained_on": "2020-01-01"}]}, "evidence.titles[0].field_matches"),
        ({"education": [{"kind": "university", "major": "市场营销", "status": "graduated"}]}, "evidence.education[0].kind"),
        ({"salary": 8000}, "evidence.salary"),
        ("a sentence", "evidence"),
    ],
)
def test_a_wrong_evidence_is_refused_by_the_domain_naming_its_path(client, auth, evidence, field):
    answer = client.post("/cases", headers=auth("registrar", "wgsh"), json=application(evidence))
    assert answer.status_code == 422, answer.text
    assert (answer.json()["code"], answer.json()["field"]) == ("invalid_evidence", field)


def test_a_typed_evidence_is_accepted(client, auth):
    evidence = {"intends_to_work": False, "work": [WORKED], "titles": [{"grade": "intermediate", "obtained_on": "2019-12-01", "field_matches": True}]}
    answer = client.post("/cases", headers=auth("registrar", "wgsh"), json=application(evidence))
    assert answer.status_code == 201, answer.text
