"""Employer groups and their members."""

from __future__ import annotations

from datetime import date

from web.schemas.common import In, Int32, Out


class GroupIn(In):
    company_id: Int32
    name: str
    legal_form: str


class GroupMemberIn(In):
    company_id: Int32
    joined_on: date


class GroupMemberEndIn(In):
    left_on: date


class GroupMemberOut(Out):
    company_id: int
    joined_on: date
    left_on: date | None


class GroupOut(Out):
    id: int
    company_id: int
    name: str
    legal_form: str
    members: list[GroupMemberOut]
