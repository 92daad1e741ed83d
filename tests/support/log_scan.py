"""The log scan the read models replaced, kept as the tests' oracle: every case and sitting read off the
notification log by its creation event, and what was late on a day computed from the aggregates themselves. A read
model's answer is proved by equalling this one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from cases.aggregates.evaluation_case import EvaluationCase
from cases.aggregates.sitting import Sitting
from cases.provisional import deadline_fields, flagged
from cases.service.application import CasesApplication

PAGE = 1000


def created_ids(app: CasesApplication, topic: str) -> Iterator[UUID]:
    start = 1
    while True:
        page = app.recorder.select_notifications(start=start, limit=PAGE, topics=[topic])
        yield from (notification.originator_id for notification in page)
        if len(page) < PAGE:
            return
        start = page[-1].id + 1


def all_cases(app: CasesApplication) -> Iterator[EvaluationCase]:
    return (app.work.case(case_id) for case_id in created_ids(app, get_topic(EvaluationCase.Applied)))


def all_sittings(app: CasesApplication) -> Iterator[Sitting]:
    return (app.work.sitting(sitting_id) for sitting_id in created_ids(app, get_topic(Sitting.Planned)))


def late_on(app: CasesApplication, day: date) -> dict[str, list[dict[str, Any]]]:
    """What was late on a day, by reading every case (as `Scheduling.late_on` did before the case index served it)."""
    late: dict[str, list[dict[str, Any]]] = {"payments_overdue": [], "results_late": [], "certificates_late": []}
    for case in all_cases(app):
        line = {"case_id": str(case.id), "body": case.body, "holder": case.holder_id_masked, "level": case.level}
        owed = deadline_fields("due", case.results_due)
        due, results_flag = owed["due"], owed["due_provisional"]
        if case.stage == "awaiting_payment" and case.pay_by and day > case.pay_by:
            late["payments_overdue"].append({**line, **flagged("due", str(case.pay_by), case.pay_by_provisional)})
        elif case.stage == "awaiting_results" and due and day > due:
            late["results_late"].append({**line, **flagged("due", str(due), results_flag)})
        elif case.stage == "qualified" and due and day > due:
            late["certificates_late"].append({**line, **flagged("due", str(due), results_flag)})
    return late
