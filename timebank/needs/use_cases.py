"""Use cases on needs: a company's admins post and edit them; every member may browse open ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from timebank.companies.use_cases import check_region
from timebank.db.unit_of_work import UnitOfWork
from timebank.needs import refusals
from timebank.needs.model import (
    Need,
    NeedDraft,
    NeedStatus,
    check_status_change,
    draft_need,
    need_status,
)
from timebank.pagination import Page, page_request
from timebank.people.model import Actor, Role, require_acting_for, require_company_role
from timebank.skills.model import Skill, SkillDomain
from timebank.skills.use_cases import resolve_skill_codes


@dataclass(frozen=True, slots=True)
class NeedInput:
    title: str
    description: str
    estimated_minutes: int
    window_start: date
    window_end: date
    remote_allowed: bool
    place_city: str
    place_postal_code: str
    language: str
    skills: list[tuple[str, int, int]]
    status: str


def _draft(data: NeedInput) -> NeedDraft:
    return draft_need(
        title=data.title,
        description=data.description,
        estimated_minutes=data.estimated_minutes,
        window_start=data.window_start,
        window_end=data.window_end,
        remote_allowed=data.remote_allowed,
        place_city=data.place_city,
        place_postal_code=data.place_postal_code,
        language=data.language,
        skills=data.skills,
    )


async def create_need(
    uow: UnitOfWork, actor: Actor, company_id: int, data: NeedInput, *, now: datetime
) -> Need:
    require_acting_for(actor, company_id, Role.COMPANY_ADMIN)
    draft = _draft(data)
    status = need_status(data.status)
    if status not in (NeedStatus.DRAFT, NeedStatus.OPEN):
        raise refusals.NEW_NEED_STATUS.error()
    async with uow() as repos:
        if await repos.companies.get(company_id) is None:
            raise refusals.COMPANY_NOT_FOUND.error(id=company_id)
        skills = await resolve_skill_codes(
            repos, [item.skill_code for item in draft.skills], field="skills"
        )
        need_id = await repos.needs.add(
            company_id=company_id,
            draft=draft,
            skill_ids={code: skill.id for code, skill in skills.items()},
            status=status,
            created_by=actor.user_id,
            now=now,
        )
        need = await repos.needs.get(need_id)
    assert need is not None
    return need


def _may_see_draft(actor: Actor, need: Need) -> bool:
    return actor.is_operator or actor.has_role(need.company_id, Role.COMPANY_ADMIN)


async def get_need(uow: UnitOfWork, actor: Actor, need_id: int) -> Need:
    async with uow(write=False) as repos:
        need = await repos.needs.get(need_id)
    if need is None or (need.status is NeedStatus.DRAFT and not _may_see_draft(actor, need)):
        raise refusals.NEED_NOT_FOUND.error(id=need_id)
    return need


async def list_needs(
    uow: UnitOfWork,
    actor: Actor,
    *,
    skill_code: str | None,
    region: str | None,
    status: str | None,
    company_id: int | None,
    limit: int,
    offset: int,
) -> Page[Need]:
    """Browse needs; drafts are visible only to their company's admins and the operator."""
    page = page_request(limit, offset)
    checked_region = check_region(region)
    checked_status = need_status(status) if status is not None else None
    async with uow(write=False) as repos:
        skill_id = None
        if skill_code is not None:
            skill_id = (await resolve_skill_codes(repos, [skill_code], field="skill"))[
                skill_code
            ].id
        items, total = await repos.needs.search(
            skill_id=skill_id,
            region=checked_region,
            status=checked_status,
            company_id=company_id,
            visible_draft_companies=None
            if actor.is_operator
            else actor.companies_with(Role.COMPANY_ADMIN),
            page=page,
        )
    return Page(items=tuple(items), total=total, limit=page.limit, offset=page.offset)


async def company_needs(
    uow: UnitOfWork,
    actor: Actor,
    company_id: int,
    *,
    status: str | None,
    limit: int,
    offset: int,
) -> Page[Need]:
    """All of one company's needs, drafts and closed ones included, for its admins."""
    require_company_role(actor, company_id, Role.COMPANY_ADMIN)
    page = page_request(limit, offset)
    checked_status = need_status(status) if status is not None else None
    async with uow(write=False) as repos:
        items, total = await repos.needs.search(
            skill_id=None,
            region=None,
            status=checked_status,
            company_id=company_id,
            visible_draft_companies=frozenset({company_id}),
            page=page,
        )
    return Page(items=tuple(items), total=total, limit=page.limit, offset=page.offset)


async def get_company_need(uow: UnitOfWork, actor: Actor, company_id: int, need_id: int) -> Need:
    """One need of this company, for its admins (another company's need is not found here)."""
    require_company_role(actor, company_id, Role.COMPANY_ADMIN)
    async with uow(write=False) as repos:
        need = await repos.needs.get(need_id)
    if need is None or need.company_id != company_id:
        raise refusals.NEED_NOT_FOUND.error(id=need_id)
    return need


async def update_need(
    uow: UnitOfWork,
    actor: Actor,
    need_id: int,
    data: NeedInput,
    *,
    now: datetime,
    company_id: int | None = None,
) -> Need:
    """The company's admins edit a need and move its status along the allowed transitions.

    With `company_id` (a page under that company), a need of another company is not found.
    """
    draft = _draft(data)
    wanted = need_status(data.status)
    async with uow() as repos:
        need = await repos.needs.get(need_id)
        if need is None or (company_id is not None and need.company_id != company_id):
            raise refusals.NEED_NOT_FOUND.error(id=need_id)
        require_acting_for(actor, need.company_id, Role.COMPANY_ADMIN)
        check_status_change(need.status, wanted)
        if need.status in (NeedStatus.CLOSED, NeedStatus.CANCELLED):
            raise refusals.NEED_FROZEN.error()
        skills = await resolve_skill_codes(
            repos, [item.skill_code for item in draft.skills], field="skills"
        )
        await repos.needs.replace(
            need_id,
            draft=draft,
            skill_ids={code: skill.id for code, skill in skills.items()},
            status=wanted,
            now=now,
        )
        updated = await repos.needs.get(need_id)
    assert updated is not None
    return updated


@dataclass(frozen=True, slots=True)
class SkillGroup:
    domain: SkillDomain
    skills: tuple[Skill, ...]


async def skill_choices(uow: UnitOfWork, actor: Actor, company_id: int) -> tuple[SkillGroup, ...]:
    """The taxonomy grouped by domain, for the admins writing one of this company's needs."""
    require_company_role(actor, company_id, Role.COMPANY_ADMIN)
    async with uow(write=False) as repos:
        domains = await repos.skills.domains()
        skills = await repos.skills.all(domain_code=None)
    groups = (
        SkillGroup(domain, tuple(s for s in skills if s.domain_code == domain.code))
        for domain in domains
    )
    return tuple(group for group in groups if group.skills)
