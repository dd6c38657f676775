"""Use cases on the skill taxonomy: read it, resolve codes, and load it into the database."""

from __future__ import annotations

from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.errors import InvalidInput
from timebank.skills.model import Skill, SkillDomain, load_taxonomy


async def sync_taxonomy(uow: UnitOfWork) -> int:
    """Load the shipped taxonomy (idempotent); return how many skills were added."""
    taxonomy = load_taxonomy()
    async with uow() as repos:
        return await repos.skills.sync_taxonomy(taxonomy)


async def list_skills(uow: UnitOfWork, *, domain_code: str | None) -> list[Skill]:
    async with uow(write=False) as repos:
        return await repos.skills.all(domain_code=domain_code)


async def list_domains(uow: UnitOfWork) -> list[SkillDomain]:
    async with uow(write=False) as repos:
        return await repos.skills.domains()


async def resolve_skill_codes(
    repos: Repositories, codes: list[str], *, field: str
) -> dict[str, Skill]:
    """Map skill codes to skills; refuse the first unknown code, naming the field."""
    found = await repos.skills.by_codes(sorted(set(codes)))
    for index, code in enumerate(codes):
        if code not in found:
            raise InvalidInput(
                f"Compétence inconnue : « {code[:60]} ».",
                f"Unknown skill: '{code[:60]}'.",
                field=f"{field}[{index}].skill",
                code="unknown_skill",
            )
    return found
