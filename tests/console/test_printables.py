"""The printables (issue 14 "Public pages"): the electronic certificate — public, no sign-in, never the holder's ID
number, limited per address like the verification page, its QR code this host's verification URL for the number
and name, and "not valid" once revoked — and the admission ticket (准考证), the API's ticket policy and refusals,
its QR code this host's public ticket check for the case and name: no sign-in, the verification's limit per
address, never the ID number, genuine with the sitting and whether the seat still holds."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote, urlsplit

import pytest
import segno

from tests.api.test_case_commands import dmtxh_paid, plan_sitting
from tests.builders import FULL_ID_NUMBER, paid
from tests.console.conftest import issue_certificate

D = date.fromisoformat


def printed(client, number: str, name: str):
    return client.get(f"/console/certificates/{number}/print", params={"name": name})


def qr(content: str) -> str:
    return segno.make_qr(content, error="m").svg_inline(scale=4)


def test_a_valid_certificate_prints_on_a4_with_a_qr_code_of_its_verification_url_and_no_id_number(client, issued, services):
    page = printed(client, issued["number"], " 王芳 ")

    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "电子证书" in page.text and "王芳" in page.text and issued["number"] in page.text and "互联网营销师" in page.text
    assert "@page { size: A4" in page.text and "@media print" in page.text
    url = f"http://testserver/console/verify?number={issued['number']}&name={quote('王芳')}"
    assert qr(url) in page.text  # the QR code encodes exactly this URL (segno draws the same SVG for the same content)
    assert f"<code>{url.replace('&', '&amp;')}</code>" in page.text and "NOT VALID" not in page.text
    verified = client.get(urlsplit(url).path + "?" + urlsplit(url).query)
    assert 'class="result status-valid"' in verified.text  # the URL opens the verification page, which finds it
    masked = services.app.get_case(issued["case_id"]).holder_id_masked
    assert issued["id_number"] not in page.text and masked not in page.text and not FULL_ID_NUMBER.search(page.text)


def test_a_revoked_certificate_prints_as_not_valid_with_the_kind_of_reason(client, issued, services):
    services.app.sanctions.sanction(issued["case_id"], tier="sitting", behaviour="须知 三.2", decided_on=D("2026-09-01"), actor="supervisor:wgsh")
    services.projections.catch_up()

    page = printed(client, issued["number"], "王芳").text

    assert "NOT VALID" in page and "status-revoked" in page and "作无效处理" in page and "2026-09-01" in page
    assert "取消当次全部科目成绩" in page and "三.2" not in page


def test_a_wrong_name_and_an_unknown_number_are_the_same_404_page(client, issued):
    wrong, unknown = printed(client, issued["number"], "王芬"), printed(client, "WGSH000000000", "王芳")

    assert wrong.status_code == unknown.status_code == 404
    assert wrong.text == unknown.text and "互联网营销师" not in wrong.text and "<svg" not in wrong.text
    assert printed(client, issued["number"], "").status_code == 404


def test_printing_shares_the_verification_limit_per_address(api_app, client, issued):
    api_app.state.public_rate_limit = 2
    answers = [printed(client, issued["number"], "王芳"), client.get("/console/verify", params={"number": issued["number"], "name": "王芳"})]
    refused = printed(client, issued["number"], "王芳")
    api_app.state.public_rate_limit = None

    assert [a.status_code for a in answers] == [200, 200]
    assert refused.status_code == 429 and "text/html" in refused.headers["content-type"] and refused.headers["Retry-After"]


def test_a_candidate_named_like_a_script_prints_as_text(client, services):
    name = "<script>alert(1)</script>"
    number = issue_certificate(services, name)["number"]

    page = printed(client, number, name).text

    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.fixture
def seated(services):
    case_id = dmtxh_paid(services.app)
    sitting = plan_sitting(services.app, "dmtxh", "2026-06-27", planned_on="2026-05-15")
    services.app.scheduling.schedule_case(case_id, sitting, on=D("2026-05-20"), actor="registrar-1")
    return case_id


def test_the_admission_ticket_prints_from_its_download_day_with_a_qr_code_of_its_console_url(signed_in, seated, services):
    registrar, examiner = signed_in("registrar", "dmtxh"), signed_in("examiner", "dmtxh")

    early = registrar.get(f"/console/cases/{seated}/ticket", params={"on": "2026-06-19"})
    page = examiner.get(f"/console/cases/{seated}/ticket", params={"on": "2026-06-20"})

    assert early.status_code == 409 and "ticket_not_available" in early.text and "2026-06-20" in early.text
    assert re.search(r"field.*<code>on</code>", early.text) and "<svg" not in early.text
    assert page.status_code == 200 and "准考证" in page.text and "2026-06-27" in page.text
    case = services.app.get_case(seated)
    url = f"http://testserver/console/tickets/verify?case={seated}&name={quote(case.holder_name)}"
    assert qr(url) in page.text and f"<code>{url.replace('&', '&amp;')}</code>" in page.text
    assert case.holder_id_masked in page.text and not FULL_ID_NUMBER.search(page.text)


def test_the_tickets_qr_code_opens_a_public_check_genuine_with_the_sitting_and_no_id_number(signed_in, seated, client, services):
    case = services.app.get_case(seated)
    url = f"/console/tickets/verify?case={seated}&name={quote(case.holder_name)}"

    check = client.get(url, follow_redirects=False)  # signed out: the door's phone

    assert check.status_code == 200 and "text/html" in check.headers["content-type"]
    assert "ticket-genuine" in check.text and "seat-held" in check.text and "seat-not-held" not in check.text
    assert case.holder_name in check.text and "2026-06-27" in check.text and case.scheduled["venue"] in check.text
    assert case.occupation in check.text
    assert case.holder_id_masked not in check.text and not FULL_ID_NUMBER.search(check.text)
    candidate = services.app.get_candidate(case.candidate_id)
    assert candidate.id_number not in check.text and (candidate.phone or "no phone") not in check.text


def test_a_wrong_name_and_an_unknown_case_are_the_same_no_match_page(seated, client, services):
    name = services.app.get_case(seated).holder_name
    wrong = client.get("/console/tickets/verify", params={"case": str(seated), "name": name + "甲"})
    unknown = client.get("/console/tickets/verify", params={"case": "00000000-0000-0000-0000-000000000000", "name": name})
    garbled = client.get("/console/tickets/verify", params={"case": "not-a-uuid", "name": name})

    assert wrong.status_code == unknown.status_code == garbled.status_code == 404
    assert wrong.text.replace(name + "甲", name) == unknown.text.replace("00000000-0000-0000-0000-000000000000", str(seated))
    assert "ticket-genuine" not in wrong.text and "2026-06-27" not in wrong.text and "role=\"alert\"" in wrong.text
    assert client.get("/console/tickets/verify").status_code == 200  # the empty form


def test_a_withdrawn_cases_ticket_checks_as_no_longer_held(seated, client, services):
    case = services.app.get_case(seated)
    services.app.withdraw(seated, on=D("2026-06-01"), reason="本人申请", actor="registrar-1")

    check = client.get("/console/tickets/verify", params={"case": str(seated), "name": case.holder_name})

    assert check.status_code == 200 and "ticket-genuine" in check.text and "seat-not-held" in check.text
    assert "2026-06-27" in check.text
    assert "已撤回" in check.text and "stage.withdrawn" not in check.text  # the case's stage, in words


def test_a_ticket_already_sat_checks_as_genuine_no_longer_held_with_the_day_sat(seated, client, services):
    name = services.app.get_case(seated).holder_name
    services.app.record_attendance(seated, sat_on=D("2026-06-27"), attended=True, actor="examiner-1")

    check = client.get("/console/tickets/verify", params={"case": str(seated), "name": name})

    assert check.status_code == 200 and "ticket-genuine" in check.text and "seat-sat" in check.text
    assert "seat-not-held" in check.text and "2026-06-27" in check.text


def test_the_ticket_check_shares_the_verification_limit_per_address(api_app, client, seated, services):
    name = services.app.get_case(seated).holder_name
    api_app.state.public_rate_limit = 2
    answers = [client.get("/console/tickets/verify", params={"case": str(seated), "name": name}), client.get("/console/verify", params={"number": "WGSH000000000", "name": name})]
    refused = client.get("/console/tickets/verify", params={"case": str(seated), "name": name})
    api_app.state.public_rate_limit = None

    assert [a.status_code for a in answers] == [200, 404]
    assert refused.status_code == 429 and "text/html" in refused.headers["content-type"] and refused.headers["Retry-After"]


def test_the_ticket_follows_the_apis_policy_another_bodys_case_is_a_404_page(signed_in, seated, client):
    assert signed_in("registrar", "wgsh").get(f"/console/cases/{seated}/ticket", params={"on": "2026-06-20"}).status_code == 404
    assert signed_in("compliance").get(f"/console/cases/{seated}/ticket", params={"on": "2026-06-20"}).status_code == 403
    assert signed_in("registrar", "dmtxh").get("/console/cases/not-a-uuid/ticket").status_code == 404
    signed_out = client.get(f"/console/cases/{seated}/ticket", follow_redirects=False)
    assert signed_out.status_code == 303 and signed_out.headers["location"] == "/console/sign-in"
