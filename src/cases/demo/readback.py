"""Reading the demo back: what the store holds for each body's sittings and cases, and the facts worth telling."""

from __future__ import annotations

from datetime import date
from typing import Any

from cases.service.application import CasesApplication
from cases.demo.desk import TODAY, Desk
from cases.demo.record import BodySummary, CaseSummary, CertificateSummary, Notable, Payment, SittingSummary


def summarise_body(app: CasesApplication, desk: Desk) -> BodySummary:
    cases, notables = [], [*desk.refusals, *desk.calendar]
    for case_id in desk.cases:
        case = app.get_case(case_id)
        events = list(app.events.get(case_id))
        cases.append(_summarise_case(case, events))
        notables.extend(n for n in (_notable(case, e) for e in events) if n is not None)
    sittings = [_summarise_sitting(app.get_sitting(s)) for s in desk.sittings]
    name = app.rulebook.for_year(TODAY.year).body(desk.body).name  # type: ignore[union-attr]
    return BodySummary(
        desk.body, name, tuple(sorted(sittings, key=lambda s: s.days)), tuple(cases), tuple(sorted(notables, key=lambda n: n.on))
    )


def _project(occupation: str, work_type: str | None) -> str:
    return f"{occupation} ({work_type})" if work_type else occupation


def _summarise_sitting(sitting: Any) -> SittingSummary:
    moved = sitting.moved_to or {}
    if sitting.status == "deferred":
        where = f"to {moved['month']}"
    elif sitting.status == "folded":
        where = f"into {moved['window']}, candidates told by {moved['notify_by']}"
    else:
        where = None
    return SittingSummary(
        days=tuple(sitting.dates), project=_project(sitting.occupation, sitting.work_type), levels=tuple(sitting.levels),
        venue=sitting.venue, capacity=sitting.capacity, headcount=sitting.headcount, status=sitting.status, moved=where,
    )  # fmt: skip


def _summarise_case(case: Any, events: list[Any]) -> CaseSummary:
    issued = [e for e in events if type(e).__name__ == "CertIssued"]
    certificate = None
    if case.certificate:
        collectable = issued[-1].collectable_from if issued else None
        certificate = CertificateSummary(
            number=case.certificate["number"], form=case.certificate["form"], delivery=case.certificate["delivery"],
            status=case.certificate["status"], issued_on=case.certificate["issued_on"],
            collectable_from=str(collectable["due"]) if collectable else None,
            replaced=tuple(p["number"] for p in case.certificate["previous"]),
        )  # fmt: skip
    approved = case.decision["decided_on"] if case.decision and case.decision["approved"] else None
    plan = None
    if case.plan:
        plan = f"by {case.plan['last_day']}" if case.plan.get("last_day") else f"in {case.plan['plan_month']}"
    deferrals = tuple((d["to_month"], d["notify_by"]) for d in case.deferrals)
    return CaseSummary(
        case_id=case.id, candidate=case.holder_name, id_masked=case.holder_id_masked,
        project=_project(case.occupation, case.work_type), level=case.level, channel=case.channel,
        institution=case.institution, stage=case.stage,
        payments=tuple(Payment(p["kind"], p["amount"], p["paid_on"]) for p in case.payments),
        applied_on=case.applied_on, approved_on=approved, pay_by=case.pay_by, plan=plan, deferrals=deferrals,
        sittings=tuple(s["sat_on"] for s in case.sittings), window_last_day=case.window_last_day,
        certificate=certificate,
    )  # fmt: skip


def _notable(case: Any, event: Any) -> Notable | None:
    """Waivers, sanctions, barred retakes, lapses, rejections and certificate changes, in words."""
    name = type(event).__name__

    def say(on: date, kind: str, detail: str, clause: str | None = None) -> Notable:
        return Notable(on, case.holder_name, kind, detail, clause, case.id)

    if name == "RetakeWaived":
        kept = ", ".join(event.discarded_subjects) or "none"
        detail = f"re-applied for the same project and level; passed subjects discarded: {kept}"
        return say(event.on, "retake waived", detail, event.clause)
    if name == "Sanctioned":
        tier = f"{event.tier} ({event.severity})" if event.severity else event.tier
        cancelled = ", ".join(f"{c['subject']} of {c['sat_on']}" for c in event.cancelled) or "none"
        detail = f"{event.behaviour_clause} {event.behaviour}; results cancelled: {cancelled}"
        if event.ban:
            detail += f"; barred until {event.ban['ends_on']}" + ("; referred to the authorities" if event.ban["referral"] else "")
        return say(event.decided_on, f"sanction: {tier}", detail, event.clause)
    if name == "CertRevoked":
        return say(event.on, "certificate revoked", f"{event.number}: {event.reason}", event.clause)
    if name == "CertReissued":
        return say(event.on, "certificate reissued", f"{event.number} replaces {event.replaces} ({event.reason})", event.clause)
    if name == "RetakeBarred":
        return say(event.on, "retake barred", "failed through a skills competition: no retake", event.clause)
    if name == "Lapsed":
        return say(event.on, "lapsed", f"the fee due by {event.due_on} was not paid")
    if name == "Rejected":
        held = [r["reason"] for r in event.reasons if r.get("clause")]
        return say(event.decided_on, "rejected", "no eligibility clause holds: " + "; ".join(held[:2]))
    return None
