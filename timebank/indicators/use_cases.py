"""The programme's indicators for the operator, and the public summary of the home page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from timebank.db.unit_of_work import UnitOfWork
from timebank.indicators.model import (
    Count,
    Indicators,
    amounts,
    balance_spread,
    company_roles,
    median_days,
    top_reasons,
)
from timebank.people.model import Actor, require_operator


async def programme_indicators(uow: UnitOfWork, actor: Actor, *, today: date) -> Indicators:
    """Every indicator of the programme (operator only: it names employer groups)."""
    require_operator(actor)
    return await _indicators(uow, today=today)


async def _indicators(uow: UnitOfWork, *, today: date) -> Indicators:
    async with uow(write=False) as repos:
        rows = await repos.indicators.work_rows()
        open_needs = await repos.indicators.open_needs()
        staffed = await repos.indicators.staffed_needs()
        delays = await repos.indicators.publication_to_activation()
        proposals = await repos.indicators.proposal_counts()
        reasons = await repos.indicators.decline_reasons()
        planned, worked = await repos.indicators.cdo_half_days(today)
        members = await repos.indicators.members_per_group(today)
        logged, approved, rated, average = await repos.indicators.training_figures()
    return Indicators(
        hours_by_month=amounts(rows, "month"),
        hours_by_region=amounts(rows, "host_region"),
        hours_by_domain=amounts(rows, "domain_label"),
        companies=company_roles(rows),
        needs=(Count("open", open_needs), Count("staffed", staffed)),
        median_days_to_active_loan=median_days(delays),
        proposals=(
            Count("made", sum(proposals.values())),
            Count("accepted", proposals.get("accepted", 0)),
            Count("declined", proposals.get("declined", 0)),
        ),
        decline_reasons=top_reasons(reasons),
        cdo=(Count("planned", planned), Count("worked", worked)),
        members_per_group=tuple(Count(name, n) for name, n in members),
        trainings=(
            Count("logged", logged),
            Count("approved", approved),
            Count("rated", rated),
        ),
        average_rating=average,
        balance_spread=balance_spread(rows),
    )


@dataclass(frozen=True, slots=True)
class PublicSummary:
    """What the home page tells everyone: no company, no person, no euro amount."""

    hours_exchanged_minutes: int
    companies_taking_part: int
    needs_staffed: int
    cdo_half_days_planned: int
    trainings_rated: int
    average_rating: float | None


async def public_summary(uow: UnitOfWork) -> PublicSummary:
    """The home page's figures from one aggregate query: no row is read into Python, so the
    cost stays flat as the programme grows (the operator's indicators give the same figures)."""
    async with uow(write=False) as repos:
        figures = await repos.indicators.summary_figures()
    return PublicSummary(
        hours_exchanged_minutes=figures.minutes,
        companies_taking_part=figures.companies,
        needs_staffed=figures.needs_staffed,
        cdo_half_days_planned=figures.cdo_half_days_planned,
        trainings_rated=figures.trainings_rated,
        average_rating=(
            figures.rating_sum / figures.trainings_rated if figures.trainings_rated else None
        ),
    )
