"""Citizen and officer account schemas, login and tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, ValidationInfo, field_validator

from app.core.passwords import MAX_LENGTH, password_problem
from app.models import OfficerRole
from app.schemas.common import ORMModel

Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_lower=True, max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
    ),
]
MAX_PASSWORD = MAX_LENGTH
Password = Annotated[str, Field(min_length=8, max_length=MAX_PASSWORD)]


def _strong(password: str, info: ValidationInfo, kind: str) -> str:
    """Refuse short and guessable passwords, and ones built from the account's details."""
    inputs = [info.data.get("email"), info.data.get("full_name")]
    problem = password_problem(password, kind=kind, inputs=inputs)
    if problem:
        raise ValueError(problem)
    return password


class Token(BaseModel):
    """A bearer token."""

    access_token: str
    token_type: str = "bearer"


class LoginRequest(BaseModel):
    """E-mail and password."""

    email: Email
    password: Annotated[str, Field(max_length=MAX_PASSWORD)]


class CitizenBase(BaseModel):
    """Fields shared by citizen schemas."""

    email: Email
    full_name: Annotated[str, Field(min_length=1, max_length=200)]
    phone: Annotated[str | None, Field(max_length=32)] = None


class CitizenCreate(CitizenBase):
    """Registration."""

    password: Password

    @field_validator("password")
    @classmethod
    def _strong_password(cls, value: str, info: ValidationInfo) -> str:
        return _strong(value, info, "citizen")


class CitizenPublic(CitizenBase, ORMModel):
    """A citizen as shown to themselves."""

    id: int
    created_at: datetime


class OfficerBase(BaseModel):
    """Fields shared by officer schemas."""

    email: Email
    full_name: Annotated[str, Field(min_length=1, max_length=200)]
    role: OfficerRole
    region_code: str
    agency_code: str | None = None


class OfficerCreate(OfficerBase):
    """A new officer, created by an admin."""

    password: Password

    @field_validator("password")
    @classmethod
    def _strong_password(cls, value: str, info: ValidationInfo) -> str:
        return _strong(value, info, "officer")


class PasswordChange(BaseModel):
    """The current password and the new one (checked against the account's details)."""

    current_password: Annotated[str, Field(max_length=MAX_PASSWORD)]
    new_password: Password


class OfficerPublic(OfficerBase, ORMModel):
    """An officer."""

    id: int
    active: bool
    created_at: datetime
