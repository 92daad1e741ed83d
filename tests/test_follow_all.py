"""One thread following every projection (`FollowAll`, what the API server runs in-process): each event applied
exactly once to each projection, the same rows as a rebuild, projections at different positions each given only
the events after their own, a projection leased elsewhere left alone, and a moved position rolling back all."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from cases.service.application import CasesApplication
from cases.projections.engine.follow_all import FollowAll
from cases.projections.engine.runner import PositionMoved, ProjectionRunner
from cases.projections.engine.service import Projections
from cases.projections.registry import all_projections
from cases.projections.engine.store import ReadModelStore
from cases.settings import Settings
from tests.builders import event_count
from tests.support.projection_worker import PositionBumpingRegister, TalliedRegister
from tests.test_projection_machinery import (
    assert_applied_exactly_once,
    assert_equals_a_clean_rebuild,
    certificates_issued,
    consumed,
    eventually,
)


@pytest.fixture
def read_models(store: Settings) -> Iterator[ReadModelStore]:
    found = ReadModelStore.from_settings(store)
    yield found
    found.dispose()


def follow_to_the_end(following: FollowAll) -> int:
    batches = 0
    while following.run_batch():
        batches += 1
    return batches


def test_every_projection_followed_in_one_pass_equals_a_rebuild_and_applies_each_event_once(app: CasesApplication, read_models):
    certificates_issued(app, 6)
    projections = Projections(app, read_models, [TalliedRegister(), *all_projections()])
    following = FollowAll(projections, batch_size=7)
    assert follow_to_the_end(following) > 3  # several batches
    for name in projections.projections:
        assert read_models.position(name, 1) == event_count(app), name
    assert_applied_exactly_once(app, read_models, projections)
    for name in projections.projections:
        assert_equals_a_clean_rebuild(projections, name)


def test_projections_at_different_positions_each_get_only_the_events_after_their_own(app: CasesApplication, read_models):
    certificates_issued(app, 4)
    projections = Projections(app, read_models, [TalliedRegister(), *all_projections()])
    ahead = ProjectionRunner(app, read_models, projections.get("tallied"))
    ahead.catch_up(stop=consumed(app, TalliedRegister())[5].id)
    ahead.lease.release()
    certificates_issued(app, 2)

    follow_to_the_end(FollowAll(projections, batch_size=5))

    assert {read_models.position(name, 1) for name in projections.projections} == {event_count(app)}
    assert_applied_exactly_once(app, read_models, projections)
    assert_equals_a_clean_rebuild(projections, "case_index")


def test_a_projection_whose_lease_another_process_holds_is_left_to_it(app: CasesApplication, read_models):
    certificates_issued(app, 3)
    projections = Projections(app, read_models, [TalliedRegister(), *all_projections()])
    other = ProjectionRunner(app, read_models, projections.get("tallied"), holder="another-process")
    other.catch_up(stop=consumed(app, TalliedRegister())[2].id)  # it holds the lease and stands at the 3rd event
    held_at = read_models.position("tallied", 1)

    follow_to_the_end(FollowAll(projections))

    assert read_models.position("tallied", 1) == held_at
    assert {read_models.position(name, 1) for name in projections.projections if name != "tallied"} == {event_count(app)}
    other.catch_up()
    assert_applied_exactly_once(app, read_models, projections)


def test_a_moved_position_rolls_the_whole_batch_back_for_every_projection(app: CasesApplication, read_models):
    certificates_issued(app, 3)
    projections = Projections(app, read_models, [PositionBumpingRegister(read_models, bump_on=2), *all_projections()])
    following = FollowAll(projections)
    before = {name: projections.snapshot(name) for name in projections.projections}

    with pytest.raises(PositionMoved):
        following.run_batch()

    assert {name: projections.snapshot(name) for name in projections.projections} == before


def test_following_wakes_on_new_writes_and_when_nudged_then_stops_when_told(open_app, store: Settings, read_models):
    app, following_app = open_app(), open_app()
    projections = Projections(following_app, read_models, all_projections())
    # PostgreSQL must wake on NOTIFY: its re-check is set far beyond the wait allowed; SQLite polls
    poll_seconds = 60.0 if store.uses_postgres else 0.1
    stopping, nudged = threading.Event(), threading.Event()
    follower = threading.Thread(target=FollowAll(projections).follow, args=(stopping, poll_seconds, nudged))
    follower.start()
    try:
        for _ in range(2):
            certificates_issued(app, 1)
            head = event_count(app)
            eventually(lambda: {read_models.position(name, 1) for name in projections.projections} == {head}, within=5.0)
        if not store.uses_postgres:  # a nudge wakes a long poll at once
            stopping.set()
            nudged.set()
            follower.join(timeout=5)
            stopping.clear()
            follower = threading.Thread(target=FollowAll(projections).follow, args=(stopping, 60.0, nudged))
            follower.start()
            time.sleep(0.3)  # in its minute-long wait now
            certificates_issued(app, 1)
            nudged.set()
            head = event_count(app)
            assert eventually(lambda: read_models.position("certificates", 1) == head, within=5.0) < 5.0
    finally:
        stopping.set()
        nudged.set()
        follower.join(timeout=5)
    assert not follower.is_alive(), "follow() did not stop when told"
    assert projections.verify() == []


class RecordingTurn:
    """A write turn that notes, from a connection of its own, what the store held when it was taken and given back."""

    def __init__(self, read_models: ReadModelStore) -> None:
        self.read_models = read_models
        self.seen: list[tuple[str, int, bool]] = []  # (taken|given back, case_index position, its lease row written)

    def look(self, moment: str) -> None:
        from sqlalchemy import select

        leases = self.read_models.table("projection_leases")
        with self.read_models.engine.connect() as conn:
            written = conn.execute(select(leases.c.name).where(leases.c.name.like("case_index%"))).first() is not None
        self.seen.append((moment, self.read_models.position("case_index", 1), written))

    def __enter__(self) -> None:
        self.look("taken")

    def __exit__(self, *exc: object) -> None:
        self.look("given back")


def test_the_write_turn_is_held_from_a_batchs_first_write_to_its_commit(app: CasesApplication, read_models):
    """Taken before the lease row is written in the first batch (its transaction writes from the start), just
    before the rows are flushed in the others; given back only once the batch's positions are committed."""
    certificates_issued(app, 3)
    projections = Projections(app, read_models, all_projections())
    turn = RecordingTurn(read_models)
    batches = follow_to_the_end(FollowAll(projections, batch_size=5, write_turn=turn))

    assert batches > 3
    assert len(turn.seen) == 2 * batches  # one turn per batch
    assert turn.seen[0] == ("taken", 0, False)  # before the lease is written
    positions = [position for _, position, _ in turn.seen]
    taken, given_back = positions[::2], positions[1::2]
    assert all(after > before for before, after in zip(taken, given_back))  # committed before it is given back
    assert taken[1:] == given_back[:-1]  # and not before it is taken
    assert given_back[-1] == event_count(app)
