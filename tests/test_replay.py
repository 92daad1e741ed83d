"""Replaying a case for compliance officers (DOMAIN §9): its timeline, its state as of any version or moment,
and what changed between two moments."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest

from cases.aggregates.case_clauses import INVALIDATED_CLAUSE, RETAKE_WAIVED
from cases.service.application import CasesApplication
from cases.errors import InvalidInput, NotFound
from cases.identity import mask_id_number
from cases.service.case_diff import diff
from cases.service.case_timeline import timeline
from cases.service.replay import CaseNotYetOpen, CaseState, NoSuchVersion, state_as_of, summarise
from tests.builders import apply, certify, new_id_number, paid, sat_with_scores

D = date.fromisoformat
FULL_ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9])")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def moment() -> datetime:
    """Now, strictly between the events recorded before and after it."""
    time.sleep(0.002)
    now = datetime.now(timezone.utc)
    time.sleep(0.002)
    return now


@dataclass
class Drive:
    """A case driven through the application, with what the application returned after every command."""

    app: CasesApplication
    case_id: UUID = field(init=False)
    id_number: str = field(default_factory=new_id_number)
    before: datetime = field(default_factory=moment)
    after: dict[int, CaseState] = field(default_factory=dict)  # the state right after the command that produced it
    between: list[tuple[datetime, int]] = field(default_factory=list)  # a moment after each command, and its version
    stages: list[str] = field(default_factory=list)

    def record(self) -> None:
        case = self.app.get_case(self.case_id)
        self.after[case.version] = summarise(case)
        self.stages.append(case.stage)
        self.between.append((moment(), case.version))

    def version_after(self, stage: str, occurrence: int = 1) -> int:
        return [v for v, s in self.after.items() if s.stage == stage][occurrence - 1]


def drive_realistic_case(app: CasesApplication) -> Drive:
    """A wgsh level-3 case: scheduled, paid, fails skills, lets one retake request lapse, fails the retake, passes
    the next, is certified, and is later sanctioned for forged materials (须知 一), which revokes the certificate."""
    d = Drive(app)
    d.case_id = apply(app, id_number=d.id_number, applied_on=D("2026-03-02"))
    d.record()
    app.review(d.case_id, decided_on=D("2026-03-02"), actor="registrar-1")
    d.record()
    sitting = app.scheduling.plan_sitting(
        body="wgsh", occupation="互联网营销师", work_type="视频创推员", levels=[3], dates=[D("2026-04-25")], venue="静安考点",
        capacity=30, planned_on=D("2026-03-03"), actor="scheduler-1",
    )  # fmt: skip
    app.scheduling.schedule_case(d.case_id, sitting, on=D("2026-03-04"), actor="scheduler-1")
    d.record()
    reference = f"bank transfer from {d.id_number}"  # payers do type their ID number into the reference
    app.pay_fee(d.case_id, amount=598, paid_on=D("2026-03-05"), actor="cashier-1", reference=reference)
    d.record()
    app.record_attendance(d.case_id, sat_on=D("2026-04-25"), attended=True, actor="examiner-1", sitting_id=str(sitting))
    d.record()
    for subject, score in (("theory", 80), ("skills", 50)):
        app.record_result(d.case_id, subject=subject, score=score, recorded_on=D("2026-05-08"), actor="examiner-1")
        d.record()
    app.request_retake(d.case_id, requested_on=D("2026-05-11"), actor="registrar-1")
    d.record()
    app.lapse(d.case_id, on=D("2026-05-15"), actor="registrar-1")
    d.record()
    for requested_on, paid_on, sat_on, score, recorded_on in (
        ("2026-05-18", "2026-05-19", "2026-06-27", 55, "2026-07-06"),
        ("2026-07-08", "2026-07-09", "2026-08-29", 75, "2026-09-07"),
    ):
        app.request_retake(d.case_id, requested_on=D(requested_on), actor="registrar-1")
        d.record()
        app.pay_fee(d.case_id, amount=498, paid_on=D(paid_on), actor="cashier-1")
        d.record()
        app.record_attendance(d.case_id, sat_on=D(sat_on), attended=True, actor="examiner-1")
        d.record()
        app.record_result(d.case_id, subject="skills", score=score, recorded_on=D(recorded_on), actor="examiner-2")
        d.record()
    app.issue_certificate(d.case_id, issued_on=D("2026-09-21"), actor="registrar-1")
    d.record()
    app.sanction(d.case_id, tier="materials", behaviour="须知 一", decided_on=D("2026-10-12"), actor="compliance-1")
    d.record()
    return d


@pytest.fixture
def driven(app: CasesApplication) -> Drive:
    return drive_realistic_case(app)


def test_the_realistic_case_runs_its_whole_course(driven):
    assert driven.stages == [
        "applied", "awaiting_payment", "awaiting_payment", "ready_to_sit", "awaiting_results", "awaiting_results",
        "retake_available", "awaiting_payment", "retake_available", "awaiting_payment", "ready_to_sit",
        "awaiting_results", "retake_available", "awaiting_payment", "ready_to_sit", "awaiting_results", "qualified",
        "certified", "disqualified",
    ]  # fmt: skip
    assert max(driven.after) == 22  # past the snapshot the store takes at version 20


# --- as of a version --------------------------------------------------------------------------------------


def test_the_state_at_every_commands_version_is_what_the_application_returned_then(driven):
    for version, returned in driven.after.items():
        assert state_as_of(driven.app, driven.case_id, version=version) == returned, version


def test_every_version_is_readable_including_those_inside_one_command(driven):
    states = [state_as_of(driven.app, driven.case_id, version=v) for v in range(1, 23)]

    assert [s.version for s in states] == list(range(1, 23))
    json.dumps([s.to_dict() for s in states])  # JSON-safe as returned
    sat = states[driven.version_after("awaiting_results") - 2]  # Sat, before the window it opens
    assert (sat.stage, sat.window, sat.scheduled) == ("awaiting_results", None, None)
    passed = states[driven.version_after("qualified") - 2]  # the last subject passed, before Qualified
    assert (passed.stage, passed.standing, passed.qualified_on) == ("awaiting_results", {"theory": "passed", "skills": "passed"}, None)
    sanctioned = states[21 - 1]  # Sanctioned, before the certificate's revocation
    assert (sanctioned.stage, sanctioned.certificate["status"]) == ("disqualified", "valid")


def test_the_state_names_the_clause_fees_plan_window_and_standing(driven):
    first_results = state_as_of(driven.app, driven.case_id, version=driven.version_after("retake_available"))
    assert first_results.decision == {"approved": True, "clause": "L3(1)", "citation": "seed 000/001/004 附件1 3.(1)", "decided_on": "2026-03-02"}
    assert first_results.standing == {"theory": "passed", "skills": "failed"}
    assert first_results.window == {"opened_on": "2026-04-25", "last_day": "2028-04-24"}
    assert (first_results.fees_paid, first_results.plan["plan_month"]) == (598, "2026-04")
    retake_owed = state_as_of(driven.app, driven.case_id, version=driven.version_after("awaiting_payment", 3))  # the first retake request
    assert retake_owed.fee_due == {"kind": "retake", "total": 498, "clause": "seed 000 二(四)2 注: 补考按照科目收费",
                                   "opens_on": None, "due_on": "2026-05-14", "due_on_provisional": False}  # fmt: skip
    scheduled = state_as_of(driven.app, driven.case_id, version=3)
    assert scheduled.scheduled["venue"] == "静安考点"
    final = state_as_of(driven.app, driven.case_id, version=22)
    assert (final.fees_paid, final.certificate["status"], final.sanctions[0]["behaviour_clause"]) == (1594, "revoked", "须知 一")
    assert {a["outcome"] for a in final.attempts} == {"cancelled"}


def test_a_version_beyond_the_current_one_is_a_named_error(driven):
    with pytest.raises(NoSuchVersion) as caught:
        state_as_of(driven.app, driven.case_id, version=23)
    assert (caught.value.code, caught.value.field, caught.value.details["current_version"]) == ("no_such_version", "version", 22)
    with pytest.raises(InvalidInput):
        state_as_of(driven.app, driven.case_id, version=0)


def test_exactly_one_of_a_version_or_a_zone_aware_moment_is_asked_for(driven):
    for asked in ({}, {"version": 2, "at": moment()}, {"at": datetime(2026, 5, 1, 9, 0)}):
        with pytest.raises(InvalidInput):
            state_as_of(driven.app, driven.case_id, **asked)


def test_an_unknown_case_is_not_found(app):
    with pytest.raises(NotFound) as caught:
        state_as_of(app, uuid4(), version=1)
    assert caught.value.code == "not_found"


# --- as of a moment ---------------------------------------------------------------------------------------


def test_the_state_at_a_moment_between_commands_is_the_state_after_the_command_before_it(driven):
    for at, version in driven.between:
        assert state_as_of(driven.app, driven.case_id, at=at) == driven.after[version], version
        assert state_as_of(driven.app, driven.case_id, at=at.astimezone(SHANGHAI)) == driven.after[version]  # same instant


def test_the_state_at_an_events_recorded_moment_includes_that_event(driven):
    entries = timeline(driven.app, driven.case_id)
    for entry in entries:
        state = state_as_of(driven.app, driven.case_id, at=datetime.fromisoformat(entry.recorded_at))
        assert state.version == max(e.version for e in entries if e.recorded_at == entry.recorded_at)


def test_a_moment_before_the_case_existed_is_a_named_error(driven):
    with pytest.raises(CaseNotYetOpen) as caught:
        state_as_of(driven.app, driven.case_id, at=driven.before)
    assert (caught.value.code, caught.value.field) == ("case_not_yet_open", "at")
    assert isinstance(caught.value, NotFound)


# --- between two moments ----------------------------------------------------------------------------------


def test_the_diff_between_consecutive_commands_lists_exactly_the_fields_that_changed(driven):
    versions = list(driven.after)
    for old, new in zip(versions, versions[1:]):
        found = diff(driven.app, driven.case_id, from_version=old, to_version=new)
        before, after = driven.after[old].to_dict(), driven.after[new].to_dict()
        changed = {k for k in before if before[k] != after[k]} - {"version", "as_of"}
        assert {c.field.split(".")[0] for c in found.changes} == changed, (old, new)
        assert [e.version for e in found.events] == list(range(old + 1, new + 1))


def test_the_diff_across_a_lapsed_retake_request_shows_the_payment_and_every_event_between(driven):
    failed, retake_paid = driven.version_after("retake_available"), driven.version_after("ready_to_sit", 2)

    found = diff(driven.app, driven.case_id, from_version=failed, to_version=retake_paid)

    assert [(c.field, c.old, c.new) for c in found.changes if c.field != "payments"] == [
        ("stage", "retake_available", "ready_to_sit"), ("fees_paid", 598, 1096),
    ]  # fmt: skip
    assert [c.field for c in found.changes] == ["stage", "payments", "fees_paid"]
    assert [e.event for e in found.events] == ["RetakeRequested", "Lapsed", "RetakeRequested", "FeePaid"]


def test_the_diff_from_a_moment_to_a_version_shows_the_sanction_revoking_the_certificate(driven):
    certified_at = next(at for at, v in driven.between if driven.after[v].stage == "certified")

    found = diff(driven.app, driven.case_id, from_at=certified_at, to_version=22)

    changes = {c.field: (c.old, c.new) for c in found.changes}
    assert set(changes) == {"stage", "qualified_on", "attempts", "standing.theory", "standing.skills", "certificate.status",
                            "certificate.revoked", "sanctions", "ended_on"}  # fmt: skip
    assert changes["stage"] == ("certified", "disqualified")
    assert changes["certificate.status"] == ("valid", "revoked")
    assert changes["standing.skills"] == ("passed", "cancelled")
    assert (found.from_version, found.to_version) == (20, 22)
    assert [e.event for e in found.events] == ["Sanctioned", "CertRevoked"]


def test_the_diff_of_a_moment_with_itself_is_empty_and_backwards_is_refused(driven):
    same = diff(driven.app, driven.case_id, from_version=7, to_version=7)
    assert (same.changes, same.events) == ([], [])
    with pytest.raises(InvalidInput) as caught:
        diff(driven.app, driven.case_id, from_version=8, to_version=7)
    assert caught.value.field == "to"
    with pytest.raises(CaseNotYetOpen):
        diff(driven.app, driven.case_id, from_at=driven.before, to_version=3)


# --- the timeline -----------------------------------------------------------------------------------------


def test_the_timeline_lists_every_event_with_when_who_and_the_clause_where_one_applies(driven):
    entries = timeline(driven.app, driven.case_id)
    stored = list(driven.app.events.get(driven.case_id))

    assert [(e.version, e.event) for e in entries] == [(s.originator_version, type(s).__name__) for s in stored]
    assert all(e.actor and e.recorded_at and e.business_date and e.summary for e in entries)
    assert all(e.clause for e, s in zip(entries, stored) if hasattr(s, "clause"))
    named = {e.event: e for e in entries}
    assert named["Approved"].clause == "L3(1) (seed 000/001/004 附件1 3.(1))"
    assert named["Approved"].values["fee"]["total"] == 598
    assert [(e.values["amount"], e.business_date) for e in entries if e.event == "FeePaid"] == [
        (598, "2026-03-05"), (498, "2026-05-19"), (498, "2026-07-09")
    ]  # fmt: skip
    assert named["RetakeRequested"].clause == "seed 000 二(四)2 注: 补考按照科目收费"
    assert named["Sanctioned"].clause.startswith("须知 一: 取消其考试资格及考试成绩")
    assert (named["Sanctioned"].actor, named["Sanctioned"].values["behaviour_clause"]) == ("compliance-1", "须知 一")
    assert named["CertRevoked"].clause == INVALIDATED_CLAUSE
    assert named["Lapsed"].summary == "fee due by 2026-05-14 unpaid: the retake request lapsed"
    assert [e.summary for e in entries if e.event == "SubjectFailed"][1] == "skills failed: 55 (pass mark 60), sat 2026-06-27"


def test_the_timeline_names_the_retake_waived_clause(app):
    id_number = new_id_number()
    old = paid(app, id_number=id_number, applied_on=D("2026-03-02"))
    sat_with_scores(app, old, D("2026-04-25"), {"theory": 80, "skills": 50}, D("2026-05-08"))
    new = apply(app, id_number=id_number, applied_on=D("2026-06-01"))

    waived = timeline(app, old)[-1]

    assert (waived.event, waived.clause, waived.business_date) == ("RetakeWaived", f"seed 000 {RETAKE_WAIVED}", "2026-06-01")
    assert waived.values == {"new_case_id": str(new), "discarded_subjects": ["theory"]}


def test_the_timeline_never_shows_a_full_id_number(driven):
    shown = json.dumps([e.to_dict() for e in timeline(driven.app, driven.case_id)], ensure_ascii=False)
    states = json.dumps([state_as_of(driven.app, driven.case_id, version=v).to_dict() for v in range(1, 23)], ensure_ascii=False)

    assert FULL_ID_NUMBER.search(shown) is None and driven.id_number not in shown
    assert f"bank transfer from {mask_id_number(driven.id_number)}" in shown  # kept, masked
    assert FULL_ID_NUMBER.search(states) is None and driven.id_number not in states


def test_a_certificate_number_is_shown_in_full_though_it_holds_an_id_shaped_run(app):
    case_id = paid(app, body="migu", applied_on=D("2026-03-02"))
    number = certify(app, case_id, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"))
    assert number.startswith("S000031400071")  # 21 digits in a row, which is no ID number

    issued = timeline(app, case_id)[-1]
    assert (issued.event, issued.values["number"]) == ("CertIssued", number)
    assert issued.summary.startswith(f"certificate {number} issued")
    assert state_as_of(app, case_id, version=app.get_case(case_id).version).certificate["number"] == number
