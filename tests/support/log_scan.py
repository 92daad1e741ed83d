"""The log scans the read models replaced, kept as the tests' oracle: every case and sitting read off the
notification log by its creation event, and what was late on a day and the month's plan computed from the aggregates
themselves (as `Scheduling.late_on` and `Scheduling.month_plan` did). A read model's answer is proved by equalling
this one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from cases.aggregates.evaluation_case import EvaluationCase
from cases.aggregates.sitting import Sitting
from cases.provisional import deadline_fields, flagged
from cases.rulebook.model import Body
from cases.rules.schedule import cohort_decision, cohort_key, parse_month, ticket_available_from
from cases.rules.service_levels import results_due
from cases.service.application import CasesApplication

PAGE = 1000
WAITING = ("awaiting_payment", "ready_to_sit")


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


def month_plan(app: CasesApplication, plan_month: str) -> list[dict[str, Any]]:
    """Per body: the month's sittings, cohorts and deferrals, by reading every case and sitting."""
    year, _ = parse_month(plan_month)
    cases, sittings = list(all_cases(app)), list(all_sittings(app))
    catalogue = app.rulebook.for_year(max(y for y in app.rulebook.years if y <= year))
    return [
        _body_plan(app, body, plan_month, [c for c in cases if c.body == body.code], [s for s in sittings if s.body == body.code])
        for body in catalogue.bodies
    ]


def _body_plan(app: CasesApplication, body: Body, plan_month: str, cases: list[EvaluationCase], sittings: list[Sitting]) -> dict[str, Any]:
    waiting = [c for c in cases if c.stage in WAITING and not c.is_retake_round and c.plan_month() == plan_month]
    sitting_lines = []
    for sitting in (s for s in sittings if s.plan_month == plan_month):
        window = next((w for w in body.windows if w.name == sitting.window_name), None)
        project = next((p for p in body.projects if (p.occupation, p.work_type) == (sitting.occupation, sitting.work_type)), None)
        tickets_from = ticket_available_from(body, sitting.first_day, window)
        owed = results_due(body, sitting.last_day, project.marking.involved if project else False, app.calendar)
        sitting_lines.append({
            "sitting_id": str(sitting.id), "occupation": sitting.occupation, "work_type": sitting.work_type,
            "levels": sitting.levels, "dates": [str(d) for d in sitting.dates], "venue": sitting.venue,
            "capacity": sitting.capacity, "headcount": sitting.headcount, "status": sitting.status,
            "tickets_from": str(tickets_from) if tickets_from else None, **flagged("results_due", owed.due.isoformat(), owed.provisional),
        })  # fmt: skip
    deferred_in = [
        {"case_id": str(c.id), "from_month": d["from_month"], "reason": d["reason"], "notify_by": str(d["notify_by"]) if d["notify_by"] else None}
        for c in cases for d in c.deferrals if d["to_month"] == plan_month
    ]  # fmt: skip
    deferred_out = [
        {"case_id": str(c.id), "to_month": d["to_month"], "reason": d["reason"], "notify_by": str(d["notify_by"]) if d["notify_by"] else None}
        for c in cases for d in c.deferrals if d["from_month"] == plan_month
    ]  # fmt: skip
    return {"body": body.code, "name": body.name, "sittings": sitting_lines, "cohorts": _cohort_lines(body, waiting),
            "deferred_in": deferred_in, "deferred_out": deferred_out}  # fmt: skip


def _cohort_lines(body: Body, waiting: list[EvaluationCase]) -> list[dict[str, Any]]:
    units: dict[tuple, list[EvaluationCase]] = defaultdict(list)
    for case in waiting:
        units[cohort_key(body, case.occupation, case.work_type, case.level)].append(case)
    lines = []
    for members in units.values():
        decision = cohort_decision(body, len(members))
        groups: dict[tuple, int] = defaultdict(int)
        for case in members:
            groups[(case.occupation, case.work_type, case.level)] += 1
        lines += [
            {"occupation": o, "work_type": w, "level": lv, "headcount": n, "counted_per": decision.counted_per,
             "counted": decision.headcount, "holds": decision.holds, "minimum": decision.minimum, "clause": decision.clause}
            for (o, w, lv), n in groups.items()
        ]  # fmt: skip
    return sorted(lines, key=lambda line: str((line["occupation"], line["work_type"], line["level"])))
