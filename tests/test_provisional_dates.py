"""Provisional dates flagged wherever shown (issue 12 point 3), in the one representation `cases.provisional` owns:
a date in data has `<field>_provisional` beside it (or is a deadline object with its own `provisional`), a date in
text is followed by " (provisional)". And the certificate's collection date shown on the case, the register and
the log scan's lists (point 12). On SQLite and PostgreSQL.

A wgsh fee approved on Wednesday 30 December 2026 is due three working days later, on Monday 4 January 2027: the
count crosses into 2027, whose holiday arrangement is not published (New Year's Day counts as a weekday), so the
date may still move."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from uuid import UUID

import pytest

from cases.aggregates.evaluation_case import EvaluationCase
from cases.service.application import CasesApplication
from cases.projections.case_index import CaseIndex, find_cases, payments_due, payments_overdue
from cases.projections.certificates import CertificateRegister, find_certificates
from cases.projections.engine.service import Projections
from cases.projections.engine.store import ReadModelStore
from cases.provisional import deadline_fields, deadline_text, flagged, marked
from cases.service.case_timeline import timeline
from cases.service.replay import summarise
from cases.settings import Settings
from tests.builders import apply, approved, certify, paid
from tests.support.read_models import late_on

D = date.fromisoformat
PAST_THE_CALENDAR = "2027-01-04"


@pytest.fixture(autouse=True)
def later_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """These stories record facts in late December 2026, after the product's "today"."""
    monkeypatch.setenv("CASES_TODAY", "2030-12-31")


@pytest.fixture
def read_models(app: CasesApplication, store: Settings) -> Iterator[Projections]:
    read_store = ReadModelStore.from_settings(store)
    yield Projections(app, read_store, [CaseIndex(), CertificateRegister()])
    read_store.dispose()


def over_new_year(app: CasesApplication) -> UUID:
    return approved(app, body="wgsh", level=4, applied_on=D("2026-12-28"), decided_on=D("2026-12-30"))


def only(rows: list[dict], case_id: UUID) -> dict:
    (row,) = [row for row in rows if row["case_id"] == str(case_id)]
    return row


# --- the finding, reproduced --------------------------------------------------------------------------------


def test_a_fee_due_past_the_calendar_is_flagged_on_the_case_view_the_index_the_worklist_and_the_timeline(app, read_models):
    """Issue 12 point 3: flagged on the Approved event only; the case view's fee, GET /cases, the payments-due
    list and the timeline's summary line showed 2027-01-04 as if settled."""
    case_id = over_new_year(app)
    read_models.catch_up()
    (approved_event,) = [e for e in app.events.get(case_id) if type(e).__name__ == "Approved"]
    assert (approved_event.payment["due_on"], approved_event.payment["provisional"]) == (PAST_THE_CALENDAR, True)

    fee = summarise(app.get_case(case_id)).fee_due
    assert fee is not None and (fee["due_on"], fee["due_on_provisional"]) == (PAST_THE_CALENDAR, True)
    listed = only(find_cases(read_models, body="wgsh"), case_id)
    assert (listed["pay_by"], listed["pay_by_provisional"]) == (D(PAST_THE_CALENDAR), True)
    due = only(payments_due(read_models, "wgsh", D("2026-12-31")), case_id)
    assert (due["pay_by"], due["pay_by_provisional"]) == (D(PAST_THE_CALENDAR), True)
    overdue = only(payments_overdue(read_models, "wgsh", D("2027-01-05")), case_id)
    assert overdue["pay_by_provisional"] is True
    summary = next(entry.summary for entry in timeline(app, case_id) if entry.event == "Approved")
    assert summary.endswith(f"fee due by {PAST_THE_CALENDAR} (provisional)"), summary


def test_a_fee_due_inside_the_calendar_is_shown_settled_everywhere(app, read_models):
    case_id = approved(app, body="wgsh", level=4, applied_on=D("2026-09-28"), decided_on=D("2026-09-29"))
    read_models.catch_up()

    fee = summarise(app.get_case(case_id)).fee_due
    assert fee is not None and (fee["due_on"], fee["due_on_provisional"]) == ("2026-10-09", False)
    assert only(find_cases(read_models), case_id)["pay_by_provisional"] is False
    summary = next(entry.summary for entry in timeline(app, case_id) if entry.event == "Approved")
    assert summary.endswith("fee due by 2026-10-09"), summary


def test_a_case_never_approved_has_neither_a_fee_date_nor_its_flag(app, read_models):
    case_id = apply(app, body="wgsh", level=4, applied_on=D("2026-09-28"))
    read_models.catch_up()
    row = only(find_cases(read_models), case_id)
    assert (row["pay_by"], row["pay_by_provisional"], row["results_due"], row["results_due_provisional"]) == (None, None, None, None)
    assert summarise(app.get_case(case_id)).fee_due is None


def test_a_snapshot_taken_before_the_flag_was_kept_reads_as_settled():
    """The class default stands in for snapshots of cases owed before `pay_by_provisional` existed."""
    assert EvaluationCase.pay_by_provisional is False


def test_the_log_scan_flags_every_due_date_it_lists(app):
    case_id = over_new_year(app)
    (line,) = [line for line in late_on(app, D("2027-01-05"))["payments_overdue"] if line["case_id"] == str(case_id)]
    assert (line["due"], line["due_provisional"]) == (PAST_THE_CALENDAR, True)


# --- the collection date (point 12) -------------------------------------------------------------------------


def test_the_collection_date_is_on_the_case_view_and_the_register_and_flagged_past_the_calendar(app, read_models):
    """Issued Thursday 10 December 2026; an individual collects 20 working days later, 7 January 2027 (provisional)."""
    case_id = paid(app, body="wgsh", level=4, applied_on=D("2026-10-12"), decided_on=D("2026-10-13"))
    number = certify(app, case_id, sat_on=D("2026-11-21"), recorded_on=D("2026-12-01"), issued_on=D("2026-12-10"))
    read_models.catch_up()

    certificate = summarise(app.get_case(case_id)).certificate
    assert certificate is not None
    assert (certificate["collectable_from"]["due"], certificate["collectable_from"]["provisional"]) == ("2027-01-07", True)
    (row,) = find_certificates(read_models, number=number)
    assert (row["collectable_from"], row["collectable_from_provisional"], row["delivery"]) == (D("2027-01-07"), True, "counter")
    summary = next(entry.summary for entry in timeline(app, case_id) if entry.event == "CertIssued")
    assert summary.endswith("collectable from 2027-01-07 (provisional)"), summary


def test_a_collection_date_inside_the_calendar_is_settled_and_a_group_certificate_has_none(app, read_models):
    individual = paid(app, body="wgsh", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-03"))
    group = paid(app, body="wgsh", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-03"), channel="group", institution="上海市工业技术学校")
    numbers = [certify(app, c, sat_on=D("2026-04-18"), recorded_on=D("2026-05-08"), issued_on=D("2026-05-20")) for c in (individual, group)]
    read_models.catch_up()

    rows = {row["number"]: row for row in find_certificates(read_models)}
    assert (rows[numbers[0]]["collectable_from"], rows[numbers[0]]["collectable_from_provisional"]) == (D("2026-06-17"), False)
    assert (rows[numbers[1]]["collectable_from"], rows[numbers[1]]["collectable_from_provisional"]) == (None, None)


# --- the representation itself ------------------------------------------------------------------------------


def test_one_representation_for_data_and_one_for_text():
    assert flagged("pay_by", D("2027-01-04"), True) == {"pay_by": D("2027-01-04"), "pay_by_provisional": True}
    assert flagged("pay_by", None, True) == {"pay_by": None, "pay_by_provisional": None}
    assert deadline_fields("results_due", {"due": "2027-01-15", "provisional": True, "basis": "…"}) == {
        "results_due": D("2027-01-15"), "results_due_provisional": True,
    }  # fmt: skip
    assert deadline_fields("results_due", None) == {"results_due": None, "results_due_provisional": None}
    assert (marked(D("2027-01-04"), True), marked("2026-10-09", False), marked(None, True)) == ("2027-01-04 (provisional)", "2026-10-09", "")
    assert deadline_text({"due_on": "2027-01-04", "provisional": True}, "due_on") == "2027-01-04 (provisional)"


def test_a_lapse_and_a_diff_keep_the_flag_with_the_date(app):
    """A fee due past the calendar lapses: the Lapsed event records the flag beside its `due_on`, its line marks the
    date, and the diff across a changed deadline carries each side's flag (a date and its flag travel together)."""
    from cases.service.case_diff import diff

    case_id = over_new_year(app)
    app.lapse(case_id, on=D("2027-01-05"), actor="registrar-1")

    lapsed = timeline(app, case_id)[-1]
    assert (lapsed.event, lapsed.values["due_on_provisional"]) == ("Lapsed", True)
    assert lapsed.summary.startswith(f"fee due by {PAST_THE_CALENDAR} (provisional) unpaid")
    found = diff(app, case_id, from_version=1, to_version=2)
    due = next(c for c in found.changes if c.field == "fee_due")
    assert (due.new["due_on"], due.new["due_on_provisional"]) == (PAST_THE_CALENDAR, True)


def test_a_diff_between_two_deadlines_flags_each_side():
    from cases.service.case_diff import _changes

    old = {"fee_due": {"due_on": "2026-12-28", "due_on_provisional": False}}
    new = {"fee_due": {"due_on": PAST_THE_CALENDAR, "due_on_provisional": True}}
    (change, flag) = _changes(old, new)
    assert change.to_dict() == {"field": "fee_due.due_on", "old": "2026-12-28", "new": PAST_THE_CALENDAR, "old_provisional": False, "new_provisional": True}
    assert flag.field == "fee_due.due_on_provisional"


def test_a_complaints_timeline_line_marks_a_provisional_service_level_date():
    from cases.service.complaint_timeline import _complaint_summary

    accepted = _complaint_summary("Accepted", {"result_due": {"due": "2027-01-22", "provisional": True, "basis": "…"}})
    settled = _complaint_summary("Accepted", {"result_due": {"due": "2026-12-22", "provisional": False, "basis": "…"}})
    assert (accepted, settled) == ("accepted; a result due by 2027-01-22 (provisional)", "accepted; a result due by 2026-12-22")
