"""The collection date (seeds 000/001 五: individuals collect 在证书可查询当日起20个工作日后) recorded on CertIssued stays
on the case's certificate, also through a snapshot, so the case view, the register and the public check can show it
(issue 12 point 12, the data part), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from cases.service.application import CasesApplication
from tests.builders import certify, events_named, paid

D = date.fromisoformat


@pytest.mark.parametrize("body", ["wgsh", "dsxh"])
def test_an_individuals_collection_date_is_kept_on_the_cases_certificate_also_after_a_snapshot(app, body):
    case_id = paid(app, body=body, level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-03"))
    certify(app, case_id, sat_on=D("2026-04-18"), recorded_on=D("2026-05-08"), issued_on=D("2026-05-20"))

    (issued,) = events_named(app, case_id, "CertIssued")
    assert issued.collectable_from["due"] == "2026-06-17"  # 20 working days after 20 May (Dragon Boat Festival 19 June later)
    assert app.get_case(case_id).certificate["collectable_from"] == issued.collectable_from

    app.take_snapshot(case_id)
    reopened = CasesApplication(app.settings, rulebook=app.rulebook, calendar=app.calendar)
    try:
        assert reopened.get_case(case_id).certificate["collectable_from"] == issued.collectable_from
    finally:
        reopened.close()


def test_a_group_or_electronic_certificate_has_no_collection_date_on_the_case(app):
    group = paid(app, body="wgsh", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-03"), channel="group",
                 institution="上海市工业技术学校")  # fmt: skip
    electronic = paid(app, body="jsxh", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-10"))
    certify(app, group, sat_on=D("2026-04-18"), recorded_on=D("2026-05-08"))
    certify(app, electronic, sat_on=D("2026-04-25"), recorded_on=D("2026-05-22"))

    assert app.get_case(group).certificate["collectable_from"] is None
    assert app.get_case(electronic).certificate["collectable_from"] is None
