"""The public certificate verification page (DOMAIN §8, issue 14 "Public pages"): no sign-in, no ID number; valid,
revoked with the kind of reason (never the conduct), or replaced by which number; the collection day; an unknown
number and a wrong name the same page; the same per-address limit as the API's /public routes."""

from __future__ import annotations

from datetime import date

import pytest

from tests.builders import FULL_ID_NUMBER, certify, paid
from tests.console.conftest import issue_certificate

D = date.fromisoformat


def verify(client, number: str, name: str):
    return client.get("/console/verify", params={"number": number, "name": name})


def test_anyone_sees_a_valid_certificate_with_its_collection_day_and_no_id_number(client, issued, services):
    page = verify(client, issued["number"], " 王芳 ")

    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert 'class="result status-valid"' in page.text
    assert "上海市网购商会" in page.text and "互联网营销师" in page.text and "2026-06-01" in page.text
    assert "可领取日" in page.text and "2026-06-30" in page.text
    masked = services.app.get_case(issued["case_id"]).holder_id_masked
    assert issued["id_number"] not in page.text and masked not in page.text and not FULL_ID_NUMBER.search(page.text)
    assert page.headers["Cache-Control"] == "no-store"


def test_a_wrong_name_and_an_unknown_number_are_the_same_page(client, issued):
    wrong_name, unknown = verify(client, issued["number"], "王芬"), verify(client, "WGSH000000000", "王芳")

    assert wrong_name.status_code == unknown.status_code == 404
    assert "互联网营销师" not in wrong_name.text and "No certificate matches" in wrong_name.text
    def asked_removed(text: str, number: str, name: str) -> str:
        return text.replace(number, "N").replace(name, "X")

    assert asked_removed(wrong_name.text, issued["number"], "王芬") == asked_removed(unknown.text, "WGSH000000000", "王芳")


def test_a_sanctioned_certificate_says_revoked_with_the_sanctions_kind_and_never_the_conduct(client, services):
    certificate = issue_certificate(services, "李娜")
    case_id, number = certificate["case_id"], certificate["number"]
    services.app.sanctions.sanction(
        case_id, tier="sitting", behaviour="须知 三.2", decided_on=D("2026-09-01"), actor="supervisor:wgsh"
    )  # fmt: skip
    services.projections.catch_up()

    page = verify(client, number, "李娜").text

    assert 'class="result status-revoked"' in page and "作无效处理" in page and "2026-09-01" in page
    assert "取消当次全部科目成绩" in page  # the kind: the sitting tier
    assert "copying" not in page and "三.2" not in page  # not the misconduct's details


def test_a_body_revocation_says_revoked_by_the_body_without_its_words(client, services):
    certificate = issue_certificate(services, "李娜")
    case_id, number = certificate["case_id"], certificate["number"]
    services.app.revoke_certificate(case_id, on=D("2026-09-01"), reason="申报材料虚假（须知 一）", actor="registrar-1")
    services.projections.catch_up()

    page = verify(client, number, "李娜").text

    assert "已撤销" in page and "revoked by the issuing body" in page and "虚假" not in page


def test_a_replaced_certificate_names_its_replacement(client, services):
    case_id = paid(services.app, body="dmtxh", level=4, name="赵磊")
    lost = certify(services.app, case_id, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))
    replacement = services.app.reissue_certificate(case_id, on=D("2026-09-01"), actor="registrar-1", reason="lost")
    services.projections.catch_up()

    page = verify(client, lost, "赵磊").text

    assert 'class="result status-replaced"' in page and replacement in page
    assert 'class="result status-valid"' in verify(client, replacement, "赵磊").text


def test_a_candidate_named_like_a_script_renders_as_text(client, services):
    name = "<script>alert(1)</script>"
    number = issue_certificate(services, name)["number"]

    page = verify(client, number, name).text

    assert 'class="result status-valid"' in page
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_lookups_share_the_public_routes_limit_per_address(api_app, client, issued):
    api_app.state.public_rate_limit = 3

    console = [verify(client, issued["number"], "王芳") for _ in range(2)]
    answers = [*console, client.get(f"/public/certificates/{issued['number']}", params={"name": "王芳"})]
    refused = verify(client, issued["number"], "王芳")

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert refused.status_code == 429 and "text/html" in refused.headers["content-type"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert client.get("/console/verify").status_code == 200  # the empty form is not a lookup
    api_app.state.public_rate_limit = None
