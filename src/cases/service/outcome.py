"""What every command answers: the aggregate it is about as the command saved it, the log position its write
reached (for read-your-writes), and the command's own result (an id, a stage, a number, the fee due…)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class Outcome:
    """`id`, `version`, `stage`: the aggregate the command is about, as saved (None for a rule over many, e.g. a
    month's cohort rule). `position`: the log position of the write (None: nothing was written). `level`: a
    complaint's level (who acts on it now)."""

    id: UUID | None
    version: int | None
    stage: str | None
    position: int | None
    result: Any = None
    level: str | None = None

    @classmethod
    def of(cls, aggregate: Any, position: int | None, result: Any = None, *, level: str | None = None) -> Outcome:
        stage = getattr(aggregate, "stage", None) or getattr(aggregate, "status", None)  # a sitting has a status
        return cls(aggregate.id, aggregate.version, stage, position, result, level)


class ResultsOnly:
    """A use-case family as the demo, the CLI and the tests call it: each command answers its result alone (an id,
    a date, the decision), like the application's own methods; reads pass through unchanged."""

    def __init__(self, family: Any) -> None:
        self.family = family

    def __getattr__(self, name: str) -> Any:
        member = getattr(self.family, name)
        if not callable(member):
            return member

        @wraps(member)
        def call(*args: Any, **kwargs: Any) -> Any:
            answer = member(*args, **kwargs)
            return answer.result if isinstance(answer, Outcome) else answer

        return call
