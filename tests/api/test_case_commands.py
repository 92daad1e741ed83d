"""Every case command over HTTP: the lifecycle, the group batch, refusals as problem+json that write nothing,
who may do what, If-Match, Idempotency-Key (also across a restart) and two writers racing on one case."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.tokens import create_token
from cases.service.application import CasesApplication
from cases.settings import Settings
from tests.builders import apply, approved, certify, event_count, events_named, new_id_number, paid, sat_with_scores, worked

D = date.fromisoformat
PROBLEM = "application/problem+json"
HR = "企业人力资源管理师"
SCHOOL = "上海市工业技术学校"
PROJECTS = {"wgsh": ("互联网营销师", "视频创推员"), "dmtxh": ("全媒体运营师", "直播运营")}
VENUES = {"wgsh": "新闻路945号306室", "dmtxh": "长宁路999号601室"}
Post = Callable[..., Any]


@pytest.fixture
def cases_app(client: TestClient) -> CasesApplication:
    """The application behind the API: cases are built through its public methods, and the log counted."""
    return client.app.state.services.app


def send(client: TestClient, case_id: Any, what: str, body: dict[str, Any], headers: dict[str, str], *,
         if_match: str | None = None, key: str | None = None) -> Any:  # fmt: skip
    extra = {name: value for name, value in (("If-Match", if_match), ("Idempotency-Key", key)) if value}
    return client.post(f"/cases/{case_id}/{what}", json=body, headers={**headers, **extra})


@pytest.fixture
def post(client: TestClient) -> Post:
    """`post(case_id, "review", {...}, headers, if_match=…, key=…)`: one case command over HTTP."""
    return lambda *args, **kwargs: send(client, *args, **kwargs)


def application(body: str = "wgsh", level: int = 4, applied_on: str = "2026-03-02") -> dict[str, Any]:
    occupation, work_type = PROJECTS[body]
    return {
        "name": "王芳", "id_number": new_id_number(), "body": body, "occupation": occupation, "work_type": work_type,
        "level": level, "applied_on": applied_on, "evidence": worked(occupation, "2010-01-01"),
    }  # fmt: skip


def plan_sitting(app: CasesApplication, body: str, day: str, planned_on: str = "2026-02-23") -> UUID:
    occupation, work_type = PROJECTS[body]
    return app.scheduling.plan_sitting(
        body=body, occupation=occupation, work_type=work_type, levels=[4, 3], dates=[D(day)], venue=VENUES[body],
        capacity=40, planned_on=D(planned_on), actor="registrar-1",
    )  # fmt: skip


def answered(response: Any, version: int, stage: str) -> dict[str, Any]:
    """A command's answer: the case's new version (also the ETag), its stage and the log position reached."""
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["version"], body["stage"], response.headers["ETag"]) == (version, stage, f'"{version}"')
    assert body["position"] > 0
    return body


def refused(response: Any, status: int, code: str, field: str | None, clause: str | None = None) -> dict[str, Any]:
    """A problem+json answer with its code and field; `clause`, when given, is part of the rule's clause."""
    assert response.status_code == status, response.json()
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert (problem["code"], problem.get("field")) == (code, field), problem
    if clause is not None:
        assert clause in (problem["clause"] or ""), problem
    return problem


# --- cases built through the application (2026 dates and fees of the domain tests) ------------------------------


def wgsh_approved(app: CasesApplication) -> UUID:
    """A wgsh level-4 case applied on 2 March, approved on 3 March: 528 yuan due by 6 March."""
    return approved(app, body="wgsh", level=4, decided_on=D("2026-03-03"))


def wgsh_paid(app: CasesApplication) -> UUID:
    return paid(app, body="wgsh", level=4, decided_on=D("2026-03-03"))


def wgsh_seated(app: CasesApplication) -> UUID:
    case_id = wgsh_paid(app)
    app.scheduling.schedule_case(case_id, plan_sitting(app, "wgsh", "2026-04-18"), on=D("2026-03-10"), actor="registrar-1")
    return case_id


def wgsh_sat(app: CasesApplication) -> UUID:
    case_id = wgsh_paid(app)
    app.record_attendance(case_id, sat_on=D("2026-04-18"), attended=True, actor="examiner-1")
    return case_id


def wgsh_qualified(app: CasesApplication) -> UUID:
    case_id = wgsh_paid(app)
    assert sat_with_scores(app, case_id, D("2026-04-18"), {"theory": 80, "skills": 75}, D("2026-05-08")) == "qualified"
    return case_id


def wgsh_certified(app: CasesApplication) -> UUID:
    case_id = wgsh_paid(app)
    certify(app, case_id, sat_on=D("2026-04-18"), recorded_on=D("2026-05-08"), issued_on=D("2026-05-20"))
    return case_id


def wgsh_rejected(app: CasesApplication) -> UUID:
    case_id = apply(app, body="wgsh", level=4)
    app.reject(case_id, reason="申报材料不全", decided_on=D("2026-03-03"), actor="registrar-1")
    return case_id


def jsxh_november(app: CasesApplication) -> UUID:
    """A jsxh case applied in the November window (applications 09-10 – 09-30, payment 10-01 – 10-12)."""
    return apply(app, body="jsxh", level=4, applied_on=D("2026-09-15"), evidence=worked(HR, "2015-07-01"))


def dmtxh_paid(app: CasesApplication) -> UUID:
    return paid(app, body="dmtxh", level=4, applied_on=D("2026-05-11"), decided_on=D("2026-05-12"))


# --- the lifecycle ------------------------------------------------------------------------------------------


def test_a_dmtxh_case_goes_from_application_to_a_reissued_certificate_over_http(client, cases_app, auth, post):
    registrar, examiner = auth("registrar", "dmtxh"), auth("examiner", "dmtxh")
    applied = client.post("/cases", json=application("dmtxh", 4, "2026-05-11"), headers=registrar)
    assert applied.status_code == 201, applied.json()
    case_id = applied.json()["case_id"]
    assert (applied.headers["Location"], applied.headers["ETag"]) == (f"/cases/{case_id}", '"1"')

    answered(post(case_id, "review", {"decided_on": "2026-05-12"}, registrar, if_match='"1"'), 2, "awaiting_payment")
    answered(post(case_id, "payments", {"amount": 400, "paid_on": "2026-05-13"}, registrar, if_match='"2"'), 3, "ready_to_sit")
    sitting_id = plan_sitting(cases_app, "dmtxh", "2026-06-27", planned_on="2026-05-15")
    seat = post(case_id, "schedule", {"sitting_id": str(sitting_id), "on": "2026-05-20"}, registrar, if_match='"3"')
    assert answered(seat, 4, "ready_to_sit")["result"] == {"ticket_from": "2026-06-20"}  # a week before the sitting

    ticket = client.get(f"/cases/{case_id}/ticket", params={"on": "2026-06-20"}, headers=examiner)
    assert ticket.status_code == 200, ticket.json()
    assert (ticket.json()["dates"], ticket.json()["venue"], ticket.json()["sitting_id"]) == (["2026-06-27"], VENUES["dmtxh"], str(sitting_id))
    assert "*" in ticket.json()["holder_id_masked"]

    sat = post(case_id, "attendance", {"sat_on": "2026-06-27", "attended": True, "sitting_id": str(sitting_id)}, examiner)
    answered(sat, 6, "awaiting_results")  # Sat, and the first sitting opens the validity window
    answered(post(case_id, "results", {"subject": "theory", "score": 90, "recorded_on": "2026-07-24"}, examiner), 7, "awaiting_results")
    answered(post(case_id, "results", {"subject": "skills", "score": 61, "recorded_on": "2026-07-24"}, examiner), 9, "qualified")

    filing = cases_app.rulebook.for_year(2026).body("dmtxh").filing_number
    issued = post(case_id, "certificate", {"issued_on": "2026-08-03"}, registrar, if_match='"9"')
    assert answered(issued, 10, "certified")["result"] == {"number": f"{filing}264000001"}
    reissued = post(case_id, "certificate/reissue", {"on": "2026-09-01", "reason": "lost"}, registrar)  # 遗失补办, seed 002 五(三)
    assert answered(reissued, 11, "certified")["result"] == {"number": f"{filing}264000002"}

    shown = client.get(f"/cases/{case_id}", headers=auth("compliance"))
    assert (shown.status_code, shown.headers["ETag"], shown.json()["stage"]) == (200, '"11"', "certified")
    events = list(cases_app.events.get(UUID(case_id)))
    assert [type(e).__name__ for e in events] == [
        "Applied", "Approved", "FeePaid", "Scheduled", "Sat", "ValidityWindowOpened", "SubjectPassed", "SubjectPassed",
        "Qualified", "CertIssued", "CertReissued",
    ]  # fmt: skip
    assert {e.actor for e in events} == {"registrar:dmtxh:test-registrar", "examiner:dmtxh:test-examiner"}


def test_a_wgsh_candidate_retakes_skills_for_498_and_a_supervisor_revokes_the_certificate(client, cases_app, auth, post):
    registrar, examiner = auth("registrar", "wgsh"), auth("examiner", "wgsh")
    case_id = paid(cases_app, body="wgsh", level=3, decided_on=D("2026-03-03"))
    post(case_id, "attendance", {"sat_on": "2026-04-18", "attended": True}, registrar)
    post(case_id, "results", {"subject": "theory", "score": 82, "recorded_on": "2026-05-08"}, registrar)
    failed = post(case_id, "results", {"subject": "skills", "score": 55, "recorded_on": "2026-05-08"}, examiner)
    assert failed.json()["stage"] == "retake_available"

    retake = post(case_id, "retake", {"requested_on": "2026-05-11"}, registrar)
    fee = answered(retake, 8, "awaiting_payment")["result"]["fee_due"]
    assert (fee["total"], fee["lines"]) == (498, [{"subject": "skills", "amount": 498}])
    post(case_id, "payments", {"amount": 498, "paid_on": "2026-05-12"}, registrar)
    post(case_id, "attendance", {"sat_on": "2026-06-27", "attended": True}, examiner)
    assert post(case_id, "results", {"subject": "skills", "score": 71, "recorded_on": "2026-07-10"}, examiner).json()["stage"] == "qualified"
    assert post(case_id, "certificate", {"issued_on": "2026-07-20"}, registrar).json()["stage"] == "certified"

    revoked = post(case_id, "certificate/revocation", {"on": "2026-09-01", "reason": "学历证明系伪造（须知 一）"}, auth("supervisor"))
    assert revoked.status_code == 200, revoked.json()
    assert revoked.json()["stage"] == "certificate_revoked"
    assert cases_app.get_case(case_id).certificate["status"] == "revoked"


def test_a_registrar_rejects_with_a_reason_withdraws_a_seated_case_and_lapses_an_unpaid_one(client, cases_app, auth, post):
    registrar = auth("registrar", "wgsh")
    applied = UUID(client.post("/cases", json=application("wgsh", 4), headers=registrar).json()["case_id"])
    rejected = post(applied, "rejection", {"reason": "申报材料不全：缺少工作年限证明", "decided_on": "2026-03-03"}, registrar)
    assert answered(rejected, 2, "rejected")
    assert cases_app.get_case(applied).decision["reasons"][0]["reason"] == "申报材料不全：缺少工作年限证明"

    seated = wgsh_seated(cases_app)
    sitting_id = UUID(cases_app.get_case(seated).scheduled["sitting_id"])
    assert cases_app.get_sitting(sitting_id).headcount == 1
    withdrawn = post(seated, "withdrawal", {"on": "2026-03-20", "reason": "个人原因放弃参评"}, registrar)
    assert withdrawn.json()["stage"] == "withdrawn"
    assert cases_app.get_sitting(sitting_id).headcount == 0  # the seat is freed in the same write

    assert post(wgsh_approved(cases_app), "lapse", {"on": "2026-03-09"}, registrar).json()["stage"] == "lapsed"


# --- the group batch (团体申报, seed 004 二(二)1) ---------------------------------------------------------------


def sheet_row(level: int = 4, birth: date = date(1992, 6, 15), name: str = "李娜") -> dict[str, Any]:
    return {"name": name, "id_number": new_id_number(birth), "occupation": HR, "level": level, "evidence": worked(HR, "2015-07-01")}


def sheet(*rows: dict[str, Any]) -> dict[str, Any]:
    return {"body": "jsxh", "institution": SCHOOL, "applied_on": "2026-03-02", "candidates": list(rows)}


def test_a_batch_applies_every_good_row_and_answers_the_refused_row_with_its_problem(client, cases_app, auth):
    rows = [sheet_row(name="李娜"), sheet_row(birth=date(2012, 5, 1), name="张伟"), sheet_row(3, name="陈静")]
    response = client.post("/cases/batch", json=sheet(*rows), headers=auth("registrar", "jsxh"))

    assert response.status_code == 207, response.json()
    result = response.json()
    assert (result["applied"], result["refused"]) == (2, 1)
    assert [row["status"] for row in result["rows"]] == [201, 422, 201]
    problem = result["rows"][1]["problem"]
    assert (problem["code"], problem["field"], problem["status"]) == ("under_age", "id_number", 422)
    assert rows[1]["id_number"] not in str(problem)  # never the full ID number
    assert cases_app.find_candidate(rows[1]["id_number"]) is None  # the refused row wrote nothing
    for row in (result["rows"][0], result["rows"][2]):
        case = cases_app.get_case(UUID(row["case_id"]))
        assert (case.channel, case.institution, case.body, case.stage) == ("group", SCHOOL, "jsxh", "applied")
        assert row["location"] == f"/cases/{row['case_id']}"
    assert result["position"] == event_count(cases_app)


def test_a_malformed_batch_row_refuses_the_whole_batch_naming_the_row_and_field(client, cases_app, auth):
    problem = refused(
        client.post("/cases/batch", json=sheet(sheet_row(), {**sheet_row(), "level": 7}), headers=auth("registrar", "jsxh")),
        422, "invalid_request", "candidates.1.level",
    )  # fmt: skip
    assert [e["field"] for e in problem["errors"]] == ["candidates.1.level"]
    assert event_count(cases_app) == 0


def test_a_batch_for_another_body_is_refused_before_any_row(client, cases_app, auth):
    # Issue 12 point 4: the field named is the payload's `body` (it said `body_id`, a field no request has)
    refused(client.post("/cases/batch", json=sheet(sheet_row()), headers=auth("registrar", "wgsh")), 404, "not_found", "body")
    assert event_count(cases_app) == 0


def test_an_application_at_another_body_is_refused_naming_the_payloads_body_field(client, cases_app, auth):
    refused(client.post("/cases", json=application("dmtxh"), headers=auth("registrar", "wgsh")), 404, "not_found", "body")
    assert event_count(cases_app) == 0


# --- every command's refusal: problem+json naming code, field and clause; nothing written -------------------


@dataclass(frozen=True)
class Refusal:
    what: str
    case: Callable[[CasesApplication], UUID]
    role: tuple[str, str | None]
    body: dict[str, Any]
    status: int
    code: str
    field: str | None
    clause: str | None = None
    sitting_of: str | None = field(default=None)  # plan a sitting of this body and send its id

    def __str__(self) -> str:
        return f"{self.what}-{self.code}"


REFUSALS = [
    Refusal("review", jsxh_november, ("registrar", "jsxh"), {"decided_on": "2026-10-13"}, 422, "no_window_left", "decided_on",
            "seed 004 二(三), 二(四)"),
    Refusal("review", wgsh_paid, ("registrar", "wgsh"), {"decided_on": "2026-03-20"}, 409, "wrong_stage", "case_id"),
    Refusal("rejection", wgsh_paid, ("registrar", "wgsh"), {"reason": "材料不全", "decided_on": "2026-03-20"}, 409, "wrong_stage", "case_id"),
    Refusal("payments", wgsh_approved, ("registrar", "wgsh"), {"amount": 598, "paid_on": "2026-03-04"}, 422, "wrong_amount", "amount", ""),
    Refusal("payments", wgsh_approved, ("registrar", "wgsh"), {"amount": 528, "paid_on": "2026-03-09"}, 422, "payment_after_deadline",
            "paid_on", "seed 000"),
    Refusal("schedule", dmtxh_paid, ("registrar", "dmtxh"), {"on": "2026-05-20"}, 422, "sitting_mismatch", "sitting_id", sitting_of="wgsh"),
    Refusal("attendance", wgsh_seated, ("examiner", "wgsh"), {"sat_on": "2026-04-19", "attended": True}, 422, "no_such_sitting", "sat_on"),
    Refusal("results", wgsh_sat, ("examiner", "wgsh"), {"subject": "theory", "score": 120, "recorded_on": "2026-05-08"}, 422,
            "invalid_score", "score"),
    Refusal("results", wgsh_sat, ("examiner", "wgsh"), {"subject": "composite", "score": 80, "recorded_on": "2026-05-08"}, 409,
            "no_result_pending", "subject"),
    Refusal("results", wgsh_paid, ("registrar", "wgsh"), {"subject": "theory", "score": 80, "recorded_on": "2026-05-08"}, 409,
            "wrong_stage", "case_id"),
    Refusal("retake", wgsh_qualified, ("registrar", "wgsh"), {"requested_on": "2026-05-11"}, 409, "wrong_stage", "case_id"),
    Refusal("sanctions", wgsh_sat, ("supervisor", None), {"tier": "sitting", "behaviour": "须知 四.4", "decided_on": "2026-04-20"}, 422,
            "unknown_sanction", "behaviour", "须知 三"),
    Refusal("sanctions", wgsh_sat, ("supervisor", "wgsh"), {"tier": "grave", "behaviour": "须知 四.4", "decided_on": "2026-04-20"}, 422,
            "unknown_sanction", "severity", "须知 四"),
    Refusal("certificate", wgsh_sat, ("registrar", "wgsh"), {"issued_on": "2026-05-20"}, 409, "wrong_stage", "case_id"),
    Refusal("certificate/revocation", wgsh_qualified, ("supervisor", None), {"on": "2026-06-01", "reason": "材料虚假"}, 409,
            "certificate_not_valid", "case_id"),
    Refusal("certificate/reissue", wgsh_certified, ("registrar", "wgsh"), {"on": "2026-06-01"}, 422, "reissue_not_offered", "case_id",
            "seed 000"),
    Refusal("withdrawal", wgsh_certified, ("registrar", "wgsh"), {"on": "2026-06-01", "reason": "个人原因"}, 409, "wrong_stage", "case_id"),
    Refusal("withdrawal", wgsh_rejected, ("registrar", "wgsh"), {"on": "2026-06-01", "reason": "个人原因"}, 409, "case_closed", "case_id"),
    Refusal("lapse", wgsh_approved, ("registrar", "wgsh"), {"on": "2026-03-05"}, 422, "not_yet_lapsed", "on"),
]  # fmt: skip


@pytest.mark.parametrize("refusal", REFUSALS, ids=str)
def test_every_command_refusal_is_a_problem_naming_code_field_and_clause_and_writes_nothing(cases_app, auth, post, refusal):
    case_id = refusal.case(cases_app)
    body = refusal.body
    if refusal.sitting_of:
        body = {**body, "sitting_id": str(plan_sitting(cases_app, refusal.sitting_of, "2026-06-27", planned_on="2026-05-15"))}
    before, version = event_count(cases_app), cases_app.get_case(case_id).version

    problem = refused(post(case_id, refusal.what, body, auth(*refusal.role)), refusal.status, refusal.code, refusal.field, refusal.clause)
    assert problem["instance"] == f"/cases/{case_id}/{refusal.what}" and problem["detail"]
    assert (event_count(cases_app), cases_app.get_case(case_id).version) == (before, version)


def test_a_ticket_before_its_download_day_is_refused_naming_the_day_it_opens(client, cases_app, auth):
    case_id = dmtxh_paid(cases_app)
    cases_app.scheduling.schedule_case(case_id, plan_sitting(cases_app, "dmtxh", "2026-06-27", planned_on="2026-05-15"), on=D("2026-05-20"), actor="registrar-1")
    ticket = client.get(f"/cases/{case_id}/ticket", params={"on": "2026-06-19"}, headers=auth("registrar", "dmtxh"))
    assert refused(ticket, 409, "ticket_not_available", "on", "seed 002 二(五)")["details"]["available_from"] == "2026-06-20"


def test_a_wgsh_ticket_is_had_once_paid_and_seated_its_notice_giving_no_download_day(client, cases_app, auth):
    # Issue 12 point 11: it was refused until a week before the sitting, citing seeds 002/003/004 (seed 000 二(五))
    case_id = wgsh_seated(cases_app)
    ticket = client.get(f"/cases/{case_id}/ticket", params={"on": "2026-03-10"}, headers=auth("registrar", "wgsh"))
    assert ticket.status_code == 200, ticket.json()


# --- malformed requests and unknown cases -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("what", "body", "fields"),
    [
        ("review", {}, ["decided_on"]),
        ("payments", {"amount": "lots", "reference": "x"}, ["amount", "paid_on"]),
        ("attendance", {"sat_on": "2026-13-01", "attended": "maybe"}, ["sat_on", "attended"]),
        ("schedule", {"sitting_id": "not-a-uuid", "on": "2026-03-10"}, ["sitting_id"]),
        ("sanctions", {"tier": "sitting", "behaviour": "须知 三.1", "decided_on": "2026-04-18", "severity": "mild"}, ["severity"]),
        ("withdrawal", {"on": "2026-03-20", "reason": "个人原因", "refund": 528}, ["refund"]),
    ],
)
def test_a_malformed_body_is_422_naming_every_field_and_writes_nothing(cases_app, auth, post, what, body, fields):
    case_id = wgsh_paid(cases_app)
    before = event_count(cases_app)
    who = auth("supervisor") if what == "sanctions" else auth("registrar", "wgsh")
    problem = refused(post(case_id, what, body, who), 422, "invalid_request", fields[0])
    assert [e["field"] for e in problem["errors"]] == fields
    assert event_count(cases_app) == before


def test_an_unknown_case_and_another_bodys_case_both_answer_404(client, cases_app, auth, post):
    unknown = refused(post(uuid4(), "review", {"decided_on": "2026-03-03"}, auth("registrar", "wgsh")), 404, "not_found", "case_id")
    case_id = wgsh_approved(cases_app)
    foreign = refused(post(case_id, "payments", {"amount": 528, "paid_on": "2026-03-04"}, auth("registrar", "dsxh")), 404, "not_found", "case_id")
    assert unknown["detail"].split(" ")[:2] == foreign["detail"].split(" ")[:2] == ["no", "case"]
    assert client.get(f"/cases/{case_id}/ticket", params={"on": "2026-04-11"}, headers=auth("examiner", "dsxh")).status_code == 404
    assert client.post(f"/cases/{case_id}/review", json={"decided_on": "2026-03-03"}).status_code == 401
    assert cases_app.get_case(case_id).stage == "awaiting_payment"


# --- who may do what ----------------------------------------------------------------------------------------

SITTING_TIER = {"tier": "sitting", "behaviour": "须知 三.1"}


@pytest.mark.parametrize(
    ("role", "body", "what", "payload"),
    [
        ("compliance", None, "review", {"decided_on": "2026-03-20"}),
        ("examiner", "wgsh", "payments", {"amount": 528, "paid_on": "2026-03-04"}),
        ("examiner", "wgsh", "certificate", {"issued_on": "2026-05-20"}),
        ("examiner", "wgsh", "certificate/revocation", {"on": "2026-04-20", "reason": "材料虚假"}),
        ("registrar", "wgsh", "sanctions", {**SITTING_TIER, "decided_on": "2026-04-18"}),
        ("examiner", "wgsh", "sanctions", {"tier": "grave", "behaviour": "须知 四.4", "severity": "minor", "decided_on": "2026-04-18"}),
        ("examiner", "wgsh", "sanctions", {**SITTING_TIER, "decided_on": "2026-04-20", "sitting_on": "2026-04-18"}),  # post-hoc
        ("supervisor", None, "withdrawal", {"on": "2026-04-20", "reason": "个人原因"}),
    ],
)
def test_a_role_that_may_not_do_a_command_gets_403_and_nothing_is_written(cases_app, auth, post, role, body, what, payload):
    case_id = wgsh_sat(cases_app)
    before = event_count(cases_app)
    refused(post(case_id, what, payload, auth(role, body)), 403, "forbidden", None)
    assert event_count(cases_app) == before


def test_an_examiner_sanctions_on_the_day_and_a_supervisor_after_it(cases_app, auth, post):
    on_the_day = wgsh_sat(cases_app)
    sanctioned = post(on_the_day, "sanctions", {**SITTING_TIER, "decided_on": "2026-04-18"}, auth("examiner", "wgsh"))
    assert answered(sanctioned, 6, "barred")["result"]["ban"]["ends_on"] == "2026-12-31"  # 须知 三: barred this year
    assert events_named(cases_app, on_the_day, "Sanctioned")[0].sitting_on == D("2026-04-18")

    certified = wgsh_certified(cases_app)
    post_hoc = post(certified, "sanctions", {"tier": "materials", "behaviour": "须知 一", "decided_on": "2026-09-01"}, auth("supervisor", "wgsh"))
    assert post_hoc.status_code == 200, post_hoc.json()
    assert cases_app.get_case(certified).certificate["status"] == "revoked"
    assert events_named(cases_app, certified, "Sanctioned")[0].post_hoc is True


def test_a_registrar_may_enter_results_and_an_admin_may_do_anything(cases_app, auth, post):
    case_id = wgsh_sat(cases_app)
    answered(post(case_id, "results", {"subject": "theory", "score": 80, "recorded_on": "2026-05-08"}, auth("registrar", "wgsh")), 6, "awaiting_results")
    answered(post(case_id, "results", {"subject": "skills", "score": 75, "recorded_on": "2026-05-08"}, auth("admin")), 8, "qualified")


# --- If-Match -----------------------------------------------------------------------------------------------


def test_a_stale_if_match_is_412_and_writes_nothing_the_current_one_succeeds_with_the_new_etag(client, cases_app, auth, post):
    registrar = auth("registrar", "wgsh")
    case_id = client.post("/cases", json=application("wgsh", 4), headers=registrar).json()["case_id"]
    before = event_count(cases_app)

    stale = refused(post(case_id, "review", {"decided_on": "2026-03-03"}, registrar, if_match='"0"'), 412, "stale_version", "If-Match")
    assert stale["details"]["current_version"] == 1
    assert event_count(cases_app) == before

    etag = client.get(f"/cases/{case_id}", headers=registrar).headers["ETag"]
    answered(post(case_id, "review", {"decided_on": "2026-03-03"}, registrar, if_match=etag), 2, "awaiting_payment")
    fee = {"amount": 528, "paid_on": "2026-03-04"}
    refused(post(case_id, "payments", fee, registrar, if_match=etag), 412, "stale_version", "If-Match")
    refused(post(case_id, "payments", fee, registrar, if_match="seven"), 422, "invalid_input", "If-Match")
    answered(post(case_id, "payments", fee, registrar, if_match='W/"2"'), 3, "ready_to_sit")


def test_a_stale_if_match_on_schedule_is_412_and_takes_no_seat(cases_app, auth, post):
    case_id = wgsh_paid(cases_app)
    sitting_id = plan_sitting(cases_app, "wgsh", "2026-04-18")
    before = event_count(cases_app)
    stale = post(case_id, "schedule", {"sitting_id": str(sitting_id), "on": "2026-03-10"}, auth("registrar", "wgsh"), if_match='"2"')
    refused(stale, 412, "stale_version", "If-Match")
    assert (event_count(cases_app), cases_app.get_sitting(sitting_id).headcount) == (before, 0)


# --- Idempotency-Key ----------------------------------------------------------------------------------------


def test_a_retry_with_the_same_key_replays_the_first_answer_and_writes_nothing_more(cases_app, auth, post):
    registrar = auth("registrar", "wgsh")
    case_id = wgsh_approved(cases_app)
    fee = {"amount": 528, "paid_on": "2026-03-04", "reference": "bank transfer 0304-118"}
    first = post(case_id, "payments", fee, registrar, key="pay-0304-118")
    assert first.status_code == 200 and "Idempotent-Replayed" not in first.headers
    after_first = event_count(cases_app)

    retry = post(case_id, "payments", fee, registrar, key="pay-0304-118")
    assert (retry.status_code, retry.json(), retry.headers["ETag"]) == (200, first.json(), first.headers["ETag"])
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert event_count(cases_app) == after_first
    assert len(events_named(cases_app, case_id, "FeePaid")) == 1

    refused(post(case_id, "payments", {**fee, "amount": 529}, registrar, key="pay-0304-118"), 422, "idempotency_key_reused", "Idempotency-Key")
    assert event_count(cases_app) == after_first


def test_a_refusal_is_replayed_to_a_retry_with_the_same_key(cases_app, auth, post):
    registrar = auth("registrar", "wgsh")
    case_id = wgsh_approved(cases_app)
    first = refused(post(case_id, "payments", {"amount": 598, "paid_on": "2026-03-04"}, registrar, key="pay-wrong"), 422, "wrong_amount", "amount")
    retry = post(case_id, "payments", {"amount": 598, "paid_on": "2026-03-04"}, registrar, key="pay-wrong")
    assert (retry.status_code, retry.json(), retry.headers["Idempotent-Replayed"]) == (422, first, "true")
    assert cases_app.get_case(case_id).stage == "awaiting_payment"


def test_a_batch_retried_with_its_key_applies_no_row_twice(client, cases_app, auth):
    headers = {**auth("registrar", "jsxh"), "Idempotency-Key": "sheet-2026-03-02"}
    payload = sheet(sheet_row(), sheet_row(3))
    first = client.post("/cases/batch", json=payload, headers=headers)
    after_first = event_count(cases_app)
    retry = client.post("/cases/batch", json=payload, headers=headers)
    assert (retry.status_code, retry.json(), retry.headers["Idempotent-Replayed"]) == (207, first.json(), "true")
    assert event_count(cases_app) == after_first


def test_a_retry_after_a_restart_still_gets_the_first_answer(store: Settings):
    body = application("wgsh", 4)
    with TestClient(create_app(store, in_process_projections=False)) as before_restart:
        token, _ = create_token(before_restart.app.state.services.api_store, role="registrar", body="wgsh", label="desk-1")
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "intake-0302-001"}
        first = before_restart.post("/cases", json=body, headers=headers)
        assert first.status_code == 201, first.json()
        written = event_count(before_restart.app.state.services.app)

    with TestClient(create_app(store, in_process_projections=False)) as restarted:
        retry = restarted.post("/cases", json=body, headers=headers)
        assert (retry.status_code, retry.json(), retry.headers["Idempotent-Replayed"]) == (201, first.json(), "true")
        assert (retry.headers["Location"], retry.headers["ETag"]) == (first.headers["Location"], first.headers["ETag"])
        assert event_count(restarted.app.state.services.app) == written


# --- two writers on one case --------------------------------------------------------------------------------


def pay_twice_at_once(client: TestClient, case_id: UUID, headers: dict[str, str], if_match: str) -> list[Any]:
    start = threading.Barrier(2)
    answers: list[Any] = [None, None]

    def pay(i: int) -> None:
        start.wait(timeout=10)
        answers[i] = send(client, case_id, "payments", {"amount": 528, "paid_on": "2026-03-04"}, headers, if_match=if_match)

    threads = [threading.Thread(target=pay, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


def test_two_payments_with_the_same_if_match_one_wins_the_other_is_412_or_409_and_the_log_holds_one(client, cases_app, auth):
    case_id = wgsh_approved(cases_app)
    answers = pay_twice_at_once(client, case_id, auth("registrar", "wgsh"), '"2"')
    assert sorted(a.status_code for a in answers) in ([200, 409], [200, 412]), [a.json() for a in answers]
    assert next(a for a in answers if a.status_code != 200).json()["code"] in ("conflict", "stale_version")
    assert len(events_named(cases_app, case_id, "FeePaid")) == 1
    assert cases_app.get_case(case_id).version == 3


def test_two_payments_that_both_passed_if_match_one_is_409_conflict_and_nothing_of_it_is_written(client, cases_app, auth, monkeypatch):
    """Two commands running at once, as in two API workers (or PostgreSQL's four command threads per worker)."""
    client.app.state.services.command_limiter.total_tokens = 2
    case_id = wgsh_approved(cases_app)
    both_loaded = threading.Barrier(2)
    save = cases_app.save

    def save_once_both_have_loaded(*aggregates: Any, **kwargs: Any) -> Any:
        both_loaded.wait(timeout=10)  # both requests have read version 2 and passed If-Match
        return save(*aggregates, **kwargs)

    monkeypatch.setattr(cases_app, "save", save_once_both_have_loaded)
    answers = pay_twice_at_once(client, case_id, auth("registrar", "wgsh"), '"2"')
    assert sorted(a.status_code for a in answers) == [200, 409], [a.json() for a in answers]
    assert next(a for a in answers if a.status_code == 409).json()["code"] == "conflict"
    assert len(events_named(cases_app, case_id, "FeePaid")) == 1
