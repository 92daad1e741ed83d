"""One case per body from application to certificate, with the fees, dates and certificates of DOMAIN §3, §4, §8."""

from __future__ import annotations

from datetime import date

from cases.service.application import CasesApplication
from tests.builders import apply, event_names, events_named, new_id_number, sat_with_scores

D = date.fromisoformat
HR = "企业人力资源管理师"
FULL_PASS = ["Applied", "Approved", "FeePaid", "Sat", "ValidityWindowOpened", "SubjectPassed", "SubjectPassed", "Qualified", "CertIssued"]  # fmt: skip


def filing_number(app: CasesApplication, body: str) -> str:
    return app.rulebook.for_year(2026).body(body).filing_number


def review(app: CasesApplication, case_id, on: date) -> None:
    assert app.review(case_id, decided_on=on, actor="registrar-1") == "awaiting_payment"


def test_a_wgsh_level_3_candidate_pays_598_retakes_skills_for_498_and_collects_paper_at_the_counter(app):
    case_id = apply(app, body="wgsh", level=3, applied_on=D("2026-09-28"))
    review(app, case_id, D("2026-09-30"))
    case = app.get_case(case_id)
    assert case.fee_due["total"] == 598
    assert case.fee_due["lines"] == [{"subject": "theory", "amount": 100}, {"subject": "skills", "amount": 498}]
    assert case.pay_by == D("2026-10-10")  # 3 working days across the National Day holiday; 10-10 is a make-up Saturday

    app.pay_fee(case_id, amount=598, paid_on=D("2026-10-10"), actor="registrar-1")
    assert sat_with_scores(app, case_id, D("2026-10-24"), {"theory": 82, "skills": 55}, D("2026-11-03")) == "retake_available"
    retake = app.request_retake(case_id, requested_on=D("2026-11-04"), actor="registrar-1")
    assert retake["total"] == 498
    assert retake["lines"] == [{"subject": "skills", "amount": 498}]
    app.pay_fee(case_id, amount=498, paid_on=D("2026-11-05"), actor="registrar-1")
    assert sat_with_scores(app, case_id, D("2026-11-14"), {"skills": 71}, D("2026-11-18")) == "qualified"
    number = app.issue_certificate(case_id, issued_on=D("2026-11-20"), actor="registrar-1")

    assert number == f"{filing_number(app, 'wgsh')}263000001"
    case = app.get_case(case_id)
    assert case.stage == "certified"
    assert (case.certificate["form"], case.certificate["delivery"]) == ("paper", "counter")
    issued = events_named(app, case_id, "CertIssued")[0]
    assert issued.collectable_from["due"] == "2026-12-18"  # 20 working days after 2026-11-20 (seed 000 五)
    assert [e.amount for e in events_named(app, case_id, "FeePaid")] == [598, 498]
    assert event_names(app, case_id) == [
        "Applied", "Approved", "FeePaid", "Sat", "ValidityWindowOpened", "SubjectPassed", "SubjectFailed",
        "RetakeRequested", "FeePaid", "Sat", "SubjectPassed", "Qualified", "CertIssued",
    ]  # fmt: skip


def test_a_dsxh_level_4_group_candidate_pays_200_plus_200_and_collects_through_the_institution(app):
    case_id = apply(
        app, body="dsxh", level=4, applied_on=D("2026-06-01"), channel="group", institution="上海市商业学校"
    )  # fmt: skip
    review(app, case_id, D("2026-06-03"))
    case = app.get_case(case_id)
    assert case.fee_due["total"] == 400
    assert case.fee_due["lines"] == [{"subject": "theory", "amount": 200}, {"subject": "skills", "amount": 200}]
    assert case.pay_by == D("2026-06-08")  # Wed + 3 working days, over the weekend

    app.pay_fee(case_id, amount=400, paid_on=D("2026-06-05"), actor="registrar-1")
    assert sat_with_scores(app, case_id, D("2026-07-18"), {"theory": 66, "skills": 74}, D("2026-08-10")) == "qualified"
    number = app.issue_certificate(case_id, issued_on=D("2026-08-20"), actor="registrar-1")

    assert number == f"{filing_number(app, 'dsxh')}264000001"
    certificate = app.get_case(case_id).certificate
    assert (certificate["form"], certificate["delivery"]) == ("paper", "institution")
    assert events_named(app, case_id, "CertIssued")[0].collectable_from is None  # the institution hands it out
    assert event_names(app, case_id) == FULL_PASS


def test_a_dmtxh_level_4_candidate_pays_one_total_of_400_judged_on_the_quanmeiti_standard(app):
    case_id = apply(app, body="dmtxh", level=4, applied_on=D("2026-05-11"))
    review(app, case_id, D("2026-05-12"))
    case = app.get_case(case_id)
    assert case.fee_due["total"] == 400
    assert [line["amount"] for line in case.fee_due["lines"]] == [None, None]  # seed 002 gives one total per level
    assert case.decision["clause"]["standard"] == "quanmeiti-2023"
    assert case.pay_by == D("2026-05-15")

    app.pay_fee(case_id, amount=400, paid_on=D("2026-05-13"), actor="registrar-1")
    assert sat_with_scores(app, case_id, D("2026-06-27"), {"theory": 90, "skills": 61}, D("2026-07-24")) == "qualified"
    number = app.issue_certificate(case_id, issued_on=D("2026-08-03"), actor="registrar-1")

    assert number == f"{filing_number(app, 'dmtxh')}264000001"
    certificate = app.get_case(case_id).certificate
    assert (certificate["form"], certificate["delivery"]) == ("paper", "counter")
    assert events_named(app, case_id, "CertIssued")[0].collectable_from is None  # seed 002 sets no collection delay
    assert event_names(app, case_id) == FULL_PASS


def test_the_first_migu_level_3_certificate_of_2026_is_numbered_from_its_filing_number(app):
    case_id = apply(app, body="migu", level=3, applied_on=D("2026-09-28"))
    review(app, case_id, D("2026-09-30"))
    case = app.get_case(case_id)
    assert case.fee_due["lines"] == [{"subject": "theory", "amount": 110}, {"subject": "skills", "amount": 390}]
    assert case.fee_due["total"] == 500
    assert case.pay_by == D("2026-10-10")

    app.pay_fee(case_id, amount=500, paid_on=D("2026-10-09"), actor="registrar-1")
    assert sat_with_scores(app, case_id, D("2026-10-24"), {"theory": 80, "skills": 70}, D("2026-11-02")) == "qualified"
    number = app.issue_certificate(case_id, issued_on=D("2026-11-10"), actor="registrar-1")

    assert number == "S000031400071263000001"  # filing no. + 26 + level 3 + 000001 (seed 003 一; DOMAIN §8)
    assert app.get_case(case_id).certificate["number"] == number
    assert event_names(app, case_id) == FULL_PASS


def test_a_jsxh_level_4_candidate_pays_350_in_the_april_window_retakes_a_module_for_175_in_august(app):
    case_id = apply(app, body="jsxh", level=4, applied_on=D("2026-03-02"))
    review(app, case_id, D("2026-03-10"))
    case = app.get_case(case_id)
    assert case.window_name == "April"
    assert case.fee_due["total"] == 350
    assert (case.pay_from, case.pay_by) == (D("2026-03-23"), D("2026-03-29"))  # the window's payment dates

    app.pay_fee(case_id, amount=350, paid_on=D("2026-03-23"), actor="registrar-1")
    assert sat_with_scores(app, case_id, D("2026-04-25"), {"theory": 58, "skills": 77}, D("2026-05-22")) == "retake_available"
    retake = app.request_retake(case_id, requested_on=D("2026-07-01"), actor="registrar-1")
    assert retake["lines"] == [{"subject": "theory", "amount": 175}]
    case = app.get_case(case_id)
    assert (case.pay_from, case.pay_by) == (D("2026-07-20"), D("2026-07-26"))  # the August window's payment dates

    app.pay_fee(case_id, amount=175, paid_on=D("2026-07-20"), actor="registrar-1")
    assert sat_with_scores(app, case_id, D("2026-08-22"), {"theory": 68}, D("2026-09-18")) == "qualified"
    number = app.issue_certificate(case_id, issued_on=D("2026-09-25"), actor="registrar-1")

    assert number == f"{filing_number(app, 'jsxh')}264000001"
    certificate = app.get_case(case_id).certificate
    assert (certificate["form"], certificate["delivery"]) == ("electronic", "online")  # seed 004 五: electronic by default
    assert event_names(app, case_id) == [
        "Applied", "Approved", "FeePaid", "Sat", "ValidityWindowOpened", "SubjectFailed", "SubjectPassed",
        "RetakeRequested", "FeePaid", "Sat", "SubjectPassed", "Qualified", "CertIssued",
    ]  # fmt: skip


def jsxh_certificate(app: CasesApplication, **application) -> dict:
    case_id = apply(app, body="jsxh", level=3, applied_on=D("2026-09-15"), occupation=HR, **application)
    review(app, case_id, D("2026-09-22"))
    assert app.get_case(case_id).fee_due["total"] == 400
    app.pay_fee(case_id, amount=400, paid_on=D("2026-10-08"), actor="registrar-1")
    sat_with_scores(app, case_id, D("2026-11-07"), {"theory": 75, "skills": 80}, D("2026-11-16"))
    app.issue_certificate(case_id, issued_on=D("2026-11-20"), actor="registrar-1")
    return app.get_case(case_id).certificate


def test_a_jsxh_individual_who_asked_for_paper_gets_it_by_courier(app):
    certificate = jsxh_certificate(app, paper_certificate=True)
    assert (certificate["form"], certificate["delivery"]) == ("paper", "courier")


def test_a_jsxh_group_candidate_who_asked_for_paper_gets_it_through_the_institution(app):
    certificate = jsxh_certificate(app, paper_certificate=True, channel="group", institution="上海市人才服务中心培训部")
    assert (certificate["form"], certificate["delivery"]) == ("paper", "institution")


def test_a_jsxh_group_candidate_by_default_gets_an_electronic_certificate_online(app):
    certificate = jsxh_certificate(app, channel="group", institution="上海市人才服务中心培训部")
    assert (certificate["form"], certificate["delivery"]) == ("electronic", "online")


def test_a_wgsh_candidate_asking_for_paper_changes_nothing_where_paper_is_the_default(app):
    case_id = apply(app, body="wgsh", level=5, applied_on=D("2026-04-01"), paper_certificate=True,
                    evidence={"intends_to_work": True})  # fmt: skip
    review(app, case_id, D("2026-04-02"))
    assert app.get_case(case_id).fee_due["total"] == 438
    app.pay_fee(case_id, amount=438, paid_on=D("2026-04-03"), actor="registrar-1")
    sat_with_scores(app, case_id, D("2026-05-16"), {"theory": 60, "skills": 60}, D("2026-06-05"))
    number = app.issue_certificate(case_id, issued_on=D("2026-06-12"), actor="registrar-1")

    assert number.endswith("265000001")
    assert app.get_case(case_id).decision["clause"]["clause"] == "L5(1)"
    certificate = app.get_case(case_id).certificate
    assert (certificate["form"], certificate["delivery"]) == ("paper", "counter")
    assert events_named(app, case_id, "CertIssued")[0].collectable_from["due"] == "2026-07-13"  # 端午 06-19 is off


def test_the_candidates_record_lists_the_case_and_the_certificate(app):
    id_number = new_id_number()
    case_id = apply(app, body="migu", level=4, applied_on=D("2026-06-01"), id_number=id_number)
    review(app, case_id, D("2026-06-02"))
    app.pay_fee(case_id, amount=400, paid_on=D("2026-06-03"), actor="registrar-1")
    sat_with_scores(app, case_id, D("2026-07-11"), {"theory": 70, "skills": 70}, D("2026-08-07"))
    number = app.issue_certificate(case_id, issued_on=D("2026-08-14"), actor="registrar-1")

    candidate = app.find_candidate(id_number)
    assert candidate is not None and candidate.id == app.get_case(case_id).candidate_id
    assert list(candidate.cases) == [str(case_id)]
    assert number == "S000031400071264000001"
    assert candidate.certificates[number]["status"] == "valid"
    assert candidate.certificates[number]["level"] == 4
    assert event_names(app, candidate.id) == ["Registered", "CaseOpened", "CertificateRecorded"]
