"""Entries in the layout of the Fichier des écritures comptables (LPF A47 A-1), written as a
stream: the 18 columns in order with their header line, TAB-separated, dates AAAAMMJJ, amounts
with a decimal comma and no thousands separator, every entry balanced, entries numbered in
date order. An import file for the company's accountant, in FEC layout.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Final, TextIO

COLUMNS: Final = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
SEPARATOR: Final = "\t"
TEXT_LENGTH_MAX: Final = 200
TEXT_CACHE_SIZE: Final = 4096
LINES_PER_WRITE: Final = 1000  # Lines joined into one write: fewer calls, bounded memory.


@dataclass(frozen=True, slots=True)
class AccountPlan:
    """Account numbers and journal codes (settings, with the PCG defaults)."""

    client: str = "411"
    client_to_invoice: str = "4181"  # Work done, its invoice not issued yet (lender).
    staff_lent_income: str = "7084"
    staff_borrowed_expense: str = "6214"
    supplier: str = "401"
    supplier_not_invoiced: str = "4081"  # Work received, its invoice not received yet (host).
    vat_collected: str = "44571"
    vat_collected_pending: str = "44574"  # Invoiced, due once paid (services, no debits option).
    vat_deductible: str = "44566"
    vat_deductible_pending: str = "44564"  # Invoiced, deductible once paid (supplier on payment).
    capitalised_production: str = "721"
    asset_in_progress: str = "232"
    amortisation_expense: str = "6811"
    accumulated_amortisation_prefix: str = "280"
    journal_code: str = "BT"
    journal_label: str = "Bourse de temps"
    adjustments_journal_code: str = "OD"
    adjustments_journal_label: str = "Opérations diverses"


LABELS: Final[dict[str, str]] = {
    "411": "Clients",
    "4181": "Clients - Factures à établir",
    "401": "Fournisseurs",
    "4081": "Fournisseurs - Factures non parvenues",
    "44571": "TVA collectée",
    "44574": "TVA collectée en attente d'encaissement",
    "44566": "TVA déductible sur autres biens et services",
    "44564": "TVA déductible en attente de paiement",
    "7084": "Mise à disposition de personnel facturée",
    "6214": "Personnel détaché ou prêté à l'entreprise",
    "721": "Production immobilisée - immobilisations incorporelles",
    "232": "Immobilisations incorporelles en cours",
    "203": "Frais de développement",
    "205": "Concessions, brevets, logiciels et droits similaires",
    "6811": "Dotations aux amortissements sur immobilisations incorporelles et corporelles",
    "2803": "Amortissements des frais de développement",
    "2805": "Amortissements des concessions, brevets, logiciels",
}


@dataclass(frozen=True, slots=True)
class Line:
    account: str
    debit_cents: int = 0
    credit_cents: int = 0
    aux_number: str = ""
    aux_label: str = ""
    account_label: str = ""


@dataclass(frozen=True, slots=True)
class ShapeLine:
    """A line of a `Shape`: it takes the entry's amount on its debit or its credit side."""

    account: str
    debit: bool
    aux_number: str = ""
    aux_label: str = ""
    account_label: str = ""


@dataclass(frozen=True, slots=True)
class Shape:
    """What the entries of one kind share (journal, label, accounts, counterpart), each line
    taking the entry's single amount: as many debit lines as credit lines, so balanced by
    construction. Its text is built once: a year's file repeats a few hundred shapes a million
    times."""

    journal_code: str
    journal_label: str
    label: str
    lines: tuple[ShapeLine, ...]
    text: tuple[str, str, tuple[tuple[str, bool], ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        debits = sum(1 for line in self.lines if line.debit)
        if not self.lines or 2 * debits != len(self.lines):
            raise UnbalancedEntry(f"{self.label}: as many debit lines as credit lines expected")
        journal = f"{_text(self.journal_code)}\t{_text(self.journal_label)}\t"
        lines = tuple(
            (
                f"{line.account}\t"
                f"{_text(line.account_label or LABELS.get(line.account, line.account))}\t"
                f"{_text(line.aux_number)}\t{_text(line.aux_label)}\t",
                line.debit,
            )
            for line in self.lines
        )
        object.__setattr__(self, "text", (journal, _text(self.label), lines))


@dataclass(frozen=True, slots=True)
class OneAmount:
    """An entry of a `Shape` for one amount (an at-cost movement, say)."""

    shape: Shape
    day: date
    piece_ref: str
    cents: int
    validated_on: date | None = None  # When the movement was approved (ValidDate).


@dataclass(frozen=True, slots=True)
class Entry:
    """One balanced entry (écriture): its lines share a number, a date and a piece."""

    journal_code: str
    journal_label: str
    day: date
    piece_ref: str
    label: str
    lines: tuple[Line, ...] = field(default_factory=tuple)
    validated_on: date | None = None  # None: validated when the file is written.


def amount(cents: int) -> str:
    """1234,56 — decimal comma, no thousands separator."""
    if cents == 0:
        return ZERO  # Every line has one side at zero.
    assert cents > 0
    whole, rest = divmod(cents, 100)
    return f"{whole},{rest:02d}"


ZERO: Final = "0,00"


def filename(siren: str, year_end: date) -> str:
    """The legal name: <SIREN>FEC<AAAAMMJJ of the fiscal year's end>.txt."""
    return f"{siren}FEC{year_end:%Y%m%d}.txt"


def _text(value: str) -> str:
    """No separator, line break or repeated space inside a field; at most TEXT_LENGTH_MAX
    characters. Plain text (the common case) comes back as it is."""
    if (
        len(value) <= TEXT_LENGTH_MAX
        and value.isprintable()  # No tab, line break or other control character.
        and "  " not in value
        and value[:1] != " "
        and value[-1:] != " "
    ):
        return value
    return _cleaned(value)


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def _cleaned(value: str) -> str:
    """Cached: labels and names repeat on almost every line of a long file."""
    return " ".join(value.replace(SEPARATOR, " ").split())[:TEXT_LENGTH_MAX]


class UnbalancedEntry(ValueError):
    """An entry whose debits and credits differ (a bug in the entry builder)."""


class EntriesOutOfOrder(ValueError):
    """Entries must come in date order, so that numbers follow dates."""


def write(
    entries: Iterable[Entry | OneAmount],
    out: TextIO,
    *,
    validated_on: date,
    header: bool = True,
    first_number: int = 1,
    not_before: date | None = None,
) -> int:
    """Write the header and every entry, numbered from `first_number` in date order; returns
    the number of entries. Streams: at most LINES_PER_WRITE lines in memory (a long file may be
    written in parts: `header=False`, the next number and the last date written).

    ValidDate is the day the entry was validated (its own `validated_on`, else `validated_on`
    here), never before its EcritureDate: an entry cannot be validated before the day it is
    dated, so a later EcritureDate is its ValidDate too."""
    if header:
        out.write(SEPARATOR.join(COLUMNS) + "\n")
    number = first_number - 1
    previous: date | None = not_before
    # Columns 14–18 of every line: EcritureLet and DateLet empty, ValidDate, no currency.
    tails: dict[date, str] = {}
    days: dict[date, str] = {}
    buffer: list[str] = []
    for entry in entries:
        if previous is not None and entry.day < previous:
            raise EntriesOutOfOrder(f"{entry.piece_ref} dated {entry.day} after {previous}")
        previous = entry.day
        day = days.get(entry.day)
        if day is None:
            day = days[entry.day] = f"{entry.day:%Y%m%d}"
        number += 1
        valid = max(entry.day, entry.validated_on or validated_on)
        tail = tails.get(valid)
        if tail is None:
            tail = tails[valid] = f"\t\t\t{valid:%Y%m%d}\t\t\n"
        if isinstance(entry, OneAmount):
            if entry.cents <= 0:
                raise UnbalancedEntry(f"{entry.piece_ref}: an amount above zero expected")
            journal, label, lines = entry.shape.text
            head = f"{journal}{number:08d}\t{day}\t"
            piece = f"{_text(entry.piece_ref)}\t{day}\t{label}\t"
            money = amount(entry.cents)
            debit, credit = f"{money}\t{ZERO}{tail}", f"{ZERO}\t{money}{tail}"
            for text, is_debit in lines:
                buffer.append(f"{head}{text}{piece}{debit if is_debit else credit}")
        else:
            buffer.extend(_lines(entry, number, day, tail))
        if len(buffer) >= LINES_PER_WRITE:
            out.write("".join(buffer))
            buffer.clear()
    out.write("".join(buffer))
    return number - first_number + 1


def _lines(entry: Entry, number: int, day: str, tail: str) -> list[str]:
    """The lines of an entry of any shape, once checked balanced."""
    debit = sum(line.debit_cents for line in entry.lines)
    if debit != sum(line.credit_cents for line in entry.lines) or debit <= 0:
        raise UnbalancedEntry(f"{entry.piece_ref}: debits and credits differ")
    head = f"{_text(entry.journal_code)}\t{_text(entry.journal_label)}\t{number:08d}\t{day}\t"
    piece = f"{_text(entry.piece_ref)}\t{day}\t{_text(entry.label)}\t"
    return [
        f"{head}{line.account}\t"
        f"{_text(line.account_label or LABELS.get(line.account, line.account))}\t"
        f"{_text(line.aux_number)}\t{_text(line.aux_label)}\t{piece}"
        f"{amount(line.debit_cents)}\t{amount(line.credit_cents)}{tail}"
        for line in entry.lines
    ]
