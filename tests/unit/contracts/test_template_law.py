"""Each legal point of the contract texts (issue 20, point 5), on the sample data: the signed
Markdown is not HTML-escaped, the rate shown is the rate billed, the clauses the law requires
are there with the right references."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

from contracts.catalogue import TEMPLATES
from contracts.render import euros_exact, render_html, render_markdown
from timebank.documents.model import hourly_cost_fraction
from timebank.employees.model import CostInputs
from timebank.engagements.model import at_cost_cents

SAMPLES = Path(__file__).resolve().parents[3] / "contracts" / "samples"
LOAN_TEMPLATES = ("convention-mise-a-disposition", "avenant-mise-a-disposition")


def sample(template_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLES / f"{template_id}.json").read_text("utf-8"))
    return data


def test_the_signed_markdown_keeps_ampersands_and_the_page_still_escapes_html() -> None:
    data = sample("convention-mise-a-disposition")
    data["tasks"] = "SEO & analytics <script>alert(1)</script> *gras*"
    document = render_markdown("convention-mise-a-disposition", data)
    assert "&amp;" not in document.markdown and "&lt;" not in document.markdown
    assert "SEO & analytics" in document.markdown
    assert "\\*gras\\*" in document.markdown  # Markdown-escaped, never markup.
    html = render_html(document)
    assert "<script>" not in html and "&lt;script&gt;" in html and "<em>" not in html


def test_the_rate_shown_is_the_rate_billed_not_a_rounded_one() -> None:
    cost = CostInputs(6_000_000, 1155, 1607)  # 41,6490… € an hour.
    numerator, denominator = hourly_cost_fraction(cost)
    data = sample("convention-mise-a-disposition")
    data["hourly_cost_numerator_cents"] = numerator
    data["hourly_cost_denominator"] = denominator
    text = render_markdown("convention-mise-a-disposition", data).markdown
    assert "41,6490…\u202f€" in text and "41,65\u202f€" not in text
    assert euros_exact(numerator, denominator) == "41,6490…\u202f€"
    rate = Fraction(numerator, denominator)
    for minutes in (1, 60, 90, 7 * 60, 40 * 60, 1607 * 60):
        expected = rate * minutes / 60
        billed = at_cost_cents(
            minutes,
            annual_gross_salary_cents=cost.annual_gross_salary_cents,
            employer_charge_rate_basis_points=cost.employer_charge_rate_basis_points,
            annual_work_hours=cost.annual_work_hours,
        )
        assert abs(billed - expected) <= Fraction(1, 2)
    assert euros_exact(1000, 1) == "10,0000\u202f€"  # Exact: no « … ».


def test_the_post_and_hours_are_the_loans_own_and_collective_facilities_are_open() -> None:
    for template_id in LOAN_TEMPLATES:
        data = sample(template_id)
        data["post_characteristics"] = "Poste sur écran, équipe de 3, astreinte exclue"
        data["working_hours"] = "mardi 9 h – 12 h"
        text = render_markdown(template_id, data).markdown
        assert "Poste sur écran, équipe de 3, astreinte exclue" in text
        assert "mardi 9 h – 12 h" in text
        assert "celles d'un poste de" not in text
        assert "installations et moyens de transport collectifs" in text


def test_the_probation_period_is_the_agreed_one() -> None:
    for template_id in LOAN_TEMPLATES:
        data = sample(template_id)
        data["probation_days"] = 7
        assert "7 jours ouvrés" in render_markdown(template_id, data).markdown
        data["probation_days"] = 0
        text = render_markdown(template_id, data).markdown
        assert "Aucune période probatoire n'est convenue" in text


def test_each_right_assigned_is_listed_with_its_field_of_use() -> None:
    for template_id in LOAN_TEMPLATES:
        for licence in ("", "EUPL 1.2"):
            data = sample(template_id)
            data["open_source_licence"] = licence
            text = render_markdown(template_id, data).markdown
            for right in (
                "le droit de reproduction",
                "le droit de représentation",
                "le droit d'adaptation",
                "le droit de distribution",
            ):
                assert f"- {right}" in text, (template_id, right)
            assert "pour le monde entier" in text
            assert "toute la durée de protection des droits" in text
            assert "pour les besoins de l'activité de" in text
    basis = TEMPLATES["convention-mise-a-disposition"].clauses
    assert "L131-3" in next(c for c in basis if c.id == "intellectual_property").legal_basis


def test_civil_code_references_are_the_right_articles() -> None:
    bases = {c.legal_basis for t in TEMPLATES.values() for c in t.clauses}
    assert not any("1112-2" in b or "1224" in b or "261 B" in b for b in bases)
    clauses = {c.id: c for c in TEMPLATES["convention-mise-a-disposition"].clauses}
    assert "1103" in clauses["confidentiality"].legal_basis
    assert "1212" in clauses["termination"].legal_basis


def test_the_member_answers_for_every_condition_of_l1253_12() -> None:
    text = render_markdown("convention-groupement-membre", sample("convention-groupement-membre"))
    for condition in (
        "à la durée du travail",
        "au travail de nuit",
        "au repos hebdomadaire et aux jours fériés",
        "à la santé et à la sécurité au travail",
        "au travail des femmes, des enfants et des jeunes travailleurs",
    ):
        assert condition in text.markdown


def test_the_cdo_contract_states_its_hire_date_hours_kind_and_collective_agreement() -> None:
    data = sample("contrat-temps-partage-groupement")
    data["start"] = "2027-02-01"
    data["hours_spread"] = "lundi et mardi, 8 h par jour"
    text = render_markdown("contrat-temps-partage-groupement", data).markdown
    assert "à durée indéterminée (CDI), à compter du 01/02/2027" in text
    assert "durée du travail de 28 h par semaine, à temps partiel" in text
    assert "répartie entre les jours de la semaine comme suit : lundi et mardi, 8 h" in text
    assert "La convention collective applicable est la suivante : Convention collective" in text
    assert "IDCC 1486" in text and "jusqu'à" not in text
    assert "au travail des femmes, des enfants et des jeunes travailleurs" in text
    data["permanent"] = False
    data["fixed_term"] = "jusqu'au 31/12/2027, pour accroissement temporaire d'activité"
    cdd = render_markdown("contrat-temps-partage-groupement", data).markdown
    assert "à durée déterminée (CDD) : jusqu'au 31/12/2027, pour accroissement" in cdd
    bases = {c.id: c.legal_basis for c in TEMPLATES["contrat-temps-partage-groupement"].clauses}
    assert "L3123-6" in bases["working_time"] and "L1253-17" in bases["collective_agreement"]


def test_the_groups_articles_render_with_the_employer_group_rules() -> None:
    data = sample("statuts-groupement-employeurs")
    text = render_markdown("statuts-groupement-employeurs", data).markdown
    assert "association régie par la loi du 1er juillet 1901" in text
    assert "Seuls les membres peuvent bénéficier" in text
    assert "solidairement responsables" in text and data["liability_split"] in text
    assert data["collective_agreement"] in text
    for founder in data["founders"]:
        assert f"- {founder['name']}, SIREN {founder['siren']}" in text
        assert f"| {founder['representative']} ({founder['name']}) |" in text
    assert "ne peut être réparti entre les membres" in text
    spec = TEMPLATES["statuts-groupement-employeurs"]
    assert spec.version == "1.0.0"
    assert "C. trav. L1253-8" in {c.legal_basis for c in spec.clauses}
