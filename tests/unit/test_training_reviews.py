"""The public ratings of trainings: grouped per training, searched by provider and title,
comments newest first, and nothing in them that names a person or a company."""

from __future__ import annotations

from dataclasses import fields

import pytest

from timebank.errors import InvalidInput
from timebank.trainings.model import (
    COMMENTS_SHOWN_MAX,
    PublicTraining,
    Rating,
    TrainingScore,
    public_trainings,
    search_text,
)


def test_ratings_are_grouped_per_training_with_their_comments_newest_first() -> None:
    ratings = [
        Rating("SEO  avancé", "Atelier Web", 5, "Le plus récent"),
        Rating("SEO avancé", "Atelier  Web", 3, None),
        Rating("SEO avancé", "Atelier Web", 4, "Le plus ancien"),
        Rating("Tableurs", "Bureautique Pro", 2, ""),
    ]
    found = public_trainings(ratings)
    assert [t.score for t in found] == [
        TrainingScore("SEO avancé", "Atelier Web", 4.0, 3),
        TrainingScore("Tableurs", "Bureautique Pro", 2.0, 1),
    ]
    assert found[0].comments == ("Le plus récent", "Le plus ancien")
    assert found[1].comments == ()


def test_search_by_provider_and_title_ignores_case_and_spaces() -> None:
    ratings = [
        Rating("SEO avancé", "Atelier Web", 5, None),
        Rating("Tableurs", "Bureautique Pro", 2, None),
    ]
    assert [t.score.title for t in public_trainings(ratings, provider="  atelier ")] == [
        "SEO avancé"
    ]
    assert [t.score.title for t in public_trainings(ratings, title="TABLE")] == ["Tableurs"]
    assert public_trainings(ratings, provider="atelier", title="tableurs") == []


def test_comments_shown_are_bounded() -> None:
    ratings = [Rating("T", "P", 4, f"avis {n}") for n in range(COMMENTS_SHOWN_MAX + 5)]
    (found,) = public_trainings(ratings)
    assert found.score.count == COMMENTS_SHOWN_MAX + 5
    assert len(found.comments) == COMMENTS_SHOWN_MAX


def test_the_public_shape_holds_no_name_and_no_company() -> None:
    names = {f.name for f in fields(PublicTraining)} | {f.name for f in fields(TrainingScore)}
    assert names == {"score", "comments", "title", "provider", "average", "count", "domain_code"}
    assert {f.name for f in fields(Rating)} == {
        "title",
        "provider",
        "stars",
        "comment",
        "domain_code",
    }  # Never the employer's transformation plan.


def test_search_by_domain_keeps_the_ratings_of_that_domain_and_shows_it() -> None:
    ratings = [
        Rating("SEO avancé", "Atelier Web", 5, None, "marketing"),
        Rating("SEO avancé", "Atelier Web", 3, None, None),
        Rating("Tableurs", "Bureautique Pro", 2, None, "data"),
    ]
    found = public_trainings(ratings, domain="marketing")
    assert [t.score for t in found] == [
        TrainingScore("SEO avancé", "Atelier Web", 5.0, 1, "marketing")
    ]
    assert public_trainings(ratings, domain="security") == []
    everything = public_trainings(ratings)
    assert [(t.score.title, t.score.count, t.score.domain_code) for t in everything] == [
        ("SEO avancé", 2, "marketing"),
        ("Tableurs", 1, "data"),
    ]
    assert public_trainings(ratings, provider="atelier", domain="data") == []


def test_a_search_too_long_is_refused_beside_its_field() -> None:
    assert search_text("  Atelier   Web ", field="organisme") == "Atelier Web"
    with pytest.raises(InvalidInput) as refused:
        search_text("x" * 101, field="organisme")
    assert refused.value.field == "organisme"
