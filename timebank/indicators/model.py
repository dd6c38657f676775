"""Indicators computed from plain rows. Pure: no database, no clock.

Euro amounts come from salaries: a figure in euros is shown only when it adds up the work of
at least `EURO_DISCLOSURE_EMPLOYEES_MIN` different employees (otherwise one person's hourly
cost could be derived from it); below that the cell reads « secret statistique », the rule the
French statistical institute applies to small cells.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from statistics import median
from typing import Final

EURO_DISCLOSURE_EMPLOYEES_MIN: Final = 3
DECLINE_REASONS_LISTED_MAX: Final = 10
REASON_LENGTH_SHOWN_MAX: Final = 120
MINUTES_PER_HOUR: Final = 60
# Net balance of a company in hours (given − received): the bands of the spread chart.
BALANCE_BANDS_HOURS: Final = ((None, -50), (-50, -10), (-10, 10), (10, 50), (50, None))


@dataclass(frozen=True, slots=True)
class WorkRow:
    """Approved hours of one employee in one month for one need between two companies, summed
    by the database: what the indicators need, never one row per entry."""

    month: date
    minutes: int
    cents: int
    employee_id: int
    lender_company_id: int
    host_company_id: int
    host_region: str
    domain_label: str


@dataclass(frozen=True, slots=True)
class Amount:
    """Minutes and euros of one cell; `cents` is None when the cell is too small to show."""

    key: str
    minutes: int
    cents: int | None
    employees: int


@dataclass(frozen=True, slots=True)
class Count:
    key: str
    value: int


@dataclass(frozen=True, slots=True)
class Indicators:
    hours_by_month: tuple[Amount, ...]
    hours_by_region: tuple[Amount, ...]
    hours_by_domain: tuple[Amount, ...]
    companies: tuple[Count, ...]  # gave only, received only, both
    needs: tuple[Count, ...]  # open, staffed
    median_days_to_active_loan: float | None
    proposals: tuple[Count, ...]  # made, accepted, declined
    decline_reasons: tuple[Count, ...]
    cdo: tuple[Count, ...]  # half-days planned, worked
    members_per_group: tuple[Count, ...]
    trainings: tuple[Count, ...]  # logged, approved, rated
    average_rating: float | None
    balance_spread: tuple[Count, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)


def amounts(rows: Iterable[WorkRow], key_of: str) -> tuple[Amount, ...]:
    """Minutes and euros per key (month, region or domain), euros hidden for small cells."""
    minutes: dict[str, int] = defaultdict(int)
    cents: dict[str, int] = defaultdict(int)
    employees: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        key = row.month.strftime("%Y-%m") if key_of == "month" else str(getattr(row, key_of))
        minutes[key] += row.minutes
        cents[key] += row.cents
        employees[key].add(row.employee_id)
    return tuple(
        Amount(
            key,
            minutes[key],
            cents[key] if len(employees[key]) >= EURO_DISCLOSURE_EMPLOYEES_MIN else None,
            len(employees[key]),
        )
        for key in sorted(minutes)
    )


def company_roles(rows: Iterable[WorkRow]) -> tuple[Count, ...]:
    gave = {row.lender_company_id for row in rows}
    received = {row.host_company_id for row in rows}
    return (
        Count("gave_only", len(gave - received)),
        Count("received_only", len(received - gave)),
        Count("both", len(gave & received)),
    )


def balance_spread(rows: Iterable[WorkRow]) -> tuple[Count, ...]:
    """How many companies fall in each band of net hours (given − received)."""
    net: dict[int, int] = defaultdict(int)
    for row in rows:
        net[row.lender_company_id] += row.minutes
        net[row.host_company_id] -= row.minutes
    counts = []
    for low, high in BALANCE_BANDS_HOURS:
        inside = sum(
            1
            for minutes in net.values()
            if (low is None or minutes >= low * MINUTES_PER_HOUR)
            and (high is None or minutes < high * MINUTES_PER_HOUR)
        )
        counts.append(Count(band_key(low, high), inside))
    return tuple(counts)


def band_key(low: int | None, high: int | None) -> str:
    if low is None:
        return f"< {high} h"
    if high is None:
        return f">= {low} h"
    return f"{low} h à {high} h"


def median_days(pairs: Iterable[tuple[date, date]]) -> float | None:
    """Median of whole days from each first date to its second; None without any pair."""
    days = [(end - start).days for start, end in pairs]
    return float(median(days)) if days else None


def top_reasons(reasons: Iterable[str]) -> tuple[Count, ...]:
    """The most given decline reasons, normalised (case and spaces), most frequent first."""
    counted = Counter(
        " ".join(reason.split()).lower()[:REASON_LENGTH_SHOWN_MAX]
        for reason in reasons
        if reason.strip()
    )
    ranked = sorted(counted.items(), key=lambda item: (-item[1], item[0]))
    return tuple(Count(reason, n) for reason, n in ranked[:DECLINE_REASONS_LISTED_MAX])


def csv_rows(indicators: Indicators) -> list[tuple[str, str, str, str]]:
    """Every figure as (indicateur, clé, valeur, unité) for the CSV download."""
    rows: list[tuple[str, str, str, str]] = []
    for section, values in (
        ("heures_par_mois", indicators.hours_by_month),
        ("heures_par_region", indicators.hours_by_region),
        ("heures_par_domaine", indicators.hours_by_domain),
    ):
        for amount in values:
            rows.append((section, amount.key, str(amount.minutes), "minutes"))
            rows.append(
                (
                    section,
                    amount.key,
                    "secret statistique" if amount.cents is None else str(amount.cents),
                    "centimes",
                )
            )
    for section, counts in (
        ("entreprises", indicators.companies),
        ("besoins", indicators.needs),
        ("propositions", indicators.proposals),
        ("motifs_de_refus", indicators.decline_reasons),
        ("cdo_demi_journees", indicators.cdo),
        ("membres_par_groupement", indicators.members_per_group),
        ("formations", indicators.trainings),
        ("repartition_des_soldes", indicators.balance_spread),
    ):
        rows.extend((section, count.key, str(count.value), "nombre") for count in counts)
    if indicators.median_days_to_active_loan is not None:
        rows.append(
            (
                "delai_median_publication_mise_a_disposition",
                "",
                f"{indicators.median_days_to_active_loan:g}",
                "jours",
            )
        )
    if indicators.average_rating is not None:
        rows.append(("note_moyenne_formations", "", f"{indicators.average_rating:.2f}", "sur 5"))
    return rows


@dataclass(frozen=True, slots=True)
class SummaryFigures:
    """The public summary's raw figures, aggregated by the database."""

    minutes: int
    companies: int
    needs_staffed: int
    cdo_half_days_planned: int
    trainings_rated: int
    rating_sum: int
