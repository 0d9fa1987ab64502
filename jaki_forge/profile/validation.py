"""Pydantic validation errors as located problems: `file:line:col: dotted.field: message` with a hint."""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from jaki_forge.errors import Problem
from jaki_forge.profile.checks import suggestion
from jaki_forge.profile.model import PATTERN_WORDS
from jaki_forge.profile.yamlsource import YamlDocument, dotted
from jaki_forge.safetext import shown

Hints = Callable[[str, tuple[Any, ...], dict[str, Any]], str]
Messages = Callable[[str, tuple[Any, ...]], str | None]


def model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model (under `root`) that holds the field at `loc` (its last element)."""
    model: typing.Any = root
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or part not in model.model_fields:
            return None
        model = _unwrap(model.model_fields[part].annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _unwrap(annotation: typing.Any) -> typing.Any:
    for arg in typing.get_args(annotation) or ():
        inner = _unwrap(arg)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return inner
    return annotation


def describe(value: object) -> str:
    """A value as a reader would name it in a sentence."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if value is None:
        return "nothing (null)"
    if isinstance(value, int | float):
        return f"the number {value}"
    return f"'{shown(str(value))}'"


def _message(kind: str, item: Mapping[str, Any], value: object, ctx: dict[str, Any]) -> str:
    if kind == "string_pattern_mismatch":
        words = PATTERN_WORDS.get(str(ctx.get("pattern")), "")
        return f"{describe(value)} is not valid here" + (f": expected {words}" if words else "")
    if kind in ("literal_error", "enum"):
        return f"{describe(value)} is not allowed; expected {ctx.get('expected')}"
    if kind == "value_error":
        return str(ctx.get("error", item["msg"]))
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping of keys to values, found {describe(value)}"
    if kind == "list_type":
        return f"expected a list, found {describe(value)}"
    if kind == "string_type":
        return f"expected text, found {describe(value)}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, found {describe(value)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, found {describe(value)}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"{describe(value)} is out of range: {item['msg'].lower()}"
    if kind in ("too_short", "too_long", "string_too_short", "string_too_long"):
        return f"{describe(value)} is too {'short' if 'short' in kind else 'long'}: {item['msg'].lower()}"
    return str(item["msg"])


def translate(
    error: ValidationError,
    doc: YamlDocument,
    *,
    model: type[BaseModel],
    hints: Hints | None = None,
    messages: Messages | None = None,
) -> list[Problem]:
    """One located problem per pydantic error.

    `hints(kind, loc, ctx)` adds a fix where it knows one; `messages(kind, loc)` may say it better.
    """
    problems = []
    for item in error.errors(include_url=False):
        loc = tuple(part for part in item["loc"] if not (isinstance(part, str) and part.startswith("function-")))
        kind, value, ctx = item["type"], item.get("input"), item.get("ctx") or {}
        path, hint = loc, ""
        if kind == "missing":
            message = f"missing required field '{loc[-1]}'"
            path = loc[:-1]
            hint = f"add '{loc[-1]}:' to {dotted(loc[:-1]) or 'the top level'}"
        elif kind == "extra_forbidden":
            holder = model_at(model, loc)
            fields = list(holder.model_fields) if holder else []
            message = f"unknown field '{shown(str(loc[-1]))}'"
            hint = suggestion(str(loc[-1]), fields) or (f"allowed here: {', '.join(fields)}" if fields else "")
        else:
            message = _message(kind, item, value, ctx)
            if kind == "string_type" and isinstance(value, int):
                hint = 'quote the value, e.g. code: "18"'
        if messages is not None:
            message = messages(kind, loc) or message
        if hints is not None:
            hint = hints(kind, loc, ctx) or hint
        problems.append(doc.problem(path, message, hint=hint))
    return problems
