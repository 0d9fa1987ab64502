"""Application errors that the API turns into HTTP responses."""

from __future__ import annotations


class AppError(Exception):
    """Base class: `message` is a full sentence shown to the client."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
