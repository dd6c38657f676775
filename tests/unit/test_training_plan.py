"""A training's link to the employer's digital-transformation plan and its skill domain: what
the employee may type, what is refused beside which field."""

from __future__ import annotations

from datetime import date

import pytest

from timebank.errors import InvalidInput
from timebank.trainings.model import (
    PLAN_LINK_LENGTH_MAX,
    domain_input,
    plan_link_input,
    training_input,
)

DOMAINS = ("marketing", "data", "security")


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("", None),
        ("   ", None),
        (None, None),
        (
            "https://intranet.exemple.fr/plan-2026#axe-2",
            "https://intranet.exemple.fr/plan-2026#axe-2",
        ),
        ("  HTTP://exemple.fr/plan ", "HTTP://exemple.fr/plan"),
        ("Plan 2026,  axe 2 : vente en ligne", "Plan 2026, axe 2 : vente en ligne"),
        ("§ 3.2 Cybersécurité", "§ 3.2 Cybersécurité"),
        ("Axe 4: données clients", "Axe 4: données clients"),
    ],
)
def test_a_plan_link_is_an_http_address_or_a_reference(typed: str | None, kept: str | None) -> None:
    assert plan_link_input(typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        "javascript:alert(1)",
        "ftp://exemple.fr/plan.pdf",
        "www.exemple.fr/plan",
        "https://",
        "https:/exemple.fr",
        "mailto:dirigeant@exemple.fr",
        "file:///C:/plan.docx",
        "voir https://exemple.fr/plan",
        "https://exemple.fr/mon plan",
    ],
)
def test_an_address_that_is_not_http_is_refused_beside_its_field(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        plan_link_input(typed)
    assert (refused.value.field, refused.value.code) == ("plan_link", "invalid_plan_link")
    assert "https://" in refused.value.message_fr


def test_a_plan_link_has_at_most_300_characters() -> None:
    longest = "https://exemple.fr/" + "a" * (PLAN_LINK_LENGTH_MAX - len("https://exemple.fr/"))
    assert plan_link_input(longest) == longest
    with pytest.raises(InvalidInput) as refused:
        plan_link_input(longest + "a")
    assert (refused.value.field, refused.value.code) == ("plan_link", "plan_link_too_long")
    with pytest.raises(InvalidInput):
        plan_link_input("Plan " * 61)


def test_training_input_checks_the_plan_link() -> None:
    day = date(2026, 11, 2)
    values = {"title": "SEO", "provider": "Atelier", "starts_on": day, "ends_on": day}
    checked = training_input(**values, minutes=60, today=day, plan_link=" Plan 2026, axe 2 ")
    assert checked == ("SEO", "Atelier", 60, "Plan 2026, axe 2")
    assert training_input(**values, minutes=60, today=day)[3] is None
    with pytest.raises(InvalidInput) as refused:
        training_input(**values, minutes=60, today=day, plan_link="javascript:void(0)")
    assert refused.value.field == "plan_link"


def test_a_domain_is_one_of_the_taxonomy_or_none() -> None:
    assert domain_input(" data ", DOMAINS, field="domain_code") == "data"
    assert domain_input("", DOMAINS, field="domain_code") is None
    assert domain_input(None, DOMAINS, field="domain_code") is None
    with pytest.raises(InvalidInput) as refused:
        domain_input("astrologie", DOMAINS, field="domain_code")
    assert (refused.value.field, refused.value.code) == ("domain_code", "unknown_domain")
    with pytest.raises(InvalidInput) as public:
        domain_input("DATA", DOMAINS, field="domaine")
    assert public.value.field == "domaine"


def test_the_demo_trainings_use_known_domains_and_valid_plan_references() -> None:
    from timebank.demo.trainings import CATALOGUE
    from timebank.skills.model import load_taxonomy

    known = {domain.code for domain in load_taxonomy().domains}
    assert {course.domain_code for course in CATALOGUE} == known  # The filter finds each.
    for course in CATALOGUE:
        reference = f"Plan de transformation numérique 2026, axe 5 : {course.plan_section}"
        assert plan_link_input(reference) == reference
