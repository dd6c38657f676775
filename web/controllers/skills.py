"""The skill taxonomy (read-only)."""

from __future__ import annotations

from litestar import Controller, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from timebank.skills import use_cases
from web.dependencies import CurrentActor, Uow
from web.schemas import DomainOut, SkillIn, SkillOut, SkillUpdateIn


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

    @post("/", status_code=HTTP_201_CREATED)
    async def create_skill(
        self, data: JSONBody[SkillIn], uow: Uow, actor: CurrentActor
    ) -> SkillOut:
        """The operator adds a skill to the taxonomy."""
        return SkillOut.of(
            await use_cases.save_skill(
                uow,
                actor,
                code=data.code,
                domain=data.domain,
                label_fr=data.label_fr,
                label_en=data.label_en,
                esco_uri=data.esco_uri,
                create=True,
            )
        )

    @put("/{code:str}")
    async def update_skill(
        self, code: FromPath[str], data: JSONBody[SkillUpdateIn], uow: Uow, actor: CurrentActor
    ) -> SkillOut:
        """The operator edits a skill's domain, labels or ESCO URI."""
        return SkillOut.of(
            await use_cases.save_skill(
                uow,
                actor,
                code=code,
                domain=data.domain,
                label_fr=data.label_fr,
                label_en=data.label_en,
                esco_uri=data.esco_uri,
                create=False,
            )
        )

    @get("/domains")
    async def list_domains(self, uow: Uow, actor: CurrentActor) -> list[DomainOut]:
        del actor
        return [DomainOut.of(d) for d in await use_cases.list_domains(uow)]
