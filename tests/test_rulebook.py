"""The rule book as data: the 2026 catalogue loads; a bad entry stops start-up naming it; a later year is added
as a file without touching 2026."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cases.rulebook.loader import DATA_DIR, RuleBookError, load_rulebook
from cases.rulebook.lookup import UnknownBody, UnknownLevel, UnknownProject, find_offer

YEAR_2026 = DATA_DIR / "2026.toml"


def copy_rulebook(tmp_path: Path, edit=lambda text: text, name: str = "2026.toml") -> Path:
    directory = tmp_path / "rulebook"
    directory.mkdir(exist_ok=True)
    (directory / name).write_text(edit(YEAR_2026.read_text(encoding="utf-8")), encoding="utf-8")
    return directory


def test_the_2026_rule_book_has_the_five_bodies_and_their_fees():
    catalogue = load_rulebook().for_year(2026)
    assert [b.name for b in catalogue.bodies] == [
        "上海市网购商会", "上海市电子商务行业协会", "上海市多媒体行业协会", "咪咕视讯科技有限公司", "上海市技师协会",
    ]  # fmt: skip
    wgsh = catalogue.body("wgsh").project("互联网营销师", "视频创推员")
    assert [(lv.level, lv.total) for lv in wgsh.levels] == [(5, 438), (4, 528), (3, 598)]
    assert wgsh.level(3).subject("skills").retake_fee == 498
    hr = catalogue.body("jsxh").project("企业人力资源管理师", None)
    assert hr.level(4).total == 350 and hr.level(4).subject("theory").retake_fee == 175
    assert catalogue.body("migu").filing_number == "S000031400071"
    assert catalogue.body("dmtxh").project("全媒体运营师", "视听运营").level(4).subject("skills").retake_fee is None
    assert [w.name for w in catalogue.body("jsxh").windows] == ["April", "August", "November"]
    assert catalogue.body("dmtxh").minimum_cohort == 30 and catalogue.body("migu").minimum_cohort == 30
    assert catalogue.body("dsxh").supervision_line == "021-63560343"
    assert catalogue.validity.years_by_level == {5: 2, 4: 2, 3: 2, 2: 3, 1: 3}


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        (lambda t: t.replace("{ code = \"skills\", fee = 498, retake_fee = 498 }", "{ code = \"skills\", fee = 497, retake_fee = 498 }"),
         "bodies[0] (上海市网购商会).projects[0] (互联网营销师).levels[2]"),
        (lambda t: t.replace('payment = ["2026-07-20", "2026-07-26"]', 'payment = ["2026-07-10", "2026-07-26"]'),
         "bodies[4] (上海市技师协会).windows[1] (August)"),
        (lambda t: t.replace('standard = "quanmeiti-2023"', 'standard = "quanmeiti-2099"', 1), "unknown standard 'quanmeiti-2099'"),
        (lambda t: t.replace('schedule = "monthly"                      # seed 000', 'schedule = "weekly"  # seed 000'), "bodies[0] (上海市网购商会).schedule"),
        (lambda t: t.replace("year = 2026", "year = 2025"), "does not match the file name"),
        (lambda t: t.replace('code = "dsxh"', 'code = "wgsh"'), "body codes repeat"),
    ],
    ids=["fees-do-not-add-up", "window-out-of-order", "unknown-standard", "bad-schedule", "year-mismatch", "duplicate-body"],
)
def test_a_bad_entry_stops_start_up_naming_it(tmp_path, edit, named):
    with pytest.raises(RuleBookError) as stopped:
        load_rulebook(copy_rulebook(tmp_path, edit))
    assert named in str(stopped.value)


def test_a_body_without_a_filing_number_stops_start_up_naming_the_setting(tmp_path):
    operator = tmp_path / "operator.toml"
    operator.write_text('[filing_numbers]\nwgsh = "X1"\ndsxh = "X2"\njsxh = "X4"\n', encoding="utf-8")
    with pytest.raises(RuleBookError, match=r"上海市多媒体行业协会.*filing_numbers\.dmtxh"):
        load_rulebook(copy_rulebook(tmp_path), operator_file=operator)


def test_the_operator_can_supply_the_retake_prices_seed_002_leaves_out(tmp_path):
    operator = tmp_path / "operator.toml"
    shutil.copy(DATA_DIR / "operator.toml", operator)
    with operator.open("a", encoding="utf-8") as f:
        f.write('\n[[retake_fees]]\nbody = "dmtxh"\noccupation = "全媒体运营师"\nwork_type = "直播运营"\nlevel = 4\ntheory = 150\nskills = 250\n')
    book = load_rulebook(operator_file=operator)
    level4 = book.for_year(2026).body("dmtxh").project("全媒体运营师", "直播运营").level(4)
    assert [s.retake_fee for s in level4.subjects] == [150, 250]


def test_a_later_years_notices_are_added_as_a_file_and_leave_2026_untouched(tmp_path):
    directory = copy_rulebook(tmp_path)
    copy_rulebook(tmp_path, lambda t: t.replace("year = 2026", "year = 2027").replace("total = 598", "total = 628")
                  .replace("fee = 498, retake_fee = 498", "fee = 528, retake_fee = 528").replace("2026-", "2027-"), name="2027.toml")
    book = load_rulebook(directory)
    assert book.years == [2026, 2027]
    assert book.for_year(2026).body("wgsh").project("互联网营销师", "视频创推员").level(3).total == 598
    assert book.for_year(2027).body("wgsh").project("互联网营销师", "视频创推员").level(3).total == 628


def test_a_bodys_name_is_taken_from_the_newest_year_that_lists_it(tmp_path):
    directory = copy_rulebook(tmp_path)
    copy_rulebook(tmp_path, lambda t: t.replace("year = 2026", "year = 2027").replace("2026-", "2027-")
                  .replace('name = "上海市网购商会"', 'name = "上海市网购商会（更名）"'), name="2027.toml")
    book = load_rulebook(directory)
    assert book.newest_body("wgsh").name == "上海市网购商会（更名）"
    assert book.for_year(2026).body("wgsh").name == "上海市网购商会"
    assert book.newest_body("nobody") is None


def test_a_year_without_a_rule_book_is_refused_naming_the_file_to_add():
    with pytest.raises(Exception) as refused:
        load_rulebook().for_year(2031)
    assert refused.value.code == "no_rulebook_for_year" and "2031.toml" in str(refused.value)
    assert refused.value.field == "applied_on"  # the default: a case's year is its application's


def test_a_missing_year_names_the_input_it_came_from():
    with pytest.raises(Exception) as refused:
        load_rulebook().for_year(2031, field="plan_month")
    assert (refused.value.code, refused.value.field) == ("no_rulebook_for_year", "plan_month")


@pytest.mark.parametrize(
    ("query", "error", "field"),
    [
        ({"body": "nope", "occupation": "互联网营销师", "work_type": "视频创推员", "level": 3}, UnknownBody, "body"),
        ({"body": "wgsh", "occupation": "电工", "work_type": None, "level": 3}, UnknownProject, "occupation"),
        ({"body": "wgsh", "occupation": "互联网营销师", "work_type": "直播销售员", "level": 3}, UnknownProject, "work_type"),
        ({"body": "jsxh", "occupation": "职业培训师", "work_type": None, "level": 4}, UnknownLevel, "level"),
    ],
)
def test_unknown_body_project_or_level_is_a_named_error(query, error, field):
    with pytest.raises(error) as refused:
        find_offer(load_rulebook(), year=2026, **query)
    assert refused.value.field == field
