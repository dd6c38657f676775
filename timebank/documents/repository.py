"""Loads and stores contract documents and their signatures."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from timebank.db.tables import ContractDocumentTable, ContractSignatureTable
from timebank.documents.model import (
    DocumentKind,
    Signature,
    SignerRole,
    StoredDocument,
    Subject,
)

D, G = ContractDocumentTable, ContractSignatureTable


def _subject_condition(subject: Subject) -> Any:
    condition: Any = D.kind == subject.kind.value
    for column, value in (
        (D.engagement, subject.engagement_id),
        (D.group, subject.group_id),
        (D.company, subject.company_id),
        (D.employee, subject.employee_id),
        (D.period, subject.period_id),
    ):
        condition &= column.is_null() if value is None else column == value
    return condition


class DocumentRepository:
    async def _hydrate(self, rows: list[dict[str, Any]]) -> list[StoredDocument]:
        ids = [row["id"] for row in rows]
        signatures: dict[int, list[Signature]] = {i: [] for i in ids}
        if ids:
            for s in await G.select().where(G.document.is_in(ids)).order_by(G.id):
                signatures[s["document"]].append(
                    Signature(
                        user_id=s["user"],
                        full_name=s["full_name"],
                        role=SignerRole(s["role"]),
                        company_id=s["company"],
                        sha256=s["sha256"],
                        signed_at=s["signed_at"],
                    )
                )
        return [
            StoredDocument(
                id=row["id"],
                template_id=row["template_id"],
                template_version=row["template_version"],
                subject=Subject(
                    kind=DocumentKind(row["kind"]),
                    engagement_id=row["engagement"],
                    group_id=row["group"],
                    company_id=row["company"],
                    employee_id=row["employee"],
                    period_id=row["period"],
                ),
                markdown=row["markdown"],
                sha256=row["sha256"],
                created_at=row["created_at"],
                signatures=tuple(signatures[row["id"]]),
            )
            for row in rows
        ]

    async def find(self, subject: Subject, sha256: str) -> StoredDocument | None:
        rows = await D.select().where(_subject_condition(subject) & (D.sha256 == sha256))
        found = await self._hydrate(list(rows))
        return found[0] if found else None

    async def add(
        self,
        subject: Subject,
        *,
        template_id: str,
        template_version: str,
        markdown: str,
        sha256: str,
        now: datetime,
    ) -> StoredDocument:
        await D.insert(
            D(
                template_id=template_id,
                template_version=template_version,
                kind=subject.kind.value,
                engagement=subject.engagement_id,
                group=subject.group_id,
                company=subject.company_id,
                employee=subject.employee_id,
                period=subject.period_id,
                markdown=markdown,
                sha256=sha256,
                created_at=now,
            )
        )
        found = await self.find(subject, sha256)
        assert found is not None
        return found

    async def get(self, document_id: int) -> StoredDocument | None:
        found = await self._hydrate(list(await D.select().where(D.id == document_id)))
        return found[0] if found else None

    async def of_group(self, group_id: int) -> list[StoredDocument]:
        rows = await D.select().where(D.group == group_id).order_by(D.id)
        return await self._hydrate(list(rows))

    async def add_signature(
        self,
        document_id: int,
        *,
        user_id: int,
        full_name: str,
        role: SignerRole,
        company_id: int | None,
        sha256: str,
        now: datetime,
    ) -> None:
        await G.insert(
            G(
                document=document_id,
                user=user_id,
                full_name=full_name,
                role=role.value,
                company=company_id,
                sha256=sha256,
                signed_at=now,
            )
        )
