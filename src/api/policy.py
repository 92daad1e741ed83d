"""The access policy, written once as data: for every route the app serves, the action it performs, the roles that
may perform it and how far over the bodies it reaches (DOMAIN §9, §10; the README's "The HTTP API", "Who").

Routes still declare `Depends(allow(...))`, so who may call a route is visible at the route; this table is what
those declarations must say. tests/api/test_access_matrix.py finds every route by introspection and checks it
against its row: the declared roles equal the row's, every role the row refuses is answered 403, every role it
admits gets past the gate, and a body's staff get what the row's scope promises for another body's records. A
route without a row fails there, and so does a row without a route.

Admin does everything (README), so it is never listed. The roles are `api.tokens.ROLES`; registrars and
examiners always belong to one body, a supervisor to one body or (municipal) to none, compliance and admin to none.

A new feature adds its rows in a section of its own, as the complaints of DOMAIN §10 do.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Scope(Enum):
    """How far a caller of one body reaches (DOMAIN §9: "A body's staff see and change only their own body's
    cases"; compliance and municipal supervisors see all), and what asking for another body's record answers."""

    OPEN = ("no token: operations, the docs, the public verification page", None)
    EVERY_BODY = ("not one body's record: published rules, or a role that covers every body", None)
    CASE = ("one case: another body's case answers 404, exactly as a missing one does", 404)
    NAMED_BODY = ("a command naming its body (path or payload): another body answers 404, as an unknown one does", 404)
    CANDIDATE = ("a candidate: one with no case at the caller's body answers 404, exactly as an unknown one does", 404)
    BODY_ROWS = ("a list or query: a body's staff get their own body's rows only; `?body=` another body answers 403", 403)
    COMPLAINT = ("one complaint: another body's complaint answers 404, exactly as a missing one does", 404)

    def __init__(self, meaning: str, another_body: int | None) -> None:
        self.meaning = meaning
        self.another_body = another_body  # the status a body's staff get for another body's record (None: no such thing)


@dataclass(frozen=True)
class Rule:
    action: str  # what the route does, in the domain's words
    roles: tuple[str, ...]  # who may, besides admin; () on an open route
    scope: Scope

    def admits(self, role: str) -> bool:
        return self.scope is Scope.OPEN or role == "admin" or role in self.roles


READERS = ("registrar", "examiner", "compliance", "supervisor")  # every role reads, within its bodies
REGISTRAR = ("registrar",)  # DOMAIN §9: intake, review, fees, scheduling, results, certificates
EXAMINER = ("examiner",)  # DOMAIN §9: attendance, results, on-the-day misconduct
DESK_AND_EXAMINER = ("registrar", "examiner")
SANCTIONERS = ("examiner", "supervisor")  # on the day (examiner), also after it (supervisor): DOMAIN §6, §9
REPLAYERS = ("registrar", "compliance", "supervisor")  # compliance replays any case (§9), the others their body's
COMPLIANCE = ("compliance",)
REPORTERS = ("registrar", "compliance", "supervisor")  # §9 "Reporting"; examiners do not report
REVOKERS = ("registrar", "supervisor")  # the issuing body's desk, or a supervisor after misconduct (§6, §8)
HOTLINE = ("supervisor",)  # DOMAIN §10: supervisors take and handle complaints, at the complaint's level
COMPLAINT_READERS = ("registrar", "compliance", "supervisor")  # §10 "Who sees what"; examiners see no complaint

OPEN, EVERY_BODY, CASE, NAMED_BODY = Scope.OPEN, Scope.EVERY_BODY, Scope.CASE, Scope.NAMED_BODY
CANDIDATE, BODY_ROWS, COMPLAINT = Scope.CANDIDATE, Scope.BODY_ROWS, Scope.COMPLAINT

POLICY: dict[tuple[str, str], Rule] = {
    # --- operations, docs, the public (README "Operations", "Public"; DOMAIN §9 "The public") ---------------------
    ("GET", "/health"): Rule("the process answers", (), OPEN),
    ("GET", "/ready"): Rule("stores reachable, projections not failed or lagging", (), OPEN),
    ("GET", "/metrics"): Rule("Prometheus metrics", (), OPEN),
    ("GET", "/openapi.json"): Rule("the API described", (), OPEN),
    ("GET", "/docs"): Rule("the API described", (), OPEN),
    ("GET", "/docs/oauth2-redirect"): Rule("the API described", (), OPEN),
    ("GET", "/redoc"): Rule("the API described", (), OPEN),
    ("GET", "/public/certificates/{number}"): Rule("verify a certificate by number and name", (), OPEN),
    # --- intake and the case (DOMAIN §2, §3, §9) ----------------------------------------------------------------
    ("POST", "/cases"): Rule("apply (申报): open a case", REGISTRAR, NAMED_BODY),
    ("POST", "/cases/batch"): Rule("group application (团体申报)", REGISTRAR, NAMED_BODY),
    ("GET", "/cases/{case_id}"): Rule("read a case", READERS, CASE),
    # The ticket is handed to the candidate and checked at the door; compliance and supervisors read the case itself.
    ("GET", "/cases/{case_id}/ticket"): Rule("hand out the admission ticket (准考证)", DESK_AND_EXAMINER, CASE),
    # --- commands on a case (DOMAIN §2-§8, §9; compliance only reads) --------------------------------------------
    ("POST", "/cases/{case_id}/review"): Rule("review: approve or reject", REGISTRAR, CASE),
    ("POST", "/cases/{case_id}/rejection"): Rule("reject with a reason", REGISTRAR, CASE),
    ("POST", "/cases/{case_id}/payments"): Rule("record a fee paid", REGISTRAR, CASE),
    ("POST", "/cases/{case_id}/schedule"): Rule("give a seat at a sitting", REGISTRAR, CASE),
    # Decision: the desk records attendance too, from the sitting's sign-in sheet (the brief gives registrars the
    # "sittings"; DOMAIN §9 names the examiners who keep the sheet).
    ("POST", "/cases/{case_id}/attendance"): Rule("record attendance (sat or absent)", DESK_AND_EXAMINER, CASE),
    ("POST", "/cases/{case_id}/results"): Rule("record a subject's result", DESK_AND_EXAMINER, CASE),
    ("POST", "/cases/{case_id}/retake"): Rule("request a retake", REGISTRAR, CASE),
    ("POST", "/cases/{case_id}/sanctions"): Rule("sanction misconduct (须知)", SANCTIONERS, CASE),
    ("POST", "/cases/{case_id}/certificate"): Rule("issue the certificate", REGISTRAR, CASE),
    ("POST", "/cases/{case_id}/certificate/revocation"): Rule("revoke the certificate", REVOKERS, CASE),
    ("POST", "/cases/{case_id}/certificate/reissue"): Rule("reissue a lost certificate (遗失补办)", REGISTRAR, CASE),
    ("POST", "/cases/{case_id}/withdrawal"): Rule("withdraw the case", REGISTRAR, CASE),
    ("POST", "/cases/{case_id}/lapse"): Rule("lapse an unpaid case", REGISTRAR, CASE),
    # --- replay (DOMAIN §9: compliance) -------------------------------------------------------------------------
    ("GET", "/cases/{case_id}/timeline"): Rule("replay a case event by event", REPLAYERS, CASE),
    ("GET", "/cases/{case_id}/as-of"): Rule("the case as of a version or moment", REPLAYERS, CASE),
    ("GET", "/cases/{case_id}/diff"): Rule("what changed between two moments", REPLAYERS, CASE),
    # --- registers and their verification (DOMAIN §9: compliance checks rebuilt against live) --------------------
    ("GET", "/cases"): Rule("search the case index", READERS, BODY_ROWS),
    ("GET", "/registers/certificates"): Rule("read the certificate register", READERS, BODY_ROWS),
    ("GET", "/registers/validity-windows"): Rule("read the validity windows", READERS, BODY_ROWS),
    ("GET", "/registers/bans"): Rule("read the bans in force", READERS, BODY_ROWS),
    ("POST", "/registers/verifications"): Rule("verify the registers against the log", COMPLIANCE, EVERY_BODY),
    ("GET", "/registers/verifications/{verification_id}"): Rule("read a verification", COMPLIANCE, EVERY_BODY),
    # --- candidates (DOMAIN §1, §6, §8; what a body's staff see: api.routes.candidates) ---------------------------
    ("POST", "/candidates/lookup"): Rule("find a candidate by ID number", READERS, CANDIDATE),
    ("GET", "/candidates/{candidate_id}/bans"): Rule("read a candidate's bans", READERS, CANDIDATE),
    ("GET", "/candidates/{candidate_id}/certificates"): Rule("read a candidate's certificates", READERS, CANDIDATE),
    # --- the evaluation calendar (DOMAIN §3: scheduling is the registrar's) --------------------------------------
    ("POST", "/sittings"): Rule("plan a sitting", REGISTRAR, NAMED_BODY),
    ("GET", "/sittings/plan"): Rule("read the month's plan", READERS, BODY_ROWS),
    ("POST", "/sittings/cohort-rule"): Rule("apply the minimum cohort to a month", REGISTRAR, NAMED_BODY),
    ("POST", "/sittings/windows/{body}/{window}/fold"): Rule("fold a thin window into November", REGISTRAR, NAMED_BODY),
    # --- worklists and reports (DOMAIN §4, §5, §8 service levels; §9 "Reporting") --------------------------------
    ("GET", "/worklists/payments-due"): Rule("list fees due", READERS, BODY_ROWS),
    ("GET", "/worklists/payments-overdue"): Rule("list fees overdue", READERS, BODY_ROWS),
    ("GET", "/worklists/results-late"): Rule("list results late", READERS, BODY_ROWS),
    ("GET", "/worklists/certificates-late"): Rule("list certificates late", READERS, BODY_ROWS),
    ("GET", "/reports/monthly"): Rule("read the monthly report", REPORTERS, BODY_ROWS),
    ("GET", "/reports/complaints"): Rule("read the monthly complaint figures", REPORTERS, BODY_ROWS),
    # --- the hotline (DOMAIN §10; what each caller sees and at which level they act: api.routes.complaints) ------
    # A body's supervisors act on complaints about their body until escalated, then only the municipal center's
    # (403 `not_at_your_level` inside the row's scope); registrars read their body's without the complainant's
    # name or contact; compliance reads all, the contact masked.
    ("POST", "/complaints"): Rule("receive a complaint (投诉登记)", HOTLINE, NAMED_BODY),
    ("GET", "/complaints"): Rule("the complaint queue, each with its service-level standing", COMPLAINT_READERS, BODY_ROWS),
    ("GET", "/complaints/{complaint_id}"): Rule("read a complaint", COMPLAINT_READERS, COMPLAINT),
    ("POST", "/complaints/{complaint_id}/acceptance"): Rule("accept a complaint (受理)", HOTLINE, COMPLAINT),
    ("POST", "/complaints/{complaint_id}/decline"): Rule("decline a complaint (不予受理)", HOTLINE, COMPLAINT),
    ("POST", "/complaints/{complaint_id}/assignment"): Rule("assign a handler (承办人)", HOTLINE, COMPLAINT),
    ("POST", "/complaints/{complaint_id}/cases"): Rule("link a case to a complaint", HOTLINE, COMPLAINT),
    ("POST", "/complaints/{complaint_id}/extension"): Rule("extend a complaint's result date", HOTLINE, COMPLAINT),
    ("POST", "/complaints/{complaint_id}/escalation"): Rule("escalate to the municipal center", HOTLINE, COMPLAINT),
    ("POST", "/complaints/{complaint_id}/result"): Rule("resolve a complaint, with a post-hoc sanction", HOTLINE, COMPLAINT),
    ("POST", "/complaints/{complaint_id}/callback"): Rule("record the callback (回访)", HOTLINE, COMPLAINT),
    ("POST", "/complaints/{complaint_id}/reopening"): Rule("reopen a complaint", HOTLINE, COMPLAINT),
    ("POST", "/complaints/{complaint_id}/closing"): Rule("close (archive) a complaint", HOTLINE, COMPLAINT),
    # --- published rules (DOMAIN §3, §4, §7): every reader sees every body's ------------------------------------
    ("GET", "/catalogue"): Rule("read the year's rule book", READERS, EVERY_BODY),
    ("GET", "/catalogue/{body}"): Rule("read one body's catalogue", READERS, EVERY_BODY),
    ("GET", "/workdays/add"): Rule("count working days", READERS, EVERY_BODY),
    ("GET", "/workdays/{day}"): Rule("whether a day is a working day", READERS, EVERY_BODY),
}


def rule_for(method: str, path: str) -> Rule | None:
    """The row for a route (its method and path template), or None when the policy has none."""
    return POLICY.get((method.upper(), path))
