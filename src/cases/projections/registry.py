"""Every projection the product runs, in the order status and verify list them."""

from cases.projections.bans import BansRegister
from cases.projections.case_index import CaseIndex
from cases.projections.certificates import CertificateRegister
from cases.projections.complaints import ComplaintRegister
from cases.projections.monthly_report import MonthlyReport
from cases.projections.validity_windows import ValidityWindows

PROJECTIONS = [CertificateRegister, CaseIndex, ValidityWindows, BansRegister, ComplaintRegister, MonthlyReport]
