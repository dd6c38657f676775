"""A company of the network, and the checks on its identity (SIREN, NAF, place, size, VAT)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.fr import siren as stdnum_siren

from timebank import geography, rules
from timebank.companies import refusals
from timebank.vat.model import VatRegime, vat_status


class HeadcountBand(StrEnum):
    """Staff size bands; a PME has fewer than 250 staff."""

    FROM_0_TO_9 = "0-9"
    FROM_10_TO_19 = "10-19"
    FROM_20_TO_49 = "20-49"
    FROM_50_TO_99 = "50-99"
    FROM_100_TO_249 = "100-249"


@dataclass(frozen=True, slots=True)
class Company:
    id: int
    siren: str
    name: str
    address: str
    postal_code: str
    city: str
    departement: str
    region: str
    headcount_band: HeadcountBand
    naf_code: str | None
    has_cse: bool
    latitude: float | None
    longitude: float | None
    created_at: datetime
    vat_regime: VatRegime = VatRegime.REEL
    vat_on_debits: bool = False
    vat_number: str | None = None


@dataclass(frozen=True, slots=True)
class RepresentedCompany:
    """A company and who signs its contracts: the full name of its first member with the
    representing role (by e-mail), None when it has none."""

    company: Company
    representative: str | None


@dataclass(frozen=True, slots=True)
class CompanyDraft:
    """A company's fields after validation, ready to store."""

    siren: str
    name: str
    address: str
    postal_code: str
    city: str
    departement: str
    region: str
    headcount_band: HeadcountBand
    naf_code: str | None
    has_cse: bool
    latitude: float | None = None
    longitude: float | None = None
    vat_regime: VatRegime = VatRegime.REEL
    vat_on_debits: bool = False
    vat_number: str | None = None


def validate_siren(value: str, *, field: str = "siren") -> str:
    """A 9-digit SIREN with a valid Luhn checksum (spaces allowed on input)."""
    try:
        return str(stdnum_siren.validate(value))
    except StdnumValidationError as exc:
        if isinstance(exc, InvalidChecksum):
            why = "la clé de contrôle ne correspond pas : vérifiez chaque chiffre"
        elif isinstance(exc, InvalidLength):
            why = "il compte 9 chiffres"
        else:
            why = "il ne contient que des chiffres"
        raise refusals.INVALID_SIREN.error(value=value[:20], why=why, exc=exc, field=field) from exc


def headcount_band(value: str, *, field: str = "headcount_band") -> HeadcountBand:
    try:
        return HeadcountBand(value)
    except ValueError as exc:
        allowed = ", ".join(band.value for band in HeadcountBand)
        raise refusals.INVALID_HEADCOUNT_BAND.error(
            value=value[:20], allowed=allowed, field=field
        ) from exc


def coordinates(
    latitude: float | None, longitude: float | None
) -> tuple[float | None, float | None]:
    """Both or neither; within WGS84 ranges."""
    if latitude is None and longitude is None:
        return None, None
    if latitude is None or longitude is None:
        raise refusals.INCOMPLETE_COORDINATES.error(
            field="latitude" if latitude is None else "longitude"
        )
    if not -90.0 <= latitude <= 90.0:
        raise refusals.OUT_OF_RANGE_LATITUDE.error()
    if not -180.0 <= longitude <= 180.0:
        raise refusals.OUT_OF_RANGE_LONGITUDE.error()
    return latitude, longitude


def draft_company(
    *,
    siren: str,
    name: str,
    address: str,
    postal_code: str,
    city: str,
    headcount_band_value: str,
    naf_code: str | None,
    has_cse: bool,
    latitude: float | None = None,
    longitude: float | None = None,
    vat_regime_value: str = VatRegime.REEL.value,
    vat_on_debits: bool = False,
    vat_number: str | None = None,
) -> CompanyDraft:
    """Validate every field of a company; raise InvalidInput on the first bad one."""
    checked_siren = validate_siren(siren)
    checked_postal_code = rules.postal_code(postal_code)
    departement = geography.departement_of(checked_postal_code)
    checked_latitude, checked_longitude = coordinates(latitude, longitude)
    vat = vat_status(
        regime_value=vat_regime_value,
        on_debits=vat_on_debits,
        vat_number=vat_number,
        siren=checked_siren,
    )
    return CompanyDraft(
        siren=checked_siren,
        name=rules.text(name, field="name", length_max=rules.NAME_LENGTH_MAX),
        address=rules.text(
            address, field="address", length_max=rules.NAME_LENGTH_MAX, required=False
        ),
        postal_code=checked_postal_code,
        city=rules.text(city, field="city", length_max=100, required=False),
        departement=departement,
        region=geography.region_of(departement),
        headcount_band=headcount_band(headcount_band_value),
        naf_code=rules.naf_code(naf_code),
        has_cse=has_cse,
        latitude=checked_latitude,
        longitude=checked_longitude,
        vat_regime=vat.regime,
        vat_on_debits=vat.on_debits,
        vat_number=vat.vat_number,
    )
