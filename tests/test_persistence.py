"""The event store: two writers on one case, deterministic replay, encryption at rest, snapshots."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import threading
import time
import uuid
from dataclasses import replace
from datetime import date

import pytest

from cases.service.application import CasesApplication
from cases.cipher import WrongCipherKey
from eventsourcing.cipher import AESCipher
from eventsourcing.persistence import StoredEvent
from tests.builders import apply, approved, event_count, paid, sat_with_scores
from tests.support.racing import open_after_barrier, pay_after_barrier


def test_two_processes_paying_one_case_one_wins_and_the_other_gets_a_named_conflict(app, store):
    case_id = approved(app, applied_on=date(2026, 3, 2))
    before = event_count(app)
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [
        context.Process(target=pay_after_barrier, args=(store, str(case_id), 598, "2026-03-03", barrier, results))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    outcomes = sorted(results.get(timeout=5) for _ in workers)

    assert outcomes == ["accepted", "conflict"]
    assert event_count(app) == before + 1
    stored = [type(e).__name__ for e in app.events.get(case_id)]
    assert stored.count("FeePaid") == 1


def test_four_processes_starting_at_once_on_an_empty_store_all_open_it(store):
    """API and projection workers start together on one database: creating the event store's tables must not
    fail in any of them (PostgreSQL's CREATE OR REPLACE FUNCTION racing itself did, before a lock)."""
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(4), context.Queue()
    workers = [context.Process(target=open_after_barrier, args=(store, barrier, results)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [results.get(timeout=5) for _ in workers] == ["opened"] * 4


def test_a_stale_expected_version_is_refused_and_writes_nothing(app):
    case_id = approved(app, applied_on=date(2026, 3, 2))
    version = app.get_case(case_id).version
    before = event_count(app)
    with pytest.raises(Exception) as refused:
        app.pay_fee(case_id, amount=598, paid_on=date(2026, 3, 3), actor="r", expected_version=version - 1)
    assert refused.value.code == "stale_version"
    assert event_count(app) == before
    app.pay_fee(case_id, amount=598, paid_on=date(2026, 3, 3), actor="r", expected_version=version)


def replay_from_events(app: CasesApplication, case_id):
    """Rebuild an aggregate from its stored events alone (no snapshot, no rule book)."""
    aggregate = None
    for stored_event in app.events.get(case_id):
        aggregate = stored_event.mutate(aggregate)
    return aggregate


def comparable(aggregate) -> dict:
    return {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}


def test_replaying_every_stored_case_reproduces_the_state_the_application_returned(open_app):
    app = open_app()
    returned = {}
    failing = paid(app, body="wgsh", level=3, applied_on=date(2026, 3, 2))
    sat_with_scores(app, failing, date(2026, 4, 18), {"theory": 72, "skills": 41})
    app.request_retake(failing, requested_on=date(2026, 5, 6), actor="r")
    for body in ("dsxh", "migu"):
        case_id = paid(app, body=body, level=3, applied_on=date(2026, 5, 11))
        sat_with_scores(app, case_id, date(2026, 6, 20), {"theory": 88, "skills": 90})
        app.issue_certificate(case_id, issued_on=date(2026, 7, 20), actor="r")
        returned[case_id] = comparable(app.get_case(case_id))
    returned[failing] = comparable(app.get_case(failing))

    other_process = open_app()
    case_ids = {n.originator_id for n in other_process.recorder.select_notifications(start=1, limit=10_000)}
    replayed_cases = {i: replay_from_events(other_process, i) for i in case_ids}
    replayed_cases = {i: a for i, a in replayed_cases.items() if type(a).__name__ == "EvaluationCase"}

    assert set(replayed_cases) == set(returned)
    for case_id, state in returned.items():
        assert comparable(replayed_cases[case_id]) == state
        assert comparable(other_process.get_case(case_id)) == state


def test_long_histories_are_snapshotted_and_load_to_the_same_state(app):
    case_id = paid(app, body="wgsh", level=3, applied_on=date(2026, 3, 2))
    sat_with_scores(app, case_id, date(2026, 4, 18), {"theory": 30, "skills": 20})
    day = date(2026, 5, 6)
    for _ in range(6):  # a candidate who keeps failing and retaking within the window
        app.request_retake(case_id, requested_on=day, actor="r")
        case = app.get_case(case_id)
        app.pay_fee(case_id, amount=case.fee_due["total"], paid_on=day, actor="r")
        sat_with_scores(app, case_id, day, {"theory": 10, "skills": 10})
    case = app.get_case(case_id)
    assert case.version > 20
    snapshots = list(app.snapshots.get(case_id))
    assert snapshots, "a snapshot is taken every 20 events"
    assert comparable(replay_from_events(app, case_id)) == comparable(case)


def stored_states(settings) -> list[bytes]:
    """Every stored event's payload, read past the application, straight from the database."""
    if not settings.uses_postgres:
        return [bytes(row[0]) for row in sqlite3.connect(settings.data_dir / "events.sqlite").execute("SELECT state FROM stored_events")]
    import psycopg

    with psycopg.connect(settings.database_url) as connection:
        return [bytes(row[0]) for row in connection.execute(f"SELECT state FROM {settings.postgres_schema}.cases_events")]


def test_payloads_are_encrypted_at_rest_and_a_wrong_key_fails_clearly(store, rulebook, calendar):
    key = AESCipher.create_key(32)
    settings = replace(store, cipher_key=key)
    app = CasesApplication(settings, rulebook=rulebook, calendar=calendar)
    case_id = approved(app, name="欧阳娜娜", applied_on=date(2026, 3, 2))
    app.close()

    raw = stored_states(settings)
    assert raw and all("欧阳娜娜".encode() not in state for state in raw)

    reopened = CasesApplication(settings, rulebook=rulebook, calendar=calendar)
    assert reopened.get_case(case_id).holder_name == "欧阳娜娜"
    reopened.close()

    wrong = CasesApplication(replace(settings, cipher_key=AESCipher.create_key(32)), rulebook=rulebook, calendar=calendar)
    with pytest.raises(WrongCipherKey) as refused:
        wrong.get_case(case_id)
    assert refused.value.field == "CASES_CIPHER_KEY"
    assert key not in str(refused.value)


def test_a_ten_megabyte_write_finishes_and_another_writer_proceeds_within_a_second(open_app, store):
    """Issue 10 finding 1: on PostgreSQL a 10 MB event (an application whose evidence listed 100,000 work periods)
    hung the writer in psycopg's pipeline sync while its session held the events table's lock, so every other
    writer waited for ever (see PostgresTimestampedRecorder.insert_events). The edge and the domain now bound such
    an application long before 10 MB, so the write is made on the recorder itself. It hung in about half the
    tries: three rounds here."""
    big, other = open_app(), open_app()
    topic = "cases.aggregates.evaluation_case:EvaluationCase.Applied"
    for _ in range(3):
        event = StoredEvent(uuid.uuid4(), 1, topic, json.dumps({"evidence": "x" * 10_000_000}).encode())
        outcome: list[object] = []
        writer = threading.Thread(target=lambda: outcome.append(big.recorder.insert_events([event])), daemon=True)
        writer.start()
        writer.join(timeout=30)
        assert not writer.is_alive(), "the large write never finished"
        assert len(outcome) == 1
        started = time.monotonic()
        apply(other)
        assert time.monotonic() - started < 1.0
    [stored] = big.recorder.select_events(event.originator_id)
    assert len(stored.state) > 10_000_000
