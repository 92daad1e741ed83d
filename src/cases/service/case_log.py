"""Finding aggregates by reading the notification log: every case ever applied, every sitting ever planned.

A plain scan, good for the embedded default and for the plans and late lists until the read models
(projections) index them; it reads only the creation events, by topic.
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
