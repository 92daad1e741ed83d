"""The hotline's use cases (DOMAIN §10) through the application: the dates each clock records, recusal,
escalation, callbacks, and the upheld complaint whose post-hoc sanction is one write with its result."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from uuid import UUID

import pytest

from cases.errors import Conflict, StaleVersion
from cases.aggregates.complaint import AlreadyEscalated, AlreadyExtended, NoCallbackForAnonymous, NotBreached, Recused
from cases.service.application import CasesApplication
from cases.service.complaints import AlreadySanctioned, CaseNotLinked
from cases.projections.engine.service import Projections
from cases.projections.registry import all_projections
from cases.projections.engine.store import ReadModelStore
from cases.rulebook.loader import load_rulebook
from tests.builders import certify, event_count, event_names, events_named, paid, refused

SH = timezone(timedelta(hours=8))
D = date.fromisoformat


def call(app: CasesApplication, when: str = "2026-06-03 10:00", **details) -> object:
    form = {
        "channel": "municipal_line", "received_at": datetime.fromisoformat(when).replace(tzinfo=SH), "body": "dmtxh",
        "category": "candidate_misconduct", "words": "有人替考。", "actor": "supervisor:all:陈主任",
        "complainant_name": "李四", "complainant_contact": "13912345678", "staff_named": ["张三"],
    }  # fmt: skip
    return app.complaints.receive(**{**form, **details})


@pytest.fixture
def certified(app: CasesApplication):
    case_id = paid(app, body="dmtxh", level=3, applied_on=D("2026-03-02"))
    number = certify(app, case_id, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))
    return case_id, number


def test_each_clock_records_its_dates_on_the_event_that_starts_it(app):
    complaint_id = call(app, "2026-06-03 16:31")
    app.complaints.accept(complaint_id, on=D("2026-06-05"), actor="s")
    [received] = events_named(app, complaint_id, "Received")
    [accepted] = events_named(app, complaint_id, "Accepted")
    assert (received.counts_from, received.acceptance_due["due"]) == (D("2026-06-04"), "2026-06-09")
    assert accepted.result_due["due"] == "2026-06-16"  # 8-12, 15, 16 June


def test_replay_keeps_the_dates_decided_even_after_the_terms_change(store, rulebook, calendar, tmp_path):
    first = CasesApplication(store, rulebook=rulebook, calendar=calendar)
    complaint_id = call(first, "2026-06-03 10:00")
    first.close()
    operator = tmp_path / "operator.toml"
    operator.write_text((Path(__file__).parents[1] / "src/cases/rulebook/data/operator.toml").read_text().replace(
        "accept_working_days = 3", "accept_working_days = 9"))
    changed = load_rulebook(operator_file=operator)
    assert changed.complaint_terms.accept_working_days == 9
    later = CasesApplication(store, rulebook=changed, calendar=calendar)
    try:
        assert later.complaints.get(complaint_id).due["acceptance"]["due"] == "2026-06-08"
        assert call(later, "2026-06-03 10:00") and later.complaints.get(call(later)).due["acceptance"]["due"] == "2026-06-16"
    finally:
        later.close()


def test_a_named_staff_member_can_neither_be_assigned_nor_record_the_result(app):
    complaint_id = call(app)
    refusal = refused(app, Recused, lambda: app.complaints.assign(complaint_id, handler="张三", on=D("2026-06-04"), actor="s"))
    assert (refusal.field, refusal.clause) == ("handler", "DOMAIN §10 Recusal")
    app.complaints.accept(complaint_id, on=D("2026-06-04"), actor="s")
    refused(app, Recused, lambda: app.complaints.resolve(complaint_id, outcome="not_upheld", findings="…", recorded_by="张三", on=D("2026-06-05"), actor="s"))
    assert app.complaints.get(complaint_id).stage == "accepted"


def test_one_extension_per_level_and_escalation_on_a_breach_only_after_the_due_date(app):
    complaint_id = call(app, channel="body_line")
    assert app.complaints.get(complaint_id).level == "body"
    refused(app, NotBreached, lambda: app.complaints.escalate(complaint_id, why="breach", on=D("2026-06-08"), actor="s"))
    app.complaints.escalate(complaint_id, why="breach", on=D("2026-06-09"), actor="s")  # acceptance was due 8 June
    complaint = app.complaints.get(complaint_id)
    assert (complaint.level, complaint.stage, complaint.due["acceptance"]["due"]) == ("municipal", "received", "2026-06-12")
    refused(app, AlreadyEscalated, lambda: app.complaints.escalate(complaint_id, why="choice", on=D("2026-06-10"), actor="s"))
    app.complaints.accept(complaint_id, on=D("2026-06-10"), actor="s")
    app.complaints.extend(complaint_id, working_days=5, reason="需调取监控", notice_recorded_on=D("2026-06-10"), on=D("2026-06-10"), actor="s")
    assert app.complaints.get(complaint_id).due["result"]["due"] == "2026-06-29"  # due 22 June (19th: 端午), +5: 23-26, 29
    refused(app, AlreadyExtended, lambda: app.complaints.extend(
        complaint_id, working_days=1, reason="再延", notice_recorded_on=D("2026-06-11"), on=D("2026-06-11"), actor="s"))


def test_dissatisfied_with_a_bodys_result_reopens_it_at_the_municipal_center_whose_result_stands(app):
    complaint_id = call(app, channel="body_line")
    app.complaints.accept(complaint_id, on=D("2026-06-04"), actor="s")
    app.complaints.resolve(complaint_id, outcome="not_upheld", findings="未发现替考", recorded_by="王五", on=D("2026-06-10"), actor="s")
    assert app.complaints.record_callback(complaint_id, satisfied=False, on=D("2026-06-11"), actor="s") == "received"
    complaint = app.complaints.get(complaint_id)
    assert (complaint.level, [e["why"] for e in complaint.escalations]) == ("municipal", ["dissatisfaction"])
    assert event_names(app, complaint_id)[-3:] == ["CallbackRecorded", "Reopened", "Escalated"]
    app.complaints.accept(complaint_id, on=D("2026-06-12"), actor="m")
    app.complaints.resolve(complaint_id, outcome="not_upheld", findings="复核维持", recorded_by="赵六", on=D("2026-06-15"), actor="m")
    assert app.complaints.record_callback(complaint_id, satisfied=False, on=D("2026-06-16"), actor="m") == "resolved"
    app.complaints.close(complaint_id, on=D("2026-06-16"), actor="m")
    assert app.complaints.get(complaint_id).stage == "closed"


def test_an_anonymous_complaint_has_no_callback_and_keeps_no_contact(app):
    complaint_id = call(app, anonymous=True, complainant_name=None, complainant_contact=None)
    assert app.complaints.get(complaint_id).complainant == {"name": None, "contact": None, "anonymous": True}
    app.complaints.decline(complaint_id, on=D("2026-06-04"), reason="无具体事实", actor="s")
    refused(app, NoCallbackForAnonymous, lambda: app.complaints.record_callback(complaint_id, satisfied=True, on=D("2026-06-05"), actor="s"))


def test_an_upheld_complaint_sanctions_the_linked_case_in_the_same_write_and_the_register_shows_the_revocation(app, store, certified):
    case_id, number = certified
    complaint_id = call(app, case_ids=[case_id])
    app.complaints.accept(complaint_id, on=D("2026-06-04"), actor="s")
    before = event_count(app)
    answer = app.complaints.resolve(
        complaint_id, outcome="upheld", findings="替考属实", recorded_by="王五", on=D("2026-06-10"), actor="supervisor:all:王五",
        sanction={"case_id": case_id, "tier": "grave", "behaviour": "须知 四.1", "severity": "serious"},
    )  # fmt: skip
    assert event_count(app) == before + 5  # Sanctioned, CertRevoked; Banned, CertificateWithdrawn; Resolved
    [sanctioned] = events_named(app, case_id, "Sanctioned")
    assert sanctioned.source == {"complaint_id": str(complaint_id)}
    candidate = app.get_candidate(app.get_case(case_id).candidate_id)
    assert answer["caused"] == [
        {"case_id": str(case_id), "version": sanctioned.originator_version, "event": "Sanctioned"},
        {"case_id": str(case_id), "version": sanctioned.originator_version + 1, "event": "CertRevoked"},
        {"candidate_id": str(candidate.id), "version": candidate.version - 1, "event": "Banned"},
        {"candidate_id": str(candidate.id), "version": candidate.version, "event": "CertificateWithdrawn"},
    ]
    [resolved] = events_named(app, complaint_id, "Resolved")
    assert resolved.caused == answer["caused"]
    read_models = ReadModelStore.from_settings(store)
    try:
        projections = Projections(app, read_models, all_projections())
        projections.catch_up()
        from tests.test_projection_machinery import rows_of

        [row] = [r for r in rows_of(read_models, projections, "certificates", "certificates") if r["number"] == number]
        assert row["status"] == "revoked"
    finally:
        read_models.dispose()


@pytest.mark.parametrize("why", ["not_linked", "already_sanctioned", "wrong_tier"])
def test_a_refused_sanction_leaves_the_complaint_unresolved_and_the_case_untouched(app, certified, why):
    case_id, _ = certified
    complaint_id = call(app, case_ids=[] if why == "not_linked" else [case_id])
    app.complaints.accept(complaint_id, on=D("2026-06-04"), actor="s")
    if why == "already_sanctioned":  # as grave as the one the complaint asks for
        app.sanction(case_id, tier="grave", behaviour="须知 四.1", severity="minor", decided_on=D("2026-06-05"), actor="s")
    case_version, count = app.get_case(case_id).version, event_count(app)
    sanction = {"case_id": case_id, "tier": "no-such-tier" if why == "wrong_tier" else "grave", "behaviour": "须知 四.1", "severity": "serious"}
    error = {"not_linked": CaseNotLinked, "already_sanctioned": AlreadySanctioned, "wrong_tier": Exception}[why]
    with pytest.raises(error):
        app.complaints.resolve(complaint_id, outcome="upheld", findings="属实", recorded_by="王五", on=D("2026-06-10"), actor="s", sanction=sanction)
    assert event_count(app) == count
    assert app.get_case(case_id).version == case_version
    assert app.complaints.get(complaint_id).stage == "accepted"


def test_the_operator_file_must_hold_sane_terms(tmp_path):
    from cases.rulebook.loader import RuleBookError

    operator = tmp_path / "operator.toml"
    operator.write_text((Path(__file__).parents[1] / "src/cases/rulebook/data/operator.toml").read_text().replace(
        "result_working_days = 7", "result_working_days = 0"))
    with pytest.raises(RuleBookError) as failed:
        load_rulebook(operator_file=operator)
    assert "complaints" in str(failed.value)


def test_a_complaint_is_not_a_case(app):
    from cases.errors import NotFound

    complaint_id = call(app)
    with pytest.raises(NotFound):
        app.get_case(complaint_id)


def test_the_demo_takes_complaints_through_every_path_and_logs_no_full_number(tmp_path, rulebook, calendar):
    import io
    import re

    from cases.demo import run_demo
    from cases.observability import configure_logging
    from cases.settings import Settings

    log = io.StringIO()
    configure_logging(json=True, stream=log)
    app = CasesApplication(Settings(data_dir=tmp_path, id_hash_key="k"), rulebook=rulebook, calendar=calendar)
    try:
        record = run_demo(app)
        complaints = [app.complaints.get(c.complaint_id) for c in record.complaints]
        by_outcome = {c.outcome["outcome"] if c.outcome else None for c in complaints}
        assert {"declined", "upheld", "partly_upheld", "not_upheld", None} <= by_outcome
        assert {e["why"] for c in complaints for e in c.escalations} == {"breach", "dissatisfaction"}
        assert any(c.extended_at for c in complaints)
        assert any(cb["satisfied"] is False for c in complaints for cb in c.callbacks)
        [sanctioning] = [c for c in complaints if c.outcome and c.outcome["caused"]]
        case = app.get_case(UUID(sanctioning.outcome["caused"][0]["case_id"]))
        assert case.certificate["status"] == "revoked"
        assert [s.standing for s in record.complaints if s.stage == "received"] == ["已超期（超 2 个工作日）"]
    finally:
        app.close()
    written = log.getvalue()
    assert "complaint.resolved" in written
    assert not re.search(r"(?<![0-9a-f-])1[3-9]\d{9}(?![0-9a-f])", written), "a full mobile number reached the log"
    for c in complaints:
        if c.complainant["contact"]:
            assert c.complainant["contact"] not in written


def test_the_complainants_contact_is_encrypted_at_rest_with_the_other_payloads(store, rulebook, calendar):
    from eventsourcing.cipher import AESCipher

    from tests.test_persistence import stored_states

    settings = replace(store, cipher_key=AESCipher.create_key(32))
    app = CasesApplication(settings, rulebook=rulebook, calendar=calendar)
    try:
        complaint_id = call(app, complainant_contact="13912345678", complainant_name="欧阳娜娜")
        assert app.complaints.get(complaint_id).complainant["contact"] == "13912345678"
    finally:
        app.close()
    raw = stored_states(settings)
    assert raw and not any(b"13912345678" in state or "欧阳娜娜".encode() in state for state in raw)


def test_what_the_clock_and_the_levels_refuse(app):
    """Found in review: a closed complaint escalated, an extension after the due date moving a breach out of
    sight, a notice dated before the complaint, another body's case linked, a letter to the municipal center."""
    from cases.aggregates.complaint import DeadlinePassed, WrongComplaintStage
    from cases.errors import InvalidInput, OutOfOrder

    closed = call(app, channel="body_line")
    app.complaints.decline(closed, on=D("2026-06-04"), reason="无具体事实", actor="s")
    app.complaints.close(closed, on=D("2026-06-04"), actor="s")
    refused(app, WrongComplaintStage, lambda: app.complaints.escalate(closed, why="dissatisfaction", on=D("2026-06-05"), actor="s"))

    unheard = call(app, channel="body_line")
    refused(app, InvalidInput, lambda: app.complaints.escalate(unheard, why="dissatisfaction", on=D("2026-06-04"), actor="s"))

    late = call(app)
    app.complaints.accept(late, on=D("2026-06-04"), actor="s")  # result due 15 June
    refused(app, DeadlinePassed, lambda: app.complaints.extend(
        late, working_days=3, reason="迟", notice_recorded_on=D("2026-06-16"), on=D("2026-06-16"), actor="s"))
    refused(app, OutOfOrder, lambda: app.complaints.extend(
        late, working_days=3, reason="早", notice_recorded_on=D("2026-05-01"), on=D("2026-06-10"), actor="s"))

    other_body = paid(app, body="wgsh", level=3, applied_on=D("2026-03-02"))
    refusal = refused(app, InvalidInput, lambda: app.complaints.link_case(late, case_id=other_body, on=D("2026-06-05"), actor="s"))
    assert refusal.field == "case_id"

    letter = call(app, channel="letter", to_municipal_center=True)
    assert app.complaints.get(letter).level == "municipal"
    assert app.complaints.get(call(app, channel="letter")).level == "body"


def test_a_graver_finding_after_an_on_the_day_sanction_is_recorded_and_a_named_staff_member_takes_no_step(app, certified):
    case_id, _ = certified
    app.sanction(case_id, tier="subject", behaviour="须知 二.1", subject="theory", sitting_on=D("2026-04-25"), decided_on=D("2026-04-25"), actor="examiner")
    complaint_id = call(app, case_ids=[case_id])
    refused(app, Recused, lambda: app.complaints.accept(complaint_id, on=D("2026-06-04"), actor="supervisor:dmtxh:张三"))
    refused(app, Recused, lambda: app.complaints.decline(complaint_id, on=D("2026-06-04"), reason="无", actor="supervisor:dmtxh:张三"))
    app.complaints.accept(complaint_id, on=D("2026-06-04"), actor="supervisor:all:陈主任")
    refusal = refused(app, Exception, lambda: app.complaints.resolve(
        complaint_id, outcome="upheld", findings="替考", recorded_by="陈主任", on=D("2026-06-10"), actor="s",
        sanction={"case_id": case_id, "tier": "grave", "behaviour": "须知 九.9", "severity": "serious"}))
    assert getattr(refusal, "field", "").startswith("sanction."), refusal
    app.complaints.resolve(complaint_id, outcome="upheld", findings="替考", recorded_by="陈主任", on=D("2026-06-10"), actor="s",
                           sanction={"case_id": case_id, "tier": "grave", "behaviour": "须知 四.4", "severity": "serious"})
    assert [s["tier"] for s in app.get_case(case_id).sanctions] == ["subject", "grave"]


def test_a_command_given_the_complaint_already_read_starts_from_it_and_a_write_in_between_still_conflicts(app):
    complaint_id = call(app)
    read = app.complaints.get(complaint_id)
    app.complaints.assign(complaint_id, handler="王五", on=D("2026-06-04"), actor="supervisor:all:陈主任")  # by someone else

    assert refused(app, StaleVersion, lambda: app.complaints.accept(complaint_id, on=D("2026-06-04"), actor="s", expected_version=3, loaded=read))
    raced = refused(app, Conflict, lambda: app.complaints.accept(complaint_id, on=D("2026-06-04"), actor="s", loaded=read))
    assert raced.field == "complaint_id" and "this complaint" in str(raced)
    accepted = app.hotline.accept(complaint_id, on=D("2026-06-04"), actor="s", loaded=app.complaints.get(complaint_id))
    assert (accepted.version, accepted.stage) == (3, "accepted")
