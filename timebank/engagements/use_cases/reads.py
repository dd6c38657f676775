"""What the parties read of their loans: one loan with its history, the lists, the sheet and
a company's position."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from ledger.model import (
    AccountKind,
    Unit,
)
from timebank.book.use_cases import ensure_company_accounts
from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.engagements import refusals
from timebank.engagements.model import (
    Engagement,
    EngagementEvent,
    EngagementStatus,
    Extension,
    LoanNames,
    Paper,
    Party,
    Turn,
    missing_papers,
    parties_of,
    required_papers,
    turn_of,
)
from timebank.engagements.use_cases.common import _may_read
from timebank.engagements.use_cases.lifecycle import _current_hashes, _loan_companies
from timebank.pagination import Page, page_request
from timebank.people.model import Actor, Role, reads_salary_figures, require_company_role


@dataclass(frozen=True, slots=True)
class EngagementView:
    engagement: Engagement
    events: tuple[EngagementEvent, ...]
    missing_papers: tuple[Paper, ...]


async def get_engagement(uow: UnitOfWork, actor: Actor, engagement_id: int) -> EngagementView:
    async with uow(write=False) as repos:
        found = await repos.engagements.with_events(engagement_id)
        if found is None or not _may_read(actor, found[0]):
            raise refusals.ENGAGEMENT_NOT_FOUND.error(id=engagement_id)
        engagement, events = found
        companies = await _loan_companies(repos, engagement)
        hashes = await _current_hashes(repos, engagement, companies)

    missing = missing_papers(
        engagement,
        lender_has_cse=companies[engagement.lender_company_id].company.has_cse,
        host_has_cse=companies[engagement.host_company_id].company.has_cse,
        current_hashes=hashes,
    )
    return EngagementView(engagement, tuple(events), tuple(missing))


async def list_engagements(
    uow: UnitOfWork, actor: Actor, *, status: str | None, limit: int, offset: int
) -> Page[Engagement]:
    """The caller's engagements: as employee, and for the companies it administers."""
    page = page_request(limit, offset)
    wanted = None
    if status is not None:
        try:
            wanted = EngagementStatus(status)
        except ValueError as exc:
            raise refusals.UNKNOWN_STATUS.error(status=status[:30]) from exc
    companies = (
        None
        if actor.is_operator
        else sorted(actor.companies_with(Role.COMPANY_ADMIN, Role.ACCOUNTANT))
    )
    async with uow(write=False) as repos:
        items, total = await repos.engagements.search(
            company_ids=companies,
            employee_user_id=actor.user_id,
            status=wanted,
            limit=page.limit,
            offset=page.offset,
        )
    return Page(items=tuple(items), total=total, limit=page.limit, offset=page.offset)


LOAN_SIDES: Final = ("lender", "host")


@dataclass(frozen=True, slots=True)
class LoanLine:
    """A loan in a list, with the names a person reads about it."""

    engagement: Engagement
    names: LoanNames


async def _lines(repos: Repositories, items: list[Engagement]) -> tuple[LoanLine, ...]:
    names = await repos.engagements.names_of([e.id for e in items])
    return tuple(LoanLine(e, names[e.id]) for e in items)


async def company_engagements(
    uow: UnitOfWork,
    actor: Actor,
    company_id: int,
    *,
    side: str | None,
    status: str | None,
    limit: int,
    offset: int,
) -> Page[LoanLine]:
    """A company's loans, as lender (`side="lender"`), as host (`"host"`) or both."""
    require_company_role(actor, company_id, Role.COMPANY_ADMIN, Role.ACCOUNTANT)
    if side is not None and side not in LOAN_SIDES:
        raise refusals.INVALID_SIDE.error()
    try:
        wanted = None if status is None else EngagementStatus(status)
    except ValueError as exc:
        raise refusals.UNKNOWN_STATUS.error(status=status[:30] if status else "") from exc
    page = page_request(limit, offset)
    async with uow(write=False) as repos:
        items, total = await repos.engagements.of_company(
            company_id, side=side, status=wanted, limit=page.limit, offset=page.offset
        )
        lines = await _lines(repos, items)
    return Page(items=lines, total=total, limit=page.limit, offset=page.offset)


async def my_engagements(
    uow: UnitOfWork, actor: Actor, *, limit: int, offset: int
) -> Page[LoanLine]:
    """The loans of the person as the employee lent (not those of companies they run)."""
    page = page_request(limit, offset)
    async with uow(write=False) as repos:
        items, total = await repos.engagements.search(
            company_ids=[],
            employee_user_id=actor.user_id,
            status=None,
            limit=page.limit,
            offset=page.offset,
        )
        lines = await _lines(repos, items)
    return Page(items=lines, total=total, limit=page.limit, offset=page.offset)


@dataclass(frozen=True, slots=True)
class LoanSheet:
    """Everything a loan's page shows, and what its reader may do on it now (`turn`)."""

    engagement: Engagement
    names: LoanNames
    events: tuple[EngagementEvent, ...]
    required_papers: tuple[Paper, ...]
    missing_papers: tuple[Paper, ...]
    extensions: tuple[Extension, ...]
    logged_minutes: int  # Submitted or approved.
    people: dict[int, str]  # Full names of the users named on the page.
    parties: frozenset[Party]  # Who the reader is in this loan (none: operator, accountant).
    turn: Turn


async def loan_sheet(uow: UnitOfWork, actor: Actor, engagement_id: int) -> LoanSheet:
    async with uow(write=False) as repos:
        found = await repos.engagements.with_events(engagement_id)
        if found is None or not _may_read(actor, found[0]):
            raise refusals.ENGAGEMENT_NOT_FOUND.error(id=engagement_id)
        engagement, events = found
        companies = await _loan_companies(repos, engagement)
        hashes = await _current_hashes(repos, engagement, companies)
        names = (await repos.engagements.names_of([engagement_id]))[engagement_id]
        extensions = await repos.engagements.extensions_of(engagement_id)
        logged = await repos.engagements.engagement_minutes(engagement_id)
        user_ids = {engagement.created_by, *(e.actor_id for e in events)}
        user_ids |= {p.signed_by for p in engagement.papers}
        user_ids |= {x.requested_by for x in extensions}
        user_ids |= {x.decided_by for x in extensions if x.decided_by is not None}
        full_names = await repos.people.full_names(sorted(user_ids))
        people = {
            user_id: full_names.get(user_id, f"Utilisateur n° {user_id}")
            for user_id in sorted(user_ids)
        }
    cse = {
        "lender_has_cse": companies[engagement.lender_company_id].company.has_cse,
        "host_has_cse": companies[engagement.host_company_id].company.has_cse,
    }
    missing = missing_papers(engagement, current_hashes=hashes, **cse)
    return LoanSheet(
        engagement=engagement,
        names=names,
        events=tuple(events),
        required_papers=tuple(p for p in Paper if p in required_papers(**cse)),  # Law's order.
        missing_papers=tuple(missing),
        extensions=tuple(extensions),
        logged_minutes=logged,
        people=people,
        parties=parties_of(actor, engagement),
        turn=turn_of(
            engagement, parties_of(actor, engagement), operator=actor.is_operator, missing=missing
        ),
    )


@dataclass(frozen=True, slots=True)
class Position:
    """A company's place in the time bank: hours given and received, credit line, at cost."""

    company_id: int
    minutes_given: int
    minutes_received: int
    minutes_balance: int
    minutes_reserved: int
    minutes_available: int
    credit_line_minutes: int | None
    cents_balance: int | None  # Positive: others owe it; negative: it owes. None: operator.


async def company_position(
    uow: UnitOfWork, actor: Actor, company_id: int, *, now: datetime
) -> Position:
    require_company_role(actor, company_id, Role.COMPANY_ADMIN, Role.ACCOUNTANT)
    # A read takes no write lock: a company's accounts are opened with it, and only one
    # that predates them has its accounts opened here.
    async with uow(write=False) as repos:
        accounts = {
            account.unit: account
            for account in await repos.book.accounts(company_ids=[company_id])
            if account.kind is AccountKind.COMPANY
        }
    if len(accounts) < len(Unit):
        async with uow() as repos:
            if await repos.companies.get(company_id) is None:
                raise refusals.COMPANY_NOT_FOUND.error(id=company_id)
            accounts = await ensure_company_accounts(repos, company_id, now=now)
    minutes, cents = accounts[Unit.MINUTES], accounts[Unit.CENTS]
    return Position(
        company_id=company_id,
        minutes_given=minutes.credits_posted,
        minutes_received=minutes.debits_posted,
        minutes_balance=minutes.balance,
        minutes_reserved=minutes.debits_pending,
        minutes_available=minutes.available,
        credit_line_minutes=minutes.balance_min,
        cents_balance=cents.balance if reads_salary_figures(actor, company_id) else None,
    )
