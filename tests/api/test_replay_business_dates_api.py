"""`/cases/{id}/as-of?on=` and `/cases/{id}/diff?from=<date>&to=<date>`: replay by business date through the API
(issue 12 point 7), beside the version and the recording moment it already took."""

from __future__ import annotations

from tests.api.test_read_routes import World, cases_app, services, world  # noqa: F401  (fixtures)


def test_the_case_as_of_a_business_date_names_its_version_recording_time_and_the_day_its_facts_reached(client, auth, world: World):
    headers = auth("compliance")
    timeline = client.get(f"/cases/{world.certified}/timeline", headers=headers).json()

    before_issue = client.get(f"/cases/{world.certified}/as-of", params={"on": "2026-05-31"}, headers=headers)
    issued = client.get(f"/cases/{world.certified}/as-of", params={"on": "2026-06-01"}, headers=headers)

    assert before_issue.status_code == 200, before_issue.text
    state = before_issue.json()
    assert (state["stage"], state["certificate"], state["business_date"]) == ("qualified", None, "2026-05-08")
    assert state["version"] == max(e["version"] for e in timeline if e["business_date"] <= "2026-05-31")
    assert state["as_of"] == next(e["recorded_at"] for e in timeline if e["version"] == state["version"])
    assert (issued.json()["stage"], issued.json()["certificate"]["status"]) == ("certified", "valid")
    assert all(e["business_date"] and e["recorded_at"] for e in timeline)  # every row shows both times


def test_the_diff_between_two_business_dates(client, auth, world: World):
    found = client.get(f"/cases/{world.certified}/diff", params={"from": "2026-05-01", "to": "2026-06-30"}, headers=auth("compliance"))

    assert found.status_code == 200, found.text
    body = found.json()
    assert {c["field"] for c in body["changes"]} >= {"stage", "certificate", "qualified_on"}
    assert [e["event"] for e in body["events"]][-1] == "CertIssued"
    assert (body["from_business_date"], body["to_business_date"]) == ("2026-04-25", "2026-06-01")


def test_business_date_refusals_name_their_field(client, auth, world: World):
    headers = auth("compliance")
    early = client.get(f"/cases/{world.certified}/as-of", params={"on": "2026-01-01"}, headers=headers)
    both = client.get(f"/cases/{world.certified}/as-of", params={"on": "2026-05-01", "version": 2}, headers=headers)
    bad_day = client.get(f"/cases/{world.certified}/as-of", params={"on": "2026-02-30"}, headers=headers)
    date_in_at = client.get(f"/cases/{world.certified}/as-of", params={"at": "2026-05-01"}, headers=headers)
    bad_from = client.get(f"/cases/{world.certified}/diff", params={"from": "2026-13-01", "to": "2026-06-30"}, headers=headers)

    assert (early.status_code, early.json()["code"], early.json()["field"]) == (404, "case_not_yet_open", "on")
    assert (both.status_code, both.json()["field"]) == (422, "version")
    assert (bad_day.status_code, bad_day.json()["field"]) == (422, "on")
    assert (date_in_at.status_code, date_in_at.json()["field"]) == (422, "at")
    assert (bad_from.status_code, bad_from.json()["field"]) == (422, "from")


def test_the_case_view_shows_the_stage_that_holds_today(client, auth, world: World, monkeypatch):
    """赵磊 is barred to 31 December 2026 for a device at the 25 April sitting (须知 三.1); no event marks 1 January."""
    headers = auth("compliance")
    monkeypatch.setenv("CASES_TODAY", "2026-12-31")
    during = client.get(f"/cases/{world.banned}", headers=headers).json()
    monkeypatch.setenv("CASES_TODAY", "2027-01-01")
    after = client.get(f"/cases/{world.banned}", headers=headers).json()

    assert (during["stage"], after["stage"]) == ("barred", "retake_available")
    assert during["version"] == after["version"]
    assert after["sanctions"][-1]["ban"]["ends_on"] == "2026-12-31"
