"""The hotline's remaining actions on the console (issue 14 "Hotline"): the intake form for a call in progress, and
on the complaint page assign, link a case, extend, escalate, result (with a post-hoc sanction of a linked case),
callback, reopen and close — each a CSRF-checked form calling the use case the API's route calls, showing what was
done or the refusal's code, field and message. The issue's journey: a supervisor takes a call, accepts, extends,
resolves upheld with a post-hoc sanction of the linked certified case, and the public verification page then
says revoked."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from uuid import UUID

import pytest

from cases.settings import SHANGHAI
from tests.builders import certify, event_count, events_named, paid
from tests.console.conftest import HOME, MOBILE, OTHER, csrf_of

D = date.fromisoformat


def certified(app, body: str = HOME, name: str = "王芳"):
    case_id = paid(app, body=body, name=name)
    return case_id, certify(app, case_id, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))


def version_of(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def post_on(browser, complaint, action: str, data: dict, **kw):
    page = browser.get(f"/console/complaints/{complaint}").text
    return browser.post(f"/console/complaints/{complaint}/{action}", data={"csrf": csrf_of(page), "version": version_of(page), **data}, **kw)


def test_the_issues_journey_take_a_call_accept_extend_resolve_with_a_sanction_and_the_public_page_says_revoked(
    signed_in, services, client
):  # fmt: skip
    case_id, number = certified(services.app)
    services.projections.catch_up()
    supervisor = signed_in("supervisor", HOME, "王五")
    form = supervisor.get("/console/complaints/new")
    assert form.status_code == 200
    now = datetime.now(SHANGHAI).strftime("%Y-%m-%dT%H:")
    assert f'name="received_at" value="{now}' in form.text  # defaults to now in Shanghai

    taken = supervisor.post("/console/complaints/new", data={
        "csrf": csrf_of(form.text), "channel": "body_line", "received_at": "2026-06-05T10:15", "body": HOME,
        "category": "candidate_misconduct", "words": "有人替考", "complainant_name": "李四", "complainant_contact": MOBILE,
        "case_ids": f"{case_id}\n", "staff_named": "张三\n", "evidence": "通话录音 0605-01",
    }, follow_redirects=False)  # fmt: skip
    assert taken.status_code == 303, taken.text
    complaint = taken.headers["location"].split("/")[-1].split("?")[0]
    stored = services.app.hotline.get(complaint_id := UUID(complaint))
    assert (str(stored.received_at), [str(c) for c in stored.case_ids], stored.staff_named) == (
        "2026-06-05 10:15:00+08:00", [str(case_id)], ["张三"]
    )  # fmt: skip
    page = supervisor.get(taken.headers["location"]).text
    assert f'href="/console/cases/{case_id}"' in page and "Done" in page

    assert post_on(supervisor, complaint, "accept", {"on": "2026-06-08"}, follow_redirects=False).status_code == 303
    extended = post_on(supervisor, complaint, "extend", {
        "working_days": "5", "reason": "需调取考场监控录像", "notice_recorded_on": "2026-06-15", "on": "2026-06-15"
    }, follow_redirects=False)  # fmt: skip
    assert extended.status_code == 303 and services.app.hotline.get(complaint_id).extended_at
    resolved = post_on(supervisor, complaint, "resolve", {
        "outcome": "upheld", "findings": "经核查，存在替考", "on": "2026-06-16", "sanction_case_id": str(case_id),
        "sanction_tier": "grave", "sanction_behaviour": "须知 四.4", "sanction_severity": "serious",
    })  # fmt: skip
    assert resolved.status_code == 200 and "已办结" in resolved.text

    found = services.app.hotline.get(complaint_id)
    assert (found.stage, found.outcome["outcome"]) == ("resolved", "upheld")
    (sanctioned,) = events_named(services.app, case_id, "Sanctioned")
    assert sanctioned.source == {"complaint_id": complaint} and sanctioned.post_hoc
    services.projections.catch_up()
    public = client.get("/console/verify", params={"number": number, "name": "王芳"}).text
    assert 'class="result status-revoked"' in public and "2026-06-16" in public and "替考" not in public


def test_assign_link_escalate_callback_reopen_and_close_through_their_forms(signed_in, services, receive):
    complaint = receive()
    case_id = paid(services.app, body=HOME)
    supervisor, municipal = signed_in("supervisor", HOME), signed_in("supervisor")

    assert post_on(supervisor, complaint, "assign", {"handler": "王五", "on": "2026-06-08"}, follow_redirects=False).status_code == 303
    assert post_on(supervisor, complaint, "link-case", {"case_id": str(case_id), "on": "2026-06-08"}, follow_redirects=False).status_code == 303
    assigned = services.app.hotline.get(complaint)
    assert (assigned.handler, [str(c) for c in assigned.case_ids]) == ("王五", [str(case_id)])
    assert post_on(supervisor, complaint, "escalate", {"why": "choice", "on": "2026-06-09"}, follow_redirects=False).status_code == 303
    found = services.app.hotline.get(complaint)
    assert (found.level, found.escalations[-1]["why"]) == ("municipal", "choice")
    assert "/accept" not in supervisor.get(f"/console/complaints/{complaint}").text  # no longer the body's to act on

    post_on(municipal, complaint, "accept", {"on": "2026-06-10"})
    post_on(municipal, complaint, "resolve", {"outcome": "not_upheld", "findings": "经核查，成绩已按期公布", "on": "2026-06-12"})
    assert post_on(municipal, complaint, "callback", {"satisfied": "true", "on": "2026-06-15"}, follow_redirects=False).status_code == 303
    assert services.app.hotline.get(complaint).callbacks[-1]["satisfied"] is True
    assert post_on(municipal, complaint, "reopen", {"reason": "投诉人补充了新证据", "on": "2026-06-16"}, follow_redirects=False).status_code == 303
    assert services.app.hotline.get(complaint).stage == "received"
    post_on(municipal, complaint, "decline", {"reason": "不属于业务范围", "on": "2026-06-17"})
    assert post_on(municipal, complaint, "close", {"on": "2026-06-17"}, follow_redirects=False).status_code == 303
    assert services.app.hotline.get(complaint).stage == "closed"


def test_the_municipal_center_pulls_in_a_breached_complaint_from_its_page(signed_in, services, receive, monkeypatch):
    monkeypatch.setenv("CASES_TODAY", datetime.now(SHANGHAI).date().isoformat())  # fresh is received now: today is the real day
    breached = receive()  # received in June: its acceptance clock breached long ago
    fresh = receive(received_at=datetime.now(SHANGHAI))
    municipal = signed_in("supervisor")

    assert "/escalate" not in municipal.get(f"/console/complaints/{fresh}").text
    pulled = post_on(municipal, breached, "escalate", {"why": "breach", "on": "2026-06-11"}, follow_redirects=False)

    assert pulled.status_code == 303
    assert (services.app.hotline.get(breached).level, services.app.hotline.get(breached).escalations[-1]["why"]) == ("municipal", "breach")


def test_the_complaint_page_reads_the_complaint_once_and_so_does_an_action_on_it(signed_in, services, receive, monkeypatch):
    complaint = receive()
    supervisor = signed_in("supervisor", HOME)
    loads: Counter[UUID] = Counter()
    real = services.app.repository.get

    def get(aggregate_id: UUID, **kwargs: object) -> object:
        loads[aggregate_id] += 1
        return real(aggregate_id, **kwargs)

    monkeypatch.setattr(services.app.repository, "get", get)

    page = supervisor.get(f"/console/complaints/{complaint}").text
    assert "Received" in page and loads.pop(complaint) == 1  # its scope, its standing and its timeline's contact
    accepted = supervisor.post(f"/console/complaints/{complaint}/accept", data={"csrf": csrf_of(page), "version": "1", "on": "2026-06-08"})
    assert accepted.status_code == 200 and "已受理" in accepted.text
    assert loads[complaint] == 2  # the action's one read for scope, level and the use case; then the page it leads to


def test_a_refused_command_shows_the_page_with_its_code_field_and_message_and_writes_nothing(signed_in, services, receive):
    complaint = receive(staff_named=["张三"])
    supervisor = signed_in("supervisor", HOME)
    before = event_count(services.app)

    recused = post_on(supervisor, complaint, "assign", {"handler": "张三", "on": "2026-06-08"})
    not_yet = post_on(supervisor, complaint, "close", {"on": "2026-06-08"})  # no close form yet: posted all the same

    assert recused.status_code == 403 and "recused" in recused.text and "handler" in recused.text
    assert not_yet.status_code == 409 and "wrong_complaint_stage" in not_yet.text
    assert "text/html" in recused.headers["content-type"] and f"/console/complaints/{complaint}" in recused.text
    assert event_count(services.app) == before


def test_a_sanction_of_a_case_not_linked_is_refused_whole(signed_in, services, receive):
    case_id, _ = certified(services.app, name="李娜")
    complaint = receive()
    supervisor = signed_in("supervisor", HOME)
    post_on(supervisor, complaint, "accept", {"on": "2026-06-08"})
    before = event_count(services.app)

    answer = post_on(supervisor, complaint, "resolve", {
        "outcome": "upheld", "findings": "属实", "on": "2026-06-12", "sanction_case_id": str(case_id),
        "sanction_tier": "grave", "sanction_behaviour": "须知 四.4", "sanction_severity": "serious",
    })  # fmt: skip

    assert answer.status_code == 422 and "case_not_linked" in answer.text and "sanction.case_id" in answer.text
    assert event_count(services.app) == before and services.app.hotline.get(complaint).stage == "accepted"


ACTIONS = {
    "assign": {"handler": "王五", "on": "2026-06-08"}, "link-case": {"case_id": "00000000-0000-0000-0000-000000000000", "on": "2026-06-08"},
    "extend": {"working_days": "5", "reason": "r", "notice_recorded_on": "2026-06-15", "on": "2026-06-15"},
    "escalate": {"why": "choice", "on": "2026-06-09"}, "resolve": {"outcome": "not_upheld", "findings": "f", "on": "2026-06-12"},
    "callback": {"satisfied": "true", "on": "2026-06-15"}, "reopen": {"reason": "r", "on": "2026-06-16"}, "close": {"on": "2026-06-16"},
}  # fmt: skip


@pytest.mark.parametrize("action", [*ACTIONS, "new"])
def test_every_action_is_refused_without_its_csrf_token_and_changes_nothing(signed_in, services, receive, action):
    complaint = receive()
    supervisor, colleague = signed_in("supervisor", HOME), signed_in("supervisor", HOME)
    theirs = csrf_of(colleague.get(f"/console/complaints/{complaint}").text)
    before = event_count(services.app)
    path = "/console/complaints/new" if action == "new" else f"/console/complaints/{complaint}/{action}"
    data = ACTIONS.get(action, {"channel": "body_line", "received_at": "2026-06-05T10:15", "body": HOME, "category": "other", "words": "w"})

    for csrf in (None, theirs, ""):
        answer = supervisor.post(path, data={**data, "version": "1", **({} if csrf is None else {"csrf": csrf})})
        assert answer.status_code == 403, (action, csrf)
    assert event_count(services.app) == before


def test_another_bodys_complaint_or_case_is_a_404_page_and_a_registrar_may_not_take_calls(signed_in, services, receive):
    theirs, mine = receive(OTHER), receive(HOME)
    their_case = paid(services.app, body=OTHER)
    supervisor = signed_in("supervisor", HOME)
    before = event_count(services.app)

    assert post_on(supervisor, mine, "link-case", {"case_id": str(their_case), "on": "2026-06-08"}).status_code == 404
    csrf = csrf_of(supervisor.get("/console/complaints").text)
    assert supervisor.post(f"/console/complaints/{theirs}/assign", data={"csrf": csrf, "version": "1", "handler": "x", "on": "2026-06-08"}).status_code == 404
    form = {"csrf": csrf, "channel": "body_line", "received_at": "2026-06-05T10:15", "body": OTHER, "category": "other", "words": "w"}
    assert supervisor.post("/console/complaints/new", data=form).status_code == 404
    assert supervisor.post("/console/complaints/new", data={**form, "body": HOME, "case_ids": str(their_case)}).status_code == 404
    refused = supervisor.post("/console/complaints/new", data={**form, "body": HOME, "channel": "municipal_line"})
    assert refused.status_code == 403 and "not_at_your_level" in refused.text
    assert signed_in("registrar", HOME).get("/console/complaints/new").status_code == 403
    assert event_count(services.app) == before


def test_the_intake_form_shows_a_malformed_call_back_with_what_was_typed(signed_in, services):
    supervisor = signed_in("supervisor", HOME)
    csrf = csrf_of(supervisor.get("/console/complaints/new").text)
    before = event_count(services.app)

    answer = supervisor.post("/console/complaints/new", data={
        "csrf": csrf, "channel": "body_line", "received_at": "2026-06-05T10:15", "body": HOME, "category": "other", "words": "",
        "complainant_name": "<script>alert(1)</script>",
    })  # fmt: skip

    assert answer.status_code == 400 and "&lt;script&gt;" in answer.text and "<script>alert" not in answer.text
    assert event_count(services.app) == before
