"""Validation of Open311 attribute values against a service definition."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from app.core.errors import InvalidError

MAX_STRING = 500
MAX_TEXT = 5000


def _single(code: str, raw: str | list[str]) -> str:
    if isinstance(raw, list):
        if len(raw) != 1:
            raise InvalidError(f"Attribute {code!r} takes exactly one value.")
        return raw[0]
    return raw


def _check_value(definition: dict[str, Any], raw: str | list[str]) -> str | float | list[str]:
    code = definition["code"]
    datatype = definition["datatype"]
    keys = [value["key"] for value in definition.get("values", [])]
    if datatype == "multivaluelist":
        values = raw if isinstance(raw, list) else [raw]
        unknown = [value for value in values if value not in keys]
        if unknown:
            raise InvalidError(
                f"Attribute {code!r} does not accept {', '.join(unknown)}; "
                f"allowed: {', '.join(keys)}."
            )
        return values
    value = _single(code, raw).strip()
    if datatype == "singlevaluelist":
        if value not in keys:
            raise InvalidError(
                f"Attribute {code!r} does not accept {value!r}; allowed: {', '.join(keys)}."
            )
        return value
    if datatype == "number":
        try:
            number = float(value)
        except ValueError:
            raise InvalidError(f"Attribute {code!r} must be a number, not {value!r}.") from None
        if not math.isfinite(number):
            raise InvalidError(f"Attribute {code!r} must be a finite number, not {value!r}.")
        return number
    if datatype == "datetime":
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise InvalidError(
                f"Attribute {code!r} must be an ISO 8601 date-time, not {value!r}."
            ) from None
        return value
    limit = MAX_TEXT if datatype == "text" else MAX_STRING
    if len(value) > limit:
        raise InvalidError(f"Attribute {code!r} is longer than {limit} characters.")
    return value


def validate_attributes(
    definitions: list[dict[str, Any]], values: dict[str, str | list[str]]
) -> dict[str, Any]:
    """Clean `values` for a service; unknown codes, missing required ones and bad values fail."""
    by_code = {definition["code"]: definition for definition in definitions}
    unknown = sorted(set(values) - set(by_code))
    if unknown:
        raise InvalidError(f"Unknown attribute(s) for this service: {', '.join(unknown)}.")
    cleaned: dict[str, Any] = {}
    for definition in sorted(definitions, key=lambda item: item.get("order", 0)):
        code = definition["code"]
        raw = values.get(code)
        empty = raw is None or raw == "" or raw == []
        if empty:
            if definition.get("required"):
                raise InvalidError(
                    f"Attribute {code!r} is required for this service.",
                    key="attribute_required",
                    code=code,
                )
            continue
        assert raw is not None
        cleaned[code] = _check_value(definition, raw)
    return cleaned


def attribute_summary(definitions: list[dict[str, Any]], cleaned: dict[str, Any]) -> str:
    """`Description: value; ...` of the given attributes in order (list values by their names)."""
    parts = []
    for definition in sorted(definitions, key=lambda item: item.get("order", 0)):
        if definition["code"] not in cleaned:
            continue
        names = {v["key"]: _indonesian(v["name"]) for v in definition.get("values", [])}
        value = cleaned[definition["code"]]
        values = value if isinstance(value, list) else [value]
        shown = ", ".join(names.get(v, _shown(v)) for v in values)
        parts.append(f"{_indonesian(definition['description'])}: {shown}")
    return "; ".join(parts)


def _shown(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _indonesian(text: dict[str, str] | str) -> str:
    return text if isinstance(text, str) else text.get("id") or next(iter(text.values()), "")
