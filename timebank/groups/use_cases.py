"""Use cases on employer groups: creation, members joining and leaving, shared staff."""

from __future__ import annotations

from datetime import date, datetime

from timebank import rules
from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.employees.model import Employee
from timebank.employees.use_cases import list_employees
from timebank.errors import Conflict, InvalidInput, not_found
from timebank.groups.model import EmployerGroup, legal_form
from timebank.pagination import Page, page_request
from timebank.people.model import Actor, Role, require_company_role


async def load_group(repos: Repositories, group_id: int) -> EmployerGroup:
    """The group, or not found (`group_id`)."""
    group = await repos.groups.get(group_id)
    if group is None:
        raise not_found("Groupement", "Employer group", group_id)
    return group


async def create_group(
    uow: UnitOfWork,
    actor: Actor,
    *,
    company_id: int,
    name: str,
    legal_form_value: str,
    now: datetime,
) -> EmployerGroup:
    """The admin of the group's own legal entity declares it; they become its coordinator."""
    require_company_role(actor, company_id, Role.COMPANY_ADMIN)
    checked_name = rules.text(name, field="name", length_max=rules.NAME_LENGTH_MAX)
    form = legal_form(legal_form_value)
    async with uow() as repos:
        if await repos.companies.get(company_id) is None:
            raise not_found("Entreprise", "Company", company_id, field="company_id")
        group_id = await repos.groups.add(
            company_id=company_id, name=checked_name, legal_form=form, now=now
        )
        await repos.people.add_membership(
            user_id=actor.user_id,
            company_id=company_id,
            role=Role.GROUP_COORDINATOR,
            granted_by=None,
            now=now,
        )
        return await load_group(repos, group_id)


async def get_group(uow: UnitOfWork, actor: Actor, group_id: int) -> EmployerGroup:
    del actor  # Groups and their member lists are public inside the network.
    async with uow(write=False) as repos:
        return await load_group(repos, group_id)


async def list_groups(
    uow: UnitOfWork, actor: Actor, *, limit: int, offset: int
) -> Page[EmployerGroup]:
    del actor
    page = page_request(limit, offset)
    async with uow(write=False) as repos:
        items, total = await repos.groups.list(page=page)
    return Page(items=tuple(items), total=total, limit=page.limit, offset=page.offset)


async def add_member(
    uow: UnitOfWork, actor: Actor, group_id: int, *, company_id: int, joined_on: date
) -> EmployerGroup:
    async with uow() as repos:
        group = await load_group(repos, group_id)
        require_company_role(actor, group.company_id, Role.GROUP_COORDINATOR)
        if company_id == group.company_id:
            raise InvalidInput(
                "Le groupement ne peut pas être membre de lui-même.",
                "The group cannot be a member of itself.",
                field="company_id",
                code="group_self_member",
            )
        if await repos.companies.get(company_id) is None:
            raise not_found("Entreprise", "Company", company_id, field="company_id")
        if any(m.company_id == company_id and m.left_on is None for m in group.members):
            raise Conflict(
                "Cette entreprise est déjà membre du groupement.",
                "This company is already a member of the group.",
                field="company_id",
                code="duplicate_member",
            )
        await repos.groups.add_member(group_id, company_id, joined_on)
        return await load_group(repos, group_id)


async def end_membership(
    uow: UnitOfWork, actor: Actor, group_id: int, *, company_id: int, left_on: date
) -> EmployerGroup:
    async with uow() as repos:
        group = await load_group(repos, group_id)
        require_company_role(actor, group.company_id, Role.GROUP_COORDINATOR)
        member = next(
            (m for m in group.members if m.company_id == company_id and m.left_on is None), None
        )
        if member is None:
            raise not_found("Membre", "Member", company_id, field="company_id")
        rules.date_order(member.joined_on, left_on, field="left_on")
        await repos.groups.end_member(group_id, company_id, left_on)
        return await load_group(repos, group_id)


async def list_shared_staff(
    uow: UnitOfWork, actor: Actor, group_id: int, *, limit: int, offset: int
) -> Page[Employee]:
    """The group's own employees (the shared CDOs), for its coordinators and admins."""
    page_request(limit, offset)
    async with uow(write=False) as repos:
        group = await load_group(repos, group_id)
    require_company_role(actor, group.company_id, Role.GROUP_COORDINATOR, Role.COMPANY_ADMIN)
    return await list_employees(
        uow, actor, group.company_id, skill_code=None, level_min=1, limit=limit, offset=offset
    )
