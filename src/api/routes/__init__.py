"""Every router the API serves, in the order /docs lists them."""

from api.routes import case_commands, cases, health
from api.routes import candidates, catalogue, complaints, public, registers, replay, reports, sittings, verifications, workdays, worklists

ROUTERS = [
    public.router,  # first: the busiest route of all is matched before the others are tried
    cases.router, case_commands.router, replay.router, registers.router, verifications.router, candidates.router, sittings.router,
    complaints.router, worklists.router, reports.router, catalogue.router, workdays.router, health.router,
]  # fmt: skip
