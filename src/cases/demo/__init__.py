"""The demo (演示): a realistic 2026 for all five bodies, driven through the application service.

`run_demo(app)` does what registrars, examiners and compliance officers would do — sittings planned per month
(上海市技师协会: per window) and cases seated on them, applications (individual, group through an institution,
competition), reviews, fees, results, retakes at the retake price, a re-application that waives a retake, every
sanction tier, certificates issued, reissued and invalidated, a lapse, a cohort deferred and one that holds, a window
folded into November; then the hotline's complaints (`hotline`), one of them sanctioning a certified case after the
fact — then reads back what the store holds. It prints nothing: the CLI renders the returned
`DemoRecord`. Every date lies in 2026, on or before `TODAY`; ID numbers are valid test numbers and only their
masked forms leave this package. A business date after today is refused (`cases.business_dates`): the real date is
later than `TODAY`, so the demo needs no today of its own; a CASES_TODAY set before it refuses the demo before it
writes anything, rather than leaving half a year behind.

`desk` holds the people and the desk that serves them, `year` the story body by body, `readback` the summaries,
`record` what is handed to the CLI.
"""

from __future__ import annotations

from dataclasses import replace

from cases.service.application import CasesApplication
from cases.demo.desk import TODAY, Desk
from cases.demo.hotline import hotline
from cases.demo.readback import summarise_body
from cases.demo.record import BodySummary, CaseSummary, CertificateSummary, ComplaintSummary, DemoRecord, Notable, Payment, SittingSummary
from cases.demo.year import SCENARIOS
from cases.errors import DomainError, FutureBusinessDate
from cases.settings import Settings, today

__all__ = [
    "TODAY", "BodySummary", "CaseSummary", "CertificateSummary", "ComplaintSummary", "DemoRecord", "Notable", "Payment", "SittingSummary",
    "StoreNotEmpty", "demo_settings", "discard_store", "run_demo",
]  # fmt: skip


class StoreNotEmpty(DomainError):
    """The demo writes a fixed story with fixed candidates: it runs on an empty store only."""

    code = "store_not_empty"


def run_demo(app: CasesApplication) -> DemoRecord:
    """Play the year on an empty store and return what the store then holds, body by body."""
    before = app.recorder.max_notification_id() or 0
    if before:
        raise StoreNotEmpty(
            f"the store already holds {before} events; the demo runs on an empty store (use --fresh to start again)",
            field="data_dir",
        )
    if today() < TODAY:
        raise FutureBusinessDate(
            f"the demo records days up to {TODAY}, after today ({today()}); unset CASES_TODAY or set it to {TODAY} or later",
            field="CASES_TODAY", today=today().isoformat(),
        )  # fmt: skip
    desks = {code: Desk(app, code) for code in SCENARIOS}
    for code, scenario in SCENARIOS.items():
        scenario(desks[code])
    complaints = hotline(app, desks)
    bodies = [summarise_body(app, desk) for desk in desks.values()]  # read back after the hotline's sanctions
    return DemoRecord(tuple(bodies), (app.recorder.max_notification_id() or 0) - before, complaints)


# --- the store the demo writes to -----------------------------------------------------------------


def demo_settings(settings: Settings) -> Settings:
    """The demo always writes to the embedded SQLite store under the data directory."""
    return replace(settings, database_url=None, postgres_schema=None)


def discard_store(settings: Settings) -> None:
    """Delete the SQLite event file (and its journal files); the ID hash key stays."""
    store = settings.data_dir / "events.sqlite"
    for path in (store, *(store.with_name(store.name + suffix) for suffix in ("-wal", "-shm", "-journal"))):
        path.unlink(missing_ok=True)
