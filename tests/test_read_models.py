"""Read models (DOMAIN §5, §6, §9): validity windows, the bans register and the case index with its worklists,
built from cases made through the application, caught up from the log, and proved equal to a rebuild."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from uuid import UUID

import pytest

from cases.service.application import CasesApplication
from cases.projections.bans import BansRegister, active_bans, bans_of_candidate
from cases.projections.case_index import (
    CaseIndex,
    certificates_late,
    find_cases,
    payments_due,
    payments_overdue,
    results_late,
)
from cases.projections.registry import PROJECTIONS
from cases.projections.engine.service import Projections
from cases.projections.engine.store import ReadModelStore
from cases.projections.validity_windows import ValidityWindows, closing_within, expired_between, window_of
from cases.settings import Settings
from tests.builders import apply, approved, certify, new_id_number, paid, sat_with_scores, worked
from tests.support import log_scan

D = date.fromisoformat
MINE = ("case_index", "validity_windows", "bans")


@pytest.fixture
def read_models(app: CasesApplication, store: Settings) -> Iterator[Projections]:
    """The three read models on the test's store (SQLite beside the events, or the same PostgreSQL schema)."""
    read_store = ReadModelStore.from_settings(store)
    yield Projections(app, read_store, [CaseIndex(), ValidityWindows(), BansRegister()])
    read_store.dispose()


def caught_up(read_models: Projections) -> Projections:
    read_models.catch_up()
    return read_models


def failed_skills(app: CasesApplication, **application) -> UUID:
    """A wgsh level-3 case: theory passed, skills failed at its first sitting on 2026-04-25 (window to 2028-04-24)."""
    case_id = paid(app, applied_on=D("2026-03-02"), **application)
    assert sat_with_scores(app, case_id, D("2026-04-25"), {"theory": 80, "skills": 50}, D("2026-05-08")) == "retake_available"
    return case_id


def certified(app: CasesApplication, **application) -> UUID:
    case_id = paid(app, applied_on=D("2026-03-02"), **application)
    certify(app, case_id, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))
    return case_id


def ids(rows: list[dict]) -> list[str]:
    return sorted(row["case_id"] for row in rows)


# --- validity windows ---------------------------------------------------------------------------------------


def test_a_window_is_open_on_its_last_day_and_expired_the_day_after_without_a_new_event(app, read_models):
    case_id = failed_skills(app, name="李娜")
    caught_up(read_models)

    on_last_day = window_of(read_models, case_id, D("2028-04-24"))
    assert (on_last_day["opened_on"], on_last_day["last_day"], on_last_day["state"]) == (D("2026-04-25"), D("2028-04-24"), "open")
    assert (on_last_day["passed"], on_last_day["outstanding"]) == ("theory", "skills")
    assert (on_last_day["body"], on_last_day["level"], on_last_day["occupation"]) == ("wgsh", 3, "互联网营销师")
    assert "*" in on_last_day["holder_id_masked"]
    assert window_of(read_models, case_id, D("2028-04-25"))["state"] == "expired"
    head = app.recorder.max_notification_id()
    assert [read_models.store.position(name, 1) for name in MINE] == [head] * 3  # and nothing was written since


def test_no_window_exists_before_the_first_sitting(app, read_models):
    case_id = paid(app, applied_on=D("2026-03-02"))
    assert window_of(caught_up(read_models), case_id, D("2026-04-01")) is None


def test_windows_closing_soon_and_windows_expired_in_a_period(app, read_models):
    april = failed_skills(app)  # last day 2028-04-24
    may = paid(app, applied_on=D("2026-04-01"))
    sat_with_scores(app, may, D("2026-05-30"), {"theory": 40, "skills": 90}, D("2026-06-10"))  # last day 2028-05-29
    closed = certified(app)  # last day 2028-04-24 too, but closed by its certificate
    caught_up(read_models)

    assert ids(closing_within(read_models, D("2028-04-01"), 23)) == [str(april)]
    assert ids(closing_within(read_models, D("2028-04-01"), 60)) == sorted([str(april), str(may)])
    assert closing_within(read_models, D("2028-04-01"), 22) == []
    assert {w["state"] for w in closing_within(read_models, D("2028-04-01"), 60)} == {"open"}

    expired = expired_between(read_models, D("2028-04-25"), D("2028-04-30"))
    assert (ids(expired), expired[0]["state"]) == ([str(april)], "expired")
    assert expired_between(read_models, D("2028-04-01"), D("2028-04-24")) == []
    assert expired_between(read_models, D("2028-04-26"), D("2028-05-29")) == []
    assert ids(expired_between(read_models, D("2028-04-25"), D("2028-05-30"))) == sorted([str(april), str(may)])
    assert window_of(read_models, closed, D("2028-04-25"))["state"] == "closed_by_certificate"


def test_reapplying_inside_the_window_records_it_as_waived_and_never_expired(app, read_models):
    id_number = new_id_number()
    old = failed_skills(app, id_number=id_number)
    new = apply(app, id_number=id_number, applied_on=D("2026-07-01"))
    caught_up(read_models)

    window = window_of(read_models, old, D("2029-01-01"))
    assert (window["state"], window["state_on"], window["passed"]) == ("waived", D("2026-07-01"), "")  # 四(二): not kept
    assert window_of(read_models, new, D("2026-07-01")) is None
    assert closing_within(read_models, D("2028-04-01"), 30) == []


def test_a_certificate_closes_the_window_with_every_subject_passed(app, read_models):
    case_id = certified(app)
    window = window_of(caught_up(read_models), case_id, D("2030-01-01"))
    assert (window["state"], window["state_on"]) == ("closed_by_certificate", D("2026-06-01"))
    assert (window["passed"], window["outstanding"]) == ("theory, skills", "")


def test_a_qualified_case_awaiting_its_certificate_neither_closes_soon_nor_expires_and_its_certificate_closes_it(app, read_models):
    case_id = paid(app, applied_on=D("2026-03-02"))
    assert sat_with_scores(app, case_id, D("2026-04-25"), {"theory": 80, "skills": 90}, D("2026-05-08")) == "qualified"
    caught_up(read_models)

    window = window_of(read_models, case_id, D("2028-04-25"))  # the day after its last day: not expired
    assert (window["state"], window["state_on"], window["outstanding"]) == ("qualified", D("2026-05-08"), "")
    assert closing_within(read_models, D("2028-04-01"), 60) == []
    assert expired_between(read_models, D("2028-04-25"), D("2028-04-30")) == []

    app.issue_certificate(case_id, issued_on=D("2026-06-01"), actor="registrar-1")
    window = window_of(caught_up(read_models), case_id, D("2030-01-01"))
    assert (window["state"], window["state_on"]) == ("closed_by_certificate", D("2026-06-01"))


def test_a_post_hoc_sitting_sanction_cancels_the_results_and_reopens_the_window_after_the_ban(app, read_models):
    case_id = certified(app)
    app.sanction(case_id, tier="sitting", behaviour="须知 三.2", decided_on=D("2026-08-03"), actor="compliance-1")
    window = window_of(caught_up(read_models), case_id, D("2026-08-03"))
    assert (window["state"], window["state_on"], window["barred_until"]) == ("barred", D("2026-08-03"), D("2026-12-31"))
    assert (window["passed"], window["outstanding"]) == ("", "theory, skills")
    assert window_of(read_models, case_id, D("2027-01-01"))["state"] == "open"  # 须知 三: barred for that year only


def test_a_materials_sanction_or_a_withdrawal_cancels_the_window(app, read_models):
    disqualified = failed_skills(app)
    app.sanction(disqualified, tier="materials", behaviour="须知 一", decided_on=D("2026-06-15"), actor="compliance-1")
    withdrawn = failed_skills(app)
    app.withdraw(withdrawn, on=D("2026-06-20"), reason="moved abroad", actor="registrar-1")
    caught_up(read_models)

    assert window_of(read_models, disqualified, D("2026-07-01"))["state"] == "cancelled"
    assert window_of(read_models, withdrawn, D("2028-05-01"))["state"] == "cancelled"  # never "expired"
    assert window_of(read_models, withdrawn, D("2028-05-01"))["state_on"] == D("2026-06-20")


# --- bans ---------------------------------------------------------------------------------------------------


def sat_on_25_april(app: CasesApplication, **application) -> UUID:
    case_id = paid(app, applied_on=D("2026-03-02"), **application)
    app.record_attendance(case_id, sat_on=D("2026-04-25"), attended=True, actor="examiner-1")
    return case_id


def test_a_sitting_ban_is_in_force_from_the_decision_to_31_december(app, read_models):
    case_id = sat_on_25_april(app, name="张伟")
    app.sanction(case_id, tier="sitting", behaviour="须知 三.1", decided_on=D("2026-04-25"), actor="invigilator-1")
    caught_up(read_models)

    (ban,) = active_bans(read_models, D("2026-12-31"))
    candidate_id = str(app.get_case(case_id).candidate_id)
    assert (ban["candidate_id"], ban["holder_name"], ban["case_id"]) == (candidate_id, "张伟", str(case_id))
    assert (ban["tier"], ban["severity"], ban["starts_on"], ban["ends_on"]) == ("sitting", None, D("2026-04-25"), D("2026-12-31"))
    assert (ban["referral"], ban["post_hoc"], ban["clause"]) == (False, False, "须知 三: 当年不得参加评价")
    assert (ban["behaviour_clause"], ban["decided_on"]) == ("须知 三.1", D("2026-04-25"))
    assert active_bans(read_models, D("2026-04-24")) == []
    assert active_bans(read_models, D("2027-01-01")) == []


def test_grave_bans_last_two_years_or_five_and_the_serious_one_is_referred(app, read_models):
    minor = sat_on_25_april(app)
    serious = sat_on_25_april(app)
    app.sanction(minor, tier="grave", severity="minor", behaviour="须知 四.2", decided_on=D("2026-05-10"), actor="compliance-1")
    app.sanction(serious, tier="grave", severity="serious", behaviour="须知 四.4", decided_on=D("2026-05-10"), actor="compliance-1")
    caught_up(read_models)

    by_case = {ban["case_id"]: ban for ban in active_bans(read_models, D("2026-05-10"))}
    assert (by_case[str(minor)]["ends_on"], by_case[str(minor)]["referral"]) == (D("2028-05-09"), False)
    assert (by_case[str(serious)]["ends_on"], by_case[str(serious)]["referral"]) == (D("2031-05-09"), True)
    assert by_case[str(serious)]["severity"] == "serious"
    assert ids(active_bans(read_models, D("2028-05-09"))) == sorted([str(minor), str(serious)])
    assert ids(active_bans(read_models, D("2028-05-10"))) == [str(serious)]
    assert active_bans(read_models, D("2031-05-10")) == []


def test_a_post_hoc_sanction_bans_a_certified_candidate_and_a_subject_sanction_bans_no_one(app, read_models):
    id_number = new_id_number()
    case_id = certified(app, id_number=id_number)
    app.sanction(case_id, tier="grave", severity="minor", behaviour="须知 四.4", decided_on=D("2026-09-01"), actor="compliance-1")
    other = sat_on_25_april(app)
    app.sanction(other, tier="subject", behaviour="须知 二.2", subject="skills", decided_on=D("2026-04-25"), actor="invigilator-1")
    caught_up(read_models)

    (ban,) = bans_of_candidate(read_models, app.find_candidate(id_number).id)
    assert (ban["post_hoc"], ban["starts_on"], ban["ends_on"]) == (True, D("2026-09-01"), D("2028-08-31"))
    assert bans_of_candidate(read_models, app.get_case(other).candidate_id) == []
    assert ids(active_bans(read_models, D("2026-09-01"))) == [str(case_id)]


def test_the_register_lists_every_ban_of_a_candidate_across_cases(app, read_models):
    id_number = new_id_number()
    marketing = sat_on_25_april(app, id_number=id_number)
    commerce = paid(app, body="dsxh", level=4, applied_on=D("2026-03-02"), id_number=id_number)
    app.record_attendance(commerce, sat_on=D("2026-04-26"), attended=True, actor="examiner-1")
    app.sanction(marketing, tier="sitting", behaviour="须知 三.2", decided_on=D("2026-04-27"), actor="compliance-1")
    app.sanction(commerce, tier="grave", severity="minor", behaviour="须知 四.5", decided_on=D("2026-05-06"), actor="compliance-1")
    caught_up(read_models)

    bans = bans_of_candidate(read_models, str(app.find_candidate(id_number).id))
    assert [(b["case_id"], b["tier"], b["ends_on"]) for b in bans] == [
        (str(marketing), "sitting", D("2026-12-31")), (str(commerce), "grave", D("2028-05-05")),
    ]  # fmt: skip


# --- the case index and the worklists -----------------------------------------------------------------------


def a_spread_of_cases(app: CasesApplication) -> dict[str, UUID]:
    """Cases of several bodies at every stage a registrar's lists care about."""
    cases = {
        "unpaid_in_march": approved(app, body="dsxh", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-03")),
        "unpaid_in_october": approved(app, body="wgsh", level=4, applied_on=D("2026-09-28"), decided_on=D("2026-09-29")),
        "awaiting_results": paid(app, body="jsxh", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-10")),
        "qualified": paid(app, body="jsxh", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-10")),
        "migu_sat": paid(app, body="migu", level=3, applied_on=D("2026-03-02")),
        "certified": certified(app, body="wgsh"),
        "retake_requested": failed_skills(app),
        "retake_available": failed_skills(app),
        "rejected": apply(app, body="dsxh", level=3, applied_on=D("2026-03-02"), evidence=worked("电子商务师", "2024-01-01")),
    }
    app.record_attendance(cases["awaiting_results"], sat_on=D("2026-04-26"), attended=True, actor="examiner-1")
    sat_with_scores(app, cases["qualified"], D("2026-04-26"), {"theory": 80, "skills": 75}, D("2026-05-20"))
    app.record_attendance(cases["migu_sat"], sat_on=D("2026-04-25"), attended=True, actor="examiner-1")
    app.request_retake(cases["retake_requested"], requested_on=D("2026-05-11"), actor="registrar-1")
    app.review(cases["rejected"], decided_on=D("2026-03-03"), actor="registrar-1")
    return cases


def test_the_case_index_holds_each_cases_stage_dates_and_money(app, read_models):
    cases = a_spread_of_cases(app)
    caught_up(read_models)
    rows = {row["case_id"]: row for row in find_cases(read_models, limit=1000)}
    row = {name: rows[str(case_id)] for name, case_id in cases.items()}

    assert {name: r["stage"] for name, r in row.items()} == {
        "unpaid_in_march": "awaiting_payment", "unpaid_in_october": "awaiting_payment", "awaiting_results": "awaiting_results",
        "qualified": "qualified", "migu_sat": "awaiting_results", "certified": "certified",
        "retake_requested": "awaiting_payment", "retake_available": "retake_available", "rejected": "rejected",
    }  # fmt: skip
    for name, case_id in cases.items():
        case = app.get_case(case_id)
        assert (row[name]["version"], row[name]["pay_by"], row[name]["holder_id_masked"]) == (case.version, case.pay_by, case.holder_id_masked)
    october = row["unpaid_in_october"]
    assert (october["fee_due"], october["paid_total"], october["pay_by"], october["approved_on"]) == (528, 0, D("2026-10-09"), D("2026-09-29"))
    assert (october["applied_month"], october["plan_month"], october["updated_on"]) == ("2026-09", "2026-10", D("2026-09-29"))
    retake = row["retake_requested"]
    assert (retake["fee_due"], retake["paid_total"], retake["sat_on"], retake["updated_on"]) == (498, 598, D("2026-04-25"), D("2026-05-11"))
    certificate = row["certified"]
    assert certificate["certificate_number"] == app.get_case(cases["certified"]).certificate["number"]
    assert (certificate["qualified_on"], certificate["updated_on"], certificate["fee_due"]) == (D("2026-05-08"), D("2026-06-01"), None)
    waiting = row["awaiting_results"]
    assert (waiting["results_due"], waiting["results_due_provisional"], waiting["sat_on"]) == (D("2026-05-26"), False, D("2026-04-26"))
    assert (row["rejected"]["approved_on"], row["rejected"]["pay_by"]) == (None, None)


def test_find_cases_filters_by_body_stage_project_level_and_month_and_pages(app, read_models):
    cases = a_spread_of_cases(app)
    caught_up(read_models)

    assert ids(find_cases(read_models, body="jsxh")) == sorted([str(cases["awaiting_results"]), str(cases["qualified"])])
    assert ids(find_cases(read_models, stage="awaiting_results")) == sorted([str(cases["awaiting_results"]), str(cases["migu_sat"])])
    assert ids(find_cases(read_models, month="2026-09")) == [str(cases["unpaid_in_october"])]
    assert ids(find_cases(read_models, occupation="电子商务师", level=3)) == [str(cases["rejected"])]
    assert len(find_cases(read_models, body="wgsh", level=3)) == 3
    everything = find_cases(read_models)
    assert [r["case_id"] for r in find_cases(read_models, limit=4, offset=2)] == [r["case_id"] for r in everything[2:6]]


@pytest.mark.parametrize("day", ["2026-03-06", "2026-03-09", "2026-05-12", "2026-05-26", "2026-05-27", "2026-06-30", "2026-10-09", "2026-10-10"])  # fmt: skip
def test_the_worklists_name_the_same_cases_as_the_log_scan_on_a_chosen_day(app, read_models, day):
    a_spread_of_cases(app)
    caught_up(read_models)
    on = D(day)
    scanned = log_scan.late_on(app, on)
    worklists = {"payments_overdue": payments_overdue, "results_late": results_late, "certificates_late": certificates_late}

    for body in (None, "wgsh", "dsxh", "jsxh", "migu"):
        for kind, worklist in worklists.items():
            expected = sorted(line["case_id"] for line in scanned[kind] if body in (None, line["body"]))
            assert ids(worklist(read_models, body, on)) == expected, (kind, body)
        unpaid = ids(find_cases(read_models, body=body, stage="awaiting_payment"))
        assert sorted(ids(payments_due(read_models, body, on)) + ids(payments_overdue(read_models, body, on))) == unpaid


def test_a_fee_is_due_through_its_last_day_and_overdue_the_next(app, read_models):
    case_id = approved(app, body="wgsh", level=4, applied_on=D("2026-09-28"), decided_on=D("2026-09-29"))
    caught_up(read_models)
    assert (ids(payments_due(read_models, "wgsh", D("2026-10-09"))), payments_overdue(read_models, "wgsh", D("2026-10-09"))) == ([str(case_id)], [])  # fmt: skip
    assert (payments_due(read_models, "wgsh", D("2026-10-10")), ids(payments_overdue(read_models, "wgsh", D("2026-10-10")))) == ([], [str(case_id)])  # fmt: skip
    assert payments_due(read_models, "dsxh", D("2026-10-09")) == []


def test_an_issued_certificate_leaves_the_late_list(app, read_models):
    case_id = paid(app, body="jsxh", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-10"))
    sat_with_scores(app, case_id, D("2026-04-26"), {"theory": 80, "skills": 75}, D("2026-05-20"))
    assert ids(certificates_late(caught_up(read_models), None, D("2026-05-27"))) == [str(case_id)]
    app.issue_certificate(case_id, issued_on=D("2026-05-28"), actor="registrar-1")
    assert certificates_late(caught_up(read_models), None, D("2026-05-28")) == []


# --- replay: the read models equal the log ------------------------------------------------------------------


def test_read_models_caught_up_in_steps_equal_a_rebuild_and_a_rebuild_keeps_the_digest(app, read_models):
    id_number = new_id_number()
    first = failed_skills(app, id_number=id_number)
    caught_up(read_models)  # a first catch-up, then more history on the same cases
    apply(app, id_number=id_number, applied_on=D("2026-07-01"))
    certified_case = certified(app, body="migu")
    app.sanction(certified_case, tier="sitting", behaviour="须知 三.2", decided_on=D("2026-08-03"), actor="compliance-1")
    a_spread_of_cases(app)
    caught_up(read_models)
    assert window_of(read_models, first, D("2026-07-02"))["state"] == "waived"

    assert read_models.verify() == []
    for name in MINE:
        before = read_models.digest(name)
        generation = read_models.rebuild(name)
        assert (generation, read_models.digest(name)) == (2, before)


def test_the_registry_runs_the_read_models_in_order():
    names = [cls.name for cls in PROJECTIONS]
    assert names[:4] == ["certificates", "case_index", "validity_windows", "bans"]
