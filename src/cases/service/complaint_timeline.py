"""A complaint's timeline (DOMAIN §10), read as a case's is (`case_timeline.TimelineEntry`): every event, its clause of
§10, its day and its recording time, one line of English; the complainant's contact masked (DOMAIN §10 Privacy: in
full only to the supervisors handling it), in the words and notes too, and so are mobile and ID numbers anywhere in
its texts."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import Any
from uuid import UUID

from cases.aggregates.complaint import Complaint
from cases.identity import mask_contact, mask_contacts, mask_id_number
from cases.provisional import deadline_text
from cases.service.case_timeline import METADATA, TimelineEntry, business_day
from cases.service.replay import EventSource

COMPLAINT_CLAUSES = {  # the part of DOMAIN §10 each of a complaint's events applies
    "Received": "DOMAIN §10 Receiving", "Accepted": "DOMAIN §10 Clock", "Declined": "DOMAIN §10 Result",
    "Assigned": "DOMAIN §10 Recusal", "DeadlineExtended": "DOMAIN §10 Clock", "Escalated": "DOMAIN §10 Escalation",
    "Resolved": "DOMAIN §10 Result", "CallbackRecorded": "DOMAIN §10 Callback", "Reopened": "DOMAIN §10 Callback",
}  # fmt: skip


def complaint_timeline(
    app: EventSource, complaint_id: UUID, *, contact_shown: bool = False, loaded: Complaint | None = None
) -> list[TimelineEntry]:  # fmt: skip
    """Every event of the complaint, oldest first, as a case's timeline reads. The complainant's contact is masked
    (DOMAIN §10 Privacy: in full only to the supervisors handling it), in the words and notes too, and so are
    mobile and ID numbers anywhere in its texts; `contact_shown` leaves the contact as recorded. `loaded`: the
    complaint the caller already read (for its scope), so it is not read again just for the contact."""
    if loaded is not None and loaded.id == complaint_id:
        complaint = loaded
    else:
        complaint = app.complaints.get(complaint_id)  # an unknown id, or another aggregate's, is NotFound
    contact = (complaint.complainant or {}).get("contact")
    entries = []
    for event in app.events.get(complaint_id):
        name = type(event).__name__
        attrs = {key: value for key, value in vars(event).items() if key not in METADATA}
        day, on = business_day(attrs)
        hide = partial(mask_values, contact=None if contact_shown else contact)
        entries.append(TimelineEntry(
            version=event.originator_version, recorded_at=event.timestamp.isoformat(), event=name,
            actor=getattr(event, "actor", None), business_date=on,
            clause=COMPLAINT_CLAUSES.get(name), values=hide({k: v for k, v in attrs.items() if k != day or isinstance(v, datetime)}),  # a moment keeps its time
            summary=hide(_complaint_summary(name, attrs)),
        ))  # fmt: skip
    return entries


def _complaint_summary(name: str, a: dict[str, Any]) -> str:
    """One line of English for a complaint's event, from its own values."""
    due = lambda key: deadline_text(a.get(key))  # noqa: E731  (marked when provisional)
    caused = "; ".join(
        f"{c['event']} on {'case ' + c['case_id'] if 'case_id' in c else 'candidate ' + str(c.get('candidate_id'))}" for c in a.get("caused") or []
    )  # fmt: skip
    lines = {
        "Received": lambda: f"received ({a['channel']}) about {a['body']}, {a['category']}: counts from {a['counts_from']}, "
                            f"accept or decline by {due('acceptance_due')}",
        "Accepted": lambda: f"accepted; a result due by {due('result_due')}",
        "Declined": lambda: f"declined: {a['reason']}",
        "Assigned": lambda: f"assigned to {a['handler']}",
        "CaseLinked": lambda: f"case {a['case_id']} linked",
        "DeadlineExtended": lambda: f"extended by {a['working_days']} working days to {due('result_due')}: {a['reason']} "
                                    f"(complainant told {a['notice_recorded_on']})",
        "Escalated": lambda: f"escalated to the municipal center ({a['why']}); accept or decline by {due('acceptance_due')}",
        "Resolved": lambda: f"resolved, {a['outcome']} (recorded by {a['recorded_by']}): {a['findings']}" + (f"; caused {caused}" if caused else ""),
        "CallbackRecorded": lambda: f"called back: {'satisfied' if a['satisfied'] else 'dissatisfied'}" + (f" ({a['notes']})" if a.get("notes") else ""),
        "Reopened": lambda: f"reopened: {a['reason']}; accept or decline by {due('acceptance_due')}",
        "Closed": lambda: "closed (archived)",
    }  # fmt: skip
    return lines[name]() if name in lines else name


def mask_in_text(text: str, contact: str | None) -> str:
    """Text someone other than the handling supervisors reads: the complainant's contact, and any mobile or ID
    number, masked."""
    if contact:
        text = text.replace(contact, mask_contact(contact) or "")
    return mask_contacts(mask_id_number(text))


def mask_values(value: Any, contact: str | None) -> Any:
    """A value made JSON-safe, with `mask_in_text` applied to every text in it."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): mask_values(v, contact) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [mask_values(v, contact) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return mask_in_text(str(value), contact)
