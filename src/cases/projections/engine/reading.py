"""Reading the log for projections: pages of plain rows from the event store, and a decoder that gives exactly
the events the library's `Mapper.to_domain_event` gives, in about half its time. The rows come from the recorders'
`select_notification_rows` (cases.event_store).

Reading and decoding were nearly half of a full rebuild (bench/projections.py, py-spy): the library builds a
frozen `Notification` and a fresh `UUID` for every row, and its JSON transcoder calls a Python hook for every
object in every payload. Projections read the same table through `select_notification_rows` (tuples; one UUID
per aggregate) and decode with `EventDecoder`: orjson parses, and only the objects that can be transcoded values
(`{"_type_": …, "_data_": …}`, decoded by the transcoder's own registered transcodings, innermost first as the
library's hook does) are visited in Python. Anything the fast path does not handle exactly as the library would
goes through the library's own mapper, which also raises its own errors: a cipher or compressor, a transcoder that
is not the library's JSON one, text orjson refuses (NaN, a lone surrogate), an unregistered type name, and a
float parsed where the text has a run of 19 digits (orjson reads an integer beyond 64 bits as a float, without an
error). tests/test_event_decoding.py holds the two decoders equal over a whole log.
"""

from __future__ import annotations

from typing import Any

import orjson
from eventsourcing.persistence import JSONTranscoder, Mapper, StoredEvent, find_id_convertor
from eventsourcing.utils import resolve_topic

from cases.event_store import NotificationRow

# orjson reads an integer beyond 64 bits as a float: an event in which a float was parsed is decoded by the library
# when its text has a run of 19 digits (found by reading every digit as 0, any other byte as itself).
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_NINETEEN_DIGITS = b"0" * 19


class EventDecoder:
    """`decode(row)` is `mapper.to_domain_event(the row's notification)`: same class, same attributes. One per
    thread (it notes, per event, whether a float was parsed): each FollowAll has its own."""

    def __init__(self, mapper: Mapper[Any]) -> None:
        self.mapper = mapper
        transcoder = mapper.transcoder
        self.fast = mapper.cipher is None and mapper.compressor is None and type(transcoder) is JSONTranscoder
        names = transcoder.names if isinstance(transcoder, JSONTranscoder) else {}
        self.decoders = {name: transcoding.decode for name, transcoding in names.items()}
        self.classes: dict[tuple[str, type], tuple[type, Any, int]] = {}  # → (event class, id convertor, class version)
        self.saw_float = False  # in the event being decoded: only then can orjson have read a long integer as one

    def decode(self, row: NotificationRow) -> Any:
        if self.fast:
            self.saw_float = False
            try:
                event = self._decode(row)
            except Exception:  # noqa: BLE001 - the library decodes it, or raises its own error
                pass
            else:
                if not self.saw_float or _NINETEEN_DIGITS not in row[4].translate(_DIGITS_AS_ZERO):
                    return event
        _, originator_id, version, topic, state = row
        return self.mapper.to_domain_event(StoredEvent(originator_id=originator_id, originator_version=version, topic=topic, state=state))

    def _decode(self, row: NotificationRow) -> Any:
        _, originator_id, version, topic, state = row
        known = self.classes.get((topic, type(originator_id)))
        if known is None:
            cls = resolve_topic(topic)
            known = (cls, find_id_convertor(cls, type(originator_id)), getattr(cls, "class_version", 1))
            self.classes[(topic, type(originator_id))] = known
        cls, convert_id, class_version = known
        parsed = orjson.loads(state)
        if type(parsed) is not dict:
            raise TypeError("not an event's state")
        event_state = self._object(parsed)
        if type(event_state) is not dict:
            raise TypeError("not an event's state")
        event_state["originator_id"] = convert_id(originator_id)
        event_state["originator_version"] = version
        from_version = event_state.pop("class_version", 1)
        while from_version < class_version:
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(event_state)
            from_version += 1
        event = object.__new__(cls)
        object.__setattr__(event, "__dict__", event_state)
        return event

    def _object(self, value: dict[str, Any]) -> Any:
        """The library's object hook over a parsed object: the objects inside it first, then the object itself."""
        decoders = self.decoders
        for key, inner in value.items():
            kind = type(inner)
            if kind is dict:
                if len(inner) == 2 and type(inner.get("_data_")) is str and "_type_" in inner:
                    value[key] = decoders[inner["_type_"]](inner["_data_"])  # the usual typed value, directly
                else:
                    value[key] = self._object(inner)
            elif kind is list:
                value[key] = self._array(inner)
            elif kind is float:
                self.saw_float = True
        if len(value) == 2 and "_type_" in value and "_data_" in value:
            return decoders[value["_type_"]](value["_data_"])
        return value

    def _array(self, value: list[Any]) -> list[Any]:
        for index, inner in enumerate(value):
            kind = type(inner)
            if kind is dict:
                value[index] = self._object(inner)
            elif kind is list:
                value[index] = self._array(inner)
            elif kind is float:
                self.saw_float = True
        return value
