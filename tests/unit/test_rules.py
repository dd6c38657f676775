"""Input rules: each refusal names its field and code, in French and English."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path
from typing import Final

import pytest

from ledger.model import TransferResult
from timebank import refusals as shared_refusals
from timebank import rules
from timebank.companies.model import draft_company, validate_siren
from timebank.errors import InvalidInput
from timebank.geography import departement_of, distance_km, region_of

ROOT: Final = Path(__file__).resolve().parents[2]


def refusal(function: object, *args: object, **kwargs: object) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        function(*args, **kwargs)  # type: ignore[operator]
    assert caught.value.message_fr and caught.value.message_en
    return caught.value


def test_valid_siren_passes_and_spaces_are_removed() -> None:
    assert validate_siren("732 829 320") == "732829320"


@pytest.mark.parametrize("bad", ["732829321", "12345678", "abcdefghi", "", "7328293200"])
def test_invalid_siren_is_refused_with_field(bad: str) -> None:
    error = refusal(validate_siren, bad)
    assert (error.code, error.field) == ("invalid_siren", "siren")


def test_over_long_text_is_refused() -> None:
    error = refusal(rules.text, "x" * 201, field="name", length_max=200)
    assert (error.code, error.field) == ("text_too_long", "name")


def test_required_text_cannot_be_blank() -> None:
    assert refusal(rules.text, "   ", field="title", length_max=10).code == "required"


@pytest.mark.parametrize(
    "bad", ["plainaddress", "a@b", "@example.fr", "a b@example.fr", "x" * 250 + "@example.fr"]
)
def test_malformed_email_is_refused(bad: str) -> None:
    assert refusal(rules.email, bad).code == "invalid_email"


def test_email_is_lower_cased() -> None:
    assert rules.email(" Camille.Martin@Example.FR ") == "camille.martin@example.fr"


def test_negative_hours_are_refused() -> None:
    assert refusal(rules.minutes, -1, field="m", high=100).code == "negative_hours"


def test_more_than_a_month_of_work_is_absurd() -> None:
    high = rules.MONTH_WORK_MINUTES_MAX
    assert rules.minutes(high, field="m", high=high) == high
    assert refusal(rules.minutes, high + 1, field="m", high=high).code == "absurd_hours"


@pytest.mark.parametrize("level", [0, 5, -1, True])
def test_skill_level_outside_one_to_four_is_refused(level: int) -> None:
    assert refusal(rules.skill_level, level).code == "invalid_skill_level"


def test_end_before_start_is_refused() -> None:
    error = refusal(rules.date_order, date(2027, 1, 2), date(2027, 1, 1), field="window_end")
    assert (error.code, error.field) == ("end_before_start", "window_end")
    assert "01/01/2027" in error.message_fr


def test_unknown_language_is_refused_and_duplicates_collapse() -> None:
    assert rules.languages(["fr", "EN", "fr"]) == ("fr", "en")
    assert refusal(rules.languages, ["fr", "klingon"]).code == "unknown_language"
    assert refusal(rules.languages, []).code == "required"


@pytest.mark.parametrize(
    ("code", "expected"), [("62.01Z", "62.01Z"), ("47.71z", "47.71Z"), ("", None), (None, None)]
)
def test_naf_code_is_normalised(code: str | None, expected: str | None) -> None:
    assert rules.naf_code(code) == expected


def test_malformed_naf_code_is_refused() -> None:
    assert refusal(rules.naf_code, "6201Z").code == "invalid_naf_code"


@pytest.mark.parametrize(
    ("postal_code", "departement", "region"),
    [
        ("35000", "35", "Bretagne"),
        ("67000", "67", "Grand Est"),
        ("20000", "2A", "Corse"),
        ("20200", "2B", "Corse"),
        ("97400", "974", "La Réunion"),
        ("75011", "75", "Île-de-France"),
    ],
)
def test_departement_and_region_come_from_the_postal_code(
    postal_code: str, departement: str, region: str
) -> None:
    assert departement_of(postal_code) == departement
    assert region_of(departement) == region


def test_postal_code_of_no_departement_is_refused() -> None:
    assert refusal(departement_of, "98000").code == "unknown_departement"


def test_company_draft_needs_both_coordinates() -> None:
    error = refusal(
        draft_company,
        siren="732829320",
        name="X",
        address="",
        postal_code="35000",
        city="",
        headcount_band_value="0-9",
        naf_code=None,
        has_cse=False,
        latitude=48.0,
        longitude=None,
    )
    assert (error.code, error.field) == ("incomplete_coordinates", "longitude")


def test_unknown_headcount_band_is_refused() -> None:
    error = refusal(
        draft_company,
        siren="732829320",
        name="X",
        address="",
        postal_code="35000",
        city="",
        headcount_band_value="250+",
        naf_code=None,
        has_cse=False,
    )
    assert error.field == "headcount_band"


def test_haversine_distance_paris_lyon() -> None:
    # Paris (48.8566, 2.3522) to Lyon (45.7640, 4.8357): about 392 km on the great circle.
    assert 390 < distance_km(48.8566, 2.3522, 45.7640, 4.8357) < 394
    assert distance_km(45.0, 5.0, 45.0, 5.0) == 0


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("1h30", 90),
        ("1 h 30", 90),
        ("1,5 h", 90),
        ("1.5h", 90),
        ("45 min", 45),
        ("2h", 120),
        ("1:30", 90),
        ("0,25 h", 15),
        ("10 h 05", 605),
        ("3 heures", 180),
    ],
)
def test_durations_are_read_as_people_type_them(typed: str, minutes: int) -> None:
    from timebank.formatting import parse_duration_minutes

    assert parse_duration_minutes(typed) == minutes


@pytest.mark.parametrize("typed", ["", "2", "-1h", "1h75", "abc", "1,333 h", "1" * 40])
def test_unreadable_durations_are_refused_with_the_field(typed: str) -> None:
    from timebank.errors import InvalidInput
    from timebank.formatting import parse_duration_minutes

    with pytest.raises(InvalidInput) as refused:
        parse_duration_minutes(typed, field="duration")
    assert refused.value.field == "duration" and refused.value.code == "unreadable_duration"


@pytest.mark.parametrize(("typed", "minutes"), [("1 200 h", 72_000), ("1607 h", 96_420)])
def test_a_year_of_hours_is_read_with_or_without_the_thousands_space(
    typed: str, minutes: int
) -> None:
    from timebank.formatting import parse_duration_minutes

    assert parse_duration_minutes(typed) == minutes


def test_a_refusal_names_the_field_in_the_readers_words() -> None:
    with pytest.raises(InvalidInput) as caught:
        rules.text("  ", field="reason", length_max=10)
    assert caught.value.message_fr == "Le champ « motif » est obligatoire."
    assert caught.value.message_en == "The field 'reason' is required."
    assert caught.value.field == "reason"  # The API's name stays in `field`.
    with pytest.raises(InvalidInput) as caught:
        rules.skill_level(9, field="skills[2].level")
    assert "« niveau »" in caught.value.message_fr
    with pytest.raises(InvalidInput) as caught:
        rules.minutes(2000 * 60, field="extra_minutes", high=1607 * 60)
    assert caught.value.message_fr == (
        "Le champ « heures supplémentaires » dépasse le maximum de 1\u202f607\u00a0h."
    )


def test_every_field_the_rules_name_has_words_for_people() -> None:
    """Each field name the code gives the rules that word it (text, ranges, durations, levels)
    has a French and an English label, so no form shows an API name."""
    worded = {"text", "integer_range", "minutes", "skill_level"}
    named: set[str] = set()
    for path in [*ROOT.joinpath("timebank").rglob("*.py"), *ROOT.joinpath("web").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else ""
            name = name or (function.id if isinstance(function, ast.Name) else "")
            for keyword in node.keywords if name in worded else ():
                if keyword.arg == "field" and isinstance(keyword.value, ast.Constant):
                    named.add(str(keyword.value.value))
    named |= {"level", "working_hours", "post_characteristics"}  # Defaults and passed through.
    assert len(named) > 20
    assert sorted(named - set(rules.FIELD_LABELS)) == []


def test_a_ledger_refusal_names_the_event_that_failed() -> None:
    created, linked = TransferResult.CREATED, TransferResult.LINKED_EVENT_FAILED
    limit = TransferResult.EXCEEDS_DEBIT_LIMIT
    assert shared_refusals.ledger_failure([created, TransferResult.EXISTS]) is None
    assert shared_refusals.ledger_failure([linked, limit, linked]) is limit  # Not its chain.
    assert shared_refusals.ledger_failure([linked]) is linked
    assert shared_refusals.ledger_words(limit)["result_fr"] == (
        "le compte débité passerait sous sa limite de crédit"
    )
    assert (
        "exceeds_pending_amount"
        in shared_refusals.ledger_words(TransferResult.EXCEEDS_PENDING_AMOUNT)["result_fr"]
    )


@pytest.mark.parametrize(
    ("basis_points", "shown"),
    [(2000, "20\u202f%"), (1000, "10\u202f%"), (550, "5,5\u202f%"), (210, "2,1\u202f%")],
)
def test_a_vat_rate_reads_in_french_with_its_decimals(basis_points: int, shown: str) -> None:
    """5,5 % was shown « 5 % » (whole hundredths of basis points)."""
    from timebank.formatting import percent

    assert percent(basis_points) == shown
