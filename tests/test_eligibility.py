"""Eligibility (申报条件): national-2023 (seed 000/001/004 附件1) and quanmeiti-2023 (seed 002/003 附件1 1.9.1)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from cases.errors import InvalidInput, RuleViolation
from cases.rules.eligibility import (
    EligibilityResult,
    NoClausesForLevel,
    OccupationNotCovered,
    StandardsDataError,
    evaluate_eligibility,
    load_standards,
)
from cases.rules.evidence import (
    Education,
    Evidence,
    HeldCertificate,
    InvalidEvidence,
    ProfessionalTitle,
    WorkPeriod,
)

APPLIED = date(2026, 3, 16)
ADULT = date(1988, 7, 1)
YEAR = 365  # "满 N 年" is N × 365 days of qualifying work (eligibility_terms docstring)
HR = "企业人力资源管理师"  # seed 004, evaluated against national-2023
QMT = "全媒体运营师"  # seeds 002/003, evaluated against quanmeiti-2023

STANDARDS = load_standards()
NATIONAL = STANDARDS["national-2023"]
QUANMEITI = STANDARDS["quanmeiti-2023"]


def days_before(days: int) -> date:
    return APPLIED - timedelta(days=days)


def ongoing_work_of(days: int, occupation: str = HR) -> WorkPeriod:
    """An ongoing period counting exactly `days` days up to the application date, both ends included."""
    return WorkPeriod(occupation, start=days_before(days - 1))


def certificate(level: int, issued_on: date, occupation: str = HR) -> HeldCertificate:
    return HeldCertificate(occupation, level, issued_on)


def evaluate(evidence: Evidence, level: int, *, born: date = ADULT, standard=NATIONAL, occupation: str = HR):
    return evaluate_eligibility(
        standard=standard,
        occupation=occupation,
        level=level,
        evidence=evidence,
        birth_date=born,
        application_date=APPLIED,
    )


@dataclass(frozen=True)
class ClauseCase:
    clause: str
    story: str
    holds: Evidence
    just_fails: Evidence
    born: date = ADULT
    born_when_failing: date | None = None

    @property
    def level(self) -> int:
        return int(self.clause[1])


def working_since(start: date, occupation: str = HR) -> WorkPeriod:
    return WorkPeriod(occupation, start)


def title(grade: str, obtained_on: date, field_matches: bool = True) -> ProfessionalTitle:
    return ProfessionalTitle(grade, obtained_on, field_matches)


def diploma(kind: str, major: str, status: str = "graduated", *, relevant: bool, assessed: bool = False) -> Education:
    completed_on = {"graduated": date(2024, 6, 30), "graduating": date(2026, 6, 30)}.get(status)
    return Education(kind, major, status, completed_on, major_relevant=relevant, assessed_programme=assessed)


HR_GRADUATE = diploma("college", "人力资源管理", relevant=True)
UNRELATED_GRADUATE = diploma("college", "汽车检测与维修技术", relevant=False)

NATIONAL_CASES = [
    ClauseCase(
        "L5(1)", "turns 16 on the application date and intends to work / is one day short of 16",
        holds=Evidence(intends_to_work=True),
        just_fails=Evidence(intends_to_work=True),
        born=date(2010, 3, 16),
        born_when_failing=date(2010, 3, 17),
    ),
    ClauseCase(
        "L5(2)", "works in the occupation on the application date / left the day before",
        holds=Evidence(work=(working_since(date(2025, 9, 1)),)),
        just_fails=Evidence(work=(WorkPeriod(HR, date(2025, 9, 1), date(2026, 3, 15)),)),
        born=date(2004, 6, 1),
    ),
    ClauseCase(
        "L4(1)", "five years over two jobs / five years less a day",
        holds=Evidence(
            work=(WorkPeriod(HR, days_before(5 * YEAR - 1), date(2023, 6, 30)), working_since(date(2023, 7, 1)))
        ),
        just_fails=Evidence(
            work=(WorkPeriod(HR, days_before(5 * YEAR - 2), date(2023, 6, 30)), working_since(date(2023, 7, 1)))
        ),
    ),
    ClauseCase(
        "L4(2)", "a level-5 certificate then three years of work / certificate dated a day too late",
        holds=Evidence(
            work=(working_since(date(2022, 1, 1)),), certificates=(certificate(5, days_before(3 * YEAR)),)
        ),
        just_fails=Evidence(
            work=(working_since(date(2022, 1, 1)),), certificates=(certificate(5, days_before(3 * YEAR - 1)),)
        ),
    ),
    ClauseCase(
        "L4(3)", "a graduating vocational student of a relevant major / of an unrelated major",
        holds=Evidence(education=(diploma("secondary_vocational", "人力资源管理", "graduating", relevant=True),)),
        just_fails=Evidence(education=(diploma("secondary_vocational", "数控技术应用", "graduating", relevant=False),)),
    ),
    ClauseCase(
        "L3(1)", "ten years of work / ten years less a day",
        holds=Evidence(work=(ongoing_work_of(10 * YEAR),)),
        just_fails=Evidence(work=(ongoing_work_of(10 * YEAR - 1),)),
    ),
    ClauseCase(
        "L3(2)", "a level-4 certificate then four years of work / certificate dated a day too late",
        holds=Evidence(
            work=(working_since(date(2020, 1, 1)),), certificates=(certificate(4, days_before(4 * YEAR)),)
        ),
        just_fails=Evidence(
            work=(working_since(date(2020, 1, 1)),), certificates=(certificate(4, days_before(4 * YEAR - 1)),)
        ),
    ),
    ClauseCase(
        "L3(3)", "a junior title in the field then a year of work / title a day too recent",
        holds=Evidence(work=(working_since(date(2023, 1, 1)),), titles=(title("junior", days_before(YEAR)),)),
        just_fails=Evidence(work=(working_since(date(2023, 1, 1)),), titles=(title("junior", days_before(YEAR - 1)),)),
    ),
    ClauseCase(
        "L3(4)", "a senior-worker-class graduate of a relevant major / of an unrelated major",
        holds=Evidence(education=(diploma("technical_school_senior_class", "人力资源管理", relevant=True),)),
        just_fails=Evidence(education=(diploma("technical_school_senior_class", "汽车维修", relevant=False),)),
    ),
    ClauseCase(
        "L3(5)", "a level-4 certificate and a relevant college diploma / with an unrelated diploma",
        holds=Evidence(certificates=(certificate(4, date(2025, 12, 20)),), education=(HR_GRADUATE,)),
        just_fails=Evidence(certificates=(certificate(4, date(2025, 12, 20)),), education=(UNRELATED_GRADUATE,)),
    ),
    ClauseCase(
        "L3(6)", "graduating from an assessed programme of a relevant major / from an unassessed one",
        holds=Evidence(
            education=(diploma("higher_vocational", "人力资源管理", "graduating", relevant=True, assessed=True),)
        ),
        just_fails=Evidence(
            education=(diploma("higher_vocational", "人力资源管理", "graduating", relevant=True, assessed=False),)
        ),
    ),
    ClauseCase(
        "L2(1)", "a level-3 certificate then five years of work / certificate dated a day too late",
        holds=Evidence(
            work=(working_since(date(2019, 1, 1)),), certificates=(certificate(3, days_before(5 * YEAR)),)
        ),
        just_fails=Evidence(
            work=(working_since(date(2019, 1, 1)),), certificates=(certificate(3, days_before(5 * YEAR - 1)),)
        ),
    ),
    ClauseCase(
        "L2(2)", "a junior title then five years, and a level-3 certificate then a year / certificate a day late",
        holds=Evidence(
            work=(working_since(date(2019, 7, 1)),),
            titles=(title("junior", date(2019, 7, 1)),),
            certificates=(certificate(3, days_before(YEAR)),),
        ),
        just_fails=Evidence(
            work=(working_since(date(2019, 7, 1)),),
            titles=(title("junior", date(2019, 7, 1)),),
            certificates=(certificate(3, days_before(YEAR - 1)),),
        ),
    ),
    ClauseCase(
        "L2(3)", "an intermediate title then a year of work / a junior title instead",
        holds=Evidence(work=(working_since(date(2020, 1, 1)),), titles=(title("intermediate", days_before(YEAR)),)),
        just_fails=Evidence(work=(working_since(date(2020, 1, 1)),), titles=(title("junior", days_before(YEAR)),)),
    ),
    ClauseCase(
        "L2(4)", "a technician-college graduate with a level-3 certificate and two years / two years less a day",
        holds=Evidence(
            work=(ongoing_work_of(2 * YEAR),),
            certificates=(certificate(3, date(2023, 7, 1)),),
            education=(diploma("technician_college", "人力资源管理", relevant=True),),
        ),
        just_fails=Evidence(
            work=(ongoing_work_of(2 * YEAR - 1),),
            certificates=(certificate(3, date(2023, 7, 1)),),
            education=(diploma("technician_college", "人力资源管理", relevant=True),),
        ),
    ),
    ClauseCase(
        "L2(5)", "a technician-class student holding a level-3 certificate two years / two years tomorrow",
        holds=Evidence(
            certificates=(certificate(3, date(2024, 3, 16)),),
            education=(diploma("technician_class", "人力资源管理", "enrolled", relevant=True),),
        ),
        just_fails=Evidence(
            certificates=(certificate(3, date(2024, 3, 17)),),
            education=(diploma("technician_class", "人力资源管理", "enrolled", relevant=True),),
        ),
    ),
    ClauseCase(
        "L1(1)", "a level-2 certificate then five years of work / five years less a day",
        holds=Evidence(
            work=(working_since(date(2015, 1, 1)),), certificates=(certificate(2, days_before(5 * YEAR)),)
        ),
        just_fails=Evidence(
            work=(working_since(date(2015, 1, 1)),), certificates=(certificate(2, days_before(5 * YEAR - 1)),)
        ),
    ),
    ClauseCase(
        "L1(2)", "an intermediate title then five years, and a level-2 certificate then a year / title a day late",
        holds=Evidence(
            work=(working_since(date(2015, 1, 1)),),
            titles=(title("intermediate", days_before(5 * YEAR)),),
            certificates=(certificate(2, days_before(YEAR)),),
        ),
        just_fails=Evidence(
            work=(working_since(date(2015, 1, 1)),),
            titles=(title("intermediate", days_before(5 * YEAR - 1)),),
            certificates=(certificate(2, days_before(YEAR)),),
        ),
    ),
    ClauseCase(
        "L1(3)", "a senior title then a year of work / an intermediate title instead",
        holds=Evidence(work=(working_since(date(2010, 1, 1)),), titles=(title("senior", days_before(YEAR)),)),
        just_fails=Evidence(
            work=(working_since(date(2010, 1, 1)),), titles=(title("intermediate", days_before(YEAR)),)
        ),
    ),
]


def _ids(case: ClauseCase) -> str:
    return f"{case.clause} {case.story}"


def test_every_national_clause_has_a_case_that_holds_and_one_that_just_fails():
    clauses = [clause.id for level in sorted(NATIONAL.levels, reverse=True) for clause in NATIONAL.levels[level]]
    assert [case.clause for case in NATIONAL_CASES] == clauses
    assert len(clauses) == 19


@pytest.mark.parametrize("case", NATIONAL_CASES, ids=_ids)
def test_evidence_built_for_a_clause_satisfies_exactly_that_clause(case: ClauseCase):
    result = evaluate(case.holds, case.level, born=case.born)
    assert [outcome.clause for outcome in result.satisfied] == [case.clause]
    assert result.eligible


@pytest.mark.parametrize("case", NATIONAL_CASES, ids=_ids)
def test_evidence_just_short_of_a_clause_fails_it_and_the_level(case: ClauseCase):
    result = evaluate(case.just_fails, case.level, born=case.born_when_failing or case.born)
    outcome = next(outcome for outcome in result.outcomes if outcome.clause == case.clause)
    assert not outcome.holds
    assert outcome.reason
    assert not result.eligible
    assert result.first_satisfied() is None


def test_every_clause_of_the_level_is_reported_in_order_with_its_citation_and_reason():
    result = evaluate(Evidence(), 3)
    assert [o.clause for o in result.outcomes] == ["L3(1)", "L3(2)", "L3(3)", "L3(4)", "L3(5)", "L3(6)"]
    assert all(o.reason and o.citation.startswith("seed 000/001/004 附件1 3.") for o in result.outcomes)
    assert result.outcomes[1].text.startswith("取得本职业或相关职业四级/中级工职业资格")


def test_the_outcome_records_the_certificate_and_the_years_decided():
    case = NATIONAL_CASES[3]  # L4(2)
    values = evaluate(case.holds, 4).first_satisfied().values
    assert values["days_after_certificate"] == 3 * YEAR
    assert values["years_after_certificate"] == 3.0
    assert values["required_years_after_certificate"] == 3
    assert values["certificate"]["level"] == 5
    assert values["certificate"]["issued_on"] == days_before(3 * YEAR).isoformat()
    assert values["related_basis"] == "declared_attestation"
    json.dumps(values)


def test_a_higher_certificate_does_not_stand_in_for_the_level_the_clause_names():
    evidence = Evidence(work=(WorkPeriod(HR, date(2022, 1, 1)),), certificates=(certificate(3, date(2022, 1, 1)),))
    outcome = evaluate(evidence, 4).outcomes[1]
    assert outcome.clause == "L4(2)" and not outcome.holds
    assert "no level-5 certificate" in outcome.reason


def test_a_title_outside_the_field_does_not_count():
    evidence = Evidence(work=(working_since(date(2020, 1, 1)),), titles=(title("junior", date(2023, 1, 1), False),))
    assert not evaluate(evidence, 3).eligible


def test_an_enrolled_student_who_is_not_graduating_does_not_satisfy_the_diploma_clause():
    evidence = Evidence(education=(Education("secondary_vocational", "人力资源管理", "enrolled", None, True),))
    assert not evaluate(evidence, 4).eligible


def test_overlapping_work_periods_are_not_counted_twice():
    evidence = Evidence(
        work=(
            WorkPeriod(HR, date(2021, 6, 1), date(2023, 12, 31)),
            WorkPeriod(HR, date(2023, 1, 1)),  # a second, overlapping job
            WorkPeriod(HR, date(2022, 3, 1), date(2022, 5, 31)),  # a side job inside the first
        )
    )
    outcome = evaluate(evidence, 4).outcomes[0]
    assert outcome.values["days"] == (APPLIED - date(2021, 6, 1)).days + 1 == 1750
    assert outcome.values["work_periods_counted"] == [0, 1, 2]
    assert not outcome.holds  # the periods' lengths add up to 2,207 days: more than 5 years if double counted


def test_work_in_an_unrelated_occupation_counts_only_when_the_body_attests_it_related():
    attested = WorkPeriod("人力资源服务专员", date(2015, 1, 1), date(2019, 12, 31), related=True)
    unattested = WorkPeriod("餐厅服务员", date(2010, 1, 1), date(2014, 12, 31))
    outcome = evaluate(Evidence(work=(unattested, attested)), 4).outcomes[0]
    assert outcome.holds
    assert outcome.values["work_periods_counted"] == [1]
    assert outcome.values["related_basis"] == "declared_attestation"


def test_first_satisfied_is_the_first_clause_in_the_standards_order():
    evidence = Evidence(
        work=(WorkPeriod(HR, date(2016, 1, 1)),),
        certificates=(certificate(5, date(2018, 1, 1)),),
        education=(HR_GRADUATE,),
    )
    result = evaluate(evidence, 4)
    assert [o.clause for o in result.satisfied] == ["L4(1)", "L4(2)", "L4(3)"]
    assert result.first_satisfied().clause == "L4(1)"


def test_an_eligibility_result_round_trips_through_json():
    result = evaluate(NATIONAL_CASES[12].holds, 2)  # L2(2)
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert data["eligible"] is True
    assert EligibilityResult.from_dict(data) == result


# --- 全媒体运营师 (quanmeiti-2023) ----------------------------------------------------------------------------


def test_quanmeiti_lists_its_22_related_occupations_and_36_related_majors():
    assert len(QUANMEITI.related_occupations) == 22
    assert len(QUANMEITI.related_majors) == 36
    assert QUANMEITI.related_occupations[0] == "互联网营销师"
    assert QUANMEITI.related_occupations[-1] == "连锁经营管理师"
    assert {"电子商务师", "网络编辑", "数据分析处理工程技术人员"} <= set(QUANMEITI.related_occupations)
    assert QMT not in QUANMEITI.related_occupations
    assert QUANMEITI.related_majors[0] == "市场营销"
    assert QUANMEITI.related_majors[-1] == "虚拟现实技术应用"
    assert {"网络与新媒体", "大数据管理及应用", "文秘"} <= set(QUANMEITI.related_majors)
    assert NATIONAL.related_occupations is None and NATIONAL.related_majors is None


def _level_5_then_three_years(certificate_occupation: str) -> Evidence:
    return Evidence(
        work=(WorkPeriod("电子商务师", date(2022, 1, 1), date(2024, 6, 30)), WorkPeriod(QMT, date(2024, 7, 1))),
        certificates=(certificate(5, days_before(3 * YEAR), certificate_occupation),),
    )


def test_a_related_occupations_level_5_certificate_opens_quanmeiti_level_4():
    result = evaluate(_level_5_then_three_years("电子商务师"), 4, standard=QUANMEITI, occupation=QMT)
    assert [o.clause for o in result.satisfied] == ["L4(2)"]
    values = result.first_satisfied().values
    assert values["certificate_scope"] == "related_only"
    assert values["related_basis"] == "standard_list"
    assert result.first_satisfied().citation == "seed 002/003 附件1 1.9.1 四级(2)"


def test_a_quanmeiti_level_5_certificate_does_not_count_for_its_own_level_4():
    result = evaluate(_level_5_then_three_years(QMT), 4, standard=QUANMEITI, occupation=QMT)
    outcome = result.outcomes[1]
    assert outcome.clause == "L4(2)" and not outcome.holds
    assert "its own does not count" in outcome.reason
    assert not result.eligible


def test_quanmeiti_decides_related_by_its_lists_not_by_the_declared_flags():
    evidence = Evidence(
        work=(
            WorkPeriod("平面设计师", date(2010, 1, 1), date(2019, 12, 31), related=True),  # not in the list
            WorkPeriod("网络编辑", date(2020, 1, 1), related=False),  # in the list
        ),
        education=(
            Education("college", "数控技术", "graduated", date(2015, 6, 30), major_relevant=True),
            Education("college", "网络与新媒体", "graduated", date(2018, 6, 30), major_relevant=False),
        ),
    )
    result = evaluate(evidence, 3, standard=QUANMEITI, occupation=QMT)
    years = result.outcomes[0]
    assert years.values["work_periods_counted"] == [1]
    assert not years.holds  # 10 years only with the 平面设计师 period
    diploma_outcome = evaluate(evidence, 4, standard=QUANMEITI, occupation=QMT).outcomes[2]
    assert diploma_outcome.values["education_index"] == 1  # 网络与新媒体 is listed; 数控技术 is not
    assert diploma_outcome.values["major_basis"] == "standard_list"


def test_quanmeiti_has_no_clauses_for_levels_5_2_and_1():
    for level in (5, 2, 1):
        with pytest.raises(NoClausesForLevel) as refused:
            evaluate(Evidence(), level, standard=QUANMEITI, occupation=QMT)
        assert isinstance(refused.value, RuleViolation)
        assert refused.value.details == {"standard": "quanmeiti-2023", "level": level}


def test_the_quanmeiti_standard_refuses_another_occupation():
    with pytest.raises(OccupationNotCovered):
        evaluate(Evidence(), 4, standard=QUANMEITI, occupation="电子商务师")


# --- evidence as declared ---------------------------------------------------------------------------------------


def _declared() -> dict:
    return {
        "intends_to_work": False,
        "work": [
            {"occupation": "电子商务师", "start": "2019-03-01", "end": "2022-02-28"},
            {"occupation": QMT, "start": "2022-03-01", "end": None},
        ],
        "certificates": [{"occupation": "电子商务师", "level": 5, "issued_on": "2020-06-30", "number": "1931000123456"}],
        "titles": [{"grade": "junior", "obtained_on": "2021-12-01", "field_matches": True}],
        "education": [{"kind": "college", "major": "电子商务", "status": "graduated", "completed_on": "2018-06-30"}],
    }


def test_declared_evidence_round_trips_through_json():
    evidence = Evidence.from_dict(_declared(), as_of=APPLIED)
    assert evidence.work[1].end is None and evidence.certificates[0].source == "declared"
    data = json.loads(json.dumps(evidence.to_dict(), ensure_ascii=False))
    assert Evidence.from_dict(data) == evidence


INVALID_DECLARATIONS = [
    ("work", 0, "end", "2018-12-31", "evidence.work[0].end"),  # ends before it starts
    ("work", 1, "start", "2026-03-17", "evidence.work[1].start"),  # after the application date
    ("certificates", 0, "level", 6, "evidence.certificates[0].level"),  # levels run 1 to 5
    ("certificates", 0, "issued_on", "2020/06/30", "evidence.certificates[0].issued_on"),  # not an ISO date
    ("certificates", 0, "source", "hearsay", "evidence.certificates[0].source"),  # declared or register
    ("titles", 0, "grade", "principal", "evidence.titles[0].grade"),  # junior, intermediate or senior
    ("education", 0, "kind", "university", "evidence.education[0].kind"),  # not a kind the clauses name
    ("education", 0, "status", "dropped_out", "evidence.education[0].status"),
    ("education", 0, "completed_on", "2026-07-01", "evidence.education[0].completed_on"),  # graduated: not later
    ("work", 0, "employer", "某公司", "evidence.work[0].employer"),  # unknown field
]


@pytest.mark.parametrize(
    ("section", "index", "key", "value", "field"),
    [pytest.param(*row, id=row[-1]) for row in INVALID_DECLARATIONS],
)
def test_invalid_declared_evidence_names_the_offending_field(section, index, key, value, field):
    data = _declared()
    data[section][index][key] = value
    with pytest.raises(InvalidEvidence) as refused:
        Evidence.from_dict(data, as_of=APPLIED)
    assert refused.value.field == field
    assert refused.value.code == "invalid_evidence" and isinstance(refused.value, InvalidInput)


def test_a_graduating_students_expected_completion_may_lie_after_the_application_date():
    data = _declared()
    data["education"][0] |= {"status": "graduating", "completed_on": "2026-06-30"}
    assert Evidence.from_dict(data, as_of=APPLIED).education[0].completed_on == date(2026, 6, 30)


def test_stored_evidence_replays_without_judging_its_dates_against_today():
    data = _declared()
    data["work"][1]["start"] = "2026-03-17"
    assert Evidence.from_dict(data).work[1].start == date(2026, 3, 17)


# --- the clause data ----------------------------------------------------------------------------------------------


def _write(tmp_path: Path, id: str, level: int, all: str) -> Path:
    path = tmp_path / "standards.toml"
    clause = f'id = "{id}"\nlevel = {level}\ncitation = "c"\ntext = "文"\ntext_en = "t"\nall = [{all}]'
    path.write_text(f'[standards.broken]\ntitle = "t"\n[[standards.broken.clauses]]\n{clause}\n', encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("id", "level", "all", "named"),
    [
        pytest.param("L4(1)", 4, '{ term = "years_in_total", years = 5 }', "(L4(1)).all[0]", id="unknown term"),
        pytest.param("L4(1)", 3, '{ term = "years_total", years = 5 }', "clauses[0]", id="id disagrees with level"),
        pytest.param(
            "L4(2)", 4, '{ term = "certificate_then_years", level = 7, years = 3 }', "(L4(2)).all[0]", id="bad level"
        ),
        pytest.param("L4(2)", 4, '{ term = "certificate_then_years", years = 3 }', "(L4(2)).all[0]", id="no level"),
    ],
)
def test_malformed_clause_data_is_refused_naming_the_entry(tmp_path, id, level, all, named):
    with pytest.raises(StandardsDataError) as refused:
        load_standards(_write(tmp_path, id, level, all))
    assert refused.value.field.startswith("standards.broken.clauses[0]")
    assert named in refused.value.message
