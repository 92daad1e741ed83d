"""The hotline over HTTP (DOMAIN §10, issue 11): a complaint received, accepted, assigned, linked, extended,
resolved, called back and closed; declined and reopened; escalated by choice, on a breach and on dissatisfaction.
Who acts at which level, what each reader sees of the complainant, recusal, If-Match and Idempotency-Key, a
post-hoc sanction written with the result (and refused whole), and logs that keep the contact out."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient

from api.tokens import create_token
from cases.service.application import CasesApplication
from cases.observability import configure_logging
from tests.builders import certify, event_count, event_names, events_named, paid

D = date.fromisoformat
PROBLEM = "application/problem+json"
HOME, OTHER = "wgsh", "dsxh"
MOBILE = "13912345678"
MOBILE_PATTERN = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
Headers = Callable[..., dict[str, str]]


@pytest.fixture
def cases_app(client: TestClient) -> CasesApplication:
    return client.app.state.services.app


@pytest.fixture
def as_(client: TestClient) -> Headers:
    """`as_(role, body=None, label=…)`: the Authorization header of a fresh token; the label is the staff member's
    name the API records as who decided (recusal compares it with the staff named in a complaint)."""
    store = client.app.state.services.api_store

    def _headers(role: str, body: str | None = None, label: str | None = None) -> dict[str, str]:
        token, _ = create_token(store, role=role, body=body, label=label or f"{role}-{body or 'all'}")
        return {"Authorization": f"Bearer {token}"}

    return _headers


def complaint(body: str = HOME, **changes: Any) -> dict[str, Any]:
    """A call on wgsh's line within its hours (09:00-11:00) on Friday 5 June 2026: it counts that day."""
    return {
        "channel": "body_line", "received_at": "2026-06-05T10:15:00+08:00", "body": body, "category": "results_late",
        "words": f"四月考试的成绩至今未公布，请回电{MOBILE}", "complainant_name": "李四", "complainant_contact": MOBILE,
        "staff_named": ["张三"], "evidence": ["通话录音 0605-01"], **changes,
    }  # fmt: skip


def send(client: TestClient, complaint_id: Any, what: str, body: dict[str, Any], headers: dict[str, str], *,
         if_match: str | None = None, key: str | None = None) -> Any:  # fmt: skip
    extra = {name: value for name, value in (("If-Match", if_match), ("Idempotency-Key", key)) if value}
    return client.post(f"/complaints/{complaint_id}/{what}", json=body, headers={**headers, **extra})


def received(client: TestClient, headers: dict[str, str], **changes: Any) -> str:
    answer = client.post("/complaints", json=complaint(**changes), headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()["complaint_id"]


def answered(response: Any, version: int, stage: str, level: str = "body") -> dict[str, Any]:
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["version"], body["stage"], body["level"], response.headers["ETag"]) == (version, stage, level, f'"{version}"')
    assert body["position"] > 0
    return body


def refused(response: Any, status: int, code: str, field: str | None, clause: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.json()
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert (problem["code"], problem.get("field")) == (code, field), problem
    if clause is not None:
        assert clause in (problem["clause"] or ""), problem
    return problem


def certified(app: CasesApplication, body: str = HOME) -> tuple[UUID, str]:
    case_id = paid(app, body=body)
    return case_id, certify(app, case_id, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))


# --- the life of a complaint -----------------------------------------------------------------------------------


def test_a_complaint_is_received_accepted_assigned_linked_extended_resolved_called_back_and_closed(client, cases_app, as_):
    supervisor = as_("supervisor", HOME, "王五")
    case_id = paid(cases_app, body=HOME)
    created = client.post("/complaints", json=complaint(), headers=supervisor)
    assert created.status_code == 201, created.text
    complaint_id = created.json()["complaint_id"]
    assert created.headers["Location"] == f"/complaints/{complaint_id}" and created.headers["ETag"] == '"1"'
    assert (created.json()["stage"], created.json()["level"]) == ("received", "body")

    read = client.get(f"/complaints/{complaint_id}", params={"on": "2026-06-10"}, headers=supervisor)
    assert read.status_code == 200 and read.headers["ETag"] == '"1"'
    view = read.json()
    assert (view["counts_from"], view["due"]["acceptance"]["due"]) == ("2026-06-05", "2026-06-10")
    assert view["standing"] == {**view["standing"], "clock": "acceptance", "state": "due_today", "working_days_late": 0}
    assert view["complainant"] == {"anonymous": False, "name": "李四", "contact": MOBILE, "contact_masked": False}
    assert view["you_act_on_it"] and view["category_label"] == "成绩延迟"

    answered(send(client, complaint_id, "acceptance", {"on": "2026-06-08"}, supervisor, if_match='"1"'), 2, "accepted")
    answered(send(client, complaint_id, "assignment", {"handler": "王五", "on": "2026-06-08"}, supervisor), 3, "accepted")
    answered(send(client, complaint_id, "cases", {"case_id": str(case_id), "on": "2026-06-08"}, supervisor), 4, "accepted")
    extension = {"working_days": 5, "reason": "需调取考场记录", "notice_recorded_on": "2026-06-15", "on": "2026-06-15"}
    answered(send(client, complaint_id, "extension", extension, supervisor), 5, "accepted")
    refused(send(client, complaint_id, "extension", extension, supervisor), 409, "already_extended", "working_days")
    result = answered(send(client, complaint_id, "result", {"outcome": "not_upheld", "findings": "成绩已于5月8日公布", "on": "2026-06-16"}, supervisor), 6, "resolved")
    assert result["result"] == {"outcome": "not_upheld", "caused": [], "ban": None}
    answered(send(client, complaint_id, "callback", {"satisfied": True, "on": "2026-06-17", "notes": "满意"}, supervisor), 7, "resolved")
    answered(send(client, complaint_id, "closing", {"on": "2026-06-18"}, supervisor), 8, "closed")

    view = client.get(f"/complaints/{complaint_id}", headers=supervisor).json()
    assert (view["handler"], view["case_ids"], view["extended_at"], view["standing"]) == ("王五", [str(case_id)], ["body"], None)
    assert view["outcome"]["outcome"] == "not_upheld" and view["outcome"]["level"] == "body"
    assert event_names(cases_app, UUID(complaint_id)) == [
        "Received", "Accepted", "Assigned", "CaseLinked", "DeadlineExtended", "Resolved", "CallbackRecorded", "Closed",
    ]  # fmt: skip
    assert events_named(cases_app, UUID(complaint_id), "Resolved")[0].recorded_by == "王五"


def test_a_declined_complaint_is_reopened_with_its_acceptance_clock_restarted(client, as_):
    supervisor = as_("supervisor", HOME)
    complaint_id = received(client, supervisor)
    answered(send(client, complaint_id, "decline", {"on": "2026-06-08", "reason": "不属于本机构业务范围"}, supervisor), 2, "declined")
    assert client.get(f"/complaints/{complaint_id}", headers=supervisor).json()["outcome"]["outcome"] == "declined"
    answered(send(client, complaint_id, "reopening", {"reason": "投诉人补充了新证据", "on": "2026-06-09"}, supervisor), 3, "received")
    view = client.get(f"/complaints/{complaint_id}", params={"on": "2026-06-15"}, headers=supervisor).json()
    assert view["due"]["acceptance"]["due"] == "2026-06-12" and view["outcome"] is None
    assert (view["standing"]["state"], view["standing"]["working_days_late"]) == ("breached", 1)


def test_an_unknown_category_channel_or_a_named_complaint_without_contact_is_422_and_writes_nothing(client, cases_app, as_):
    supervisor = as_("supervisor", HOME)
    before = event_count(cases_app)
    for changes, field in (({"category": "noise"}, "category"), ({"channel": "fax"}, "channel"),
                           ({"received_at": "2026-06-05T10:15:00"}, "received_at"), ({"words": "a\u0000b"}, "words")):  # fmt: skip
        answer = client.post("/complaints", json=complaint(**changes), headers=supervisor)
        assert answer.status_code == 422 and answer.json()["field"] == field, answer.text
    refused(client.post("/complaints", json=complaint(complainant_contact=None), headers=supervisor), 422, "invalid_input", "complainant_contact")
    assert event_count(cases_app) == before


def test_an_anonymous_complaint_has_no_callback(client, as_):
    supervisor = as_("supervisor", HOME)
    complaint_id = received(client, supervisor, anonymous=True, complainant_name=None, complainant_contact=None)
    send(client, complaint_id, "acceptance", {"on": "2026-06-08"}, supervisor)
    send(client, complaint_id, "result", {"outcome": "partly_upheld", "findings": "部分属实", "on": "2026-06-10"}, supervisor)
    refused(send(client, complaint_id, "callback", {"satisfied": True, "on": "2026-06-11"}, supervisor), 422, "no_callback_for_anonymous", "satisfied")
    view = client.get(f"/complaints/{complaint_id}", headers=as_("compliance")).json()
    assert view["complainant"] == {"anonymous": True, "name": None, "contact": None, "contact_masked": False}


# --- levels: the body's supervisors, then the municipal center's -------------------------------------------


def test_after_escalation_the_bodys_supervisor_is_refused_still_reads_and_the_municipal_supervisor_acts(client, cases_app, as_):
    body, municipal = as_("supervisor", HOME), as_("supervisor")
    complaint_id = received(client, body)
    refused(send(client, complaint_id, "acceptance", {"on": "2026-06-08"}, municipal), 403, "not_at_your_level", "complaint_id", "Escalation")
    answered(send(client, complaint_id, "escalation", {"why": "choice", "on": "2026-06-08"}, body), 2, "received", "municipal")

    before = event_count(cases_app)
    refused(send(client, complaint_id, "acceptance", {"on": "2026-06-09"}, body), 403, "not_at_your_level", "complaint_id", "Escalation")
    refused(send(client, complaint_id, "escalation", {"why": "choice", "on": "2026-06-09"}, body), 403, "not_at_your_level", "complaint_id")
    assert event_count(cases_app) == before
    seen = client.get(f"/complaints/{complaint_id}", headers=body)
    assert seen.status_code == 200 and seen.json()["level"] == "municipal" and not seen.json()["you_act_on_it"]
    assert seen.json()["complainant"]["contact"] == "139****5678"
    assert client.get(f"/complaints/{complaint_id}", headers=municipal).json()["complainant"]["contact"] == MOBILE

    view = answered(send(client, complaint_id, "acceptance", {"on": "2026-06-09"}, municipal), 3, "accepted", "municipal")
    assert view["level"] == "municipal"
    escalated = client.get(f"/complaints/{complaint_id}", headers=municipal).json()
    assert escalated["escalations"] == [{"why": "choice", "on": "2026-06-08", "from": "body"}]
    assert escalated["due"]["acceptance"]["due"] == "2026-06-11"  # restarted at the center, from the day escalated


def test_the_municipal_center_pulls_in_a_breached_complaint_but_not_one_on_time(client, as_):
    body, municipal = as_("supervisor", HOME), as_("supervisor")
    complaint_id = received(client, body)  # accept or decline by 10 June
    refused(send(client, complaint_id, "escalation", {"why": "breach", "on": "2026-06-10"}, municipal), 422, "not_breached", "why")
    answered(send(client, complaint_id, "escalation", {"why": "breach", "on": "2026-06-11"}, municipal), 2, "received", "municipal")


def test_a_dissatisfied_callback_on_the_bodys_result_reopens_it_at_the_municipal_center(client, as_):
    body, municipal = as_("supervisor", HOME), as_("supervisor")
    complaint_id = received(client, body)
    send(client, complaint_id, "acceptance", {"on": "2026-06-08"}, body)
    send(client, complaint_id, "result", {"outcome": "not_upheld", "findings": "未发现问题", "on": "2026-06-10"}, body)
    answered(send(client, complaint_id, "callback", {"satisfied": False, "on": "2026-06-11"}, body), 6, "received", "municipal")
    send(client, complaint_id, "acceptance", {"on": "2026-06-12"}, municipal)
    send(client, complaint_id, "result", {"outcome": "upheld", "findings": "成绩公布超期", "on": "2026-06-15"}, municipal)
    # the municipal center's result stands: dissatisfied again, it is not reopened
    answered(send(client, complaint_id, "callback", {"satisfied": False, "on": "2026-06-16"}, municipal), 9, "resolved", "municipal")


def test_a_bodys_supervisor_takes_no_complaint_made_to_the_municipal_center(client, cases_app, as_):
    body, municipal = as_("supervisor", HOME), as_("supervisor")
    before = event_count(cases_app)
    refused(client.post("/complaints", json=complaint(channel="municipal_line"), headers=body), 403, "not_at_your_level", "channel")
    letter = complaint(channel="letter", to_municipal_center=True)
    refused(client.post("/complaints", json=letter, headers=body), 403, "not_at_your_level", "to_municipal_center")
    assert event_count(cases_app) == before
    answer = client.post("/complaints", json=complaint(channel="municipal_line", received_at="2026-06-05T09:45:00+08:00"), headers=municipal)
    assert answer.status_code == 201 and answer.json()["level"] == "municipal"
    answer = client.post("/complaints", json=letter, headers=municipal)
    assert answer.status_code == 201 and answer.json()["level"] == "municipal"
    assert client.post("/complaints", json=complaint(channel="letter"), headers=municipal).json()["level"] == "body"


# --- body scope -------------------------------------------------------------------------------------------------


def test_another_bodys_complaint_answers_404_exactly_like_a_missing_one(client, cases_app, as_):
    complaint_id = received(client, as_("supervisor", HOME))
    missing = str(uuid4())
    before = event_count(cases_app)
    for headers in (as_("supervisor", OTHER), as_("registrar", OTHER)):
        theirs = client.get(f"/complaints/{complaint_id}", headers=headers)
        absent = client.get(f"/complaints/{missing}", headers=headers)
        assert theirs.status_code == absent.status_code == 404
        assert theirs.json()["detail"].replace(complaint_id, "<id>") == absent.json()["detail"].replace(missing, "<id>")
    command = send(client, complaint_id, "acceptance", {"on": "2026-06-08"}, as_("supervisor", OTHER))
    refused(command, 404, "not_found", "complaint_id")
    assert event_count(cases_app) == before


def test_a_bodys_supervisor_cannot_receive_for_another_body_nor_name_another_bodys_case(client, cases_app, as_):
    theirs = paid(cases_app, body=OTHER)
    supervisor = as_("supervisor", HOME)
    before = event_count(cases_app)
    refused(client.post("/complaints", json=complaint(body=OTHER), headers=supervisor), 404, "not_found", "body")
    named = refused(client.post("/complaints", json=complaint(case_ids=[str(theirs)]), headers=supervisor), 404, "not_found", "case_id")
    unknown = refused(client.post("/complaints", json=complaint(case_ids=[str(uuid4())]), headers=supervisor), 404, "not_found", "case_id")
    assert named["detail"].split()[:2] == unknown["detail"].split()[:2] == ["no", "case"]
    complaint_id = received(client, supervisor)
    refused(send(client, complaint_id, "cases", {"case_id": str(theirs), "on": "2026-06-08"}, supervisor), 404, "not_found", "case_id")
    assert event_count(cases_app) == before + 1


# --- what each reader sees of the complainant --------------------------------------------------------------


def test_a_registrar_reads_the_complaint_without_the_complainants_name_or_contact(client, as_):
    complaint_id = received(client, as_("supervisor", HOME), complainant_contact="li.si@example.com",
                            words="请联系 li.si@example.com 或 13912345678")  # fmt: skip
    view = client.get(f"/complaints/{complaint_id}", headers=as_("registrar", HOME)).json()
    assert view["complainant"] == {"anonymous": False, "name": None, "contact": None, "contact_masked": True}
    assert view["words"] == "请联系 l***@example.com 或 139****5678"
    assert "li.si" not in json.dumps(view) and MOBILE not in json.dumps(view)
    compliance = client.get(f"/complaints/{complaint_id}", headers=as_("compliance")).json()
    assert compliance["complainant"] == {"anonymous": False, "name": "李四", "contact": "l***@example.com", "contact_masked": True}
    handling = client.get(f"/complaints/{complaint_id}", headers=as_("supervisor", HOME)).json()
    assert handling["complainant"]["contact"] == "li.si@example.com" and "li.si@example.com" in handling["words"]
    municipal = client.get(f"/complaints/{complaint_id}", headers=as_("supervisor")).json()
    assert municipal["complainant"]["contact"] == "l***@example.com"  # the body handles it, not the center
    refused(client.get(f"/complaints/{complaint_id}", headers=as_("examiner", HOME)), 403, "forbidden", None)


# --- recusal ----------------------------------------------------------------------------------------------------


def test_a_staff_member_named_in_the_complaint_is_neither_assigned_it_nor_records_its_result(client, cases_app, as_):
    supervisor = as_("supervisor", HOME, "王五")
    complaint_id = received(client, supervisor, staff_named=["张三"])
    send(client, complaint_id, "acceptance", {"on": "2026-06-08"}, supervisor)
    before = event_count(cases_app)
    refused(send(client, complaint_id, "assignment", {"handler": "张三", "on": "2026-06-08"}, supervisor), 403, "recused", "handler", "Recusal")
    named = as_("supervisor", HOME, "张三")
    result = {"outcome": "not_upheld", "findings": "本人无过错", "on": "2026-06-09"}
    refused(send(client, complaint_id, "result", result, named), 403, "recused", "recorded_by", "Recusal")
    assert event_count(cases_app) == before
    assert client.get(f"/complaints/{complaint_id}", headers=named).json()["complainant"]["contact"] == "139****5678"
    answered(send(client, complaint_id, "result", result, supervisor), 3, "resolved")


# --- If-Match and Idempotency-Key -------------------------------------------------------------------------------


def test_a_stale_if_match_is_412_and_writes_nothing_the_current_one_succeeds(client, cases_app, as_):
    supervisor = as_("supervisor", HOME)
    complaint_id = received(client, supervisor)
    etag = client.get(f"/complaints/{complaint_id}", headers=supervisor).headers["ETag"]
    answered(send(client, complaint_id, "assignment", {"handler": "王五", "on": "2026-06-05"}, supervisor, if_match=etag), 2, "received")
    before = event_count(cases_app)
    stale = refused(send(client, complaint_id, "acceptance", {"on": "2026-06-08"}, supervisor, if_match=etag), 412, "stale_version", "If-Match")
    assert stale["details"] == {"current_version": 2}
    assert event_count(cases_app) == before
    answered(send(client, complaint_id, "acceptance", {"on": "2026-06-08"}, supervisor, if_match='"2"'), 3, "accepted")


def test_a_command_reads_the_complaint_once_for_its_scope_its_level_and_the_use_case(client, cases_app, as_, monkeypatch):
    supervisor = as_("supervisor", HOME)
    complaint_id = received(client, supervisor)
    loads = loads_of(cases_app, monkeypatch)

    answered(send(client, complaint_id, "acceptance", {"on": "2026-06-08"}, supervisor), 2, "accepted")

    assert loads == {UUID(complaint_id): 1}


def loads_of(app: CasesApplication, monkeypatch: pytest.MonkeyPatch) -> Counter[UUID]:
    """How often each aggregate is loaded from now on (the application's repository reads)."""
    loads: Counter[UUID] = Counter()
    real = app.repository.get

    def get(aggregate_id: UUID, *args: Any, **kwargs: Any) -> Any:
        loads[aggregate_id] += 1
        return real(aggregate_id, *args, **kwargs)

    monkeypatch.setattr(app.repository, "get", get)
    return loads


def test_a_retry_with_the_same_key_replays_the_first_answer_refusals_included_and_writes_nothing_more(client, cases_app, as_):
    supervisor = as_("supervisor", HOME)
    first = client.post("/complaints", json=complaint(), headers={**supervisor, "Idempotency-Key": "call-0605-01"})
    again = client.post("/complaints", json=complaint(), headers={**supervisor, "Idempotency-Key": "call-0605-01"})
    assert first.status_code == again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    complaint_id = first.json()["complaint_id"]
    before = event_count(cases_app)
    accepted = send(client, complaint_id, "acceptance", {"on": "2026-06-08"}, supervisor, key="accept-1")
    replayed = send(client, complaint_id, "acceptance", {"on": "2026-06-08"}, supervisor, key="accept-1")
    assert replayed.json() == accepted.json() and replayed.headers["ETag"] == '"2"'
    assert event_count(cases_app) == before + 1
    late = send(client, complaint_id, "callback", {"satisfied": True, "on": "2026-06-09"}, supervisor, key="cb-1")
    refused(late, 409, "wrong_complaint_stage", "complaint_id")
    assert send(client, complaint_id, "callback", {"satisfied": True, "on": "2026-06-09"}, supervisor, key="cb-1").json() == late.json()
    reused = send(client, complaint_id, "closing", {"on": "2026-06-09"}, supervisor, key="accept-1")
    refused(reused, 422, "idempotency_key_reused", "Idempotency-Key")
    assert event_count(cases_app) == before + 1


# --- a result with a post-hoc sanction --------------------------------------------------------------------------


def test_an_upheld_result_sanctions_a_linked_case_revokes_its_certificate_and_the_public_page_says_revoked(client, cases_app, as_):
    services = client.app.state.services
    case_id, number = certified(cases_app)
    supervisor = as_("supervisor", HOME)
    complaint_id = received(client, supervisor, category="candidate_misconduct", words="有人替考", case_ids=[str(case_id)])
    send(client, complaint_id, "acceptance", {"on": "2026-06-08"}, supervisor)
    case_version = cases_app.get_case(case_id).version
    sanction = {"case_id": str(case_id), "tier": "grave", "behaviour": "须知 四.4", "severity": "serious"}
    result = {"outcome": "upheld", "findings": "经核查，存在替考", "on": "2026-06-12", "sanction": sanction}
    body = answered(send(client, complaint_id, "result", result, supervisor), 3, "resolved")["result"]

    candidate = cases_app.get_candidate(cases_app.get_case(case_id).candidate_id)
    assert body["caused"] == [
        {"case_id": str(case_id), "version": case_version + 1, "event": "Sanctioned"},
        {"case_id": str(case_id), "version": case_version + 2, "event": "CertRevoked"},
        {"candidate_id": str(candidate.id), "version": candidate.version - 1, "event": "Banned"},
        {"candidate_id": str(candidate.id), "version": candidate.version, "event": "CertificateWithdrawn"},
    ]  # fmt: skip
    assert (body["ban"]["starts_on"], body["ban"]["ends_on"], body["ban"]["referral"]) == ("2026-06-12", "2031-06-11", True)
    (sanctioned,) = events_named(cases_app, case_id, "Sanctioned")
    assert sanctioned.source == {"complaint_id": complaint_id} and sanctioned.post_hoc
    timeline = client.get(f"/cases/{case_id}/timeline", headers=as_("compliance")).json()
    (entry,) = [e for e in timeline if e["event"] == "Sanctioned"]
    assert entry["summary"].endswith(f"on complaint {complaint_id}") and entry["values"]["source"] == {"complaint_id": complaint_id}

    services.projections.catch_up()
    public = client.get(f"/public/certificates/{number}", params={"name": "王芳"})
    assert public.status_code == 200 and (public.json()["status"], public.json()["status_on"]) == ("revoked", "2026-06-12")


@pytest.mark.parametrize(
    ("why", "status", "code", "field"),
    [("not_linked", 422, "case_not_linked", "sanction.case_id"), ("already_sanctioned", 409, "already_sanctioned", "sanction.case_id"),
     ("not_upheld", 422, "invalid_input", "sanction"), ("bad_tier", 422, "unknown_sanction", None)],
)  # fmt: skip
def test_a_refused_sanction_leaves_the_complaint_unresolved_and_the_case_untouched(client, cases_app, as_, why, status, code, field):
    case_id, number = certified(cases_app)
    supervisor = as_("supervisor", HOME)
    linked = [] if why == "not_linked" else [str(case_id)]
    complaint_id = received(client, supervisor, category="candidate_misconduct", case_ids=linked)
    send(client, complaint_id, "acceptance", {"on": "2026-06-08"}, supervisor)
    if why == "already_sanctioned":
        cases_app.sanction(case_id, tier="grave", behaviour="须知 四.4", severity="minor", decided_on=D("2026-06-09"), actor="supervisor:all:s")
    before, case_version = event_count(cases_app), cases_app.get_case(case_id).version
    sanction = {"case_id": str(case_id), "tier": "nonsense" if why == "bad_tier" else "grave", "behaviour": "须知 四.4", "severity": "serious"}
    outcome = "not_upheld" if why == "not_upheld" else "upheld"
    answer = send(client, complaint_id, "result", {"outcome": outcome, "findings": "属实", "on": "2026-06-12", "sanction": sanction}, supervisor)

    assert answer.status_code == status and answer.json()["code"] == code, answer.json()
    if field is not None:
        assert answer.json()["field"] == field
    assert event_count(cases_app) == before and cases_app.get_case(case_id).version == case_version
    view = client.get(f"/complaints/{complaint_id}", headers=supervisor).json()
    assert (view["stage"], view["version"], view["outcome"]) == ("accepted", 2, None)
    if why != "already_sanctioned":
        assert cases_app.get_case(case_id).certificate["status"] == "valid"


# --- logs ---------------------------------------------------------------------------------------------------------


def test_a_complaints_flow_logs_no_contact_whether_a_mobile_a_landline_or_an_e_mail(client, as_):
    """DOMAIN §10 Privacy: the contact is masked in logs. The redaction masks mobile and ID numbers wherever they
    appear, but only some ways of writing a landline (not "(021) 6271 5879"), so no contact may be logged at all:
    the flow's own lines name the complaint, never its complainant."""
    stream = io.StringIO()
    configure_logging(json=True, stream=stream)
    supervisor = as_("supervisor", HOME)
    contacts = (MOBILE, "021-62715879", "(021) 6271 5879", "li.si@example.com")
    for contact in contacts:
        complaint_id = received(client, supervisor, complainant_contact=contact, words=f"请回电 {contact}")
        send(client, complaint_id, "acceptance", {"on": "2026-06-08"}, supervisor)
        send(client, complaint_id, "result", {"outcome": "upheld", "findings": f"已致电 {contact}", "on": "2026-06-09"}, supervisor)
        send(client, complaint_id, "callback", {"satisfied": True, "on": "2026-06-10", "notes": contact}, supervisor)
        client.get(f"/complaints/{complaint_id}", headers=supervisor)
        client.get(f"/complaints/{complaint_id}", headers=as_("registrar", HOME))
        client.post("/complaints", json=complaint(complainant_contact=contact + "x" * 100), headers=supervisor)  # refused: too long
    output = stream.getvalue()
    assert "complaint.received" in output and "complaint.resolved" in output
    assert not MOBILE_PATTERN.search(output), MOBILE_PATTERN.search(output)
    digits_only = re.sub(r"[ ()-]", "", output)
    for contact in contacts:
        digits = re.sub(r"[^0-9]", "", contact)
        assert contact not in output and not (digits and digits[-8:] in digits_only), f"{contact} appears in the logs"


# --- the queue --------------------------------------------------------------------------------------------------


def test_the_queue_lists_complaints_soonest_due_first_with_their_standing_on_the_day_asked(client, as_):
    body, municipal = as_("supervisor", HOME), as_("supervisor")
    late = received(client, body)  # accept or decline by 10 June
    accepted = received(client, body, received_at="2026-06-08T09:30:00+08:00", category="fees")
    send(client, accepted, "acceptance", {"on": "2026-06-08"}, body)  # a result by 17 June
    escalated = received(client, body, received_at="2026-06-09T10:00:00+08:00")
    send(client, escalated, "escalation", {"why": "choice", "on": "2026-06-09"}, body)  # accept by 12 June at the center
    theirs = received(client, as_("supervisor", OTHER), body=OTHER, received_at="2026-06-05T09:45:00+08:00")  # dsxh: 09:30-11:00
    client.app.state.services.projections.catch_up()

    rows = client.get("/complaints", params={"on": "2026-06-11", "state": "open"}, headers=body)
    assert rows.status_code == 200 and int(rows.headers["X-Projection-Position"]) > 0
    listed = {row["complaint_id"]: row for row in rows.json()}
    assert list(listed) == [late, escalated, accepted] and theirs not in listed
    assert [(r["standing"], r["working_days_late"], r["you_act_on_it"]) for r in listed.values()] == [
        ("breached", 1, True), ("due_soon", 0, False), ("on_time", 0, True),
    ]  # fmt: skip
    assert listed[late]["complainant_contact_masked"] == "139****5678" and listed[late]["complainant_name"] == "李四"
    assert MOBILE not in rows.text

    breached = client.get("/complaints", params={"on": "2026-06-11", "breached": "true"}, headers=municipal).json()
    assert [row["complaint_id"] for row in breached] == [theirs, late]  # both due 10 June: the earlier call first
    fees = client.get("/complaints", params={"on": "2026-06-11", "category": "fees", "body": HOME}, headers=as_("compliance")).json()
    assert [row["complaint_id"] for row in fees] == [accepted]
    ours = client.get("/complaints", params={"on": "2026-06-11", "level": "municipal"}, headers=municipal).json()
    assert [(row["complaint_id"], row["you_act_on_it"]) for row in ours] == [(escalated, True)]

    desk = client.get("/complaints", params={"on": "2026-06-11"}, headers=as_("registrar", HOME)).json()
    assert {row["complaint_id"] for row in desk} == {late, accepted, escalated}
    assert all(row["complainant_name"] is None and row["complainant_contact_masked"] is None for row in desk)
    refused(client.get("/complaints", params={"body": OTHER}, headers=as_("registrar", HOME)), 403, "forbidden", None)
    refused(client.get("/complaints", headers=as_("examiner", HOME)), 403, "forbidden", None)
    page = client.get("/complaints", params={"on": "2026-06-11", "limit": 1, "offset": 1}, headers=body).json()
    assert [row["complaint_id"] for row in page] == [escalated]
    on_time = client.get("/complaints", params={"on": "2026-06-11", "standing": "on_time", "limit": 1}, headers=body).json()
    assert [row["complaint_id"] for row in on_time] == [accepted]  # filtered before the limit: the third row overall
    assert client.get("/complaints", params={"standing": "late"}, headers=body).status_code == 422


def test_a_command_answers_the_position_a_queue_read_can_wait_for(client, as_):
    """Read your writes: the position a command reached, passed as wait_for_position, is never beyond the head."""
    body = as_("supervisor", HOME)
    created = client.post("/complaints", json=complaint(), headers=body).json()
    client.app.state.services.projections.catch_up()
    rows = client.get("/complaints", params={"wait_for_position": created["position"], "on": "2026-06-08"}, headers=body)
    assert rows.status_code == 200 and created["complaint_id"] in rows.text
    assert int(rows.headers["X-Projection-Position"]) >= created["position"]


def test_the_complaint_figures_per_month_and_body_with_their_exports_and_a_bodys_registrar_sees_its_own(client, as_):
    for body in (HOME, OTHER):
        supervisor = as_("supervisor", body)
        complaint_id = received(client, supervisor, body=body)
        send(client, complaint_id, "acceptance", {"on": "2026-06-08"}, supervisor)
    client.app.state.services.projections.catch_up()
    every = client.get("/reports/complaints", headers=as_("compliance")).json()
    assert {(r["month"], r["body"], r["received"], r["accepted"]) for r in every["rows"]} == {("2026-06", HOME, 1, 1), ("2026-06", OTHER, 1, 1)}
    own = client.get("/reports/complaints", headers=as_("registrar", HOME)).json()
    assert [r["body"] for r in own["rows"]] == [HOME]
    assert client.get("/reports/complaints", params={"body": OTHER}, headers=as_("registrar", HOME)).status_code == 403
    compliance = as_("compliance")
    csv_text = client.get("/reports/complaints", params={"format": "csv"}, headers=compliance).content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("month,body,received") and len(csv_text.splitlines()) == 3
    png = client.get("/reports/complaints", params={"format": "png", "measure": "median_working_days_to_result"}, headers=compliance)
    assert png.status_code == 200 and png.content[:4] == b"\x89PNG"
    refused(client.get("/reports/complaints", params={"measure": "nope"}, headers=compliance), 422, "invalid_input", "measure")
