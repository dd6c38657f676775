"""Use cases on the skill taxonomy: read it, resolve codes, and load it into the database."""

from __future__ import annotations

from timebank import rules
from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.errors import Conflict, InvalidInput, not_found
from timebank.people.model import Actor, require_operator
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
            raise InvalidInput(
                f"Compétence inconnue : « {code[:60]} ».",
                f"Unknown skill: '{code[:60]}'.",
                field=f"{field}[{index}].skill",
                code="unknown_skill",
            )
    return found


ESCO_URI_PREFIX = "http://data.europa.eu/esco/skill/"


def _checked_skill(
    *, code: str, domain: str, label_fr: str, label_en: str, esco_uri: str | None
) -> TaxonomySkill:
    if not SKILL_CODE_RE.match(code) or len(code) > 60:
        raise InvalidInput(
            f"Code de compétence invalide : « {code[:60]} » (minuscules, chiffres et tirets).",
            f"Invalid skill code: '{code[:60]}' (lower case, digits and hyphens).",
            field="code",
            code="invalid_skill_code",
        )
    if esco_uri is not None and not esco_uri.startswith(ESCO_URI_PREFIX):
        raise InvalidInput(
            f"URI ESCO invalide (elle commence par {ESCO_URI_PREFIX}).",
            f"Invalid ESCO URI (it starts with {ESCO_URI_PREFIX}).",
            field="esco_uri",
            code="invalid_esco_uri",
        )
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
            raise Conflict(
                f"La compétence « {code} » existe déjà.",
                f"Skill '{code}' already exists.",
                field="code",
                code="duplicate_skill",
            )
        if not create and not exists:
            raise not_found("Compétence", "Skill", code)
        if not await repos.skills.save_skill(skill, create=create):
            raise InvalidInput(
                f"Domaine inconnu : « {domain[:40]} ».",
                f"Unknown domain: '{domain[:40]}'.",
                field="domain",
                code="unknown_domain",
            )
        return (await repos.skills.by_codes([code]))[code]
