"""« À faire »: each loan asks each person for the right thing at the right time."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from timebank.engagements.model import Engagement, EngagementStatus, Paper, PaperRecord
from timebank.people.model import Actor, Role
from timebank.todo.model import TodoKind, loan_todos

LENDER, HOST, EMPLOYEE_USER, ADMIN_USER = 10, 20, 7, 8
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def loan(status: EngagementStatus, *papers: Paper) -> Engagement:
    return Engagement(
        id=1,
        need_id=2,
        host_company_id=HOST,
        lender_company_id=LENDER,
        employee_id=3,
        employee_user_id=EMPLOYEE_USER,
        planned_minutes=600,
        period_start=date(2026, 12, 1),
        period_end=date(2026, 12, 31),
        place="Rennes",
        remote=False,
        tasks="Audit",
        status=status,
        reservation_id=None,
        reserved_minutes=0,
        reservation_number=0,
        created_by=ADMIN_USER,
        created_at=NOW,
        papers=tuple(PaperRecord(p, 1, NOW, None, None, None) for p in papers),
    )


ALL_PAPERS = (
    Paper.EMPLOYEE_CONSENT,
    Paper.AGREEMENT_LENDER,
    Paper.AGREEMENT_HOST,
    Paper.AMENDMENT_EMPLOYEE,
    Paper.AMENDMENT_LENDER,
)


def kinds(engagement: Engagement, *, user_id: int, admin_of: set[int]) -> list[TodoKind]:
    actor = Actor(
        user_id=user_id,
        email="x@example.test",
        full_name="X",
        memberships=frozenset((company, Role.COMPANY_ADMIN) for company in admin_of),
    )
    recorded = {record.paper for record in engagement.papers}
    missing = [paper for paper in ALL_PAPERS if paper not in recorded]
    return [item.kind for item in loan_todos(engagement, actor, missing=missing)]


@pytest.mark.parametrize(
    ("status", "host_admin", "lender_admin", "employee"),
    [
        (EngagementStatus.PROPOSED, [TodoKind.ACCEPT_LOAN], [], []),
        (EngagementStatus.ACCEPTED_BY_HOST, [], [TodoKind.APPROVE_LOAN], []),
        (
            EngagementStatus.APPROVED_BY_LENDER,
            [TodoKind.SIGN_DOCUMENTS],
            [TodoKind.SIGN_DOCUMENTS],
            [TodoKind.GIVE_CONSENT, TodoKind.SIGN_DOCUMENTS],
        ),
        (EngagementStatus.ACTIVE, [], [], [TodoKind.LOG_HOURS]),
        (EngagementStatus.COMPLETED, [], [], []),
        (EngagementStatus.CANCELLED, [], [], []),
    ],
)
def test_each_state_waits_for_the_right_person(
    status: EngagementStatus,
    host_admin: list[TodoKind],
    lender_admin: list[TodoKind],
    employee: list[TodoKind],
) -> None:
    engagement = loan(status)
    assert kinds(engagement, user_id=ADMIN_USER, admin_of={HOST}) == host_admin
    assert kinds(engagement, user_id=ADMIN_USER, admin_of={LENDER}) == lender_admin
    assert kinds(engagement, user_id=EMPLOYEE_USER, admin_of=set()) == employee
    assert kinds(engagement, user_id=99, admin_of={555}) == []


def test_a_consented_loan_asks_for_missing_signatures_then_for_activation() -> None:
    partly = loan(EngagementStatus.CONSENTED, Paper.EMPLOYEE_CONSENT, Paper.AGREEMENT_LENDER)
    assert kinds(partly, user_id=ADMIN_USER, admin_of={HOST}) == [TodoKind.SIGN_DOCUMENTS]
    assert kinds(partly, user_id=ADMIN_USER, admin_of={LENDER}) == [TodoKind.SIGN_DOCUMENTS]
    assert kinds(partly, user_id=EMPLOYEE_USER, admin_of=set()) == [TodoKind.SIGN_DOCUMENTS]
    complete = replace(
        partly,
        papers=tuple(
            PaperRecord(p, 1, NOW, None, None, None)
            for p in (
                Paper.EMPLOYEE_CONSENT,
                Paper.AGREEMENT_LENDER,
                Paper.AGREEMENT_HOST,
                Paper.AMENDMENT_EMPLOYEE,
                Paper.AMENDMENT_LENDER,
            )
        ),
    )
    assert kinds(complete, user_id=ADMIN_USER, admin_of={HOST}) == [TodoKind.ACTIVATE_LOAN]
    assert kinds(complete, user_id=EMPLOYEE_USER, admin_of=set()) == []


def test_an_admin_of_two_companies_reviews_each_ones_staff_proposals_on_its_page() -> None:
    """The proposals waiting for each company's staff lead to that company's page, with its
    own count (they all led to the first company, with the sum)."""
    from tests.fakes import FakeCompanies
    from timebank.todo.model import CompanyCounts, Waiting
    from timebank.todo.use_cases import _todo

    names = FakeCompanies({3: "Agence Lumière", 8: "Fromagerie du Val"})
    actor = Actor(
        user_id=5,
        email="admin@example.fr",
        full_name="Admin",
        memberships=frozenset({(3, Role.COMPANY_ADMIN), (8, Role.COMPANY_ADMIN)}),
    )
    waiting = Waiting(
        companies={
            3: CompanyCounts(names.company(3), 0, 0, staff_proposals=2),
            8: CompanyCounts(names.company(8), 0, 0, staff_proposals=1),
        },
        staff_proposals=3,
        own_proposals=0,
    )
    items = [
        i for i in _todo(actor, [3, 8], [], [], waiting) if i.kind is TodoKind.REVIEW_PROPOSALS
    ]
    assert [(i.path, i.company_id, i.count) for i in items] == [
        ("/entreprises/3/propositions?cote=pret", 3, 2),
        ("/entreprises/8/propositions?cote=pret", 8, 1),
    ]
