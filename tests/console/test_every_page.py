"""Every console page, as each kind of user sees it: every asset and link it names is on this host and served by
the app (no CDN, no other host: issue 14 "Every page renders with no request to another host"), and no page shows a
full ID number or a mobile number to anyone (DOMAIN §10 Privacy; the handling supervisor reveals a contact by a POST)."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from api import verifications
from tests.builders import FULL_ID_NUMBER, PROJECTS, approved, certify, paid
from tests.console.conftest import HOME, MOBILE

D = date.fromisoformat
MOBILE_PATTERN = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


class References(HTMLParser):
    """Every URL a page names: src, href, and form actions."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href", "action") and value is not None:
                self.urls.append((tag, value))


def references(html: str) -> list[tuple[str, str]]:
    parser = References()
    parser.feed(html)
    return parser.urls


@pytest.fixture
def pages(signed_in, receive, services, client):
    """(who, client, path) for every page: signed out, a body's supervisor, a registrar, compliance."""
    complaint = receive(words=f"请回电{MOBILE}")
    case_id = paid(services.app, name="王芳")
    number = certify(services.app, case_id, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))
    services.projections.catch_up()
    supervisor, registrar, compliance = signed_in("supervisor", HOME), signed_in("registrar", HOME), signed_in("compliance")
    verify = f"/console/verify?number={number}&name=王芳"
    return [
        ("nobody", client, "/console/sign-in"), ("nobody", client, "/console/verify"), ("nobody", client, verify),
        ("nobody", client, "/console/no-such-page"),
        ("supervisor", supervisor, "/console/complaints"), ("supervisor", supervisor, f"/console/complaints/{complaint}"),
        ("supervisor", supervisor, "/console/complaints?standing=breached"),
        ("registrar", registrar, "/console/"), ("registrar", registrar, "/console/complaints"),
        ("registrar", registrar, f"/console/complaints/{complaint}"), ("registrar", registrar, verify),
        ("compliance", compliance, "/console/complaints"), ("compliance", compliance, f"/console/complaints/{complaint}"),
        *compliance_pages(services, compliance, registrar, case_id, number),
        *registrar_pages(services, registrar, compliance, case_id),
        *hotline_and_printable_pages(services, client, supervisor, registrar, number),
    ]  # fmt: skip


def hotline_and_printable_pages(services, client, supervisor, registrar, number):
    """The hotline's intake form and the printables (api.console.hotline, api.console.printables): the printable
    certificate (public), a seated case's admission ticket, its public check, and the ticket's refusal before its day."""
    seated = approved(services.app, name="韩梅", decided_on=D("2026-03-02"))
    case = services.app.get_case(seated)
    services.app.pay_fee(seated, amount=case.fee_due["total"], paid_on=case.pay_from or case.pay_by, actor="registrar-1")
    occupation, work_type = PROJECTS[HOME]
    sitting = services.app.scheduling.plan_sitting(
        body=HOME, occupation=occupation, work_type=work_type, levels=[4, 3], dates=[D("2026-04-25")], venue="长宁路999号",
        capacity=40, planned_on=D("2026-02-23"), actor="registrar-1",
    )  # fmt: skip
    services.app.scheduling.schedule_case(seated, sitting, on=D("2026-03-10"), actor="registrar-1")
    return [
        ("supervisor", supervisor, "/console/complaints/new"),
        ("nobody", client, f"/console/certificates/{number}/print?name=王芳"),
        ("nobody", client, f"/console/certificates/{number}/print?name=王芬"),
        ("registrar", registrar, f"/console/cases/{seated}/ticket?on=2026-03-10"),
        ("nobody", client, f"/console/tickets/verify?case={seated}&name=韩梅"),
        ("registrar", registrar, f"/console/cases/{case_id_of_unseated(services)}/ticket"),
    ]  # fmt: skip


def case_id_of_unseated(services):
    return approved(services.app, name="李梅", decided_on=D("2026-03-02"))


def registrar_pages(services, registrar, compliance, certified):
    """The registrar and reports groups' pages (api.console.registrar, api.console.reports): the worklists, the
    month's plan with a sitting, a case's actions with its forms and with none, the monthly report, its chart and
    downloads."""
    waiting = approved(services.app, name="李雷", decided_on=D("2026-03-02"))
    occupation, work_type = PROJECTS[HOME]
    services.app.scheduling.plan_sitting(
        body=HOME, occupation=occupation, work_type=work_type, levels=[4, 3], dates=[D("2026-04-18")], venue="长宁路999号",
        capacity=40, planned_on=D("2026-02-23"), actor="registrar-1",
    )  # fmt: skip
    services.projections.catch_up()
    report = "/console/reports?from=2026-03&to=2026-06&measure=pass_rate"
    return [
        ("registrar", registrar, "/console/worklists"), ("registrar", registrar, "/console/worklists?on=2026-03-04"),
        ("registrar", registrar, "/console/plan?month=2026-04"), ("registrar", registrar, f"/console/cases/{waiting}/act"),
        ("registrar", registrar, f"/console/cases/{certified}/act"), ("registrar", registrar, report),
        ("compliance", compliance, "/console/worklists"), ("compliance", compliance, "/console/plan?month=2026-04"),
        ("compliance", compliance, "/console/reports"),
    ]  # fmt: skip


def compliance_pages(services, compliance, registrar, case_id, number):
    """The compliance group's pages (api.console.compliance), with a register verification to show."""
    verification_id, thread = verifications.start(services.projections, services.api_store, "compliance:test", services.stopping)
    services.verifications.append(thread)
    case = f"/console/cases/{case_id}"
    return [
        ("compliance", compliance, "/console/cases"), ("compliance", compliance, f"/console/cases?q={number}"),
        ("compliance", compliance, "/console/cases?q=0000"), ("compliance", compliance, case),
        ("compliance", compliance, f"{case}?on=2026-05-10"), ("compliance", compliance, f"{case}?from=2026-04-01&to=2026-06-15"),
        ("compliance", compliance, f"/console/registers/verifications/{verification_id}"),
        ("registrar", registrar, "/console/cases"), ("registrar", registrar, case),
    ]  # fmt: skip


def test_every_asset_and_link_of_every_page_is_on_this_host_and_served(pages):
    failures = []
    for who, browser, path in pages:
        page = browser.get(path)
        assert "text/html" in page.headers["content-type"], path
        urls = references(page.text)
        assert any(tag == "link" for tag, _ in urls), f"{path}: no stylesheet"
        for tag, url in urls:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not url.startswith("/"):
                failures.append(f"{who} {path}: <{tag}> names {url}, not a path on this host")
            elif tag != "form" and (answer := browser.get(url)).status_code != 200:
                failures.append(f"{who} {path}: <{tag}> {url} answers {answer.status_code}")
    assert not failures, "\n".join(failures)


def test_no_page_shows_a_full_id_number_or_a_mobile_number(pages):
    """Not even to the handling supervisor: they reveal the contact by a POST (test_hotline_pages)."""
    for who, browser, path in pages:
        text = browser.get(path).text
        assert not FULL_ID_NUMBER.search(text), f"{who} {path}"
        assert not MOBILE_PATTERN.search(text), f"{who} {path}"


def test_the_stylesheet_is_served_by_the_app(client):
    answer = client.get("/console/static/console.css")
    assert answer.status_code == 200 and "text/css" in answer.headers["content-type"]
    assert "http" not in answer.text  # no font or image from another host
