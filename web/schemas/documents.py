"""Documents of a loan or a group, their signatures, and the contract templates."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from timebank.documents.model import CdoTerms
from web.schemas.common import In, Int32


class SignatureOut(BaseModel):
    user_id: int
    full_name: str
    role: str
    company_id: int | None
    sha256: str
    signed_at: datetime


class DocumentOut(BaseModel):
    id: int
    kind: str
    template_id: str
    template_version: str
    sha256: str
    engagement_id: int | None
    group_id: int | None
    company_id: int | None
    employee_id: int | None
    period_id: int | None
    created_at: datetime
    signers: list[str]  # The parties that must sign.
    signatures: list[SignatureOut]
    signed_by_all: bool
    pdf_url: str
    html_url: str
    markdown_url: str


class GroupDocumentIn(In):
    kind: str  # cdo_contract or member_agreement
    employee_id: Int32 | None = None
    company_id: Int32 | None = None
    period_id: Int32 | None = None
    # The CDO's contract: the terms agreed with the CDO (all required for `cdo_contract`).
    hired_on: date | None = None
    weekly_minutes: Int32 | None = None
    hours_spread: str = ""
    permanent: bool = True
    fixed_term: str = ""  # CDD: its term and precise reason.
    collective_agreement: str = ""

    def cdo_terms(self) -> CdoTerms | None:
        if self.hired_on is None or self.weekly_minutes is None:
            return None
        return CdoTerms(
            hired_on=self.hired_on,
            weekly_minutes=self.weekly_minutes,
            hours_spread=self.hours_spread,
            permanent=self.permanent,
            fixed_term=self.fixed_term,
            collective_agreement=self.collective_agreement,
        )


class DocumentSignIn(In):
    sha256: str


class ClauseOut(BaseModel):
    id: str
    title: str
    legal_basis: str


class VariableOut(BaseModel):
    name: str
    type: str
    description: str


class TemplateOut(BaseModel):
    id: str
    title: str
    version: str
    licence: str
    variables: list[VariableOut]
    clauses: list[ClauseOut]
    source_url: str
    sample_pdf_url: str
