"""`POST /cases/{id}/review` answers what the review decided (issue 12, finding 6: it answered `result: null`): approved
with the clause relied on, the fee and its payment deadline, or rejected with the reasons — the same decision and
fee `GET /cases/{id}` then shows, and the same answer again for a retry with the Idempotency-Key."""

from __future__ import annotations

from typing import Any

from tests.builders import apply, worked


def review(client: Any, case_id: Any, headers: dict[str, str], **extra: str) -> Any:
    return client.post(f"/cases/{case_id}/review", json={"decided_on": "2026-03-03"}, headers={**headers, **extra})


def test_an_approval_answers_its_clause_fee_and_payment_deadline(api_app, client, auth):
    registrar = auth("registrar", "wgsh")
    case_id = apply(api_app.state.services.app, body="wgsh", level=3, evidence=worked("互联网营销师", "2014-03-01"))
    answer = review(client, case_id, registrar, **{"Idempotency-Key": "review-1"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["stage"] == "awaiting_payment"
    decision, fee = body["result"]["decision"], body["result"]["fee_due"]
    assert decision["approved"] is True and decision["clause"] == "L3(1)" and decision["decided_on"] == "2026-03-03"
    assert fee["kind"] == "full" and fee["total"] == 598 and fee["due_on"] and fee["clause"]
    assert body["result"]["plan"]["plan_month"] == "2026-04"
    shown = client.get(f"/cases/{case_id}", headers=registrar).json()
    assert (shown["decision"], shown["fee_due"]) == (decision, fee)
    assert review(client, case_id, registrar, **{"Idempotency-Key": "review-1"}).json() == body


def test_a_rejection_answers_its_reasons(api_app, client, auth):
    registrar = auth("registrar", "wgsh")
    case_id = apply(api_app.state.services.app, body="wgsh", level=3, evidence=worked("互联网营销师", "2024-03-01"))
    answer = review(client, case_id, registrar)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["stage"] == "rejected"
    decision = body["result"]["decision"]
    assert decision["approved"] is False and decision["reasons"] and all(decision["reasons"])
    assert body["result"]["fee_due"] is None
    assert client.get(f"/cases/{case_id}", headers=registrar).json()["decision"] == decision
