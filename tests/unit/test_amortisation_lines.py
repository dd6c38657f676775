"""The amortisation statement's lines: the suramortissement only on the lines that simulate the
CNNum proposal, and the lender's simulated base without the time already reimbursed at cost."""

from __future__ import annotations

import csv
import io
from datetime import date

from timebank.accounting.model import FiscalYear, LentTime, unreimbursed_lent_time
from timebank.accounting.use_cases import (
    AccountingSettings,
    AmortisationLine,
    amortisation_csv,
    year_line,
)

YEAR_2026 = FiscalYear(date(2026, 1, 1), date(2026, 12, 31))


def test_the_current_law_line_carries_no_suramortissement_even_with_a_rate_set() -> None:
    settings = AccountingSettings(suramortissement_basis_points=4000)  # 40 %.
    in_service = date(2026, 7, 1)
    law = year_line(900_000, in_service, YEAR_2026, settings, simulated=False)
    simulated = year_line(900_000, in_service, YEAR_2026, settings, simulated=True)
    assert law is not None and simulated is not None
    # 9 000,00 € over 3 years (1 080 days in 30/360) from 1 July: 180 days in 2026,
    # 9 000 × 180 / 1 080 = 1 500,00 €, on both lines.
    assert law.days == simulated.days == 180
    assert law.charge_cents == simulated.charge_cents == 150_000
    # The simulation's extra deduction: 40 % of 9 000 € = 3 600 €, × 180 / 1 080 = 600,00 €.
    assert simulated.extra_deduction_cents == 60_000
    assert law.extra_deduction_cents == 0
    text = amortisation_csv(
        [
            AmortisationLine("Site web", "law", "205", 900_000, in_service, law, 900_000),
            AmortisationLine("Temps prêté", "simulation", "203", 900_000, in_service, simulated, 0),
        ]
    )
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert [(r["Fondement"], r["Suramortissement simulé (€)"]) for r in rows] == [
        ("Droit actuel", "0,00"),
        ("Simulation (proposition CNNum)", "600,00"),
    ]


def test_the_lenders_simulated_base_leaves_out_time_already_reimbursed_at_cost() -> None:
    # Loan 7: 3 h on 3 November and 2 h 30 on 10 November, in the agreed November statement
    # (reimbursed at cost: 111,33 € + 92,78 €), then 1 h 30 on 2 December not settled yet
    # (90 min × 42 000 € × 1,42 / 1 607 h = 55,67 €). Loan 8: everything settled.
    entries = [
        LentTime(7, "Fromagerie du Val", date(2026, 11, 3), 11_133, reimbursed=True),
        LentTime(7, "Fromagerie du Val", date(2026, 11, 10), 9_278, reimbursed=True),
        LentTime(7, "Fromagerie du Val", date(2026, 12, 2), 5_567, reimbursed=False),
        LentTime(8, "Atelier Rive", date(2026, 10, 5), 3_711, reimbursed=True),
    ]
    # Only the 55,67 € not reimbursed is simulated, from its first day; loan 8 has no line.
    assert unreimbursed_lent_time(entries) == {7: (5_567, date(2026, 12, 2), "Fromagerie du Val")}
    settings = AccountingSettings()
    line = year_line(5_567, date(2026, 12, 2), YEAR_2026, settings, simulated=True)
    assert line is not None
    # 2 to 30 December in 30/360: 29 days of 1 080; 55,67 € × 29 / 1 080 = 1,4948… → 1,49 €.
    assert (line.days, line.charge_cents) == (29, 149)
