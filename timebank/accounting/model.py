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
from timebank.accounting import refusals
from timebank.vat.model import VatExigibility

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


def first_of_month(day: date) -> date:
    return date(day.year, day.month, 1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


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


WHAT_MOVES: Final = {
    "exchange": "mise à disposition",
    "cdo_allocation": "CDO mutualisé",
    "expense": "frais refacturés",
}


def movement_shapes(movement: Movement, plan: AccountPlan) -> tuple[Shape, ...]:
    """Work lent at cost whose invoice is still to come: the lender's receivable to invoice
    (4181 / 7084), the host's debt not yet invoiced (6214 / 4081), each excluding VAT (the
    month's invoice works the VAT out once, on its total); when borrowed time goes into an asset
    project, its capitalisation (232 / 721) the same day. An expense re-billed at cost follows
    the time it was spent for (same accounts)."""
    what = WHAT_MOVES.get(movement.code, movement.code)
    if movement.company_gives:
        return (
            Shape(
                plan.journal_code,
                plan.journal_label,
                f"{what.capitalize()} au coût, à facturer - {movement.counterpart_name}",
                (
                    ShapeLine(plan.client_to_invoice, debit=True),
                    ShapeLine(plan.staff_lent_income, debit=False),
                ),
            ),
        )
    received = Shape(
        plan.journal_code,
        plan.journal_label,
        f"{what.capitalize()} reçus au coût, facture à recevoir - {movement.counterpart_name}"
        if movement.code == "expense"
        else f"{what.capitalize()} reçue au coût, facture à recevoir - {movement.counterpart_name}",
        (
            ShapeLine(plan.staff_borrowed_expense, debit=True),
            ShapeLine(plan.supplier_not_invoiced, debit=False),
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


@dataclass(frozen=True, slots=True)
class ApprovedExpense:
    """An expense the lender's admin approved, as the books of one of the two companies see it."""

    expense_id: int
    spent_on: date
    base_cents: int  # What is billed: the amount paid less the VAT the lender recovers.
    company_gives: bool  # This company is the lender: it re-bills the expense.
    counterpart_id: int
    counterpart_siren: str
    counterpart_name: str
    approved_on: date | None


def expense_movement(expense: ApprovedExpense, day: date) -> Movement:
    """An expense as a movement dated `day` (the last day of its month, or the year's end):
    re-billed at cost with the time it served (CGI art. 267, I, 2°: the incidental costs of a
    supply are part of its taxable amount, so they follow the supply's accounts and VAT)."""
    return Movement(
        transfer_id=str(expense.expense_id),
        day=day,
        code="expense",
        cents=expense.base_cents,
        company_gives=expense.company_gives,
        counterpart_id=expense.counterpart_id,
        counterpart_siren=expense.counterpart_siren,
        counterpart_name=expense.counterpart_name,
        asset_account=None,
        validated_on=None if expense.approved_on is None else max(day, expense.approved_on),
    )


@dataclass(frozen=True, slots=True)
class BilledInvoice:
    """An issued invoice or credit note as the books of one of its two companies see it.
    Amounts are the invoice's: negative on a credit note."""

    number: str
    credit_note: bool
    corrects_number: str | None
    issued_on: date
    company_issues: bool  # This company issued it (else: it received it).
    counterpart_siren: str
    counterpart_name: str
    excl_vat_cents: int
    vat_cents: int
    total_cents: int
    exigibility: VatExigibility
    recovers_vat: bool  # Receiving company liable to VAT (réel): it deducts the VAT it pays.
    validated_on: date | None = None


def _signed(account: str, cents: int, *, debit: bool, aux: tuple[str, str] = ("", "")) -> Line:
    """A line of `cents` on the debit side (or credit), or on the other side if negative."""
    if (cents >= 0) == debit:
        return Line(account, debit_cents=abs(cents), aux_number=aux[0], aux_label=aux[1])
    return Line(account, credit_cents=abs(cents), aux_number=aux[0], aux_label=aux[1])


def invoice_entry(invoice: BilledInvoice, plan: AccountPlan) -> Entry | None:
    """The entry of an issued invoice, on its day, its number as the piece. The issuer: the
    customer owes the total (411) for work already in 4181, and the VAT is collected (44571) if
    it opted for debits, else awaits payment (44574). The customer: the debt not yet invoiced
    (4081) becomes the supplier's (401), the VAT deductible (44566) on debits, else awaiting
    payment (44564); a customer not liable to VAT bears it as a cost (6214). A credit note
    reverses every side. None for an invoice of nothing."""
    party = (aux(invoice.counterpart_siren), invoice.counterpart_name)
    vat = invoice.vat_cents
    lines: list[Line]
    if invoice.company_issues:
        vat_account = (
            plan.vat_collected
            if invoice.exigibility is VatExigibility.ON_DEBITS
            else plan.vat_collected_pending
        )
        lines = [
            _signed(plan.client, invoice.total_cents, debit=True, aux=party),
            _signed(plan.client_to_invoice, invoice.excl_vat_cents, debit=False),
            _signed(vat_account, vat, debit=False),
        ]
    else:
        if not invoice.recovers_vat:
            vat_account = plan.staff_borrowed_expense  # VAT it cannot deduct: a cost.
        elif invoice.exigibility is VatExigibility.ON_DEBITS:
            vat_account = plan.vat_deductible
        else:
            vat_account = plan.vat_deductible_pending
        lines = [
            _signed(plan.supplier_not_invoiced, invoice.excl_vat_cents, debit=True),
            _signed(vat_account, vat, debit=True),
            _signed(plan.supplier, invoice.total_cents, debit=False, aux=party),
        ]
    kept = tuple(line for line in lines if line.debit_cents or line.credit_cents)
    if not kept:
        return None
    if invoice.credit_note:
        what = f"Avoir {invoice.number}"
        if invoice.corrects_number:
            what += f" (annule {invoice.corrects_number})"
    else:
        what = f"Facture {invoice.number}"
    side = "client" if invoice.company_issues else "fournisseur"
    return Entry(
        plan.journal_code,
        plan.journal_label,
        invoice.issued_on,
        invoice.number,
        f"{what} - {side} {invoice.counterpart_name}",
        kept,
        invoice.validated_on,
    )


def vat_share(vat_cents: int, total_cents: int, settled_cents: int) -> int:
    """The VAT a partial payment of an invoice pays: VAT × settled / total, rounded to the
    nearest cent, half a cent away from zero; the whole VAT when the whole total is settled."""
    assert total_cents != 0
    assert 0 <= abs(settled_cents) <= abs(total_cents)
    numerator = abs(vat_cents) * abs(settled_cents)
    rounded = (2 * numerator + abs(total_cents)) // (2 * abs(total_cents))
    return rounded if vat_cents >= 0 else -rounded


@dataclass(frozen=True, slots=True)
class SetOff:
    """Two invoices between the same two companies settled against each other on the same day,
    seen from one of them: what it was owed (its own invoice) against what it owed (the
    other's), for `cents` including VAT."""

    day: date
    pieces: str  # Both invoices' numbers: "BT-000012 / BT-000034".
    cents: int
    counterpart_siren: str
    counterpart_name: str
    collected_vat_cents: int = 0  # Its own invoice's VAT now due (invoice taxed on payment).
    deductible_vat_cents: int = 0  # The other's invoice's VAT now deductible (on payment).


def set_off_of(
    day: date,
    own: BilledInvoice,
    own_settled_cents: int,
    other: BilledInvoice,
    other_settled_cents: int,
) -> SetOff:
    """The set-off of this company's invoice `own` against the counterpart's `other`: the
    amount settled, and the share of each VAT awaiting payment that the set-off pays (a
    set-off is a payment, CGI art. 269, 2, c), pro rata of the amount settled."""
    assert own.company_issues
    assert not other.company_issues
    assert own_settled_cents == other_settled_cents, "a set-off settles the same amount twice"
    collected = (
        vat_share(own.vat_cents, own.total_cents, own_settled_cents)
        if own.exigibility is VatExigibility.ON_PAYMENT
        else 0
    )
    deductible = (
        vat_share(other.vat_cents, other.total_cents, other_settled_cents)
        if other.exigibility is VatExigibility.ON_PAYMENT and other.recovers_vat
        else 0
    )
    return SetOff(
        day=day,
        pieces=f"{own.number} / {other.number}",
        cents=own_settled_cents,
        counterpart_siren=own.counterpart_siren,
        counterpart_name=own.counterpart_name,
        collected_vat_cents=collected,
        deductible_vat_cents=deductible,
    )


def set_off_entry(set_off: SetOff, plan: AccountPlan) -> Entry:
    """Reciprocal invoices set off: the supplier debt against the client claim (401 / 411,
    including VAT), and the VAT the set-off pays moved out of waiting: collected 44574 → 44571,
    deductible 44564 → 44566."""
    counterpart = (aux(set_off.counterpart_siren), set_off.counterpart_name)
    lines = [
        _signed(plan.supplier, set_off.cents, debit=True, aux=counterpart),
        _signed(plan.client, set_off.cents, debit=False, aux=counterpart),
        _signed(plan.vat_collected_pending, set_off.collected_vat_cents, debit=True),
        _signed(plan.vat_collected, set_off.collected_vat_cents, debit=False),
        _signed(plan.vat_deductible, set_off.deductible_vat_cents, debit=True),
        _signed(plan.vat_deductible_pending, set_off.deductible_vat_cents, debit=False),
    ]
    return Entry(
        plan.journal_code,
        plan.journal_label,
        set_off.day,
        set_off.pieces,
        f"Compensation des factures {set_off.pieces} - {set_off.counterpart_name}",
        tuple(line for line in lines if line.debit_cents or line.credit_cents),
        set_off.day,
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
        raise refusals.INVALID_YEAR.error(field=field)
    return value


def asset_account(value: str) -> str:
    if value not in ASSET_ACCOUNTS:
        raise refusals.INVALID_ASSET_ACCOUNT.error()
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
