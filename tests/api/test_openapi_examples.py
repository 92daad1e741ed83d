"""Every example in the OpenAPI document is valid, and accepted on a fresh store holding the demo year (issue 12,
finding 6: the apply example's ID number failed the product's own check).

What is checkable, and so checked (the decision):
- Every value the document gives as an example — each body field's, each query and path parameter's — is sent
  verbatim, as the document's own request for its operation (`example_request`). A required parameter or field
  without an example fails the walk: an integrator would have nothing to copy.
- What no example can hold is taken from the store, as an integrator would take it from an earlier answer: the ids
  of records (`case_id`, `sitting_id`, `candidate_id`, `complaint_id`, `verification_id`) and a certificate's
  number and holder's name for the public check. An example naming a record (e.g. `sitting_id` in a body) is
  replaced by the record the walk made with the matching example.
- The walk is a story on one new case at 上海市网购商会 (wgsh), in `STORY` order: plan the sitting, apply, look the
  candidate up, review, pay, take a seat, fetch the ticket, sit, record a result, sanction, withdraw; and one
  complaint: receive, accept, assign, link the case, resolve, call back, close. The other way out of a record
  (`ON_ANOTHER`: rejection, decline) is taken on a second one (the group application's case, a second complaint).
  Then every other operation, in the document's order. Every example must be accepted (2xx), except the commands
  that need a record in a stage the story does not leave it in (`NEEDS_ANOTHER_STAGE`: a certificate needs both
  subjects passed, and there is one result example; the complaint examples' dates do not chain into one story):
  those must be refused only on the record's state, with exactly the code listed there, never as a malformed
  request (`invalid_request`) nor by a rule about the values themselves.
- Dates are the demo year's (2026), none later than the demo's last day, so a product that refuses future dates
  still accepts them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.schemas import EXAMPLE_GROUP_ID_NUMBER, EXAMPLE_ID_NUMBER
from api.tokens import create_token
from cases.demo import TODAY, run_demo
from cases.identity import parse_id_number
from cases.settings import Settings
from tests.support.live_server import operations

C = "/cases/{case_id}"
K = "/complaints/{complaint_id}"
STORY = [
    ("POST", "/sittings"), ("POST", "/cases"), ("POST", "/cases/batch"), ("POST", "/candidates/lookup"),
    ("POST", f"{C}/rejection"), ("POST", f"{C}/review"), ("POST", f"{C}/payments"), ("POST", f"{C}/lapse"),
    ("POST", f"{C}/schedule"), ("GET", f"{C}/ticket"), ("POST", f"{C}/attendance"), ("POST", f"{C}/results"),
    ("POST", f"{C}/retake"), ("POST", f"{C}/certificate"), ("POST", f"{C}/certificate/revocation"),
    ("POST", f"{C}/certificate/reissue"), ("POST", f"{C}/sanctions"), ("POST", f"{C}/withdrawal"),
    ("POST", "/registers/verifications"),
    ("POST", "/complaints"), ("POST", "/complaints"), ("POST", f"{K}/decline"), ("POST", f"{K}/acceptance"), ("POST", f"{K}/assignment"),
    ("POST", f"{K}/cases"), ("POST", f"{K}/result"), ("POST", f"{K}/callback"), ("POST", f"{K}/closing"),
    ("POST", f"{K}/reopening"), ("POST", f"{K}/escalation"), ("POST", f"{K}/extension"),
]  # fmt: skip
ON_ANOTHER = {("POST", f"{C}/rejection"), ("POST", f"{K}/decline")}  # the other way out: on a second record
NEEDS_ANOTHER_STAGE = {  # what the walk's records are not, and the state refusal each example must then get
    ("POST", f"{C}/lapse"): "wrong_stage",  # awaiting a fee past its deadline; the story pays
    ("POST", f"{C}/retake"): "wrong_stage",  # a subject failed; the story's theory example passes
    ("POST", f"{C}/certificate"): "wrong_stage",  # both subjects passed; there is one result example
    ("POST", f"{C}/certificate/revocation"): "certificate_not_valid",  # a certificate issued
    ("POST", f"{C}/certificate/reissue"): "certificate_not_valid",
    ("POST", f"{K}/reopening"): "wrong_complaint_stage",  # resolved and not closed; the story closes it
    ("POST", f"{K}/escalation"): "wrong_complaint_stage",  # open (its example's date precedes the result's)
    ("POST", f"{K}/extension"): "wrong_complaint_stage",  # accepted and unresolved (its date follows the result's)
}
IDS = ("case_id", "sitting_id", "candidate_id", "complaint_id")


@pytest.fixture(scope="module")
def demo(module_store: Settings) -> Iterator[tuple[FastAPI, TestClient, dict[str, str]]]:
    app = create_app(module_store, in_process_projections=False)
    app.state.public_rate_limit = None
    with TestClient(app) as client:
        services = app.state.services
        run_demo(services.app)
        services.projections.catch_up()
        token, _ = create_token(services.api_store, role="admin", body=None, label="examples")
        yield app, client, {"Authorization": f"Bearer {token}"}


def resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


class Missing(Exception):
    pass


def example(schema: dict[str, Any], document: dict[str, Any], known: dict[str, Any], name: str, where: str) -> Any:
    """The document's example for a value (a record's id from `known`); a required value without one is `Missing`."""
    if name in known:
        return known[name]
    for given in (schema, resolve(schema, document)):  # a field's own example first, beside its `$ref`
        if "examples" in given:
            return given["examples"][0]
        if "example" in given:
            return given["example"]
    schema = resolve(schema, document)
    if "default" in schema:
        return schema["default"]
    if schema.get("type") == "object" or "properties" in schema:
        return body_example(schema, document, known, where)
    if schema.get("type") == "array" and schema.get("minItems"):
        return [example(schema.get("items", {}), document, known, name, f"{where}[0]")]
    raise Missing(f"{where}: no example")


def body_example(schema: dict[str, Any], document: dict[str, Any], known: dict[str, Any], where: str) -> dict[str, Any]:
    """Every field with an example, and every required one (which must have one)."""
    schema, found = resolve(schema, document), {}
    required = set(schema.get("required", ()))
    for name, sub in schema.get("properties", {}).items():
        resolved = resolve(sub, document)
        if name in required or name in known or "examples" in sub or "examples" in resolved or "example" in resolved:
            found[name] = example(sub, document, known, name, f"{where}.{name}")
    return found


def example_request(document: dict[str, Any], method: str, path: str, known: dict[str, Any]) -> tuple[str, dict[str, Any], Any]:
    """(path, query, body) of the document's own request for an operation."""
    operation = document["paths"][path][method.lower()]
    filled, query = path, {}
    for parameter in operation.get("parameters", []):
        name, schema, where = parameter["name"], parameter.get("schema", {}), f"{method} {path} {parameter['in']} {parameter['name']}"
        given = "examples" in resolve(schema, document) or "example" in parameter or name in known
        if parameter["in"] == "path":
            filled = filled.replace("{" + name + "}", str(example(schema, document, known, name, where)))
        elif parameter["in"] == "query" and (parameter.get("required") or given):
            query[name] = example(schema, document, known, name, where)
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    body = body_example(content["schema"], document, known, f"{method} {path} body") if content else None
    return filled, query, body


def test_the_examples_id_numbers_pass_the_products_own_check():
    for number in (EXAMPLE_ID_NUMBER, EXAMPLE_GROUP_ID_NUMBER):
        parse_id_number(number)


def example_values(node: Any) -> Iterator[Any]:
    """Every value given as an example anywhere in the document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "examples" and isinstance(value, list):
                yield from value
            elif key == "example":
                yield value
            else:
                yield from example_values(value)
    elif isinstance(node, list):
        for item in node:
            yield from example_values(item)


def test_no_example_date_lies_after_the_demos_last_day(demo):
    _, client, _ = demo
    dates = re.findall(r"\b\d{4}-\d{2}-\d{2}\b", json.dumps(list(example_values(client.get("/openapi.json").json()))))
    assert dates and max(dates) <= TODAY.isoformat(), sorted(d for d in dates if d > TODAY.isoformat())


def test_every_example_is_accepted_on_the_demo_store(demo):
    app, client, admin = demo
    document = client.get("/openapi.json").json()
    known: dict[str, Any] = {}
    others: dict[str, Any] = {}  # a second record of a kind: the group application's case, a second complaint
    certificate = client.get("/registers/certificates", params={"status": "valid", "limit": 1}, headers=admin).json()[0]
    public = {"number": certificate["number"], "name": certificate["holder_name"]}  # the public check's, from the register
    order = STORY + [op for op in operations(document) if op not in STORY]
    failures: list[str] = []
    for method, path in order:
        try:
            given = {**known, **public} if path.startswith("/public/") else {**known, **others} if (method, path) in ON_ANOTHER else known
            filled, query, body = example_request(document, method, path, given)
        except Missing as missing:
            failures.append(str(missing))
            continue
        answer = client.request(method, filled, params=query, headers=admin, **({"json": body} if body is not None else {}))
        found = answer.json() if "json" in answer.headers.get("content-type", "") else {}
        if isinstance(found, dict):
            for name in IDS:
                if isinstance(found.get(name), str):
                    (others if name in known else known).setdefault(name, found[name])
            if path == "/cases/batch":
                others["case_id"] = found["rows"][0].get("case_id")
            if path == "/registers/verifications" and method == "POST":
                known["verification_id"] = found.get("id")
        code = found.get("code") if isinstance(found, dict) else None
        said = f"{method} {path}: {answer.status_code} {code or ''} {found.get('detail', '') if isinstance(found, dict) else ''}"
        wanted = NEEDS_ANOTHER_STAGE.get((method, path))
        if wanted is None and not 200 <= answer.status_code < 300:
            failures.append(f"{said} (its example is refused)")
        elif wanted is not None and code != wanted:
            failures.append(f"{said} (expected a refusal on the record's state only: {wanted})")
        app.state.services.projections.catch_up()  # what the next read asks for is in the registers
    assert not failures, f"{len(failures)} examples not accepted as the module's docstring decides:\n" + "\n".join(failures)
    assert known.keys() >= {"case_id", "sitting_id", "candidate_id", "complaint_id", "verification_id"}, known
