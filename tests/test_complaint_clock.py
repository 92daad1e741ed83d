"""The complaint clock (DOMAIN §10): when a complaint counts as received, its service-level dates in working days,
and where it stands on a day. Expected dates are typed from the 2026 arrangement (国务院办公厅 2026 holidays:
Spring Festival 15-23 February off, 14 and 28 February worked), not computed with the calendar under test."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from cases.errors import InvalidInput
from cases.rulebook.model import ComplaintTerms
from cases.rules.complaint_clock import acceptance_due, extended_due, received, result_due, standing

SH = timezone(timedelta(hours=8))
MUNICIPAL = ("09:30-11:00", "13:30-16:30")  # 上海市职业技能鉴定中心 400-820-9278 (seeds 002-004 四)
TERMS = ComplaintTerms()
D = date.fromisoformat


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def test_a_call_at_1629_counts_that_day_and_one_at_1631_from_the_next_working_day(calendar):
    inside = received(at("2026-06-03 16:29"), "municipal_line", MUNICIPAL, calendar)  # a Wednesday
    after = received(at("2026-06-03 16:31"), "municipal_line", MUNICIPAL, calendar)
    assert (inside.counts_from, acceptance_due(inside.counts_from, TERMS, calendar).due) == (D("2026-06-03"), D("2026-06-08"))
    assert (after.counts_from, acceptance_due(after.counts_from, TERMS, calendar).due) == (D("2026-06-04"), D("2026-06-09"))
    assert "closed" in after.reason


def test_a_call_before_opening_or_at_lunch_counts_the_same_day(calendar):
    assert received(at("2026-06-03 08:10"), "municipal_line", MUNICIPAL, calendar).counts_from == D("2026-06-03")
    assert received(at("2026-06-03 12:00"), "municipal_line", MUNICIPAL, calendar).counts_from == D("2026-06-03")


def test_a_friday_evening_call_before_a_make_up_saturday_counts_from_that_saturday(calendar):
    receipt = received(at("2026-02-13 18:00"), "body_line", ("09:30-11:00", "13:30-16:00"), calendar)
    assert receipt.counts_from == D("2026-02-14")  # 调休: a working Saturday
    # then the Spring Festival: 15-23 February are rest days
    assert acceptance_due(receipt.counts_from, TERMS, calendar).due == D("2026-02-26")


def test_a_call_on_a_rest_day_and_a_letter_on_a_sunday_count_from_the_next_working_day(calendar):
    assert received(at("2026-10-03 10:00"), "municipal_line", MUNICIPAL, calendar).counts_from == D("2026-10-08")  # 国庆 1-7 Oct
    assert received(at("2026-06-07 10:00"), "letter", (), calendar).counts_from == D("2026-06-08")
    assert received(at("2026-06-08 22:00"), "online", (), calendar).counts_from == D("2026-06-08")  # no line hours


def test_a_call_on_30_december_is_due_in_2027_and_marked_provisional(calendar):
    receipt = received(at("2026-12-30 10:00"), "municipal_line", MUNICIPAL, calendar)
    due = acceptance_due(receipt.counts_from, TERMS, calendar)
    assert (due.due, due.provisional) == (D("2027-01-04"), True)  # 31 Dec, then 1 and 4 Jan by weekends only
    assert acceptance_due(D("2026-12-01"), TERMS, calendar).provisional is False


def test_the_result_is_due_seven_working_days_after_acceptance_and_one_extension_adds_at_most_seven(calendar):
    due = result_due(D("2026-06-08"), TERMS, calendar)
    assert due.due == D("2026-06-17")  # 9-12, 15-17 June (端午 is 19 June)
    assert extended_due(due.due, 7, TERMS, calendar).due == D("2026-06-29")  # 18, 22-26, 29 (19 June off)
    with pytest.raises(InvalidInput) as refused:
        extended_due(due.due, 8, TERMS, calendar)
    assert (refused.value.field, refused.value.clause) == ("working_days", "DOMAIN §10")


def test_terms_come_from_the_operator_file(calendar):
    longer = ComplaintTerms(accept_working_days=5)
    assert acceptance_due(D("2026-06-03"), longer, calendar).due == D("2026-06-10")


def test_standing_is_due_soon_the_working_day_before_due_today_on_the_day_and_breached_only_after(calendar):
    due = D("2026-06-08")  # a Monday
    assert standing(due, D("2026-06-03"), calendar).state == "on_time"
    assert standing(due, D("2026-06-05"), calendar).state == "due_soon"  # Friday: the next working day is the due day
    assert standing(due, D("2026-06-08"), calendar).state == "due_today"
    after = standing(due, D("2026-06-09"), calendar)
    assert (after.state, after.working_days_late) == ("breached", 1)
    assert standing(due, D("2026-06-15"), calendar).working_days_late == 5


def test_an_unknown_channel_is_refused_naming_it(calendar):
    with pytest.raises(InvalidInput) as refused:
        received(at("2026-06-03 10:00"), "fax", (), calendar)
    assert refused.value.field == "channel"
