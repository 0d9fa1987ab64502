"""Shared schema pieces."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Lang = Literal["id", "en"]


class Message(BaseModel):
    """A plain message."""

    message: str


class ORMModel(BaseModel):
    """Schema read from ORM objects."""

    model_config = ConfigDict(from_attributes=True)
