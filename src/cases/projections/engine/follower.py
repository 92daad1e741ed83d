"""The aggregate as it stands just after an event, for projections that restate a case (`UnitOfWork.aggregate_after`).

The domain's own `mutate` builds it, so no projection re-implements the case's stage machine.
"""

from __future__ import annotations

import inspect
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from eventsourcing.domain import CanMutateAggregate, DecoratedFuncCaller, decorated_funcs

_MISSING = object()


def _applier(event_class: type) -> tuple[Callable[..., Any], frozenset[str]] | None:
    """For an `@event`-decorated event class whose `apply` is the library's own and nothing else in its MRO
    applies anything: the decorated method and its parameter names. None: mutate through the library."""
    if not issubclass(event_class, DecoratedFuncCaller) or event_class.apply is not DecoratedFuncCaller.apply:
        return None
    after = event_class.__mro__[event_class.__mro__.index(DecoratedFuncCaller) + 1 :]
    if any("apply" in vars(k) for k in after if k is not CanMutateAggregate):
        return None
    method = decorated_funcs[event_class]
    return method, frozenset(inspect.signature(method).parameters)


_APPLIERS: dict[type, tuple[Callable[..., Any], frozenset[str]] | None] = {}


def mutated(event: Any, aggregate: Any) -> Any:
    """`event.mutate(aggregate)` with the library's semantics for `@event` methods (the method called with the
    event attributes its signature names; then version and modified_on), the signature read once per event
    class rather than per event. Anything else (a created event, a version out of sequence) goes through the
    library itself."""
    event_class = type(event)
    applier = _APPLIERS.get(event_class, _MISSING)
    if applier is _MISSING:
        applier = _APPLIERS[event_class] = _applier(event_class)
    if applier is None or aggregate is None or event.originator_version != aggregate.version + 1 or event.originator_id != aggregate.id:
        return event.mutate(aggregate)
    method, names = applier
    method(aggregate, **{k: v for k, v in event.__dict__.items() if k in names})
    aggregate.version = event.originator_version
    aggregate.modified_on = event.timestamp
    return aggregate


class AggregateFollower:
    """The aggregate as it stands just after an event, by the domain's own `mutate` (so no projection re-implements
    the case's stage machine). Kept per runner; a miss loads the aggregate at the version before the event, which
    history makes deterministic."""

    def __init__(self, load: Callable[[Any, int], Any], capacity: int = 50_000) -> None:
        self.load = load
        self.capacity = capacity
        self.aggregates: OrderedDict[Any, Any] = OrderedDict()

    def after(self, event: Any) -> Any:
        key, version = event.originator_id, event.originator_version
        current = self.aggregates.get(key)
        if current is not None and current.version == version:
            return current  # another projection already followed this event
        if current is None or current.version != version - 1:
            current = self.load(key, version - 1) if version > 1 else None
        current = mutated(event, current)
        self.aggregates[key] = current
        self.aggregates.move_to_end(key)
        if len(self.aggregates) > self.capacity:
            self.aggregates.popitem(last=False)
        return current

    def clear(self) -> None:
        self.aggregates.clear()
