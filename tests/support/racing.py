"""A worker process for the two-writer test: it loads a case, waits at a barrier, then commands and saves.

The barrier sits just before the append, after both processes have read the same version, so the race is
real and repeatable; the outcome is whatever the event store decides.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from cases.service.application import CasesApplication
from cases.errors import DomainError
from cases.settings import Settings


class AppThatWaitsBeforeSaving(CasesApplication):
    name = "cases"  # the same tables as the real application (a subclass would otherwise get its own)
    barrier = None

    def save(self, *aggregates, **kwargs):
        if self.barrier is not None:
            self.barrier.wait(timeout=60)
        return super().save(*aggregates, **kwargs)


def pay_after_barrier(settings: Settings, case_id: str, amount: int, paid_on: str, barrier, results) -> None:
    app = AppThatWaitsBeforeSaving(settings)
    app.barrier = barrier
    try:
        app.pay_fee(UUID(case_id), amount=amount, paid_on=date.fromisoformat(paid_on), actor=f"registrar-{amount}")
        results.put("accepted")
    except DomainError as error:
        results.put(error.code)
    finally:
        app.close()


def open_after_barrier(settings: Settings, barrier, results) -> None:
    """Start an application (which creates the event store's tables) at the same moment as the others."""
    barrier.wait(timeout=60)
    try:
        CasesApplication(settings).close()
        results.put("opened")
    except Exception as error:  # the test reports what went wrong in this process
        results.put(f"{type(error).__name__}: {error}")
