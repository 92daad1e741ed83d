"""How an evaluation case keeps its state compact for snapshots, and how older snapshots are read.

Long histories stay cheap to snapshot: payments and sittings are kept as compact rows, and only each subject's
latest attempt, which is all the standing rule reads (the history is in the events). A snapshot records the class
version it was taken at; eventsourcing upgrades an older one with the class's `upcast_vN_vM` methods in turn, and
`EvaluationCase` points them at the functions here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cases.aggregates import subject_standing as standing
from cases.aggregates.case_stages import ENDED, outstanding_stage, retake_decision


def payment_row(amount: int, kind: str, paid_on: date, reference: str | None) -> list[Any]:
    """A payment as the case keeps it: [amount, kind, paid_on ISO, reference]."""
    return [amount, kind, paid_on.isoformat(), reference]


def payment(row: list[Any]) -> dict[str, Any]:
    amount, kind, paid_on, reference = row
    return {"amount": amount, "kind": kind, "paid_on": date.fromisoformat(paid_on), "reference": reference}


def sitting_row(sat_on: date, sitting_id: str | None, attended: bool, subjects: list[str]) -> list[Any]:
    """A sitting as the case keeps it: [sat_on ISO, sitting_id, attended, subjects]."""
    return [sat_on.isoformat(), sitting_id, attended, list(subjects)]


def sitting(row: list[Any]) -> dict[str, Any]:
    sat_on, sitting_id, attended, subjects = row
    return {"sat_on": date.fromisoformat(sat_on), "sitting_id": sitting_id, "attended": attended, "subjects": list(subjects)}


def upcast_v1_v2(state: dict[str, Any]) -> None:
    """Snapshots taken before the compact rows: convert payments, sittings and attempts."""
    payments = state.pop("payments", [])
    state["_payments"] = [payment_row(p["amount"], p["kind"], p["paid_on"], p["reference"]) for p in payments]
    sittings = state.pop("sittings", [])
    state["_sittings"] = [sitting_row(x["sat_on"], x["sitting_id"], x["attended"], x["subjects"]) for x in sittings]
    latest: dict[str, dict[str, Any]] = {}
    for attempt in state.get("attempts", []):
        latest[attempt["subject"]] = attempt
    state["attempts"] = list(latest.values())


def upcast_v2_v3(state: dict[str, Any]) -> None:
    """Snapshots taken before issue 12: a waived case's passes no longer count; each sanction records whether a
    retake remains after it, and a case a ban bars (or leaves without a retake) says so, as replaying the events
    now does (`EvaluationCase._sanctioned`, `_retake_waived`)."""
    if state["stage"] == "waived":
        standing.discard_passes(state["attempts"], state["subjects"])
    bans: list[date] = []
    for entry in state["sanctions"]:
        if entry.get("ban"):
            bans.append(entry["ban"]["ends_on"])
        ended_before = state["stage"] in ENDED and state.get("ended_on") and entry["decided_on"] > state["ended_on"]
        if "retake" not in entry:
            entry["retake"] = retake_decision(
                entry["tier"], ended=bool(ended_before), bans=bans, window_last_day=state.get("window_last_day"),
                competition=state["channel"] == "competition", notice=state["notice"],
            )  # fmt: skip
    retake = next((e["retake"] for e in reversed(state["sanctions"]) if e.get("retake")), None)
    if retake is None:
        return
    day = max(state["last_fact_on"], state["sanctions"][-1]["decided_on"])
    if state["stage"] in ("retake_available", "no_retake"):
        state["stage"] = outstanding_stage(retake, day)
    elif state["stage"] in ("awaiting_payment", "ready_to_sit") and state.get("window_opened_on") and not retake["possible"]:
        state.update(stage=outstanding_stage(retake, day), fee_due=None, retake_subjects=None)
