"""Finding what a case is for: body, project and level in the year's catalogue, and its fixed window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cases.rulebook.loader import RuleBook
from cases.rulebook.lookup_errors import (  # noqa: F401  (named here too, where callers look for them)
    ApplicationOutsideWindow,
    NoRuleBookForYear,
    UnknownBody,
    UnknownLevel,
    UnknownProject,
)
from cases.rulebook.model import Body, Catalogue, FixedWindow, LevelOffer, Project


@dataclass(frozen=True)
class Offer:
    """What one case is evaluated on, as the year's catalogue defines it."""

    catalogue: Catalogue
    body: Body
    project: Project
    level: LevelOffer

    @property
    def validity_years(self) -> int:
        return self.catalogue.validity.years_by_level[self.level.level]


def find_offer(
    rulebook: RuleBook, *, body: str, occupation: str, work_type: str | None, level: int, year: int, year_field: str = "applied_on"
) -> Offer:
    """`year_field`: the request's field the year came from, named when no rule book covers it."""
    catalogue = rulebook.for_year(year, field=year_field)
    found_body = catalogue.body(body)
    if found_body is None:
        known = ", ".join(b.code for b in catalogue.bodies)
        raise UnknownBody(f"no evaluation body {body!r} in the {catalogue.year} rule book (known: {known})", field="body")
    project = found_body.project(occupation, work_type)
    if project is None:
        offered = "; ".join(p.title for p in found_body.projects)
        raise UnknownProject(
            f"{found_body.name} offers no project {occupation} ({work_type or '-'}) in {catalogue.year} (offered: {offered})",
            field="work_type" if any(p.occupation == occupation for p in found_body.projects) else "occupation",
            clause=f"seed {found_body.seed} 一",
        )
    offer = project.level(level)
    if offer is None:
        levels = ", ".join(str(lv.level) for lv in project.levels)
        raise UnknownLevel(
            f"{found_body.name} offers {project.title} at levels {levels} in {catalogue.year}, not level {level}",
            field="level",
            clause=f"seed {found_body.seed} 一",
        )
    return Offer(catalogue, found_body, project, offer)


def window_for_application(body: Body, level: int, on: date, *, field: str = "applied_on", what: str = "applications") -> FixedWindow:
    """The fixed window whose application dates contain `on` (seed 004 二(三)); otherwise name the next one. `field`
    is the request's field `on` came from (`requested_on` for a retake request), `what` what is being refused."""
    for window in body.windows:
        if level in window.levels and window.applications[0] <= on <= window.applications[1]:
            return window
    upcoming = [w for w in body.windows if level in w.levels and w.applications[0] > on]
    if upcoming:
        nxt = min(upcoming, key=lambda w: w.applications[0])
        hint = f"the next window is {nxt.name}: applications {nxt.applications[0]} to {nxt.applications[1]}"
    else:
        hint = "no further window is published this year"
    raise ApplicationOutsideWindow(
        f"{body.name} accepts {what} only inside its fixed windows' application dates; {on} is outside them ({hint})",
        field=field,
        clause=f"seed {body.seed} 二(三)",
        next_window=nxt.name if upcoming else None,
    )
