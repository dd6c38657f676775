"""The skills taxonomy."""

from __future__ import annotations

from pydantic import Field

from web.schemas.common import In, Out


class SkillUpdateIn(In):
    domain: str
    label_fr: str
    label_en: str
    esco_uri: str | None = None


class SkillIn(SkillUpdateIn):
    code: str


class SkillOut(Out):
    code: str
    domain: str = Field(validation_alias="domain_code")
    label_fr: str
    label_en: str
    esco_uri: str | None


class DomainOut(Out):
    code: str
    label_fr: str
    label_en: str
