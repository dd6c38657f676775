"""Exports for accountants and company admins: entries in FEC layout, hours, amortisation
statements; asset projects marked on needs."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from typing import TextIO, cast

from litestar import Controller, Response, get, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Stream
from litestar.status_codes import HTTP_204_NO_CONTENT

from timebank.accounting import use_cases
from timebank.accounting.model import amortisation_file_name, hours_file_name
from timebank.accounting.use_cases import accounting_settings
from web.dependencies import CurrentActor, Now, Uow
from web.downloads import disposition
from web.schemas import AssetProjectIn

CHUNK_CHARACTERS = 64 * 1024
SPOOL_BYTES_MAX = 8 * 1024 * 1024  # Larger files go to a temporary file, not to memory.


class AccountingController(Controller):
    path = "/api/v1"
    tags = ["Comptabilité"]

    @get("/companies/{company_id:int}/exports/fec")
    async def fec(
        self,
        company_id: FromPath[int],
        year: FromQuery[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Stream:
        """The fiscal year's entries in FEC layout (TAB, AAAAMMJJ, decimal comma), named
        <SIREN>FEC<AAAAMMJJ>.txt; the company's admins and its accountants only."""
        spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed by the stream below.
            max_size=SPOOL_BYTES_MAX, mode="w+", encoding="utf-8", newline=""
        )
        try:
            name, _ = await use_cases.export_fec(
                uow,
                actor,
                company_id,
                year=year,
                out=cast(TextIO, spool),
                settings=accounting_settings(),
                now=now,
            )
        except BaseException:
            spool.close()
            raise
        spool.seek(0)

        async def chunks() -> AsyncIterator[bytes]:
            try:
                while text := spool.read(CHUNK_CHARACTERS):
                    yield text.encode("utf-8")
            finally:
                spool.close()

        return Stream(chunks(), media_type="text/plain", headers=disposition(name))

    @get("/companies/{company_id:int}/exports/hours.csv")
    async def hours(
        self, company_id: FromPath[int], year: FromQuery[int], uow: Uow, actor: CurrentActor
    ) -> Response[str]:
        """Hours lent and received per employee, loan and month, with totals (ISO formats)."""
        company, text = await use_cases.hours_csv(
            uow, actor, company_id, year=year, settings=accounting_settings()
        )
        return Response(
            text,
            media_type="text/csv",
            headers=disposition(hours_file_name(company.siren, year, "csv")),
        )

    @get("/companies/{company_id:int}/exports/hours.xlsx")
    async def hours_xlsx(
        self, company_id: FromPath[int], year: FromQuery[int], uow: Uow, actor: CurrentActor
    ) -> Response[bytes]:
        """The same hours as a workbook in French formats."""
        company, body = await use_cases.hours_xlsx(
            uow, actor, company_id, year=year, settings=accounting_settings()
        )
        return Response(
            body,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers=disposition(hours_file_name(company.siren, year, "xlsx")),
        )

    @get("/companies/{company_id:int}/exports/amortisation.csv")
    async def amortisation_csv(
        self, company_id: FromPath[int], year: FromQuery[int], uow: Uow, actor: CurrentActor
    ) -> Response[str]:
        company, _, lines = await use_cases.amortisation_statement(
            uow, actor, company_id, year=year, settings=accounting_settings()
        )
        return Response(
            use_cases.amortisation_csv(lines),
            media_type="text/csv",
            headers=disposition(amortisation_file_name(company.siren, year, "csv")),
        )

    @get("/companies/{company_id:int}/exports/amortisation.pdf")
    async def amortisation_pdf(
        self, company_id: FromPath[int], year: FromQuery[int], uow: Uow, actor: CurrentActor
    ) -> Response[bytes]:
        """The amortisation statement: current law and, apart, the CNNum proposal simulated."""
        company, _, pdf = await use_cases.amortisation_pdf_of(
            uow, actor, company_id, year=year, settings=accounting_settings()
        )
        return Response(
            pdf,
            media_type="application/pdf",
            headers=disposition(amortisation_file_name(company.siren, year, "pdf")),
        )

    @get("/companies/{company_id:int}/exports/prepared")
    async def prepared(
        self, company_id: FromPath[int], uow: Uow, actor: CurrentActor
    ) -> list[dict[str, object]]:
        """The exports prepared at each fiscal year end (FEC, hours, amortisation)."""
        rows = await use_cases.prepared_exports(uow, actor, company_id)
        return [
            {**row, "url": f"/api/v1/companies/{company_id}/exports/prepared/{row['id']}"}
            for row in rows
        ]

    @get("/companies/{company_id:int}/exports/prepared/{export_id:int}")
    async def prepared_file(
        self, company_id: FromPath[int], export_id: FromPath[int], uow: Uow, actor: CurrentActor
    ) -> Response[bytes]:
        found = await use_cases.prepared_export(uow, actor, company_id, export_id)
        content = found["content"]
        assert isinstance(content, bytes | bytearray | memoryview)
        return Response(
            bytes(content),
            media_type=str(found["media_type"]),
            headers=disposition(str(found["filename"])),
        )

    @put("/needs/{need_id:int}/asset-project", status_code=HTTP_204_NO_CONTENT)
    async def asset_project(
        self,
        need_id: FromPath[int],
        data: JSONBody[AssetProjectIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> None:
        """The host's admin: time received for this need goes into an intangible asset
        (PCG 212-3): 203 or 205, and the day it is put into service (none: in progress)."""
        await use_cases.mark_asset_project(
            uow, actor, need_id, account=data.account, in_service_on=data.in_service_on, now=now
        )
