"""The amortisation statement of a company and fiscal year, as Markdown for the PDF: which lines
follow current law and which simulate the CNNum proposal, said plainly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from contracts.render import date_fr, euros, html_pdf, page_html, plain_text


@dataclass(frozen=True, slots=True)
class StatementLine:
    basis: str  # "law" or "simulation"
    label: str
    account: str
    base_cents: int
    in_service_on: date
    days: int
    charge_cents: int
    accumulated_cents: int
    net_book_value_cents: int
    extra_deduction_cents: int


# How each day count reads in the statement (`contracts.amortisation.DayCount`).
DAY_COUNT_WORDS: Final = {"30/360": "mois de 30 jours, année de 360 jours", "actual": "jours réels"}


def _table(lines: list[StatementLine], *, extra: bool) -> str:
    head = "| Élément | Compte | Base | Mise en service | Jours | Dotation | Cumul | VNC |"
    rule = "| --- | --- | --- | --- | --- | --- | --- | --- |"
    if extra:
        head += " Suramortissement (2058-A) |"
        rule += " --- |"
    rows = [head, rule]
    for line in lines:
        row = (
            f"| {plain_text(line.label)} | {line.account} | {euros(line.base_cents)} | "
            f"{date_fr(line.in_service_on)} | {line.days} | {euros(line.charge_cents)} | "
            f"{euros(line.accumulated_cents)} | {euros(line.net_book_value_cents)} |"
        )
        if extra:
            row += f" {euros(line.extra_deduction_cents)} |"
        rows.append(row)
    total = sum(line.charge_cents for line in lines)
    rows.append(f"| **Total** | | | | | **{euros(total)}** | | |" + (" |" if extra else ""))
    return "\n".join(rows)


def amortisation_markdown(
    *,
    company_name: str,
    siren: str,
    year_start: date,
    year_end: date,
    lines: list[StatementLine],
    life_years: int,
    day_count: str,
    suramortissement_percent: str,
) -> str:
    law = [line for line in lines if line.basis == "law"]
    simulated = [line for line in lines if line.basis == "simulation"]
    parts = [
        f"# Relevé des amortissements — exercice du {date_fr(year_start)} au {date_fr(year_end)}",
        f"{plain_text(company_name)}, SIREN {siren}. Amortissement linéaire sur {life_years} "
        f"an(s), prorata temporis ({DAY_COUNT_WORDS.get(day_count, day_count)}) à compter de "
        "la mise en service.",
        "## 1. Droit en vigueur — temps reçu immobilisé dans un projet incorporel",
        "Temps de salariés d'autres PME reçu au coût exact et affecté à un projet qui répond "
        "aux critères du PCG (art. 212-3) : production immobilisée (721), puis amortissement "
        "(6811 / 280x). Ces lignes correspondent aux écritures de l'export FEC.",
        _table(law, extra=False) if law else "Aucun projet immobilisé en service sur l'exercice.",
        "## 2. Simulation de la proposition du CNNum — hors droit en vigueur",
        "**Simulation, sans valeur légale** : aucun texte actuel ne permet d'immobiliser le temps "
        "que les salariés de l'entreprise passent sur les projets d'autres PME. Ces lignes "
        "montrent ce que donnerait la proposition du Conseil national du numérique (avis 2017-1, "
        f"recommandation 7), au coût exact, avec un suramortissement simulé de "
        f"{suramortissement_percent} (déduction extra-comptable, formulaire 2058-A). Elles ne "
        "sont pas dans l'export FEC.",
        _table(simulated, extra=True) if simulated else "Aucun temps prêté à amortir.",
    ]
    return "\n\n".join(parts) + "\n"


def amortisation_pdf(markdown_text: str, *, siren: str, year_end: date) -> bytes:
    footer = f"Relevé des amortissements · SIREN {siren} · exercice clos le {date_fr(year_end)}"
    return html_pdf(page_html("Relevé des amortissements", markdown_text, footer))
