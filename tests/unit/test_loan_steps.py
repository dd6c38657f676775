"""A loan's steps on in-memory repositories (`tests/fakes.py`), the ledger included: the host
accepts within its credit line, the lender approves within the employee's hour budget (other
loans counted), the employee consents in writing, each party only its own step; a loan ends
with its reservation released, never while hours wait for review. Activation, which needs the
signed papers, is shown end to end (tests/e2e/test_exchange_scenario.py)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from ledger.model import Unit
from tests.fakes import (
    FakeByIdReads,
    FakeCompanies,
    FakeNotifications,
    InMemoryLedger,
    InMemoryLoans,
    InMemoryUnitOfWork,
    Named,
    repositories,
)
from tests.unit.test_approval_use_cases import COST, HOST, HOST_ADMIN, LENDER, running_loan
from tests.unit.test_hours_use_cases import EMPLOYEE, LOAN, MONDAY, NOW
from timebank.book.model import CREDIT_LINE_MINUTES_DEFAULT
from timebank.engagements import use_cases as engagements
from timebank.engagements.model import Engagement, EngagementStatus, Paper, Step
from timebank.errors import Conflict, Forbidden
from timebank.people.model import Actor, Role

pytestmark = pytest.mark.anyio
LENDER_ADMIN = Actor(
    user_id=11,
    email="lea@agence-lumiere.example",
    full_name="Léa Fontaine",
    memberships=frozenset({(LENDER, Role.COMPANY_ADMIN)}),
)
PROPOSED = dataclasses.replace(
    LOAN,
    status=EngagementStatus.PROPOSED,
    reservation_id=None,
    reserved_minutes=0,
    reservation_number=0,
    activated_on=None,
)
# The employer approved 8 hours a month for loans, over the whole period.
APPROVAL = Named(
    valid_from=date(2026, 11, 1), valid_until=date(2027, 2, 28), approved_minutes_per_month=8 * 60
)


def proposed_world(*others: Engagement) -> tuple[InMemoryUnitOfWork, InMemoryLoans, InMemoryLedger]:
    loans, ledger = InMemoryLoans(PROPOSED, *others), InMemoryLedger()
    repos = repositories(
        engagements=loans,
        book=ledger,
        notifications=FakeNotifications({HOST: [HOST_ADMIN.user_id], LENDER: [11]}),
        companies=FakeCompanies({LENDER: "Agence Lumière", HOST: "Fromagerie du Val"}),
        employees=FakeByIdReads(
            {LOAN.employee_id: Named(full_name="Inès Moreau", cost=COST, approval=APPROVAL)}
        ),
        needs=FakeByIdReads({LOAN.need_id: Named(title="Refonte du site")}),
    )
    return InMemoryUnitOfWork(repos), loans, ledger


async def step(uow: InMemoryUnitOfWork, actor: Actor, name: Step) -> Engagement:
    return await engagements.take_step(uow, actor, LOAN.id, name, now=NOW)


async def test_each_party_takes_its_own_step_and_each_step_is_recorded() -> None:
    uow, loans, _ = proposed_world()
    for actor, name in ((LENDER_ADMIN, Step.ACCEPT), (EMPLOYEE, Step.APPROVE)):
        with pytest.raises(Forbidden):
            await step(uow, actor, name)
    assert loans.loans[LOAN.id].status is EngagementStatus.PROPOSED
    await step(uow, HOST_ADMIN, Step.ACCEPT)
    await step(uow, LENDER_ADMIN, Step.APPROVE)
    with pytest.raises(Forbidden) as not_theirs:
        await step(uow, HOST_ADMIN, Step.CONSENT)
    assert not_theirs.value.code == "not_the_employee"
    consented = await step(uow, EMPLOYEE, Step.CONSENT)
    assert consented.status is EngagementStatus.CONSENTED
    assert [p.paper for p in consented.papers] == [Paper.EMPLOYEE_CONSENT]
    assert [(name, before, after) for _, name, before, after, _ in loans.events] == [
        ("accept", EngagementStatus.PROPOSED, EngagementStatus.ACCEPTED_BY_HOST),
        ("approve", EngagementStatus.ACCEPTED_BY_HOST, EngagementStatus.APPROVED_BY_LENDER),
        ("consent", EngagementStatus.APPROVED_BY_LENDER, EngagementStatus.CONSENTED),
    ]
    with pytest.raises(Conflict) as again:
        await step(uow, EMPLOYEE, Step.CONSENT)
    assert again.value.code == "illegal_transition"


async def test_the_host_accepts_only_within_its_credit_line() -> None:
    too_big = dataclasses.replace(PROPOSED, id=6, planned_minutes=-CREDIT_LINE_MINUTES_DEFAULT + 60)
    uow, loans, ledger = proposed_world(too_big)
    with pytest.raises(Conflict) as refused:
        await engagements.take_step(uow, HOST_ADMIN, too_big.id, Step.ACCEPT, now=NOW)
    assert (refused.value.code, refused.value.field) == ("beyond_credit_line", "planned_minutes")
    assert loans.loans[too_big.id].status is EngagementStatus.PROPOSED
    accepted = await step(uow, HOST_ADMIN, Step.ACCEPT)
    assert accepted.status is EngagementStatus.ACCEPTED_BY_HOST
    assert ledger.balance(HOST, Unit.MINUTES) == 0  # Accepting checks; it moves nothing.


async def test_the_lender_approves_within_the_monthly_budget_other_loans_counted() -> None:
    # Another loan of the same employee already holds 6 of the 8 hours of some months.
    other = dataclasses.replace(
        LOAN, id=9, status=EngagementStatus.ACTIVE, planned_minutes=6 * 60 * 3
    )
    uow, loans, _ = proposed_world(other)
    await step(uow, HOST_ADMIN, Step.ACCEPT)
    with pytest.raises(Conflict) as refused:
        await step(uow, LENDER_ADMIN, Step.APPROVE)
    assert refused.value.code == "over_budget"
    assert loans.loans[LOAN.id].status is EngagementStatus.ACCEPTED_BY_HOST
    loans.loans[other.id] = dataclasses.replace(other, status=EngagementStatus.CANCELLED)
    approved = await step(uow, LENDER_ADMIN, Step.APPROVE)
    assert approved.status is EngagementStatus.APPROVED_BY_LENDER


async def test_an_approval_that_does_not_cover_the_period_is_refused() -> None:
    uow, _, _ = proposed_world()
    short = Named(
        valid_from=date(2026, 11, 1),
        valid_until=date(2026, 12, 31),  # The loan runs to the end of January.
        approved_minutes_per_month=8 * 60,
    )
    employees = uow.repos.employees
    employees.records[LOAN.employee_id].approval = short  # type: ignore[attr-defined]
    await step(uow, HOST_ADMIN, Step.ACCEPT)
    with pytest.raises(Conflict) as refused:
        await step(uow, LENDER_ADMIN, Step.APPROVE)
    assert refused.value.code == "approval_does_not_cover_period"


async def test_a_loan_ends_with_its_reservation_released_never_with_hours_waiting() -> None:
    world = await running_loan()
    entry, _ = await engagements.log_time(
        world.uow,
        EMPLOYEE,
        LOAN.id,
        client_id="00000000-0000-4000-8000-000000000001",
        work_date=MONDAY,
        minutes=120,
        description="Recette",
        now=NOW,
    )
    with pytest.raises(Conflict) as waiting:
        await engagements.take_step(world.uow, HOST_ADMIN, LOAN.id, Step.COMPLETE, now=NOW)
    assert waiting.value.code == "entries_awaiting_review"
    assert world.hours.loans[LOAN.id].status is EngagementStatus.ACTIVE
    await engagements.approve_entries(world.uow, HOST_ADMIN, [entry.id], now=NOW)
    ended = await engagements.take_step(world.uow, HOST_ADMIN, LOAN.id, Step.COMPLETE, now=NOW)
    assert (ended.status, ended.reservation_id, ended.reserved_minutes) == (
        EngagementStatus.COMPLETED,
        None,
        0,
    )
    # The hours worked stay given; what the reservation still held is released.
    assert (world.minutes(LENDER), world.minutes(HOST)) == (120, -120)
    assert all(a.debits_pending == 0 for a in world.ledger.accounts.values())


async def test_a_loan_whose_period_is_over_no_longer_starts() -> None:
    """Started after its last day, none of its days could be logged: refused in words before
    its papers are even read, and nothing is reserved."""
    consented = dataclasses.replace(PROPOSED, status=EngagementStatus.CONSENTED)
    uow, loans, ledger = proposed_world()
    loans.loans[LOAN.id] = consented
    after_the_end = datetime(2027, 1, 30, 9, 0, tzinfo=UTC)  # The period ends on 29/01/2027.
    with pytest.raises(Conflict) as refused:
        await engagements.take_step(uow, HOST_ADMIN, LOAN.id, Step.ACTIVATE, now=after_the_end)
    assert (refused.value.code, refused.value.field) == ("period_over", "period_end")
    assert "s'est terminée le 29/01/2027" in refused.value.message_fr
    assert loans.loans[LOAN.id].status is EngagementStatus.CONSENTED
    assert ledger.accounts == {}
