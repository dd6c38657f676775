"""Use cases on the skill taxonomy: read it, resolve codes, and load it into the database."""

from __future__ import annotations

from timebank import rules
from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.people.model import Actor, require_operator
from timebank.skills import refusals
from timebank.skills.model import (
    SKILL_CODE_RE,
    Skill,
    SkillDomain,
    TaxonomySkill,
    load_taxonomy,
)


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
            raise refusals.UNKNOWN_SKILL.error(code=code[:60], field=f"{field}[{index}].skill")
    return found


ESCO_URI_PREFIX = "http://data.europa.eu/esco/skill/"


def _checked_skill(
    *, code: str, domain: str, label_fr: str, label_en: str, esco_uri: str | None
) -> TaxonomySkill:
    if not SKILL_CODE_RE.match(code) or len(code) > 60:
        raise refusals.INVALID_SKILL_CODE.error(code=code[:60])
    if esco_uri is not None and not esco_uri.startswith(ESCO_URI_PREFIX):
        raise refusals.INVALID_ESCO_URI.error(esco_uri_prefix=ESCO_URI_PREFIX)
    return TaxonomySkill(
        code=code,
        domain_code=domain,
        label_fr=rules.text(label_fr, field="label_fr", length_max=120),
        label_en=rules.text(label_en, field="label_en", length_max=120),
        esco_uri=rules.text(esco_uri, field="esco_uri", length_max=200) if esco_uri else None,
    )


async def save_skill(
    uow: UnitOfWork,
    actor: Actor,
    *,
    code: str,
    domain: str,
    label_fr: str,
    label_en: str,
    esco_uri: str | None,
    create: bool,
) -> Skill:
    """The operator adds a skill to the taxonomy, or edits one (its code never changes)."""
    require_operator(actor)
    skill = _checked_skill(
        code=code, domain=domain, label_fr=label_fr, label_en=label_en, esco_uri=esco_uri
    )
    async with uow() as repos:
        exists = bool(await repos.skills.by_codes([code]))
        if create and exists:
            raise refusals.DUPLICATE_SKILL.error(code=code)
        if not create and not exists:
            raise refusals.SKILL_NOT_FOUND.error(id=code)
        if not await repos.skills.save_skill(skill, create=create):
            raise refusals.UNKNOWN_DOMAIN.error(domain=domain[:40])
        return (await repos.skills.by_codes([code]))[code]
