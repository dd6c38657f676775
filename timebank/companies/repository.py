"""Loads and stores companies: the only module that queries the company table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from piccolo.columns import Column

from timebank.companies import refusals
from timebank.companies.model import Company, CompanyDraft, HeadcountBand, RepresentedCompany
from timebank.db.errors import is_unique_violation
from timebank.db.sql import Row, Sql, fetch
from timebank.db.tables import CompanyTable
from timebank.errors import Conflict
from timebank.pagination import PageRequest
from timebank.vat.model import VatRegime


def duplicate_siren(siren: str) -> Conflict:
    return refusals.DUPLICATE_SIREN.error(siren=siren)


COMPANY_COLUMNS = (
    "id, siren, name, address, postal_code, city, departement, region, headcount_band, "
    "naf_code, has_cse, latitude, longitude, created_at, vat_regime, vat_on_debits, vat_number"
)
# The hottest reads (every loan, statement and page reads its companies): fixed SQL.
COMPANY_SQL = Sql(f"SELECT {COMPANY_COLUMNS} FROM company WHERE id = {{0}}")
COMPANIES_SQL = Sql(f"SELECT {COMPANY_COLUMNS} FROM company WHERE id {{0:in}}")
# Documents read their companies with the names that sign for them: one statement.
REPRESENTED_SQL = Sql(
    f"SELECT {COMPANY_COLUMNS}, (SELECT u.full_name FROM membership m "
    'JOIN app_user u ON u.id = m."user" WHERE m.company = company.id AND m.role = {1} '
    "ORDER BY u.email LIMIT 1) AS representative FROM company WHERE id {0:in}"
)


def company_from_row(row: dict[str, Any] | Row) -> Company:
    """The company of a row read with COMPANY_COLUMNS (other areas' reads use it too)."""
    return Company(
        id=row["id"],
        siren=row["siren"],
        name=row["name"],
        address=row["address"],
        postal_code=row["postal_code"],
        city=row["city"],
        departement=row["departement"],
        region=row["region"],
        headcount_band=HeadcountBand(row["headcount_band"]),
        naf_code=row["naf_code"],
        has_cse=bool(row["has_cse"]),
        latitude=row["latitude"],
        longitude=row["longitude"],
        created_at=row["created_at"],
        vat_regime=VatRegime(row["vat_regime"]),
        vat_on_debits=bool(row["vat_on_debits"]),
        vat_number=row["vat_number"],
    )


def _values(draft: CompanyDraft) -> dict[str, Any]:
    return {
        "siren": draft.siren,
        "name": draft.name,
        "address": draft.address,
        "postal_code": draft.postal_code,
        "city": draft.city,
        "departement": draft.departement,
        "region": draft.region,
        "headcount_band": draft.headcount_band.value,
        "naf_code": draft.naf_code,
        "has_cse": draft.has_cse,
        "latitude": draft.latitude,
        "longitude": draft.longitude,
        "vat_regime": draft.vat_regime.value,
        "vat_on_debits": draft.vat_on_debits,
        "vat_number": draft.vat_number,
    }


class CompanyRepository:
    async def add(self, draft: CompanyDraft, *, now: datetime) -> Company:
        try:
            rows = await CompanyTable.insert(
                CompanyTable(**_values(draft), created_at=now)
            ).returning(*CompanyTable.all_columns())
        except Exception as exc:
            if is_unique_violation(exc):
                raise duplicate_siren(draft.siren) from exc
            raise
        return company_from_row(rows[0])

    async def get(self, company_id: int) -> Company | None:
        rows = await fetch(COMPANY_SQL, company_id)
        return company_from_row(rows[0]) if rows else None

    async def get_by_siren(self, siren: str) -> Company | None:
        row = await CompanyTable.select().where(CompanyTable.siren == siren).first()
        return None if row is None else company_from_row(row)

    async def get_many(self, company_ids: list[int]) -> dict[int, Company]:
        if not company_ids:
            return {}
        rows = await fetch(COMPANIES_SQL, list(company_ids))
        return {row["id"]: company_from_row(row) for row in rows}

    async def represented(
        self, company_ids: list[int], representing_role: str
    ) -> dict[int, RepresentedCompany]:
        """The companies with their representative: the first member with `representing_role`
        (a membership role's value) by e-mail."""
        if not company_ids:
            return {}
        rows = await fetch(REPRESENTED_SQL, sorted(set(company_ids)), representing_role)
        return {
            row["id"]: RepresentedCompany(company_from_row(row), row["representative"])
            for row in rows
        }

    async def list(
        self, *, region: str | None, search: str | None, page: PageRequest
    ) -> tuple[list[Company], int]:
        query = CompanyTable.select().order_by(CompanyTable.name).order_by(CompanyTable.id)
        count = CompanyTable.count()
        if region is not None:
            query = query.where(CompanyTable.region == region)
            count = count.where(CompanyTable.region == region)
        if search is not None:
            pattern = f"%{search}%"
            # SQLite's LIKE already ignores ASCII case; PostgreSQL needs ILIKE.
            name_matches = (
                CompanyTable.name.like(pattern)
                if CompanyTable._meta.db.engine_type == "sqlite"
                else CompanyTable.name.ilike(pattern)
            )
            condition = name_matches | CompanyTable.siren.like(pattern)
            query = query.where(condition)
            count = count.where(condition)
        rows = await query.limit(page.limit).offset(page.offset)
        return [company_from_row(row) for row in rows], await count

    async def update(self, company_id: int, draft: CompanyDraft) -> Company:
        # The SIREN identifies the company; it never changes.
        values: dict[Column | str, Any] = {
            key: value for key, value in _values(draft).items() if key != "siren"
        }
        await CompanyTable.update(values).where(CompanyTable.id == company_id)
        company = await self.get(company_id)
        assert company is not None
        return company

    async def count(self) -> int:
        return int(await CompanyTable.count())
