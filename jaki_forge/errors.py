"""The one error hierarchy of jaki-forge: every failure a user can meet is one of these."""

from __future__ import annotations

from dataclasses import dataclass


class JakiForgeError(Exception):
    """Base of every error jaki-forge raises on purpose; the message is a full sentence."""


class InvalidInputError(JakiForgeError):
    """The user's input (a profile, a path, an option) cannot be used as given."""


class OperationError(JakiForgeError):
    """A valid request failed while it was carried out (rendering, git, an update)."""


@dataclass(frozen=True)
class Problem:
    """One problem in an input file: where it is, what is wrong, how to fix it."""

    file: str
    message: str
    field: str = ""
    line: int | None = None
    column: int | None = None
    hint: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class ProfileError(InvalidInputError):
    """A profile (or a file it points to) is unreadable or invalid; lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class TemplateError(OperationError):
    """The template could not be rendered or read."""


class DestinationError(InvalidInputError):
    """The destination of a replica cannot be used (exists, not empty, not a replica)."""


class InterruptedError_(JakiForgeError):
    """The user stopped the operation (Ctrl-C or SIGTERM); the message says in which state it left things."""

    def __init__(self, message: str, *, code: int = 130):
        super().__init__(message)
        self.code = code
