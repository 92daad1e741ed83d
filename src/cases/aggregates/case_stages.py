"""The evaluation case's stages, and what holds on a day (pure functions over plain values).

A sanction in force (须知 三/四) is stored as the stage recorded (`barred`, `barred_no_retake`); what holds on a later
day follows from the sanction's recorded retake decision (rules/sanctions.py Decision).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cases.rules.sanctions import retake_after

ENDED = ("rejected", "withdrawn", "lapsed", "waived", "disqualified")
# A sanction in force (须知 三/四): a retake remains after it (`barred`) or none does (`barred_no_retake`).
BARRED = ("barred", "barred_no_retake")
# What holds the day after a ban's last day: the stage each barred stage gives way to (`stage_on`).
AFTER_BAN = {"barred": "retake_available", "barred_no_retake": "no_retake"}
# Stages where a sanction that leaves subjects outstanding decides what follows (`EvaluationCase._sanctioned`).
SETTLED = ("awaiting_results", "retake_available", "qualified", "certified", "no_retake", *BARRED)


def stage_on(stage: str, retake: dict[str, Any] | None, day: date) -> str:
    """The stage as it holds on `day` (like validity_windows.state_as_of): a ban's stage gives way, the day after the
    ban's last day, to what follows it (`AFTER_BAN`). `retake` is the decision the latest sanction recorded
    (`EvaluationCase.retake_after_sanction`)."""
    until = (retake or {}).get("barred_until")
    if stage in AFTER_BAN and until is not None and day > until:
        return AFTER_BAN[stage]
    return stage


def outstanding_stage(retake: dict[str, Any] | None, day: date) -> str:
    """The stage, on `day`, of a case with subjects outstanding and no result pending, as a sanction's recorded
    decision leaves it (rules/sanctions.py Decision); with no sanction, a retake is available."""
    if retake is None:
        return "retake_available"
    until = retake.get("barred_until")
    if until is not None and day <= until:
        return "barred" if retake["possible"] else "barred_no_retake"
    return "retake_available" if retake["possible"] else "no_retake"


def retake_decision(
    tier: str, *, ended: bool, bans: list[date], window_last_day: date | None, competition: bool, notice: str
) -> dict[str, Any] | None:
    """Whether a retake remains after a sanction (rules/sanctions.py Decision): the longest of the case's bans
    (`bans`, their last days) against its window's last day. None for a materials sanction (it ends the case) or a
    sanction on an ended case."""
    if tier == "materials" or ended:
        return None
    return retake_after(
        barred_until=max(bans, default=None), window_last_day=window_last_day, competition=competition, notice=notice
    )
