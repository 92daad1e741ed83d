"""The refusals of looking a case up in the rule book: a year, body, project or level it does not hold, or a day
outside a body's fixed window. Their own module so that the loader (`RuleBook.for_year`) and the lookups share them
without importing each other."""

from __future__ import annotations

from cases.errors import InvalidInput, NotFound, RuleViolation


class NoRuleBookForYear(RuleViolation):
    code = "no_rulebook_for_year"


class UnknownBody(NotFound):
    code = "unknown_body"


class UnknownProject(NotFound):
    code = "unknown_project"


class UnknownLevel(InvalidInput):
    code = "unknown_level"


class ApplicationOutsideWindow(RuleViolation):
    code = "application_outside_window"
