"""How the profile and staff pages read what people type: percentages, coordinates, skill rows."""

from __future__ import annotations

import pytest
from litestar.datastructures import FormMultiDict

from timebank.errors import InvalidInput
from web.pages.company import coordinate, euros_text, percent_text, percent_to_basis_points
from web.pages.profile import SkillRow, rows_of_form, skill_levels


def form(**values: str) -> FormMultiDict:
    return FormMultiDict(values)


def rate(raw: str) -> int:
    return percent_to_basis_points(form(r=raw), "r", label_fr="Taux", label_en="Rate")


@pytest.mark.parametrize(
    ("raw", "basis_points"),
    [("42", 4200), ("42,5", 4250), ("42.55", 4255), ("42 %", 4200), ("0", 0), ("150", 15000)],
)
def test_percentages_as_people_type_them(raw: str, basis_points: int) -> None:
    assert rate(raw) == basis_points


@pytest.mark.parametrize("raw", ["", "-5", "42,555", "quarante", "4 2,5,1", "1" * 20])
def test_unreadable_percentages_are_refused_beside_the_field(raw: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        rate(raw)
    assert (caught.value.field, caught.value.code) == ("r", "not_a_percentage")


def test_what_the_page_shows_reads_back_to_the_same_numbers() -> None:
    for basis_points in (0, 4200, 4250, 4255, 10_000):
        assert rate(percent_text(basis_points)) == basis_points
    assert euros_text(4_200_000) == "42 000"
    assert euros_text(4_500_050) == "45 000,50"


def test_coordinates_take_a_decimal_comma_and_refuse_words() -> None:
    read = coordinate(form(lat="-1,68"), "lat", label_fr="Latitude", label_en="Latitude")
    assert read == -1.68
    assert coordinate(form(lat=""), "lat", label_fr="Latitude", label_en="Latitude") is None
    with pytest.raises(InvalidInput) as caught:
        coordinate(form(lat="nord"), "lat", label_fr="Latitude", label_en="Latitude")
    assert caught.value.field == "lat"


def test_empty_and_removed_skill_rows_are_dropped_so_refusals_land_on_their_row() -> None:
    typed = form(
        **{
            "rows": "4",
            "skills[0].skill": "seo",
            "skills[0].level": "3",
            "skills[1].skill": "",
            "skills[1].level": "2",
            "skills[2].skill": "web-dev",
            "skills[2].level": "1",
            "skills[2].remove": "on",
            "skills[3].skill": "wordpress",
            "skills[3].level": "",
        }
    )
    rows = rows_of_form(typed)
    assert rows == [SkillRow("seo", "3"), SkillRow("wordpress", "")]
    with pytest.raises(InvalidInput) as caught:
        skill_levels(rows)
    assert caught.value.field == "skills[1].level"
    assert skill_levels(rows[:1]) == [("seo", 3)]
