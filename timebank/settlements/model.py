"""A month's statement between two companies: hours and at-cost amounts each way, the set-off,
the net amount and who owes it. Pure arithmetic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class StatementStatus(StrEnum):
    DRAFT = "draft"
    AGREED = "agreed"  # Both companies agreed: frozen.
    DISPUTED = "disputed"


@dataclass(frozen=True, slots=True)
class Totals:
    """Company a < company b by id; 'a_to_b' is what a lent to b (so b owes a)."""

    minutes_a_to_b: int = 0
    minutes_b_to_a: int = 0
    cents_a_to_b: int = 0
    cents_b_to_a: int = 0

    def plus(self, *, lender_is_a: bool, minutes: int, cents: int) -> Totals:
        if lender_is_a:
            return Totals(
                self.minutes_a_to_b + minutes,
                self.minutes_b_to_a,
                self.cents_a_to_b + cents,
                self.cents_b_to_a,
            )
        return Totals(
            self.minutes_a_to_b,
            self.minutes_b_to_a + minutes,
            self.cents_a_to_b,
            self.cents_b_to_a + cents,
        )

    @property
    def set_off_cents(self) -> int:
        """What the two invoices cancel out (compensation)."""
        return min(self.cents_a_to_b, self.cents_b_to_a)

    @property
    def net_cents(self) -> int:
        return abs(self.cents_a_to_b - self.cents_b_to_a)

    def debtor(self, company_a: int, company_b: int) -> int | None:
        """Who pays the net amount: the company that received more than it gave."""
        if self.cents_a_to_b > self.cents_b_to_a:
            return company_b
        if self.cents_b_to_a > self.cents_a_to_b:
            return company_a
        return None


@dataclass(frozen=True, slots=True)
class Statement:
    id: int
    month: date
    company_a: int
    company_b: int
    totals: Totals
    status: StatementStatus
    debtor: int | None
    agreed_by_a: int | None
    agreed_by_b: int | None
    disputed_by: int | None
    dispute_reason: str | None
    settlement_transfer_id: str | None
    created_at: datetime

    @property
    def creditor(self) -> int | None:
        if self.debtor is None:
            return None
        return self.company_a if self.debtor == self.company_b else self.company_b


STATEMENT_LINES_MAX = 1000  # Timesheet entries listed under one statement.


@dataclass(frozen=True, slots=True)
class StatementSide:
    """A statement as one of its two companies reads it: what it gave and received, what it
    owes or is owed, whether it agreed and whether it is its turn to answer."""

    statement: Statement
    company_id: int
    counterpart_id: int
    counterpart_name: str
    minutes_given: int
    minutes_received: int
    cents_given: int  # At-cost value of the hours given: what the counterpart owes for them.
    cents_received: int
    owes: bool | None  # True: this company pays the net amount; None: nothing to pay.
    agreed: bool
    counterpart_agreed: bool
    may_answer: bool  # The actor speaks for this company and the statement awaits its answer.

    @property
    def set_off_cents(self) -> int:
        return self.statement.totals.set_off_cents

    @property
    def net_cents(self) -> int:
        return self.statement.totals.net_cents


def side_of(
    statement: Statement, company_id: int, counterpart_name: str, *, speaks_for: bool
) -> StatementSide:
    """The statement from `company_id`'s side (it must be one of the two companies)."""
    assert company_id in (statement.company_a, statement.company_b)
    is_a = company_id == statement.company_a
    totals = statement.totals
    agreed = (statement.agreed_by_a if is_a else statement.agreed_by_b) is not None
    return StatementSide(
        statement=statement,
        company_id=company_id,
        counterpart_id=statement.company_b if is_a else statement.company_a,
        counterpart_name=counterpart_name,
        minutes_given=totals.minutes_a_to_b if is_a else totals.minutes_b_to_a,
        minutes_received=totals.minutes_b_to_a if is_a else totals.minutes_a_to_b,
        cents_given=totals.cents_a_to_b if is_a else totals.cents_b_to_a,
        cents_received=totals.cents_b_to_a if is_a else totals.cents_a_to_b,
        owes=None if statement.debtor is None else statement.debtor == company_id,
        agreed=agreed,
        counterpart_agreed=(statement.agreed_by_b if is_a else statement.agreed_by_a) is not None,
        may_answer=speaks_for and not agreed and statement.status is not StatementStatus.AGREED,
    )


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One approved timesheet entry counted in a statement."""

    entry_id: int
    work_date: date
    employee_name: str
    lender_company_id: int
    host_company_id: int
    minutes: int
    cost_cents: int
    description: str


@dataclass(frozen=True, slots=True)
class StatementDetail:
    side: StatementSide
    lines: tuple[StatementLine, ...]
