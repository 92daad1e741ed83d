"""Candidates are identified by a valid resident ID number and must be 16 on applying (all seeds 二(一))."""

from __future__ import annotations

import re
from datetime import date

import pytest
from stdnum.cn import ric

from cases.identity import (
    InvalidIdNumber,
    ResidentId,
    UnderAge,
    age_on,
    candidate_key,
    candidate_stream_id,
    check_minimum_age,
    make_test_id_number,
    mask_id_number,
    mask_phone,
    parse_id_number,
    same_name,
)

TODAY = date(2026, 3, 1)
NUMBER = make_test_id_number("310104", date(1990, 5, 17), 123)


def with_check_digit(body17: str) -> str:
    """Any 17-character body made checksum-valid, so that a later check is the one that fails."""
    return body17 + ric.calc_check_digit(body17 + "0")


def digit_runs(number: str, length: int = 6) -> set[str]:
    digits = re.sub(r"[^0-9]", "", number)
    return {digits[i : i + length] for i in range(len(digits) - length + 1)}


def assert_reveals_nothing(text: str, number: str) -> None:
    assert number not in text
    assert not any(run in text for run in digit_runs(number)), text


def refusal(raw, **kwargs) -> InvalidIdNumber:
    with pytest.raises(InvalidIdNumber) as caught:
        parse_id_number(raw, today=TODAY, **kwargs)
    error = caught.value
    assert error.code == "invalid_id_number"
    assert_reveals_nothing(str(error), str(raw))
    assert_reveals_nothing(repr(error.to_dict()), str(raw))
    return error


# Valid numbers


def test_a_number_built_for_tests_is_valid_for_stdnum_too():
    assert ric.is_valid(make_test_id_number())
    assert ric.is_valid(NUMBER)


def test_a_valid_number_parses_into_birth_date_region_and_gender():
    resident = parse_id_number(NUMBER, today=TODAY)
    assert resident == ResidentId(number=NUMBER, birth_date=date(1990, 5, 17), region_code="310104", gender="M")


def test_an_even_sequence_digit_is_a_woman_and_an_odd_one_a_man():
    assert parse_id_number(make_test_id_number(sequence=124), today=TODAY).gender == "F"
    assert parse_id_number(make_test_id_number(sequence=125), today=TODAY).gender == "M"


def test_a_lowercase_x_spaces_and_hyphens_are_accepted_and_compacted():
    number = next(
        make_test_id_number(sequence=s) for s in range(1000) if make_test_id_number(sequence=s).endswith("X")
    )
    raw = f" {number[:6]} {number[6:14]}-{number[14:].lower()} "
    assert parse_id_number(raw, today=TODAY).number == number


def test_a_region_created_after_the_birth_year_is_still_a_known_region():
    # 浦东新区 (310115) dates from 1992; people born earlier were first registered there with this code.
    number = make_test_id_number("310115", date(1985, 6, 1))
    assert parse_id_number(number, today=TODAY).region_code == "310115"


def test_a_region_since_abolished_is_still_a_known_region():
    # 卢湾区 (310103) was merged into 黄浦区 in 2011; its numbers remain valid for life.
    assert parse_id_number(make_test_id_number("310103"), today=TODAY).region_code == "310103"


# Each failed check is named, with the field, and never quotes the number


def test_a_number_of_the_wrong_length_is_refused_for_its_length():
    error = refusal(NUMBER[:-1], field="candidate.id_number")
    assert error.reason == "length"
    assert error.field == "candidate.id_number"
    assert error.details == {"reason": "length"}


def test_a_letter_inside_the_number_is_refused_for_its_format():
    assert refusal(NUMBER[:10] + "A" + NUMBER[11:]).reason == "format"
    assert refusal(NUMBER[:-1] + "Y").reason == "format"


def test_something_other_than_text_is_refused_for_its_format():
    assert refusal(110101199001011237).reason == "format"


def test_a_wrong_check_digit_is_refused_for_its_check_digit():
    wrong = "0" if NUMBER[-1] != "0" else "1"
    error = refusal(NUMBER[:-1] + wrong)
    assert error.reason == "check digit"
    assert error.field == "id_number"


def test_an_impossible_birth_date_is_refused_for_its_birth_date():
    assert refusal(with_check_digit("310104" + "19900230" + "123")).reason == "birth date"


def test_a_future_birth_date_is_refused_for_its_birth_date():
    future = make_test_id_number(birth=date(2026, 3, 2))
    assert ric.is_valid(future), "stdnum alone accepts it"
    assert refusal(future).reason == "birth date"


def test_a_birth_date_before_1900_is_refused_for_its_birth_date():
    assert refusal(make_test_id_number(birth=date(1899, 12, 31))).reason == "birth date"


def test_an_unknown_region_code_is_refused_for_its_region():
    for region in ("999999", "110199", "830000"):
        assert refusal(make_test_id_number(region)).reason == "region"


def test_each_reason_has_its_own_message():
    messages = {
        refusal(raw).message
        for raw in (
            NUMBER[:-1],
            NUMBER[:-1] + "Y",
            NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1"),
            make_test_id_number(birth=date(2030, 1, 1)),
            make_test_id_number("999999"),
        )
    }
    assert len(messages) == 5


# Age on the application date (年满16周岁)


def test_age_counts_whole_years():
    assert age_on(date(2010, 3, 1), date(2026, 2, 28)) == 15
    assert age_on(date(2010, 3, 1), date(2026, 3, 1)) == 16


def test_a_29_february_birthday_turns_a_year_older_on_1_march_in_a_common_year():
    assert age_on(date(2008, 2, 29), date(2024, 2, 28)) == 15
    assert age_on(date(2008, 2, 29), date(2024, 2, 29)) == 16
    assert age_on(date(2008, 2, 29), date(2025, 2, 28)) == 16
    assert age_on(date(2008, 2, 29), date(2025, 3, 1)) == 17


def test_a_candidate_one_day_short_of_16_is_refused_as_under_age():
    resident = parse_id_number(make_test_id_number(birth=date(2010, 3, 2)), today=TODAY)
    with pytest.raises(UnderAge) as caught:
        check_minimum_age(resident, TODAY, field="candidate.id_number")
    error = caught.value
    assert error.code == "under_age"
    assert error.clause == "all seeds 二(一): 年满16周岁"
    assert error.field == "candidate.id_number"
    assert error.details == {"minimum_age": 16, "age": 15, "application_date": "2026-03-01"}
    assert_reveals_nothing(str(error), resident.number)


def test_a_candidate_applying_on_the_16th_birthday_is_accepted():
    resident = parse_id_number(make_test_id_number(birth=date(2010, 3, 1)), today=TODAY)
    check_minimum_age(resident, TODAY)


def test_a_candidate_born_29_february_is_16_on_1_march_of_a_common_year():
    resident = parse_id_number(make_test_id_number(birth=date(2008, 2, 29)), today=date(2024, 3, 1))
    with pytest.raises(UnderAge):
        check_minimum_age(resident, date(2024, 2, 28))
    check_minimum_age(resident, date(2024, 2, 29))


# The full number never shows


def test_a_resident_id_shows_only_its_masked_form():
    resident = parse_id_number(NUMBER, today=TODAY)
    assert resident.masked() == "310***********1234" == NUMBER[:3] + "*" * 11 + NUMBER[-4:]
    for shown in (repr(resident), str(resident), f"{resident}", repr([resident])):
        assert_reveals_nothing(shown, NUMBER)
    assert "1990" not in resident.masked()


def test_masking_finds_every_number_in_a_text_in_any_of_its_written_forms():
    text = f"a {NUMBER}, b {NUMBER[:6]} {NUMBER[6:14]} {NUMBER[14:]}, c x{NUMBER}9"
    masked = mask_id_number(text)
    assert_reveals_nothing(masked, NUMBER)
    assert masked.count("310***********1234") == 3


def test_a_mobile_number_is_masked_to_its_first_three_and_last_four_digits():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "138****5678"
    assert mask_phone("1234") == "****"


# Pseudonymous candidate keys and stream ids


SECRET = b"test-secret-0123456789"


def test_the_candidate_stream_id_is_stable_for_one_number_and_secret():
    assert candidate_stream_id(NUMBER, SECRET) == candidate_stream_id(NUMBER, SECRET)
    assert candidate_stream_id(NUMBER.lower(), SECRET) == candidate_stream_id(NUMBER, SECRET)


def test_the_candidate_stream_id_differs_with_the_secret_and_the_number():
    assert candidate_stream_id(NUMBER, SECRET) != candidate_stream_id(NUMBER, b"another-secret")
    assert candidate_stream_id(NUMBER, SECRET) != candidate_stream_id(make_test_id_number(), SECRET)


def test_the_candidate_stream_id_and_key_contain_no_run_of_the_number():
    assert_reveals_nothing(str(candidate_stream_id(NUMBER, SECRET)), NUMBER)
    assert_reveals_nothing(candidate_stream_id(NUMBER, SECRET).hex, NUMBER)
    key = candidate_key(NUMBER, SECRET)
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert_reveals_nothing(key, NUMBER)


def test_a_candidate_key_needs_a_secret():
    with pytest.raises(ValueError):
        candidate_key(NUMBER, b"")


def test_a_migu_certificate_number_is_not_mistaken_for_an_id_number():
    assert mask_id_number("证书 S000031400071263000001") == "证书 S000031400071263000001"


def test_a_name_given_matches_the_holders_trimmed_and_in_full_width_letters_and_nothing_else():
    assert same_name("王芳", " 王芳 ") and same_name("Li Na", "Ｌｉ Ｎａ")
    assert not same_name("王芳", "王芬") and not same_name("王芳", "王")
