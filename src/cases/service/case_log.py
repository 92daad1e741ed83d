"""Finding aggregates by reading the notification log: every case ever applied, every sitting ever planned.

Only the scheduling rules over a month or a window read it now (`Scheduling.apply_cohort_rule`, `carry_december`,
`fold_window`): a command decides on the log as it stands, never on a read model that may lag it (a cohort counted
short would defer a month that holds). The month's plan and the late lists are read models' answers
(`cases.projections.month_plan`, `case_index.late_on`). It reads only the creation events, by topic, then loads each
aggregate: a scan of every case, bounded only by the log's size.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.utils import get_topic

from cases.aggregates.evaluation_case import EvaluationCase
from cases.aggregates.sitting import Sitting

if TYPE_CHECKING:
    from cases.service.unit_of_work import UnitOfWork

PAGE = 1000


def _created_ids(work: UnitOfWork, topic: str) -> Iterator[UUID]:
    start = 1
    while True:
        page = work.store.recorder.select_notifications(start=start, limit=PAGE, topics=[topic])
        for notification in page:
            yield notification.originator_id
        if len(page) < PAGE:
            return
        start = page[-1].id + 1


def case_ids(work: UnitOfWork) -> Iterator[UUID]:
    return _created_ids(work, get_topic(EvaluationCase.Applied))


def sitting_ids(work: UnitOfWork) -> Iterator[UUID]:
    return _created_ids(work, get_topic(Sitting.Planned))


def all_cases(work: UnitOfWork) -> Iterator[EvaluationCase]:
    for case_id in case_ids(work):
        yield work.case(case_id)


def all_sittings(work: UnitOfWork) -> Iterator[Sitting]:
    for sitting_id in sitting_ids(work):
        yield work.sitting(sitting_id)
