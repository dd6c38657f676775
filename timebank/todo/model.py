"""What waits for a person, decided from the loans' states and papers. Pure: no database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from timebank.companies.model import Company
from timebank.engagements.model import (
    Engagement,
    EngagementStatus,
    Paper,
    Party,
    Step,
    parties_of,
    turn_of,
)
from timebank.people.model import Actor

TODO_LOANS_PER_STATUS_MAX: Final = 50


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
    APPROVE_EXPENSES = "approve_expenses"
    APPROVE_TRAININGS = "approve_trainings"
    REVIEW_JOIN_REQUESTS = "review_join_requests"
    PUBLISH_PLAN = "publish_plan"


@dataclass(frozen=True, slots=True)
class WaitingLoan:
    """A loan that may wait for somebody, with what decides its papers: its companies' CSE."""

    engagement: Engagement
    lender_has_cse: bool
    host_has_cse: bool


@dataclass(frozen=True, slots=True)
class CompanyCounts:
    """One of the person's companies and, if they run it, what waits there for its admins."""

    company: Company
    hours_to_approve: int
    statements_to_agree: int
    staff_proposals: int = 0  # Proposals waiting for its staff (its admins accept first).
    expenses_to_approve: int = 0  # Its staff's expenses on the loans it lends.
    trainings_to_approve: int = 0  # Its staff's trainings (their time valued at cost).
    # If it is an employer group's entity the person coordinates: the group, the companies
    # asking to join it, and its rotation periods with a draft plan not yet published.
    group_id: int | None = None
    join_requests: int = 0
    plans_to_publish: int = 0


@dataclass(frozen=True, slots=True)
class Waiting:
    """The person's companies (by id) and the proposals pending for their staff and for them."""

    companies: dict[int, CompanyCounts]
    staff_proposals: int
    own_proposals: int


@dataclass(frozen=True, slots=True)
class TodoItem:
    kind: TodoKind
    path: str
    engagement_id: int | None = None
    company_id: int | None = None
    count: int = 1


SIGNING_STATUSES: Final = frozenset(
    {EngagementStatus.APPROVED_BY_LENDER, EngagementStatus.CONSENTED}
)
# The steps that ask something of a person (cancelling and completing wait for nobody).
TODO_OF_STEP: Final = {
    Step.ACCEPT: TodoKind.ACCEPT_LOAN,
    Step.APPROVE: TodoKind.APPROVE_LOAN,
    Step.CONSENT: TodoKind.GIVE_CONSENT,
    Step.ACTIVATE: TodoKind.ACTIVATE_LOAN,
}


def loan_todos(engagement: Engagement, actor: Actor, *, missing: Sequence[Paper]) -> list[TodoItem]:
    """What this loan asks of this person now: its turn (model's `turn_of`) in to-do words."""
    parties = parties_of(actor, engagement)
    if not parties:
        return []
    turn = turn_of(engagement, parties, missing=list(missing))
    company_id = (
        engagement.host_company_id
        if Party.HOST in parties
        else engagement.lender_company_id
        if Party.LENDER in parties
        else None
    )
    path = f"/mises-a-disposition/{engagement.id}"
    kinds = [TODO_OF_STEP[step] for step in turn.steps if step in TODO_OF_STEP]
    # Papers may be given from the proposal on, but they wait for a person only once both
    # companies said yes: before that the loan may still change or end.
    if turn.papers and engagement.status in SIGNING_STATUSES:
        kinds.append(TodoKind.SIGN_DOCUMENTS)
    items = [
        TodoItem(kind, path, engagement_id=engagement.id, company_id=company_id) for kind in kinds
    ]
    if engagement.status is EngagementStatus.ACTIVE and Party.EMPLOYEE in parties:
        items.append(
            TodoItem(
                TodoKind.LOG_HOURS,
                f"/mes-heures?mission={engagement.id}",
                engagement_id=engagement.id,
            )
        )
    return items
