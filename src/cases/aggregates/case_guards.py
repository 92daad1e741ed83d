"""The evaluation case's refusals: pure checks over plain values that raise the named errors of `case_errors`.

A command of `EvaluationCase` runs these before it triggers its event; a replay runs none of them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cases.aggregates.case_clauses import NO_RETAKE, PAYMENT_WINDOW, RETAKE_WAIVED, WINDOW_CLOSED
from cases.aggregates.case_errors import (
    CaseBarred,
    CaseClosed,
    CertificateNotValid,
    DateOutOfOrder,
    InvalidScore,
    NoResultPending,
    NoRetakeAfterBan,
    NoRetakeForCompetition,
    NoSuchSitting,
    NotYetLapsed,
    PaymentAfterDeadline,
    PaymentBeforeWindow,
    SubjectNotOutstanding,
    ValidityWindowClosed,
    WrongAmount,
    WrongStage,
)
from cases.aggregates.case_stages import BARRED, ENDED


def require_stage(stage: str, stages: tuple[str, ...], *, action: str, ended_on: date | None) -> None:
    """The stage must be one of `stages`; an ended case says since when it is closed."""
    if stage in ENDED:
        raise CaseClosed(f"the case is {stage} since {ended_on}; it cannot {action}", field="case_id")
    if stage not in stages:
        raise WrongStage(f"the case is {stage}; to {action} it must be {' or '.join(stages)}", field="case_id", stage=stage)


def require_not_before(day: date, earlier: date | None, field: str, what: str) -> None:
    if earlier is not None and day < earlier:
        raise DateOutOfOrder(f"{day} is before {what} ({earlier})", field=field)


def refuse_competition_retake(channel: str, notice: str) -> None:
    """四(四): a competition candidate who failed has no retake."""
    if channel == "competition":
        message = "a candidate who failed through a skills competition cannot retake"
        raise NoRetakeForCompetition(message, field="case_id", clause=f"{notice} {NO_RETAKE}")


def refuse_if_barred(
    stage: str, retake: dict[str, Any] | None, sanctions: list[dict[str, Any]], *, competition: bool, field: str, action: str
) -> None:
    """A sanction's ban in force (须知 三/四), or one that left no retake (四(一)), refuses a retake. `stage` is the
    stage on the day asked; `retake` the latest sanction's recorded decision."""
    if retake is None or stage not in (*BARRED, "no_retake"):
        return
    ban = max((s["ban"] for s in sanctions if s.get("ban")), key=lambda b: b["ends_on"], default=None)
    named = f" ({ban['clause']})" if ban else ""
    if stage == "barred":
        raise CaseBarred(
            f"the candidate is barred from evaluations until {retake['barred_until']}{named}; the case can {action} "
            f"from {retake['from']}", field=field, clause=retake["clause"], ends_on=str(retake["barred_until"]),
            retake_from=str(retake["from"]),
        )  # fmt: skip
    if not retake["possible"] and not competition:
        raise NoRetakeAfterBan(
            f"the ban until {retake['barred_until']}{named} lasts to or past the validity window's last day "
            f"{retake['window_last_day']}: no retake remains; all subjects must be applied for again",
            field=field, clause=retake["clause"], ends_on=str(retake["barred_until"]),
            last_day=str(retake["window_last_day"]),
        )  # fmt: skip


def require_retake_window(is_open: bool, last_day: date | None, notice: str) -> None:
    """四(一): a retake is requested inside the validity window; after it, all subjects are applied for again."""
    if not is_open:
        raise ValidityWindowClosed(
            f"the validity window closed after {last_day}; all subjects must be applied for again",
            field="requested_on", clause=f"{notice} {WINDOW_CLOSED}",
        )  # fmt: skip


def require_outstanding(subjects: list[str], outstanding: list[str]) -> None:
    """A retake is of subjects still outstanding, at least one."""
    if not subjects or any(s not in outstanding for s in subjects):
        raise SubjectNotOutstanding(
            f"retake subjects must be among the outstanding ones ({', '.join(outstanding)}); got {subjects}", field="subjects"
        )


def require_waivable(is_open: bool, on: date, notice: str) -> None:
    """四(二): re-applying waives the retake only inside the window."""
    if not is_open:
        raise ValidityWindowClosed(f"the window is not open on {on}", field="applied_on", clause=f"{notice} {RETAKE_WAIVED}")


def check_payment(
    fee_due: dict[str, Any], amount: int, paid_on: date, *, pay_from: date | None, pay_by: date, deadline_clause: str | None
) -> None:
    """The fee due, in full, inside the payment window (seed 004 二(四)) and by the deadline (`deadline_clause`)."""
    if amount != fee_due["total"]:
        raise WrongAmount(
            f"{amount} yuan paid but {fee_due['total']} yuan is due ({fee_due['kind']} fee)",
            field="amount", clause=fee_due["clause"], due=fee_due["total"],
        )  # fmt: skip
    if pay_from is not None and paid_on < pay_from:
        raise PaymentBeforeWindow(f"payment is taken only from {pay_from} to {pay_by}", field="paid_on", clause=PAYMENT_WINDOW)
    if paid_on > pay_by:
        raise PaymentAfterDeadline(
            f"the fee was due by {pay_by}; a payment on {paid_on} is refused and the case can lapse",
            field="paid_on", clause=deadline_clause, deadline=pay_by.isoformat(),
        )  # fmt: skip


def require_past_deadline(pay_by: date, on: date) -> None:
    if on <= pay_by:
        raise NotYetLapsed(f"the fee is due by {pay_by}; the case cannot lapse on {on}", field="on")


def require_no_seat(scheduled: dict[str, Any] | None) -> None:
    """A case holds one seat at a time."""
    if scheduled is not None:
        raise WrongStage(f"the case already holds a seat at sitting {scheduled['sitting_id']}", field="case_id")


def require_sitting_in_window(last_day: date | None, ends_on: date, notice: str) -> None:
    """四(一): a retake round's sitting ends by the validity window's last day."""
    if last_day is not None and ends_on > last_day:
        raise ValidityWindowClosed(
            f"the sitting ends after the window's last day {last_day}", field="sitting_id", clause=f"{notice} {WINDOW_CLOSED}"
        )


def require_sat_in_window(is_open: bool, last_day: date | None, sat_on: date, notice: str) -> None:
    """四(一): a retake is sat inside the validity window."""
    if not is_open:
        raise ValidityWindowClosed(
            f"a retake must be sat by the window's last day {last_day}; {sat_on} is too late",
            field="sat_on", clause=f"{notice} {WINDOW_CLOSED}", last_day=str(last_day),
        )  # fmt: skip


def seat_sat(scheduled: dict[str, Any] | None, sitting_id: str | None, sat_on: date) -> str | None:
    """The sitting a case sat (`sitting_id`, or the one it holds a seat at), which must be its seat's, on its days."""
    if scheduled and (sitting_id or scheduled["sitting_id"]) != scheduled["sitting_id"]:
        raise NoSuchSitting(f"the case is scheduled at sitting {scheduled['sitting_id']}", field="sitting_id")
    if scheduled and sat_on not in scheduled["dates"]:
        days = ", ".join(str(d) for d in scheduled["dates"])
        raise NoSuchSitting(f"the case's sitting takes place on {days}, not {sat_on}", field="sat_on")
    return sitting_id or (scheduled["sitting_id"] if scheduled else None)


def check_result(subject: str, score: float, pending: list[str]) -> None:
    """A result is for a subject awaiting one, scored 0-100."""
    if subject not in pending:
        raise NoResultPending(
            f"no result is awaited for subject {subject!r} (awaited: {', '.join(pending) or 'none'})", field="subject"
        )
    if not 0 <= score <= 100:
        raise InvalidScore(f"score {score} is outside 0-100", field="score")


def results_to_cancel(
    sittings: list[dict[str, Any]], cancels: str, sitting_on: date | None, subject: str | None
) -> list[dict[str, Any]]:
    """The results a sanction takes away (rules/sanctions.py TIERS: a subject's, a sitting's, or all for the
    qualification), as [{subject, sat_on}]; the sitting and subject named must have been sat."""
    if cancels == "qualification":
        return [{"subject": code, "sat_on": s["sat_on"]} for s in sittings for code in s["subjects"]]
    sitting = next((s for s in sittings if s["sat_on"] == sitting_on), None)
    if sitting is None:
        dates = ", ".join(str(s["sat_on"]) for s in sittings) or "none"
        raise NoSuchSitting(f"the case has no sitting on {sitting_on} (sittings: {dates})", field="sitting_on")
    if cancels == "subject":
        if subject not in sitting["subjects"]:
            raise NoSuchSitting(f"subject {subject!r} was not sat on {sitting_on}", field="subject")
        return [{"subject": subject, "sat_on": sitting_on}]
    return [{"subject": code, "sat_on": sitting_on} for code in sitting["subjects"]]


def valid_certificate(certificate: dict[str, Any] | None, action: str) -> dict[str, Any]:
    """The case's certificate, which must be valid to be revoked or reissued."""
    if not certificate or certificate["status"] != "valid":
        state = certificate["status"] if certificate else "none issued"
        raise CertificateNotValid(f"the case's certificate is {state}; it cannot {action}", field="case_id")
    return certificate


def require_sanctionable(stage: str) -> None:
    """A case rejected, withdrawn, lapsed or disqualified has nothing left to sanction (a waived one still does)."""
    if stage in ("rejected", "withdrawn", "lapsed", "disqualified"):
        raise CaseClosed(f"the case is {stage}; there is nothing to sanction", field="case_id")
