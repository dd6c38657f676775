"""An employer group: a non-profit association or cooperative that employs staff for its members.

Its own legal entity is a company record (with its SIREN): the shared staff are that company's
employees. Members join and leave on dates; nothing is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from timebank.errors import InvalidInput


class LegalForm(StrEnum):
    ASSOCIATION = "association"
    COOPERATIVE = "cooperative"


@dataclass(frozen=True, slots=True)
class GroupMember:
    company_id: int
    joined_on: date
    left_on: date | None

    def active_on(self, day: date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day < self.left_on)


@dataclass(frozen=True, slots=True)
class EmployerGroup:
    id: int
    company_id: int
    name: str
    legal_form: LegalForm
    members: tuple[GroupMember, ...]
    created_at: datetime


def legal_form(value: str, *, field: str = "legal_form") -> LegalForm:
    try:
        return LegalForm(value)
    except ValueError as exc:
        raise InvalidInput(
            f"Forme juridique inconnue : « {value[:30]} » (association ou cooperative).",
            f"Unknown legal form: '{value[:30]}' (association or cooperative).",
            field=field,
            code="invalid_legal_form",
        ) from exc
