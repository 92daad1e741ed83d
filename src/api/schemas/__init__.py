"""The API's request and response bodies (with OpenAPI examples), one module per resource; the routes import them
from `api.schemas`. Dates are ISO dates; money is whole yuan."""

from api.schemas.applications import ApplyRequest, BatchApplyRequest, BatchCandidate, BatchResult, BatchRow
from api.schemas.candidates import CandidateLookup
from api.schemas.case_commands import (
    AttendanceRequest,
    CertificateRequest,
    CommandResult,
    FeeDue,
    LapseRequest,
    PaymentRequest,
    ReissueRequest,
    RejectionRequest,
    ResultRequest,
    RetakeRequest,
    ReviewAnswer,
    ReviewDecision,
    ReviewRequest,
    ReviewResult,
    RevocationRequest,
    SanctionRequest,
    ScheduleRequest,
    WithdrawalRequest,
)
from api.schemas.evidence import DeclaredEvidence, Evidence, EvidenceCertificate, EvidenceEducation, EvidenceTitle, EvidenceWork
from api.schemas.fields import EXAMPLE_GROUP_ID_NUMBER, EXAMPLE_ID_NUMBER, Body, Day, _bounded, text
from api.schemas.public import PublicCertificate
from api.schemas.sittings import CohortRuleRequest, FoldWindowRequest, PlanSittingRequest
from api.schemas.workdays import DayStatusView, WorkingDayDue

__all__ = [
    "EXAMPLE_GROUP_ID_NUMBER",
    "EXAMPLE_ID_NUMBER",
    "ApplyRequest",
    "AttendanceRequest",
    "BatchApplyRequest",
    "BatchCandidate",
    "BatchResult",
    "BatchRow",
    "Body",
    "CandidateLookup",
    "CertificateRequest",
    "CohortRuleRequest",
    "CommandResult",
    "Day",
    "DayStatusView",
    "DeclaredEvidence",
    "Evidence",
    "EvidenceCertificate",
    "EvidenceEducation",
    "EvidenceTitle",
    "EvidenceWork",
    "FeeDue",
    "FoldWindowRequest",
    "LapseRequest",
    "PaymentRequest",
    "PlanSittingRequest",
    "PublicCertificate",
    "ReissueRequest",
    "RejectionRequest",
    "ResultRequest",
    "RetakeRequest",
    "ReviewAnswer",
    "ReviewDecision",
    "ReviewRequest",
    "ReviewResult",
    "RevocationRequest",
    "SanctionRequest",
    "ScheduleRequest",
    "WithdrawalRequest",
    "WorkingDayDue",
    "_bounded",  # api.complaint_schemas bounds a moment's date with it
    "text",
]
