"""Every problem's `field` is a field of the request it answers (issue 12 point 4: a retake after the window named
`applied_on`, applying at another body named `body_id` — fields no such request has).

A request's fields, read from the OpenAPI document: its path, query and header parameters, and every property of
its JSON body (`body` naming the body as a whole), nested ones dotted (`sanction.case_id`; `candidates.3.level` and `evidence.work[1].end` name an item
of a list, checked without the index). Three walks:
- every operation, asked in every way that goes wrong (`test_openapi_truth.attempts`: no token, a refused role,
  another body, an unknown record, a stale If-Match, a malformed or oversized body, a control character), on both
  stores: each problem's field is one of its request's, or a parameter the request sent that the operation does not
  declare (the edge refuses what was sent, by its name);
- the table of every command refusal (`test_case_commands.REFUSALS`, each answered with the field it lists there);
- every field a domain error or the HTTP layer names in the source (`field="…"`): a field of some request, or one
  of the few that name a setting or a CLI option, which no HTTP request answers.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from api.problems import HTTP_NAMES
from tests.api.test_case_commands import REFUSALS
from tests.api.test_openapi_truth import api_app, attempts, bearer, client, document, home_case  # noqa: F401  (fixtures)
from tests.support.live_server import operations

SRC = Path(__file__).resolve().parents[2] / "src"
# Fields that name a setting, a data file or a CLI option: no HTTP request carries them, none is answered over HTTP.
NOT_HTTP = {"CASES_TODAY", "CASES_ID_HASH_KEY", "CASES_DATABASE_URL", "CASES_CIPHER_KEY", "standards", "data_dir", "token_id",
            "retake_fees", "role", "expected_version"}  # fmt: skip
# Guards on values the product computes itself, which no request gives: the month a cohort rule defers to (always
# the next), a cohort's headcount (counted, never negative).
COMPUTED = {"to_month", "headcount"}


def request_fields(document: dict[str, Any], method: str, path: str) -> set[str]:
    operation = document["paths"][path][method.lower()]
    names = {p["name"] for p in operation.get("parameters", [])}
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content:  # `body`: the body as a whole (malformed, or too large to read)
        names |= {"body", *_properties(document, content.get("schema", {}), "")}
    return names


def _properties(document: dict[str, Any], schema: dict[str, Any], prefix: str, depth: int = 0) -> set[str]:
    if depth > 6:
        return set()
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    found: set[str] = set()
    for option in (*schema.get("anyOf", []), *schema.get("oneOf", []), *schema.get("allOf", [])):
        found |= _properties(document, option, prefix, depth + 1)
    if schema.get("type") == "array" and "items" in schema:
        found |= _properties(document, schema["items"], prefix, depth + 1)
    for name, inner in schema.get("properties", {}).items():
        found.add(prefix + name)
        found |= _properties(document, inner, f"{prefix}{name}.", depth + 1)
    if isinstance(schema.get("additionalProperties"), dict):  # a free-form map: any key under it
        found.add(prefix + "*")
    return found


def without_indexes(field: str) -> str:
    """`candidates.3.level` → `candidates.level`; `evidence.work[1].end` → `evidence.work.end`."""
    return ".".join(part for part in re.sub(r"\[\d+\]", "", field).split(".") if not part.isdigit())


def is_request_field(field: str, fields: set[str]) -> bool:
    plain = without_indexes(field)
    return plain in fields or any(f.endswith("*") and plain.startswith(f[:-1]) for f in fields)


def test_every_problem_of_every_operation_names_a_field_of_its_request(document, client, bearer, home_case):
    failures, named = [], 0
    for method, path in operations(document):
        declared = request_fields(document, method, path)
        for tried, call, headers in attempts(method, path, document, home_case, bearer):
            fields = declared | set(call.params) | set(headers)  # what this request carried, declared or not
            answer = call.send(client, headers)
            if answer.status_code < 400 or not answer.headers.get("content-type", "").startswith("application/problem+json"):
                continue
            problem = answer.json()
            for field in [problem.get("field"), *(e.get("field") for e in problem.get("errors", []))]:
                if field is None or field == "":
                    continue
                named += 1
                if not is_request_field(field, fields):
                    failures.append(f"{method} {path} ({tried}): {problem['code']} names {field!r}, not one of {sorted(fields)}")
    assert not failures, "\n".join(failures)
    assert named > 50, f"only {named} fields were named: the walk did not reach the refusals"


@pytest.mark.parametrize("refusal", REFUSALS, ids=str)
def test_every_command_refusal_names_a_field_of_its_request(document, refusal):
    fields = request_fields(document, "POST", f"/cases/{{case_id}}/{refusal.what}")
    assert refusal.field is None or is_request_field(refusal.field, fields), (refusal.field, sorted(fields))


def test_every_field_a_refusal_names_in_the_source_is_a_field_of_some_request(document):
    every = set().union(*(request_fields(document, m, p) for m, p in operations(document)))
    named = {
        match
        for path in SRC.rglob("*.py")
        if "cli" not in path.relative_to(SRC).parts[:1]
        for match in re.findall(r'field="([^"]+)"', path.read_text(encoding="utf-8"))
    }
    unknown = sorted(f for f in named if not is_request_field(HTTP_NAMES.get(f, f), every) and f not in NOT_HTTP | COMPUTED)
    assert unknown == [], f"fields no request has: {unknown}"


def test_a_stale_if_match_is_answered_on_the_header_the_request_sent():
    assert HTTP_NAMES == {"expected_version": "If-Match"}
