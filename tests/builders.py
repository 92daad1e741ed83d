"""Realistic cases built through the public application API (never by poking state)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

import pytest

from cases.service.application import CasesApplication
from cases.errors import DomainError
from cases.identity import make_test_id_number
from cases.rulebook.loader import DATA_DIR, RuleBook, load_rulebook

_sequence = itertools.count(101)
FULL_ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9])")  # a full ID number, to prove none is shown

PROJECTS: dict[str, tuple[str, str | None]] = {
    "wgsh": ("互联网营销师", "视频创推员"),
    "dsxh": ("电子商务师", "网商"),
    "dmtxh": ("全媒体运营师", "直播运营"),
    "migu": ("全媒体运营师", "创意策划"),
    "jsxh": ("企业人力资源管理师", None),
}


def new_id_number(birth: date = date(1992, 6, 15)) -> str:
    """A valid, unique ID number (region 310101, Shanghai Huangpu)."""
    return make_test_id_number(region="310101", birth=birth, sequence=next(_sequence) % 1000)


def worked(occupation: str, since: str, until: str | None = None) -> dict[str, Any]:
    """Evidence of having worked in an occupation (ongoing unless `until`)."""
    return {"work": [{"occupation": occupation, "start": since, "end": until}]}


def apply(
    app: CasesApplication,
    *,
    body: str = "wgsh",
    level: int = 3,
    applied_on: date = date(2026, 3, 2),
    id_number: str | None = None,
    name: str = "王芳",
    evidence: dict[str, Any] | None = None,
    occupation: str | None = None,
    work_type: str | None = "-",
    actor: str = "registrar-1",
    **extra: Any,
) -> UUID:
    default_occupation, default_work_type = PROJECTS[body]
    occupation = occupation or default_occupation
    return app.apply(
        name=name,
        id_number=id_number or new_id_number(),
        body=body,
        occupation=occupation,
        work_type=default_work_type if work_type == "-" else work_type,
        level=level,
        applied_on=applied_on,
        actor=actor,
        evidence=evidence if evidence is not None else worked(occupation, "2010-01-01"),
        **extra,
    )


def approved(app: CasesApplication, *, decided_on: date | None = None, **application: Any) -> UUID:
    case_id = apply(app, **application)
    on = decided_on or application.get("applied_on", date(2026, 3, 2))
    stage = app.review(case_id, decided_on=on, actor="registrar-1")
    assert stage == "awaiting_payment", stage
    return case_id


def paid(app: CasesApplication, *, paid_on: date | None = None, **application: Any) -> UUID:
    case_id = approved(app, **application)
    case = app.get_case(case_id)
    app.pay_fee(case_id, amount=case.fee_due["total"], paid_on=paid_on or case.pay_from or case.pay_by, actor="registrar-1")
    return case_id


def sat_with_scores(app: CasesApplication, case_id: UUID, sat_on: date, scores: dict[str, float], recorded_on: date | None = None) -> str:
    app.record_attendance(case_id, sat_on=sat_on, attended=True, actor="examiner-1")
    stage = ""
    for subject, score in scores.items():
        stage = app.record_result(case_id, subject=subject, score=score, recorded_on=recorded_on or sat_on, actor="examiner-1")
    return stage


def event_count(app: CasesApplication) -> int:
    """How many events the whole log holds (to prove a refused command wrote nothing)."""
    return app.recorder.max_notification_id() or 0


E = TypeVar("E", bound=DomainError)


def refused(app: CasesApplication, error: type[E], command: Callable[[], object]) -> E:
    """Run a command that must be refused with `error`, prove it wrote nothing, and return the error."""
    before = event_count(app)
    with pytest.raises(error) as caught:
        command()
    assert event_count(app) == before, f"the refused command ({caught.value.code}) wrote events"
    return caught.value


def event_names(app: CasesApplication, aggregate_id: UUID) -> list[str]:
    """The names of an aggregate's stored events, in order ("Applied", "Approved", ...)."""
    return [type(e).__name__ for e in app.events.get(aggregate_id)]


def events_named(app: CasesApplication, aggregate_id: UUID, name: str) -> list[Any]:
    """An aggregate's stored events of one name, oldest first."""
    return [e for e in app.events.get(aggregate_id) if type(e).__name__ == name]


def certify(
    app: CasesApplication, case_id: UUID, *, sat_on: date, recorded_on: date | None = None, issued_on: date | None = None
) -> str:
    """Sit every subject and pass it, then issue the certificate; returns its number."""
    subjects = app.get_case(case_id).subjects
    stage = sat_with_scores(app, case_id, sat_on, {s: 80 for s in subjects}, recorded_on)
    assert stage == "qualified", stage
    return app.issue_certificate(case_id, issued_on=issued_on or recorded_on or sat_on, actor="registrar-1")


def rulebook_through(directory: Path, *years: int) -> RuleBook:
    """The 2026 rule book plus copies of it for later years (every 2026 date moved into that year), for stories
    that run past 2026: a ban that ends, a window that closes, a certificate held for years."""
    directory.mkdir(parents=True, exist_ok=True)
    text = (DATA_DIR / "2026.toml").read_text(encoding="utf-8")
    (directory / "2026.toml").write_text(text, encoding="utf-8")
    for year in years:
        later = text.replace("year = 2026", f"year = {year}").replace('"2026-', f'"{year}-')
        (directory / f"{year}.toml").write_text(later, encoding="utf-8")
    return load_rulebook(data_dir=directory)
