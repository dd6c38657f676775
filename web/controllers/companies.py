"""Companies: the network's directory, company edits, staff invitations, accountant grants."""

from __future__ import annotations

from litestar import Controller, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from timebank.companies import use_cases
from timebank.employees import use_cases as employee_use_cases
from timebank.people import use_cases as people_use_cases
from web.controllers.auth import company_input
from web.dependencies import CurrentActor, Now, Uow
from web.schemas import (
    AccountantGrantIn,
    AccountantGrantOut,
    CompanyIn,
    CompanyOut,
    EmployeeInviteIn,
    EmployeeOut,
    InvitedEmployeeOut,
    PageOut,
    UserOut,
    employee_page_out,
    page_out,
)


class CompanyController(Controller):
    path = "/api/v1/companies"
    tags = ["Entreprises"]

    @get("/")
    async def list_companies(
        self,
        uow: Uow,
        actor: CurrentActor,
        region: FromQuery[str | None] = None,
        search: FromQuery[str | None] = None,
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> PageOut[CompanyOut]:
        """Companies of the network, by region or name/SIREN search."""
        page = await use_cases.list_companies(
            uow, actor, region=region, search=search, limit=limit, offset=offset
        )
        return page_out(page, [CompanyOut.of(c) for c in page.items])

    @post("/", status_code=HTTP_201_CREATED)
    async def create_company(
        self, data: JSONBody[CompanyIn], uow: Uow, actor: CurrentActor, now: Now
    ) -> CompanyOut:
        """Operator only: register a company directly (companies usually sign up)."""
        return CompanyOut.of(
            await use_cases.create_company(uow, actor, company_input(data), now=now)
        )

    @get("/{company_id:int}")
    async def get_company(
        self, company_id: FromPath[int], uow: Uow, actor: CurrentActor
    ) -> CompanyOut:
        return CompanyOut.of(await use_cases.get_company(uow, actor, company_id))

    @patch("/{company_id:int}")
    async def update_company(
        self, company_id: FromPath[int], data: JSONBody[CompanyIn], uow: Uow, actor: CurrentActor
    ) -> CompanyOut:
        """The company's admins edit it; the SIREN never changes."""
        return CompanyOut.of(
            await use_cases.update_company(uow, actor, company_id, company_input(data))
        )

    @get("/{company_id:int}/employees")
    async def list_employees(
        self,
        company_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        skill: FromQuery[str | None] = None,
        level_min: FromQuery[int] = 1,
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> PageOut[EmployeeOut]:
        """Staff of a company, by skill and minimum level (admins and granted accountants)."""
        page = await employee_use_cases.list_employees(
            uow,
            actor,
            company_id,
            skill_code=skill,
            level_min=level_min,
            limit=limit,
            offset=offset,
        )
        return employee_page_out(page)

    @post("/{company_id:int}/employees", status_code=HTTP_201_CREATED)
    async def invite_employee(
        self,
        company_id: FromPath[int],
        data: JSONBody[EmployeeInviteIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> InvitedEmployeeOut:
        """The admin adds an employee; a new person is e-mailed a one-time invitation link."""
        result = await employee_use_cases.invite_employee(
            uow,
            actor,
            company_id,
            email=data.email,
            full_name=data.full_name,
            job_title=data.job_title,
            annual_gross_salary_cents=data.annual_gross_salary_cents,
            employer_charge_rate_basis_points=data.employer_charge_rate_basis_points,
            annual_work_hours=data.annual_work_hours,
            now=now,
        )
        return InvitedEmployeeOut(
            employee=EmployeeOut.of(result.employee),
            invitation_sent=result.invitation_token is not None,
        )

    @post("/{company_id:int}/accountants", status_code=HTTP_201_CREATED)
    async def grant_accountant(
        self,
        company_id: FromPath[int],
        data: JSONBody[AccountantGrantIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> AccountantGrantOut:
        """The admin grants an accountant access to this company only."""
        user, token = await people_use_cases.grant_accountant(
            uow, actor, company_id, email=data.email, full_name=data.full_name, now=now
        )
        return AccountantGrantOut(
            accountant=UserOut.of(user), company_id=company_id, invitation_sent=token is not None
        )


class AccountantController(Controller):
    path = "/api/v1/accountant"
    tags = ["Expert-comptable"]

    @get("/clients")
    async def clients(self, uow: Uow, actor: CurrentActor) -> list[CompanyOut]:
        """The companies that granted this accountant access."""
        return [CompanyOut.of(c) for c in await people_use_cases.accountant_clients(uow, actor)]
