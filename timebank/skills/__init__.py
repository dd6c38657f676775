"""The programme's taxonomy of digital skills, grouped in domains, with levels 1 to 4."""

from timebank.skills.model import LEVEL_LABELS, Skill, SkillDomain

__all__ = ["LEVEL_LABELS", "Skill", "SkillDomain"]
