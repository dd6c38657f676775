"""The dashboard's reads (timebank/todo/repository.py) find what each area's own reads find,
one by one: the waiting loans with their papers, the hours, statements, expenses and trainings
waiting at each company run, the proposals pending and the person's companies. An
employee sees nothing of their employer's administration."""

from __future__ import annotations

import httpx
import pytest

from tests.exchange_helpers import (
    Party,
    World,
    active_engagement,
    actor_of,
    close_last_month,
    log,
    logged_training,
    previous_month_day,
    propose,
    proposed,
    recorded_expense,
    world,
)
from tests.helpers import now
from timebank.db.sql import SPELLED_LIST_VALUES_MAX
from timebank.db.unit_of_work import piccolo_unit_of_work
from timebank.people.model import Actor, Role
from timebank.settlements.model import StatementStatus
from timebank.todo.model import TodoItem, TodoKind
from timebank.todo.use_cases import WAITING_STATUSES, dashboard_of, todo_of

pytestmark = pytest.mark.anyio

STATEMENTS_READ_MAX = 100
ITEMS_READ_MAX = 200
PER_STATUS_MAX = 2
HOURS_SUBMITTED = 2


async def _busy_world(client: httpx.AsyncClient, skill: str) -> World:
    """A world where something of every kind waits: three proposed loans, an active one with
    hours approved last month (its statement agreed by the lender only), hours and an expense
    awaiting approval, a training of the lender's employee to validate, and a proposal from a
    matching run for the lender's employee (for a need of `skill`: each test its own, so that
    no other test's volunteer competes)."""
    w = await world(client, approved_minutes=60 * 60)
    loan = await active_engagement(client, w)
    approved = []
    for day in (1, 2):
        logged = await log(client, w, loan, previous_month_day(day), 60)
        assert logged.status_code == 201, logged.text
        approved.append(logged.json()["id"])
    statement = await close_last_month(client, w, approved)
    agreed = await client.post(
        f"/api/v1/settlements/{statement['id']}/agree", json={}, headers=w.lender.headers
    )
    assert agreed.status_code == 200, agreed.text
    for day in range(3, 3 + HOURS_SUBMITTED):
        logged = await log(client, w, loan, previous_month_day(day), 30)
        assert logged.status_code == 201, logged.text
    await recorded_expense(client, w, loan, amount=12_340, vat=0, kind="transport")
    await logged_training(client, w, "Campagnes e-mailing")
    for _ in range(3):
        await propose(client, w)
    await proposed(client, w, skill)
    profile = await client.put(  # Two skills now: each record comes with all of its own.
        f"/api/v1/employees/{w.employee_id}/profile",
        headers=w.employee.headers,
        json={
            "offered_minutes_per_month": 20 * 60,
            "remote_ok": True,
            "travel_radius_km": 30,
            "languages": ["fr"],
            "skills": [{"skill": skill, "level": 3}, {"skill": "seo", "level": 2}],
        },
    )
    assert profile.status_code == 200, profile.text
    return w


async def _compare_with_the_areas_reads(actor: Actor) -> None:
    admin_of = sorted(actor.companies_with(Role.COMPANY_ADMIN))
    member_of = sorted({company for company, _ in actor.memberships})
    async with piccolo_unit_of_work(write=False) as repos:
        loans = await repos.todo.waiting_loans(
            company_ids=admin_of,
            employee_user_id=actor.user_id,
            statuses=WAITING_STATUSES,
            per_status_max=PER_STATUS_MAX,
        )
        waiting = await repos.todo.waiting(
            company_ids=member_of,
            admin_of=admin_of,
            user_id=actor.user_id,
            coordinated=[],
            today=now().date(),
        )

        searched = []
        for status in WAITING_STATUSES:
            newest, _ = await repos.engagements.search(
                company_ids=admin_of,
                employee_user_id=actor.user_id,
                status=status,
                limit=PER_STATUS_MAX,
                offset=0,
            )
            searched += newest
        companies = await repos.companies.get_many(
            sorted(
                {c for loan in searched for c in (loan.lender_company_id, loan.host_company_id)}
                | set(member_of)
            )
        )
        hours = {
            c: (await repos.engagements.awaiting_review_of_host(c, limit=1, offset=0))[1]
            for c in admin_of
        }
        statements = {
            c: sum(
                1
                for statement in (
                    await repos.settlements.page_of_company(c, limit=STATEMENTS_READ_MAX, offset=0)
                )[0]
                if statement.status is StatementStatus.DRAFT
                and (statement.agreed_by_a if statement.company_a == c else statement.agreed_by_b)
                is None
            )
            for c in admin_of
        }
        expenses = {
            c: sum(
                1
                for x in await repos.expenses.of_company(c, lender=True, limit=ITEMS_READ_MAX)
                if x.status.value == "submitted"
            )
            for c in admin_of
        }
        trainings = {
            c: sum(
                1
                for t, _ in await repos.trainings.of_company(c, limit=ITEMS_READ_MAX)
                if t.status == "submitted"
            )
            for c in admin_of
        }
        staff = await repos.employees.ids_of_companies(admin_of)
        _, staff_proposals = await repos.proposals.visible(
            need_ids=[], employee_ids=staff, status="proposed", limit=1, offset=0
        )
        staff_proposals_of = {
            c: (
                await repos.proposals.visible(
                    need_ids=[],
                    employee_ids=await repos.employees.ids_of_companies([c]),
                    status="proposed",
                    limit=1,
                    offset=0,
                )
            )[1]
            for c in admin_of
        }
        of_user = await repos.employees.of_user(actor.user_id)
        _, own_proposals = await repos.proposals.visible(
            need_ids=[], employee_ids=[e.id for e in of_user], status="proposed", limit=1, offset=0
        )
    assert sorted((loan.engagement for loan in loans), key=lambda e: e.id) == sorted(
        searched, key=lambda e: e.id
    )
    for loan in loans:
        lender = companies[loan.engagement.lender_company_id]
        host = companies[loan.engagement.host_company_id]
        assert (loan.lender_has_cse, loan.host_has_cse) == (lender.has_cse, host.has_cse)
    assert {c: found.company for c, found in waiting.companies.items()} == {
        c: companies[c] for c in member_of
    }
    assert {c: waiting.companies[c].hours_to_approve for c in admin_of} == hours
    assert {c: waiting.companies[c].statements_to_agree for c in admin_of} == statements
    assert {c: waiting.companies[c].expenses_to_approve for c in admin_of} == expenses
    assert {c: waiting.companies[c].trainings_to_approve for c in admin_of} == trainings
    assert all(
        (
            found.hours_to_approve,
            found.statements_to_agree,
            found.expenses_to_approve,
            found.trainings_to_approve,
        )
        == (0, 0, 0, 0)
        for c, found in waiting.companies.items()
        if c not in admin_of
    )
    assert waiting.staff_proposals == (staff_proposals if admin_of else 0)
    assert {c: waiting.companies[c].staff_proposals for c in admin_of} == staff_proposals_of
    assert waiting.own_proposals == (own_proposals if of_user else 0)


async def test_the_dashboards_reads_find_what_each_areas_reads_find(
    client: httpx.AsyncClient,
) -> None:
    w = await _busy_world(client, "industry-4-0")
    parties: list[Party] = [w.lender, w.host, w.employee]
    for party in parties:
        await _compare_with_the_areas_reads(await actor_of(party))


async def test_each_kind_waits_for_its_person_with_its_count(client: httpx.AsyncClient) -> None:
    w = await _busy_world(client, "green-it")
    lender, host, employee = [await actor_of(p) for p in (w.lender, w.host, w.employee)]

    async with piccolo_unit_of_work(write=False) as repos:
        loans = await repos.todo.waiting_loans(
            company_ids=sorted(lender.companies_with(Role.COMPANY_ADMIN)),
            employee_user_id=lender.user_id,
            statuses=WAITING_STATUSES,
            per_status_max=PER_STATUS_MAX,
        )
    # Three proposed (the newest two kept) and one active, its papers with it.
    statuses = sorted(loan.engagement.status.value for loan in loans)
    assert statuses == ["active", "proposed", "proposed"]
    (active,) = [loan for loan in loans if loan.engagement.status.value == "active"]
    assert active.engagement.papers and active.engagement.activated_on is not None
    assert (active.lender_has_cse, active.host_has_cse) == (True, False)

    def counted(todo: tuple[TodoItem, ...], kind: TodoKind) -> list[tuple[int | None, int]]:
        return [(item.company_id, item.count) for item in todo if item.kind is kind]

    host_todo = await todo_of(piccolo_unit_of_work, host, today=now().date())
    assert counted(host_todo, TodoKind.APPROVE_HOURS) == [(w.host.company_id, HOURS_SUBMITTED)]
    assert counted(host_todo, TodoKind.AGREE_STATEMENT) == [(w.host.company_id, 1)]
    lender_todo = await todo_of(piccolo_unit_of_work, lender, today=now().date())
    assert counted(lender_todo, TodoKind.AGREE_STATEMENT) == []
    assert counted(lender_todo, TodoKind.APPROVE_HOURS) == []
    # The lender's admin approves its employee's expense and training; the host, neither.
    assert counted(lender_todo, TodoKind.APPROVE_EXPENSES) == [(w.lender.company_id, 1)]
    assert counted(lender_todo, TodoKind.APPROVE_TRAININGS) == [(w.lender.company_id, 1)]
    assert counted(host_todo, TodoKind.APPROVE_EXPENSES) == []
    assert counted(host_todo, TodoKind.APPROVE_TRAININGS) == []
    paths = {item.kind: item.path for item in lender_todo}
    assert paths[TodoKind.APPROVE_EXPENSES] == f"/entreprises/{w.lender.company_id}/frais"
    assert paths[TodoKind.APPROVE_TRAININGS] == f"/entreprises/{w.lender.company_id}/formations"
    (staff,) = counted(lender_todo, TodoKind.REVIEW_PROPOSALS)
    assert staff[0] == w.lender.company_id and staff[1] >= 1

    # The employee: their own loan's hours and their own proposals, nothing of the admins'.
    employee_todo = await todo_of(piccolo_unit_of_work, employee, today=now().date())
    kinds = {item.kind for item in employee_todo}
    assert TodoKind.LOG_HOURS in kinds
    assert not kinds & {TodoKind.APPROVE_HOURS, TodoKind.AGREE_STATEMENT, TodoKind.ACCEPT_LOAN}
    (own,) = [item for item in employee_todo if item.kind is TodoKind.REVIEW_PROPOSALS]
    assert own.path == "/mes-propositions" and own.company_id is None and own.count >= 1

    dashboard = await dashboard_of(piccolo_unit_of_work, employee, today=now().date())
    assert [e.id for e in dashboard.mine] == [w.employee_id]
    assert sorted(s.skill_code for s in dashboard.mine[0].skills) == sorted(["green-it", "seo"])
    assert [(c.id, roles) for c, roles in dashboard.companies] == [
        (w.lender.company_id, (Role.EMPLOYEE,))
    ]
    assert (await dashboard_of(piccolo_unit_of_work, lender, today=now().date())).mine == ()
    async with piccolo_unit_of_work(write=False) as repos:
        # Only the user's own records: not their colleagues' at the same employer.
        assert [e.user_id for e in await repos.employees.of_user(employee.user_id)] == [
            employee.user_id
        ]
        assert await repos.employees.of_user(lender.user_id) == []


async def test_long_lists_of_companies_read_as_short_ones(client: httpx.AsyncClient) -> None:
    """Past SPELLED_LIST_VALUES_MAX a list goes as one array: the same rows come back."""
    w = await _busy_world(client, "ict-impact-assessment")
    host = await actor_of(w.host)
    admin_of = sorted(host.companies_with(Role.COMPANY_ADMIN))
    absent = [10**9 + index for index in range(SPELLED_LIST_VALUES_MAX + 1)]
    async with piccolo_unit_of_work(write=False) as repos:
        found = []
        for companies in (admin_of, admin_of + absent):
            loans = await repos.todo.waiting_loans(
                company_ids=companies,
                employee_user_id=host.user_id,
                statuses=WAITING_STATUSES,
                per_status_max=PER_STATUS_MAX,
            )
            waiting = await repos.todo.waiting(
                company_ids=companies,
                admin_of=companies,
                user_id=host.user_id,
                coordinated=[],
                today=now().date(),
            )
            found.append((loans, waiting))
    (short_loans, short), (long_loans, long) = found
    assert short_loans and long_loans == short_loans
    assert [c.hours_to_approve for c in short.companies.values()] == [HOURS_SUBMITTED]
    assert long == short
