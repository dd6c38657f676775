"""Contracts: the public template catalogue (sources and sample PDFs without login), a loan's
generated documents, employer-group documents, downloads with their signature record."""

from __future__ import annotations

from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from contracts.catalogue import TEMPLATES
from contracts.render import MEDIA_TYPES, document_pdf, sample_document, source_text
from timebank.documents import use_cases
from timebank.documents.model import SIGNERS, StoredDocument
from web import refusals
from web.dependencies import CurrentActor, Now, Uow
from web.downloads import disposition
from web.schemas import (
    ClauseOut,
    DocumentOut,
    DocumentSignIn,
    GroupDocumentIn,
    SignatureOut,
    TemplateOut,
    VariableOut,
)
from web.security_headers import DOCUMENT_POLICY


def document_out(document: StoredDocument) -> DocumentOut:
    base = f"/api/v1/documents/{document.id}/file"
    subject = document.subject
    return DocumentOut(
        id=document.id,
        kind=subject.kind.value,
        template_id=document.template_id,
        template_version=document.template_version,
        sha256=document.sha256,
        engagement_id=subject.engagement_id,
        group_id=subject.group_id,
        company_id=subject.company_id,
        employee_id=subject.employee_id,
        period_id=subject.period_id,
        created_at=document.created_at,
        signers=[role.value for role in SIGNERS[subject.kind]],
        signatures=[
            SignatureOut(
                user_id=s.user_id,
                full_name=s.full_name,
                role=s.role.value,
                company_id=s.company_id,
                sha256=s.sha256,
                signed_at=s.signed_at,
            )
            for s in document.signatures
        ],
        signed_by_all=document.signed_by_all,
        pdf_url=f"{base}?file_format=pdf",
        html_url=f"{base}?file_format=html",
        markdown_url=f"{base}?file_format=md",
    )


def template_out(template_id: str) -> TemplateOut:
    spec = TEMPLATES[template_id]
    return TemplateOut(
        id=spec.id,
        title=spec.title,
        version=spec.version,
        licence=spec.licence,
        variables=[
            VariableOut(name=v.name, type=v.type.value, description=v.description)
            for v in spec.variables
        ],
        clauses=[
            ClauseOut(id=c.id, title=c.title, legal_basis=c.legal_basis) for c in spec.clauses
        ],
        source_url=f"/api/v1/templates/{spec.id}/source",
        sample_pdf_url=f"/api/v1/templates/{spec.id}/sample.pdf",
    )


def _template_id(template_id: str) -> str:
    if template_id not in TEMPLATES:
        raise refusals.TEMPLATE_NOT_FOUND.error(id=template_id[:60])
    return template_id


class TemplateController(Controller):
    """The open-source templates the programme publishes: readable by anyone."""

    path = "/api/v1/templates"
    tags = ["Modèles de contrats"]

    @get("/", opt={"public": True})
    async def list_templates(self) -> list[TemplateOut]:
        return [template_out(t) for t in sorted(TEMPLATES)]

    @get("/{template_id:str}", opt={"public": True})
    async def get_template(self, template_id: FromPath[str]) -> TemplateOut:
        return template_out(_template_id(template_id))

    @get("/{template_id:str}/source", opt={"public": True}, media_type="text/plain")
    async def source(self, template_id: FromPath[str]) -> str:
        """The template's Jinja2 source (Markdown), under its open licence."""
        return source_text(_template_id(template_id))

    @get("/{template_id:str}/sample.pdf", opt={"public": True}, media_type="application/pdf")
    async def sample_pdf(self, template_id: FromPath[str]) -> Response[bytes]:
        """The template filled with sample data."""
        chosen = _template_id(template_id)
        return Response(
            await document_pdf(sample_document(chosen)),
            media_type="application/pdf",
            headers=disposition(f"{chosen}-exemple.pdf", inline=True),
        )


class DocumentController(Controller):
    path = "/api/v1"
    tags = ["Modèles de contrats"]

    @get("/engagements/{engagement_id:int}/documents")
    async def engagement_documents(
        self, engagement_id: FromPath[int], uow: Uow, actor: CurrentActor, now: Now
    ) -> list[DocumentOut]:
        """The loan agreement and the amendment as they read now, with their signatures."""
        found = await use_cases.engagement_documents(uow, actor, engagement_id, now=now)
        return [document_out(d) for d in found]

    @get("/documents/{document_id:int}")
    async def get_document(
        self, document_id: FromPath[int], uow: Uow, actor: CurrentActor
    ) -> DocumentOut:
        return document_out(await use_cases.get_document(uow, actor, document_id))

    @get("/documents/{document_id:int}/file")
    async def document_file(
        self,
        document_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        file_format: FromQuery[str] = "pdf",
    ) -> Response[bytes]:
        """The stored text (what was signed) as PDF, HTML or Markdown; the signature record
        is in the headers and at GET /documents/{id}."""
        document, body = await use_cases.document_file(
            uow, actor, document_id, file_format=file_format
        )
        signed = ", ".join(
            f"{s.role.value}:{s.full_name}:{s.signed_at.isoformat()}" for s in document.signatures
        )
        name = f"{document.template_id}-{document.id}.{file_format}"
        # The PDF opens in the browser's viewer; the HTML and the Markdown are saved, and
        # if opened anyway, they are sandboxed: no script, no request, nothing but their style.
        shown = file_format == "pdf"
        own_policy = {} if shown else {"Content-Security-Policy": DOCUMENT_POLICY}
        return Response(
            body,
            media_type=MEDIA_TYPES[file_format],
            headers={
                **disposition(name, inline=shown),
                **own_policy,
                "X-Document-SHA256": document.sha256,
                "X-Signatures": signed.encode("ascii", "replace").decode(),
            },
        )

    @get("/groups/{group_id:int}/documents")
    async def group_documents(
        self, group_id: FromPath[int], uow: Uow, actor: CurrentActor
    ) -> list[DocumentOut]:
        return [document_out(d) for d in await use_cases.group_documents(uow, actor, group_id)]

    @post("/groups/{group_id:int}/documents", status_code=HTTP_201_CREATED)
    async def make_group_document(
        self,
        group_id: FromPath[int],
        data: JSONBody[GroupDocumentIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> DocumentOut:
        """The coordinator draws up the CDO's contract or a member's agreement for a period."""
        return document_out(
            await use_cases.make_group_document(
                uow,
                actor,
                group_id,
                kind=data.kind,
                employee_id=data.employee_id,
                company_id=data.company_id,
                period_id=data.period_id,
                now=now,
                cdo_terms=data.cdo_terms(),
            )
        )

    @post("/documents/{document_id:int}/signatures", status_code=HTTP_200_OK)
    async def sign(
        self,
        document_id: FromPath[int],
        data: JSONBody[DocumentSignIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> DocumentOut:
        """Sign a group document on the text whose SHA-256 you send."""
        return document_out(
            await use_cases.sign_group_document(
                uow, actor, document_id, sha256=data.sha256, now=now
            )
        )
