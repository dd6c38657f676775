"""Accounting of the time bank for one company and fiscal year: which entries its at-cost
movements make (PCG), the capitalisation of borrowed time into an asset project, and the
amortisation statement (current law, and the CNNum proposal as a plainly labelled simulation).
Pure: plain values in, entries and lines out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from contracts.fec import LABELS, AccountPlan, Entry, Line, OneAmount, Shape, ShapeLine
from timebank.errors import InvalidInput

ASSET_ACCOUNTS: Final = frozenset({"203", "205"})
YEARS_OFFERED: Final = 6  # Closed fiscal years offered on the export page (and the current).


@dataclass(frozen=True, slots=True)
class FiscalYear:
    start: date
    end: date

    @classmethod
    def ending_in(cls, year: int, *, month: int, day: int) -> FiscalYear:
        return cls(date(year - 1, month, day) + timedelta(days=1), date(year, month, day))


@dataclass(frozen=True, slots=True)
class Movement:
    """An at-cost transfer in cents between this company and another one, dated by the period
    worked (the last day of the month worked) and validated the day it was approved (or that
    date, if later)."""

    transfer_id: str
    day: date
    code: str  # exchange, cdo_allocation
    cents: int
    company_gives: bool  # This company lent the time (or provided the CDO): it bills.
    counterpart_id: int
    counterpart_siren: str
    counterpart_name: str
    asset_account: str | None  # Set when the time received went into an asset project.
    validated_on: date | None = None  # The day it was approved.


def month_end(day: date) -> date:
    """The last day of the month of `day`: the date of the entries of that month's work."""
    following = day.replace(day=28) + timedelta(days=4)
    return following - timedelta(days=following.day)


def months_of(year: FiscalYear) -> list[tuple[date, date]]:
    """The months worked that a fiscal year's entries cover, as (first day, last day) inside
    the year (a year ending mid-month has a part month at each end)."""
    months = []
    first = year.start
    while first <= year.end:
        last = min(month_end(first), year.end)
        months.append((first, last))
        first = last + timedelta(days=1)
    return months


@dataclass(frozen=True, slots=True)
class SetOff:
    day: date
    statement_id: int
    cents: int
    counterpart_id: int
    counterpart_siren: str
    counterpart_name: str


def last_closed_year(today: date, fiscal_year_end: tuple[int, int]) -> int:
    """The calendar year in which the last fiscal year closed before `today` ended."""
    month, day = fiscal_year_end
    return today.year if date(today.year, month, day) < today else today.year - 1


def years_offered(today: date, fiscal_year_end: tuple[int, int]) -> tuple[int, ...]:
    """The year in progress, then the last closed years, most recent first."""
    closed = last_closed_year(today, fiscal_year_end)
    return tuple(range(closed + 1, closed - YEARS_OFFERED, -1))


@dataclass(frozen=True, slots=True)
class AccountUse:
    """An account the FEC file uses, with its label and its totals."""

    number: str
    label: str
    debit_cents: int
    credit_cents: int


@dataclass(frozen=True, slots=True)
class FecSummary:
    """What a FEC file holds, shown before it is downloaded."""

    file_name: str
    year: FiscalYear
    entries: int
    lines: int
    debit_cents: int
    credit_cents: int
    first_day: date | None  # The period its entries cover (None: no entry).
    last_day: date | None
    accounts: tuple[AccountUse, ...]


class FecTally:
    """Counts and sums entries line by line, as `contracts.fec.write` writes them."""

    def __init__(self) -> None:
        self.entries = 0
        self.lines = 0
        self.first_day: date | None = None
        self.last_day: date | None = None
        self._labels: dict[str, str] = {}
        self._sums: dict[str, list[int]] = {}

    def _line(self, account: str, label: str, debit_cents: int, credit_cents: int) -> None:
        self.lines += 1
        self._labels.setdefault(account, label or LABELS.get(account, account))
        sums = self._sums.setdefault(account, [0, 0])
        sums[0] += debit_cents
        sums[1] += credit_cents

    def add(self, entry: Entry | OneAmount) -> None:
        self.entries += 1
        if self.first_day is None:
            self.first_day = entry.day
        self.last_day = entry.day
        if isinstance(entry, OneAmount):
            for shape_line in entry.shape.lines:
                cents = entry.cents
                self._line(
                    shape_line.account,
                    shape_line.account_label,
                    cents if shape_line.debit else 0,
                    0 if shape_line.debit else cents,
                )
        else:
            for line in entry.lines:
                self._line(line.account, line.account_label, line.debit_cents, line.credit_cents)

    def summary(self, file_name: str, year: FiscalYear) -> FecSummary:
        accounts = tuple(
            AccountUse(number, self._labels[number], sums[0], sums[1])
            for number, sums in sorted(self._sums.items())
        )
        return FecSummary(
            file_name=file_name,
            year=year,
            entries=self.entries,
            lines=self.lines,
            debit_cents=sum(a.debit_cents for a in accounts),
            credit_cents=sum(a.credit_cents for a in accounts),
            first_day=self.first_day,
            last_day=self.last_day,
            accounts=accounts,
        )


@dataclass(frozen=True, slots=True)
class AssetProject:
    """A need whose borrowed time is capitalised (232, then 203 or 205 once in service)."""

    need_id: int
    title: str
    account: str
    in_service_on: date | None


def hours_file_name(siren: str, year: int, extension: str) -> str:
    """<SIREN>-heures-<year>.csv or .xlsx."""
    return f"{siren}-heures-{year}.{extension}"


def amortisation_file_name(siren: str, year: int, extension: str) -> str:
    """<SIREN>-amortissements-<year>.pdf or .csv."""
    return f"{siren}-amortissements-{year}.{extension}"


def aux(siren: str) -> str:
    """Auxiliary account of a counterpart company: its SIREN."""
    return siren


SHAPES_MAX: Final = 10_000  # Kinds of movement × counterparts kept by MovementEntries.


def movement_shapes(movement: Movement, plan: AccountPlan) -> tuple[Shape, ...]:
    """Lent time billed at cost (411 / 7084) or borrowed time (6214 / 401); when borrowed time
    goes into an asset project, its capitalisation (232 / 721) the same day."""
    what = "CDO mutualisé" if movement.code == "cdo_allocation" else "mise à disposition"
    counterpart = aux(movement.counterpart_siren)
    if movement.company_gives:
        return (
            Shape(
                plan.journal_code,
                plan.journal_label,
                f"{what.capitalize()} facturée au coût - {movement.counterpart_name}",
                (
                    ShapeLine(
                        plan.client,
                        debit=True,
                        aux_number=counterpart,
                        aux_label=movement.counterpart_name,
                    ),
                    ShapeLine(plan.staff_lent_income, debit=False),
                ),
            ),
        )
    received = Shape(
        plan.journal_code,
        plan.journal_label,
        f"{what.capitalize()} reçue au coût - {movement.counterpart_name}",
        (
            ShapeLine(plan.staff_borrowed_expense, debit=True),
            ShapeLine(
                plan.supplier,
                debit=False,
                aux_number=counterpart,
                aux_label=movement.counterpart_name,
            ),
        ),
    )
    if movement.asset_account is None:
        return (received,)
    capitalised = Shape(
        plan.adjustments_journal_code,
        plan.adjustments_journal_label,
        "Production immobilisée : temps reçu affecté au projet",
        (
            ShapeLine(plan.asset_in_progress, debit=True),
            ShapeLine(plan.capitalised_production, debit=False),
        ),
    )
    return (received, capitalised)


class MovementEntries:
    """The entries of a company's movements, their shapes built once per kind of movement and
    counterpart (at most SHAPES_MAX kept)."""

    def __init__(self, plan: AccountPlan) -> None:
        self.plan = plan
        self._shapes: dict[tuple[str, bool, str, str, str | None], tuple[Shape, ...]] = {}

    def __call__(self, movement: Movement) -> list[OneAmount]:
        key = (
            movement.code,
            movement.company_gives,
            movement.counterpart_siren,
            movement.counterpart_name,
            movement.asset_account,
        )
        shapes = self._shapes.get(key)
        if shapes is None:
            if len(self._shapes) >= SHAPES_MAX:
                self._shapes.clear()
            shapes = self._shapes[key] = movement_shapes(movement, self.plan)
        piece = f"{movement.code}:{movement.transfer_id[:18]}"
        return [
            OneAmount(shape, movement.day, piece, movement.cents, movement.validated_on)
            for shape in shapes
        ]


def movement_entries(movement: Movement, plan: AccountPlan) -> list[OneAmount]:
    """The entries of one movement (see `movement_shapes`)."""
    return MovementEntries(plan)(movement)


def set_off_entry(set_off: SetOff, plan: AccountPlan) -> Entry:
    """Reciprocal amounts set off: the supplier debt against the client claim (401 / 411)."""
    return Entry(
        plan.journal_code,
        plan.journal_label,
        set_off.day,
        f"compensation:{set_off.statement_id}",
        f"Compensation des montants réciproques - {set_off.counterpart_name}",
        (
            Line(
                plan.supplier,
                debit_cents=set_off.cents,
                aux_number=aux(set_off.counterpart_siren),
                aux_label=set_off.counterpart_name,
            ),
            Line(
                plan.client,
                credit_cents=set_off.cents,
                aux_number=aux(set_off.counterpart_siren),
                aux_label=set_off.counterpart_name,
            ),
        ),
    )


def put_into_service_entry(
    day: date, cents: int, account: str, project: str, plan: AccountPlan
) -> Entry:
    """The finished project leaves 232 for its asset account (203 or 205)."""
    return Entry(
        plan.adjustments_journal_code,
        plan.adjustments_journal_label,
        day,
        f"mise-en-service:{project[:40]}",
        f"Mise en service : {project}",
        (
            Line(account, debit_cents=cents),
            Line(plan.asset_in_progress, credit_cents=cents),
        ),
    )


def amortisation_entry(
    day: date, cents: int, account: str, project: str, plan: AccountPlan
) -> Entry:
    """The year's amortisation charge (6811 / 280x)."""
    return Entry(
        plan.adjustments_journal_code,
        plan.adjustments_journal_label,
        day,
        f"amortissement:{project[:40]}",
        f"Dotation aux amortissements : {project}",
        (
            Line(plan.amortisation_expense, debit_cents=cents),
            Line(f"{plan.accumulated_amortisation_prefix}{account[-1]}", credit_cents=cents),
        ),
    )


def fiscal_year(value: int, *, field: str = "year") -> int:
    if isinstance(value, bool) or not 2000 <= value <= 2100:
        raise InvalidInput(
            "Exercice attendu : une année entre 2000 et 2100.",
            "Fiscal year expected: a year from 2000 to 2100.",
            field=field,
            code="invalid_year",
        )
    return value


def asset_account(value: str) -> str:
    if value not in ASSET_ACCOUNTS:
        raise InvalidInput(
            "Compte d'immobilisation attendu : 203 (frais de développement) ou 205 (logiciels).",
            "Asset account expected: 203 (development costs) or 205 (software).",
            field="account",
            code="invalid_asset_account",
        )
    return value


@dataclass(frozen=True, slots=True)
class LentTime:
    """One approved entry of time the company lent, for the CNNum simulation."""

    loan_id: int
    host_name: str
    work_date: date
    cost_cents: int  # Its at-cost value, billed to the host.
    reimbursed: bool  # In a monthly statement both companies agreed (set off or paid).


def unreimbursed_lent_time(entries: list[LentTime]) -> dict[int, tuple[int, date, str]]:
    """Per loan, the at-cost value of the lent time not reimbursed yet, the first day of that
    time and the host's name. Time already reimbursed at cost (in an agreed statement: set off
    against time received, the net paid) cost the lender nothing, so it is left out; a loan
    with nothing left has no line."""
    found: dict[int, tuple[int, date, str]] = {}
    for entry in entries:
        if entry.reimbursed or entry.cost_cents <= 0:
            continue
        before = found.get(entry.loan_id)
        if before is None:
            found[entry.loan_id] = (entry.cost_cents, entry.work_date, entry.host_name)
        else:
            found[entry.loan_id] = (
                before[0] + entry.cost_cents,
                min(before[1], entry.work_date),
                before[2],
            )
    return found
