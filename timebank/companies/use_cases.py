"""Use cases on companies: the directory every member sees, and edits by the company's admins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from timebank import rules
from timebank.book.use_cases import ensure_company_accounts
from timebank.companies import refusals
from timebank.companies.model import Company, CompanyDraft, draft_company
from timebank.companies.repository import duplicate_siren
from timebank.db.unit_of_work import UnitOfWork
from timebank.geography import REGIONS
from timebank.pagination import Page, page_request
from timebank.people.model import Actor, Role, require_acting_for, require_operator
from timebank.vat.model import VatRegime


@dataclass(frozen=True, slots=True)
class CompanyInput:
    siren: str
    name: str
    address: str
    postal_code: str
    city: str
    headcount_band: str
    naf_code: str | None
    has_cse: bool
    latitude: float | None = None
    longitude: float | None = None
    # VAT: None keeps the stored value on an edit (a new company: réel, no option, no number);
    # an empty VAT number removes it.
    vat_regime: str | None = None
    vat_on_debits: bool | None = None
    vat_number: str | None = None


def company_draft(data: CompanyInput, *, existing: Company | None = None) -> CompanyDraft:
    """Validate a company's input; an edit keeps the stored SIREN and, if not given, its VAT."""
    regime = data.vat_regime
    if regime is None:
        regime = VatRegime.REEL.value if existing is None else existing.vat_regime.value
    on_debits = data.vat_on_debits
    if on_debits is None:
        # Leaving the réel regime drops the option, which only a liable company may hold.
        on_debits = (
            existing is not None and existing.vat_on_debits and regime == VatRegime.REEL.value
        )
    number = data.vat_number
    if number is None and existing is not None:
        number = existing.vat_number
    return draft_company(
        siren=data.siren if existing is None else existing.siren,
        name=data.name,
        address=data.address,
        postal_code=data.postal_code,
        city=data.city,
        headcount_band_value=data.headcount_band,
        naf_code=data.naf_code,
        has_cse=data.has_cse,
        latitude=data.latitude,
        longitude=data.longitude,
        vat_regime_value=regime,
        vat_on_debits=on_debits,
        vat_number=number,
    )


def check_region(region: str | None) -> str | None:
    if region is None or region in REGIONS:
        return region
    raise refusals.UNKNOWN_REGION.error(region=region[:60])


async def create_company(
    uow: UnitOfWork, actor: Actor, data: CompanyInput, *, now: datetime
) -> Company:
    """The operator registers a company directly (sign-up is the usual way)."""
    require_operator(actor)
    draft = company_draft(data)
    async with uow() as repos:
        if await repos.companies.get_by_siren(draft.siren) is not None:
            raise duplicate_siren(draft.siren)
        company = await repos.companies.add(draft, now=now)
        await ensure_company_accounts(repos, company.id, now=now)
        return company


async def get_company(uow: UnitOfWork, actor: Actor, company_id: int) -> Company:
    """Any member of the network may read a company's public record."""
    del actor  # Public directory data: being authenticated is enough.
    async with uow(write=False) as repos:
        company = await repos.companies.get(company_id)
    if company is None:
        raise refusals.COMPANY_NOT_FOUND.error(id=company_id)
    return company


async def list_companies(
    uow: UnitOfWork,
    actor: Actor,
    *,
    region: str | None,
    search: str | None,
    limit: int,
    offset: int,
) -> Page[Company]:
    del actor
    page = page_request(limit, offset)
    checked_region = check_region(region)
    checked_search = None
    if search is not None and search.strip():
        checked_search = rules.text(search, field="search", length_max=100)
    async with uow(write=False) as repos:
        items, total = await repos.companies.list(
            region=checked_region, search=checked_search, page=page
        )
    return Page(items=tuple(items), total=total, limit=page.limit, offset=page.offset)


async def update_company(
    uow: UnitOfWork, actor: Actor, company_id: int, data: CompanyInput
) -> Company:
    """The company's admins edit its record; the SIREN cannot change."""
    require_acting_for(actor, company_id, Role.COMPANY_ADMIN)
    async with uow() as repos:
        existing = await repos.companies.get(company_id)
        if existing is None:
            raise refusals.COMPANY_NOT_FOUND.error(id=company_id)
        draft = company_draft(data, existing=existing)
        return await repos.companies.update(company_id, draft)
