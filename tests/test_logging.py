"""Logs are structured, carry the request id and actor, and never print a full ID number or phone number."""

from __future__ import annotations

import io
import json
import logging
import re
from datetime import date

import pytest
import structlog

from cases.identity import make_test_id_number, parse_id_number
from cases.observability import bound_request, configure_logging, get_logger, redact

NUMBER = make_test_id_number("310104", date(1990, 5, 17), 123)
MASKED_NUMBER = "310***********1234"
PHONE = "13812345678"
MASKED_PHONE = "138****5678"


@pytest.fixture(autouse=True)
def fresh_logging():
    root = logging.getLogger()
    level = root.level
    structlog.contextvars.clear_contextvars()
    yield
    structlog.contextvars.clear_contextvars()
    structlog.reset_defaults()
    for handler in [h for h in root.handlers if h.get_name() == "cases.observability"]:
        root.removeHandler(handler)
    root.setLevel(level)


def configured(*, json: bool, level: str = "INFO") -> io.StringIO:
    stream = io.StringIO()
    configure_logging(json=json, level=level, stream=stream)
    return stream


def assert_no_full_number_or_phone(output: str) -> None:
    digits_of_number = {NUMBER[i : i + 6] for i in range(len(NUMBER) - 5)}
    assert not any(run in output for run in digits_of_number), output
    assert PHONE not in output and PHONE[3:] not in output, output


def log_sensitive_values() -> None:
    get_logger("tests").info(
        f"candidate {NUMBER} applied",
        id_number=NUMBER,
        phone=PHONE,
        form={"candidate": {"id": NUMBER, "phones": [PHONE, f"tel. +86 {PHONE}"]}},
        resident=parse_id_number(NUMBER, today=date(2026, 3, 1)),
    )


@pytest.mark.parametrize("as_json", [False, True], ids=["console", "json"])
def test_an_id_number_and_a_phone_number_are_printed_only_masked(as_json):
    stream = configured(json=as_json)
    log_sensitive_values()
    output = stream.getvalue()
    assert_no_full_number_or_phone(output)
    assert output.count(MASKED_NUMBER) >= 4  # message, kwarg, nested value, the ResidentId
    assert output.count(MASKED_PHONE) == 3


@pytest.mark.parametrize("as_json", [False, True], ids=["console", "json"])
def test_a_complainants_landline_and_e_mail_are_printed_only_masked(as_json):
    """DOMAIN §10 Privacy: a complainant's contact may be a landline or an e-mail address, not only a mobile."""
    stream = configured(json=as_json)
    written = ["021-62715879", "(021) 6271 5879", "+86 21 6271 5879", "021－62715879", "0571-87654321"]
    get_logger("tests").info("complaint taken", contact=written[0], words=f"请回电 {' 或 '.join(written[1:])} 或发邮件 zhang.san@example.cn")
    output = stream.getvalue()
    assert "6271" not in output and "87654321" not in output and "zhang.san" not in output, output
    assert "021****5879" in output and "057*****4321" in output and "z***@example.cn" in output


def test_the_console_is_readable_by_default():
    stream = configured(json=False)
    with bound_request(request_id="req-1", actor="registrar-7"):
        get_logger("tests").info("case approved", case="c-1")
    line = stream.getvalue()
    assert "[info" in line and "case approved" in line
    assert "request_id=req-1" in line and "actor=registrar-7" in line
    assert "\x1b[" not in line, "no colour codes on a stream that is not a terminal"


def test_json_lines_parse_and_carry_the_request_id_the_actor_the_level_and_a_timestamp():
    stream = configured(json=True)
    with bound_request(request_id="req-1", actor="registrar-7"):
        log_sensitive_values()
        get_logger().warning("second line")
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(records) == 2
    for record in records:
        assert record["request_id"] == "req-1"
        assert record["actor"] == "registrar-7"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z", record["timestamp"])
    assert [r["level"] for r in records] == ["info", "warning"]
    assert records[0]["event"] == f"candidate {MASKED_NUMBER} applied"
    phones = [MASKED_PHONE, f"tel. +86 {MASKED_PHONE}"]
    assert records[0]["form"] == {"candidate": {"id": MASKED_NUMBER, "phones": phones}}
    assert records[0]["logger_name"] == "tests"


def test_an_anonymous_request_logs_a_null_actor():
    stream = configured(json=True)
    with bound_request(request_id="req-2", actor=None):
        get_logger().info("certificate verified")
    record = json.loads(stream.getvalue())
    assert record["request_id"] == "req-2" and record["actor"] is None


def test_the_previous_binding_is_restored_after_the_block():
    stream = configured(json=True)
    with bound_request(request_id="outer", actor="supervisor-1"):
        with bound_request(request_id="inner", actor=None):
            assert structlog.contextvars.get_contextvars() == {"request_id": "inner", "actor": None}
        get_logger().info("back in the outer request")
    assert structlog.contextvars.get_contextvars() == {}
    get_logger().info("outside any request")
    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert (inside["request_id"], inside["actor"]) == ("outer", "supervisor-1")
    assert "request_id" not in outside and "actor" not in outside


def test_the_binding_is_restored_when_the_block_raises():
    with pytest.raises(RuntimeError):
        with bound_request(request_id="req-3", actor="examiner-2"):
            raise RuntimeError("refused")
    assert structlog.contextvars.get_contextvars() == {}


@pytest.mark.parametrize("as_json", [False, True], ids=["console", "json"])
def test_an_exception_traceback_is_masked_too(as_json):
    stream = configured(json=as_json)
    try:
        raise ValueError(f"bad number {NUMBER}, call {PHONE}")
    except ValueError:
        get_logger().exception("import failed")
    output = stream.getvalue()
    assert "ValueError" in output and MASKED_NUMBER in output
    assert_no_full_number_or_phone(output)


@pytest.mark.parametrize("as_json", [False, True], ids=["console", "json"])
@pytest.mark.parametrize("before", ["fresh", "uvicorn_configured"])
def test_standard_library_log_records_take_the_same_format_and_masking(as_json, before):
    """Also after uvicorn's own logging configuration ran in the process (its access logger then keeps to itself,
    unmasked, unless ours takes it back): one full-suite run lost the access line that way."""
    if before == "uvicorn_configured":
        from logging.config import dictConfig

        from uvicorn.config import LOGGING_CONFIG

        dictConfig(LOGGING_CONFIG)
    stream = configured(json=as_json)
    with bound_request(request_id="req-4", actor="registrar-7"):
        logging.getLogger("uvicorn.access").warning("GET /cases?id_number=%s&phone=%s", NUMBER, PHONE)
    output = stream.getvalue()
    assert_no_full_number_or_phone(output)
    assert MASKED_NUMBER in output and MASKED_PHONE in output
    if as_json:
        record = json.loads(output)
        assert record["request_id"] == "req-4" and record["logger_name"] == "uvicorn.access"


def test_messages_below_the_level_are_dropped():
    stream = configured(json=True, level="warning")
    get_logger().info("dropped")
    logging.getLogger("library").info("dropped too")
    get_logger().warning("kept")
    assert [json.loads(line)["event"] for line in stream.getvalue().splitlines()] == ["kept"]


def test_configuring_twice_replaces_the_first_configuration():
    first = configured(json=False)
    second = configured(json=True)
    get_logger().info("once")
    logging.getLogger("library").warning("once too")
    assert first.getvalue() == ""
    assert [json.loads(line)["event"] for line in second.getvalue().splitlines()] == ["once", "once too"]


def test_a_logger_made_before_configuring_follows_the_latest_configuration():
    log = get_logger("early")
    stream = configured(json=True)
    log.info("late")
    assert json.loads(stream.getvalue())["event"] == "late"


def test_an_unknown_level_is_refused():
    with pytest.raises(ValueError):
        configure_logging(level="chatty", stream=io.StringIO())


# A request id as uuid4().hex may come out: its digit runs look like a mobile number and an ID number.
REQUEST_ID_WITH_NUMBER_SHAPES = "a13812345678b310101199206151234c"


@pytest.mark.parametrize("as_json", [False, True], ids=["console", "json"])
def test_the_request_id_is_logged_as_it_is_while_the_same_digits_elsewhere_are_masked(as_json):
    stream = configured(json=as_json)
    with bound_request(request_id=REQUEST_ID_WITH_NUMBER_SHAPES, actor=None):
        get_logger().info("case read", note=REQUEST_ID_WITH_NUMBER_SHAPES)
    output = stream.getvalue()
    assert output.count(REQUEST_ID_WITH_NUMBER_SHAPES) == 1, output
    assert "a138****5678b310***********1234c" in output, output
    if as_json:
        assert json.loads(output)["request_id"] == REQUEST_ID_WITH_NUMBER_SHAPES


def test_redact_walks_containers_and_keeps_their_shape():
    value = {"a": (NUMBER, 1), "b": [{"c": PHONE}], NUMBER: {PHONE}}
    assert redact(value) == {"a": (MASKED_NUMBER, 1), "b": [{"c": MASKED_PHONE}], MASKED_NUMBER: {MASKED_PHONE}}


def test_redact_masks_numbers_held_as_integers():
    assert redact(int(PHONE)) == MASKED_PHONE
    assert redact(int(NUMBER)) == MASKED_NUMBER
    assert redact(42) == 42


def test_a_digit_run_longer_than_a_mobile_number_is_not_a_phone_number():
    assert redact("order 213812345678 and 138123456789") == "order 213812345678 and 138123456789"
    assert redact("call 138-1234-5678 or +8613812345678") == f"call {MASKED_PHONE} or +86{MASKED_PHONE}"
