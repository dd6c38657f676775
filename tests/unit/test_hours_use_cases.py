"""The lent employee's hours on in-memory repositories (`tests/fakes.py`): logging, the limits
of a day and of the plan, idempotent submissions, corrections and withdrawals, each rule shown
without a database. Their review, which posts to the ledger, is in
`test_approval_use_cases.py`."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from tests.fakes import (
    FakeByIdReads,
    FakeCompanies,
    FakeNotifications,
    InMemoryLoans,
    InMemoryUnitOfWork,
    Named,
    repositories,
)
from timebank.engagements import use_cases as engagements
from timebank.engagements.model import Engagement, EngagementStatus, EntryStatus
from timebank.errors import Conflict, Forbidden, InvalidInput
from timebank.people.model import Actor

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)
MONDAY = date(2026, 11, 30)
EMPLOYEE = Actor(user_id=7, email="ines@test.example", full_name="Inès Moreau")
LOAN = Engagement(
    id=5,
    need_id=3,
    host_company_id=2,
    lender_company_id=1,
    employee_id=70,
    employee_user_id=EMPLOYEE.user_id,
    planned_minutes=12 * 60,
    period_start=date(2026, 11, 2),
    period_end=date(2027, 1, 29),
    place="Lyon",
    remote=True,
    tasks="Refonte du site",
    status=EngagementStatus.ACTIVE,
    reservation_id="r-1",
    reserved_minutes=12 * 60,
    reservation_number=1,
    created_by=11,
    created_at=datetime(2026, 11, 1, tzinfo=UTC),
    activated_on=date(2026, 11, 2),
)


def hours_world() -> tuple[InMemoryUnitOfWork, InMemoryLoans, FakeNotifications]:
    hours, notifications = InMemoryLoans(LOAN), FakeNotifications({2: [22]})
    repos = repositories(
        engagements=hours,
        notifications=notifications,
        companies=FakeCompanies({1: "Agence Lumière", 2: "Fromagerie du Val"}),
        employees=FakeByIdReads({70: Named(full_name="Inès Moreau")}),
        needs=FakeByIdReads({3: Named(title="Refonte du site")}),
    )
    return InMemoryUnitOfWork(repos), hours, notifications


async def log(
    uow: InMemoryUnitOfWork,
    day: date,
    minutes: int,
    *,
    actor: Actor = EMPLOYEE,
    client_id: str | None = None,
    description: str = "Maquettes",
    now: datetime = NOW,
) -> tuple[object, bool]:
    return await engagements.log_time(
        uow,
        actor,
        LOAN.id,
        client_id=client_id or str(uuid.uuid4()),
        work_date=day,
        minutes=minutes,
        description=description,
        now=now,
    )


async def test_the_employee_logs_a_day_and_the_hosts_admins_are_told() -> None:
    uow, hours, notifications = hours_world()
    entry, created = await log(uow, MONDAY, 150)
    assert created and entry.status is EntryStatus.SUBMITTED  # type: ignore[attr-defined]
    assert [(user, kind) for user, kind, *_ in notifications.queued] == [
        (22, "timesheet_to_approve")
    ]
    assert await hours.engagement_minutes(LOAN.id) == 150


async def test_hours_are_logged_until_the_graces_last_day_and_refused_after() -> None:
    """The period ends on 29/01/2027; its reservation lapses 15 days later, on 13/02/2027 at
    midnight UTC: the hours of the period are logged up to 12/02 inclusive."""
    uow, hours, _ = hours_world()
    last_evening = datetime(2027, 2, 12, 23, 30, tzinfo=UTC)
    _, created = await log(uow, date(2027, 1, 29), 60, now=last_evening)
    assert created
    with pytest.raises(Conflict) as refused:
        await log(uow, date(2027, 1, 28), 60, now=datetime(2027, 2, 13, 0, 0, tzinfo=UTC))
    assert (refused.value.code, refused.value.field) == ("hours_window_closed", "work_date")
    assert "jusqu'au 12/02/2027, 14 jours après la fin de sa période" in refused.value.message_fr
    assert await hours.engagement_minutes(LOAN.id) == 60


async def test_the_same_submission_again_is_the_same_entry_another_body_is_refused() -> None:
    uow, hours, _ = hours_world()
    client_id = str(uuid.uuid4())
    first, _ = await log(uow, MONDAY, 60, client_id=client_id)
    again, created = await log(uow, MONDAY, 60, client_id=client_id)
    assert (again, created) == (first, False)
    with pytest.raises(Conflict) as refused:
        await log(uow, MONDAY, 90, client_id=client_id)
    assert refused.value.code == "duplicate_submission"
    assert len(hours.entries_by_id) == 1


async def test_only_the_lent_employee_logs_hours() -> None:
    uow, hours, _ = hours_world()
    admin = Actor(user_id=22, email="admin@test.example", full_name="Admin")
    with pytest.raises(Forbidden):
        await log(uow, MONDAY, 60, actor=admin)
    assert hours.entries_by_id == {}


async def test_a_day_holds_ten_hours_and_the_loan_its_plan() -> None:
    uow, hours, _ = hours_world()
    await log(uow, MONDAY, 8 * 60)
    with pytest.raises(InvalidInput) as day:
        await log(uow, MONDAY, 3 * 60)
    assert day.value.code == "exceeds_daily_limit"
    await log(uow, date(2026, 12, 1), 4 * 60)
    with pytest.raises(InvalidInput) as plan:
        await log(uow, date(2026, 12, 2), 60)  # 8 h + 4 h logged: the 12 h planned are used.
    assert plan.value.code == "exceeds_planned_hours"
    assert await hours.engagement_minutes(LOAN.id) == 12 * 60


async def test_a_withdrawn_entry_frees_its_hours_and_is_never_changed_again() -> None:
    uow, _, _ = hours_world()
    entry, _ = await log(uow, MONDAY, 10 * 60)
    withdrawn = await engagements.withdraw_entry(uow, EMPLOYEE, entry.id)  # type: ignore[attr-defined]
    assert withdrawn.status is EntryStatus.WITHDRAWN
    await log(uow, MONDAY, 10 * 60)  # The day is free again.
    with pytest.raises(Conflict) as changed:
        await engagements.edit_entry(
            uow,
            EMPLOYEE,
            entry.id,  # type: ignore[attr-defined]
            work_date=MONDAY,
            minutes=60,
            description="Corrigé",
            now=NOW,
        )
    assert changed.value.code == "entry_withdrawn"


async def test_a_correction_keeps_the_days_limit_without_counting_itself_twice() -> None:
    uow, _, _ = hours_world()
    entry, _ = await log(uow, MONDAY, 9 * 60)
    corrected = await engagements.edit_entry(
        uow,
        EMPLOYEE,
        entry.id,  # type: ignore[attr-defined]
        work_date=MONDAY,
        minutes=10 * 60,
        description="Maquettes et recette",
        now=NOW,
    )
    assert (corrected.minutes, corrected.description) == (600, "Maquettes et recette")
    with pytest.raises(InvalidInput) as refused:
        await engagements.edit_entry(
            uow,
            EMPLOYEE,
            entry.id,  # type: ignore[attr-defined]
            work_date=MONDAY,
            minutes=11 * 60,
            description="Trop",
            now=NOW,
        )
    assert refused.value.code == "exceeds_daily_limit"
