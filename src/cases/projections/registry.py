"""Every read model the product runs, in the order status and verify list them. The engine takes this list from
whoever runs it (`Projections(app, store, all_projections())`): it never imports the read models itself."""

from cases.projections.engine.base import Projection

from cases.projections.bans import BansRegister
from cases.projections.case_index import CaseIndex
from cases.projections.certificates import CertificateRegister
from cases.projections.complaints import ComplaintRegister
from cases.projections.month_plan import MonthPlan
from cases.projections.monthly_report import MonthlyReport
from cases.projections.validity_windows import ValidityWindows

PROJECTIONS = [CertificateRegister, CaseIndex, ValidityWindows, BansRegister, ComplaintRegister, MonthlyReport, MonthPlan]


def all_projections() -> list[Projection]:
    return [cls() for cls in PROJECTIONS]
