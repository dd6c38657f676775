"""Whose turn it is on a loan: the steps and papers `turn_of` offers each party, and that the
step check of the use cases (`may_take_step`) agrees with it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from timebank.engagements.model import (
    PAPER_GIVERS,
    TRANSITIONS,
    Engagement,
    EngagementStatus,
    Paper,
    Party,
    Step,
    may_take_step,
    parties_of,
    required_papers,
    turn_of,
)
from timebank.people.model import Actor, Role

HOST, LENDER, EMPLOYEE = (frozenset({p}) for p in (Party.HOST, Party.LENDER, Party.EMPLOYEE))
ALL_PAPERS = tuple(sorted(required_papers(lender_has_cse=True, host_has_cse=True)))

LOAN = Engagement(
    id=1,
    need_id=1,
    host_company_id=2,
    lender_company_id=3,
    employee_id=4,
    employee_user_id=5,
    planned_minutes=600,
    period_start=date(2027, 1, 1),
    period_end=date(2027, 3, 31),
    place="",
    remote=True,
    tasks="t",
    status=EngagementStatus.PROPOSED,
    reservation_id=None,
    reserved_minutes=0,
    reservation_number=0,
    created_by=1,
    created_at=datetime(2026, 12, 1, tzinfo=UTC),
)


def at(status: EngagementStatus) -> Engagement:
    return replace(LOAN, status=status)


def test_each_step_of_the_happy_path_is_the_turn_of_one_party_only() -> None:
    expected = {
        EngagementStatus.PROPOSED: (Step.ACCEPT, HOST),
        EngagementStatus.ACCEPTED_BY_HOST: (Step.APPROVE, LENDER),
        EngagementStatus.APPROVED_BY_LENDER: (Step.CONSENT, EMPLOYEE),
    }
    for status, (step, holder) in expected.items():
        for parties in (HOST, LENDER, EMPLOYEE):
            steps = turn_of(at(status), parties, missing=ALL_PAPERS).steps
            assert (step in steps) == (parties == holder), (status, parties)
            assert Step.CANCEL in steps  # Anyone of the loan may still withdraw.


def test_activation_waits_for_the_whole_paperwork() -> None:
    assert (
        Step.ACTIVATE
        not in turn_of(at(EngagementStatus.CONSENTED), HOST, missing=[Paper.CSE_LENDER]).steps
    )
    assert Step.ACTIVATE in turn_of(at(EngagementStatus.CONSENTED), HOST, missing=[]).steps
    assert Step.ACTIVATE in turn_of(at(EngagementStatus.CONSENTED), LENDER, missing=[]).steps
    assert Step.ACTIVATE not in turn_of(at(EngagementStatus.CONSENTED), EMPLOYEE, missing=[]).steps


def test_a_finished_loan_offers_nothing_to_anyone() -> None:
    for status in (EngagementStatus.COMPLETED, EngagementStatus.CANCELLED):
        for parties in (HOST, LENDER, EMPLOYEE, HOST | LENDER | EMPLOYEE):
            turn = turn_of(at(status), parties, operator=True, missing=ALL_PAPERS)
            assert turn.steps == () and turn.papers == ()
            assert not turn.may_request_extension


def test_each_party_gives_its_own_missing_papers_before_the_start_only() -> None:
    turn = turn_of(at(EngagementStatus.ACCEPTED_BY_HOST), LENDER, missing=ALL_PAPERS)
    assert set(turn.papers) == {Paper.AGREEMENT_LENDER, Paper.AMENDMENT_LENDER, Paper.CSE_LENDER}
    turn = turn_of(at(EngagementStatus.APPROVED_BY_LENDER), EMPLOYEE, missing=ALL_PAPERS)
    assert turn.papers == (Paper.AMENDMENT_EMPLOYEE,)  # Consent is the consent step.
    assert (
        turn_of(at(EngagementStatus.PROPOSED), HOST, missing=[Paper.AGREEMENT_LENDER]).papers == ()
    )
    assert turn_of(at(EngagementStatus.ACTIVE), HOST, missing=ALL_PAPERS).papers == ()


def test_only_the_host_asks_for_an_extension_of_a_running_loan() -> None:
    assert turn_of(at(EngagementStatus.ACTIVE), HOST, missing=[]).may_request_extension
    assert not turn_of(at(EngagementStatus.CONSENTED), HOST, missing=[]).may_request_extension
    assert not turn_of(at(EngagementStatus.ACTIVE), LENDER, missing=[]).may_request_extension
    assert turn_of(at(EngagementStatus.ACTIVE), LENDER, missing=[]).may_decide_extensions
    # The operator is offered no extension: it is a company's request and a company's answer.
    operator = turn_of(at(EngagementStatus.ACTIVE), frozenset(), operator=True, missing=[])
    assert not operator.may_request_extension and not operator.may_decide_extensions
    assert operator.steps == (Step.CANCEL,)
    assert not turn_of(at(EngagementStatus.ACTIVE), EMPLOYEE, missing=[]).may_decide_extensions


@pytest.mark.parametrize("status", list(EngagementStatus))
@pytest.mark.parametrize("parties", [HOST, LENDER, EMPLOYEE, frozenset()])
def test_every_step_offered_is_one_the_status_and_the_step_check_allow(
    status: EngagementStatus, parties: frozenset[Party]
) -> None:
    for step in turn_of(at(status), parties, missing=[]).steps:
        assert status in TRANSITIONS[step][0]
        assert may_take_step(step, parties)


def test_the_operator_may_only_stop_a_loan() -> None:
    """Accepting, approving, starting or completing is a company's act; the operator stops."""
    assert may_take_step(Step.CANCEL, frozenset(), operator=True)
    for step in set(Step) - {Step.CANCEL}:
        assert not may_take_step(step, frozenset(), operator=True)


def test_parties_come_from_the_persons_roles_in_the_two_companies() -> None:
    def actor(user_id: int, *memberships: tuple[int, Role]) -> Actor:
        return Actor(
            user_id=user_id, email="a@b.fr", full_name="A", memberships=frozenset(memberships)
        )

    assert parties_of(actor(9, (2, Role.COMPANY_ADMIN)), LOAN) == HOST
    assert parties_of(actor(9, (3, Role.COMPANY_ADMIN)), LOAN) == LENDER
    assert parties_of(actor(5, (3, Role.EMPLOYEE)), LOAN) == EMPLOYEE
    assert parties_of(actor(9, (2, Role.ACCOUNTANT), (3, Role.EMPLOYEE)), LOAN) == frozenset()
    assert set(PAPER_GIVERS) == set(Paper)
