"""Trainings: logged by employees, approved by employers, rated; the public ratings page.

The employee logs a training (hours typed as people type them, the skill domain it serves and
the link to the employer's digital-transformation plan) and rates it once the employer approved
it; the employer's admin approves or rejects, seeing the plan's link; anyone reads the ratings,
searched by provider, title and skill domain, without a name, a company or the plan.
"""

from __future__ import annotations

from typing import Any, Final

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from timebank.errors import Conflict, NotFound, TimebankError
from timebank.formatting import parse_duration_minutes
from timebank.skills.model import SkillDomain
from timebank.trainings import use_cases as trainings
from timebank.trainings.use_cases import MyTrainings
from web import refusals
from web.dependencies import CurrentActor, Now, Uow
from web.pages.common import (
    NOTICES,
    PAGE_SIZE,
    PUBLIC,
    day_of,
    page_number,
    paginate,
    read_form,
    refused,
    render,
    see_other,
    text,
    values_of,
    whole_number,
)

NOTICES.update(
    {
        "formation": "Formation enregistrée : elle attend la validation de votre employeur.",
        "formation_avis": "Merci : votre avis est publié, sans votre nom.",
        "formation_validee": "Formation validée : son temps est valorisé à prix coûtant.",
        "formation_refusee": "Formation refusée : le salarié le verra sur sa page.",
    }
)
MINE_PAGE: Final = "trainings/mine.html"
RATE_PAGE: Final = "trainings/rate.html"
STAFF_PAGE: Final = "trainings/staff.html"
PUBLIC_PAGE: Final = "trainings/public.html"
TRAINING_FIELDS: Final = (
    "title",
    "provider",
    "domain_code",
    "plan_link",
    "starts_on",
    "ends_on",
    "minutes",
)
RATINGS: Final = tuple((str(n), f"{n} sur 5") for n in range(5, 0, -1))


def domain_values(domains: list[SkillDomain]) -> dict[str, Any]:
    """The skill domains as the templates use them: the select's options and the labels."""
    return {
        "domains": [(d.code, d.label_fr) for d in domains],
        "domain_labels": {d.code: d.label_fr for d in domains},
    }


def chosen(mine: list[MyTrainings], salarie: str | None) -> MyTrainings | None:
    """The employee record asked for (`?salarie=`), or the first one."""
    for record in mine:
        if str(record.employee.id) == salarie:
            return record
    return mine[0] if mine else None


class TrainingPages(Controller):
    include_in_schema = False

    async def _mine(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        *,
        salarie: str | None,
        refusal: TimebankError | None = None,
        form: dict[str, Any] | None = None,
    ) -> Template:
        mine = await trainings.my_trainings(uow, actor)
        values: dict[str, Any] = {
            "records": mine,
            "current": chosen(mine, salarie),
            "fields": TRAINING_FIELDS,
            **domain_values(await trainings.training_domains(uow)),
        }
        if refusal is not None:
            return refused(request, MINE_PAGE, refusal, form or {}, **values)
        return render(request, MINE_PAGE, **values)

    @get("/mes-formations")
    async def mine(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        salarie: FromQuery[str | None] = None,
    ) -> Template:
        return await self._mine(request, uow, actor, salarie=salarie)

    @post("/mes-formations/{employee_id:int}")
    async def log(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        employee_id: FromPath[int],
    ) -> Template | Redirect:
        form = await read_form(request)
        try:
            starts_on = day_of(form, "starts_on", label_fr="Début", label_en="Start")
            ends_on = day_of(form, "ends_on", label_fr="Fin", label_en="End")
            assert starts_on is not None
            assert ends_on is not None
            await trainings.log_training(
                uow,
                actor,
                employee_id,
                title=text(form, "title"),
                provider=text(form, "provider"),
                starts_on=starts_on,
                ends_on=ends_on,
                minutes=parse_duration_minutes(
                    text(form, "minutes", length_max=40), field="minutes"
                ),
                now=now,
                plan_link=text(form, "plan_link"),
                domain_code=text(form, "domain_code", length_max=40),
            )
        except NotFound:
            raise
        except TimebankError as refusal:
            return await self._mine(
                request,
                uow,
                actor,
                salarie=str(employee_id),
                refusal=refusal,
                form=values_of(form),
            )
        return see_other(f"/mes-formations?salarie={employee_id}", "formation")

    async def _rate_page(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        training_id: int,
        *,
        refusal: TimebankError | None = None,
        form: dict[str, Any] | None = None,
    ) -> Template:
        mine = await trainings.my_trainings(uow, actor)
        found = next((t for record in mine for t in record.trainings if t.id == training_id), None)
        if found is None:
            raise refusals.TRAINING_NOT_FOUND.error(id=training_id)
        values: dict[str, Any] = {"training": found, "ratings": RATINGS}
        shown = form or {
            "rating": str(found.rating or ""),
            "comment": found.rating_comment or "",
        }
        if refusal is not None:
            return refused(request, RATE_PAGE, refusal, shown, **values)
        return render(request, RATE_PAGE, form=shown, **values)

    @get("/mes-formations/{training_id:int}/avis")
    async def rate_form(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        training_id: FromPath[int],
    ) -> Template:
        return await self._rate_page(request, uow, actor, training_id)

    @post("/mes-formations/{training_id:int}/avis")
    async def rate(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        training_id: FromPath[int],
    ) -> Template | Redirect:
        form = await read_form(request)
        try:
            found = await trainings.rate_training(
                uow,
                actor,
                training_id,
                stars=whole_number(form, "rating", label_fr="Note", label_en="Rating"),
                comment=text(form, "comment"),
                now=now,
            )
        except NotFound:
            raise
        except TimebankError as refusal:
            return await self._rate_page(
                request, uow, actor, training_id, refusal=refusal, form=values_of(form)
            )
        return see_other(f"/mes-formations?salarie={found.employee_id}", "formation_avis")

    async def _staff(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        company_id: int,
        *,
        refusal: TimebankError | None = None,
    ) -> Template:
        company, rows = await trainings.company_trainings(uow, actor, company_id)
        values: dict[str, Any] = {
            "company": company,
            "rows": rows,
            **domain_values(await trainings.training_domains(uow)),
        }
        if refusal is not None:
            return refused(request, STAFF_PAGE, refusal, {}, **values)
        return render(request, STAFF_PAGE, **values)

    @get("/entreprises/{company_id:int}/formations")
    async def staff(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        company_id: FromPath[int],
    ) -> Template:
        return await self._staff(request, uow, actor, company_id)

    async def _review(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Any,
        company_id: int,
        training_id: int,
        *,
        approve: bool,
    ) -> Template | Redirect:
        try:
            await trainings.review_training(uow, actor, training_id, approve=approve, now=now)
        except Conflict as refusal:
            return await self._staff(request, uow, actor, company_id, refusal=refusal)
        notice = "formation_validee" if approve else "formation_refusee"
        return see_other(f"/entreprises/{company_id}/formations", notice)

    @post("/entreprises/{company_id:int}/formations/{training_id:int}/valider")
    async def approve(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        company_id: FromPath[int],
        training_id: FromPath[int],
    ) -> Template | Redirect:
        return await self._review(request, uow, actor, now, company_id, training_id, approve=True)

    @post("/entreprises/{company_id:int}/formations/{training_id:int}/refuser")
    async def reject(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        company_id: FromPath[int],
        training_id: FromPath[int],
    ) -> Template | Redirect:
        return await self._review(request, uow, actor, now, company_id, training_id, approve=False)

    @get("/formations/avis", opt=PUBLIC)
    async def reviews(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        organisme: FromQuery[str | None] = None,
        intitule: FromQuery[str | None] = None,
        domaine: FromQuery[str | None] = None,
        page: FromQuery[str | None] = None,
    ) -> Template:
        form = {"organisme": organisme or "", "intitule": intitule or "", "domaine": domaine or ""}
        values = domain_values(await trainings.training_domains(uow))
        try:
            found = await trainings.public_reviews(
                uow, provider=organisme, title=intitule, domain=domaine
            )
        except TimebankError as refusal:
            return refused(
                request,
                PUBLIC_PAGE,
                refusal,
                form,
                items=[],
                pagination=paginate(1, 0),
                **values,
            )
        pagination = paginate(page_number(page), len(found), PAGE_SIZE)
        items = found[pagination.offset : pagination.offset + pagination.size]
        return render(request, PUBLIC_PAGE, form=form, items=items, pagination=pagination, **values)
