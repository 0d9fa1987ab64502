"""Reads a YAML document with the line and column of every value, for precise error messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from jaki_forge.errors import Problem, ProfileError
from jaki_forge.safetext import shown

try:  # the C loader is much faster; fall back to the pure-Python one where libyaml is absent
    _Loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

Path_ = tuple[str | int, ...]

# Aliases let a short document name the same value many times; past this many values it is refused.
MAX_VALUES = 1_000_000
MAX_DEPTH = 64  # a profile nests about 6 levels; far deeper documents only exhaust the stack
MAX_PROFILE_BYTES = 10 * 1024 * 1024


@dataclass
class YamlDocument:
    """A parsed YAML mapping and the 1-based (line, column) of each value, keyed by path."""

    data: dict[str, Any]
    file: str
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: Path_) -> tuple[int, int]:
        """The position of the value at `path`, or of its nearest ancestor that exists."""
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (1, 1))

    def problem(self, path: Path_, message: str, *, hint: str = "") -> Problem:
        """A problem located at the value at `path`."""
        line, column = self.position(path)
        return Problem(self.file, message, field=dotted(path), line=line, column=column, hint=hint)


def dotted(path: Path_) -> str:
    """`('services', 3, 'agency')` as `services[3].agency`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{shown(part)}" if out else shown(part)
    return out


def read_text(path: Path, *, display: str, what: str) -> str:
    """The UTF-8 text of a file, or a ProfileError that says why it cannot be read."""
    if not path.exists():
        raise ProfileError([Problem(display, f"{what} not found", hint=f"check the path; looked for {path}")])
    if path.is_dir():
        raise ProfileError(
            [Problem(display, f"{what} is a directory, not a file", hint="give the path of the file itself")]
        )
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ProfileError([Problem(display, f"cannot read {what}: {error.strerror}")]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        bad = raw[error.start : error.start + 1].hex()
        raise ProfileError(
            [
                Problem(
                    display,
                    f"{what} is not UTF-8 text (byte 0x{bad})",
                    line=line,
                    column=column,
                    hint="save the file as UTF-8",
                )
            ]
        ) from None


def load_yaml_mapping(path: Path, *, display: str, what: str = "profile") -> YamlDocument:
    """Parse a YAML file that must hold one mapping, keeping the position of every value."""
    text = read_text(path, display=display, what=what)
    if len(text) > MAX_PROFILE_BYTES:
        raise ProfileError(
            [
                Problem(
                    display,
                    f"{what} is {len(text):,} characters long; at most {MAX_PROFILE_BYTES:,} are read",
                    hint="keep large region lists in a CSV file (regions.file)",
                )
            ]
        )
    if not text.strip():
        raise ProfileError([Problem(display, f"{what} is empty", hint="start from profiles/lampung.yaml")])
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ProfileError(
                [Problem(display, f"{what} holds no YAML document", hint="start from profiles/lampung.yaml")]
            )
        doc = YamlDocument(data={}, file=display)
        problems: list[Problem] = []
        oversized = _too_many_values(node, display=display, what=what)
        if oversized is not None:
            raise ProfileError([oversized])
        _walk(node, (), doc, problems)
        if problems:
            raise ProfileError(problems)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        reason = error.problem or error.context or "syntax error"
        raise ProfileError(
            [
                Problem(
                    display,
                    f"malformed YAML: {reason}",
                    line=mark.line + 1 if mark else None,
                    column=mark.column + 1 if mark else None,
                    hint="check indentation, colons and quotes on this line and the one before",
                )
            ]
        ) from None
    except yaml.YAMLError as error:
        raise ProfileError([Problem(display, f"malformed YAML: {error}")]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        kind = type(data).__name__ if data is not None else "nothing"
        raise ProfileError(
            [
                Problem(
                    display, f"{what} must be a YAML mapping of keys to values, found {_kind(kind)}", line=1, column=1
                )
            ]
        )
    doc.data = data
    return doc


def _too_many_values(root: yaml.Node, *, display: str, what: str) -> Problem | None:
    """A problem when the document, with every alias expanded, holds more than MAX_VALUES values.

    Counted on the composed node graph (an alias is the anchored node itself), each node once, so a
    billion-laughs document is measured in microseconds instead of being built.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise _Recursive(node)
        if depth > MAX_DEPTH:
            raise _TooDeep(node)
        open_nodes.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                total += size(key_node, depth + 1) + size(value_node, depth + 1)
                if total > MAX_VALUES:
                    break
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                total += size(item, depth + 1)
                if total > MAX_VALUES:
                    break
        open_nodes.discard(key)
        sizes[key] = total
        return total

    try:
        total = size(root, 0)
    except _TooDeep as error:
        mark = error.node.start_mark
        return Problem(
            display,
            f"{what} nests values more than {MAX_DEPTH} levels deep",
            line=mark.line + 1,
            column=mark.column + 1,
            hint="a profile nests a few levels; check the brackets and indentation",
        )
    except _Recursive as error:
        mark = error.node.start_mark
        return Problem(
            display,
            f"{what} holds a value that contains itself through an alias (&anchor … *anchor)",
            line=mark.line + 1,
            column=mark.column + 1,
            hint="a profile needs no recursive aliases; write the value out",
        )
    if total <= MAX_VALUES:
        return None
    mark = root.start_mark
    if isinstance(root, yaml.MappingNode):  # point at the first top-level key that carries it past the limit
        running = 1
        for key_node, value_node in root.value:
            running += sizes.get(id(key_node), 1) + sizes.get(id(value_node), MAX_VALUES)
            if running > MAX_VALUES:
                mark = key_node.start_mark
                break
    return Problem(
        display,
        f"{what} expands to more than {MAX_VALUES:,} values through YAML aliases (*name); refused",
        line=mark.line + 1,
        column=mark.column + 1,
        hint="write the values out instead of repeating aliases, or keep large lists in a CSV file",
    )


class _Recursive(Exception):
    def __init__(self, node: yaml.Node) -> None:
        self.node = node


class _TooDeep(_Recursive):
    pass


def _kind(name: str) -> str:
    return {"list": "a list", "str": "a string", "int": "a number", "float": "a number", "bool": "a boolean"}.get(
        name, name
    )


def _walk(node: yaml.Node, path: Path_, doc: YamlDocument, problems: list[Problem]) -> None:
    doc.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            if key in seen:
                problems.append(
                    Problem(
                        doc.file,
                        f"duplicate key '{shown(key)}' (first given on line {seen[key]})",
                        field=dotted((*path, key)),
                        line=key_node.start_mark.line + 1,
                        column=key_node.start_mark.column + 1,
                        hint="a key may appear once per mapping; remove or merge one of them",
                    )
                )
                continue
            seen[key] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), doc, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), doc, problems)
