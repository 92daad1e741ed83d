"""The registrar's journey in a real browser (issue 14): a case applied for (through the API's application, which
the console has no form for) is worked to its certificate through the case's action forms — review, payment,
schedule onto a planned sitting, attendance, each subject's result, certificate — each answer showing the rule's
answer; then the public verification page says valid. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from tests.builders import PROJECTS, apply

D = date.fromisoformat


def test_a_registrar_works_a_case_from_application_to_certificate_through_the_forms(journey, server):
    app = server.app
    case_id = apply(app, body="wgsh", level=4, applied_on=D("2026-03-02"), name="王芳")
    occupation, work_type = PROJECTS["wgsh"]
    sitting_id = app.scheduling.plan_sitting(
        body="wgsh", occupation=occupation, work_type=work_type, levels=[4, 3], dates=[D("2026-04-18")],
        venue="长宁路999号601室", capacity=40, planned_on=D("2026-02-23"), actor="registrar-1",
    )  # fmt: skip
    server.settle()
    journey.sign_in(server.token("registrar", "wgsh"))

    def act(action: str, label: str, **fields: str) -> str:
        journey.open(f"/console/cases/{case_id}/act", f"act-before-{label}")
        form = f"#form-{action}"
        journey.fill({f"[name={name}]": value for name, value in fields.items()}, within=form)
        journey.submit(f"{form} button[type=submit]", label)
        answer = journey.page.locator("section.answer")
        assert answer.count() == 1, journey.text()
        return answer.inner_text()

    assert "Approved" in act("review", "reviewed", decided_on="2026-03-03")
    assert "FeePaid" in act("payment", "paid", amount="528", paid_on="2026-03-04")
    server.settle()  # the month's plan read model lists the sitting to pick
    assert "Scheduled" in act("schedule", "scheduled", sitting_id=str(sitting_id), on="2026-03-10")
    assert "Sat" in act("attendance", "sat", sat_on="2026-04-18", attended="true")
    for n, subject in enumerate(app.get_case(case_id).subjects, 1):
        answer = act("results", f"result-{n}", subject=subject, score="82", recorded_on="2026-05-08")
        assert f"{subject} passed: 82" in answer
    assert "Qualified" in answer
    assert "CertIssued" in act("certificate", "certified", issued_on="2026-05-20")
    number = app.get_case(case_id).certificate["number"]
    assert app.get_case(case_id).stage == "certified"
    server.settle()

    journey.open("/console/verify", "verify-form")
    journey.fill({"input[name=number]": number, "input[name=name]": "王芳"})
    journey.submit("main form button[type=submit]", "verified")
    assert journey.page.locator("section.result.status-valid").count() == 1
