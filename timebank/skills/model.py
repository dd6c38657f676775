"""Skills, their domains and the four levels; the taxonomy ships as `taxonomy.json`."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Final

SKILL_CODE_RE: Final = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TAXONOMY_SKILLS_MAX: Final = 2000

LEVEL_LABELS: Final[dict[int, tuple[str, str]]] = {
    1: ("notions", "basic knowledge"),
    2: ("autonome", "independent"),
    3: ("confirmé", "proficient"),
    4: ("expert", "expert"),
}


@dataclass(frozen=True, slots=True)
class SkillDomain:
    code: str
    label_fr: str
    label_en: str


@dataclass(frozen=True, slots=True)
class Skill:
    id: int
    code: str
    domain_code: str
    label_fr: str
    label_en: str
    esco_uri: str | None


@dataclass(frozen=True, slots=True)
class TaxonomySkill:
    code: str
    domain_code: str
    label_fr: str
    label_en: str
    esco_uri: str | None


@dataclass(frozen=True, slots=True)
class Taxonomy:
    version: str
    domains: tuple[SkillDomain, ...]
    skills: tuple[TaxonomySkill, ...]


def load_taxonomy() -> Taxonomy:
    """Read and check the taxonomy shipped with the package."""
    raw = json.loads(
        resources.files("timebank.skills").joinpath("taxonomy.json").read_text(encoding="utf-8")
    )
    domains = tuple(
        SkillDomain(code=d["code"], label_fr=d["label_fr"], label_en=d["label_en"])
        for d in raw["domains"]
    )
    domain_codes = {domain.code for domain in domains}
    skills = tuple(
        TaxonomySkill(
            code=s["code"],
            domain_code=s["domain"],
            label_fr=s["label_fr"],
            label_en=s["label_en"],
            esco_uri=s.get("esco_uri"),
        )
        for s in raw["skills"]
    )
    codes = [skill.code for skill in skills]
    assert len(codes) == len(set(codes)), "duplicate skill code in taxonomy.json"
    assert len(codes) <= TAXONOMY_SKILLS_MAX
    for skill in skills:
        assert SKILL_CODE_RE.match(skill.code), skill.code
        assert skill.domain_code in domain_codes, skill.code
    return Taxonomy(version=str(raw["version"]), domains=domains, skills=skills)
