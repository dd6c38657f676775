"""What every sub-flow of the time-share needs: a period and its group read with who may see
them (coordinator, member, CDO), a draft plan, the CDOs' names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matching import cdo_rotation
from timebank import formatting
from timebank.companies.model import Company
from timebank.db.unit_of_work import Repositories
from timebank.groups.model import EmployerGroup
from timebank.groups.use_cases import load_group
from timebank.people.model import Actor, Role, require_acting_for
from timebank.rotations import model as m
from timebank.rotations import refusals
from timebank.rotations.model import (
    PlannedSlot,
    PlanStatus,
    PlanVersion,
    RotationPeriod,
)

# Where a CDO starts from when the group's entity has no coordinates: the centre of France.
FRANCE_CENTRE = (46.6, 2.4)


@dataclass(frozen=True, slots=True)
class PeriodView:
    period: RotationPeriod
    group: EmployerGroup
    cdos: tuple[m.CdoAvailability, ...]
    requests: tuple[m.MemberRequest, ...]
    plans: tuple[PlanVersion, ...]


async def _period(
    repos: Repositories, period_id: int, *, lock: bool = False
) -> tuple[RotationPeriod, EmployerGroup]:
    period = await repos.rotations.get_period(period_id, lock=lock)
    if period is None:
        raise refusals.PERIOD_NOT_FOUND.error(id=period_id)
    return period, await load_group(repos, period.group_id)


def _coordinates(actor: Actor, group: EmployerGroup) -> bool:
    """The group's coordinators see and decide everything of its periods. The operator does
    not: a period's requests, CDOs' days off and plans are the group's business, and it acts in
    no company's name (`require_acting_for`)."""
    return actor.has_role(group.company_id, Role.GROUP_COORDINATOR)


def _require_coordinator(actor: Actor, group: EmployerGroup) -> None:
    require_acting_for(actor, group.company_id, Role.GROUP_COORDINATOR)


def _member_ids(group: EmployerGroup, period: RotationPeriod) -> set[int]:
    """Members at some point of the period."""
    return {
        member.company_id
        for member in group.members
        if member.joined_on <= period.ends_on
        and (member.left_on is None or member.left_on > period.starts_on)
    }


async def _own_cdo_ids(repos: Repositories, actor: Actor, group: EmployerGroup) -> set[int]:
    """The actor's employee records in the group's entity (as a CDO)."""
    return {
        e.id
        for e in await repos.employees.of_user(actor.user_id)
        if e.company_id == group.company_id
    }


async def _viewer(
    repos: Repositories,
    actor: Actor,
    period: RotationPeriod,
    group: EmployerGroup,
    *,
    cdos: Sequence[m.CdoAvailability] | None = None,
) -> tuple[bool, set[int], set[int]]:
    """(coordinates the group, member companies the actor admins, CDO records of the actor);
    refuses (not found) someone with no part in the period. `cdos`: the period's CDOs when
    the caller has read them already."""
    if _coordinates(actor, group):
        return True, set(), set()
    companies = {c for c in _member_ids(group, period) if actor.has_role(c, Role.COMPANY_ADMIN)}
    if cdos is None:
        cdos = await repos.rotations.cdos(period.id)
    cdo_ids = {c.employee_id for c in cdos}
    mine = await _own_cdo_ids(repos, actor, group) & cdo_ids
    if not companies and not mine:
        raise refusals.PERIOD_NOT_FOUND.error(id=period.id)
    return False, companies, mine


def _visible(
    slots: list[PlannedSlot], viewer: tuple[bool, set[int], set[int]]
) -> list[PlannedSlot]:
    everything, companies, cdo_ids = viewer
    if everything:
        return slots
    return [s for s in slots if s.company_id in companies or s.employee_id in cdo_ids]


async def _view(repos: Repositories, period_id: int) -> PeriodView:
    period, group = await _period(repos, period_id)
    return PeriodView(
        period,
        group,
        tuple(await repos.rotations.cdos(period_id)),
        tuple(await repos.rotations.requests(period_id)),
        tuple(await repos.rotations.plans(period_id)),
    )


def _period_label(period: RotationPeriod) -> str:
    return f"{formatting.day(period.starts_on)} au {formatting.day(period.ends_on)}"


async def _draft(
    repos: Repositories, actor: Actor, plan_id: int
) -> tuple[PlanVersion, RotationPeriod, EmployerGroup]:
    plan = await repos.rotations.get_plan(plan_id)
    if plan is None:
        raise refusals.PLAN_NOT_FOUND.error(id=plan_id, field="plan_id")
    period, group = await _period(repos, plan.period_id, lock=True)
    _require_coordinator(actor, group)
    if plan.status is not PlanStatus.DRAFT:
        raise refusals.PLAN_NOT_DRAFT.error()
    return plan, period, group


def _home(entity: Company) -> tuple[float, float]:
    """Where the group's CDOs start from: the group's entity, else the centre of France."""
    if entity.latitude is not None and entity.longitude is not None:
        return entity.latitude, entity.longitude
    return FRANCE_CENTRE


async def _breach_words(repos: Repositories, breach: cdo_rotation.Breach) -> dict[str, str]:
    """A plan's broken rule in French and English (`wrong_fr`, `wrong_en`), its CDO and
    member by their names (the plan's ids are employee and company ids)."""
    names: dict[str, str] = {}
    if breach.cdo is not None and breach.cdo.isdigit():
        cdo_id = int(breach.cdo)
        names[breach.cdo] = (await _cdo_names(repos, {cdo_id}))[cdo_id]
    if breach.member is not None and breach.member.isdigit():
        company = await repos.companies.get(int(breach.member))
        names[breach.member] = company.name if company is not None else breach.member
    wrong_fr, wrong_en = breach.words(names)
    return {"wrong_fr": wrong_fr, "wrong_en": wrong_en}


async def _cdo_names(repos: Repositories, employee_ids: set[int]) -> dict[int, str]:
    """The CDOs' names, as members see them in calendars and reminders."""
    found = await repos.employees.get_many(sorted(employee_ids))
    return {e: found[e].full_name if e in found else "CDO" for e in sorted(employee_ids)}
