"""Indicators from plain rows: sums, the small-cell secret, companies' roles, spread, medians."""

from __future__ import annotations

from datetime import date

from timebank.indicators.model import (
    Count,
    WorkRow,
    amounts,
    balance_spread,
    company_roles,
    median_days,
    top_reasons,
)


def row(month: int, minutes: int, cents: int, employee: int, lender: int, host: int) -> WorkRow:
    return WorkRow(
        month=date(2026, month, 1),
        minutes=minutes,
        cents=cents,
        employee_id=employee,
        lender_company_id=lender,
        host_company_id=host,
        host_region="Bretagne" if host < 10 else "Normandie",
        domain_label="Web",
    )


ROWS = [
    row(10, 60, 4000, 1, 1, 2),
    row(10, 90, 6000, 2, 1, 2),
    row(10, 30, 2000, 3, 3, 2),
    row(11, 120, 9000, 1, 1, 12),
]


def test_hours_add_up_per_month_and_euros_hide_cells_under_three_employees() -> None:
    by_month = amounts(ROWS, "month")
    assert [(a.key, a.minutes, a.cents, a.employees) for a in by_month] == [
        ("2026-10", 180, 12000, 3),
        ("2026-11", 120, None, 1),  # One employee: the hourly cost would show.
    ]
    by_region = amounts(ROWS, "host_region")
    assert [(a.key, a.minutes) for a in by_region] == [("Bretagne", 180), ("Normandie", 120)]


def test_companies_that_gave_received_or_both() -> None:
    both = [*ROWS, row(11, 15, 1000, 9, 2, 1)]
    assert company_roles(both) == (
        Count("gave_only", 1),  # 3
        Count("received_only", 1),  # 12
        Count("both", 2),  # 1 and 2
    )


def test_balance_spread_counts_each_company_once_in_its_band() -> None:
    heavy = [row(10, 60 * 60, 0, 1, 1, 2), row(10, 20 * 60, 0, 2, 3, 2)]
    spread = {c.key: c.value for c in balance_spread(heavy)}
    # 1 gave 60 h, 3 gave 20 h, 2 received 80 h.
    assert spread == {
        "< -50 h": 1,
        "-50 h à -10 h": 0,
        "-10 h à 10 h": 0,
        "10 h à 50 h": 1,
        ">= 50 h": 1,
    }
    assert sum(spread.values()) == 3


def test_median_days_and_reasons() -> None:
    pairs = [(date(2026, 1, 1), date(2026, 1, 11)), (date(2026, 1, 1), date(2026, 1, 4)),
             (date(2026, 2, 1), date(2026, 2, 2))]  # fmt: skip
    assert median_days(pairs) == 3.0
    assert median_days([]) is None
    reasons = top_reasons(["Pas  disponible", "pas disponible", "Trop loin", " "])
    assert reasons == (Count("pas disponible", 2), Count("trop loin", 1))
