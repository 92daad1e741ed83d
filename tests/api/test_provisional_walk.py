"""A provisional date is flagged wherever the API shows it (issue 12 point 3): every GET route the app serves is
called over a world of wgsh cases whose dates cross into 2027, a year whose holiday arrangement is not published,
and every occurrence of those dates in every answer must be flagged in the one representation `cases.provisional`
owns — beside its `<key>_provisional: true`, inside a deadline object whose own `provisional` is true, or, in text,
followed by " (provisional)". The test fails listing each unflagged place (route, call, JSON path).

The routes are found by introspection, so a route added later is walked the day it is added; a route is left out
only for a reason listed in `SKIPPED`. On SQLite and PostgreSQL.

The world (built through the HTTP API for the fee, through the application for the rest):
- `paying`: applied 28 December 2026, approved Wednesday 30 December: fee due Monday 4 January 2027 (provisional);
  a complaint about it was received on 30 December, its acceptance due the same provisional day;
- `seated`: paid and seated at a sitting on Saturday 19 December (its admission ticket can be handed out);
- `awaiting`: sat that sitting: results due in January 2027 (provisional);
- `qualified`: sat 14 December, passed, no certificate yet: results were due in January 2027 (provisional);
- `certified`: issued Thursday 10 December, collectable at the counter 20 working days later, in 2027 (provisional).
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from api.policy import Scope, rule_for
from cases.service.application import CasesApplication
from cases.provisional import MARKER, SUFFIX
from tests.builders import PROJECTS, certify, new_id_number, paid, sat_with_scores, worked
from tests.support.live_server import example_call

D = date.fromisoformat
SHANGHAI = timezone(timedelta(hours=8))
HOME = "wgsh"

# Routes that cannot show a case, each with why; every other GET route is walked.
SKIPPED = {
    "/health": "operations: the process answers, no case's data",
    "/ready": "operations: stores and projections reachable, no case's data",
    "/metrics": "operations: request and projection counters, no case's data",
    "/openapi.json": "the API's description, no case's data",
    "/docs": "the API's description (HTML), no case's data",
    "/docs/oauth2-redirect": "the API's description (HTML), no case's data",
    "/redoc": "the API's description (HTML), no case's data",
    "/workdays/{day}": "the calendar's answer about a day the caller names, flagged by its own `exact`; it shows no case",
}
# What each route is asked, so that the world's cases are in its answer.
ASKED: dict[str, dict[str, Any]] = {
    "/cases/{case_id}/ticket": {"on": "2026-12-18"},
    "/worklists/payments-due": {"on": "2026-12-31"},
    "/worklists/payments-overdue": {"on": "2027-01-05"},
    "/worklists/results-late": {"on": "2027-02-01"},
    "/worklists/certificates-late": {"on": "2027-02-01"},
    "/registers/validity-windows": {"on": "2026-12-31", "closing_within": 3660},
    "/registers/bans": {"on": "2026-12-31"},
    "/sittings/plan": {"month": "2026-12"},
    "/complaints": {"on": "2026-12-31"},
    "/complaints/{complaint_id}": {"on": "2026-12-31"},
    "/workdays/add": {"from": "2026-12-30", "days": 3},
}
# Routes whose answers must hold at least one of the world's provisional dates (so the walk proves something).
MUST_SHOW = {
    "/cases/{case_id}", "/cases/{case_id}/timeline", "/cases/{case_id}/as-of", "/cases/{case_id}/diff", "/cases",
    "/worklists/payments-due", "/worklists/payments-overdue", "/worklists/results-late", "/worklists/certificates-late",
    "/registers/certificates", "/public/certificates/{number}", "/sittings/plan", "/workdays/add",
}  # fmt: skip


@dataclass(frozen=True)
class World:
    cases: dict[str, UUID]  # name → case id
    candidates: list[str]
    number: str
    holder: str
    complaint: str
    verification: str
    provisional: set[str]  # every provisional date the world's cases hold, as ISO text


@pytest.fixture
def world(api_app: FastAPI, client: TestClient, auth: Any, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv("CASES_TODAY", "2030-12-31")  # the world's facts are in late December 2026
    app: CasesApplication = api_app.state.services.app
    registrar = auth("registrar", HOME)
    occupation, work_type = PROJECTS[HOME]

    applied = client.post("/cases", headers=registrar, json={
        "name": "周敏", "id_number": new_id_number(), "body": HOME, "occupation": occupation, "work_type": work_type,
        "level": 4, "applied_on": "2026-12-28", "evidence": worked(occupation, "2010-01-01"),
    })  # fmt: skip
    assert applied.status_code == 201, applied.text
    paying = UUID(applied.json()["case_id"])
    reviewed = client.post(f"/cases/{paying}/review", headers=registrar, json={"decided_on": "2026-12-30"})
    assert reviewed.status_code == 200, reviewed.text
    fee = reviewed.json()["result"]["fee_due"]
    assert (fee["due_on"], fee["due_on_provisional"]) == ("2027-01-04", True)

    sitting = app.scheduling.plan_sitting(
        body=HOME, occupation=occupation, work_type=work_type, levels=[4], dates=[D("2026-12-19")], venue="新闻路945号306室",
        capacity=30, planned_on=D("2026-11-02"), actor="registrar-1",
    )  # fmt: skip
    seated, awaiting = (paid(app, body=HOME, level=4, applied_on=D("2026-11-10"), decided_on=D("2026-11-11")) for _ in range(2))
    for case_id in (seated, awaiting):
        app.scheduling.schedule_case(case_id, sitting, on=D("2026-11-20"), actor="registrar-1")
    app.record_attendance(awaiting, sat_on=D("2026-12-19"), attended=True, actor="examiner-1")
    qualified = paid(app, body=HOME, level=4, applied_on=D("2026-10-12"), decided_on=D("2026-10-13"))
    assert sat_with_scores(app, qualified, D("2026-12-14"), {"theory": 81, "skills": 77}, D("2026-12-21")) == "qualified"
    holder = "吴磊"
    certified = paid(app, body=HOME, level=4, applied_on=D("2026-10-12"), decided_on=D("2026-10-13"), name=holder)
    number = certify(app, certified, sat_on=D("2026-11-21"), recorded_on=D("2026-12-01"), issued_on=D("2026-12-10"))
    complaint = app.complaints.receive(
        channel="body_line", received_at=datetime(2026, 12, 30, 10, 0, tzinfo=SHANGHAI), body=HOME, category="other",
        words="缴费期限不清楚", anonymous=True, case_ids=[paying], actor=f"supervisor:{HOME}:walk",
    )  # fmt: skip
    api_app.state.services.projections.catch_up()

    cases = {"paying": paying, "seated": seated, "awaiting": awaiting, "qualified": qualified, "certified": certified}
    provisional = provisional_dates(app, cases.values())
    assert {"2027-01-04", "2027-01-07"} <= provisional and len(provisional) >= 3, provisional
    started = client.post("/registers/verifications", headers=auth("compliance"))
    assert started.status_code == 202, started.text
    verification = started.json()["id"]
    finished(client, auth("compliance"), verification)
    return World(
        cases=cases, candidates=sorted(str(app.get_case(c).candidate_id) for c in cases.values()), number=number, holder=holder,
        complaint=str(complaint), verification=verification, provisional=provisional,
    )  # fmt: skip


def provisional_dates(app: CasesApplication, case_ids: Any) -> set[str]:
    """Every date the world's cases hold that may still move, read off the cases themselves."""
    found = set()
    for case_id in case_ids:
        case = app.get_case(case_id)
        if case.pay_by and case.pay_by_provisional:
            found.add(case.pay_by.isoformat())
        for deadline in (case.results_due, (case.certificate or {}).get("collectable_from")):
            if deadline and deadline["provisional"]:
                found.add(deadline["due"])
    return found


def finished(client: TestClient, headers: dict[str, str], verification: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if client.get(f"/registers/verifications/{verification}", headers=headers).json().get("outcome") != "running":
            return
        time.sleep(0.1)
    pytest.fail(f"verification {verification} still running after 60 s")


# --- the routes, and what each is called with ---------------------------------------------------------------


def get_routes(app: FastAPI) -> list[str]:
    return sorted({c.path for c in iter_route_contexts(app.routes) if c.path and "GET" in (c.methods or set())})


def headers_for(path: str, auth: Any) -> dict[str, str]:
    """A token that can read the world's cases on this route: compliance reads every body; else wgsh's registrar."""
    rule = rule_for("GET", path)
    if rule is None or rule.scope is Scope.OPEN:
        return {}
    return auth("compliance") if "compliance" in rule.roles else auth("registrar", HOME)


def calls(path: str, world: World, app: CasesApplication) -> list[dict[str, Any]]:
    """The known values for each call of the route: once per case (or candidate) when it names one."""
    base = {"body": HOME, "number": world.number, "name": world.holder, "complaint_id": world.complaint,
            "verification_id": world.verification, **ASKED.get(path, {})}  # fmt: skip
    if "{case_id}" in path:
        return [{**base, "case_id": str(c), "version": app.get_case(c).version, "from": 1, "to": app.get_case(c).version} for c in world.cases.values()]
    if "{candidate_id}" in path:
        return [{**base, "candidate_id": candidate} for candidate in world.candidates]
    return [base]


# --- finding the unflagged ----------------------------------------------------------------------------------


def unflagged(value: Any, dates: set[str], where: str = "$", parent: dict[str, Any] | None = None, key: str = "") -> list[str]:
    """Every place in a JSON answer where one of `dates` is shown without its flag."""
    if isinstance(value, dict):
        return [found for k, v in value.items() for found in unflagged(v, dates, f"{where}.{k}", value, str(k))]
    if isinstance(value, list):
        return [found for i, v in enumerate(value) for found in unflagged(v, dates, f"{where}[{i}]", None, key)]
    if not isinstance(value, str) or not any(day in value for day in dates):
        return []
    if value in dates:  # the date as data
        flagged = parent is not None and (parent.get(key + SUFFIX) is True or parent.get("provisional") is True)
        return [] if flagged else [f"{where} = {value!r}"]
    return [f"{where}: {value!r}" for day in dates if re.search(re.escape(day) + rf"(?! {re.escape(MARKER)})", value)]


def shown(value: Any, dates: set[str]) -> bool:
    text = json.dumps(value, ensure_ascii=False)
    return any(day in text for day in dates)


def test_every_route_flags_every_provisional_date_it_shows(api_app, client, auth, world):
    app: CasesApplication = api_app.state.services.app
    unflagged_places, walked, showing, answered = [], [], set(), {}
    openapi = client.get("/openapi.json").json()
    for path in get_routes(api_app):
        if path in SKIPPED:
            continue
        walked.append(path)
        headers = headers_for(path, auth)
        for known in calls(path, world, app):
            call = example_call(openapi, "GET", path, known)
            response = call.send(client, headers)
            answered.setdefault(path, set()).add(response.status_code)
            label = f"GET {call.path}?{'&'.join(f'{k}={v}' for k, v in call.params.items())} ({response.status_code})"
            if "json" not in response.headers.get("content-type", ""):
                text = response.text
                unflagged_places += [f"{label}: {day} in text" for day in world.provisional
                                     if re.search(re.escape(day) + rf"(?! {re.escape(MARKER)})", text)]  # fmt: skip
                continue
            body = response.json()
            if shown(body, world.provisional):
                showing.add(path)
            unflagged_places += [f"{label}: {place}" for place in unflagged(body, world.provisional)]

    assert not unflagged_places, "provisional dates shown unflagged:\n" + "\n".join(unflagged_places)
    never_answered = sorted(path for path, statuses in answered.items() if 200 not in statuses)
    assert not never_answered, f"routes that never answered 200, so their answers showed nothing: {never_answered}"
    assert MUST_SHOW <= showing, f"routes that should have shown a provisional date and did not: {sorted(MUST_SHOW - showing)}"
    assert set(SKIPPED) <= set(get_routes(api_app)), f"skipped routes the app no longer serves: {sorted(set(SKIPPED) - set(get_routes(api_app)))}"
    assert len(walked) >= 20, walked


def test_the_walk_finds_an_unflagged_date():
    """The checker itself: a bare date, a date whose flag is false, and text without the marker are all caught."""
    day = "2027-01-04"
    assert unflagged({"pay_by": day, "pay_by_provisional": True}, {day}) == []
    assert unflagged({"due": day, "provisional": True, "basis": "…"}, {day}) == []
    assert unflagged({"summary": f"fee due by {day} {MARKER}"}, {day}) == []
    assert unflagged({"pay_by": day}, {day}) == ["$.pay_by = '2027-01-04'"]
    assert unflagged([{"pay_by": day, "pay_by_provisional": False}], {day}) == ["$[0].pay_by = '2027-01-04'"]
    assert unflagged({"summary": f"fee due by {day}"}, {day}) == [f"$.summary: 'fee due by {day}'"]


# --- exports ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/worklists/payments-due", "/worklists/payments-overdue", "/worklists/results-late", "/worklists/certificates-late"])
def test_a_worklist_exported_as_csv_flags_each_provisional_date_in_the_column_beside_it(client, auth, world, path):
    answer = client.get(path, params={**ASKED[path], "format": "csv"}, headers=auth("registrar", HOME))

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"] == f'attachment; filename="{path.rsplit("/", 1)[1]}-{HOME}-{ASKED[path]["on"]}.csv"'
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    shown = [(row["case_id"], column) for row in rows for column, value in row.items() if value in world.provisional]
    assert shown, f"{path}: no provisional date exported"
    unflagged_cells = [(case, column) for case, column in shown if next(r for r in rows if r["case_id"] == case).get(column + SUFFIX) != "True"]
    assert not unflagged_cells, unflagged_cells
    if path == "/worklists/payments-due":
        (row,) = [row for row in rows if row["case_id"] == str(world.cases["paying"])]
        assert (row["pay_by"], row["pay_by_provisional"], row["results_due"], row["results_due_provisional"]) == ("2027-01-04", "True", "", "")
