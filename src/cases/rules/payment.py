"""When a fee must be paid (申报缴费, DOMAIN §4).

Seed 000 二(四)1: within 3 working days of approval, counted when the money reaches the body's account;
seeds 001-003 "within the stipulated time" (Decision: 3 working days unless the catalogue says otherwise);
seed 004 二(四): within the fixed window's payment dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from cases.calendar.working_days import WorkingDayCalendar
from cases.rulebook.model import Body, FixedWindow


@dataclass(frozen=True)
class PaymentDue:
    due_on: date
    opens_on: date | None
    provisional: bool
    basis: str
    clause: str
    window: str | None = None  # the fixed window the payment belongs to (seed 004)

    def to_dict(self) -> dict[str, Any]:
        return {
            "due_on": self.due_on.isoformat(),
            "opens_on": self.opens_on.isoformat() if self.opens_on else None,
            "provisional": self.provisional,
            "basis": self.basis,
            "clause": self.clause,
            **({"window": self.window} if self.window else {}),
        }


def payment_due(body: Body, decided_on: date, calendar: WorkingDayCalendar, window: FixedWindow | None) -> PaymentDue:
    if body.payment.rule == "window":
        assert window is not None, "a window-paying body's case always has its window"
        return PaymentDue(window.payment[1], window.payment[0], False, f"{window.name} window payment dates", body.payment.clause, window.name)
    deadline = calendar.add_working_days(decided_on, body.payment.working_days or 3)
    return PaymentDue(deadline.due, None, deadline.provisional, deadline.basis, body.payment.clause)
