"""The hotline's pages (DOMAIN §10, issue 14 "Hotline"): the queue with each complaint's standing in colour and its
filters, the complaint page with its timeline, accept and decline as CSRF-checked forms, another body's complaint
a 404 page, and the complainant's contact masked by role as the API masks it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from uuid import uuid4

from structlog.testing import capture_logs

from api.console.hotline import SHOWN
from cases.settings import SHANGHAI
from tests.builders import FULL_ID_NUMBER, event_count
from tests.console.conftest import HOME, MOBILE, OTHER, csrf_of

MOBILE_PATTERN = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def test_the_queue_shows_each_complaints_standing_in_colour_and_filters_by_it(signed_in, receive, monkeypatch):
    monkeypatch.setenv("CASES_TODAY", datetime.now(SHANGHAI).date().isoformat())  # fresh is received now: today is the real day
    late = receive()  # received in June: its acceptance clock breached long ago
    fresh = receive(received_at=datetime.now(SHANGHAI) - timedelta(minutes=5))
    supervisor = signed_in("supervisor", HOME)

    page = supervisor.get("/console/complaints").text

    assert re.search(rf'<tr class="standing-breached">(?:(?!</tr>).)*{late}', page, re.S)
    assert re.search(rf'<tr class="standing-(on_time|due_soon|due_today)">(?:(?!</tr>).)*{fresh}', page, re.S)
    assert "已超期" in page and 'class="badge breached"' in page
    breached = supervisor.get("/console/complaints", params={"standing": "breached"}).text
    assert str(late) in breached and str(fresh) not in breached
    assert str(late) not in supervisor.get("/console/complaints", params={"level": "municipal"}).text


def test_the_standing_filter_finds_on_time_complaints_beyond_the_first_page_of_the_queue(signed_in, services, monkeypatch):
    """More open complaints than the page shows (SHOWN), the on-time ones due last: the filter is the read model's,
    applied before the page's limit, so it finds them all the same."""
    monkeypatch.setenv("CASES_TODAY", "2026-06-08")
    call = {"channel": "body_line", "body": HOME, "category": "results_late", "words": "成绩至今未公布", "anonymous": True}

    def received(at: str) -> str:
        return str(services.app.hotline.receive(**call, received_at=datetime.fromisoformat(at), actor="supervisor:test").id)

    due_today = [received("2026-06-03T10:15:00+08:00") for _ in range(SHOWN + 1)]  # accept or decline by 8 June
    on_time = [received("2026-06-08T09:30:00+08:00") for _ in range(2)]  # by 11 June
    services.projections.catch_up()
    supervisor = signed_in("supervisor", HOME)

    first_page = supervisor.get("/console/complaints").text
    assert first_page.count('<tr class="standing-due_today">') == SHOWN and not any(c in first_page for c in on_time)
    filtered = supervisor.get("/console/complaints", params={"standing": "on_time"}).text
    assert all(c in filtered for c in on_time) and not any(c in filtered for c in due_today)
    assert filtered.count('<tr class="standing-on_time">') == 2


def test_a_bodys_staff_see_only_their_bodys_complaints_and_asking_for_another_is_refused(signed_in, receive):
    mine, theirs = receive(HOME), receive(OTHER)
    supervisor = signed_in("supervisor", HOME)

    page = supervisor.get("/console/complaints").text

    assert str(mine) in page and str(theirs) not in page
    assert supervisor.get("/console/complaints", params={"body": OTHER}).status_code == 403
    municipal = signed_in("supervisor").get("/console/complaints", params={"body": OTHER}).text
    assert str(theirs) in municipal and str(mine) not in municipal


def test_another_bodys_complaint_page_is_the_same_404_page_as_a_missing_one(signed_in, receive):
    theirs = receive(OTHER, words="他们机构的投诉内容")
    supervisor = signed_in("supervisor", HOME)

    other = supervisor.get(f"/console/complaints/{theirs}")
    missing = supervisor.get(f"/console/complaints/{uuid4()}")

    assert other.status_code == missing.status_code == 404
    assert "text/html" in other.headers["content-type"]
    assert other.text == missing.text
    assert "他们机构" not in other.text and str(theirs) not in other.text
    assert supervisor.get("/console/complaints/not-a-uuid").status_code == 404


def test_the_complaint_page_shows_its_timeline_and_the_handling_supervisor_accepts_it(signed_in, receive, services):
    complaint = receive()
    supervisor = signed_in("supervisor", HOME)
    page = supervisor.get(f"/console/complaints/{complaint}").text
    assert "Received" in page and "DOMAIN §10 Receiving" in page and "已登记" in page

    answer = supervisor.post(
        f"/console/complaints/{complaint}/accept", data={"csrf": csrf_of(page), "version": "1", "on": "2026-06-08"},
        follow_redirects=False,
    )  # fmt: skip

    assert (answer.status_code, answer.headers["location"]) == (303, f"/console/complaints/{complaint}?done=accept")
    assert services.app.hotline.get(complaint).stage == "accepted"
    after = supervisor.get(f"/console/complaints/{complaint}").text
    assert "Accepted" in after and "已受理" in after and "/accept" not in after  # no accept form once accepted


def test_the_handling_supervisor_declines_with_a_reason(signed_in, receive, services):
    complaint = receive()
    supervisor = signed_in("supervisor", HOME)
    csrf = csrf_of(supervisor.get(f"/console/complaints/{complaint}").text)

    answer = supervisor.post(
        f"/console/complaints/{complaint}/decline",
        data={"csrf": csrf, "version": "1", "on": "2026-06-08", "reason": "不属于本机构业务范围"}, follow_redirects=False,
    )  # fmt: skip

    assert answer.status_code == 303
    assert services.app.hotline.get(complaint).stage == "declined"


def test_a_form_posted_without_its_csrf_token_or_with_another_sessions_is_refused_and_changes_nothing(
    signed_in, receive, services
):
    complaint = receive()
    supervisor, colleague = signed_in("supervisor", HOME), signed_in("supervisor", HOME)
    theirs = csrf_of(colleague.get(f"/console/complaints/{complaint}").text)
    before = event_count(services.app)

    form = {"version": "1", "on": "2026-06-08"}
    for data in (form, {**form, "csrf": theirs}, {**form, "csrf": ""}):
        answer = supervisor.post(f"/console/complaints/{complaint}/accept", data=data)
        assert answer.status_code == 403, data
        assert "text/html" in answer.headers["content-type"]

    assert event_count(services.app) == before
    assert services.app.hotline.get(complaint).stage == "received"


def test_acting_on_another_bodys_complaint_is_a_404_and_at_another_level_a_403(signed_in, receive, services):
    theirs, mine = receive(OTHER), receive(HOME)
    supervisor, municipal = signed_in("supervisor", HOME), signed_in("supervisor")
    csrf = csrf_of(supervisor.get("/console/complaints").text)
    before = event_count(services.app)

    form = {"version": "1", "on": "2026-06-08"}
    assert supervisor.post(f"/console/complaints/{theirs}/accept", data={**form, "csrf": csrf}).status_code == 404
    municipal_csrf = csrf_of(municipal.get(f"/console/complaints/{mine}").text)
    refused = municipal.post(f"/console/complaints/{mine}/accept", data={**form, "csrf": municipal_csrf})
    assert refused.status_code == 403 and "supervisors handle the complaint until it is escalated" in refused.text
    assert event_count(services.app) == before


def test_a_stale_page_is_refused_with_a_conflict_and_writes_nothing(signed_in, receive, services):
    complaint = receive()
    supervisor = signed_in("supervisor", HOME)
    csrf = csrf_of(supervisor.get(f"/console/complaints/{complaint}").text)
    services.app.hotline.assign(complaint, handler="王五", on=datetime(2026, 6, 8).date(), actor="supervisor:other")

    answer = supervisor.post(f"/console/complaints/{complaint}/accept", data={"csrf": csrf, "version": "1", "on": "2026-06-08"})

    assert answer.status_code == 409
    assert services.app.hotline.get(complaint).stage == "received"


def test_who_reads_the_complainants_contact_in_full_is_the_apis_rule(signed_in, receive):
    complaint = receive(words=f"请回电{MOBILE}，身份证 110101199003071234")
    registrar, compliance = signed_in("registrar", HOME), signed_in("compliance")
    municipal, handling = signed_in("supervisor"), signed_in("supervisor", HOME)

    for reader in (registrar, compliance, municipal):
        for path in ("/console/complaints", f"/console/complaints/{complaint}"):
            page = reader.get(path).text
            assert not MOBILE_PATTERN.search(page) and not FULL_ID_NUMBER.search(page), path
    assert "李四" not in registrar.get(f"/console/complaints/{complaint}").text  # registrars: not even the name
    assert "李四" in compliance.get(f"/console/complaints/{complaint}").text
    assert not MOBILE_PATTERN.search(handling.get("/console/complaints").text)  # the queue always masks
    page = handling.get(f"/console/complaints/{complaint}").text  # no page holds a full phone number (issue 14) …
    assert not MOBILE_PATTERN.search(page) and not FULL_ID_NUMBER.search(page)
    assert f'action="/console/complaints/{complaint}/contact"' in page  # … the handling supervisor asks for it
    for reader in (registrar, compliance, municipal):
        assert f"/console/complaints/{complaint}/contact" not in reader.get(f"/console/complaints/{complaint}").text


def test_the_handling_supervisor_reveals_the_contact_for_the_callback_by_a_logged_post(signed_in, receive):
    """DOMAIN §10 Privacy: readable in full only by the supervisors handling the complaint. A CSRF-checked POST,
    answered with no-store and logged with the complaint, never the contact; anyone else gets a 404 page."""
    complaint = receive()
    handling = signed_in("supervisor", HOME)
    path = f"/console/complaints/{complaint}/contact"
    csrf = csrf_of(handling.get(f"/console/complaints/{complaint}").text)

    with capture_logs() as logged:
        answer = handling.post(path, data={"csrf": csrf})

    assert answer.status_code == 200 and MOBILE in answer.text and "李四" in answer.text
    assert answer.headers["cache-control"] == "no-store"
    revealed = [line for line in logged if line["event"] == "complaint_contact_revealed"]
    assert revealed and revealed[0]["complaint_id"] == str(complaint) and MOBILE not in repr(logged)
    assert handling.post(path, data={}).status_code == 403  # no CSRF token: refused
    assert handling.get(path).status_code == 405
    for reader in (signed_in("registrar", HOME), signed_in("compliance"), signed_in("supervisor")):
        refused = reader.post(path, data={"csrf": csrf_of(reader.get("/console/").text)})
        assert refused.status_code == 404 and MOBILE not in refused.text


def test_what_a_complainant_writes_renders_as_text(signed_in, receive):
    complaint = receive(words="<script>alert(1)</script>", complainant_name="<b>李四</b>")
    page = signed_in("supervisor", HOME).get(f"/console/complaints/{complaint}").text

    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>李四</b>" not in page
