"""Every read resource of the HTTP API over cases made through the application: candidates, replay, sittings,
registers, worklists, reports, the catalogue and working days — who may read them, what a body's staff see of
other bodies (nothing), the exports opened and checked, and reading one's own writes with `wait_for_position`."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from PIL import Image

from api.services import Services
from cases.service.application import CasesApplication
from cases.projections.engine.service import Projections
from cases.projections.registry import all_projections
from cases.projections.engine.store import ReadModelStore
from tests.builders import FULL_ID_NUMBER, approved, certify, new_id_number, paid, sat_with_scores

D = date.fromisoformat
BAN_CLAUSE = "须知 三: 当年不得参加评价"


@dataclass(frozen=True)
class World:
    """Cases at every stage a read resource lists, at wgsh and dsxh (see `world`)."""

    wang_id: str
    certified: UUID
    number: str
    failed_skills: UUID
    unpaid: UUID
    awaiting_results: UUID
    qualified: UUID
    li_id: str
    dsxh_certified: UUID
    dsxh_number: str
    zhao_id: str
    banned: UUID


@pytest.fixture
def services(api_app: FastAPI, client: TestClient) -> Services:
    return api_app.state.services


@pytest.fixture
def cases_app(services: Services) -> CasesApplication:
    return services.app


@pytest.fixture
def world(cases_app: CasesApplication, services: Services) -> World:
    """wgsh: 王芳 certified on 1 June; a candidate who failed skills on 25 April (window to 2028-04-24); a fee unpaid
    (due 5 March); a sitting on 25 April with no results yet; a qualified case with no certificate.
    dsxh: 李娜 certified; 赵磊 barred for the rest of 2026 for a device at the 25 April sitting (须知 三.1)."""
    app = cases_app
    wang_id, li_id, zhao_id = new_id_number(), new_id_number(), new_id_number()
    certified = paid(app, name="王芳", id_number=wang_id)
    number = certify(app, certified, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))
    failed = paid(app, name="张伟")
    assert sat_with_scores(app, failed, D("2026-04-25"), {"theory": 80, "skills": 50}, D("2026-05-08")) == "retake_available"
    unpaid = approved(app, name="陈静", applied_on=D("2026-03-02"))
    awaiting = paid(app, name="刘洋")
    app.record_attendance(awaiting, sat_on=D("2026-04-25"), attended=True, actor="examiner-1")
    qualified = paid(app, name="杨帆")
    assert sat_with_scores(app, qualified, D("2026-04-25"), {"theory": 85, "skills": 90}, D("2026-05-08")) == "qualified"
    dsxh_certified = paid(app, body="dsxh", name="李娜", id_number=li_id)
    dsxh_number = certify(app, dsxh_certified, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-02"))
    banned = paid(app, body="dsxh", name="赵磊", id_number=zhao_id)
    app.record_attendance(banned, sat_on=D("2026-04-25"), attended=True, actor="examiner-1")
    app.sanction(banned, tier="sitting", behaviour="须知 三.1", decided_on=D("2026-04-25"), actor="invigilator-1")
    services.projections.catch_up()
    return World(wang_id, certified, number, failed, unpaid, awaiting, qualified, li_id, dsxh_certified, dsxh_number, zhao_id, banned)


def case_ids(rows: list[dict[str, Any]]) -> set[str]:
    return {row["case_id"] for row in rows}


# --- candidates -------------------------------------------------------------------------------------------


def test_a_candidate_is_looked_up_by_id_number_in_the_body_with_the_id_masked_and_certificates_held(client, auth, world):
    answer = client.post("/candidates/lookup", json={"id_number": world.wang_id}, headers=auth("registrar", "wgsh"))

    assert answer.status_code == 200, answer.text
    record = answer.json()
    assert (record["name"], record["bans"]) == ("王芳", [])
    assert record["id_number_masked"] == world.wang_id[:3] + "*" * 11 + world.wang_id[-4:]
    assert [(c["number"], c["status"], c["level"], c["issued_on"]) for c in record["certificates"]] == [(world.number, "valid", 3, "2026-06-01")]
    assert [c["case_id"] for c in record["cases"]] == [str(world.certified)]
    assert world.wang_id not in answer.text and not FULL_ID_NUMBER.search(answer.text)
    assert int(answer.headers["X-Projection-Position"]) > 0


def test_a_registrar_of_a_body_the_candidate_never_applied_to_finds_no_such_candidate(client, auth, world):
    """Issue 10 finding 8 (DOMAIN §9: a body's staff see only their own body's cases): a wgsh registrar once got
    the name, masked ID and bans of any ID number; now only a body the candidate has a case at finds them."""
    other = client.post("/candidates/lookup", json={"id_number": world.zhao_id}, headers=auth("registrar", "wgsh"))
    assert (other.status_code, other.json()["code"], other.json()["field"]) == (404, "not_found", "id_number")
    own = client.post("/candidates/lookup", json={"id_number": world.zhao_id}, headers=auth("registrar", "dsxh")).json()
    assert [(b["tier"], b["from"], b["until"], b["clause"]) for b in own["bans"]] == [("sitting", "2026-04-25", "2026-12-31", BAN_CLAUSE)]
    assert [c["case_id"] for c in own["cases"]] == [str(world.banned)]


def test_an_unknown_id_number_is_not_found_and_a_malformed_one_is_named_without_echoing_it(client, auth, world):
    unknown = client.post("/candidates/lookup", json={"id_number": new_id_number()}, headers=auth("compliance"))
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")

    malformed = world.wang_id[:-1] + ("0" if world.wang_id[-1] != "0" else "1")
    refused = client.post("/candidates/lookup", json={"id_number": malformed}, headers=auth("compliance"))
    assert (refused.status_code, refused.json()["code"], refused.json()["field"]) == (422, "invalid_id_number", "id_number")
    assert malformed not in refused.text


def test_a_candidates_bans_and_certificates_are_read_by_candidate_id(client, auth, world, cases_app):
    zhao = cases_app.find_candidate(world.zhao_id).id
    li = cases_app.find_candidate(world.li_id).id

    bans = client.get(f"/candidates/{zhao}/bans", headers=auth("supervisor")).json()
    assert [(b["tier"], b["until"], b["referral"], b["case_id"]) for b in bans] == [("sitting", "2026-12-31", False, str(world.banned))]
    held = client.get(f"/candidates/{li}/certificates", headers=auth("examiner", "dsxh")).json()
    assert [(c["number"], c["body"], c["status"]) for c in held] == [(world.dsxh_number, "dsxh", "valid")]
    assert client.get(f"/candidates/{UUID(int=7)}/bans", headers=auth("compliance")).status_code == 404


# --- replay -----------------------------------------------------------------------------------------------


def test_compliance_replays_a_case_event_by_event_with_the_clause_each_decision_relied_on(client, auth, world):
    answer = client.get(f"/cases/{world.certified}/timeline", headers=auth("compliance"))

    assert answer.status_code == 200, answer.text
    events = [e["event"] for e in answer.json()]
    assert events[:3] == ["Applied", "Approved", "FeePaid"] and events[-1] == "CertIssued"
    approved_entry = answer.json()[1]
    assert approved_entry["clause"] and approved_entry["business_date"] == "2026-03-02"
    assert not FULL_ID_NUMBER.search(answer.text)


def test_the_state_as_of_a_version_or_a_moment_and_the_diff_between_two(client, auth, world):
    headers = auth("registrar", "wgsh")
    timeline = client.get(f"/cases/{world.certified}/timeline", headers=headers).json()
    current = timeline[-1]["version"]

    first = client.get(f"/cases/{world.certified}/as-of", params={"version": 1}, headers=headers).json()
    assert (first["version"], first["stage"], first["certificate"]) == (1, "applied", None)
    moment = timeline[2]["recorded_at"]  # ISO with +00:00: encoded as %2B by the client
    assert client.get(f"/cases/{world.certified}/as-of", params={"at": moment}, headers=headers).json()["version"] == 3
    unencoded = client.get(f"/cases/{world.certified}/as-of?at={moment}", headers=headers)  # '+' arrives as a space
    assert unencoded.json()["version"] == 3, unencoded.text

    diff = client.get(f"/cases/{world.certified}/diff", params={"from": 1, "to": current}, headers=headers).json()
    changed = {c["field"]: c["new"] for c in diff["changes"]}
    assert changed["stage"] == "certified" and changed["certificate"]["number"] == world.number
    assert [e["version"] for e in diff["events"]] == list(range(2, current + 1))
    by_moment = client.get(f"/cases/{world.certified}/diff", params={"from": moment, "to": current}, headers=headers).json()
    assert by_moment["from_version"] == 3


def test_replay_refuses_a_moment_without_a_time_zone_and_a_version_not_yet_reached(client, auth, world):
    headers = auth("compliance")
    naive = client.get(f"/cases/{world.certified}/as-of", params={"at": "2026-05-08T09:00:00"}, headers=headers)
    assert (naive.status_code, naive.json()["field"]) == (422, "at")
    beyond = client.get(f"/cases/{world.certified}/as-of", params={"version": 99}, headers=headers)
    assert (beyond.status_code, beyond.json()["code"]) == (404, "no_such_version")
    both = client.get(f"/cases/{world.certified}/as-of", params={"version": 1, "at": "2026-05-08T09:00:00+08:00"}, headers=headers)
    assert both.status_code == 422


def test_only_the_cases_own_registrar_compliance_and_supervisors_replay_it(client, auth, world):
    path = f"/cases/{world.dsxh_certified}/timeline"
    assert client.get(path, headers=auth("registrar", "dsxh")).status_code == 200
    assert client.get(path, headers=auth("supervisor")).status_code == 200
    assert client.get(path, headers=auth("supervisor", "dsxh")).status_code == 200
    other = client.get(path, headers=auth("registrar", "wgsh"))
    assert (other.status_code, other.json()["code"]) == (404, "not_found")
    assert client.get(path, headers=auth("supervisor", "wgsh")).status_code == 404
    assert client.get(path, headers=auth("examiner", "dsxh")).status_code == 403


# --- sittings ---------------------------------------------------------------------------------------------

WGSH_SITTING = {
    "body": "wgsh", "occupation": "互联网营销师", "work_type": "视频创推员", "levels": [4, 3], "dates": ["2026-04-18"],
    "venue": "新闻路945号306室", "capacity": 40, "planned_on": "2026-03-02",
}  # fmt: skip


def test_a_registrar_plans_a_sitting_and_the_months_plan_shows_it_to_the_bodies_that_see_it(client, auth, world, services):
    planned = client.post("/sittings", json=WGSH_SITTING, headers=auth("registrar", "wgsh"))
    services.projections.catch_up()

    assert planned.status_code == 201, planned.text
    assert planned.json()["position"] > 0
    plan = client.get("/sittings/plan", params={"month": "2026-04"}, headers=auth("compliance")).json()
    assert [b["body"] for b in plan["bodies"]] == ["wgsh", "dsxh", "dmtxh", "migu", "jsxh"]
    wgsh = plan["bodies"][0]
    assert [(s["sitting_id"], s["dates"], s["capacity"], s["status"]) for s in wgsh["sittings"]] == [
        (planned.json()["sitting_id"], ["2026-04-18"], 40, "planned")
    ]
    own = client.get("/sittings/plan", params={"month": "2026-04"}, headers=auth("examiner", "dsxh")).json()
    assert [b["body"] for b in own["bodies"]] == ["dsxh"]


def test_planning_is_the_registrar_of_the_body_and_a_bad_plan_is_refused_by_its_rule(client, auth):
    assert client.post("/sittings", json=WGSH_SITTING, headers=auth("registrar", "dsxh")).status_code == 404
    assert client.post("/sittings", json=WGSH_SITTING, headers=auth("examiner", "wgsh")).status_code == 403
    assert client.post("/sittings", json=WGSH_SITTING, headers=auth("supervisor")).status_code == 403
    past = client.post("/sittings", json={**WGSH_SITTING, "planned_on": "2026-04-20"}, headers=auth("registrar", "wgsh"))
    assert (past.status_code, past.json()["field"]) == (422, "dates")
    bad_month = client.get("/sittings/plan", params={"month": "2026-4"}, headers=auth("compliance"))
    assert (bad_month.status_code, bad_month.json()["code"], bad_month.json()["field"]) == (422, "invalid_month", "month")


def test_the_cohort_rule_defers_a_thin_month_and_the_plan_shows_the_deferral(client, auth, cases_app, services):
    thin = [approved(cases_app, body="migu", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-03")) for _ in range(2)]

    april = {"body": "migu", "plan_month": "2026-04", "on": "2026-04-01"}
    answer = client.post("/sittings/cohort-rule", json=april, headers=auth("registrar", "migu"))

    assert answer.status_code == 200, answer.text
    assert [(c["level"], c["headcount"], c["holds"], c["minimum"]) for c in answer.json()["cohorts"]] == [(4, 2, False, 30)]
    services.projections.catch_up()
    plan = client.get("/sittings/plan", params={"month": "2026-04"}, headers=auth("registrar", "migu")).json()
    assert {d["case_id"] for d in plan["bodies"][0]["deferred_out"]} == {str(c) for c in thin}
    assert client.post("/sittings/cohort-rule", json=april, headers=auth("registrar", "wgsh")).status_code == 404


def test_a_thin_window_is_folded_into_november_with_the_day_candidates_must_be_told_by(client, auth, cases_app):
    for _ in range(2):
        paid(cases_app, body="jsxh", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-10"))

    answer = client.post("/sittings/windows/jsxh/April/fold", json={"on": "2026-03-30"}, headers=auth("registrar", "jsxh"))

    assert answer.status_code == 200, answer.text
    assert {k: answer.json()[k] for k in ("window", "headcount", "folded", "into", "notify_by")} == {
        "window": "April", "headcount": 2, "folded": True, "into": "November", "notify_by": "2026-10-28",
    }  # fmt: skip
    assert client.post("/sittings/windows/jsxh/June/fold", json={"on": "2026-03-30"}, headers=auth("admin")).status_code == 404
    assert client.post("/sittings/windows/jsxh/April/fold", json={"on": "2026-03-30"}, headers=auth("registrar", "wgsh")).status_code == 404


# --- registers --------------------------------------------------------------------------------------------


def test_the_certificate_register_lists_every_body_to_compliance_and_one_body_to_its_staff(client, auth, world):
    everyone = client.get("/registers/certificates", headers=auth("compliance")).json()
    assert {(c["number"], c["body"], c["status"]) for c in everyone} == {(world.number, "wgsh", "valid"), (world.dsxh_number, "dsxh", "valid")}
    assert all("*" in c["holder_id_masked"] for c in everyone) and not FULL_ID_NUMBER.search(str(everyone))

    wgsh = client.get("/registers/certificates", headers=auth("registrar", "wgsh")).json()
    assert [c["number"] for c in wgsh] == [world.number]
    assert client.get("/registers/certificates", params={"body": "dsxh"}, headers=auth("registrar", "wgsh")).status_code == 403
    by_number = client.get("/registers/certificates", params={"number": world.dsxh_number}, headers=auth("supervisor")).json()
    assert [c["holder_name"] for c in by_number] == ["李娜"]
    assert client.get("/registers/certificates", params={"status": "revoked"}, headers=auth("compliance")).json() == []
    assert client.get("/registers/certificates", params={"status": "lost"}, headers=auth("compliance")).status_code == 422


def test_validity_windows_closing_soon_and_expired_in_a_period_for_the_bodies_seen(client, auth, world):
    closing = client.get("/registers/validity-windows", params={"on": "2028-04-01", "closing_within": 30}, headers=auth("registrar", "wgsh"))
    assert closing.status_code == 200, closing.text
    windows = {w["case_id"]: w for w in closing.json()}
    # not the certified case, nor the qualified one awaiting its certificate: nothing is left to keep in either
    assert set(windows) == {str(world.failed_skills), str(world.awaiting_results)}
    failed = windows[str(world.failed_skills)]
    assert (failed["last_day"], failed["passed"], failed["outstanding"], failed["state"]) == ("2028-04-24", "theory", "skills", "open")
    expired = client.get("/registers/validity-windows", params={"expired_from": "2028-04-25", "expired_to": "2028-04-30"}, headers=auth("compliance"))
    assert {w["case_id"]: w["state"] for w in expired.json()}[str(world.failed_skills)] == "expired"
    assert str(world.certified) not in case_ids(expired.json())
    dsxh = client.get("/registers/validity-windows", params={"on": "2028-04-01", "closing_within": 30}, headers=auth("registrar", "dsxh")).json()
    assert {(w["case_id"], w["body"]) for w in dsxh} == {(str(world.banned), "dsxh")}
    mixed = client.get("/registers/validity-windows", params={"on": "2028-04-01"}, headers=auth("compliance"))
    assert (mixed.status_code, mixed.json()["code"]) == (422, "invalid_input")


def test_the_bans_register_names_the_bans_in_force_on_a_day_and_the_body_that_imposed_each(client, auth, world):
    in_force = client.get("/registers/bans", params={"on": "2026-06-01"}, headers=auth("supervisor")).json()
    assert [(b["case_id"], b["body"], b["tier"], b["ends_on"], b["clause"]) for b in in_force] == [
        (str(world.banned), "dsxh", "sitting", "2026-12-31", BAN_CLAUSE)
    ]
    assert client.get("/registers/bans", params={"on": "2027-01-01"}, headers=auth("supervisor")).json() == []
    assert client.get("/registers/bans", params={"on": "2026-06-01"}, headers=auth("registrar", "wgsh")).json() == []
    assert len(client.get("/registers/bans", params={"on": "2026-06-01"}, headers=auth("supervisor", "dsxh")).json()) == 1


def test_the_case_index_is_searched_by_body_stage_occupation_level_and_month(client, auth, world, monkeypatch):
    headers = auth("compliance")
    monkeypatch.setenv("CASES_TODAY", "2026-12-06")  # the stage listed is the one that holds today
    retakes = client.get("/cases", params={"stage": "retake_available"}, headers=headers).json()
    assert case_ids(retakes) == {str(world.failed_skills)}
    barred = client.get("/cases", params={"stage": "barred"}, headers=headers).json()
    assert case_ids(barred) == {str(world.banned)}  # the sanction cancelled 赵磊's sitting and bars him to 31 December
    monkeypatch.setenv("CASES_TODAY", "2027-01-01")  # the day after the ban: no event marks it, the stage turns
    after_the_ban = client.get("/cases", params={"stage": "retake_available"}, headers=headers).json()
    assert case_ids(after_the_ban) == {str(world.failed_skills), str(world.banned)}
    assert {c["stage"] for c in after_the_ban} == {"retake_available"}
    assert client.get("/cases", params={"stage": "barred"}, headers=headers).json() == []
    monkeypatch.setenv("CASES_TODAY", "2026-12-06")
    wgsh_march = client.get("/cases", params={"body": "wgsh", "month": "2026-03", "level": 3}, headers=headers).json()
    assert len(wgsh_march) == 5 and {c["occupation"] for c in wgsh_march} == {"互联网营销师"}
    assert case_ids(client.get("/cases", params={"occupation": "电子商务师"}, headers=headers).json()) == {str(world.dsxh_certified), str(world.banned)}
    assert client.get("/cases", params={"month": "2026-02"}, headers=headers).json() == []
    own = client.get("/cases", headers=auth("examiner", "dsxh")).json()
    assert case_ids(own) == {str(world.dsxh_certified), str(world.banned)}
    assert len(client.get("/cases", params={"limit": 2, "offset": 1}, headers=headers).json()) == 2
    assert client.get("/cases", params={"body": "wgsh"}, headers=auth("examiner", "dsxh")).status_code == 403


# --- worklists --------------------------------------------------------------------------------------------


def test_the_worklists_name_the_cases_due_and_late_on_a_day_for_the_callers_body(client, auth, world):
    wgsh = auth("registrar", "wgsh")

    def listed(name: str, on: str, headers: dict[str, str]) -> set[str]:
        answer = client.get(f"/worklists/{name}", params={"on": on}, headers=headers)
        assert answer.status_code == 200, answer.text
        return case_ids(answer.json())

    assert listed("payments-due", "2026-03-04", wgsh) == {str(world.unpaid)}
    assert listed("payments-overdue", "2026-03-04", wgsh) == set()
    assert listed("payments-overdue", "2026-03-20", wgsh) == {str(world.unpaid)}
    assert listed("results-late", "2026-05-08", wgsh) == set()
    assert listed("results-late", "2026-07-01", wgsh) == {str(world.awaiting_results)}
    assert listed("certificates-late", "2026-07-01", wgsh) == {str(world.qualified)}
    dsxh = auth("registrar", "dsxh")
    assert [listed(name, "2026-07-01", dsxh) for name in ("payments-overdue", "results-late", "certificates-late")] == [set()] * 3
    assert listed("certificates-late", "2026-07-01", auth("compliance")) == {str(world.qualified)}
    assert client.get("/worklists/payments-due", headers=wgsh).status_code == 422  # the day is required


# --- reports ----------------------------------------------------------------------------------------------


def test_the_monthly_report_as_json_with_totals_and_one_body_for_its_staff(client, auth, world):
    answer = client.get("/reports/monthly", params={"from": "2026-03", "to": "2026-06"}, headers=auth("supervisor"))

    assert answer.status_code == 200, answer.text
    report = answer.json()
    march = {(r["body"], r["level"]): r for r in report["rows"] if r["month"] == "2026-03"}
    assert (march[("wgsh", 3)]["applications"], march[("dsxh", 3)]["applications"]) == (5, 2)
    april = {r["month"]: r for r in report["totals"]}["2026-04"]
    assert (april["sat"], april["passed"], april["failed"], april["sanctions_sitting"]) == (6, 3, 1, 1)
    own = client.get("/reports/monthly", headers=auth("registrar", "dsxh")).json()
    assert {r["body"] for r in own["rows"]} == {"dsxh"} and own["body"] == "dsxh"
    assert client.get("/reports/monthly", headers=auth("examiner", "wgsh")).status_code == 403
    assert client.get("/reports/monthly", params={"from": "March"}, headers=auth("compliance")).json()["field"] == "from"


def test_the_monthly_report_exports_open_as_csv_xlsx_and_png_and_hold_the_figures(client, auth, world):
    headers = auth("registrar", "wgsh")
    csv_answer = client.get("/reports/monthly", params={"format": "csv", "from": "2026-03", "to": "2026-03"}, headers=headers)
    assert csv_answer.headers["content-type"].startswith("text/csv")
    assert 'filename="monthly-report-wgsh-2026-03-2026-03.csv"' in csv_answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(csv_answer.content.decode("utf-8-sig"))))
    assert [(r["month"], r["body"], r["occupation"], r["level"], r["applications"], r["approvals"]) for r in rows] == [
        ("2026-03", "wgsh", "互联网营销师", "3", "5", "5")
    ]

    xlsx = client.get("/reports/monthly", params={"format": "xlsx"}, headers=headers)
    assert xlsx.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    header = [c.value for c in sheet[1]]
    figures = {(row[header.index("month")], row[header.index("body")]): row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert figures[("2026-03", "wgsh")][header.index("applications")] == 5
    assert figures[("2026-04", "wgsh")][header.index("passed")] == 2

    png = client.get("/reports/monthly", params={"format": "png", "measure": "pass_rate"}, headers=headers)
    assert png.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(png.content))
    assert image.format == "PNG" and image.size[0] > 100
    bad = client.get("/reports/monthly", params={"format": "png", "measure": "happiness"}, headers=headers)
    assert (bad.status_code, bad.json()["field"]) == (422, "measure")


# --- catalogue and working days ---------------------------------------------------------------------------


def test_the_catalogue_lists_every_body_with_its_lines_fees_payment_rule_and_windows(client, auth):
    catalogue = client.get("/catalogue", params={"year": 2026}, headers=auth("examiner", "wgsh")).json()

    bodies = {b["code"]: b for b in catalogue["bodies"]}
    assert list(bodies) == ["wgsh", "dsxh", "dmtxh", "migu", "jsxh"]
    assert bodies["wgsh"]["supervision_line"] == "021-62715879" and bodies["wgsh"]["supervision_hours"]
    level_3 = next(lv for lv in bodies["wgsh"]["projects"][0]["levels"] if lv["level"] == 3)
    assert (level_3["total"], [(s["code"], s["fee"]) for s in level_3["subjects"]]) == (598, [("theory", 100), ("skills", 498)])
    assert bodies["wgsh"]["payment"]["working_days"] == 3
    assert catalogue["municipal_supervisor"]["line"] == "400-820-9278"

    jsxh = client.get("/catalogue/jsxh", params={"year": 2026}, headers=auth("compliance")).json()
    assert [w["name"] for w in jsxh["windows"]] == ["April", "August", "November"]
    assert jsxh["payment"]["rule"] == "window"
    assert any(s["retake_fee"] == 175 for p in jsxh["projects"] for lv in p["levels"] if lv["level"] == 4 for s in lv["subjects"])
    assert client.get("/catalogue/nobody", headers=auth("compliance")).status_code == 404
    assert client.get("/catalogue", params={"year": 2031}, headers=auth("compliance")).json()["field"] == "year"


def test_working_days_count_past_the_national_day_holiday_and_say_when_a_year_is_provisional(client, auth):
    headers = auth("registrar", "wgsh")
    assert client.get("/workdays/add", params={"from": "2026-09-30", "days": 3}, headers=headers).json() == {
        "due": "2026-10-10", "provisional": False, "basis": "official calendar (chinesecalendar 1.11.0)",
    }  # fmt: skip
    holiday = client.get("/workdays/2026-10-01", headers=headers).json()
    assert (holiday["working"], holiday["exact"], holiday["weekday"]) == (False, True, "Thursday")
    assert "National Day" in holiday["reason"]
    later = client.get("/workdays/2030-05-02", headers=headers).json()
    assert (later["working"], later["exact"]) == (True, False)
    assert client.get("/workdays/add", params={"from": "2026-09-30", "days": 0}, headers=headers).status_code == 422
    assert client.get("/workdays/add", params={"from": "2026-09-30", "days": 3}).status_code == 401


# --- read your writes -------------------------------------------------------------------------------------

APPLICATION = {
    "name": "周敏", "body": "wgsh", "occupation": "互联网营销师", "work_type": "视频创推员", "level": 3,
    "applied_on": "2026-03-02", "evidence": {"work": [{"occupation": "互联网营销师", "start": "2010-01-01"}]},
}  # fmt: skip


def test_a_query_with_wait_for_position_reads_the_command_just_written(client, auth, services):
    services.start_followers(poll_seconds=0.05)
    headers = auth("registrar", "wgsh")
    applied = client.post("/cases", json={**APPLICATION, "id_number": new_id_number()}, headers=headers)
    assert applied.status_code == 201, applied.text
    position = applied.json()["position"]

    found = client.get("/cases", params={"body": "wgsh", "wait_for_position": position}, headers=headers)

    assert found.status_code == 200
    assert case_ids(found.json()) == {applied.json()["case_id"]}
    assert int(found.headers["X-Projection-Position"]) >= position
    due = client.get("/worklists/payments-due", params={"on": "2026-03-02", "wait_for_position": position}, headers=headers)
    assert int(due.headers["X-Projection-Position"]) >= position


def test_every_query_says_the_position_it_was_read_at_and_refuses_a_nonsense_position(client, auth, world, services):
    head = services.app.recorder.max_notification_id()
    for path in ("/cases", "/registers/certificates", "/catalogue", "/workdays/2026-10-01", "/worklists/results-late?on=2026-07-01"):
        answer = client.get(path, headers=auth("compliance"))
        assert (answer.status_code, answer.headers["X-Projection-Position"]) == (200, str(head)), path
    assert client.get("/cases", params={"wait_for_position": 0}, headers=auth("compliance")).status_code == 422


def test_a_query_whose_recent_view_was_dropped_by_a_rebuild_elsewhere_reads_again_from_the_new_generation(
    client, auth, world, services, monkeypatch
):  # fmt: skip
    """Queries reuse a live view for a tenth of a second; a rebuild in another process may switch generations and
    drop the old tables within it. The query then reads once more with a fresh view: the same rows, no error."""
    monkeypatch.setattr("cases.projections.engine.service.VIEW_MAX_AGE", 3600.0)  # the recent view stays in use
    headers = auth("compliance")
    before = client.get("/registers/certificates", headers=headers)
    assert before.status_code == 200 and before.json()
    live = services.projections.store.live_generation("certificates")

    elsewhere = Projections(services.app, ReadModelStore(services.projections.store.url, services.projections.store.schema), all_projections())
    try:
        assert elsewhere.rebuild("certificates") == live + 1  # switched, and generation `live` dropped
    finally:
        elsewhere.store.dispose()

    after = client.get("/registers/certificates", headers=headers)
    assert after.status_code == 200, after.text
    assert after.json() == before.json()
    assert services.projections.recent_view().generations["certificates"] == live + 1


def test_ready_names_the_lag_of_each_read_model_and_those_due_a_rebuild(client, world, services):
    ready = client.get("/ready")
    assert ready.status_code == 200
    assert set(ready.json()["projections"]) == set(services.projections.projections)
    assert ready.json()["rebuild_due"] == []

    store = services.projections.store
    versions = store.table("projection_versions")
    with store.engine.begin() as conn:  # as if the live windows had been built by version 1 of their projection
        conn.execute(versions.update().where(versions.c.name == "validity_windows").values(version=1))
    assert client.get("/ready").json()["rebuild_due"] == ["validity_windows"]
