"""Monthly statements between two companies."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from timebank.settlements.model import Statement as SettlementStatement
from web.schemas.common import In


class MonthIn(In):
    month: date


class SettlementOut(BaseModel):
    id: int
    month: date
    company_a: int
    company_b: int
    minutes_a_to_b: int
    minutes_b_to_a: int
    # At cost: None for the operator, who never reads salary-derived figures.
    cents_a_to_b: int | None
    cents_b_to_a: int | None
    set_off_cents: int | None
    net_cents: int | None
    debtor: int | None
    status: str
    agreed_by_a: bool
    agreed_by_b: bool
    dispute_reason: str | None
    settlement_transfer_id: str | None

    @classmethod
    def of(cls, statement: SettlementStatement, *, cents: bool = True) -> SettlementOut:
        totals = statement.totals
        return cls(
            id=statement.id,
            month=statement.month,
            company_a=statement.company_a,
            company_b=statement.company_b,
            minutes_a_to_b=totals.minutes_a_to_b,
            minutes_b_to_a=totals.minutes_b_to_a,
            cents_a_to_b=totals.cents_a_to_b if cents else None,
            cents_b_to_a=totals.cents_b_to_a if cents else None,
            set_off_cents=totals.set_off_cents if cents else None,
            net_cents=totals.net_cents if cents else None,
            debtor=statement.debtor,
            status=statement.status.value,
            agreed_by_a=statement.agreed_by_a is not None,
            agreed_by_b=statement.agreed_by_b is not None,
            dispute_reason=statement.dispute_reason,
            settlement_transfer_id=statement.settlement_transfer_id,
        )
