"""What accountants (and the company's admins) export for a company and a fiscal year: the
entries in FEC layout, the hours exchanged, and the amortisation statement. Access: the
company's admins and the accountants it granted; nobody else (not even the operator: the
entries value staff time, which is personal data).
"""

from __future__ import annotations

import csv
import functools
import io
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final, TextIO

from contracts import fec
from contracts.amortisation import DayCount, ScheduleLine, schedule
from contracts.fec import AccountPlan, Entry, OneAmount
from contracts.render import in_pdf_process
from contracts.statements import StatementLine, amortisation_markdown, amortisation_pdf
from timebank.accounting import refusals
from timebank.accounting.model import (
    ApprovedExpense,
    AssetProject,
    BilledInvoice,
    FecSummary,
    FecTally,
    FiscalYear,
    LentTime,
    Movement,
    MovementEntries,
    SetOff,
    amortisation_entry,
    amortisation_file_name,
    asset_account,
    expense_movement,
    fiscal_year,
    hours_file_name,
    invoice_entry,
    last_closed_year,
    months_of,
    put_into_service_entry,
    set_off_entry,
    set_off_of,
    unreimbursed_lent_time,
    years_offered,
)
from timebank.companies.model import Company
from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.formatting import PARIS, decimal, french_day
from timebank.invoicing.model import InvoiceKind, expense_base_cents
from timebank.people.model import Actor, Role, require_acting_for, require_company_role
from timebank.trainings.model import Training
from timebank.vat.model import VatExigibility, VatRegime

HISTORY_START: Final = date(2000, 1, 1)
NEEDS_OFFERED_MAX: Final = 200  # Needs offered in the asset-project form, newest first.
CSV_SEPARATOR: Final = ";"  # What a French Excel expects, with the byte order mark below.
CSV_BOM: Final = "\ufeff"


@dataclass(frozen=True, slots=True)
class AccountingSettings:
    fiscal_year_end: tuple[int, int] = (12, 31)
    life_years: int = 3
    day_count: DayCount = DayCount.THIRTY_360
    suramortissement_basis_points: int = 0
    plan: AccountPlan = field(default_factory=AccountPlan)


def accounting_settings() -> AccountingSettings:
    """The accounting settings of this process (TIMEBANK_FISCAL_YEAR_END and the others)."""
    from dataclasses import replace

    from timebank.config import get_settings

    settings = get_settings()
    return AccountingSettings(
        fiscal_year_end=settings.fiscal_year_end,
        life_years=settings.amortisation_years,
        day_count=DayCount(settings.amortisation_day_count),
        suramortissement_basis_points=settings.suramortissement_basis_points,
        plan=replace(AccountPlan(), **dict(settings.fec_accounts)),
    )


async def _company(uow: UnitOfWork, actor: Actor, siren_or_id: int | str) -> Company:
    async with uow(write=False) as repos:
        company = (
            await repos.companies.get_by_siren(siren_or_id)
            if isinstance(siren_or_id, str)
            else await repos.companies.get(siren_or_id)
        )
    if company is None:
        raise refusals.COMPANY_NOT_FOUND.error(id=siren_or_id)
    require_company_role(actor, company.id, Role.COMPANY_ADMIN, Role.ACCOUNTANT)
    if actor.is_operator and not actor.has_role(company.id, Role.COMPANY_ADMIN, Role.ACCOUNTANT):
        raise refusals.COMPANY_NOT_FOUND.error(id=siren_or_id)  # The operator sees no salary.
    return company


def fiscal_year_of(year: int, settings: AccountingSettings) -> FiscalYear:
    """The fiscal year closing in `year` (refused outside 2000–2100, field `year`)."""
    month, day = settings.fiscal_year_end
    return FiscalYear.ending_in(fiscal_year(year), month=month, day=day)


def accountant_actor(company_id: int, full_name: str) -> Actor:
    """The service acting as the company's accountant (the scheduler, the server's shell)."""
    return Actor(
        user_id=0,
        email="service@localhost",
        full_name=full_name,
        memberships=frozenset({(company_id, Role.ACCOUNTANT)}),
    )


async def _asset_projects(
    repos: Repositories, company_id: int
) -> tuple[dict[int, dict[str, Any]], dict[int, int]]:
    """The company's asset projects by need, and the need of each timesheet entry on them."""
    projects = await repos.accounting.asset_projects(company_id)
    need_of = await repos.accounting.timesheets_of_needs([p["need"] for p in projects])
    return {p["need"]: p for p in projects}, need_of


# -- FEC ---------------------------------------------------------------------------------------


def _page_movements(
    page: list[Sequence[Any]],
    company: Company,
    day: date,
    project_of_need: dict[int, dict[str, Any]],
    need_of: dict[int, int],
) -> list[Movement]:
    """A page of the company's at-cost transfers of a month worked, each dated by the last day
    of the month worked (or the year's end, if earlier), whenever it was approved, and
    validated the day it was approved."""
    movements = []
    for (
        transfer_id,
        _sequence,
        code,
        cents,
        approved_on,
        ref,
        debit_company,
        credit_company,
        debit_siren,
        debit_name,
        credit_siren,
        credit_name,
    ) in page:
        gives = credit_company == company.id
        asset = None
        if not gives and ref and ref.startswith("timesheet:"):
            need = need_of.get(int(ref.split(":", 1)[1]))
            if need is not None:
                asset = project_of_need[need]["account"]
        movements.append(
            Movement(
                transfer_id=transfer_id,
                day=day,
                code=code,
                cents=int(cents),
                company_gives=gives,
                counterpart_id=debit_company if gives else credit_company,
                counterpart_siren=debit_siren if gives else credit_siren,
                counterpart_name=debit_name if gives else credit_name,
                asset_account=asset,
                validated_on=max(day, approved_on),
            )
        )
    return movements


def _paris_day(moment: datetime | None) -> date | None:
    return None if moment is None else french_day(moment)


def _billed(
    row: dict[str, Any],
    company_id: int,
    names: dict[int, tuple[str, str]],
    regimes: dict[int, str],
    numbers: dict[int, str],
) -> BilledInvoice:
    issues = row["issuer"] == company_id
    siren, name = names[row["customer"] if issues else row["issuer"]]
    issued_on: date = row["issued_on"]
    created_on = _paris_day(row["created_at"])
    return BilledInvoice(
        number=str(row["number"]),
        credit_note=row["kind"] == InvoiceKind.CREDIT_NOTE.value,
        corrects_number=numbers.get(row["corrects"]) if row["corrects"] else None,
        issued_on=issued_on,
        company_issues=issues,
        counterpart_siren=siren,
        counterpart_name=name,
        excl_vat_cents=int(row["total_excl_vat_cents"]),
        vat_cents=int(row["vat_cents"]),
        total_cents=int(row["total_cents"]),
        exigibility=VatExigibility(row["vat_exigibility"]),
        recovers_vat=regimes[row["customer"]] == VatRegime.REEL.value,
        validated_on=None if created_on is None else max(issued_on, created_on),
    )


def _set_offs(
    rows: list[dict[str, Any]], billed: dict[int, BilledInvoice], company_id: int
) -> list[SetOff]:
    """The set-offs among these invoices: each pairs the company's own invoice with the one
    its counterpart issued it for the same statement, both settled the same day."""
    pairs: dict[tuple[int, date], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        assert row["statement"] is not None, "a set-off pairs the invoices of one statement"
        pairs[(int(row["statement"]), row["set_off_on"])].append(row)
    found = []
    for (_, day), pair in sorted(pairs.items(), key=lambda item: (item[0][1], item[0][0])):
        own = [row for row in pair if row["issuer"] == company_id]
        other = [row for row in pair if row["customer"] == company_id]
        assert len(own) == len(other) == 1, "a set-off settles one invoice on each side"
        found.append(
            set_off_of(
                day,
                billed[own[0]["id"]],
                int(own[0]["set_off_cents"]),
                billed[other[0]["id"]],
                int(other[0]["set_off_cents"]),
            )
        )
    return found


def _expense_base(row: dict[str, Any], regimes: dict[int, str]) -> int:
    """What an approved expense is billed: its invoice's line, or, not billed yet, what its
    invoice will charge (the amount paid less the VAT a liable lender recovers on its kind)."""
    if row["billed_cents"] is not None:
        return int(row["billed_cents"])
    return expense_base_cents(
        int(row["amount_cents"]),
        int(row["vat_cents"]),
        lender_liable=regimes[row["lender"]] == VatRegime.REEL.value,
        kind=str(row["kind"]),
    )


async def _month_billing(
    repos: Repositories, company: Company, first: date, last: date, plan: AccountPlan
) -> tuple[list[Entry], list[ApprovedExpense]]:
    """The invoices issued and the set-offs made from `first` to `last` (entries on their own
    day), and the approved expenses spent in those days (their entries are dated `last`)."""
    issued = await repos.accounting.invoices_issued(company.id, first, last)
    settled = await repos.accounting.invoices_set_off(company.id, first, last)
    expenses = await repos.accounting.approved_expenses(company.id, first, last)
    if not (issued or settled or expenses):
        return [], []
    ids = sorted(
        {r["issuer"] for r in issued + settled}
        | {r["customer"] for r in issued + settled}
        | {r["lender"] for r in expenses}
        | {r["host"] for r in expenses}
    )
    names = await repos.accounting.companies(ids)
    regimes = await repos.accounting.vat_regimes(ids)
    numbers = await repos.accounting.invoice_numbers(
        sorted({int(r["corrects"]) for r in issued if r["corrects"]})
    )
    billed = {r["id"]: _billed(r, company.id, names, regimes, numbers) for r in issued + settled}
    dated: list[Entry] = [
        entry
        for entry in (invoice_entry(billed[r["id"]], plan) for r in issued)
        if entry is not None
    ]
    dated += [set_off_entry(s, plan) for s in _set_offs(settled, billed, company.id)]
    approved = []
    for row in expenses:
        gives = row["lender"] == company.id
        other = row["host"] if gives else row["lender"]
        base = _expense_base(row, regimes)
        if base <= 0:
            continue
        approved.append(
            ApprovedExpense(
                expense_id=int(row["id"]),
                spent_on=row["spent_on"],
                base_cents=int(base),
                company_gives=gives,
                counterpart_id=other,
                counterpart_siren=names[other][0],
                counterpart_name=names[other][1],
                approved_on=_paris_day(row["reviewed_at"]),
            )
        )
    return sorted(dated, key=lambda e: e.day), approved


async def _year_end_entries(
    uow: UnitOfWork, company: Company, year: FiscalYear, settings: AccountingSettings
) -> list[Entry]:
    """The asset projects' entries of the year: put into service, amortisation."""
    plan = settings.plan
    entries = []
    for line in await amortisation_lines(uow, company, year, settings, law_only=True):
        if line.put_into_service_cents:
            entries.append(
                put_into_service_entry(
                    line.in_service_on, line.put_into_service_cents, line.account, line.label, plan
                )
            )
        if line.year.charge_cents:
            entries.append(
                amortisation_entry(year.end, line.year.charge_cents, line.account, line.label, plan)
            )
    return sorted(entries, key=lambda e: e.day)


async def _entries(
    uow: UnitOfWork, company: Company, year: FiscalYear, settings: AccountingSettings
) -> AsyncIterator[Sequence[Entry | OneAmount]]:
    """Every entry of the year in date order, a page at a time, month by month: the month's
    invoices, set-offs and asset-project entries on their own days, then (on its last day) the
    month's work in ledger order and its expenses, still to invoice."""
    others = await _year_end_entries(uow, company, year, settings)
    entries_of = MovementEntries(settings.plan)
    index = 0
    async with uow(write=False) as repos:
        project_of_need, need_of = await _asset_projects(repos, company.id)
        for first, last in months_of(year):
            # Read before the movements' pages: on PostgreSQL the next page is read meanwhile.
            dated, expenses = await _month_billing(repos, company, first, last, settings.plan)
            while index < len(others) and others[index].day <= last:
                dated.append(others[index])
                index += 1
            dated.sort(key=lambda e: e.day)
            yield [entry for entry in dated if entry.day < last]
            async for page in repos.accounting.movements(company.id, first, last, PARIS):
                yield [
                    entry
                    for movement in _page_movements(page, company, last, project_of_need, need_of)
                    for entry in entries_of(movement)
                ]
            part: list[Entry | OneAmount] = [
                entry
                for expense in expenses
                for entry in entries_of(expense_movement(expense, last))
            ]
            yield part + [entry for entry in dated if entry.day == last]
    yield others[index:]


async def _write(
    entries: AsyncIterator[Sequence[Entry | OneAmount]], out: TextIO, *, validated_on: date
) -> int:
    """Write the entries part by part: memory stays constant."""
    count, last, header = 0, None, True
    async for part in entries:
        if not part and not header:
            continue
        count += fec.write(
            part,
            out,
            validated_on=validated_on,
            header=header,
            first_number=count + 1,
            not_before=last,
        )
        header = False
        if part:
            last = part[-1].day
    return count


async def export_fec(
    uow: UnitOfWork,
    actor: Actor,
    company_ref: int | str,
    *,
    year: int,
    out: TextIO,
    settings: AccountingSettings,
    now: datetime,
) -> tuple[str, int]:
    """Write the company's FEC-layout file for the fiscal year to `out` (streamed); returns the
    legal file name and the number of entries."""
    company = await _company(uow, actor, company_ref)
    fiscal = fiscal_year_of(year, settings)
    count = await _write(_entries(uow, company, fiscal, settings), out, validated_on=now.date())
    return fec.filename(company.siren, fiscal.end), count


async def fec_summary(
    uow: UnitOfWork,
    actor: Actor,
    company_ref: int | str,
    *,
    year: int,
    settings: AccountingSettings,
) -> FecSummary:
    """What the FEC file of the fiscal year holds (entries, lines, totals, accounts, period),
    tallied from the same entries `export_fec` writes."""
    company = await _company(uow, actor, company_ref)
    fiscal = fiscal_year_of(year, settings)
    tally = FecTally()
    async for part in _entries(uow, company, fiscal, settings):
        for entry in part:
            tally.add(entry)
    return tally.summary(fec.filename(company.siren, fiscal.end), fiscal)


# -- The export page ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportPage:
    """What the export page of a company shows for one fiscal year."""

    company: Company
    year: int
    years: tuple[int, ...]
    fec: FecSummary
    asset_projects: tuple[AssetProject, ...]
    needs: tuple[tuple[int, str], ...]  # The company's needs, offered to mark (admins only).
    may_mark: bool
    prepared: tuple[PreparedExport, ...]  # Files kept at each fiscal year end, newest first.


@dataclass(frozen=True, slots=True)
class PreparedExport:
    id: int
    year: int
    kind: str  # fec, hours, amortisation
    filename: str
    created_at: datetime


async def export_page(
    uow: UnitOfWork,
    actor: Actor,
    company_id: int,
    *,
    year: int | None,
    settings: AccountingSettings,
    today: date,
) -> ExportPage:
    """The company's export page for a fiscal year (by default the last closed one): the FEC
    summary and the asset projects; the company's admins and granted accountants only."""
    company = await _company(uow, actor, company_id)
    chosen = last_closed_year(today, settings.fiscal_year_end) if year is None else year
    summary = await fec_summary(uow, actor, company.id, year=chosen, settings=settings)
    may_mark = actor.has_role(company.id, Role.COMPANY_ADMIN, Role.ACCOUNTANT)
    async with uow(write=False) as repos:
        projects = await repos.accounting.asset_projects(company.id)
        needs = (
            await repos.accounting.needs_of(company.id, limit=NEEDS_OFFERED_MAX) if may_mark else []
        )
        prepared = await repos.accounting.exports_of(company.id)
    offered = years_offered(today, settings.fiscal_year_end)
    return ExportPage(
        company=company,
        year=chosen,
        years=offered if chosen in offered else (chosen, *offered),
        fec=summary,
        asset_projects=tuple(
            AssetProject(
                need_id=int(p["need"]),
                title=str(p["title"]),
                account=str(p["account"]),
                in_service_on=p["in_service_on"],
            )
            for p in projects
        ),
        needs=tuple((int(n["id"]), str(n["title"])) for n in needs),
        may_mark=may_mark,
        prepared=tuple(
            PreparedExport(
                id=int(x["id"]),
                year=int(x["year"]),
                kind=str(x["kind"]),
                filename=str(x["filename"]),
                created_at=x["created_at"],
            )
            for x in sorted(prepared, key=lambda x: (-int(x["year"]), str(x["kind"])))
        ),
    )


# -- Amortisation ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AmortisationLine:
    label: str
    basis: str  # "law" (current law) or "simulation" (the CNNum proposal)
    account: str
    base_cents: int
    in_service_on: date
    year: ScheduleLine
    put_into_service_cents: int  # Moved from 232 to the asset account this year (law only).


async def amortisation_lines(
    uow: UnitOfWork,
    company: Company,
    year: FiscalYear,
    settings: AccountingSettings,
    *,
    law_only: bool = False,
) -> list[AmortisationLine]:
    """The year's line of each schedule: asset projects in service (borrowed time capitalised,
    current law), and — as a simulation of the CNNum proposal — the time the company's
    employees spent on other PMEs' projects that was not reimbursed at cost yet, per loan."""
    capitalised: dict[int, int] = defaultdict(int)
    async with uow(write=False) as repos:
        project_of_need, need_of = await _asset_projects(repos, company.id)
        # Every approved hour up to the year's end: a schedule started in an earlier year
        # still charges this one.
        rows = await repos.accounting.approved_hours(company.id, HISTORY_START, year.end)
        names = await repos.accounting.companies(
            sorted({r["host"] for r in rows} | {r["lender"] for r in rows})
        )
        trainings = (
            []
            if law_only
            else await repos.trainings.approved_of_company(company.id, HISTORY_START, year.end)
        )
        settled = (
            set()
            if law_only
            else await repos.accounting.agreed_statements(
                sorted({int(r["statement"]) for r in rows if r["statement"] is not None})
            )
        )
    for row in rows:
        if row["host"] == company.id and row["id"] in need_of:
            capitalised[need_of[row["id"]]] += int(row["cost_cents"] or 0)
    lent = (
        {}
        if law_only
        else unreimbursed_lent_time(
            [
                LentTime(
                    loan_id=int(row["engagement"]),
                    host_name=names[row["host"]][1],
                    work_date=row["work_date"],
                    cost_cents=int(row["cost_cents"] or 0),
                    reimbursed=row["statement"] in settled,
                )
                for row in rows
                if row["lender"] == company.id
            ]
        )
    )
    return [
        *_project_lines(capitalised, project_of_need, year, settings),
        *_lent_time_lines(lent, year, settings),
        *_training_lines(trainings, year, settings),
    ]


def _project_lines(
    capitalised: dict[int, int],
    project_of_need: dict[int, dict[str, Any]],
    year: FiscalYear,
    settings: AccountingSettings,
) -> list[AmortisationLine]:
    """Asset projects in service by the year's end: their borrowed time, capitalised (law)."""
    lines = []
    for need, base in sorted(capitalised.items()):
        project = project_of_need[need]
        if project["in_service_on"] is None or project["in_service_on"] > year.end:
            continue  # Still in progress (232): not amortised yet.
        in_service: date = project["in_service_on"]
        # Current law: no suramortissement applies to capitalised staff time.
        found = year_line(base, in_service, year, settings, simulated=False)
        if found is not None:
            lines.append(
                AmortisationLine(
                    label=str(project["title"]),
                    basis="law",
                    account=str(project["account"]),
                    base_cents=base,
                    in_service_on=in_service,
                    year=found,
                    put_into_service_cents=base if year.start <= in_service <= year.end else 0,
                )
            )
    return lines


def _lent_time_lines(
    lent: dict[int, tuple[int, date, str]], year: FiscalYear, settings: AccountingSettings
) -> list[AmortisationLine]:
    """Time lent to other PMEs and not reimbursed at cost yet, per loan (simulation)."""
    lines = []
    for loan, (base, first_day, host_name) in sorted(lent.items()):
        found = year_line(base, first_day, year, settings, simulated=True)
        if found is not None:
            lines.append(
                AmortisationLine(
                    label=f"Temps prêté à {host_name} (prêt n° {loan})",
                    basis="simulation",
                    account="203",
                    base_cents=base,
                    in_service_on=first_day,
                    year=found,
                    put_into_service_cents=0,
                )
            )
    return lines


def _training_lines(
    trainings: list[Training], year: FiscalYear, settings: AccountingSettings
) -> list[AmortisationLine]:
    """The employees' approved trainings with a cost (simulation)."""
    lines = []
    for training in trainings:
        if not training.cost_cents:
            continue
        found = year_line(training.cost_cents, training.ends_on, year, settings, simulated=True)
        if found is not None:
            lines.append(
                AmortisationLine(
                    label=f"Formation : {training.title} ({training.provider})",
                    basis="simulation",
                    account="203",
                    base_cents=training.cost_cents,
                    in_service_on=training.ends_on,
                    year=found,
                    put_into_service_cents=0,
                )
            )
    return lines


def year_line(
    base: int,
    in_service: date,
    year: FiscalYear,
    settings: AccountingSettings,
    *,
    simulated: bool,
) -> ScheduleLine | None:
    """The schedule's line for `year`; the suramortissement rate applies only to the lines that
    simulate the CNNum proposal (no current text allows it on staff time)."""
    for line in schedule(
        base,
        in_service,
        life_years=settings.life_years,
        day_count=settings.day_count,
        fiscal_year_end=settings.fiscal_year_end,
        suramortissement_basis_points=settings.suramortissement_basis_points if simulated else 0,
    ):
        if line.fiscal_year_end == year.end:
            return line
    return None


async def amortisation_statement(
    uow: UnitOfWork,
    actor: Actor,
    company_ref: int | str,
    *,
    year: int,
    settings: AccountingSettings,
) -> tuple[Company, FiscalYear, list[AmortisationLine]]:
    company = await _company(uow, actor, company_ref)
    fiscal = fiscal_year_of(year, settings)
    return company, fiscal, await amortisation_lines(uow, company, fiscal, settings)


AMORTISATION_COLUMNS: Final = (
    "Fondement",
    "Libellé",
    "Compte",
    "Base amortissable (€)",
    "Mise en service",
    "Fin d'exercice",
    "Jours",
    "Dotation de l'exercice (€)",
    "Amortissements cumulés (€)",
    "Valeur nette comptable (€)",
    "Suramortissement simulé (€)",
)
BASIS_LABELS: Final = {"law": "Droit actuel", "simulation": "Simulation (proposition CNNum)"}


def _csv(rows: Sequence[Sequence[object]]) -> str:
    """CSV as a French Excel reads it: `;` between fields, UTF-8 with its byte order mark."""
    out = io.StringIO()
    out.write(CSV_BOM)
    csv.writer(out, delimiter=CSV_SEPARATOR, lineterminator="\n").writerows(rows)
    return out.getvalue()


def amortisation_csv(lines: list[AmortisationLine]) -> str:
    """The amortisation statement as CSV: French headers, dates 31/12/2026, euros 1234,56."""
    return _csv(
        [
            AMORTISATION_COLUMNS,
            *(
                (
                    BASIS_LABELS[line.basis],
                    line.label,
                    line.account,
                    fec.amount(line.base_cents),
                    f"{line.in_service_on:%d/%m/%Y}",
                    f"{line.year.fiscal_year_end:%d/%m/%Y}",
                    line.year.days,
                    fec.amount(line.year.charge_cents),
                    fec.amount(line.year.accumulated_cents),
                    fec.amount(line.year.net_book_value_cents),
                    fec.amount(line.year.extra_deduction_cents),
                )
                for line in lines
            ),
        ]
    )


# -- Hours -------------------------------------------------------------------------------------

HOURS_COLUMNS: Final = (
    "Mois",
    "Salarié·e",
    "Mise à disposition",
    "SIREN de la contrepartie",
    "Entreprise contrepartie",
    "Durée prêtée (minutes)",
    "Durée reçue (minutes)",
    "Durée de formation (minutes)",
    "Montant au coût (€)",
    "Frais refacturés au coût (€)",
)
TOTAL: Final = "Total"
HOURS_VALUES: Final = 5  # Lent, received, training minutes; at-cost value, expenses (cents).


async def hours_table(
    uow: UnitOfWork,
    actor: Actor,
    company_ref: int | str,
    *,
    year: int,
    settings: AccountingSettings,
) -> tuple[Company, list[list[object]]]:
    """Per employee, loan and month: minutes lent out or received, the at-cost value, the
    expenses re-billed at cost (approved, excluding the VAT the lender recovers: what the
    invoice charges) and the counterpart company; totals per month and for the year. Raw
    values: months `2026-11`, minutes and cents as integers (the CSV and the workbook format
    them)."""
    company = await _company(uow, actor, company_ref)
    fiscal = fiscal_year_of(year, settings)
    async with uow(write=False) as repos:
        rows = await repos.accounting.approved_hours(company.id, fiscal.start, fiscal.end)
        expenses = await repos.accounting.approved_expenses(company.id, fiscal.start, fiscal.end)
        others = sorted(
            {r["host"] for r in rows}
            | {r["lender"] for r in rows}
            | {r["host"] for r in expenses}
            | {r["lender"] for r in expenses}
        )
        names = await repos.accounting.companies(others)
        regimes = await repos.accounting.vat_regimes(sorted({r["lender"] for r in expenses}))
        trainings = await repos.trainings.approved_of_company(company.id, fiscal.start, fiscal.end)
        people = {e: await repos.employees.get(e) for e in {t.employee_id for t in trainings}}
    groups: dict[tuple[str, str, int | str, str, str], list[int]] = defaultdict(
        lambda: [0] * HOURS_VALUES
    )
    for training in trainings:
        person = people[training.employee_id]
        key_t = (
            training.ends_on.strftime("%Y-%m"),
            person.full_name if person else "",
            f"formation n° {training.id}",
            "",
            training.provider,
        )
        groups[key_t][2] += training.minutes
        groups[key_t][3] += training.cost_cents or 0
    for row in rows:
        lent = row["lender"] == company.id
        other = row["host"] if lent else row["lender"]
        month = row["work_date"].strftime("%Y-%m")
        key = (month, row["employee_name"], row["engagement"], names[other][0], names[other][1])
        groups[key][0 if lent else 1] += int(row["minutes"])
        groups[key][3] += int(row["cost_cents"] or 0)
    for row in expenses:
        other = row["host"] if row["lender"] == company.id else row["lender"]
        month = row["spent_on"].strftime("%Y-%m")
        key = (month, row["employee_name"], row["engagement"], names[other][0], names[other][1])
        groups[key][4] += _expense_base(row, regimes)
    table: list[list[object]] = [list(HOURS_COLUMNS)]
    per_month: dict[str, list[int]] = defaultdict(lambda: [0] * HOURS_VALUES)
    for key in sorted(groups, key=lambda k: tuple(str(part) for part in k)):
        values = groups[key]
        table.append([*key, *values])
        per_month[key[0]] = [a + b for a, b in zip(per_month[key[0]], values, strict=True)]
    total = [0] * HOURS_VALUES
    for month in sorted(per_month):
        values = per_month[month]
        table.append([month, TOTAL, "", "", "", *values])
        total = [a + b for a, b in zip(total, values, strict=True)]
    table.append([str(year), TOTAL, "", "", "", *total])
    return company, table


async def hours_csv(
    uow: UnitOfWork,
    actor: Actor,
    company_ref: int | str,
    *,
    year: int,
    settings: AccountingSettings,
) -> tuple[Company, str]:
    """The hours table as CSV for a French Excel: French headers, months 11/2026, minutes as
    integers, euros with a decimal comma (1234,56): the at-cost value, then the expenses."""
    company, table = await hours_table(uow, actor, company_ref, year=year, settings=settings)
    rows: list[Sequence[object]] = [table[0]]
    for month, *middle, cents, expenses in table[1:]:
        label = str(month)
        shown = f"{label[5:7]}/{label[:4]}" if len(label) == 7 else f"Exercice {label}"
        rows.append([shown, *middle, fec.amount(int(str(cents))), fec.amount(int(str(expenses)))])
    return company, _csv(rows)


async def hours_xlsx(
    uow: UnitOfWork,
    actor: Actor,
    company_ref: int | str,
    *,
    year: int,
    settings: AccountingSettings,
) -> tuple[Company, bytes]:
    """The hours table as a workbook in French formats: months as dates shown 11/2026, hours
    as decimal hours, at-cost value and expenses in euros (a French Excel shows 1 234,56 €)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    company, table = await hours_table(uow, actor, company_ref, year=year, settings=settings)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"Heures {year}"
    sheet.append(
        [
            "Mois",
            "Salarié·e",
            "Mise à disposition",
            "SIREN de la contrepartie",
            "Contrepartie",
            "Heures prêtées",
            "Heures reçues",
            "Heures de formation",
            "Valeur au coût (€)",
            "Frais refacturés au coût (€)",
        ]
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table[1:]:
        month, *rest = row
        minutes_lent, minutes_received, training, cents, expenses = (int(str(v)) for v in rest[4:9])
        label = str(month)
        day = date(int(label[:4]), int(label[5:7]), 1) if len(label) == 7 else label
        sheet.append(
            [
                day,
                *rest[:4],
                minutes_lent / 60,
                minutes_received / 60,
                training / 60,
                cents / 100,
                expenses / 100,
            ]
        )
        line = sheet.max_row
        if isinstance(day, date):
            sheet.cell(line, 1).number_format = "MM/YYYY"
        for column in (6, 7, 8):
            sheet.cell(line, column).number_format = "#,##0.00"
        for column in (9, 10):
            sheet.cell(line, column).number_format = '#,##0.00 "€"'
        if rest[0] == TOTAL:
            for cell in sheet[line]:
                cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return company, out.getvalue()


# -- Asset projects ----------------------------------------------------------------------------


async def mark_asset_project(
    uow: UnitOfWork,
    actor: Actor,
    need_id: int,
    *,
    account: str,
    in_service_on: date | None,
    now: datetime,
) -> None:
    """The host's admin, or its accountant, marks a need as part of an intangible asset
    project (PCG 212-3): deciding what is capitalised is the accountant's trade."""
    checked = asset_account(account)
    async with uow() as repos:
        company_id = await repos.accounting.need_company(need_id)
        if company_id is None:
            raise refusals.NEED_NOT_FOUND.error(id=need_id)
        require_acting_for(actor, company_id, Role.COMPANY_ADMIN, Role.ACCOUNTANT)
        await repos.accounting.put_asset_project(
            need_id=need_id,
            company_id=company_id,
            account=checked,
            in_service_on=in_service_on,
            user_id=actor.user_id,
            now=now,
        )


async def unmark_asset_project(uow: UnitOfWork, actor: Actor, need_id: int) -> None:
    """The host's admin or accountant takes a need out of the asset projects: its time is an
    expense again."""
    async with uow() as repos:
        company_id = await repos.accounting.need_company(need_id)
        if company_id is None:
            raise refusals.NEED_NOT_FOUND.error(id=need_id)
        require_acting_for(actor, company_id, Role.COMPANY_ADMIN, Role.ACCOUNTANT)
        await repos.accounting.delete_asset_project(need_id)


def statement_lines(lines: list[AmortisationLine]) -> list[StatementLine]:
    return [
        StatementLine(
            basis=line.basis,
            label=line.label,
            account=line.account,
            base_cents=line.base_cents,
            in_service_on=line.in_service_on,
            days=line.year.days,
            charge_cents=line.year.charge_cents,
            accumulated_cents=line.year.accumulated_cents,
            net_book_value_cents=line.year.net_book_value_cents,
            extra_deduction_cents=line.year.extra_deduction_cents,
        )
        for line in lines
    ]


async def amortisation_pdf_of(
    uow: UnitOfWork,
    actor: Actor,
    company_ref: int | str,
    *,
    year: int,
    settings: AccountingSettings,
) -> tuple[Company, FiscalYear, bytes]:
    company, fiscal, lines = await amortisation_statement(
        uow, actor, company_ref, year=year, settings=settings
    )
    rate = f"{decimal(settings.suramortissement_basis_points / 100)} %"
    text = amortisation_markdown(
        company_name=company.name,
        siren=company.siren,
        year_start=fiscal.start,
        year_end=fiscal.end,
        lines=statement_lines(lines),
        life_years=settings.life_years,
        day_count=settings.day_count.value,
        suramortissement_percent=rate,
    )
    pdf = await in_pdf_process(
        functools.partial(amortisation_pdf, text, siren=company.siren, year_end=fiscal.end)
    )
    return company, fiscal, pdf


# -- Prepared at fiscal year end -------------------------------------------------------------

YEAR_END_CATCH_UP_DAYS: Final = 7  # The job prepares a year that ended up to a week ago.


async def prepare_year_end(uow: UnitOfWork, *, now: datetime, settings: AccountingSettings) -> int:
    """At fiscal year end, every active company's FEC file, hours and amortisation statement,
    stored for its accountants (once each); returns how many files were prepared."""
    from timebank.notifications.model import Kind
    from timebank.notifications.use_cases import notify

    today = french_day(now)
    month, day = settings.fiscal_year_end
    year_end = date(today.year, month, day)
    if year_end >= today:
        year_end = date(today.year - 1, month, day)
    if (today - year_end).days > YEAR_END_CATCH_UP_DAYS:
        return 0
    fiscal = fiscal_year_of(year_end.year, settings)
    async with uow(write=False) as repos:
        companies = await repos.accounting.companies_active(fiscal.start, fiscal.end)
    prepared = 0
    for company_id in companies:
        actor = accountant_actor(company_id, "Préparation de fin d'exercice")
        buffer = io.StringIO()
        name, _ = await export_fec(
            uow, actor, company_id, year=fiscal.end.year, out=buffer, settings=settings, now=now
        )
        company, hours = await hours_csv(
            uow, actor, company_id, year=fiscal.end.year, settings=settings
        )
        _, _, pdf = await amortisation_pdf_of(
            uow, actor, company_id, year=fiscal.end.year, settings=settings
        )
        files = (
            ("fec", name, "text/plain", buffer.getvalue().encode("utf-8")),
            (
                "hours",
                hours_file_name(company.siren, fiscal.end.year, "csv"),
                "text/csv",
                hours.encode(),
            ),
            (
                "amortisation",
                amortisation_file_name(company.siren, fiscal.end.year, "pdf"),
                "application/pdf",
                pdf,
            ),
        )
        async with uow() as repos:
            new = 0
            for kind, filename, media_type, content in files:
                new += await repos.accounting.put_export(
                    company_id=company_id,
                    year=fiscal.end.year,
                    kind=kind,
                    filename=filename,
                    media_type=media_type,
                    content=content,
                    now=now,
                )
            if new:
                readers = set(await repos.notifications.admins_of(company_id))
                readers |= {
                    u.id for u in await repos.people.members_of(company_id, Role.ACCOUNTANT)
                }
                await notify(
                    repos,
                    sorted(readers),
                    Kind.EXPORTS_READY,
                    {"year_end": fiscal.end.strftime("%d/%m/%Y"), "company": company.name},
                    link=f"/api/v1/companies/{company_id}/exports/prepared",
                    now=now,
                )
            prepared += new
    return prepared


async def prepared_exports(
    uow: UnitOfWork, actor: Actor, company_id: int
) -> list[dict[str, object]]:
    company = await _company(uow, actor, company_id)
    async with uow(write=False) as repos:
        return await repos.accounting.exports_of(company.id)


async def prepared_export(
    uow: UnitOfWork, actor: Actor, company_id: int, export_id: int
) -> dict[str, object]:
    company = await _company(uow, actor, company_id)
    async with uow(write=False) as repos:
        found = await repos.accounting.export(company.id, export_id)
    if found is None:
        raise refusals.EXPORT_NOT_FOUND.error(id=export_id)
    return found
