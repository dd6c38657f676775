"""Users, roles and the `Actor` every use case receives: who asks, and for which companies."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from timebank.people import refusals


class Role(StrEnum):
    EMPLOYEE = "employee"
    COMPANY_ADMIN = "company_admin"
    GROUP_COORDINATOR = "group_coordinator"
    ACCOUNTANT = "accountant"
    OPERATOR = "operator"


@dataclass(frozen=True, slots=True)
class User:
    id: int
    email: str
    full_name: str
    is_operator: bool
    locale: str
    has_password: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Membership:
    user_id: int
    company_id: int
    role: Role
    company_name: str = ""


@dataclass(frozen=True, slots=True)
class Actor:
    """The authenticated caller: a user, whether operator, and its (company, role) pairs."""

    user_id: int
    email: str
    full_name: str
    is_operator: bool = False
    memberships: frozenset[tuple[int, Role]] = field(default_factory=frozenset)
    company_names: tuple[tuple[int, str], ...] = ()

    def company_name(self, company_id: int) -> str:
        return dict(self.company_names).get(company_id, f"Entreprise n° {company_id}")

    def has_role(self, company_id: int, *roles: Role) -> bool:
        return any((company_id, role) in self.memberships for role in roles)

    def companies_with(self, *roles: Role) -> frozenset[int]:
        return frozenset(company for company, role in self.memberships if role in roles)

    def roles(self) -> frozenset[Role]:
        found = {role for _, role in self.memberships}
        if self.is_operator:
            found.add(Role.OPERATOR)
        return frozenset(found)


def require_operator(actor: Actor) -> None:
    if not actor.is_operator:
        raise refusals.OPERATOR_ONLY.error()


def require_company_role(actor: Actor, company_id: int, *roles: Role) -> None:
    """Refuse unless the actor holds one of `roles` for the company, or is the operator: to
    read what the company shows (salary-derived figures are held back on their own, see
    `reads_salary_figures`). An act in the company's name is `require_acting_for`."""
    if not actor.is_operator:
        require_acting_for(actor, company_id, *roles)


def require_acting_for(actor: Actor, company_id: int, *roles: Role) -> None:
    """Refuse unless the actor holds one of `roles` for the company: for what the company
    decides, agrees or signs (its staff and their costs, its needs and loans, hours approved,
    statements agreed, its group's members and CDO, who its accountant is). The operator runs
    the programme and watches it; it acts in no company's name unless it also holds the role."""
    if actor.has_role(company_id, *roles):
        return
    raise refusals.FORBIDDEN_FOR_COMPANY.error()


@dataclass(frozen=True, slots=True)
class LoginResult:
    token: str
    csrf_token: str
    expires_at: datetime
    actor: Actor


@dataclass(frozen=True, slots=True)
class InvitationView:
    """What the invited person reads before choosing a password."""

    email: str
    full_name: str
    company_name: str
    inviter_name: str
    expires_at: datetime


def confirmed_password(password: str, confirmation: str | None) -> str:
    """The password typed twice must be typed the same (None: asked once, as in the API)."""
    if confirmation is not None and confirmation != password:
        raise refusals.PASSWORD_MISMATCH.error()
    return password


# Who reads salary-derived figures (an hourly cost, hours at cost, statements and ledger in
# cents): the companies they concern (their admins and accountants) and the employee; the
# programme operator, as such, never does (aggregated indicators are protected on their own).
def reads_salary_figures(actor: Actor, *company_ids: int | None) -> bool:
    """False for the operator unless it also speaks for one of the companies concerned."""
    if not actor.is_operator:
        return True
    return any(
        company_id is not None and actor.has_role(company_id, Role.COMPANY_ADMIN, Role.ACCOUNTANT)
        for company_id in company_ids
    )
