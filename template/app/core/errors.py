"""Application errors that the API turns into HTTP responses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class AppError(Exception):
    """Base class: `message` is a full sentence shown to the client.

    `key` names the same sentence in the locale files (`error.<key>`, formatted with
    `values`), so pages and Open311 answers show it in the client's language.
    """

    status_code = 400

    def __init__(self, message: str, *, key: str | None = None, **values: Any) -> None:
        super().__init__(message)
        self.message = message
        self.key = key
        self.values = values

    def text(self, translate: Callable[..., str], *, known: Callable[[str], bool]) -> str:
        """The message in the language of `translate` when the locale files have it."""
        if self.key is None or not known(f"error.{self.key}"):
            return self.message
        return translate(f"error.{self.key}", **self.values)


class NotFoundError(AppError):
    """The thing asked for does not exist or is not visible to the caller."""

    status_code = 404


class ForbiddenError(AppError):
    """The caller is known but may not do this."""

    status_code = 403


class ConflictError(AppError):
    """The request clashes with the current state (e.g. a forbidden transition)."""

    status_code = 409


class InvalidError(AppError):
    """The request is well-formed but its content is not acceptable."""

    status_code = 422


class TooLargeError(AppError):
    """An upload exceeds the configured size limit."""

    status_code = 413


class UnsupportedMediaError(AppError):
    """An upload is not one of the accepted file types."""

    status_code = 415
