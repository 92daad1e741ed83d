"""The aggregate a projection reads (`UnitOfWork.aggregate_after`) is the case exactly as the repository gives it
at each version: the follower's shortcut past the library's per-event signature lookups changes nothing."""

from __future__ import annotations

from datetime import date

from cases.projections.engine.follower import AggregateFollower, mutated
from tests.builders import apply, certify, paid, sat_with_scores

D = date.fromisoformat


def state(aggregate) -> dict:
    return dict(vars(aggregate))


def test_following_every_event_gives_the_repositorys_case_at_every_version(app):
    failed = paid(app, body="jsxh", level=4, applied_on=D("2026-03-02"), decided_on=D("2026-03-10"))
    sat_with_scores(app, failed, D("2026-04-26"), {"theory": 80, "skills": 40}, D("2026-05-20"))
    sanctioned = paid(app, body="migu", level=3, applied_on=D("2026-03-02"))
    certify(app, sanctioned, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))
    app.sanction(sanctioned, tier="sitting", behaviour="须知 三.2", decided_on=D("2026-08-03"), actor="compliance-1")
    just_applied = apply(app, body="wgsh", level=3, applied_on=D("2026-03-02"))

    follower = AggregateFollower(lambda aggregate_id, version: app.repository.get(aggregate_id, version=version))
    for case_id in (failed, sanctioned, just_applied):
        events = list(app.events.get(case_id))
        assert events
        for event in events:
            followed = follower.after(event)
            assert state(followed) == state(app.repository.get(case_id, version=event.originator_version))


def test_an_event_out_of_sequence_is_refused_as_the_library_refuses_it(app):
    case_id = paid(app, body="jsxh", level=4, applied_on=D("2026-03-02"))
    first, _, third = list(app.events.get(case_id))[:3]
    case = mutated(first, None)
    try:
        mutated(third, case)
    except Exception as refused:
        assert type(refused).__name__ == "OriginatorVersionError"
    else:
        raise AssertionError("an event two versions ahead was applied")
