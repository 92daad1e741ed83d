"""The issue's journeys in a real browser (issue 14 "Tests that must exist"): a supervisor takes a call through the
intake form, accepts it, extends it, resolves it with a post-hoc sanction of the linked case, and the public page
then says revoked; a compliance officer opens that case as of a date before the sanction and sees the certificate
valid (and revoked as it stands). Every step through the pages' own forms, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from tests.builders import certify, events_named, paid

D = date.fromisoformat
MOBILE = "13912345678"


def test_a_supervisor_takes_a_call_and_resolves_it_with_a_sanction_then_compliance_sees_the_case_before_it(journey, server):
    case_id = paid(server.app, name="王芳")
    number = certify(server.app, case_id, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))
    server.settle()

    journey.sign_in(server.token("supervisor", "wgsh", "王五"))
    journey.open("/console/complaints/new", "intake-form")
    intake = "form[action$='/complaints/new']"
    journey.fill({
        "[name=channel]": "body_line", "[name=received_at]": "2026-06-05T10:15", "[name=body]": "wgsh",
        "[name=category]": "candidate_misconduct", "[name=words]": "有人替考", "[name=complainant_name]": "李四",
        "[name=complainant_contact]": MOBILE, "[name=case_ids]": str(case_id), "[name=staff_named]": "张三",
    }, within=intake)  # fmt: skip
    journey.submit(f"{intake} button[type=submit]", "taken")
    complaint = journey.path.rsplit("/", 1)[-1]
    assert journey.path == f"/console/complaints/{complaint}", journey.text()
    assert journey.page.locator(f"a[href='/console/cases/{case_id}']").count() >= 1

    journey.fill({"[name=on]": "2026-06-08"}, within="#form-accept")
    journey.submit("#form-accept button[type=submit]", "accepted")
    assert "已受理" in journey.text()

    journey.fill({
        "[name=on]": "2026-06-15", "[name=working_days]": "5", "[name=reason]": "需调取考场监控录像",
        "[name=notice_recorded_on]": "2026-06-15",
    }, within="#form-extend")  # fmt: skip
    journey.submit("#form-extend button[type=submit]", "extended")
    assert server.app.hotline.get(UUID(complaint)).extended_at

    journey.fill({
        "[name=on]": "2026-06-16", "[name=outcome]": "upheld", "[name=findings]": "经核查，存在替考",
        "[name=sanction_case_id]": str(case_id), "[name=sanction_tier]": "grave", "[name=sanction_behaviour]": "须知 四.4",
        "[name=sanction_severity]": "serious",
    }, within="#form-resolve")  # fmt: skip
    journey.submit("#form-resolve button[type=submit]", "resolved")
    assert "已办结" in journey.text()
    (sanctioned,) = events_named(server.app, case_id, "Sanctioned")
    assert sanctioned.post_hoc and sanctioned.source == {"complaint_id": complaint}
    server.settle()

    journey.open("/console/verify", "verify-form")
    journey.fill({"input[name=number]": number, "input[name=name]": "王芳"})
    journey.submit("main form button[type=submit]", "verified-revoked")
    assert journey.page.locator("section.result.status-revoked").count() == 1
    assert "2026-06-16" in journey.text() and "替考" not in journey.text()  # the kind of reason, not the conduct

    journey.open("/console/complaints", "queue")
    journey.sign_out()
    journey.sign_in(server.token("compliance"))
    journey.open(f"/console/cases/{case_id}", "case")
    assert journey.page.locator("#today dd.certificate.status-revoked").count() == 1
    journey.fill({"[name=on]": "2026-06-10"}, within=f"form[action='/console/cases/{case_id}']:has([name=on])")
    journey.submit(f"form[action='/console/cases/{case_id}']:has([name=on]) button[type=submit]", "as-of-before-sanction")
    assert journey.page.locator("#as-of dd.certificate.status-valid").count() == 1
    assert number in journey.text("#as-of")
