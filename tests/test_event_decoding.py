"""The projections' reader (the recorders' `select_notification_rows` and cases.projections.engine.reading) gives what
the library gives: the same rows as `select_notifications`, and the same events as `Mapper.to_domain_event`, on
the whole demo year and on payloads built to reach every branch the library's JSON hook has (and those orjson
refuses)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.cipher import AESCipher
from eventsourcing.persistence import MapperDeserialisationError, StoredEvent
from eventsourcing.utils import register_topic

from cases.aggregates.evaluation_case import EvaluationCase
from cases.service.application import CasesApplication
from cases.demo import run_demo
from cases.projections.engine.reading import EventDecoder
from tests.builders import approved

FEE_PAID = "cases.aggregates.evaluation_case:EvaluationCase.FeePaid"


@pytest.fixture(scope="module")
def demo_year(tmp_path_factory, rulebook, calendar):
    from cases.settings import Settings

    app = CasesApplication(Settings(data_dir=tmp_path_factory.mktemp("demo"), id_hash_key="k"), rulebook=rulebook, calendar=calendar)
    run_demo(app)
    yield app
    app.close()


def same_event(decoded: Any, expected: Any) -> bool:
    return type(decoded) is type(expected) and decoded.__dict__ == expected.__dict__


def library_events(app: CasesApplication) -> list[Any]:
    return app.recorder.select_notifications(start=1, limit=1_000_000)


def test_every_event_of_the_demo_year_decodes_to_the_librarys_event(demo_year: CasesApplication):
    notifications = library_events(demo_year)
    rows = demo_year.recorder.select_notification_rows(1, 1_000_000)
    decoder = EventDecoder(demo_year.mapper)
    assert decoder.fast
    assert len({n.topic for n in notifications}) > 25  # the demo reaches most kinds of event
    assert [row[0] for row in rows] == [n.id for n in notifications]
    for row, notification in zip(rows, notifications):
        assert row == (notification.id, notification.originator_id, notification.originator_version, notification.topic, notification.state)
        assert same_event(decoder.decode(row), demo_year.mapper.to_domain_event(notification)), notification.topic


@pytest.mark.parametrize("start,limit,stop,topics", [
    (1, 10, None, ()), (5, 3, None, ()), (1, 1000, 40, ()), (30, 1000, 12, ()),
    (1, 1000, None, [FEE_PAID]), (20, 7, 400, [FEE_PAID, "cases.aggregates.candidate:Candidate.Registered"]),
    (10**9, 10, None, ()),
])  # fmt: skip
def test_rows_are_the_librarys_notifications_for_any_start_limit_stop_and_topics(demo_year, start, limit, stop, topics):
    expected = demo_year.recorder.select_notifications(start=start, limit=limit, stop=stop, topics=topics)
    rows = demo_year.recorder.select_notification_rows(start, limit, stop, topics)
    assert rows == [(n.id, n.originator_id, n.originator_version, n.topic, n.state) for n in expected]


def test_rows_on_either_backend_are_the_librarys_notifications(app: CasesApplication):
    assert hasattr(app.recorder, "select_notification_rows")  # this product's recorder on either backend
    approved(app)
    approved(app)
    expected = app.recorder.select_notifications(start=2, limit=100, stop=9)
    assert app.recorder.select_notification_rows(2, 100, 9) == [(n.id, n.originator_id, n.originator_version, n.topic, n.state) for n in expected]
    decoder = EventDecoder(app.mapper)
    for row, notification in zip(app.recorder.select_notification_rows(1, 100), app.recorder.select_notifications(start=1, limit=100)):
        assert same_event(decoder.decode(row), app.mapper.to_domain_event(notification))


def row_of(state: bytes, topic: str = FEE_PAID) -> tuple[int, Any, int, str, bytes]:
    return (1, uuid4(), 3, topic, state)


def library_decode(app: CasesApplication, row: tuple[int, Any, int, str, bytes]) -> Any:
    _, originator_id, version, topic, state = row
    return app.mapper.to_domain_event(StoredEvent(originator_id=originator_id, originator_version=version, topic=topic, state=state))


EDGE_PAYLOADS = {
    "typed values nested in lists and objects": b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-03-02T08:00:00+00:00"},'
    b'"lines":[{"on":{"_type_":"date","_data_":"2026-03-02"},"ids":[{"_type_":"uuid_hex","_data_":"0123456789abcdef0123456789abcdef"}]}],'
    b'"deep":{"a":{"b":[[{"_type_":"decimal_str","_data_":"1.50"}]]}}}',
    "three keys are not a typed value": b'{"x":{"_type_":"date","_data_":"2026-01-01","extra":1}}',
    "one key is not a typed value": b'{"x":{"_type_":"date"},"y":{"_data_":"2026-01-01"}}',
    "non-ascii text and escapes": '{"name":"欧阳娜娜","note":"tab\\t\\u00e9 \\ud83d\\ude00","empty":{},"list":[]}'.encode(),
    "floats, negatives and nulls": b'{"a":0.1,"b":-2,"c":1e300,"d":null,"e":true,"f":[1.5,-0.0]}',
    "NaN and infinities (orjson refuses them)": b'{"a":NaN,"b":Infinity,"c":-Infinity}',
    "integers beyond 64 bits (orjson reads them as floats)": b'{"a":123456789012345678901234567890,"b":-9223372036854775809,'
    b'"c":18446744073709551616,"d":18446744073709551615}',
    "a float beyond the double range": b'{"a":1E400,"b":-1e999}',
    "a long run of digits in text": b'{"a":"12345678901234567890123"}',
    "a long integer beside a float, nested": b'{"a":{"b":[1.5,{"c":123456789012345678901234567890}]}}',
    "a float and a long run of digits in text": b'{"a":2.5,"b":"12345678901234567890123"}',
    "a lone surrogate": b'{"a":"\\ud800"}',
    "duplicate keys": b'{"a":1,"a":2}',
}


@pytest.mark.parametrize("name", list(EDGE_PAYLOADS))
def test_edge_payloads_decode_as_the_library_decodes_them(app: CasesApplication, name: str):
    row = row_of(EDGE_PAYLOADS[name])
    assert same_event(EventDecoder(app.mapper).decode(row), library_decode(app, row))


@pytest.mark.parametrize("state", [
    b'{"x":{"_type_":"no_such_type","_data_":"1"}}', b"not json", b'{"a":', b"[1,2]", b'{"x":{"_type_":["date"],"_data_":"1"}}',
    b'{"x":{"_type_":"date","_data_":{"_type_":"date","_data_":"2026-01-01"}}}',  # inner first: a date is no ISO text
])  # fmt: skip
def test_what_the_library_refuses_is_refused_with_the_librarys_error(app: CasesApplication, state: bytes):
    row = row_of(state)
    with pytest.raises(Exception) as expected:
        library_decode(app, row)
    with pytest.raises(type(expected.value)) as raised:
        EventDecoder(app.mapper).decode(row)
    assert str(raised.value) == str(expected.value)


class Renamed(EvaluationCase.FeePaid):
    """An event class at version 3, whose stored events of version 1 and 2 are upcast on decoding."""

    class_version = 3

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["amount"] = state.pop("sum")

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        state["kind"] = state.get("kind") or "full"


@pytest.mark.parametrize("state", [b'{"sum":5}', b'{"amount":6,"class_version":2}', b'{"amount":7,"kind":"retake","class_version":3}'])
def test_older_class_versions_are_upcast_as_the_library_upcasts_them(app: CasesApplication, state: bytes):
    register_topic("tests.test_event_decoding:Renamed", Renamed)
    row = row_of(state, topic="tests.test_event_decoding:Renamed")
    decoded = EventDecoder(app.mapper).decode(row)
    assert same_event(decoded, library_decode(app, row))
    assert type(decoded) is Renamed and decoded.amount in (5, 6, 7) and decoded.kind in ("full", "retake")


def test_encrypted_payloads_go_through_the_librarys_mapper(tmp_path, rulebook, calendar):
    from cases.settings import Settings

    settings = Settings(data_dir=tmp_path, id_hash_key="k", cipher_key=AESCipher.create_key(32))
    app = CasesApplication(settings, rulebook=rulebook, calendar=calendar)
    approved(app)
    decoder = EventDecoder(app.mapper)
    assert not decoder.fast
    for row, notification in zip(app.recorder.select_notification_rows(1, 100), library_events(app)):
        assert same_event(decoder.decode(row), app.mapper.to_domain_event(notification))
    app.close()
    wrong = CasesApplication(replace(settings, cipher_key=AESCipher.create_key(32)), rulebook=rulebook, calendar=calendar)
    row = wrong.recorder.select_notification_rows(1, 1)[0]
    with pytest.raises(MapperDeserialisationError) as expected:
        library_decode(wrong, row)
    with pytest.raises(MapperDeserialisationError) as refused:
        EventDecoder(wrong.mapper).decode(row)
    assert str(refused.value) == str(expected.value)
    wrong.close()


def test_an_unknown_topic_is_refused_as_the_library_refuses_it(app: CasesApplication):
    row = row_of(b'{"a":1}', topic="cases.aggregates.nowhere:Nothing.Happened")
    with pytest.raises(Exception) as expected:
        library_decode(app, row)
    with pytest.raises(type(expected.value)):
        EventDecoder(app.mapper).decode(row)
    assert not isinstance(expected.value, MapperDeserialisationError)
