"""The compliance pages (DOMAIN §9, issue 14 "Compliance"): a case found by id prefix, certificate number or a full ID
number posted and never shown back; the case page with its timeline; the state as of a date before and after a
post-hoc sanction; a diff between two dates; another body's case a 404 page; register verification started from a
form and followed to its outcome; forms refused without their CSRF token."""

from __future__ import annotations

import re
import time
from datetime import date
from uuid import uuid4

import pytest

from api import policy

from tests.builders import FULL_ID_NUMBER, certify, event_count, new_id_number, paid
from tests.console.conftest import HOME, OTHER, csrf_of

D = date.fromisoformat


@pytest.fixture
def sanctioned(services):
    """The issue's journey: certified on 1 June, then found on 2 July to have applied with false materials."""
    id_number = new_id_number()
    case_id = paid(services.app, name="王芳", id_number=id_number)
    number = certify(services.app, case_id, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))
    services.app.sanction(case_id, tier="materials", behaviour="须知 一", decided_on=D("2026-07-02"), actor="compliance-1")
    services.projections.catch_up()
    return case_id, number, id_number


def test_a_case_is_found_by_a_prefix_of_its_id_and_by_its_certificate_number(signed_in, sanctioned):
    case_id, number, _ = sanctioned
    compliance = signed_in("compliance")

    for query in (str(case_id)[:8], str(case_id).upper()[:13], number):
        answer = compliance.get("/console/cases", params={"q": query}, follow_redirects=False)
        assert (answer.status_code, answer.headers["location"]) == (303, f"/console/cases/{case_id}"), query
    nothing = compliance.get("/console/cases", params={"q": "ffffffff-0000"})
    assert nothing.status_code == 200 and str(case_id) not in nothing.text


def test_a_full_id_number_posted_finds_the_candidates_cases_and_is_never_shown_back(signed_in, sanctioned, services):
    case_id, _, id_number = sanctioned
    compliance = signed_in("compliance")
    csrf = csrf_of(compliance.get("/console/cases").text)

    answer = compliance.post("/console/cases/by-id-number", data={"csrf": csrf, "id_number": id_number})

    assert answer.status_code == 200 and f"/console/cases/{case_id}" in answer.text
    assert id_number not in answer.text and not FULL_ID_NUMBER.search(answer.text)
    assert all(id_number not in str(r.url) for r in [*answer.history, answer])
    assert "/by-id-number" in str(answer.url) and "?" not in str(answer.url)
    registrar = signed_in("registrar", OTHER)  # the candidate has no case at this body: the same "none" as unknown
    theirs_csrf = csrf_of(registrar.get("/console/cases").text)
    theirs = registrar.post("/console/cases/by-id-number", data={"csrf": theirs_csrf, "id_number": id_number})
    unknown = registrar.post("/console/cases/by-id-number", data={"csrf": theirs_csrf, "id_number": new_id_number()})
    assert theirs.status_code == unknown.status_code == 404 and str(case_id) not in theirs.text
    wrong_check_digit = id_number[:-1] + ("1" if id_number[-1] == "0" else "0")
    bad = compliance.post("/console/cases/by-id-number", data={"csrf": csrf, "id_number": wrong_check_digit})
    assert bad.status_code == 422 and "invalid_id_number" in bad.text and not FULL_ID_NUMBER.search(bad.text)


def test_the_case_page_shows_the_timeline_with_both_dates_who_and_the_clause(signed_in, sanctioned):
    case_id, number, _ = sanctioned

    page = signed_in("compliance").get(f"/console/cases/{case_id}").text

    row = re.search(r"<tr>\s*<td data-label=\"v\">10</td>(.*?)</tr>", page, re.S)
    assert row, "no timeline row for version 10"
    assert "2026-07-02" in row.group(1) and "Sanctioned" in row.group(1) and "compliance-1" in row.group(1)
    assert "须知 一: 取消其考试资格及考试成绩" in row.group(1)
    assert re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", row.group(1))  # the recording time beside the business date
    assert "Approved" in page and "L3(1)" in page and "CertIssued" in page
    assert "取消资格" in page and number in page and "作无效处理" in page  # as it stands today: disqualified, revoked
    assert not FULL_ID_NUMBER.search(page.replace(number, ""))


def test_as_of_a_date_before_the_post_hoc_sanction_the_certificate_is_valid_and_after_it_revoked(signed_in, sanctioned):
    case_id, _, _ = sanctioned
    compliance = signed_in("compliance")

    def certificate_as_of(day: str) -> str:
        page = compliance.get(f"/console/cases/{case_id}", params={"on": day}).text
        section = page.split('<section id="as-of">', 1)[1].split("</section>", 1)[0]
        return re.search(r'class="certificate status-(\w+)"', section).group(1)

    assert certificate_as_of("2026-06-15") == "valid"
    assert certificate_as_of("2026-07-15") == "revoked"
    early = compliance.get(f"/console/cases/{case_id}", params={"on": "2026-01-10"})
    assert early.status_code == 404 and "case_not_yet_open" in early.text


def test_a_diff_between_two_dates_lists_what_changed(signed_in, sanctioned):
    case_id, _, _ = sanctioned

    page = signed_in("supervisor", HOME).get(f"/console/cases/{case_id}", params={"from": "2026-06-15", "to": "2026-07-15"}).text

    section = page.split('<section id="diff">', 1)[1].split("</section>", 1)[0]
    assert "certificate.status" in section and "valid" in section and "revoked" in section
    assert "<code>stage</code>" in section and "certified" in section and "disqualified" in section
    by_version = signed_in("compliance").get(f"/console/cases/{case_id}", params={"from": "1", "to": "3"}).text
    assert "fees_paid" in by_version


def test_the_case_page_admits_the_roles_of_every_replay_route_it_stands_for():
    rows = [policy.rule_for("GET", f"/cases/{{case_id}}/{route}") for route in ("timeline", "as-of", "diff")]
    assert {row.roles for row in rows} == {policy.REPLAYERS}


def test_another_bodys_case_is_the_same_404_page_as_a_missing_one_for_a_registrar(signed_in, services):
    theirs = paid(services.app, body=OTHER, name="李娜")
    services.projections.catch_up()
    registrar = signed_in("registrar", HOME)

    other, missing = registrar.get(f"/console/cases/{theirs}"), registrar.get(f"/console/cases/{uuid4()}")

    assert other.status_code == missing.status_code == 404 and other.text == missing.text
    assert "李娜" not in other.text
    assert str(theirs) not in registrar.get("/console/cases", params={"q": str(theirs)[:8]}).text
    assert signed_in("registrar", OTHER).get(f"/console/cases/{theirs}").status_code == 200
    assert signed_in("examiner", OTHER).get(f"/console/cases/{theirs}").status_code == 403  # replay: not examiners


def test_a_verification_started_from_the_page_refreshes_itself_and_reaches_equal(signed_in, sanctioned):
    compliance = signed_in("compliance")
    csrf = csrf_of(compliance.get("/console/cases").text)

    started = compliance.post("/console/registers/verifications", data={"csrf": csrf}, follow_redirects=False)

    assert started.status_code == 303 and started.headers["location"].startswith("/console/registers/verifications/")
    deadline, page = time.monotonic() + 60, compliance.get(started.headers["location"])
    while 'outcome-running' in page.text and time.monotonic() < deadline:
        assert '<meta http-equiv="refresh" content="2">' in page.text and "<script" not in page.text
        time.sleep(0.2)
        page = compliance.get(started.headers["location"])
    assert page.status_code == 200 and "outcome-equal" in page.text and "http-equiv" not in page.text
    assert "case_index" in page.text and "certificates" in page.text
    registrar = signed_in("registrar", HOME)
    assert registrar.get(started.headers["location"]).status_code == 403


def test_forms_posted_without_their_csrf_token_are_refused_and_do_nothing(signed_in, sanctioned, services):
    _, _, id_number = sanctioned
    compliance, colleague = signed_in("compliance"), signed_in("compliance")
    theirs = csrf_of(colleague.get("/console/cases").text)
    before = event_count(services.app)

    for data in ({}, {"csrf": theirs}, {"csrf": ""}):
        assert compliance.post("/console/registers/verifications", data=data).status_code == 403, data
        refused = compliance.post("/console/cases/by-id-number", data={**data, "id_number": id_number})
        assert refused.status_code == 403 and id_number not in refused.text, data

    assert event_count(services.app) == before
    assert "/console/registers/verifications/" not in compliance.get("/console/cases").text
