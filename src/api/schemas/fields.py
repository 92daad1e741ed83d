"""What every request body shares: its base `Body` (no unknown fields, no control characters, dates within
`cases.limits`), the bounded `text` field, the `Day` parameter type, and the ID numbers the examples use."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, GetJsonSchemaHandler, ValidationInfo, field_validator
from pydantic_core import core_schema

from cases.identity import make_test_id_number
from cases.limits import FIRST_DAY, LAST_DAY, TEXT, control_character, date_out_of_range

# The examples' ID numbers pass the product's own check (`cases.identity.parse_id_number`): made, not typed.
EXAMPLE_ID_NUMBER = make_test_id_number("310104", date(1992, 6, 15), 2)
EXAMPLE_GROUP_ID_NUMBER = make_test_id_number("310101", date(1998, 11, 2), 4)


def _in_range(day: date) -> date:
    if date_out_of_range(day):
        raise ValueError(f"a date from {FIRST_DAY} to {LAST_DAY} is expected")
    return day


class Day(date):
    """A date within `cases.limits`, for query and path parameters (request bodies check every date field). A class,
    not `Annotated[date, AfterValidator(...)]`: FastAPI drops such metadata from a parameter declared `= Query(...)`."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(_in_range, core_schema.date_schema())

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        found = handler(schema)
        return {**found, "description": f"a date from {FIRST_DAY} to {LAST_DAY}"} if "description" not in found else found


def _bounded(value: Any, free_text: bool) -> None:
    if isinstance(value, str):
        if found := control_character(value, free_text=free_text):
            raise ValueError(f"control characters are not allowed ({found})")
    elif isinstance(value, datetime):
        _in_range(value.date())
    elif isinstance(value, date):
        _in_range(value)
    elif isinstance(value, list):
        for item in value:
            _bounded(item, free_text)
    elif isinstance(value, dict):  # free-form (evidence): its texts are bounded again where the domain reads it
        for key, item in value.items():
            _bounded(key, False)
            _bounded(item, free_text)


class Body(BaseModel):
    """Every request body: no unknown fields, no control characters in any text (tab and line breaks only in the
    fields named in `free_text`), every date within `cases.limits`. Lengths are each field's `max_length`."""

    model_config = ConfigDict(extra="forbid")
    free_text: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="after")
    @classmethod
    def _within_limits(cls, value: Any, info: ValidationInfo) -> Any:
        _bounded(value, info.field_name in cls.free_text)
        return value


def text(kind: str, **field: Any) -> Any:
    """A text field bounded by its kind's length in `cases.limits.TEXT`."""
    return Field(max_length=TEXT[kind], **field)
