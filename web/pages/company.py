"""Company admin pages: settings, staff, invitations, at-cost inputs, lending approvals.

Each handler parses its form, calls one use case and redirects, or shows the same form again
with the refusal beside its field. Who may do what is decided by the use cases.
"""

from __future__ import annotations

from typing import Any, Final

from litestar import Controller, Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from timebank import rules
from timebank.companies import use_cases as company_use_cases
from timebank.companies.model import Company, HeadcountBand
from timebank.companies.use_cases import CompanyInput
from timebank.employees import use_cases as employee_use_cases
from timebank.employees.model import Employee, hourly_cost_cents
from timebank.errors import Forbidden, NotFound, TimebankError
from timebank.formatting import decimal, hours, parse_duration_minutes
from timebank.people import use_cases as people_use_cases
from timebank.people.model import Actor, Role
from timebank.skills import use_cases as skill_use_cases
from timebank.vat.model import VAT_NUMBER_LENGTH_MAX, VatRegime
from web import refusals, vocabulary
from web.dependencies import CurrentActor, Now, Uow
from web.pages.common import (
    NOTICES,
    checked,
    clamped_page,
    day_of,
    euros_to_cents,
    hundredths,
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
        "salarie_ajoute": (
            "Salarié·e ajouté·e : cette personne a déjà un compte et retrouve votre entreprise "
            "à sa prochaine connexion."
        ),
        "comptable_invite": (
            "Accès donné : l'expert-comptable reçoit par e-mail un lien pour choisir son mot de "
            "passe, puis retrouve votre entreprise parmi ses clients."
        ),
        "comptable_ajoute": (
            "Accès donné : l'expert-comptable a déjà un compte et retrouve votre entreprise "
            "parmi ses clients à sa prochaine connexion."
        ),
    }
)

STAFF_PAGE_SIZE: Final = 20
PERCENT_TEXT_LENGTH_MAX: Final = 12
COORDINATE_TEXT_LENGTH_MAX: Final = 20
COMPANY_FIELDS: Final = (
    "name",
    "address",
    "postal_code",
    "city",
    "headcount_band",
    "naf_code",
    "has_cse",
    "latitude",
    "longitude",
    "vat_regime",
    "vat_on_debits",
    "vat_number",
)


def percent_to_basis_points(form: FormMultiDict, name: str, *, label_fr: str, label_en: str) -> int:
    """`42`, `42,5` or `42.55 %` → basis points (4200, 4250, 4255); a refusal beside the field."""
    raw = text(form, name, length_max=PERCENT_TEXT_LENGTH_MAX + 1)
    cleaned = raw.replace("\u202f", "").replace("\u00a0", "").replace(" ", "").rstrip("%")
    found = hundredths(cleaned)
    if found is None or len(cleaned) > PERCENT_TEXT_LENGTH_MAX:
        raise refusals.NOT_A_PERCENTAGE.error(label_fr=label_fr, label_en=label_en, field=name)
    return found


def coordinate(form: FormMultiDict, name: str, *, label_fr: str, label_en: str) -> float | None:
    """A latitude or longitude in decimal degrees (`48,11` or `-1.68`); empty means none."""
    raw = text(form, name, length_max=COORDINATE_TEXT_LENGTH_MAX + 1).replace(",", ".")
    if not raw:
        return None
    digits = raw.removeprefix("-")
    units, _, fraction = digits.partition(".")
    if (
        len(raw) > COORDINATE_TEXT_LENGTH_MAX
        or not units.isdigit()
        or not (fraction == "" or fraction.isdigit())
    ):
        raise refusals.NOT_A_DECIMAL_NUMBER.error(label_fr=label_fr, label_en=label_en, field=name)
    return float(raw)


def company_input(form: FormMultiDict) -> CompanyInput:
    return CompanyInput(
        siren="",  # The SIREN never changes: the use case keeps the stored one.
        name=text(form, "name", length_max=rules.NAME_LENGTH_MAX + 1),
        address=text(form, "address", length_max=rules.NAME_LENGTH_MAX + 1),
        postal_code=text(form, "postal_code", length_max=20),
        city=text(form, "city", length_max=101),
        headcount_band=text(form, "headcount_band", length_max=20),
        naf_code=text(form, "naf_code", length_max=20) or None,
        has_cse=checked(form, "has_cse"),
        latitude=coordinate(form, "latitude", label_fr="Latitude", label_en="Latitude"),
        longitude=coordinate(form, "longitude", label_fr="Longitude", label_en="Longitude"),
        vat_regime=text(form, "vat_regime", length_max=20) or None,
        vat_on_debits=checked(form, "vat_on_debits"),
        # Empty removes the number: the use case checks the rest.
        vat_number=text(form, "vat_number", length_max=VAT_NUMBER_LENGTH_MAX + 1),
    )


def decimal_text(value: float | None) -> str:
    return "" if value is None else decimal(value)


def values_of_company(company: Company) -> dict[str, Any]:
    return {
        "name": company.name,
        "address": company.address,
        "postal_code": company.postal_code,
        "city": company.city,
        "headcount_band": company.headcount_band.value,
        "naf_code": company.naf_code or "",
        "has_cse": "on" if company.has_cse else "",
        "latitude": decimal_text(company.latitude),
        "longitude": decimal_text(company.longitude),
        "vat_regime": company.vat_regime.value,
        "vat_on_debits": "on" if company.vat_on_debits else "",
        "vat_number": company.vat_number or "",
    }


def euros_text(amount_cents: int) -> str:
    """Cents as a person types euros: `4200000` → `42 000`, `4200050` → `42 000,50`."""
    units, cents = divmod(amount_cents, 100)
    whole = f"{units:,}".replace(",", " ")
    return f"{whole},{cents:02d}" if cents else whole


def percent_text(basis_points: int) -> str:
    units, rest = divmod(basis_points, 100)
    return f"{units},{rest:02d}".rstrip("0") if rest else str(units)


def values_of_employee(employee: Employee) -> dict[str, Any]:
    values: dict[str, Any] = {
        "job_title": employee.job_title,
        "active": "on" if employee.active else "",
    }
    if employee.cost is not None:
        values["annual_gross_salary_cents"] = euros_text(employee.cost.annual_gross_salary_cents)
        values["employer_charge_rate_basis_points"] = percent_text(
            employee.cost.employer_charge_rate_basis_points
        )
        values["annual_work_hours"] = str(employee.cost.annual_work_hours)
    if employee.approval is not None:
        values["approved_minutes_per_month"] = hours(employee.approval.approved_minutes_per_month)
        values["valid_from"] = employee.approval.valid_from.isoformat()
        values["valid_until"] = employee.approval.valid_until.isoformat()
    return values


def salary_cents(form: FormMultiDict) -> int:
    return euros_to_cents(
        form,
        "annual_gross_salary_cents",
        label_fr="Salaire brut annuel",
        label_en="Annual gross salary",
    )


def charge_rate_basis_points(form: FormMultiDict) -> int:
    return percent_to_basis_points(
        form,
        "employer_charge_rate_basis_points",
        label_fr="Taux de charges patronales",
        label_en="Employer's charge rate",
    )


def annual_hours(form: FormMultiDict) -> int:
    return whole_number(
        form,
        "annual_work_hours",
        label_fr="Heures travaillées par an",
        label_en="Annual working hours",
    )


def may_edit_company(actor: Actor, company_id: int) -> bool:
    """Whether to show the forms (the use cases decide): its admins'; accountants and the
    operator only read (`require_acting_for`)."""
    return actor.has_role(company_id, Role.COMPANY_ADMIN)


class CompanyPages(Controller):
    include_in_schema = False
    path = "/entreprises/{company_id:int}"

    async def _company_page(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: Actor,
        company_id: int,
        *,
        page: str | None = None,
        skill_code: str | None = None,
        level: str | None = None,
        form: dict[str, Any] | None = None,
        refusal: TimebankError | None = None,
    ) -> Template:
        level_min = int(level) if level in ("1", "2", "3", "4") else 1

        async def one_page(offset: int) -> Any:
            return await employee_use_cases.list_employees(
                uow,
                actor,
                company_id,
                skill_code=skill_code or None,
                level_min=level_min,
                limit=STAFF_PAGE_SIZE,
                offset=offset,
            )

        staff, pagination = await clamped_page(page, STAFF_PAGE_SIZE, one_page)
        company = await company_use_cases.get_company(uow, actor, company_id)
        skills = await skill_use_cases.list_skills(uow, domain_code=None)
        context: dict[str, Any] = {
            "company": company,
            "staff": staff,
            "skills": sorted(skills, key=lambda s: s.label_fr),
            "skill_labels": {s.code: s.label_fr for s in skills},
            "competence": skill_code or "",
            "niveau": str(level_min) if skill_code else "",
            "pagination": pagination,
            "headcount_bands": [(b.value, b) for b in HeadcountBand],
            "vat_regimes": [
                (regime.value, vocabulary.label("vat_regime", regime)) for regime in VatRegime
            ],
            "may_edit": may_edit_company(actor, company_id),
            "hourly_cost": hourly_cost_cents,
        }
        template = "company/settings.html"
        if refusal is not None:
            return refused(request, template, refusal, form or {}, **context)
        return render(request, template, form=values_of_company(company), **context)

    @get("/")
    async def settings(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        company_id: FromPath[int],
        page: FromQuery[str | None] = None,
        competence: FromQuery[str | None] = None,
        niveau: FromQuery[str | None] = None,
    ) -> Template:
        return await self._company_page(
            request, uow, actor, company_id, page=page, skill_code=competence, level=niveau
        )

    @post("/")
    async def save_settings(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        company_id: FromPath[int],
    ) -> Template | Redirect:
        form = await read_form(request)
        try:
            await company_use_cases.update_company(uow, actor, company_id, company_input(form))
        except (Forbidden, NotFound):
            raise
        except TimebankError as refusal:
            return await self._company_page(
                request, uow, actor, company_id, form=values_of(form), refusal=refusal
            )
        return see_other(f"/entreprises/{company_id}", "entreprise")

    @get("/salaries/inviter")
    async def invite_form(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        company_id: FromPath[int],
    ) -> Template:
        company = await employee_use_cases.company_for_staff_admin(uow, actor, company_id)
        return render(
            request,
            "company/invite.html",
            company=company,
            form={"annual_work_hours": str(rules.ANNUAL_WORK_HOURS_DEFAULT)},
        )

    @post("/salaries/inviter")
    async def invite(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        company_id: FromPath[int],
    ) -> Template | Redirect:
        form = await read_form(request)
        try:
            invited = await employee_use_cases.invite_employee(
                uow,
                actor,
                company_id,
                email=text(form, "email", length_max=rules.EMAIL_LENGTH_MAX + 1),
                full_name=text(form, "full_name", length_max=rules.NAME_LENGTH_MAX + 1),
                job_title=text(form, "job_title", length_max=rules.TITLE_LENGTH_MAX + 1),
                annual_gross_salary_cents=salary_cents(form),
                employer_charge_rate_basis_points=charge_rate_basis_points(form),
                annual_work_hours=annual_hours(form),
                now=now,
            )
        except (Forbidden, NotFound):
            raise
        except TimebankError as refusal:
            company = await employee_use_cases.company_for_staff_admin(uow, actor, company_id)
            return refused(
                request, "company/invite.html", refusal, values_of(form), company=company
            )
        notice = "invitation" if invited.invitation_token is not None else "salarie_ajoute"
        return see_other(f"/entreprises/{company_id}/salaries/{invited.employee.id}", notice)

    @get("/expert-comptable")
    async def accountant_form(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        company_id: FromPath[int],
    ) -> Template:
        company = await employee_use_cases.company_for_staff_admin(uow, actor, company_id)
        return render(request, "company/accountant.html", company=company, form={})

    @post("/expert-comptable")
    async def grant_accountant(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        company_id: FromPath[int],
    ) -> Template | Redirect:
        """The admin gives an accountant read access to this company's books and exports."""
        form = await read_form(request)
        try:
            _, token = await people_use_cases.grant_accountant(
                uow,
                actor,
                company_id,
                email=text(form, "email", length_max=rules.EMAIL_LENGTH_MAX + 1),
                full_name=text(form, "full_name", length_max=rules.NAME_LENGTH_MAX + 1),
                now=now,
            )
        except (Forbidden, NotFound):
            raise
        except TimebankError as refusal:
            company = await employee_use_cases.company_for_staff_admin(uow, actor, company_id)
            return refused(
                request, "company/accountant.html", refusal, values_of(form), company=company
            )
        notice = "comptable_invite" if token is not None else "comptable_ajoute"
        return see_other(f"/entreprises/{company_id}", notice)

    async def _employee_page(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: Actor,
        company_id: int,
        employee_id: int,
        *,
        form: dict[str, Any] | None = None,
        refusal: TimebankError | None = None,
    ) -> Template:
        employee = await employee_use_cases.get_staff_member(uow, actor, company_id, employee_id)
        company = await company_use_cases.get_company(uow, actor, company_id)
        skills = await skill_use_cases.list_skills(uow, domain_code=None)
        values = values_of_employee(employee)
        values.update(form or {})
        context: dict[str, Any] = {
            "company": company,
            "employee": employee,
            "skill_labels": {s.code: s.label_fr for s in skills},
            "hourly_cost_cents": (
                hourly_cost_cents(employee.cost) if employee.cost is not None else None
            ),
        }
        template = "company/employee.html"
        if refusal is not None:
            return refused(request, template, refusal, values, **context)
        return render(request, template, form=values, **context)

    @get("/salaries/{employee_id:int}")
    async def employee(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        company_id: FromPath[int],
        employee_id: FromPath[int],
    ) -> Template:
        return await self._employee_page(request, uow, actor, company_id, employee_id)

    @post("/salaries/{employee_id:int}/emploi")
    async def save_employment(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        company_id: FromPath[int],
        employee_id: FromPath[int],
    ) -> Template | Redirect:
        form = await read_form(request)
        try:
            saved = await employee_use_cases.update_employment(
                uow,
                actor,
                employee_id,
                job_title=text(form, "job_title", length_max=rules.TITLE_LENGTH_MAX + 1),
                annual_gross_salary_cents=salary_cents(form),
                employer_charge_rate_basis_points=charge_rate_basis_points(form),
                annual_work_hours=annual_hours(form),
                active=checked(form, "active"),
            )
        except (Forbidden, NotFound):
            raise
        except TimebankError as refusal:
            values = values_of(form)
            values.setdefault("active", "")
            return await self._employee_page(
                request, uow, actor, company_id, employee_id, form=values, refusal=refusal
            )
        return see_other(f"/entreprises/{saved.company_id}/salaries/{employee_id}", "cout")

    @post("/salaries/{employee_id:int}/pret")
    async def save_approval(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        company_id: FromPath[int],
        employee_id: FromPath[int],
    ) -> Template | Redirect:
        form = await read_form(request)
        try:
            valid_from = day_of(form, "valid_from", label_fr="Valable du", label_en="Valid from")
            valid_until = day_of(
                form, "valid_until", label_fr="Valable jusqu'au", label_en="Valid until"
            )
            assert valid_from is not None
            assert valid_until is not None
            saved = await employee_use_cases.approve_lending(
                uow,
                actor,
                employee_id,
                approved_minutes_per_month=parse_duration_minutes(
                    text(form, "approved_minutes_per_month", length_max=40),
                    field="approved_minutes_per_month",
                ),
                valid_from=valid_from,
                valid_until=valid_until,
            )
        except (Forbidden, NotFound):
            raise
        except TimebankError as refusal:
            return await self._employee_page(
                request,
                uow,
                actor,
                company_id,
                employee_id,
                form=values_of(form),
                refusal=refusal,
            )
        return see_other(f"/entreprises/{saved.company_id}/salaries/{employee_id}", "accord")
