"""A company's record, in and out."""

from __future__ import annotations

from pydantic import Field

from web.schemas.common import In, Out


class CompanyIn(In):
    siren: str
    name: str
    address: str = ""
    postal_code: str
    city: str = ""
    headcount_band: str
    naf_code: str | None = None
    has_cse: bool = False
    latitude: float | None = None
    longitude: float | None = None
    vat_regime: str | None = Field(
        default=None,
        description="reel, franchise or exempt; omitted: unchanged (réel for a new company)",
    )
    vat_on_debits: bool | None = Field(
        default=None, description="option pour les débits (réel only); omitted: unchanged"
    )
    vat_number: str | None = Field(
        default=None, description="FR + key + the company's SIREN; omitted: unchanged, '': none"
    )


class CompanyOut(Out):
    id: int
    siren: str
    name: str
    address: str
    postal_code: str
    city: str
    departement: str
    region: str
    headcount_band: str
    naf_code: str | None
    has_cse: bool
    latitude: float | None
    longitude: float | None
    vat_regime: str
    vat_on_debits: bool
    vat_number: str | None
