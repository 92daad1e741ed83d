"""Who sees a complaint and who acts on it (业务监督电话, DOMAIN §10 "Who sees what", "Escalation", "Privacy"), shared
by the hotline's API (`api.routes.complaints`) and its console pages (`api.console.hotline`), so both apply the same
scope, the same level and the same masking.

- A complaint is handled at its level: a body's supervisors act on complaints about their body until it is
  escalated; after that (and for complaints made to the municipal center) only the municipal center's supervisors
  do. The center may pull in a complaint whose clock is breached. Another level's supervisor is refused 403 naming
  the level; a body's supervisor takes no complaint made to the municipal center.
- Another body's complaint (or case) answers 404, exactly as a missing one does.
- The complainant's contact is shown in full only to the supervisors who may act on the complaint now (and admin),
  unless the caller is one of the staff it names (recusal); everyone else gets it masked, and it and any mobile or
  ID number masked in the words, evidence and findings. Registrars get neither the complainant's name nor the
  contact: the staff complained about may be theirs.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from fastapi import Request

from api.auth import require_body
from api.complaint_schemas import ComplaintView, ReceiveRequest
from api.services import Services
from api.tokens import Principal
from cases.aggregates.complaint import CATEGORIES, Complaint
from cases.errors import DomainError
from cases.identity import mask_contact
from cases.rules.complaint_clock import standing
from cases.service.complaint_timeline import mask_in_text


class NotAtYourLevel(DomainError):
    """DOMAIN §10 Escalation: a complaint is handled at one level at a time."""

    code = "not_at_your_level"
    http_status = 403


def _services(request: Request) -> Services:
    return request.app.state.services


# --- scope: who sees a complaint, who acts on it --------------------------------------------------------------


def complaint_in_scope(request: Request, who: Principal, complaint_id: UUID) -> Complaint:
    complaint = _services(request).app.hotline.get(complaint_id)
    require_body(who, complaint.body, "complaint", complaint_id)  # another body's: 404, like a missing one
    return complaint


def acts_on(who: Principal, complaint: Complaint) -> bool:
    return handles(who, complaint.level, complaint.body)


def handles(who: Principal, level: str, body: str) -> bool:
    """Whether the caller may act now on a complaint about `body` handled at `level`: that level's supervisors
    (and admin)."""
    if who.role == "admin":
        return True
    if who.role != "supervisor":
        return False
    return who.body is None if level == "municipal" else who.body == body


def require_acting(who: Principal, complaint: Complaint, *, pulled_in: bool = False) -> None:
    """`pulled_in`: the municipal center escalating a breached complaint to itself."""
    if acts_on(who, complaint) or (pulled_in and who.role == "supervisor" and who.body is None):
        return
    if complaint.level == "municipal":
        raise NotAtYourLevel(
            "the complaint was escalated to the municipal center: only its supervisors act on it now",
            field="complaint_id", clause="DOMAIN §10 Escalation",
        )  # fmt: skip
    raise NotAtYourLevel(
        f"{complaint.body}'s supervisors handle the complaint until it is escalated to the municipal center",
        field="complaint_id", clause="DOMAIN §10 Escalation",
    )  # fmt: skip


def require_receiving(request: Request, who: Principal, payload: ReceiveRequest) -> None:
    """DOMAIN §10 Receiving, once the body complained about is in the caller's scope: complaints to the municipal
    center are taken by its supervisors, and a body's supervisor names only their body's cases (another body's
    answers 404, as an unknown one does, so the refusal tells nothing of it)."""
    if who.body is None:
        return
    if payload.channel == "municipal_line" or payload.to_municipal_center:
        field = "channel" if payload.channel == "municipal_line" else "to_municipal_center"
        raise NotAtYourLevel("complaints to the municipal center are taken by its supervisors", field=field, clause="DOMAIN §10 Receiving")
    for case_id in payload.case_ids:
        require_body(who, _services(request).app.get_case(case_id).body, "case", case_id)


# --- what the caller reads ------------------------------------------------------------------------------------


def queue_row(row: dict[str, Any], who: Principal) -> dict[str, Any]:
    """A row of the complaints read model's queue as the caller sees it."""
    case_ids = [c for c in (row.get("case_ids") or "").split(",") if c]
    shown = {**row, "case_ids": case_ids, "you_act_on_it": handles(who, row["level"], row["body"])}
    if who.role == "registrar":
        shown.update(complainant_name=None, complainant_contact_masked=None)
    return shown


def standing_on(request: Request, complaint: Complaint, on: date) -> dict[str, Any] | None:
    """The running clock's service-level standing on the day `on` (DOMAIN §10 Clock); None when no clock runs."""
    running = "acceptance" if complaint.stage == "received" else "result" if complaint.stage == "accepted" else None
    if running is None or not complaint.due.get(running):
        return None
    due = complaint.due[running]
    found = standing(date.fromisoformat(str(due["due"])), on, _services(request).app.calendar)
    return {"clock": running, "on": on, "state": found.state, "due": found.due, "working_days_late": found.working_days_late,
            "provisional": bool(due.get("provisional"))}  # fmt: skip


def reads_contact_in_full(who: Principal, complaint: Complaint) -> bool:
    """DOMAIN §10 Privacy: the complainant's contact is readable in full only by the supervisors handling the
    complaint (those who may act on it now), and never by a staff member the complaint names."""
    named_in_it = who.label.strip() in {name.strip() for name in complaint.staff_named}
    return acts_on(who, complaint) and not named_in_it


def complaint_view(complaint: Complaint, who: Principal, clock: dict[str, Any] | None, *, in_full: bool = True) -> ComplaintView:
    """`in_full=False` masks the contact (and numbers in the texts) even for the handling supervisors: the
    console's pages, which never hold a full phone number (they reveal it on a deliberate request)."""
    person = complaint.complainant or {}
    contact = person.get("contact")
    shown = in_full and reads_contact_in_full(who, complaint)
    hide = (lambda text: text) if shown else (lambda text: mask_in_text(text, contact))
    named = who.role != "registrar"
    outcome = dict(complaint.outcome) if complaint.outcome else None
    if outcome and isinstance(outcome.get("findings"), str):
        outcome["findings"] = hide(outcome["findings"])
    return ComplaintView(
        complaint_id=str(complaint.id), version=complaint.version, body=complaint.body, channel=complaint.channel,
        received_at=complaint.received_at, counts_from=complaint.counts_from, level=complaint.level, stage=complaint.stage,
        category=complaint.category, category_label=CATEGORIES.get(complaint.category, complaint.category),
        words=hide(complaint.words), evidence=[hide(e) for e in complaint.evidence],
        complainant={
            "anonymous": bool(person.get("anonymous")), "name": person.get("name") if named else None,
            "contact": contact if shown else (mask_contact(contact) if named else None), "contact_masked": not shown and bool(contact),
        },
        case_ids=list(complaint.case_ids), candidate_id=complaint.candidate_id, staff_named=list(complaint.staff_named),
        handler=complaint.handler, due=complaint.due, standing=clock, extended_at=list(complaint.extended_at),
        escalations=list(complaint.escalations), outcome=outcome, callbacks=list(complaint.callbacks), you_act_on_it=acts_on(who, complaint),
    )  # fmt: skip
