"""The demo year, body by body. Each body plans its sittings, seats its cases when they pay, and evaluates them there.

Sittings are planned ahead, on the day the body publishes them; a case is seated on the day it pays (or, when its
month was moved, on the day the new sitting is planned). The calendar rules show where a body's notice has one:
a 上海市多媒体行业协会 month below the minimum cohort is deferred, a 咪咕视讯 month holds because a college's group
brings 30 students, and a thin 上海市技师协会 window is folded into November with the day candidates must be told by.
"""

from __future__ import annotations

from collections.abc import Callable

from cases.demo.desk import D, Desk, Person

# Seed 004 二(三) 注 names no number for its opening condition (开考条件); the registrar of the demo applies 3.
JSXH_OPENING_MINIMUM = 3


def wgsh(desk: Desk) -> None:
    """上海市网购商会: a straight pass, a failed skills module retaken at its price, a training centre's group,
    a subject cancelled for leaving the seat, and a candidate still waiting for results."""
    april, may, june, july, august, november = (
        desk.sitting(day, levels=(5, 4, 3), planned_on="2026-02-02")
        for day in ("2026-04-18", "2026-05-23", "2026-06-13", "2026-07-11", "2026-08-22", "2026-11-14")
    )
    zhang = desk.apply(Person("张伟", "1988-04-12", "310104", 231), 4, "2026-03-02", since="2014-07-01")
    desk.approve_and_pay(zhang, "2026-03-04", "2026-03-05", april)
    desk.sit(zhang, "2026-04-18", "2026-05-12", theory=78, skills=84)
    desk.certify(zhang, "2026-06-03")

    li = desk.apply(Person("李娜", "1985-09-23", "310115", 242), 3, "2026-04-07", since="2012-03-01")
    desk.approve_and_pay(li, "2026-04-09", "2026-04-10", may)
    desk.sit(li, "2026-05-23", "2026-06-10", theory=72, skills=55)
    desk.retake(li, "2026-06-15", "2026-06-16", july)
    desk.sit(li, "2026-07-11", "2026-07-29", skills=79)
    desk.certify(li, "2026-08-26")

    school = "上海新动力职业技能培训中心"
    group = [
        Person("赵子涵", "2004-02-18", "310107", 118),
        Person("孙浩然", "2003-11-05", "310112", 305),
        Person("周雨桐", "2005-07-30", "310110", 426),
    ]
    members = [desk.apply(p, 5, "2026-05-06", channel="group", institution=school) for p in group]
    for case_id in members:
        desk.approve_and_pay(case_id, "2026-05-08", "2026-05-11", june)
    desk.sit(members[0], "2026-06-13", "2026-07-01", theory=81, skills=76)
    desk.sit(members[1], "2026-06-13", "2026-07-01", theory=67, skills=88)
    desk.sit(members[2], "2026-06-13", "2026-07-01", theory=48, skills=71)  # may retake theory until the window ends
    desk.certify(members[0], "2026-07-22")
    desk.certify(members[1], "2026-07-22")

    liu = desk.apply(Person("刘洋", "1990-12-01", "310107", 153), 4, "2026-06-03", since="2016-09-01")
    desk.approve_and_pay(liu, "2026-06-05", "2026-06-08", july)
    desk.attend(liu, "2026-07-11")
    desk.sanction(liu, "2026-07-11", "subject", "须知 二.2", subject="theory")
    desk.results(liu, "2026-07-29", skills=82)
    desk.retake(liu, "2026-08-03", "2026-08-04", august)
    desk.sit(liu, "2026-08-22", "2026-09-09", theory=74)
    desk.certify(liu, "2026-09-16")

    chen = desk.apply(Person("陈静", "1995-03-14", "310106", 364), 4, "2026-10-12", since="2018-05-01")
    desk.approve_and_pay(chen, "2026-10-14", "2026-10-15", november)
    desk.attend(chen, "2026-11-14")


def dsxh(desk: Desk) -> None:
    """上海市电子商务行业协会: a pass, a phone at the desk (sitting cancelled, barred for the year), a fee not
    paid in time, an application whose evidence meets no clause, and a September application evaluated on Monday
    2 November because 31 October is a Saturday (seed 001: 法定节假日顺延)."""
    april, june, november = (desk.sitting(day, planned_on="2026-02-02") for day in ("2026-04-11", "2026-06-13", "2026-11-02"))
    wu = desk.apply(Person("吴建国", "1979-06-08", "310109", 417), 3, "2026-03-09", since="2009-02-01")
    desk.approve_and_pay(wu, "2026-03-11", "2026-03-12", april)
    desk.sit(wu, "2026-04-11", "2026-04-30", theory=81, skills=77)
    desk.certify(wu, "2026-05-27")

    xu_person = Person("徐丽", "1992-08-19", "310110", 286)
    xu = desk.apply(xu_person, 4, "2026-05-11", since="2017-04-01")
    desk.approve_and_pay(xu, "2026-05-13", "2026-05-14", june)
    desk.attend(xu, "2026-06-13")
    desk.sanction(xu, "2026-06-13", "sitting", "须知 三.1")
    desk.refused(
        xu_person, "2026-09-07", "a new application for 电子商务师 level 4",
        lambda: desk.apply(xu_person, 4, "2026-09-07", since="2017-04-01"),
    )  # fmt: skip

    ma = desk.apply(Person("马超", "1996-01-25", "310112", 139), 4, "2026-07-06", since="2019-03-01")
    desk.review(ma, "2026-07-08")
    desk.app.lapse(ma, on=D("2026-07-14"), actor=desk.registrar)

    zhu = desk.apply(Person("朱琳", "1998-10-03", "310113", 208), 3, "2026-08-10", since="2020-06-01")
    desk.review(zhu, "2026-08-12")

    qian = desk.apply(Person("钱文静", "1993-05-17", "310104", 316), 4, "2026-09-14", since="2019-08-01")
    desk.approve_and_pay(qian, "2026-09-16", "2026-09-17", november)
    desk.sit(qian, "2026-11-02", "2026-11-18", theory=79, skills=85)


def dmtxh(desk: Desk) -> None:
    """上海市多媒体行业协会: a pass and a lost certificate reissued; a failure whose retake has no stated price,
    so the candidate re-applies and waives it; a grave (minor) sanction; and four August applicants, too few for
    September's sitting (fewer than 30), deferred to October and evaluated there (顺延至下月一起评价认定)."""
    live = desk.sitting("2026-04-18", planned_on="2026-02-02")
    traffic_may, traffic_july = (desk.sitting(d, planned_on="2026-02-02", work_type="流量运营") for d in ("2026-05-16", "2026-07-18"))
    audiovisual = desk.sitting("2026-08-15", planned_on="2026-06-01", work_type="视听运营")
    lin = desk.apply(Person("林晓燕", "1991-02-27", "310105", 164), 4, "2026-03-16", since="2018-03-01")
    desk.approve_and_pay(lin, "2026-03-18", "2026-03-19", live)
    desk.sit(lin, "2026-04-18", "2026-05-15", theory=76, skills=88)
    desk.certify(lin, "2026-06-10")
    desk.app.reissue_certificate(lin, on=D("2026-09-08"), actor=desk.registrar, reason="lost")

    he_person = Person("何俊杰", "1987-07-09", "310101", 375)
    he = desk.apply(he_person, 3, "2026-04-08", since="2013-05-01", work_type="流量运营")
    desk.approve_and_pay(he, "2026-04-10", "2026-04-13", traffic_may)
    desk.sit(he, "2026-05-16", "2026-06-05", theory=48, skills=81)
    desk.refused(
        he_person, "2026-06-10", "a retake of theory",
        lambda: desk.app.request_retake(he, requested_on=D("2026-06-10"), actor=desk.registrar),
    )  # fmt: skip
    again = desk.apply(he_person, 3, "2026-06-15", since="2013-05-01", work_type="流量运营")
    desk.approve_and_pay(again, "2026-06-17", "2026-06-18", traffic_july)
    desk.sit(again, "2026-07-18", "2026-08-07", theory=73, skills=85)
    desk.certify(again, "2026-09-02")

    gao = desk.apply(Person("高敏", "1994-11-11", "310120", 442), 3, "2026-07-07", since="2015-08-01", work_type="视听运营")
    desk.approve_and_pay(gao, "2026-07-09", "2026-07-10", audiovisual)
    desk.attend(gao, "2026-08-15")
    desk.sanction(gao, "2026-08-15", "grave", "须知 四.2", severity="minor")

    september = desk.sitting("2026-09-19", planned_on="2026-08-03", levels=(4,))
    august_applicants = [
        (Person("沈佳琪", "1996-04-02", "310104", 612), "2026-08-10"),
        (Person("陆子豪", "1993-09-14", "310105", 623), "2026-08-12"),
        (Person("蔡雨欣", "1998-01-27", "310106", 634), "2026-08-17"),
        (Person("潘志远", "1991-06-30", "310107", 645), "2026-08-19"),
    ]
    handful = []
    for person, applied in august_applicants:
        case_id = desk.apply(person, 4, applied, since="2019-05-01")
        day = D(applied).day
        desk.approve_and_pay(case_id, f"2026-08-{day + 2:02d}", f"2026-08-{day + 3:02d}", september)
        handful.append(case_id)
    desk.cohort_rule("2026-09", on="2026-09-01")
    october = desk.sitting("2026-10-17", planned_on="2026-09-02", levels=(4,))
    for case_id, skills in zip(handful, (84, 77, 90, 71)):
        desk.seat(case_id, october, "2026-09-02")
        desk.sit(case_id, "2026-10-17", "2026-11-06", theory=75, skills=skills)
        desk.certify(case_id, "2026-11-13")


def migu(desk: Desk) -> None:
    """咪咕视讯: a pass (the one filed certificate prefix), a failed skills subject retaken at 290 yuan, an
    impersonation (grave, serious: five years and referral), a competition entrant who cannot retake, and a
    college's class of 30 applying in October as a group, so that November's cohort holds (seed 003 二(三):
    at least 30); they sat on 14 November and wait for their results."""
    audiovisual = desk.sitting("2026-03-14", planned_on="2026-01-12", levels=(3,), work_type="视听运营")
    june, july, august = (desk.sitting(d, planned_on="2026-04-01") for d in ("2026-06-13", "2026-07-04", "2026-08-08"))
    live = desk.sitting("2026-09-12", planned_on="2026-07-01", levels=(3,), work_type="直播运营")
    zheng = desk.apply(Person("郑凯", "1989-03-30", "310115", 457), 3, "2026-02-03", since="2014-01-01", work_type="视听运营")
    desk.approve_and_pay(zheng, "2026-02-05", "2026-02-06", audiovisual)
    desk.sit(zheng, "2026-03-14", "2026-04-03", theory=83, skills=79)
    desk.certify(zheng, "2026-04-24")

    xie = desk.apply(Person("谢婷婷", "1997-12-06", "310104", 288), 4, "2026-05-12", since="2020-07-01")
    desk.approve_and_pay(xie, "2026-05-14", "2026-05-15", june)
    desk.sit(xie, "2026-06-13", "2026-07-03", theory=80, skills=57)
    desk.retake(xie, "2026-07-06", "2026-07-07", august)
    desk.sit(xie, "2026-08-08", "2026-08-28", skills=83)
    desk.certify(xie, "2026-09-18")

    feng = desk.apply(Person("冯磊", "1986-08-22", "310107", 319), 3, "2026-08-04", since="2012-10-01", work_type="直播运营")
    desk.approve_and_pay(feng, "2026-08-06", "2026-08-07", live)
    desk.attend(feng, "2026-09-12")
    desk.sanction(feng, "2026-09-12", "grave", "须知 四.4", severity="serious")

    han = desk.apply(Person("韩雪", "1999-04-15", "310106", 172), 4, "2026-06-01", since="2019-09-01", channel="competition")
    desk.approve_and_pay(han, "2026-06-03", "2026-06-04", july)
    desk.sit(han, "2026-07-04", "2026-07-24", theory=66, skills=49)

    november = desk.sitting("2026-11-14", planned_on="2026-09-01", levels=(4,))
    college = "上海东海职业技术学院"
    graduating = {"kind": "higher_vocational", "major": "网络与新媒体", "status": "graduating", "completed_on": "2027-06-30"}
    students = [desk.apply(p, 4, "2026-10-12", channel="group", institution=college, education=graduating) for p in _graduating_class()]
    for case_id in students:
        desk.approve_and_pay(case_id, "2026-10-14", "2026-10-15", november)
    desk.cohort_rule("2026-11", on="2026-11-02")
    for case_id in students:
        desk.attend(case_id, "2026-11-14")


def _graduating_class() -> list[Person]:
    """Thirty students of one class, born 2005, registered in Yangpu (310110)."""
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
    given = ["子轩", "欣怡", "浩宇", "梓涵", "宇航", "诗琪", "俊杰", "雨萱", "明轩", "佳怡", "博文", "思彤", "天佑", "可馨", "志强",
             "婉清", "嘉豪", "心怡", "晨阳", "语嫣", "家乐", "梦瑶", "宏伟", "静怡", "文博", "雅婷", "建华", "晓雯", "立新", "慧敏"]  # fmt: skip
    return [
        Person(s + g, f"2005-{1 + i % 12:02d}-{10 + i % 18:02d}", "310110", 701 + i)
        for i, (s, g) in enumerate(zip(surnames, given))
    ]


def jsxh(desk: Desk) -> None:
    """上海市技师协会 (fixed windows, electronic certificates): a training school's group in the April window, one
    member retaking theory in November at 175 yuan; forged materials found after certification; an August window
    too thin to open, folded into November with the notice date; a paper certificate by courier; a November
    candidate qualified and waiting for the certificate."""
    april = desk.sitting("2026-04-25", "2026-04-26", planned_on="2026-02-23")
    school = "上海浦江人力资源培训学校"
    group = [
        Person("曹宇", "1990-06-21", "310115", 511),
        Person("邓佳怡", "1993-02-14", "310104", 522),
        Person("彭志刚", "1982-11-30", "310109", 533),
        Person("蒋欣怡", "1996-08-08", "310113", 544),
    ]
    members = [desk.apply(p, 4, "2026-03-02", since="2019-03-01", channel="group", institution=school) for p in group]
    for case_id in members:
        desk.approve_and_pay(case_id, "2026-03-10", "2026-03-24", april)
    luo = desk.apply(Person("罗晓东", "1984-05-05", "310112", 567), 3, "2026-03-05", since="2013-04-01")
    desk.approve_and_pay(luo, "2026-03-12", "2026-03-25", april)
    desk.fold("April", on="2026-03-30", minimum=JSXH_OPENING_MINIMUM)
    for case_id, theory in zip(members, (82, 75, 68, 55)):
        desk.sit(case_id, "2026-04-25", "2026-05-22", theory=theory, skills=79)
    for case_id in members[:3]:
        desk.certify(case_id, "2026-06-12")
    desk.sit(luo, "2026-04-25", "2026-05-22", theory=77, skills=81)
    desk.certify(luo, "2026-06-12")

    trainers: dict = {"occupation": "职业培训师", "levels": (3,)}
    august = desk.sitting("2026-08-22", "2026-08-23", planned_on="2026-06-29")
    august_trainers = desk.sitting("2026-08-22", "2026-08-23", planned_on="2026-06-29", **trainers)
    xu = desk.apply(Person("许文博", "1980-10-28", "310109", 555), 3, "2026-07-01", since="2008-09-01", occupation="职业培训师", paper=True)
    desk.approve_and_pay(xu, "2026-07-06", "2026-07-20", august_trainers)
    song = desk.apply(Person("宋佳琪", "1992-03-09", "310106", 588), 4, "2026-07-10", since="2018-06-01")
    desk.approve_and_pay(song, "2026-07-13", "2026-07-21", august)
    desk.fold("August", on="2026-07-27", minimum=JSXH_OPENING_MINIMUM)
    desk.sanction(luo, "2026-09-21", "materials", "须知 一")

    november = desk.sitting("2026-11-07", "2026-11-08", planned_on="2026-09-10")
    november_trainers = desk.sitting("2026-11-07", "2026-11-08", planned_on="2026-09-10", **trainers)
    tang = desk.apply(Person("唐磊", "1991-01-19", "310115", 579), 3, "2026-09-15", since="2014-02-01")
    desk.approve_and_pay(tang, "2026-09-22", "2026-10-09", november)
    desk.retake(members[3], "2026-09-15", "2026-10-09", november)
    desk.seat(song, november, "2026-10-13")
    desk.seat(xu, november_trainers, "2026-10-13")
    for case_id, scores in ((tang, {"theory": 74, "skills": 80}), (song, {"theory": 83, "skills": 77}),
                            (members[3], {"theory": 71}), (xu, {"theory": 86, "skills": 90})):  # fmt: skip
        desk.sit(case_id, "2026-11-07", "2026-11-20", **scores)
    desk.certify(members[3], "2026-11-21")
    desk.certify(xu, "2026-11-21")


SCENARIOS: dict[str, Callable[[Desk], None]] = {"wgsh": wgsh, "dsxh": dsxh, "dmtxh": dmtxh, "migu": migu, "jsxh": jsxh}
