"""The skills taxonomy."""

from __future__ import annotations

from pydantic import BaseModel

from timebank.skills.model import Skill, SkillDomain
from web.schemas.common import In


class SkillUpdateIn(In):
    domain: str
    label_fr: str
    label_en: str
    esco_uri: str | None = None


class SkillIn(SkillUpdateIn):
    code: str


class SkillOut(BaseModel):
    code: str
    domain: str
    label_fr: str
    label_en: str
    esco_uri: str | None

    @classmethod
    def of(cls, skill: Skill) -> SkillOut:
        return cls(
            code=skill.code,
            domain=skill.domain_code,
            label_fr=skill.label_fr,
            label_en=skill.label_en,
            esco_uri=skill.esco_uri,
        )


class DomainOut(BaseModel):
    code: str
    label_fr: str
    label_en: str

    @classmethod
    def of(cls, domain: SkillDomain) -> DomainOut:
        return cls(code=domain.code, label_fr=domain.label_fr, label_en=domain.label_en)
