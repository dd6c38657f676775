"""What waits for a person, decided from the loans' states and papers. Pure: no database."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from timebank.engagements.model import Engagement, EngagementStatus, Paper

TODO_LOANS_PER_STATUS_MAX = 50


class TodoKind(StrEnum):
    ACCEPT_LOAN = "accept_loan"
    APPROVE_LOAN = "approve_loan"
    GIVE_CONSENT = "give_consent"
    SIGN_DOCUMENTS = "sign_documents"
    ACTIVATE_LOAN = "activate_loan"
    LOG_HOURS = "log_hours"
    APPROVE_HOURS = "approve_hours"
    AGREE_STATEMENT = "agree_statement"
    REVIEW_PROPOSALS = "review_proposals"


@dataclass(frozen=True, slots=True)
class TodoItem:
    kind: TodoKind
    path: str
    engagement_id: int | None = None
    company_id: int | None = None
    count: int = 1


# Which papers each party records: the employee, the lender's admin, the host's admin.
EMPLOYEE_PAPERS = frozenset({Paper.EMPLOYEE_CONSENT, Paper.AMENDMENT_EMPLOYEE})
LENDER_PAPERS = frozenset({Paper.AGREEMENT_LENDER, Paper.AMENDMENT_LENDER})
HOST_PAPERS = frozenset({Paper.AGREEMENT_HOST})


def loan_todos(engagement: Engagement, *, user_id: int, admin_of: frozenset[int]) -> list[TodoItem]:
    """What this loan asks of this person now, from its state and the papers recorded."""
    path = f"/mises-a-disposition/{engagement.id}"
    recorded = {record.paper for record in engagement.papers}
    is_employee = engagement.employee_user_id == user_id
    lender = engagement.lender_company_id in admin_of
    host = engagement.host_company_id in admin_of
    items: list[TodoItem] = []

    def add(kind: TodoKind, company_id: int | None = None) -> None:
        items.append(TodoItem(kind, path, engagement_id=engagement.id, company_id=company_id))

    status = engagement.status
    if status is EngagementStatus.PROPOSED and host:
        add(TodoKind.ACCEPT_LOAN, engagement.host_company_id)
    if status is EngagementStatus.ACCEPTED_BY_HOST and lender:
        add(TodoKind.APPROVE_LOAN, engagement.lender_company_id)
    if status is EngagementStatus.APPROVED_BY_LENDER and is_employee:
        add(TodoKind.GIVE_CONSENT)
    if status in (EngagementStatus.APPROVED_BY_LENDER, EngagementStatus.CONSENTED):
        if is_employee and Paper.AMENDMENT_EMPLOYEE not in recorded:
            add(TodoKind.SIGN_DOCUMENTS)
        if lender and not recorded >= LENDER_PAPERS:
            add(TodoKind.SIGN_DOCUMENTS, engagement.lender_company_id)
        if host and not recorded >= HOST_PAPERS:
            add(TodoKind.SIGN_DOCUMENTS, engagement.host_company_id)
    if (
        status is EngagementStatus.CONSENTED
        and (lender or host)
        and recorded >= (EMPLOYEE_PAPERS | LENDER_PAPERS | HOST_PAPERS)
    ):
        add(TodoKind.ACTIVATE_LOAN, engagement.host_company_id if host else None)
    if status is EngagementStatus.ACTIVE and is_employee:
        items.append(
            TodoItem(
                TodoKind.LOG_HOURS,
                f"/mes-heures?mission={engagement.id}",
                engagement_id=engagement.id,
            )
        )
    return items
