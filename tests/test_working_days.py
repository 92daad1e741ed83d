"""Working days: the mainland calendar, provisional years beyond it, and the operator's arrangement files."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

import cases.calendar
from cases.calendar.working_days import (
    CalendarDataError,
    DayStatus,
    WorkingDayCalendar,
    WorkingDayDeadline,
    YearArrangement,
)
from cases.errors import DomainError

# A made-up 2027 arrangement for the tests: New Year's Day off, a Spring Festival week, one Sunday worked in lieu.
OFFICIAL_2027 = """
year = 2027
official = true
source = "国务院办公厅关于2027年部分节假日安排的通知"
holidays = ["2027-01-01", "2027-02-05..2027-02-13"]
working_days = ["2027-02-14"]
"""


@pytest.fixture
def calendar() -> WorkingDayCalendar:
    return WorkingDayCalendar()


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


# The official calendar (2004–2026)


def test_fee_due_three_working_days_after_approval_skips_national_day_to_the_make_up_saturday(calendar):
    deadline = calendar.add_working_days(date(2026, 9, 30), 3)

    assert deadline.due == date(2026, 10, 10)
    assert not deadline.provisional
    assert deadline.basis == "official calendar (chinesecalendar 1.11.0)"
    assert str(deadline) == "2026-10-10"


def test_results_are_due_20_working_days_after_a_sunday_last_subject_skipping_labour_day(calendar):
    last_subject = date(2026, 4, 26)

    assert calendar.add_working_days(last_subject, 20) == WorkingDayDeadline(
        date(2026, 5, 26), False, "official calendar (chinesecalendar 1.11.0)"
    )


def test_results_with_marking_are_due_30_working_days_after_the_last_subject(calendar):
    deadline = calendar.add_working_days(date(2026, 4, 26), 30)

    assert deadline.due == date(2026, 6, 9)
    assert not deadline.provisional


def test_the_start_day_never_counts_even_when_it_is_a_working_day(calendar):
    assert calendar.add_working_days(date(2026, 10, 8), 1).due == date(2026, 10, 9)


def test_counting_from_a_rest_day_lands_on_the_first_working_day_after_it(calendar):
    # find_workday in the library would say 2026-10-09 here.
    assert calendar.add_working_days(date(2026, 10, 4), 1).due == date(2026, 10, 8)


def test_counting_zero_working_days_is_refused(calendar):
    with pytest.raises(ValueError):
        calendar.add_working_days(date(2026, 9, 30), 0)


def test_a_national_day_holiday_is_a_rest_day_with_its_name(calendar):
    assert calendar.day_status(date(2026, 10, 5)) == DayStatus(date(2026, 10, 5), False, True, "National Day holiday")


def test_a_make_up_saturday_is_a_working_day(calendar):
    status = calendar.day_status(date(2026, 10, 10))

    assert status.working and status.exact
    assert status.reason == "make-up working day (National Day)"


def test_an_ordinary_weekend_is_a_rest_day_and_an_ordinary_weekday_a_working_day(calendar):
    assert calendar.day_status(date(2026, 10, 11)) == DayStatus(date(2026, 10, 11), False, True, "weekend")
    assert calendar.day_status(date(2026, 10, 12)) == DayStatus(date(2026, 10, 12), True, True, "weekday")


def test_years_the_library_covers_are_exact_and_later_ones_are_not(calendar):
    assert calendar.is_exact_year(2004) and calendar.is_exact_year(2026)
    assert not calendar.is_exact_year(2027)


# Beyond the published years


def test_a_fee_deadline_crossing_into_2027_without_an_arrangement_is_provisional_on_weekends_only(calendar):
    deadline = calendar.add_working_days(date(2026, 12, 30), 3)

    assert deadline.due == date(2027, 1, 4)  # 12-31, then Friday 01-01 counted as an ordinary weekday, Monday 01-04
    assert deadline.provisional
    assert deadline.basis == (
        "official calendar (chinesecalendar 1.11.0); provisional: 2027 arrangement not published; weekends only"
    )
    assert str(deadline) == "2027-01-04 (provisional)"


def test_a_deadline_that_ends_before_the_unpublished_year_stays_exact(calendar):
    deadline = calendar.add_working_days(date(2026, 12, 30), 1)

    assert deadline == WorkingDayDeadline(date(2026, 12, 31), False, "official calendar (chinesecalendar 1.11.0)")


def test_a_deadline_counted_entirely_in_2027_never_raises(calendar):
    deadline = calendar.add_working_days(date(2027, 12, 20), 30)

    assert deadline.due == date(2028, 1, 31)
    assert deadline.provisional
    assert "2027 arrangement not published" in deadline.basis and "2028" in deadline.basis


def test_a_2027_weekday_is_a_working_day_provisionally(calendar):
    status = calendar.day_status(date(2027, 1, 1))

    assert status.working and not status.exact
    assert status.reason == "weekday"


def test_a_provisional_deadline_round_trips_through_an_event_as_json(calendar):
    deadline = calendar.add_working_days(date(2026, 12, 30), 3)
    stored = json.loads(json.dumps(deadline.to_dict()))

    assert stored == {"due": "2027-01-04", "provisional": True, "basis": deadline.basis}
    assert WorkingDayDeadline.from_dict(stored) == deadline


# Operator arrangement files


def test_an_official_2027_file_makes_the_same_deadline_exact_and_skips_new_years_day(tmp_path):
    write(tmp_path, "2027.toml", OFFICIAL_2027)
    calendar = WorkingDayCalendar.from_directory(tmp_path)

    deadline = calendar.add_working_days(date(2026, 12, 30), 3)

    assert deadline.due == date(2027, 1, 5)
    assert not deadline.provisional
    assert deadline.basis == "official calendar (chinesecalendar 1.11.0); operator arrangement 2027 (official)"
    assert calendar.is_exact_year(2027)


def test_an_official_2027_file_moves_a_deadline_past_the_spring_festival_onto_the_make_up_sunday(tmp_path):
    without = WorkingDayCalendar().add_working_days(date(2027, 2, 4), 3)
    write(tmp_path, "2027.toml", OFFICIAL_2027)
    with_file = WorkingDayCalendar.from_directory(tmp_path).add_working_days(date(2027, 2, 4), 3)

    assert (without.due, without.provisional) == (date(2027, 2, 9), True)
    assert (with_file.due, with_file.provisional) == (date(2027, 2, 16), False)  # 02-14 (Sun), 02-15, 02-16


def test_days_in_an_official_2027_file_are_exact_with_their_reason(tmp_path):
    write(tmp_path, "2027.toml", OFFICIAL_2027)
    calendar = WorkingDayCalendar.from_directory(tmp_path)

    assert calendar.day_status(date(2027, 2, 8)) == DayStatus(
        date(2027, 2, 8), False, True, "public holiday (operator arrangement 2027)"
    )
    assert calendar.day_status(date(2027, 2, 14)) == DayStatus(
        date(2027, 2, 14), True, True, "make-up working day (operator arrangement 2027)"
    )
    assert calendar.day_status(date(2027, 2, 20)).reason == "weekend"


def test_a_draft_2027_file_is_used_but_the_deadline_stays_provisional(tmp_path):
    write(tmp_path, "2027.toml", OFFICIAL_2027.replace("official = true", "official = false"))
    calendar = WorkingDayCalendar.from_directory(tmp_path)

    deadline = calendar.add_working_days(date(2026, 12, 30), 3)

    assert deadline.due == date(2027, 1, 5)
    assert deadline.provisional
    assert "provisional: operator arrangement 2027 is a draft, not official" in deadline.basis
    assert not calendar.is_exact_year(2027)
    assert calendar.day_status(date(2027, 1, 1)).reason == "public holiday (draft operator arrangement 2027)"


def test_an_operator_file_for_a_covered_year_corrects_the_library(tmp_path):
    # Say 2026-10-08 had been declared a holiday after the library was released.
    write(tmp_path, "2026.toml", """
        year = 2026
        official = true
        source = "a correcting notice"
        holidays = ["2026-10-01..2026-10-08"]
        working_days = ["2026-10-10"]
    """)
    calendar = WorkingDayCalendar.from_directory(tmp_path)

    deadline = calendar.add_working_days(date(2026, 9, 30), 3)

    assert (deadline.due, deadline.provisional) == (date(2026, 10, 12), False)  # 10-09, 10-10, 10-12
    assert deadline.basis == "operator arrangement 2026 (official)"


def test_no_directory_or_a_missing_one_means_no_operator_arrangements(tmp_path):
    for calendar in (WorkingDayCalendar.from_directory(None), WorkingDayCalendar.from_directory(tmp_path / "nope")):
        assert not calendar.is_exact_year(2027)
        assert calendar.add_working_days(date(2026, 9, 30), 3).due == date(2026, 10, 10)


def test_the_default_calendar_loads_at_start_up():
    calendar = WorkingDayCalendar.default()

    assert calendar.add_working_days(date(2026, 9, 30), 3).due == date(2026, 10, 10)


def test_toml_native_dates_are_accepted_as_well_as_strings(tmp_path):
    write(tmp_path, "2027.toml", "year = 2027\nofficial = false\nholidays = [2027-01-01]\n")

    assert not WorkingDayCalendar.from_directory(tmp_path).is_working_day(date(2027, 1, 1))


HEADER = 'year = 2027\nofficial = true\nsource = "notice"\n'
BAD_FILES = {  # kind: (file name, contents, what the message must name)
    "date outside its year": ("2027.toml", HEADER + 'holidays = ["2026-12-31"]', "'2026-12-31'"),
    "range leaving its year": ("2027.toml", HEADER + 'holidays = ["2027-12-30..2028-01-02"]',
                               "'2027-12-30..2028-01-02'"),
    "holiday and working day": ("2027.toml", HEADER + 'holidays = ["2027-02-05..2027-02-14"]\n'
                                'working_days = ["2027-02-14"]', "'2027-02-14'"),
    "unparseable date": ("2027.toml", HEADER + 'holidays = ["2027-02-30"]', "'2027-02-30'"),
    "reversed range": ("2027.toml", HEADER + 'holidays = ["2027-02-11..2027-02-05"]', "'2027-02-11..2027-02-05'"),
    "weekday as make-up day": ("2027.toml", HEADER + 'working_days = ["2027-02-15"]', "'2027-02-15'"),
    "missing year": ("2027.toml", 'official = true\nsource = "notice"', "missing `year`"),
    "name not matching year": ("2028.toml", HEADER, "'2028.toml'"),
    "misspelt key": ("2027.toml", HEADER + 'holiday = ["2027-01-01"]', "'holiday'"),
    "official without source": ("2027.toml", "year = 2027\nofficial = true", "`source`"),
    "not toml": ("2027.toml", "year = = 2027", "not a readable TOML file"),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_arrangement_file_is_refused_naming_the_file_and_the_entry(tmp_path, kind):
    name, contents, named = BAD_FILES[kind]
    path = write(tmp_path, name, contents)

    with pytest.raises(CalendarDataError) as refused:
        WorkingDayCalendar.from_directory(tmp_path)

    error = refused.value
    assert isinstance(error, DomainError) and error.code == "calendar_data_error"
    assert str(path) in error.message
    assert named in error.message


def test_the_readme_example_is_a_valid_arrangement_file(tmp_path):
    readme = (Path(cases.calendar.__file__).parent / "data" / "README.md").read_text(encoding="utf-8")
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    write(tmp_path, "2027.toml", example)

    calendar = WorkingDayCalendar.from_directory(tmp_path)

    assert calendar.is_exact_year(2027)
    assert calendar.is_working_day(date(2027, 10, 9))


def test_an_arrangement_supplied_under_the_wrong_year_is_refused():
    arrangement = YearArrangement.from_mapping({"year": 2027, "official": False})

    with pytest.raises(CalendarDataError):
        WorkingDayCalendar({2028: arrangement})


# The two counts agree


@pytest.mark.parametrize(
    "start",
    [date(2026, 1, 1), date(2026, 2, 13), date(2026, 4, 26), date(2026, 9, 19), date(2026, 12, 24)],
)
@pytest.mark.parametrize("n", [1, 3, 20, 30])
def test_working_days_between_a_start_and_its_deadline_is_the_number_added(calendar, start, n):
    deadline = calendar.add_working_days(start, n)

    assert calendar.working_days_between(start, deadline.due) == n
    assert calendar.working_days_between(start, deadline.due - timedelta(days=1)) == n - 1


def test_working_days_between_is_zero_when_the_end_is_not_after_the_start(calendar):
    assert calendar.working_days_between(date(2026, 10, 9), date(2026, 10, 9)) == 0
    assert calendar.working_days_between(date(2026, 10, 9), date(2026, 10, 1)) == 0


def test_working_days_between_counts_national_day_week_as_three_working_days(calendar):
    assert calendar.working_days_between(date(2026, 9, 30), date(2026, 10, 11)) == 3



@pytest.mark.parametrize("seed", range(4))
def test_counting_by_whole_months_and_years_agrees_with_counting_day_by_day(calendar, seed):
    """working_days_between takes whole months and years at once (a span of decades is a few hundred lookups);
    over spans inside a month, across months, across the covered years into the provisional ones, the same count."""
    import random

    chance = random.Random(seed)
    spans = [(date(2026, 12, 30), date(2027, 1, 4)), (date(2025, 12, 31), date(2027, 12, 31)), (date(2026, 1, 31), date(2026, 3, 1))]
    for _ in range(60):
        start = date(2024, 1, 1) + timedelta(days=chance.randrange(4 * 365))
        spans.append((start, start + timedelta(days=chance.choice([0, 1, 5, 31, 62, 366, 800, 3000]))))
    for start, end in spans:
        by_day = sum(calendar.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))
        assert calendar.working_days_between(start, end) == by_day, (start, end)
