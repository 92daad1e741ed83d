"""The projection machinery, on SQLite and PostgreSQL: exactly once through a killed process, one runner at a time,
rebuilds that lose nothing, verify as the proof that the registers equal the log, live following, and status."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from sqlalchemy import delete, select, update

from cases.service.application import CasesApplication
from cases.projections.certificates import CertificateRegister
from cases.projections.engine.follow_all import FollowAll
from cases.projections.engine.runner import LeaseHeld, PositionMoved, ProjectionRunner
from cases.projections.engine.service import Projections
from cases.projections.engine.store import ReadModelStore
from cases.settings import Settings
from tests.builders import apply, certify, event_count, paid
from tests.support.projection_worker import LEASE_SECONDS, PositionBumpingRegister, TalliedRegister, catch_up_and_stall

D = date.fromisoformat


@pytest.fixture
def read_models(store: Settings) -> Iterator[ReadModelStore]:
    """The read-model store beside the test's event store (the same PostgreSQL schema, or a SQLite file)."""
    found = ReadModelStore.from_settings(store)
    yield found
    found.dispose()


def certificates_issued(app: CasesApplication, count: int, *, body: str = "dmtxh") -> list[str]:
    """`count` certificates issued through the application; the first is reissued and the second revoked."""
    numbers = []
    for _ in range(count):
        case_id = paid(app, body=body, level=3, applied_on=D("2026-03-02"))
        numbers.append((case_id, certify(app, case_id, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))))
    if count >= 2:
        numbers[0] = (numbers[0][0], app.reissue_certificate(numbers[0][0], on=D("2026-09-01"), actor="registrar-1", reason="lost"))
        app.revoke_certificate(numbers[1][0], on=D("2026-09-02"), reason="成绩复核不合格", actor="compliance-1")
    return [number for _, number in numbers]


def consumed(app: CasesApplication, projection) -> list:
    return app.recorder.select_notifications(start=1, limit=100_000, topics=projection.topics)


def rows_of(read_models: ReadModelStore, projections: Projections, name: str, table: str) -> list[dict]:
    with read_models.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(projections.live_tables(name)[table])).mappings()]


def assert_applied_exactly_once(app: CasesApplication, read_models: ReadModelStore, projections: Projections) -> None:
    events = consumed(app, projections.get("tallied"))
    tally = rows_of(read_models, projections, "tallied", "tally")
    assert len(tally) == len(events)
    assert {row["times"] for row in tally} == {1}, "an event was applied more than once"
    assert rows_of(read_models, projections, "tallied", "totals") == [{"name": "all", "applied": len(events)}]


def assert_equals_a_clean_rebuild(projections: Projections, name: str) -> None:
    """The live generation's digest equals that of a generation rebuilt from the first event beside it."""
    live = projections.digest(name)
    generation = projections.store.live_generation(name)
    assert projections.rebuild(name) == generation + 1
    assert projections.digest(name) == live


def catch_up_once_free(runner: ProjectionRunner, within: float = 15.0) -> int:
    """Catch up as soon as the lease a dead holder left behind has lapsed."""
    deadline = time.monotonic() + within
    while True:
        try:
            return runner.catch_up()
        except LeaseHeld:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def eventually(condition: Callable[[], bool], within: float, every: float = 0.05) -> float:
    """Seconds until `condition` held; fails after `within`."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < within, f"not within {within}s"
        time.sleep(every)
    return time.monotonic() - started


# --- exactly once ---------------------------------------------------------------------------------------------


def test_a_process_killed_mid_batch_leaves_nothing_and_a_restart_applies_every_event_exactly_once(app, store, read_models):
    certificates_issued(app, 8)
    events = consumed(app, TalliedRegister())
    assert len(events) >= 16
    context = multiprocessing.get_context("spawn")
    stalled = context.Event()
    worker = context.Process(target=catch_up_and_stall, args=(store, 13, 5, stalled))  # stalls on the 3rd of batch 3
    worker.start()
    try:
        assert stalled.wait(timeout=90), "the worker never reached the middle of its third batch"
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.join(timeout=30)
    assert worker.exitcode == -signal.SIGKILL

    projections = Projections(app, read_models, [TalliedRegister()])
    assert read_models.position("tallied", 1) == events[9].id  # two whole batches committed, the third vanished
    assert len(rows_of(read_models, projections, "tallied", "tally")) == 10
    assert rows_of(read_models, projections, "tallied", "totals") == [{"name": "all", "applied": 10}]

    restarted = ProjectionRunner(app, read_models, TalliedRegister(), batch_size=5, lease_seconds=LEASE_SECONDS)
    assert catch_up_once_free(restarted) == event_count(app)
    assert_applied_exactly_once(app, read_models, projections)
    assert_equals_a_clean_rebuild(projections, "tallied")


def test_two_runners_started_at_once_one_advances_and_the_other_is_refused_the_lease(open_app, store, read_models):
    app = open_app()
    certificates_issued(app, 6)
    starting = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    apps = {holder: open_app() for holder in ("first", "second")}  # each runner as its own process would have it

    def run(holder: str) -> None:
        own_store = ReadModelStore.from_settings(store)  # its own engine, on a read-model store not set up yet
        runner = ProjectionRunner(apps[holder], own_store, TalliedRegister(), batch_size=3, holder=holder)
        starting.wait(timeout=30)
        try:
            outcomes[holder] = runner.catch_up()
        except LeaseHeld as refused:
            outcomes[holder] = refused
        finally:
            own_store.dispose()

    threads = [threading.Thread(target=run, args=(holder,)) for holder in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(type(o).__name__ for o in outcomes.values()) == ["LeaseHeld", "int"], outcomes
    assert [o for o in outcomes.values() if isinstance(o, int)] == [event_count(app)]
    projections = Projections(app, read_models, [TalliedRegister()])
    assert_applied_exactly_once(app, read_models, projections)
    assert_equals_a_clean_rebuild(projections, "tallied")


def test_a_batch_whose_position_moved_under_it_rolls_back_and_writes_nothing(app, read_models):
    certificates_issued(app, 4)
    events = consumed(app, TalliedRegister())
    projections = Projections(app, read_models, [TalliedRegister()])
    earlier = ProjectionRunner(app, read_models, TalliedRegister())
    earlier.catch_up(stop=events[3].id)
    earlier.lease.release()
    before = projections.snapshot("tallied")

    bumping = ProjectionRunner(app, read_models, PositionBumpingRegister(read_models, bump_on=2), holder="bumping")
    with pytest.raises(PositionMoved):
        bumping.run_batch()
    bumping.lease.release()

    assert projections.snapshot("tallied") == before
    ProjectionRunner(app, read_models, TalliedRegister()).catch_up()
    assert_applied_exactly_once(app, read_models, projections)
    assert_equals_a_clean_rebuild(projections, "tallied")


def test_a_runner_taking_over_again_rereads_the_rows_another_runner_changed_meanwhile(app, read_models):
    certificates_issued(app, 6)
    events = consumed(app, TalliedRegister())
    first = ProjectionRunner(app, read_models, TalliedRegister(), holder="first")
    first.catch_up(stop=events[4].id)
    first.lease.release()  # as if it had stalled until its lease lapsed
    second = ProjectionRunner(app, read_models, TalliedRegister(), holder="second")
    second.catch_up(stop=events[9].id)
    second.lease.release()

    first.catch_up()

    projections = Projections(app, read_models, [TalliedRegister()])
    assert_applied_exactly_once(app, read_models, projections)
    assert_equals_a_clean_rebuild(projections, "tallied")


def test_a_live_runner_carries_on_in_the_rebuilt_generation_without_the_old_generations_rows(app, read_models):
    certificates_issued(app, 4)
    projections = Projections(app, read_models, [TalliedRegister()])
    live = ProjectionRunner(app, read_models, TalliedRegister())
    live.catch_up(stop=consumed(app, TalliedRegister())[3].id)  # behind when the rebuilt generation goes live
    assert projections.rebuild("tallied") == 2
    certificates_issued(app, 2)

    live.catch_up()

    assert live.generation() == 2
    assert_applied_exactly_once(app, read_models, projections)
    assert projections.verify() == []


# --- rebuild and verify ---------------------------------------------------------------------------------------


def test_a_rebuild_while_commands_keep_arriving_loses_nothing(open_app, read_models):
    app, commanding_app = open_app(), open_app()
    certificates_issued(app, 4)
    projections = Projections(app, read_models, [CertificateRegister()])
    projections.catch_up()
    issued: list[str] = []
    stopping = threading.Event()
    failures: list[BaseException] = []
    during: list[int] = []

    def keep_issuing() -> None:
        try:
            while not stopping.is_set():
                issued.extend(certificates_issued(commanding_app, 1, body="wgsh"))
        except BaseException as error:  # noqa: BLE001 - reported by the test
            failures.append(error)

    def commands_land_meanwhile(name: str, position: int, target: int) -> None:
        if not during:
            during.append(len(issued))
            eventually(lambda: len(issued) >= during[0] + 2 or bool(failures), within=30)

    commands = threading.Thread(target=keep_issuing)
    commands.start()
    try:
        assert projections.rebuild("certificates", progress=commands_land_meanwhile) == 2
        rebuilt_with = len(issued)
        eventually(lambda: len(issued) >= rebuilt_with + 1 or bool(failures), within=30)  # and after it
    finally:
        stopping.set()
        commands.join(timeout=60)
    assert not failures, failures
    assert during and rebuilt_with >= during[0] + 2

    projections.catch_up()
    assert projections.verify() == []
    register = {row["number"] for row in rows_of(read_models, projections, "certificates", "certificates")}
    assert set(issued) <= register
    issuing = [e for e in consumed(app, CertificateRegister()) if e.topic.endswith((".CertIssued", ".CertReissued"))]
    assert len(register) == len(issuing) == 4 + 1 + len(issued)


def test_verify_names_a_register_row_altered_behind_its_back_with_both_values(app, read_models):
    numbers = certificates_issued(app, 3)
    projections = Projections(app, read_models, [CertificateRegister()])
    projections.catch_up()
    assert projections.verify() == []

    tables = projections.live_tables("certificates")
    certificates, history = tables["certificates"], tables["history"]
    with read_models.engine.begin() as conn:
        conn.execute(update(certificates).where(certificates.c.number == numbers[2]).values(holder_name="李四"))
        dropped = conn.execute(select(history).where(history.c.number == numbers[1], history.c.change == "revoked")).mappings().one()
        conn.execute(delete(history).where(history.c.case_id == dropped["case_id"], history.c.case_version == dropped["case_version"]))

    altered, deleted = sorted(projections.verify(), key=lambda d: d.table)
    assert (altered.projection, altered.table, altered.key) == ("certificates", "certificates", numbers[2])
    assert (altered.live["holder_name"], altered.rebuilt["holder_name"]) == ("李四", "王芳")
    assert {**altered.live, "holder_name": "王芳"} == altered.rebuilt
    assert (deleted.projection, deleted.table, deleted.key) == ("certificates", "history", f"{dropped['case_id']}|{dropped['case_version']}")
    assert deleted.live is None and deleted.rebuilt == dict(dropped)


def test_verify_compares_each_projection_at_its_own_live_position(app, read_models):
    """One pass builds the scratch up to the lowest live position; each projection is then caught up to where
    its live generation stands, so projections standing at different positions verify clean."""
    from cases.projections.bans import BansRegister

    certificates_issued(app, 2)
    projections = Projections(app, read_models, [CertificateRegister(), BansRegister()])
    projections.catch_up()
    behind = read_models.position("bans", 1)
    certificates_issued(app, 2)
    projections.catch_up(["certificates"])  # bans stays behind
    ahead = read_models.position("certificates", 1)
    assert behind < ahead
    verified: dict[str, tuple[int, int]] = {}

    assert projections.verify(progress=lambda name, position, target: verified.__setitem__(name, (position, target))) == []
    assert verified == {"bans": (behind, behind), "certificates": (ahead, ahead)}


# --- live following and status --------------------------------------------------------------------------------


def test_following_picks_up_live_writes_within_a_bounded_wait_then_stops_when_told(open_app, store, read_models):
    app, following_app = open_app(), open_app()
    projections = Projections(app, read_models, [CertificateRegister()])
    following = FollowAll(Projections(following_app, read_models, [CertificateRegister()]))
    # PostgreSQL must wake on NOTIFY: its re-check is set far beyond the wait allowed; SQLite polls
    poll_seconds = 0.1 if not store.uses_postgres else 60.0
    stopping = threading.Event()
    follower = threading.Thread(target=following.follow, args=(stopping,), kwargs={"poll_seconds": poll_seconds})
    follower.start()
    try:
        eventually(lambda: read_models.position("certificates", 1) == 0 and read_models.live_generation("certificates") == 1, 10)
        time.sleep(0.3)  # the follower is waiting now
        for _ in range(2):
            [number] = certificates_issued(app, 1)
            head = event_count(app)
            waited = eventually(lambda: read_models.position("certificates", 1) == head, within=5.0)
            assert waited < 5.0
            assert number in {row["number"] for row in rows_of(read_models, projections, "certificates", "certificates")}
        time.sleep(0.5)  # every wake-up consumed: the follower is in its (on PostgreSQL, long) wait now
    finally:
        stopping.set()
        follower.join(timeout=5)
    assert not follower.is_alive(), "follow() did not stop when told"
    assert projections.verify() == []


def test_status_shows_position_lag_and_rate_and_lag_grows_with_writes_not_yet_projected(app, read_models):
    certificates_issued(app, 3)
    projections = Projections(app, read_models, [CertificateRegister()])
    projections.catch_up()
    applied = len(consumed(app, CertificateRegister()))

    [line] = projections.status()
    head = event_count(app)
    assert (line["projection"], line["generation"], line["position"], line["head"], line["lag"]) == ("certificates", 1, head, head, 0)
    assert line["events"] == applied and line["rate"] > 0 and line["updated_at"]

    case_id = apply(app, body="wgsh", applied_on=D("2026-07-01"))
    [line] = projections.status()
    assert (line["position"], line["lag"]) == (head, event_count(app) - head) and line["lag"] > 0

    projections.catch_up()
    app.review(case_id, decided_on=D("2026-07-02"), actor="registrar-1")  # an event the register does not consume
    assert projections.status()[0]["lag"] > 0
    projections.catch_up()
    [line] = projections.status()
    assert (line["position"], line["lag"], line["events"]) == (event_count(app), 0, applied + 1)
    assert line["rate"] > 0  # the last measured rate, not zero for a batch that had nothing to apply


def test_a_caught_up_runner_writes_nothing_and_renews_its_lease_only_in_its_second_half(app, read_models):
    """Polling an idle log must not take the read-model database's write lock every time."""
    certificates_issued(app, 2)
    runner = ProjectionRunner(app, read_models, TalliedRegister(), lease_seconds=30.0)
    runner.catch_up()
    positions, leases = read_models.table("projection_positions"), read_models.table("projection_leases")

    def written() -> tuple:
        with read_models.engine.connect() as conn:
            stamp = conn.execute(select(positions.c.updated_at).where(positions.c.name == "tallied")).scalar()
            expires = conn.execute(select(leases.c.expires_at).where(leases.c.name == "tallied")).scalar()
        return stamp, expires

    before = written()
    assert runner.run_batch() == 0 and written() == before  # nothing new: no transaction at all

    certificates_issued(app, 1)
    assert runner.run_batch() > 0
    after = written()
    assert after[0] != before[0] and after[1] == before[1]  # rows and position written; the young lease left as it was

    runner.lease.held_until = time.time() + 10.0  # the lease is in its second half now
    certificates_issued(app, 1)
    assert runner.run_batch() > 0
    assert written()[1] > after[1]  # renewed
    runner.lease.release()


def test_a_live_generation_built_by_an_older_version_of_its_projection_is_due_a_rebuild(app, read_models):
    certificates_issued(app, 1)
    projections = Projections(app, read_models, [TalliedRegister()])
    projections.catch_up()
    assert [(line["version"], line["rebuild_due"]) for line in projections.status()] == [(1, False)]

    class TalliedV2(TalliedRegister):
        version = 2  # its handling changed: the live rows follow the old one

    upgraded = Projections(app, read_models, [TalliedV2()])
    assert [(line["version"], line["rebuild_due"]) for line in upgraded.status()] == [(1, True)]
    upgraded.rebuild("tallied")
    assert [(line["version"], line["rebuild_due"]) for line in upgraded.status()] == [(2, False)]


def test_a_generation_from_before_versions_were_kept_counts_as_version_1(app, read_models):
    projections = Projections(app, read_models, [TalliedRegister()])
    projections.catch_up()
    versions = read_models.table("projection_versions")
    with read_models.engine.begin() as conn:
        conn.execute(delete(versions))
    assert [(line["version"], line["rebuild_due"]) for line in projections.status()] == [(1, False)]
