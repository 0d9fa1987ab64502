"""Rules for text in a profile (no control characters, one line where one line is meant) and safe echoing."""

from __future__ import annotations

import re
import unicodedata

# Line and paragraph separators other than "\n" end a line in YAML, JavaScript and many editors.
_LINE_BREAKS = "\r\u0085\u2028\u2029\v\f"
_CONTROL_NAMES = {0: "NUL", 7: "BEL", 8: "BS", 9: "TAB", 10: "LF", 13: "CR", 27: "ESC", 127: "DEL"}
# Bidirectional embeddings, overrides and isolates reorder what a reader sees ("Trojan Source").
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")


def _name(char: str) -> str:
    code = ord(char)
    label = _CONTROL_NAMES.get(code)
    return f"U+{code:04X}" + (f" ({label})" if label else "")


def _forbidden(char: str) -> bool:
    category = unicodedata.category(char)
    return category in ("Cc", "Cs") or char in "\u2028\u2029" or char in _BIDI or (ord(char) & 0xFFFE) == 0xFFFE


def paragraph(value: str) -> str:
    """Text that may span lines ("\\n") but holds no other control character."""
    for char in value:
        if char != "\n" and _forbidden(char):
            if char in _LINE_BREAKS:
                raise ValueError(f"contains the line break {_name(char)}; end lines with a plain newline")
            if char in _BIDI:
                raise ValueError(f"contains the text-direction control {_name(char)}, which disguises text; remove it")
            raise ValueError(f"contains the control character {_name(char)}; remove it")
    return value


def single_line(value: str) -> str:
    """Text on one line with no control character."""
    if "\n" in value or any(char in _LINE_BREAKS for char in value):
        raise ValueError("must be on one line (it contains a line break)")
    return paragraph(value)


def shown(value: str) -> str:
    """`value` as it can be echoed in a message: control characters and line breaks as escapes."""
    return _UNSAFE.sub(lambda match: _escape(match.group()), value)


def _escape(char: str) -> str:
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return named.get(char, f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def terminal_safe(text: str) -> str:
    """`text` for a terminal: line breaks kept, every other control character escaped."""
    return "\n".join(shown(line) for line in text.split("\n"))
