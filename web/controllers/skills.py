"""The skill taxonomy (read-only)."""

from __future__ import annotations

from litestar import Controller, get
from litestar.params import FromQuery

from timebank.skills import use_cases
from web.dependencies import CurrentActor, Uow
from web.schemas import DomainOut, SkillOut


class SkillController(Controller):
    path = "/api/v1/skills"
    tags = ["Compétences"]

    @get("/")
    async def list_skills(
        self, uow: Uow, actor: CurrentActor, domain: FromQuery[str | None] = None
    ) -> list[SkillOut]:
        """Every skill of the taxonomy (labels in French and English, ESCO URI where known)."""
        del actor
        return [SkillOut.of(s) for s in await use_cases.list_skills(uow, domain_code=domain)]

    @get("/domains")
    async def list_domains(self, uow: Uow, actor: CurrentActor) -> list[DomainOut]:
        del actor
        return [DomainOut.of(d) for d in await use_cases.list_domains(uow)]
