"""Journeys in a real browser (issue 14 "Tests that must exist"): a supervisor signs in with a token, works the
hotline queue, opens a complaint and accepts it through its form (the browser posts the hidden CSRF field), asks for the
complainant's contact for the callback (no page holds it otherwise), the
public verifies a certificate with no sign-in, and the supervisor signs out. Each runs on SQLite and PostgreSQL,
every page with no request to another host and a screenshot (conftest.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

import pytest

from cases.settings import SHANGHAI
from tests.builders import certify, paid

D = date.fromisoformat
MOBILE = "13912345678"


@pytest.fixture
def certified(server):
    """王芳's wgsh level-3 certificate, issued on 1 June 2026: (case id, number)."""
    case_id = paid(server.app, name="王芳")
    number = certify(server.app, case_id, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))
    return case_id, number


def received(server, case_id, **changes):
    """A call on wgsh's line ten days ago (its clock counts from before today), about the certified case."""
    complaint = {
        "channel": "body_line", "received_at": datetime.now(SHANGHAI) - timedelta(days=10), "body": "wgsh",
        "category": "results_late", "words": f"证书信息有误，请回电{MOBILE}", "complainant_name": "李四",
        "complainant_contact": MOBILE, "case_ids": [case_id], **changes,
    }  # fmt: skip
    outcome = server.app.hotline.receive(**complaint, actor="supervisor:wgsh")
    return str(outcome.id)


def test_a_supervisor_signs_in_works_the_queue_accepts_a_complaint_and_the_public_verifies_a_certificate(
    journey, server, certified
):
    case_id, number = certified
    complaint = received(server, case_id)
    server.settle()

    journey.sign_in(server.token("supervisor", "wgsh"))
    assert journey.path == "/console/complaints"  # a supervisor's home is the queue
    row = journey.page.locator(f"tr:has(a[href$='/complaints/{complaint}'])")
    assert row.count() == 1 and row.get_attribute("class").startswith("standing-")
    assert MOBILE not in journey.text()  # the queue always masks the contact

    journey.click(f"a[href$='/complaints/{complaint}']", "complaint")
    assert journey.path == f"/console/complaints/{complaint}"
    assert "已登记" in journey.text() and str(case_id) in journey.text()

    journey.submit(f"form[action$='/complaints/{complaint}/accept'] button[type=submit]", "accepted")
    assert journey.path == f"/console/complaints/{complaint}"  # the form redirected back to the complaint
    assert "已受理" in journey.text() and "Accepted" in journey.text()
    assert journey.page.locator(f"form[action$='/complaints/{complaint}/accept']").count() == 0
    assert server.app.hotline.get(UUID(complaint)).stage == "accepted"
    assert MOBILE not in journey.page.content()  # the complaint page masks the contact too …

    journey.submit(f"form[action$='/complaints/{complaint}/contact'] button[type=submit]", "contact-for-callback")
    assert MOBILE in journey.text()  # … which the handling supervisor asks for, for the callback
    journey.click(f"main a[href$='/complaints/{complaint}']", "complaint-again")

    journey.click("header nav a[href$='/verify']", "verify-form")
    journey.fill({"input[name=number]": number, "input[name=name]": "王芳"})
    journey.submit("main form button[type=submit]", "verified")
    assert journey.page.locator("section.result.status-valid").count() == 1
    assert number in journey.text() and "2026-06-01" in journey.text()

    journey.open("/console/complaints", "queue-again")  # the public page has no session header: back to sign out
    journey.sign_out()
    assert journey.open("/console/complaints", "queue-after-sign-out") == 200  # the sign-in page, after the redirect
    assert journey.path == "/console/sign-in"


def test_the_public_verifies_a_certificate_with_no_sign_in(journey, server, certified):
    _, number = certified
    server.settle()

    journey.open("/console/verify", "verify-form")
    journey.fill({"input[name=number]": number, "input[name=name]": "王芳"})
    journey.submit("main form button[type=submit]", "verified")
    assert journey.page.locator("section.result.status-valid").count() == 1

    journey.fill({"input[name=number]": number, "input[name=name]": "王芬"})
    journey.submit("main form button[type=submit]", "wrong-name")
    assert journey.page.locator("section.result").count() == 0 and journey.page.locator("p.error").count() == 1


def test_what_a_complainant_writes_runs_no_script_in_the_browser(journey, server, certified):
    case_id, _ = certified
    complaint = received(server, case_id, complainant_name="<b>李四</b>")
    server.app.hotline.receive(
        channel="body_line", received_at=datetime.now(SHANGHAI) - timedelta(minutes=1), body="wgsh", category="other",
        words="<script>alert(1)</script><img src=x onerror=alert(2)>", anonymous=True, actor="supervisor:wgsh",
    )  # fmt: skip
    server.settle()
    dialogs: list[str] = []
    journey.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    journey.sign_in(server.token("supervisor", "wgsh"))
    assert "<b>李四</b>" in journey.text()  # the name as typed, shown as text
    words = []
    for href in [a.get_attribute("href") for a in journey.page.locator("table.queue a[href*='/complaints/']").all()]:
        journey.open(href, f"complaint-{href.rsplit('/', 1)[-1][:8]}")
        words += journey.page.locator("blockquote").all_inner_texts()
    assert "<script>alert(1)</script><img src=x onerror=alert(2)>" in words  # shown as text
    assert journey.page.locator("main script, main img").count() == 0
    assert dialogs == []  # no script ran
