"""The programme's headline figures, shown on the home page."""

from __future__ import annotations

from dataclasses import dataclass

from timebank.db.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class NetworkFigures:
    companies: int
    employees: int
    needs: int
    groups: int


async def network_figures(uow: UnitOfWork) -> NetworkFigures:
    async with uow(write=False) as repos:
        return NetworkFigures(
            companies=await repos.companies.count(),
            employees=await repos.employees.count(),
            needs=await repos.needs.count(),
            groups=await repos.groups.count(),
        )
