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
