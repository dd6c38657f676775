"""Sign-up, log-in, invitations, sessions, who is asking, accountants' grants."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from timebank.people.model import Actor
from web.schemas.common import In, Out
from web.schemas.companies import CompanyIn, CompanyOut


class SignupIn(In):
    email: str
    password: str
    full_name: str
    company: CompanyIn


class LoginIn(In):
    email: str
    password: str


class InvitationAcceptIn(In):
    token: str
    password: str


class RoleOut(BaseModel):
    company_id: int
    role: str


class MeOut(BaseModel):
    id: int
    email: str
    full_name: str
    is_operator: bool
    roles: list[RoleOut]

    @classmethod
    def of(cls, actor: Actor) -> MeOut:
        return cls(
            id=actor.user_id,
            email=actor.email,
            full_name=actor.full_name,
            is_operator=actor.is_operator,
            roles=[
                RoleOut(company_id=company, role=role.value)
                for company, role in sorted(actor.memberships)
            ],
        )


class SessionOut(BaseModel):
    token: str
    csrf_token: str
    expires_at: datetime
    user: MeOut


class SignupOut(BaseModel):
    user_id: int
    email: str
    company: CompanyOut


class UserOut(Out):
    id: int
    email: str
    full_name: str


class AccountantGrantIn(In):
    email: str
    full_name: str


class AccountantGrantOut(BaseModel):
    """`invitation_sent`: as `InvitedEmployeeOut`'s."""

    accountant: UserOut
    company_id: int
    invitation_sent: bool
