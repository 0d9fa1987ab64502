"""Password strength: long enough for the account kind and not guessable (zxcvbn estimate)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from zxcvbn import zxcvbn

MIN_LENGTH = {"citizen": 8, "officer": 12}
MIN_SCORE = {"citizen": 2, "officer": 3}  # zxcvbn: 0 guessable ... 4 very hard to guess
MAX_LENGTH = 128


def _inputs(values: Sequence[str | None]) -> list[str]:
    """Account details a password must not be built from: e-mail, its parts, names."""
    found: list[str] = []
    for value in values:
        if not value:
            continue
        local = value.split("@", 1)[0]
        words = [w for w in re.split(r"[\W_]+", local) if len(w) > 2]
        found += [value, local, "".join(words), *words]
    return found


def password_problem(password: str, *, kind: str, inputs: Sequence[str | None] = ()) -> str | None:
    """Why `password` is not acceptable for a `citizen` or `officer` account, or None."""
    if len(password) < MIN_LENGTH[kind]:
        return f"The password needs at least {MIN_LENGTH[kind]} characters."
    if len(password) > MAX_LENGTH:
        return f"The password can have at most {MAX_LENGTH} characters."
    user_inputs = _inputs(inputs)
    if password.casefold() in {item.casefold() for item in user_inputs}:
        return "The password must not be the e-mail address or the name."
    estimate = zxcvbn(password, user_inputs=user_inputs, max_length=MAX_LENGTH)
    if estimate["score"] < MIN_SCORE[kind]:
        hint = estimate["feedback"]["warning"] or "It is too easy to guess."
        return f"The password is too easy to guess: {hint.rstrip('.')}. Use a longer passphrase."
    return None
