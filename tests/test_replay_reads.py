"""Replay reads a case's stream once per request, not once per question: the scope check's load of the case and one
read of its events answer the timeline, the state as of a day with its business date, and the console's case page
with all three (timeline, as-of, diff). Counted on a real application on SQLite, by wrapping the store's own reads:
the event recorder's `select_events` for the case's events and the snapshot store's for a load of the case."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from uuid import UUID

import pytest

from cases.service.application import CasesApplication
from cases.service.case_diff import diff
from cases.service.case_timeline import timeline
from cases.service.replay import CaseHistory, state_and_business_date, state_as_of, summarise
from cases.settings import Settings
from tests.builders import certify, paid
from tests.conftest import fresh_store
from tests.console.conftest import api_app, client, services, signed_in, token_for  # noqa: F401  (fixtures)

D = date.fromisoformat


@pytest.fixture
def store(tmp_path) -> Iterator[Settings]:
    """SQLite only: the counts are the application's, not the backend's."""
    with fresh_store("sqlite", tmp_path) as settings:
        yield settings


@pytest.fixture
def sanctioned(services) -> UUID:
    """Certified on 1 June, disqualified on 2 July for false materials: eleven events (the certificate revoked last)."""
    case_id = paid(services.app, name="王芳")
    certify(services.app, case_id, sat_on=D("2026-04-25"), recorded_on=D("2026-05-08"), issued_on=D("2026-06-01"))
    services.app.sanction(case_id, tier="materials", behaviour="须知 一", decided_on=D("2026-07-02"), actor="compliance-1")
    return case_id


@pytest.fixture
def reads(services, monkeypatch) -> Callable[[UUID], Counter[str]]:
    """`reads(case_id)`: how often the case's events and its snapshots have been read since the last call."""
    app: CasesApplication = services.app
    seen: Counter[tuple[str, UUID]] = Counter()
    for kind, recorder in (("events", app.events.recorder), ("loads", app.snapshots.recorder)):
        monkeypatch.setattr(recorder, "select_events", counting(kind, recorder.select_events, seen))

    def _reads(case_id: UUID) -> Counter[str]:
        found = Counter({kind: n for (kind, of), n in seen.items() if of == case_id})
        seen.clear()
        return found

    return _reads


def counting(kind: str, real: Callable[..., object], seen: Counter[tuple[str, UUID]]) -> Callable[..., object]:
    def select_events(originator_id: UUID, **kwargs: object) -> object:
        seen[kind, originator_id] += 1
        return real(originator_id=originator_id, **kwargs)

    return select_events


def test_the_timeline_route_reads_the_case_once_and_its_events_once(client, token_for, sanctioned, reads):
    headers = {"Authorization": f"Bearer {token_for('compliance')}"}
    reads(sanctioned)

    answer = client.get(f"/cases/{sanctioned}/timeline", headers=headers)

    assert answer.status_code == 200 and len(answer.json()) == 11
    assert reads(sanctioned) == {"loads": 1, "events": 2}  # the scope check's load (its events), then every event


def test_the_as_of_route_answers_a_past_day_and_its_business_date_from_one_read_of_the_events(client, token_for, sanctioned, reads):
    headers = {"Authorization": f"Bearer {token_for('compliance')}"}
    reads(sanctioned)

    on_a_day = client.get(f"/cases/{sanctioned}/as-of", params={"on": "2026-05-31"}, headers=headers)
    found_on_a_day = reads(sanctioned)
    at_a_version = client.get(f"/cases/{sanctioned}/as-of", params={"version": 3}, headers=headers)
    found_at_a_version = reads(sanctioned)

    assert (on_a_day.json()["stage"], on_a_day.json()["business_date"]) == ("qualified", "2026-05-08")
    assert (at_a_version.json()["version"], at_a_version.json()["stage"]) == (3, "ready_to_sit")
    assert found_on_a_day == found_at_a_version == {"loads": 1, "events": 2}


def test_the_console_case_page_with_a_day_and_a_diff_reads_the_case_once_and_its_events_once(signed_in, sanctioned, reads):
    compliance = signed_in("compliance")
    reads(sanctioned)

    page = compliance.get(f"/console/cases/{sanctioned}", params={"on": "2026-05-31", "from": "2026-05-01", "to": "2026-06-30"})

    assert page.status_code == 200 and "CertIssued" in page.text
    assert reads(sanctioned) == {"loads": 1, "events": 2}


def test_the_service_answers_read_once_more_given_the_case_already_loaded(services, sanctioned, reads):
    app = services.app
    case = app.get_case(sanctioned)
    reads(sanctioned)

    assert len(timeline(app, sanctioned, loaded=case)) == 11
    assert reads(sanctioned) == {"events": 1}
    assert state_and_business_date(app, sanctioned, on=D("2026-05-31"), loaded=case)[1] == "2026-05-08"
    assert reads(sanctioned) == {"events": 1}
    assert diff(app, sanctioned, from_on=D("2026-05-01"), to_version=10, loaded=case).to_business_date == "2026-07-02"
    assert reads(sanctioned) == {"events": 1}
    assert state_as_of(app, sanctioned, version=4, loaded=CaseHistory(app, sanctioned, case)).version == 4
    assert reads(sanctioned) == {"events": 1}


def test_a_past_version_replayed_from_the_events_read_is_the_case_the_repository_gives(services, sanctioned):
    app = services.app
    history = CaseHistory(app, sanctioned)

    for version in range(1, 12):
        replayed, loaded = history.at(version), app.get_case(sanctioned, version=version)
        assert vars(replayed) == vars(loaded) and summarise(replayed) == summarise(loaded)
    assert [e.originator_version for e in history.events] == list(range(1, 12))  # replaying left the events as read
    assert history.events == list(app.events.get(sanctioned))


def test_a_case_loaded_for_another_id_is_not_taken_for_the_one_asked(services, sanctioned):
    other = paid(services.app, name="张伟")
    wrong = services.app.get_case(other)

    assert [e.version for e in timeline(services.app, sanctioned, loaded=wrong)] == list(range(1, 12))
