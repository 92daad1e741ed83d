"""Where each subject of a case stands, derived from its attempts (pure functions over the case's state).

An attempt is a plain dict `{subject, sat_on, outcome, score}`; outcome is "pending" (sat, no result yet),
"passed", "failed", "absent", "cancelled" (a sanction took the result away, 须知 二-四) or "discarded" (a pass
that no longer counts: the retake was waived, 四(二) 视为放弃补考机会，之前的合格科目成绩不再保留).
A subject stands where its latest attempt left it.
"""

from __future__ import annotations

from typing import Any, Iterable

Attempt = dict[str, Any]


def standing(subjects: Iterable[str], attempts: list[Attempt]) -> dict[str, str]:
    result = {code: "not_sat" for code in subjects}
    for attempt in attempts:
        result[attempt["subject"]] = attempt["outcome"]
    return result


def outstanding(subjects: Iterable[str], attempts: list[Attempt]) -> list[str]:
    """Subjects still to pass: failed, absent, cancelled, discarded or never sat."""
    return [code for code, outcome in standing(subjects, attempts).items() if outcome not in ("passed", "pending")]


def pending(attempts: list[Attempt]) -> list[str]:
    return [a["subject"] for a in attempts if a["outcome"] == "pending"]


def all_passed(subjects: Iterable[str], attempts: list[Attempt]) -> bool:
    return all(outcome == "passed" for outcome in standing(subjects, attempts).values())


def passed(subjects: Iterable[str], attempts: list[Attempt]) -> list[str]:
    """Subjects whose pass counts (a discarded pass does not)."""
    return [code for code, outcome in standing(subjects, attempts).items() if outcome == "passed"]


def discard_passes(attempts: list[Attempt], subjects: Iterable[str]) -> None:
    """Mark the passes of `subjects` as no longer counting (RetakeWaived, 四(二))."""
    dropped = set(subjects)
    for attempt in attempts:
        if attempt["subject"] in dropped and attempt["outcome"] == "passed":
            attempt["outcome"] = "discarded"
