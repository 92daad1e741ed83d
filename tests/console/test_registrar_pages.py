"""The registrars' pages (issue 14 "Registrars"): a case worked from application to certificate through the forms,
each answer showing the rule's answer; a refused form showing its code and field and keeping what was typed; the
worklists marking a provisional date 暂定; the month's plan listing a planned sitting; a form without its CSRF
token refused; another body's case actions a 404 page. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest

from tests.builders import FULL_ID_NUMBER, PROJECTS, apply, approved, event_count, paid, sat_with_scores
from tests.console.conftest import HOME, OTHER, csrf_of

D = date.fromisoformat
VERSION = re.compile(r'name="version" value="(\d+)"')


@pytest.fixture(autouse=True)
def later_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """These stories record facts in 2026; the product's "today" is after them."""
    monkeypatch.setenv("CASES_TODAY", "2026-12-31")


def plan_sitting(app: Any, body: str, day: str) -> UUID:
    occupation, work_type = PROJECTS[body]
    return app.scheduling.plan_sitting(
        body=body, occupation=occupation, work_type=work_type, levels=[4, 3], dates=[D(day)], venue="长宁路999号601室",
        capacity=40, planned_on=D("2026-02-23"), actor="registrar-1",
    )  # fmt: skip


def submit(browser: Any, case_id: UUID, action: str, **fields: Any) -> Any:
    """Open the case's actions page and post one of its forms, at the version the page shows."""
    page = browser.get(f"/console/cases/{case_id}/act")
    assert page.status_code == 200, page.text
    assert f'action="/console/cases/{case_id}/act/{action}"' in page.text, f"no {action} form"
    version = VERSION.search(page.text)
    assert version
    data = {"csrf": csrf_of(page.text), "version": version.group(1), **fields}
    return browser.post(f"/console/cases/{case_id}/act/{action}", data=data)


def stage_shown(page: str) -> str:
    """The stage the case's facts show (before its version)."""
    found = re.search(r'<dd><span lang="zh-CN">([^<]*)</span> <span lang="en" class="en">[^<]*</span> <span class="muted">v\d+</span></dd>', page)
    assert found, "no stage on the page"
    return found.group(1)


def answer_of(response: Any) -> str:
    assert response.status_code == 200, response.text
    found = re.search(r'<section class="answer card".*?</section>', response.text, re.S)
    assert found, "no rule's answer on the page"
    return found.group(0)


def test_a_registrar_works_a_case_from_application_to_certificate_through_the_forms(signed_in, services):
    app = services.app
    case_id = apply(app, body="wgsh", level=4, applied_on=D("2026-03-02"), name="王芳")
    sitting_id = plan_sitting(app, "wgsh", "2026-04-18")
    registrar = signed_in("registrar", HOME)

    review = answer_of(submit(registrar, case_id, "review", decided_on="2026-03-03"))
    assert "待缴费" in review and "Approved" in review and "approved under" in review
    assert "528" in review and "2026-03-06" in review  # the fee and its deadline

    payment = answer_of(submit(registrar, case_id, "payment", amount="528", paid_on="2026-03-04"))
    assert "待考试" in payment and "FeePaid" in payment and "528 yuan" in payment
    assert "Approved" not in payment  # the facts this command recorded, not the case's whole timeline

    services.projections.catch_up()  # the month's plan read model lists the sitting to pick
    page = registrar.get(f"/console/cases/{case_id}/act").text
    assert f'value="{sitting_id}"' in page and "2026-04-18" in page
    schedule = answer_of(submit(registrar, case_id, "schedule", sitting_id=str(sitting_id), on="2026-03-10"))
    assert "Scheduled" in schedule and str(sitting_id) in schedule

    attendance = answer_of(submit(registrar, case_id, "attendance", sat_on="2026-04-18", attended="true"))
    assert "待出成绩" in attendance and "Sat" in attendance and "ValidityWindowOpened" in attendance

    subjects = app.get_case(case_id).subjects
    for subject in subjects:
        result = answer_of(submit(registrar, case_id, "results", subject=subject, score="82", recorded_on="2026-05-08"))
        assert f"{subject} passed: 82" in result and "pass mark" in result
    assert "已合格，待发证" in result and "Qualified" in result

    certificate = answer_of(submit(registrar, case_id, "certificate", issued_on="2026-05-20"))
    number = app.get_case(case_id).certificate["number"]
    assert "已发证" in certificate and number in certificate and "CertIssued" in certificate
    assert app.get_case(case_id).stage == "certified"
    assert not FULL_ID_NUMBER.search(certificate)


def test_a_refused_form_shows_the_code_the_field_and_the_clause_and_keeps_what_was_typed(signed_in, services):
    case_id = approved(services.app, body="wgsh", level=4, decided_on=D("2026-03-03"))
    registrar = signed_in("registrar", HOME)
    before = event_count(services.app)

    refused = submit(registrar, case_id, "payment", amount="1", paid_on="2026-03-04", reference="银行转账 0304")

    assert refused.status_code == 422
    section = re.search(r'<section class="refusal card".*?</section>', refused.text, re.S)
    assert section and "wrong_amount" in section.group(0) and '<code class="field">amount</code>' in section.group(0)
    assert "528 yuan is due" in section.group(0)
    assert 'name="amount" min="1" value="1"' in refused.text and "银行转账 0304" in refused.text
    assert event_count(services.app) == before
    invalid = submit(registrar, case_id, "payment", amount="lots", paid_on="2026-03-04")
    assert invalid.status_code == 422 and "invalid_input" in invalid.text and '<code class="field">amount</code>' in invalid.text


def test_a_form_posted_without_its_csrf_token_is_refused_and_changes_nothing(signed_in, services):
    case_id = apply(services.app, body="wgsh", level=4, applied_on=D("2026-03-02"))
    registrar = signed_in("registrar", HOME)
    before = event_count(services.app)

    answer = registrar.post(f"/console/cases/{case_id}/act/review", data={"version": "1", "decided_on": "2026-03-03"})
    forged = registrar.post(f"/console/cases/{case_id}/act/review", data={"csrf": "x" * 43, "version": "1", "decided_on": "2026-03-03"})

    assert answer.status_code == forged.status_code == 403
    assert event_count(services.app) == before and services.app.get_case(case_id).stage == "applied"


def test_another_bodys_case_actions_are_the_same_404_page_as_a_missing_case(signed_in, services):
    theirs = apply(services.app, body=OTHER, level=4, applied_on=D("2026-03-02"), name="赵六")
    registrar = signed_in("registrar", HOME)

    other, missing = registrar.get(f"/console/cases/{theirs}/act"), registrar.get(f"/console/cases/{uuid4()}/act")
    page = registrar.get("/console/worklists").text
    posted = registrar.post(f"/console/cases/{theirs}/act/review", data={"csrf": csrf_of(page), "version": "1", "decided_on": "2026-03-03"})

    assert other.status_code == missing.status_code == posted.status_code == 404
    assert other.text == missing.text and "赵六" not in other.text and str(theirs) not in other.text
    assert services.app.get_case(theirs).stage == "applied"
    assert registrar.get("/console/cases/not-a-case/act").status_code == 404


def test_an_examiner_sees_only_the_forms_their_role_may_use(signed_in, services):
    case_id = approved(services.app, body="wgsh", level=4, decided_on=D("2026-03-03"))
    services.app.pay_fee(case_id, amount=528, paid_on=D("2026-03-04"), actor="registrar-1")
    page = signed_in("examiner", HOME).get(f"/console/cases/{case_id}/act").text
    assert "/act/attendance" in page and "/act/schedule" not in page and "/act/payment" not in page


def test_a_case_whose_ban_has_ended_shows_the_days_stage_and_offers_the_retake(signed_in, services, monkeypatch):
    app = services.app
    case_id = paid(app, body="wgsh", level=3, applied_on=D("2026-03-02"))
    assert sat_with_scores(app, case_id, D("2026-04-25"), {"theory": 80, "skills": 50}, D("2026-05-08")) == "retake_available"
    app.sanction(case_id, tier="sitting", behaviour="须知 三.2", sitting_on=D("2026-04-25"), decided_on=D("2026-06-01"), actor="compliance-1")
    assert app.get_case(case_id).stage == "barred"  # stored: barred to 2026-12-31, a retake from 2027-01-01
    registrar = signed_in("registrar", HOME)

    during = registrar.get(f"/console/cases/{case_id}/act").text  # today: 2026-12-31, the ban's last day
    assert stage_shown(during) == "禁考期内" and "/act/retake" not in during

    monkeypatch.setenv("CASES_TODAY", "2027-01-04")
    after = registrar.get(f"/console/cases/{case_id}/act").text
    assert stage_shown(after) == "可补考" and "禁考期内" not in after
    assert f'action="/console/cases/{case_id}/act/retake"' in after


def test_the_worklists_mark_a_provisional_date_and_link_each_case(signed_in, services):
    provisional = approved(services.app, body="wgsh", level=4, applied_on=D("2026-12-28"), decided_on=D("2026-12-30"))
    settled = approved(services.app, body="wgsh", level=4, applied_on=D("2026-12-28"), decided_on=D("2026-12-28"))
    theirs = approved(services.app, body=OTHER, level=4, applied_on=D("2026-12-28"), decided_on=D("2026-12-30"))
    services.projections.catch_up()

    page = signed_in("registrar", HOME).get("/console/worklists", params={"on": "2026-12-31"}).text

    due = re.search(r'<section class="worklist" id="payments_due">.*?</section>', page, re.S)
    assert due, page
    row = re.search(rf"<tr>(?:(?!</tr>).)*{provisional}(?:(?!</tr>).)*</tr>", due.group(0), re.S)
    assert row and "2027-01-04" in row.group(0) and "暂定" in row.group(0)
    assert f'href="/console/cases/{provisional}"' in row.group(0)
    plain = re.search(rf"<tr>(?:(?!</tr>).)*{settled}(?:(?!</tr>).)*</tr>", page, re.S)
    assert plain and "暂定" not in plain.group(0)
    assert str(theirs) not in page and not FULL_ID_NUMBER.search(page)


def test_the_months_plan_lists_a_planned_sitting_of_the_bodies_the_caller_sees(signed_in, services):
    sitting_id = plan_sitting(services.app, "wgsh", "2026-04-18")
    theirs = plan_sitting(services.app, OTHER, "2026-04-25")
    services.projections.catch_up()

    page = signed_in("registrar", HOME).get("/console/plan", params={"month": "2026-04"})

    assert page.status_code == 200
    assert "2026-04-18" in page.text and "长宁路999号601室" in page.text and "0 / 40" in page.text
    assert str(theirs) not in page.text and f'id="body-{OTHER}"' not in page.text
    assert sitting_id  # planned through the application; the page names it by its days and venue
    assert signed_in("registrar", HOME).get("/console/plan", params={"month": "2026-13"}).status_code in (400, 422)
