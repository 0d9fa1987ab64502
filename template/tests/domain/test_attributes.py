"""Attribute values are checked against the service definition."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.errors import InvalidError
from app.domain.attributes import validate_attributes

DEFINITIONS: list[dict[str, Any]] = [
    {
        "code": "level",
        "datatype": "singlevaluelist",
        "required": True,
        "order": 1,
        "values": [{"key": "a"}, {"key": "b"}],
    },
    {"code": "count", "datatype": "number", "required": False, "order": 2},
    {
        "code": "tags",
        "datatype": "multivaluelist",
        "required": False,
        "order": 3,
        "values": [{"key": "x"}, {"key": "y"}],
    },
    {"code": "when", "datatype": "datetime", "required": False, "order": 4},
]


def test_valid_values_are_cleaned() -> None:
    cleaned = validate_attributes(
        DEFINITIONS, {"level": "a", "count": "2.5", "tags": ["x", "y"], "when": "2026-01-05T10:00"}
    )
    assert cleaned == {"level": "a", "count": 2.5, "tags": ["x", "y"], "when": "2026-01-05T10:00"}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "Attribute 'level' is required"),
        ({"level": "c"}, "Attribute 'level' does not accept 'c'; allowed: a, b"),
        ({"level": "a", "count": "many"}, "Attribute 'count' must be a number"),
        ({"level": "a", "tags": ["z"]}, "Attribute 'tags' does not accept z"),
        ({"level": "a", "when": "yesterday"}, "Attribute 'when' must be an ISO 8601"),
        ({"level": "a", "colour": "red"}, "Unknown attribute"),
    ],
)
def test_invalid_values_are_refused(values: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidError, match=message):
        validate_attributes(DEFINITIONS, values)
