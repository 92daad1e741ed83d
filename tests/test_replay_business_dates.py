"""Bitemporal replay (issue 12 point 7): a case as of a **business date** — the dates its events carry — as well
as a recording time. The realistic case below is recorded within a second or two, as the demo year is: asked by
recording time, "what did it look like on 2026-05-01" has no answer; asked by business date, it has."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cases.service.case_diff import diff
from cases.service.case_timeline import timeline
from cases.service.moment import Moment
from cases.service.replay import CaseNotYetOpen, business_date_at, state_as_of
from cases.errors import InvalidInput
from tests.test_replay import D, drive_realistic_case


@pytest.fixture
def driven(app):
    return drive_realistic_case(app)


def test_the_finding_recording_time_cannot_tell_may_from_march_but_the_business_date_can(driven):
    entries = timeline(driven.app, driven.case_id)
    recorded = [e.recorded_at for e in entries]
    assert recorded[-1] > recorded[0]  # the whole year was recorded in moments, not months

    first_of_may = state_as_of(driven.app, driven.case_id, on=D("2026-05-01"))

    # by 2026-05-01 the candidate had sat (2026-04-25) and the window had opened; the results came on 2026-05-08
    assert (first_of_may.stage, first_of_may.fees_paid) == ("awaiting_results", 598)
    assert first_of_may.window == {"opened_on": "2026-04-25", "last_day": "2028-04-24"}
    assert first_of_may.standing == {"theory": "pending", "skills": "pending"}
    assert first_of_may.version == max(e.version for e in entries if e.business_date <= "2026-05-01")


def test_every_business_date_answers_the_last_version_whose_facts_had_all_happened_by_then(driven):
    entries = timeline(driven.app, driven.case_id)
    start, end = D("2026-03-01"), D("2026-10-20")
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        reached = [e.version for e in entries if D(e.business_date) <= day]
        if not reached:
            with pytest.raises(CaseNotYetOpen):
                state_as_of(driven.app, driven.case_id, on=day)
            continue
        state = state_as_of(driven.app, driven.case_id, on=day)
        assert state.version == max(reached), day
        assert state == driven.after.get(state.version, state)  # a version the case passed through, as it was then


def test_a_day_before_the_application_is_a_named_error_on_the_field_asked(driven):
    with pytest.raises(CaseNotYetOpen) as caught:
        state_as_of(driven.app, driven.case_id, on=D("2026-03-01"))
    assert (caught.value.code, caught.value.field, caught.value.details["applied_on"]) == ("case_not_yet_open", "on", "2026-03-02")


def test_a_day_after_the_last_fact_is_the_case_as_it_stands(driven):
    current = driven.app.get_case(driven.case_id)
    assert state_as_of(driven.app, driven.case_id, on=D("2027-06-30")).version == current.version


def test_the_sanction_is_seen_from_its_day_and_the_certificate_valid_before_it(driven):
    before = state_as_of(driven.app, driven.case_id, on=D("2026-10-11"))
    after = state_as_of(driven.app, driven.case_id, on=D("2026-10-12"))

    assert (before.stage, before.certificate["status"]) == ("certified", "valid")
    assert (after.stage, after.certificate["status"]) == ("disqualified", "revoked")


def test_the_diff_between_two_business_dates_shows_what_happened_between_them(driven):
    found = diff(driven.app, driven.case_id, from_on=D("2026-05-01"), to_on=D("2026-05-31"))

    changes = {c.field: (c.old, c.new) for c in found.changes}
    assert changes["standing.theory"] == ("pending", "passed")
    assert changes["stage"] == ("awaiting_results", "ready_to_sit")
    assert [e.event for e in found.events] == [
        "SubjectPassed", "SubjectFailed", "RetakeRequested", "Lapsed", "RetakeRequested", "FeePaid",
    ]  # fmt: skip
    assert all("2026-05-01" < e.business_date <= "2026-05-31" for e in found.events)
    assert (found.from_business_date, found.to_business_date) == ("2026-04-25", "2026-05-19")


def test_a_diff_may_mix_a_business_date_with_a_version_and_refuses_going_backwards(driven):
    mixed = diff(driven.app, driven.case_id, from_on=D("2026-09-21"), to_version=22)
    assert [e.event for e in mixed.events] == ["Sanctioned", "CertRevoked"]
    with pytest.raises(InvalidInput) as caught:
        diff(driven.app, driven.case_id, from_on=D("2026-09-21"), to_on=D("2026-05-01"))
    assert caught.value.field == "to"


def test_the_day_a_version_had_reached_is_its_latest_business_date(driven):
    entries = timeline(driven.app, driven.case_id)
    for entry in entries:
        assert business_date_at(driven.app, driven.case_id, entry.version) == max(e.business_date for e in entries[: entry.version])


def test_a_moment_is_parsed_as_a_version_a_business_date_or_a_recording_time():
    assert Moment.parse("7", "from") == Moment(version=7)
    assert Moment.parse("2026-05-01", "from") == Moment(on=date(2026, 5, 1))
    assert Moment.parse("2026-05-08T09:00:00 08:00", "from").at.utcoffset() == timedelta(hours=8)  # '+' sent unencoded
    for bad in ("2026-13-01", "1899-12-31", "yesterday", "9" * 20):
        with pytest.raises(InvalidInput) as caught:
            Moment.parse(bad, "from")
        assert caught.value.field == "from"


def test_exactly_one_of_version_moment_or_business_date(driven):
    with pytest.raises(InvalidInput) as caught:
        state_as_of(driven.app, driven.case_id, version=3, on=D("2026-05-01"))
    assert caught.value.field == "version"
