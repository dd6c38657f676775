"""VAT on staff loans at exact cost: rate, amount, mentions, exigibility, 261 B, VAT numbers."""

from __future__ import annotations

from datetime import date

import pytest
from stdnum.fr import tva

from timebank.errors import InvalidInput
from timebank.vat.model import (
    GroupRebilling,
    VatExigibility,
    VatRegime,
    VatStatus,
    exigible_on,
    group_rebilling_vat,
    staff_loan_vat,
    validate_vat_number,
    vat_cents,
    vat_number_of,
    vat_status,
)

SIREN = "303265045"  # its VAT number is FR40303265045 (key 12 + 3 × (303265045 mod 97) mod 97)
OTHER_SIREN = "732829320"
LIABLE = VatStatus(VatRegime.REEL)


def test_a_liable_lender_charges_20_percent_of_the_exact_cost() -> None:
    # 1 234,56 € × 20 % = 246,912 € → 246,91 €; total 1 481,47 €.
    treatment = staff_loan_vat(LIABLE, 123_456)
    assert treatment.due
    assert treatment.rate_basis_points == 2000
    assert treatment.vat_cents == 24_691
    assert treatment.total_cents == 148_147
    assert treatment.exigibility is VatExigibility.ON_PAYMENT
    assert treatment.mentions == ()


def test_half_a_cent_rounds_up_and_a_credit_note_mirrors_it() -> None:
    # 0,125 € → 0,13 € ; 10,02 € × 20 % = 2,004 € → 2,00 € ; 10,03 € → 2,006 € → 2,01 €.
    assert vat_cents(125, 1000) == 13
    assert vat_cents(1002, 2000) == 200
    assert vat_cents(1003, 2000) == 201
    assert vat_cents(-123_456, 2000) == -24_691
    assert vat_cents(0, 2000) == 0


def test_the_host_regime_does_not_change_the_lender_invoice() -> None:
    # Only the supplier's regime decides: a host under franchise still pays 20 %.
    assert staff_loan_vat(LIABLE, 10_000).vat_cents == 2_000


def test_franchise_lender_charges_no_vat_and_says_why() -> None:
    treatment = staff_loan_vat(VatStatus(VatRegime.FRANCHISE), 123_456)
    assert not treatment.due
    assert (treatment.vat_cents, treatment.rate_basis_points, treatment.total_cents) == (
        0,
        0,
        123_456,
    )
    assert treatment.mentions == ("TVA non applicable, art. 293 B du CGI",)
    assert treatment.exigibility is VatExigibility.NONE


def test_exempt_lender_cites_its_exemption_article() -> None:
    default = staff_loan_vat(VatStatus(VatRegime.EXEMPT), 50_000)
    assert default.mentions == ("Exonération de TVA, art. 261 du CGI",)
    precise = staff_loan_vat(
        VatStatus(VatRegime.EXEMPT, exemption_article="art. 261, 4, 4° du CGI"), 50_000
    )
    assert precise.mentions == ("Exonération de TVA, art. 261, 4, 4° du CGI",)
    assert precise.vat_cents == 0


def test_option_for_debits_is_mentioned_and_makes_vat_due_on_invoicing() -> None:
    treatment = staff_loan_vat(VatStatus(VatRegime.REEL, on_debits=True), 80_000)
    assert treatment.vat_cents == 16_000  # 800 € × 20 % = 160 €
    assert treatment.exigibility is VatExigibility.ON_DEBITS
    assert treatment.mentions == ("Option pour le paiement de la taxe d'après les débits",)


def test_on_payment_vat_waits_for_the_payment_or_the_set_off() -> None:
    invoiced = date(2026, 11, 30)
    on_payment = VatExigibility.ON_PAYMENT
    assert exigible_on(on_payment, invoiced_on=invoiced, paid_on=None) is None
    assert exigible_on(on_payment, invoiced_on=invoiced, paid_on=date(2027, 1, 15)) == date(
        2027, 1, 15
    )
    # A set-off is a payment: the earlier of the two settles the VAT.
    assert exigible_on(
        on_payment, invoiced_on=invoiced, paid_on=None, set_off_on=date(2026, 12, 10)
    ) == date(2026, 12, 10)
    assert exigible_on(
        on_payment, invoiced_on=invoiced, paid_on=date(2026, 12, 5), set_off_on=date(2026, 12, 10)
    ) == date(2026, 12, 5)


def test_on_debits_vat_is_due_on_invoicing_or_an_earlier_payment() -> None:
    invoiced = date(2026, 11, 30)
    debits = VatExigibility.ON_DEBITS
    assert exigible_on(debits, invoiced_on=invoiced, paid_on=None) == invoiced
    assert exigible_on(debits, invoiced_on=invoiced, paid_on=date(2027, 1, 5)) == invoiced
    assert exigible_on(debits, invoiced_on=invoiced, paid_on=date(2026, 11, 20)) == date(
        2026, 11, 20
    )
    assert exigible_on(VatExigibility.NONE, invoiced_on=invoiced, paid_on=invoiced) is None


def test_group_rebilling_is_exempt_under_261_b_only_when_every_member_is_exempt() -> None:
    group = VatStatus(VatRegime.REEL)
    kind, treatment = group_rebilling_vat(group, [VatRegime.EXEMPT, VatRegime.EXEMPT], 300_000)
    assert kind is GroupRebilling.EXEMPT_261_B
    assert treatment.vat_cents == 0
    assert treatment.mentions == ("Exonération de TVA, art. 261 B du CGI",)


@pytest.mark.parametrize(
    "members",
    [
        [VatRegime.EXEMPT, VatRegime.REEL],
        [VatRegime.EXEMPT, VatRegime.FRANCHISE],  # franchise is liable, only not charging
        [VatRegime.REEL],
    ],
)
def test_one_member_not_exempt_puts_the_group_back_under_its_own_regime(
    members: list[VatRegime],
) -> None:
    kind, treatment = group_rebilling_vat(VatStatus(VatRegime.REEL), members, 300_000)
    assert kind is GroupRebilling.GROUP_REGIME
    assert treatment.vat_cents == 60_000  # 3 000 € × 20 % = 600 €
    kind, treatment = group_rebilling_vat(VatStatus(VatRegime.FRANCHISE), members, 300_000)
    assert treatment.mentions == ("TVA non applicable, art. 293 B du CGI",)


def test_vat_number_of_a_siren_passes_stdnum() -> None:
    assert vat_number_of(SIREN) == "FR40303265045"
    assert tva.is_valid(vat_number_of(OTHER_SIREN))


def test_a_valid_vat_number_is_stored_compact() -> None:
    assert validate_vat_number("fr 40 303 265 045", siren=SIREN) == "FR40303265045"
    assert validate_vat_number("40303265045", siren=SIREN) == "FR40303265045"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("FR41303265045", "invalid_vat_number"),  # wrong key
        ("FR4030326504", "invalid_vat_number"),  # too short
        ("DE123456789", "invalid_vat_number"),  # not French
        (vat_number_of(OTHER_SIREN), "vat_number_other_siren"),  # another company's
    ],
)
def test_bad_vat_numbers_are_refused_beside_the_field(value: str, code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        validate_vat_number(value, siren=SIREN)
    assert (refused.value.code, refused.value.field) == (code, "vat_number")
    assert refused.value.message_fr and refused.value.message_en


def test_only_a_liable_company_may_opt_for_debits() -> None:
    with pytest.raises(InvalidInput) as refused:
        vat_status(regime_value="franchise", on_debits=True, vat_number=None, siren=SIREN)
    assert (refused.value.code, refused.value.field) == ("vat_debits_not_liable", "vat_on_debits")
    with pytest.raises(InvalidInput) as unknown:
        vat_status(regime_value="micro", on_debits=False, vat_number=None, siren=SIREN)
    assert (unknown.value.code, unknown.value.field) == ("invalid_vat_regime", "vat_regime")
    status = vat_status(regime_value="reel", on_debits=True, vat_number=" ", siren=SIREN)
    assert status == VatStatus(VatRegime.REEL, on_debits=True, vat_number=None)
