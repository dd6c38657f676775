"""The host's review of a loan's hours on in-memory repositories (`tests/fakes.py`), the ledger
included: approving posts the minutes from the loan's reservation, reserves what remains and
books the at-cost value, in one chain per entry; a refusal moves nothing; a rejection tells the
employee and closes the entry to approval."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime

import pytest

from ledger.invariants import conservation_problems
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
from tests.unit.test_hours_use_cases import EMPLOYEE, LOAN, MONDAY, NOW
from timebank.book.use_cases import ensure_company_accounts, submit_in
from timebank.employees.model import CostInputs
from timebank.engagements import use_cases as engagements
from timebank.engagements.model import EngagementStatus, EntryStatus, TimesheetEntry, at_cost_cents
from timebank.engagements.use_cases.ledger_moves import _reservation_request
from timebank.errors import Conflict, Forbidden
from timebank.people.model import Actor, Role

pytestmark = pytest.mark.anyio
HOST, LENDER = LOAN.host_company_id, LOAN.lender_company_id
HOST_ADMIN = Actor(
    user_id=22,
    email="paul@fromagerie.example",
    full_name="Paul Girard",
    memberships=frozenset({(HOST, Role.COMPANY_ADMIN)}),
)
COST = CostInputs(
    annual_gross_salary_cents=4_200_000,
    employer_charge_rate_basis_points=4_500,
    annual_work_hours=1_607,
)


@dataclasses.dataclass
class World:
    uow: InMemoryUnitOfWork
    hours: InMemoryLoans
    ledger: InMemoryLedger
    notifications: FakeNotifications

    def minutes(self, company_id: int) -> int:
        return self.ledger.balance(company_id, Unit.MINUTES)

    def cents(self, company_id: int) -> int:
        return self.ledger.balance(company_id, Unit.CENTS)


async def running_loan() -> World:
    """The loan of `test_hours_use_cases` once active: its whole plan reserved in the ledger."""
    ledger = InMemoryLedger()
    hours = InMemoryLoans(LOAN)
    notifications = FakeNotifications({HOST: [HOST_ADMIN.user_id]})
    repos = repositories(
        engagements=hours,
        book=ledger,
        notifications=notifications,
        companies=FakeCompanies({LENDER: "Agence Lumière", HOST: "Fromagerie du Val"}),
        employees=FakeByIdReads({LOAN.employee_id: Named(full_name="Inès Moreau", cost=COST)}),
        needs=FakeByIdReads({LOAN.need_id: Named(title="Refonte du site")}),
    )
    host = await ensure_company_accounts(repos, HOST, now=NOW)
    lender = await ensure_company_accounts(repos, LENDER, now=NOW)
    reservation = _reservation_request(
        LOAN,
        1,
        LOAN.planned_minutes,
        host_id=host[Unit.MINUTES].id,
        lender_id=lender[Unit.MINUTES].id,
        now=NOW,
    )
    [outcome] = await submit_in(repos, [reservation], now=NOW)
    assert outcome.transfer is not None
    await hours.set_reservation(
        LOAN.id, reservation_id=reservation.id, reserved_minutes=LOAN.planned_minutes, number=1
    )
    return World(InMemoryUnitOfWork(repos), hours, ledger, notifications)


async def logged(world: World, day: date, minutes: int) -> TimesheetEntry:
    entry, created = await engagements.log_time(
        world.uow,
        EMPLOYEE,
        LOAN.id,
        client_id=str(uuid.uuid4()),
        work_date=day,
        minutes=minutes,
        description="Maquettes",
        now=NOW,
    )
    assert created
    return entry


def cost_of(minutes: int) -> int:
    return at_cost_cents(
        minutes,
        annual_gross_salary_cents=COST.annual_gross_salary_cents,
        employer_charge_rate_basis_points=COST.employer_charge_rate_basis_points,
        annual_work_hours=COST.annual_work_hours,
    )


async def test_approving_posts_the_minutes_reserves_the_rest_and_books_the_cost() -> None:
    world = await running_loan()
    first_reservation = world.hours.loans[LOAN.id].reservation_id
    entry = await logged(world, MONDAY, 150)
    [approved] = await engagements.approve_entries(world.uow, HOST_ADMIN, [entry.id], now=NOW)
    assert (approved.status, approved.cost_cents) == (EntryStatus.APPROVED, cost_of(150))
    assert cost_of(150) > 0
    assert (world.minutes(LENDER), world.minutes(HOST)) == (150, -150)
    assert (world.cents(LENDER), world.cents(HOST)) == (cost_of(150), -cost_of(150))
    loan = world.hours.loans[LOAN.id]
    assert (loan.reserved_minutes, loan.reservation_number) == (LOAN.planned_minutes - 150, 2)
    assert loan.reservation_id not in (None, first_reservation)
    # The first reservation is resolved; the rest of the plan is held by the new one.
    assert first_reservation in world.ledger.snapshot.resolutions
    host_minutes = next(
        a for a in world.ledger.accounts.values() if (a.company_id, a.unit) == (HOST, Unit.MINUTES)
    )
    assert host_minutes.debits_pending == LOAN.planned_minutes - 150
    assert conservation_problems(world.ledger.accounts.values()) == []


async def test_a_batch_that_uses_the_whole_plan_leaves_no_reservation() -> None:
    world = await running_loan()
    monday = await logged(world, MONDAY, 420)
    tuesday = await logged(world, date(2026, 12, 1), 300)
    reviewed = await engagements.approve_entries(
        world.uow, HOST_ADMIN, [tuesday.id, monday.id], now=NOW
    )
    assert [e.id for e in reviewed] == [monday.id, tuesday.id]
    assert all(e.status is EntryStatus.APPROVED for e in reviewed)
    loan = world.hours.loans[LOAN.id]
    assert (loan.reservation_id, loan.reserved_minutes) == (None, 0)
    assert world.minutes(LENDER) == 720
    assert world.cents(LENDER) == cost_of(420) + cost_of(300)
    assert all(a.debits_pending == 0 for a in world.ledger.accounts.values())
    assert conservation_problems(world.ledger.accounts.values()) == []


async def test_hours_approved_one_by_one_add_up_to_the_loans_minutes_valued_once() -> None:
    """Each approval values the loan's minutes approved so far at the same rate, rounded once,
    less those before: eight hours approved one at a time cost what eight hours cost, not
    eight times the rounded hour (30 320 cents here against 30 317)."""
    world = await running_loan()
    days = [date(2026, 11, day) for day in (2, 3, 4, 5, 6, 9, 10, 11)]
    billed = []
    for day in days:
        entry = await logged(world, day, 60)
        [approved] = await engagements.approve_entries(world.uow, HOST_ADMIN, [entry.id], now=NOW)
        assert approved.cost_cents is not None
        billed.append(approved.cost_cents)
    assert sum(billed) == cost_of(8 * 60) == world.cents(LENDER)
    assert 8 * cost_of(60) != cost_of(8 * 60)  # The drift the telescoping sum avoids.
    assert set(billed) <= {cost_of(60) - 1, cost_of(60), cost_of(60) + 1}


@pytest.mark.parametrize(
    ("reviewer", "refused", "code"),
    [
        (EMPLOYEE, Forbidden, "forbidden_for_company"),
        (
            dataclasses.replace(EMPLOYEE, memberships=frozenset({(HOST, Role.COMPANY_ADMIN)})),
            Forbidden,
            "self_approval",
        ),
        (
            dataclasses.replace(HOST_ADMIN, memberships=frozenset({(LENDER, Role.COMPANY_ADMIN)})),
            Forbidden,
            "forbidden_for_company",
        ),
    ],
)
async def test_only_the_hosts_admin_approves_and_a_refusal_moves_nothing(
    reviewer: Actor, refused: type[Exception], code: str
) -> None:
    world = await running_loan()
    entry = await logged(world, MONDAY, 90)
    before = dict(world.ledger.accounts)
    with pytest.raises(refused) as error:
        await engagements.approve_entries(world.uow, reviewer, [entry.id], now=NOW)
    assert error.value.code == code  # type: ignore[attr-defined]
    assert world.ledger.accounts == before
    assert world.hours.entries_by_id[entry.id].status is EntryStatus.SUBMITTED
    assert world.hours.loans[LOAN.id].reservation_number == 1


async def test_an_entry_is_reviewed_once() -> None:
    world = await running_loan()
    entry = await logged(world, MONDAY, 90)
    await engagements.approve_entries(world.uow, HOST_ADMIN, [entry.id], now=NOW)
    after_first = dict(world.ledger.accounts)
    with pytest.raises(Conflict) as again:
        await engagements.approve_entries(world.uow, HOST_ADMIN, [entry.id], now=NOW)
    assert (again.value.code, again.value.field) == ("already_reviewed", "entry_ids")
    with pytest.raises(Conflict):
        await engagements.reject_entry(world.uow, HOST_ADMIN, entry.id, reason="Non", now=NOW)
    assert world.ledger.accounts == after_first


async def test_a_rejection_tells_the_employee_and_moves_nothing() -> None:
    world = await running_loan()
    entry = await logged(world, MONDAY, 90)
    before = dict(world.ledger.accounts)
    rejected = await engagements.reject_entry(
        world.uow, HOST_ADMIN, entry.id, reason="Pas ce jour-là", now=NOW
    )
    assert (rejected.status, rejected.rejection_reason) == (EntryStatus.REJECTED, "Pas ce jour-là")
    assert (EMPLOYEE.user_id, "timesheet_rejected") in [
        (user, kind) for user, kind, *_ in world.notifications.queued
    ]
    assert world.ledger.accounts == before
    # Rejected hours no longer count against the plan: the day can be logged again.
    assert await world.hours.engagement_minutes(LOAN.id) == 0
    with pytest.raises(Conflict):
        await engagements.approve_entries(world.uow, HOST_ADMIN, [entry.id], now=NOW)


async def test_hours_of_a_loan_no_longer_running_are_not_approved() -> None:
    world = await running_loan()
    entry = await logged(world, MONDAY, 60)
    world.hours.loans[LOAN.id] = dataclasses.replace(
        world.hours.loans[LOAN.id], status=EngagementStatus.COMPLETED
    )
    with pytest.raises(Conflict) as refused:
        await engagements.approve_entries(world.uow, HOST_ADMIN, [entry.id], now=NOW)
    assert refused.value.code == "engagement_not_active"


async def test_hours_left_waiting_past_the_grace_are_refused_in_words_and_may_be_rejected() -> None:
    """The loan's reservation lapses on 13/02/2027 (its period ends on 29/01): an approval then
    would post from a lapsed reservation, so it is refused before the ledger, in words."""
    world = await running_loan()
    entry = await logged(world, MONDAY, 60)
    before = dict(world.ledger.accounts)
    late = datetime(2027, 2, 13, 8, 0, tzinfo=UTC)
    with pytest.raises(Conflict) as refused:
        await engagements.approve_entries(world.uow, HOST_ADMIN, [entry.id], now=late)
    assert (refused.value.code, refused.value.field) == ("hours_window_closed", "entry_ids")
    assert world.ledger.accounts == before
    assert world.hours.entries_by_id[entry.id].status is EntryStatus.SUBMITTED
    rejected = await engagements.reject_entry(
        world.uow, HOST_ADMIN, entry.id, reason="Saisie trop tardive", now=late
    )
    assert rejected.status is EntryStatus.REJECTED


async def test_hours_are_approved_on_the_graces_last_day() -> None:
    world = await running_loan()
    entry = await logged(world, MONDAY, 60)
    last_day = datetime(2027, 2, 12, 23, 0, tzinfo=UTC)
    [approved] = await engagements.approve_entries(world.uow, HOST_ADMIN, [entry.id], now=last_day)
    assert approved.status is EntryStatus.APPROVED
    assert (world.minutes(LENDER), world.minutes(HOST)) == (60, -60)


async def test_a_unit_left_by_an_error_leaves_the_fakes_as_they_were() -> None:
    """The fakes' unit of work rolls back as the database does, so that a use case that wrote
    before it refused would show here too as having moved nothing."""
    world = await running_loan()
    entries, accounts = dict(world.hours.entries_by_id), dict(world.ledger.accounts)

    async def write_then_fail() -> None:
        async with world.uow() as repos:
            await logged(world, MONDAY, 60)  # A unit of its own, inside this one: joins it.
            await ensure_company_accounts(repos, 99, now=NOW)
            raise RuntimeError("refused after writing")

    with pytest.raises(RuntimeError):
        await write_then_fail()
    assert world.hours.entries_by_id == entries
    assert world.ledger.accounts == accounts
    entry = await logged(world, MONDAY, 60)  # Outside any unit that fails: kept.
    assert entry.id in world.hours.entries_by_id
