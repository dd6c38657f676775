"""The VAT rules of a supply of staff at exact cost, as pure functions (no ORM, no clock).

Every rule and its source is in docs/accounting.md, section « TVA »; where the law can be
read two ways, these functions take the stricter reading.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.fr import tva as stdnum_tva

from timebank.vat import refusals


class VatRegime(StrEnum):
    """How a company stands towards VAT."""

    REEL = "reel"  # liable (réel normal or simplifié): charges VAT on its supplies
    FRANCHISE = "franchise"  # franchise en base, CGI art. 293 B: charges none
    EXEMPT = "exempt"  # exempt activity (e.g. CGI art. 261): charges none


class VatExigibility(StrEnum):
    """When the VAT on an invoice becomes due to the Treasury."""

    NONE = "none"  # no VAT charged
    ON_PAYMENT = "payment"  # services: on payment (CGI art. 269, 2, c); a set-off is a payment
    ON_DEBITS = "debits"  # option pour les débits: on invoicing, or on payment if earlier


VAT_STANDARD_RATE_BASIS_POINTS: Final = 2000  # 20 %, CGI art. 278
BASIS_POINTS_PER_UNIT: Final = 10_000
VAT_NUMBER_LENGTH_MAX: Final = 20  # "FR 12 345 678 901" with spaces, and some slack
FRANCHISE_MENTION: Final = "TVA non applicable, art. 293 B du CGI"
EXEMPTION_ARTICLE_DEFAULT: Final = "art. 261 du CGI"
GROUP_EXEMPTION_MENTION: Final = "Exonération de TVA, art. 261 B du CGI"
DEBITS_MENTION: Final = "Option pour le paiement de la taxe d'après les débits"


@dataclass(frozen=True, slots=True)
class VatStatus:
    """A company's VAT settings, as an invoice needs them."""

    regime: VatRegime
    on_debits: bool = False
    vat_number: str | None = None
    exemption_article: str = EXEMPTION_ARTICLE_DEFAULT

    def __post_init__(self) -> None:
        assert not self.on_debits or self.regime is VatRegime.REEL, "debits need a liable company"


@dataclass(frozen=True, slots=True)
class VatTreatment:
    """What an invoice of `at_cost_cents` (excluding VAT) carries."""

    due: bool
    rate_basis_points: int
    at_cost_cents: int
    vat_cents: int
    exigibility: VatExigibility
    mentions: tuple[str, ...]

    @property
    def total_cents(self) -> int:
        return self.at_cost_cents + self.vat_cents


class GroupRebilling(StrEnum):
    EXEMPT_261_B = "exempt_261_b"
    GROUP_REGIME = "group_regime"  # 261 B does not apply: the group's own regime decides


def vat_cents(at_cost_cents: int, rate_basis_points: int) -> int:
    """VAT on an amount excluding VAT, rounded to the nearest cent, half a cent away from zero."""
    assert rate_basis_points >= 0
    numerator = abs(at_cost_cents) * rate_basis_points
    rounded = (2 * numerator + BASIS_POINTS_PER_UNIT) // (2 * BASIS_POINTS_PER_UNIT)
    return rounded if at_cost_cents >= 0 else -rounded


def staff_loan_vat(lender: VatStatus, at_cost_cents: int) -> VatTreatment:
    """The VAT of the lender's invoice for staff lent at exact cost (the host's regime is moot)."""
    if lender.regime is VatRegime.REEL:
        return VatTreatment(
            due=True,
            rate_basis_points=VAT_STANDARD_RATE_BASIS_POINTS,
            at_cost_cents=at_cost_cents,
            vat_cents=vat_cents(at_cost_cents, VAT_STANDARD_RATE_BASIS_POINTS),
            exigibility=VatExigibility.ON_DEBITS if lender.on_debits else VatExigibility.ON_PAYMENT,
            mentions=(DEBITS_MENTION,) if lender.on_debits else (),
        )
    mention = (
        FRANCHISE_MENTION
        if lender.regime is VatRegime.FRANCHISE
        else f"Exonération de TVA, {lender.exemption_article}"
    )
    return _no_vat(at_cost_cents, mention)


def group_rebilling_vat(
    group: VatStatus, members: Sequence[VatRegime], at_cost_cents: int
) -> tuple[GroupRebilling, VatTreatment]:
    """The VAT of a group's re-billing of a member: 261 B only if every member is exempt."""
    assert members, "a group re-bills its members"
    if all(regime is VatRegime.EXEMPT for regime in members):
        return GroupRebilling.EXEMPT_261_B, _no_vat(at_cost_cents, GROUP_EXEMPTION_MENTION)
    return GroupRebilling.GROUP_REGIME, staff_loan_vat(group, at_cost_cents)


def _no_vat(at_cost_cents: int, mention: str) -> VatTreatment:
    return VatTreatment(
        due=False,
        rate_basis_points=0,
        at_cost_cents=at_cost_cents,
        vat_cents=0,
        exigibility=VatExigibility.NONE,
        mentions=(mention,),
    )


def exigible_on(
    exigibility: VatExigibility,
    *,
    invoiced_on: date,
    paid_on: date | None,
    set_off_on: date | None = None,
) -> date | None:
    """The day the VAT becomes due; None while an on-payment invoice is neither paid nor set off."""
    settled = [day for day in (paid_on, set_off_on) if day is not None]
    first_settled = min(settled) if settled else None
    if exigibility is VatExigibility.NONE:
        return None
    if exigibility is VatExigibility.ON_PAYMENT:
        return first_settled
    return invoiced_on if first_settled is None else min(invoiced_on, first_settled)


def vat_number_of(siren: str) -> str:
    """The French intra-community VAT number of a SIREN: FR + 2-digit key + SIREN."""
    assert len(siren) == 9
    assert siren.isdigit()
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f"FR{key:02d}{siren}"


def validate_vat_number(value: str, *, siren: str, field: str = "vat_number") -> str:
    """A French VAT number (spaces allowed) whose SIREN part is `siren`, as FR + 11 characters."""
    cleaned = "".join(value.split()).replace(".", "").replace("-", "").upper()
    if len(cleaned) >= 2 and cleaned[:2].isalpha() and cleaned[:2] != "FR":
        raise refusals.VAT_NUMBER_NOT_RECOGNISED.error(value=value[:20], field=field)
    try:
        number = str(stdnum_tva.validate(cleaned))
    except StdnumValidationError as exc:
        why_fr = (
            "la clé ne correspond pas au SIREN : vérifiez chaque chiffre"
            if isinstance(exc, InvalidChecksum)
            else "FR, une clé de 2 caractères et les 9 chiffres du SIREN"
        )
        raise refusals.VAT_NUMBER_INVALID.error(
            value=value[:20], why_fr=why_fr, exc=exc, field=field
        ) from exc
    if number[2:] != siren:
        raise refusals.VAT_NUMBER_OTHER_SIREN.error(number=number[2:], siren=siren, field=field)
    return f"FR{number}"


def vat_regime(value: str, *, field: str = "vat_regime") -> VatRegime:
    try:
        return VatRegime(value)
    except ValueError as exc:
        allowed = ", ".join(regime.value for regime in VatRegime)
        raise refusals.INVALID_VAT_REGIME.error(
            value=value[:20], allowed=allowed, field=field
        ) from exc


def vat_status(
    *, regime_value: str, on_debits: bool, vat_number: str | None, siren: str
) -> VatStatus:
    """Validate a company's VAT settings; raise InvalidInput on the first bad one."""
    regime = vat_regime(regime_value)
    if on_debits and regime is not VatRegime.REEL:
        raise refusals.VAT_DEBITS_NOT_LIABLE.error()
    number = None
    if vat_number is not None and vat_number.strip():
        if len(vat_number) > VAT_NUMBER_LENGTH_MAX:
            raise refusals.INVALID_VAT_NUMBER_VAT_NUMBER.error(
                vat_number_length_max=VAT_NUMBER_LENGTH_MAX
            )
        number = validate_vat_number(vat_number, siren=siren)
    return VatStatus(regime=regime, on_debits=on_debits, vat_number=number)
