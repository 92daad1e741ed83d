"""Named refusals of the evaluation case. Each carries a stable code, the field and the clause."""

from __future__ import annotations

from cases.errors import InvalidInput, OutOfOrder, RuleViolation


class WrongStage(OutOfOrder):
    code = "wrong_stage"


class CaseClosed(OutOfOrder):
    code = "case_closed"


class DateOutOfOrder(OutOfOrder):
    code = "date_out_of_order"


class WrongAmount(RuleViolation):
    code = "wrong_amount"


class PaymentAfterDeadline(RuleViolation):
    code = "payment_after_deadline"


class PaymentBeforeWindow(RuleViolation):
    code = "payment_before_window"


class NotYetLapsed(RuleViolation):
    code = "not_yet_lapsed"


class NotEligible(RuleViolation):
    code = "not_eligible"


class NoRetakeForCompetition(RuleViolation):
    code = "no_retake_for_competition"


class ValidityWindowClosed(RuleViolation):
    code = "validity_window_closed"


class SubjectNotOutstanding(InvalidInput):
    code = "subject_not_outstanding"


class NoResultPending(OutOfOrder):
    code = "no_result_pending"


class InvalidScore(InvalidInput):
    code = "invalid_score"


class NoSuchSitting(InvalidInput):
    code = "no_such_sitting"


class CertificateNotValid(OutOfOrder):
    code = "certificate_not_valid"


class ReissueNotOffered(RuleViolation):
    code = "reissue_not_offered"


class CaseBarred(RuleViolation):
    """A sanction's ban is in force (须知 三/四): the case takes no retake before the day after its last day."""

    code = "case_barred"


class NoRetakeAfterBan(RuleViolation):
    """A sanction's ban lasts to or past the validity window's last day: no retake remains (四(一))."""

    code = "no_retake_after_ban"
