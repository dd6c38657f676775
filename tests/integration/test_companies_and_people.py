"""Companies and people on the real database: sign-up, login, sessions, invitations, grants."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.helpers import PASSWORD, company_input, new_email, new_siren, now, row_counts, sign_up
from timebank.companies import use_cases as companies
from timebank.db.tables import OutboxTable
from timebank.db.unit_of_work import piccolo_unit_of_work as uow
from timebank.employees import use_cases as employees
from timebank.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated
from timebank.notifications.model import Kind
from timebank.people import use_cases as people
from timebank.people.model import Actor, Role

pytestmark = pytest.mark.anyio


async def test_sign_up_creates_company_and_admin() -> None:
    signed = await sign_up(name="Boulangerie du Port", postal_code="29200", city="Brest")
    assert signed.actor.has_role(signed.company_id, Role.COMPANY_ADMIN)
    company = await companies.get_company(uow, signed.actor, signed.company_id)
    assert (company.name, company.departement, company.region) == (
        "Boulangerie du Port",
        "29",
        "Bretagne",
    )


async def test_duplicate_siren_is_refused_and_writes_nothing() -> None:
    siren = new_siren()
    await sign_up(siren=siren)
    before = await row_counts()
    with pytest.raises(Conflict) as caught:
        await people.sign_up_company_admin(
            uow,
            email=new_email(),
            password=PASSWORD,
            full_name="Autre",
            company=company_input(siren=siren),
            now=now(),
        )
    assert (caught.value.code, caught.value.field) == ("duplicate_siren", "siren")
    assert await row_counts() == before


async def test_sign_up_with_a_known_email_creates_nothing_and_tells_its_owner() -> None:
    signed = await sign_up()
    before = await row_counts()
    result = await people.sign_up_company_admin(
        uow,
        email=signed.email.upper(),
        password=PASSWORD,
        full_name="X",
        company=company_input(name="Entreprise Usurpée"),
        now=now(),
    )
    assert result is None
    assert await row_counts() == before
    told = await OutboxTable.select(OutboxTable.subject, OutboxTable.body).where(
        (OutboxTable.user == signed.actor.user_id)
        & (OutboxTable.kind == Kind.SIGNUP_EXISTING_ACCOUNT.value)
    )
    assert len(told) == 1 and "Entreprise Usurpée" in told[0]["body"]


async def test_login_with_wrong_password_is_refused_like_an_unknown_email() -> None:
    signed = await sign_up()
    with pytest.raises(NotAuthenticated) as wrong:
        await people.log_in(
            uow, email=signed.email, password="wrong-password!", now=now(), session_hours=1
        )
    with pytest.raises(NotAuthenticated) as unknown:
        await people.log_in(uow, email=new_email(), password=PASSWORD, now=now(), session_hours=1)
    assert wrong.value.code == unknown.value.code == "invalid_credentials"


async def test_session_token_resolves_until_logout_or_expiry() -> None:
    signed = await sign_up()
    found = await people.actor_for_token(uow, signed.token, now=now())
    assert found is not None and found[0].user_id == signed.actor.user_id
    assert await people.actor_for_token(uow, signed.token, now=now() + timedelta(hours=2)) is None
    await people.log_out(uow, signed.token, now=now())
    assert await people.actor_for_token(uow, signed.token, now=now()) is None
    assert await people.actor_for_token(uow, "not-a-token", now=now()) is None


async def test_invited_employee_sets_a_password_once() -> None:
    signed = await sign_up()
    invited = await employees.invite_employee(
        uow,
        signed.actor,
        signed.company_id,
        email=new_email("employee"),
        full_name="Léa Martin",
        job_title="Webmarketeuse",
        annual_gross_salary_cents=3_400_000,
        employer_charge_rate_basis_points=4200,
        annual_work_hours=1607,
        now=now(),
    )
    assert invited.invitation_token is not None
    login = await people.accept_invitation(
        uow, token=invited.invitation_token, password="a-new-password", now=now(), session_hours=1
    )
    assert login.actor.has_role(signed.company_id, Role.EMPLOYEE)
    with pytest.raises(InvalidInput) as caught:
        await people.accept_invitation(
            uow,
            token=invited.invitation_token,
            password="another-password",
            now=now(),
            session_hours=1,
        )
    assert caught.value.code == "invalid_invitation"


async def test_accountant_sees_only_granted_clients() -> None:
    first = await sign_up()
    second = await sign_up()
    await sign_up()  # A third company never grants anything.
    email = new_email("accountant")
    user, token = await people.grant_accountant(
        uow, first.actor, first.company_id, email=email, full_name="Cabinet Durand", now=now()
    )
    assert token is not None
    again, no_token = await people.grant_accountant(
        uow, second.actor, second.company_id, email=email, full_name="Cabinet Durand", now=now()
    )
    assert again.id == user.id and no_token is None
    login = await people.accept_invitation(
        uow, token=token, password="cabinet-password", now=now(), session_hours=1
    )
    clients = await people.accountant_clients(uow, login.actor)
    assert sorted(c.id for c in clients) == sorted([first.company_id, second.company_id])


async def test_only_the_company_admin_grants_accountants() -> None:
    first = await sign_up()
    second = await sign_up()
    with pytest.raises(Forbidden):
        await people.grant_accountant(
            uow, second.actor, first.company_id, email=new_email(), full_name="Intrus", now=now()
        )


async def test_company_admin_edits_own_company_but_not_another() -> None:
    first = await sign_up()
    second = await sign_up()
    data = company_input(name="Nouveau nom", postal_code="69002", city="Lyon")
    updated = await companies.update_company(uow, first.actor, first.company_id, data)
    assert (updated.name, updated.region) == ("Nouveau nom", "Auvergne-Rhône-Alpes")
    with pytest.raises(Forbidden):
        await companies.update_company(uow, second.actor, first.company_id, data)


async def test_company_directory_filters_by_region_and_search() -> None:
    signed = await sign_up(name="Scierie Unique Quimperlé", postal_code="29300")
    page = await companies.list_companies(
        uow, signed.actor, region="Bretagne", search="Scierie Unique", limit=10, offset=0
    )
    assert signed.company_id in [c.id for c in page.items]
    with pytest.raises(InvalidInput):
        await companies.list_companies(
            uow, signed.actor, region="Atlantis", search=None, limit=10, offset=0
        )
    with pytest.raises(InvalidInput):
        await companies.list_companies(
            uow, signed.actor, region=None, search=None, limit=1000, offset=0
        )


async def test_operator_creates_companies_and_others_cannot() -> None:
    operator = await people.create_operator(
        uow, email=new_email("operator"), password=PASSWORD, full_name="Opé", now=now()
    )
    actor = Actor(
        user_id=operator.id, email=operator.email, full_name=operator.full_name, is_operator=True
    )
    company = await companies.create_company(uow, actor, company_input(), now=now())
    assert company.id > 0
    signed = await sign_up()
    with pytest.raises(Forbidden):
        await companies.create_company(uow, signed.actor, company_input(), now=now())
