"""The demo plan: deterministic, pilot-sized, valid identifiers, realistic spread."""

from __future__ import annotations

from collections import Counter
from datetime import date

from stdnum.fr import siren, tva

from timebank.demo.plan import plan_demo, region_of_postal_code
from timebank.skills.model import load_taxonomy


def test_same_seed_gives_the_same_network() -> None:
    first = plan_demo(seed=7, today=date(2026, 11, 23))
    second = plan_demo(seed=7, today=date(2026, 11, 23))
    assert first == second
    assert (
        plan_demo(seed=8, today=date(2026, 11, 23)).companies[0].siren != first.companies[0].siren
    )


def test_demo_has_the_pilot_size_and_valid_unique_identifiers() -> None:
    plan = plan_demo(today=date(2026, 11, 23))
    assert len(plan.companies) == 150
    employees = [e for c in plan.companies for e in c.employees]
    assert 500 <= len(employees) <= 700
    assert sum(1 for c in plan.companies for n in c.needs if n.status == "open") == 300
    sirens = [c.siren for c in plan.companies] + [g.entity.siren for g in plan.groups]
    assert len(set(sirens)) == len(sirens)
    assert all(siren.is_valid(number) for number in sirens)
    emails = [e.person.email for e in employees] + [c.admin.email for c in plan.companies]
    assert len(set(emails)) == len(emails)


def test_demo_spans_regions_and_uses_known_skills() -> None:
    plan = plan_demo(today=date(2026, 11, 23))
    regions = Counter(region_of_postal_code(c.postal_code) for c in plan.companies)
    assert len(regions) >= 5
    known = {skill.code for skill in load_taxonomy().skills}
    used = {code for c in plan.companies for e in c.employees for code, _ in e.skills}
    used |= {s[0] for c in plan.companies for n in c.needs for s in n.skills}
    assert used <= known
    assert len(plan.groups) == 2
    assert all(len(group.member_keys) >= 5 for group in plan.groups)
    assert len(plan.accountant_client_keys) >= 2


def test_taxonomy_has_enough_skills_with_both_labels() -> None:
    taxonomy = load_taxonomy()
    assert len(taxonomy.skills) >= 60
    assert all(s.label_fr and s.label_en for s in taxonomy.skills)
    for code in (
        "seo",
        "web-dev",
        "ecommerce-site",
        "marketplaces",
        "social-media",
        "translation",
        "ux-design",
        "data-analytics",
        "crm",
        "erp",
        "cybersecurity",
        "cloud-migration",
        "e-export",
        "digital-strategy",
        "content-writing",
    ):
        assert code in {s.code for s in taxonomy.skills}
    uris = [s.esco_uri for s in taxonomy.skills if s.esco_uri]
    assert all(uri.startswith("http://data.europa.eu/esco/skill/") for uri in uris)


def test_demo_companies_are_mostly_liable_with_their_own_vat_numbers() -> None:
    plan = plan_demo(today=date(2026, 11, 23))
    entities = list(plan.companies) + [g.entity for g in plan.groups]
    regimes = Counter(c.vat_regime for c in entities)
    assert set(regimes) == {"reel", "franchise"}
    assert 5 <= regimes["franchise"] <= len(entities) // 5
    # Only the smallest companies are under franchise en base; the groups are liable.
    assert all(c.headcount_band == "0-9" for c in entities if c.vat_regime == "franchise")
    assert all(g.entity.vat_regime == "reel" for g in plan.groups)
    assert any(c.vat_on_debits for c in entities)
    assert not any(c.vat_on_debits for c in entities if c.vat_regime != "reel")
    for company in entities:
        assert tva.is_valid(company.vat_number)
        assert company.vat_number == "FR" + tva.compact(company.vat_number)
        assert tva.to_siren(company.vat_number) == company.siren
