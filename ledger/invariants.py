"""Invariants of a ledger, shared by the code (assertions), `ledger verify` and the tests.

Each check returns a list of problems in words; an empty list means the invariant holds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ledger.model import Account, Unit


def conservation_problems(accounts: Iterable[Account]) -> list[str]:
    """Every unit sums to zero: total debits equal total credits, pending and posted."""
    totals: dict[Unit, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for account in accounts:
        total = totals[account.unit]
        total[0] += account.debits_pending
        total[1] += account.credits_pending
        total[2] += account.debits_posted
        total[3] += account.credits_posted
    problems = []
    for unit, (debits_pending, credits_pending, debits_posted, credits_posted) in totals.items():
        if debits_posted != credits_posted:
            problems.append(
                f"{unit.value}: posted debits {debits_posted} != credits {credits_posted}"
            )
        if debits_pending != credits_pending:
            problems.append(
                f"{unit.value}: pending debits {debits_pending} != credits {credits_pending}"
            )
    return problems


def limit_problems(accounts: Iterable[Account]) -> list[str]:
    """No account outside its limits, no negative counter."""
    problems = []
    for account in accounts:
        counters = (
            account.debits_pending,
            account.debits_posted,
            account.credits_pending,
            account.credits_posted,
        )
        if min(counters) < 0:
            problems.append(f"account {account.id}: negative counter {counters}")
        if not account.within_limits():
            problems.append(
                f"account {account.id}: available {account.available} / projected "
                f"{account.projected} outside [{account.balance_min}, {account.balance_max}]"
            )
    return problems
