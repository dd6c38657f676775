"""The employee's skills profile page: skills and levels, hours offered, remote, radius, languages.

The skills are N rows of a plain form; « Ajouter une compétence » posts the form back and shows
one more empty row, so the page works without JavaScript. Nothing is saved until « Enregistrer ».
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from litestar import Controller, Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from timebank import rules
from timebank.employees import use_cases as employee_use_cases
from timebank.employees.model import Employee
from timebank.errors import Forbidden, NotFound, TimebankError
from timebank.formatting import hours, parse_duration_minutes
from timebank.skills import use_cases as skill_use_cases
from web import refusals
from web.dependencies import CurrentActor, Uow
from web.pages.common import (
    checked,
    read_form,
    refused,
    render,
    see_other,
    text,
    values_of,
    whole_number,
)

TEMPLATE: Final = "profile/form.html"
# One row more than a profile may hold, so that the person sees the refusal, not a lost row.
SKILL_ROWS_MAX: Final = rules.SKILLS_PER_PROFILE_MAX + 1
ADD_BUTTON: Final = "ajouter"


@dataclass(frozen=True, slots=True)
class SkillRow:
    """One row of the skills form, as typed: a skill code and a level, both maybe empty."""

    skill: str
    level: str


def rows_of_employee(employee: Employee) -> list[SkillRow]:
    return [SkillRow(s.skill_code, str(s.level)) for s in employee.skills]


def rows_of_form(form: FormMultiDict) -> list[SkillRow]:
    """The rows the person kept: empty rows and rows marked « retirer » are dropped."""
    count = whole_number(
        form, "rows", label_fr="Lignes", label_en="Rows", required=False, default=0
    )
    rows = []
    for index in range(min(max(count, 0), SKILL_ROWS_MAX)):
        skill = text(form, f"skills[{index}].skill", length_max=80)
        if not skill or checked(form, f"skills[{index}].remove"):
            continue
        rows.append(SkillRow(skill, text(form, f"skills[{index}].level", length_max=2)))
    return rows


def skill_levels(rows: list[SkillRow]) -> list[tuple[str, int]]:
    """(code, level) pairs for the use case; a row without a level is refused beside it."""
    levels = []
    for index, row in enumerate(rows):
        if not row.level.isdigit():
            raise refusals.SKILL_LEVEL_REQUIRED.error(field=f"skills[{index}].level")
        levels.append((row.skill, int(row.level)))
    return levels


def values_of_employee(employee: Employee) -> dict[str, Any]:
    return {
        "offered_minutes_per_month": hours(employee.offered_minutes_per_month),
        "remote_ok": "on" if employee.remote_ok else "",
        "travel_radius_km": str(employee.travel_radius_km),
        "languages": list(employee.languages),
    }


def chosen_record(records: list[Employee], asked: str | None) -> Employee | None:
    """The record asked for (`?salarie=`), else the first; a person may have several employers."""
    for record in records:
        if asked is not None and str(record.id) == asked:
            return record
    return records[0] if records else None


class ProfilePages(Controller):
    include_in_schema = False

    async def _page(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        *,
        records: list[Employee],
        employee: Employee | None,
        rows: list[SkillRow] | None = None,
        form: dict[str, Any] | None = None,
        refusal: TimebankError | None = None,
    ) -> Template:
        domains = await skill_use_cases.list_domains(uow)
        skills = await skill_use_cases.list_skills(uow, domain_code=None)
        by_domain = {
            domain.code: sorted(
                (s for s in skills if s.domain_code == domain.code), key=lambda s: s.label_fr
            )
            for domain in domains
        }
        if employee is not None and rows is None:
            rows = rows_of_employee(employee)
        shown_rows = [*(rows or []), SkillRow("", "")]
        values = form if form is not None else values_of_employee(employee) if employee else {}
        context: dict[str, Any] = {
            "records": records,
            "employee": employee,
            "rows": shown_rows,
            "domains": [d for d in domains if by_domain[d.code]],
            "skills_by_domain": by_domain,
            "skill_labels": {s.code: s.label_fr for s in skills},
            "company_name": actor.company_name,
        }
        if refusal is not None:
            return refused(request, TEMPLATE, refusal, values, **context)
        return render(request, TEMPLATE, form=values, **context)

    @get("/profil")
    async def profile(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        salarie: FromQuery[str | None] = None,
    ) -> Template:
        records = await employee_use_cases.my_employee_records(uow, actor)
        return await self._page(
            request, uow, actor, records=records, employee=chosen_record(records, salarie)
        )

    @post("/profil/{employee_id:int}")
    async def save_profile(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        employee_id: FromPath[int],
    ) -> Template | Redirect:
        form = await read_form(request)
        records = await employee_use_cases.my_employee_records(uow, actor)
        employee = next((r for r in records if r.id == employee_id), None)
        if employee is None:
            # This page edits one's own records only (an admin uses the staff pages).
            raise refusals.EMPLOYEE_NOT_FOUND.error(id=employee_id)
        values = values_of(form)
        values.setdefault("languages", [])
        try:
            rows = rows_of_form(form)
            if ADD_BUTTON in form:
                # No save: the same form, with what was typed and one more empty row.
                return await self._page(
                    request, uow, actor, records=records, employee=employee, rows=rows, form=values
                )
            await employee_use_cases.update_profile(
                uow,
                actor,
                employee_id,
                offered_minutes_per_month=parse_duration_minutes(
                    text(form, "offered_minutes_per_month", length_max=40),
                    field="offered_minutes_per_month",
                ),
                remote_ok=checked(form, "remote_ok"),
                travel_radius_km=whole_number(
                    form,
                    "travel_radius_km",
                    label_fr="Rayon de déplacement",
                    label_en="Travel radius",
                ),
                languages=[str(v) for v in form.getall("languages", [])][: rules.LANGUAGES_MAX + 1],
                skills=skill_levels(rows),
            )
        except (Forbidden, NotFound):
            raise
        except TimebankError as refusal:
            rows = rows_of_form_or_empty(form)
            return await self._page(
                request,
                uow,
                actor,
                records=records,
                employee=employee,
                rows=rows,
                form=values,
                refusal=refusal,
            )
        return see_other(f"/profil?salarie={employee_id}", "profil")


def rows_of_form_or_empty(form: FormMultiDict) -> list[SkillRow]:
    try:
        return rows_of_form(form)
    except TimebankError:
        return []
