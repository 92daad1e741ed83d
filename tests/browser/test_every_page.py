"""Every kind of console page, loaded in a real browser by the user it is for (issue 14 "Every page renders with
no request to another host"): whatever a page loads — its stylesheet, the report's chart, a printable's QR code — it
loads from the server (the journey fails on any other host), answers without an error, and is screenshotted.
tests/console/test_every_page.py checks the same pages' markup; this is what a browser actually requests."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from cases.settings import SHANGHAI
from tests.builders import PROJECTS, approved, certify, paid

D = date.fromisoformat


@pytest.mark.parametrize("width", [1280, 390], ids=["laptop", "phone"])
def test_every_kind_of_page_loads_in_a_browser_from_the_server_alone(journey, server, width):
    """… and fits its width: at a laptop's 1,280 px and a phone's 390 px no page scrolls sideways (a wide table
    scrolls inside its own box)."""
    journey.page.set_viewport_size({"width": width, "height": 900})
    app = server.app
    case_id = paid(app, name="王芳")
    number = certify(app, case_id, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))
    seated = approved(app, name="韩梅", decided_on=D("2026-03-02"))
    case = app.get_case(seated)
    app.pay_fee(seated, amount=case.fee_due["total"], paid_on=case.pay_from or case.pay_by, actor="registrar-1")
    occupation, work_type = PROJECTS["wgsh"]
    sitting = app.scheduling.plan_sitting(
        body="wgsh", occupation=occupation, work_type=work_type, levels=[4, 3], dates=[D("2026-04-25")], venue="长宁路999号",
        capacity=40, planned_on=D("2026-02-23"), actor="registrar-1",
    )  # fmt: skip
    app.scheduling.schedule_case(seated, sitting, on=D("2026-03-10"), actor="registrar-1")
    complaint = app.hotline.receive(
        channel="body_line", received_at=datetime.now(SHANGHAI) - timedelta(days=10), body="wgsh", category="results_late",
        words="成绩至今未公布", complainant_name="李四", complainant_contact="13912345678", actor="supervisor:wgsh",
    ).id  # fmt: skip
    server.settle()

    pages = {
        None: [
            "/console/sign-in", f"/console/verify?number={number}&name=王芳", f"/console/certificates/{number}/print?name=王芳",
            f"/console/tickets/verify?case={seated}&name=韩梅",
        ],
        ("supervisor", "wgsh"): ["/console/complaints", f"/console/complaints/{complaint}", "/console/complaints/new"],
        ("registrar", "wgsh"): [
            "/console/", "/console/worklists", "/console/plan?month=2026-04", f"/console/cases/{seated}/act",
            f"/console/cases/{seated}/ticket?on=2026-03-10", "/console/reports?from=2026-03&to=2026-06&measure=pass_rate",
        ],
        ("compliance", None): ["/console/cases", f"/console/cases/{case_id}", f"/console/cases/{case_id}?on=2026-05-01"],
    }  # fmt: skip
    failures = []
    for who, paths in pages.items():
        if who is not None:
            journey.sign_in(server.token(*who))
        for path in paths:
            status = journey.open(path, f"{width}px-" + (path.split("?")[0].strip("/").replace("/", "-") or "home"))
            if status != 200:
                failures.append(f"{who} {path}: {status}")
            overflow = journey.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 1:
                failures.append(f"{who} {path}: {overflow} px wider than the {width} px window")
        if who is not None:
            journey.sign_out()
    assert not failures, failures
    assert len(journey.taken) >= sum(len(paths) for paths in pages.values())
