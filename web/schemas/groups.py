"""Employer groups and their members."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from timebank.groups.model import EmployerGroup
from web.schemas.common import In, Int32


class GroupIn(In):
    company_id: Int32
    name: str
    legal_form: str


class GroupMemberIn(In):
    company_id: Int32
    joined_on: date


class GroupMemberEndIn(In):
    left_on: date


class GroupMemberOut(BaseModel):
    company_id: int
    joined_on: date
    left_on: date | None


class GroupOut(BaseModel):
    id: int
    company_id: int
    name: str
    legal_form: str
    members: list[GroupMemberOut]

    @classmethod
    def of(cls, group: EmployerGroup) -> GroupOut:
        return cls(
            id=group.id,
            company_id=group.company_id,
            name=group.name,
            legal_form=group.legal_form.value,
            members=[
                GroupMemberOut(company_id=m.company_id, joined_on=m.joined_on, left_on=m.left_on)
                for m in group.members
            ],
        )
