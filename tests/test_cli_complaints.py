"""`cases complaints list | show`, run on a store (SQLite and PostgreSQL) holding three complaints about wgsh: one
breached before acceptance, one upheld with a post-hoc sanction of a certified case, one escalated to the
municipal center; and one about dsxh. The complainant's contact never appears in full."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from uuid import UUID

import pytest

from cases.service.application import CasesApplication
from cases.settings import Settings
from tests.builders import certify, paid
from tests.test_cli import cli_env, invoke

D = date.fromisoformat
SHANGHAI = timezone(timedelta(hours=8))
MOBILE = "13912345678"
LANDLINE = "021-62715879"
SUPERVISOR = "supervisor:wgsh:王五"


@pytest.fixture
def stored(store: Settings) -> dict[str, str]:
    cases = CasesApplication(store)
    try:
        def received(body: str = "wgsh", **changes) -> UUID:
            return cases.complaints.receive(**{
                "channel": "body_line", "received_at": datetime(2026, 6, 5, 10, 15, tzinfo=SHANGHAI), "body": body,
                "category": "results_late", "words": f"成绩未公布，请回电 {MOBILE}", "complainant_name": "李四",
                "complainant_contact": MOBILE, "actor": SUPERVISOR, **changes,
            })  # fmt: skip

        late = received()  # accept or decline by 10 June
        case_id = paid(cases, body="wgsh")
        certify(cases, case_id, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))
        upheld = received(category="candidate_misconduct", case_ids=[case_id], complainant_contact=LANDLINE, words=f"替考，电话 {LANDLINE}")
        cases.complaints.accept(upheld, on=D("2026-06-08"), actor=SUPERVISOR)
        cases.complaints.assign(upheld, handler="王五", on=D("2026-06-08"), actor=SUPERVISOR)
        sanction = {"case_id": case_id, "tier": "grave", "behaviour": "须知 四.4", "severity": "serious"}
        cases.complaints.resolve(upheld, outcome="upheld", findings="属实", recorded_by="王五", on=D("2026-06-09"), actor=SUPERVISOR, sanction=sanction)
        escalated = received(anonymous=True, complainant_name=None, complainant_contact=None, category="fees")
        cases.complaints.escalate(escalated, why="choice", on=D("2026-06-08"), actor=SUPERVISOR)
        theirs = received(body="dsxh", received_at=datetime(2026, 6, 5, 9, 45, tzinfo=SHANGHAI))
    finally:
        cases.close()
    return {"late": str(late), "upheld": str(upheld), "escalated": str(escalated), "theirs": str(theirs), "case_id": str(case_id)}


@pytest.fixture
def env(store: Settings) -> dict[str, str]:
    return cli_env(store)


def no_contact_in(output: str) -> None:
    assert MOBILE not in output and LANDLINE not in output and "62715879" not in output
    assert not re.search(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])", output)


def test_list_prints_the_queue_soonest_due_first_with_the_standing_on_the_day(stored, env):
    result = invoke(["complaints", "list", "--on", "2026-06-11"], env)

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "complaints on 2026-06-11: 4 shown" in out
    lines = [line for line in out.splitlines() if any(stored[k][:8] in line for k in ("late", "upheld", "escalated", "theirs"))]
    order = [next(k for k in ("late", "upheld", "escalated", "theirs") if stored[k][:8] in line) for line in lines]
    assert order == ["theirs", "late", "escalated", "upheld"]  # due 10, 10, 11 June; the resolved one has no clock
    late = lines[order.index("late")]
    assert "已超期（超 1 个工作日）" in late and "已登记" in late and "成绩延迟" in late and "李四 139****5678" in late
    assert "今日到期" in lines[order.index("escalated")] and "市中心" in lines[order.index("escalated")] and "匿名" in lines[order.index("escalated")]
    assert "已办结：投诉成立" in lines[order.index("upheld")] and "021****5879" in lines[order.index("upheld")]
    no_contact_in(out)


def test_list_filters_by_body_state_category_level_and_breach(stored, env):
    def listed(*options: str) -> list[str]:
        result = invoke(["complaints", "list", "--on", "2026-06-11", "--json", *options], env)
        assert result.exit_code == 0, result.output
        return [row["complaint_id"] for row in json.loads(result.stdout)]

    assert listed("--body", "wgsh", "--breached") == [stored["late"]]
    assert listed("--not-breached", "--body", "wgsh") == [stored["escalated"], stored["upheld"]]
    assert listed("--state", "resolved") == [stored["upheld"]]
    assert listed("--category", "fees") == [stored["escalated"]]
    assert listed("--level", "municipal") == [stored["escalated"]]
    assert listed("--handler", "王五") == [stored["upheld"]]
    assert listed("--state", "open", "--limit", "1", "--offset", "1") == [stored["late"]]
    refused = invoke(["complaints", "list", "--state", "pending"], env)
    assert refused.exit_code == 2 and "[invalid_input] state:" in refused.stderr


def test_show_prints_the_complaint_and_its_timeline_naming_the_case_events_it_caused(stored, env):
    result = invoke(["complaints", "show", stored["upheld"][:8], "--on", "2026-06-11"], env)

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(f"complaint {stored['upheld']}")
    assert "已办结：投诉成立" in out and "承办人 王五" in out and "李四 021****5879" in out and f"cases: {stored['case_id']}" in out
    for name in ("Received", "Accepted", "Assigned", "Resolved"):
        assert name in out
    assert "DOMAIN §10 Receiving" in out and f"引起 caused: Sanctioned (version 10) on case {stored['case_id']}" in out
    no_contact_in(out)


def test_show_json_masks_the_contact_in_the_words_and_says_where_the_clock_stands(stored, env):
    result = invoke(["complaints", "show", stored["late"], "--on", "2026-06-11", "--json"], env)

    assert result.exit_code == 0, result.output
    view = json.loads(result.stdout)
    assert view["standing"] == {"clock": "acceptance", "due": "2026-06-10", "state": "breached", "working_days_late": 1}
    received = view["timeline"][0]
    assert received["values"]["complainant"]["contact"] == "139****5678" and received["values"]["words"].endswith("139****5678")
    no_contact_in(result.stdout)


def test_a_case_timeline_names_the_complaint_its_post_hoc_sanction_came_from(stored, env):
    result = invoke(["case", "timeline", stored["case_id"], "--json"], env)

    assert result.exit_code == 0, result.output
    (sanctioned,) = [e for e in json.loads(result.stdout) if e["event"] == "Sanctioned"]
    assert sanctioned["summary"].endswith(f"on complaint {stored['upheld']}")
    assert sanctioned["values"]["source"] == {"complaint_id": stored["upheld"]}


def test_show_refuses_an_unknown_complaint_or_a_case_id(stored, env):
    for given in ("00000000", stored["case_id"]):
        result = invoke(["complaints", "show", given], env)
        assert result.exit_code == 2 and "[not_found] complaint_id:" in result.stderr, result.output
