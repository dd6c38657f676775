"""Who reads salary-derived figures: an hourly cost, hours at cost, statements and ledger in cents.

The companies they concern (their admins and accountants) and the employee read them; the
programme operator, as such, never does (aggregated indicators are protected on their own).
"""

from __future__ import annotations

from timebank.people.model import Actor, Role


def reads_salary_figures(actor: Actor, *company_ids: int | None) -> bool:
    """False for the operator unless it also speaks for one of the companies concerned."""
    if not actor.is_operator:
        return True
    return any(
        company_id is not None and actor.has_role(company_id, Role.COMPANY_ADMIN, Role.ACCOUNTANT)
        for company_id in company_ids
    )
