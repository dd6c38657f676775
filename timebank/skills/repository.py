"""Loads and stores the skill taxonomy."""

from __future__ import annotations

from typing import Any

from timebank.db.tables import SkillDomainTable, SkillTable
from timebank.skills.model import Skill, SkillDomain, Taxonomy, TaxonomySkill


def _skill_from_row(row: dict[str, Any]) -> Skill:
    return Skill(
        id=row["id"],
        code=row["code"],
        domain_code=row["domain.code"],
        label_fr=row["label_fr"],
        label_en=row["label_en"],
        esco_uri=row["esco_uri"],
    )


_SKILL_COLUMNS = (
    SkillTable.id,
    SkillTable.code,
    SkillTable.domain.code,
    SkillTable.label_fr,
    SkillTable.label_en,
    SkillTable.esco_uri,
)


class SkillRepository:
    async def sync_taxonomy(self, taxonomy: Taxonomy) -> int:
        """Insert missing domains and skills, refresh labels of existing ones; return #added."""
        domain_ids: dict[str, int] = {
            row["code"]: row["id"]
            for row in await SkillDomainTable.select(SkillDomainTable.id, SkillDomainTable.code)
        }
        for domain in taxonomy.domains:
            if domain.code in domain_ids:
                await SkillDomainTable.update(
                    {
                        SkillDomainTable.label_fr: domain.label_fr,
                        SkillDomainTable.label_en: domain.label_en,
                    }
                ).where(SkillDomainTable.id == domain_ids[domain.code])
            else:
                rows = await SkillDomainTable.insert(
                    SkillDomainTable(
                        code=domain.code, label_fr=domain.label_fr, label_en=domain.label_en
                    )
                ).returning(SkillDomainTable.id)
                domain_ids[domain.code] = rows[0]["id"]
        existing = {row["code"] for row in await SkillTable.select(SkillTable.code)}
        added = 0
        for skill in taxonomy.skills:
            domain_id = domain_ids[skill.domain_code]
            if skill.code in existing:
                await SkillTable.update(
                    {
                        SkillTable.domain: domain_id,
                        SkillTable.label_fr: skill.label_fr,
                        SkillTable.label_en: skill.label_en,
                        SkillTable.esco_uri: skill.esco_uri,
                    }
                ).where(SkillTable.code == skill.code)
            else:
                row = SkillTable(
                    code=skill.code,
                    domain=domain_id,
                    label_fr=skill.label_fr,
                    label_en=skill.label_en,
                    esco_uri=skill.esco_uri,
                )
                await SkillTable.insert(row)
                added += 1
        return added

    async def domains(self) -> list[SkillDomain]:
        rows = await SkillDomainTable.select().order_by(SkillDomainTable.code)
        return [
            SkillDomain(code=r["code"], label_fr=r["label_fr"], label_en=r["label_en"])
            for r in rows
        ]

    async def all(self, *, domain_code: str | None = None) -> list[Skill]:
        query = SkillTable.select(*_SKILL_COLUMNS).order_by(SkillTable.code)
        if domain_code is not None:
            query = query.where(SkillTable.domain.code == domain_code)
        return [_skill_from_row(row) for row in await query]

    async def by_codes(self, codes: list[str]) -> dict[str, Skill]:
        if not codes:
            return {}
        rows = await SkillTable.select(*_SKILL_COLUMNS).where(SkillTable.code.is_in(codes))
        return {row["code"]: _skill_from_row(row) for row in rows}

    async def save_skill(self, skill: TaxonomySkill, *, create: bool) -> bool:
        """Insert (create) or update one skill; False when its domain does not exist."""
        domain_id = await _domain_id(skill.domain_code)
        if domain_id is None:
            return False
        if create:
            await SkillTable.insert(
                SkillTable(
                    code=skill.code,
                    domain=domain_id,
                    label_fr=skill.label_fr,
                    label_en=skill.label_en,
                    esco_uri=skill.esco_uri,
                )
            )
        else:
            await SkillTable.update(
                {
                    SkillTable.domain: domain_id,
                    SkillTable.label_fr: skill.label_fr,
                    SkillTable.label_en: skill.label_en,
                    SkillTable.esco_uri: skill.esco_uri,
                }
            ).where(SkillTable.code == skill.code)
        return True

    async def by_ids(self, skill_ids: list[int]) -> dict[int, Skill]:
        if not skill_ids:
            return {}
        rows = await SkillTable.select(*_SKILL_COLUMNS).where(SkillTable.id.is_in(skill_ids))
        return {row["id"]: _skill_from_row(row) for row in rows}


async def _domain_id(code: str) -> int | None:
    row = (
        await SkillDomainTable.select(SkillDomainTable.id)
        .where(SkillDomainTable.code == code)
        .first()
    )
    return None if row is None else int(row["id"])
