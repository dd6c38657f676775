"""Where a page sends the browser after a form (`?suivant=` after login, `retour` after an
expense is reviewed): a path of this site only, however the address is dressed up."""

from __future__ import annotations

import pytest

from web.pages.common import local_path, safe_next

FALLBACK = "/ici"


@pytest.mark.parametrize(
    "target",
    [
        "/entreprises/3/frais",
        "/mises-a-disposition/12/frais?mois=2026-11",
        "/notifications#n-4",
    ],
)
def test_a_path_of_this_site_is_kept(target: str) -> None:
    assert local_path(target, FALLBACK) == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "/\\/evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/ /evil.example",
        "javascript:alert(1)",
        "entreprises/3",
    ],
)
def test_any_other_address_goes_to_the_fallback(target: str | None) -> None:
    assert local_path(target, FALLBACK) == FALLBACK
    assert safe_next(target) == "/tableau-de-bord"
