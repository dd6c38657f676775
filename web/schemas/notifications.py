"""A person's notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BeforeValidator, Field

from web.schemas.common import Out


def _is_set(value: object) -> bool:
    return value is not None


class NotificationOut(Out):
    id: int
    kind: str
    subject: str
    body: str
    link: str
    created_at: datetime
    read: Annotated[bool, BeforeValidator(_is_set)] = Field(validation_alias="read_at")
