"""Contracts generated from real data, stored when signed, downloadable with their signatures.

Loans: the loan agreement (lender ↔ host) and the employee's amendment are rendered from the
engagement, the companies and the employee; signing goes through the engagement (its paperwork
gate counts a signature only on the document's current text). Employer groups: the CDO's
time-share employment contract and each member's agreement for a period.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Final

from contracts.catalogue import TemplateDataError
from contracts.render import (
    MEDIA_TYPES,
    RenderedDocument,
    document_pdf,
    from_markdown,
    render_as,
    render_html,
    render_markdown,
)
from timebank import rules
from timebank.companies.model import Company, RepresentedCompany
from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.documents import refusals
from timebank.documents.model import (
    SIGNERS,
    TEMPLATE_OF,
    CdoTerms,
    DocumentKind,
    SignerRole,
    StoredDocument,
    Subject,
    cdo_contract_data,
    check_cdo_terms,
    document_changed,
    loan_data,
    member_agreement_data,
    not_a_signatory,
)
from timebank.engagements.model import (
    SIGNED_ON,
    Document,
    Engagement,
    Paper,
    missing_papers,
    missing_terms,
    parties_of,
    terms_missing,
    turn_of,
)
from timebank.groups.model import EmployerGroup
from timebank.groups.use_cases import load_group
from timebank.people.model import Actor, Role

# Who signs for a company with no administrator, as the documents name them.
_NO_ADMIN: Final = "son représentant légal"


def _signatory(company: RepresentedCompany) -> str:
    """Who signs for the company as the documents name them."""
    return company.representative or _NO_ADMIN


async def _represented(
    repos: Repositories, company_ids: list[int]
) -> dict[int, RepresentedCompany]:
    """These companies, each with its representative: its first admin by e-mail."""
    return await repos.companies.represented(company_ids, Role.COMPANY_ADMIN.value)


def _render(kind: DocumentKind, data: dict[str, object]) -> RenderedDocument:
    try:
        return render_markdown(TEMPLATE_OF[kind], data)
    except TemplateDataError as exc:  # Our own data builders: a bug, never the user's input.
        raise AssertionError(str(exc)) from exc


LOAN_KINDS: Final = (DocumentKind.LOAN_AGREEMENT, DocumentKind.EMPLOYEE_AMENDMENT)


async def loan_companies(
    repos: Repositories, engagement: Engagement
) -> dict[int, RepresentedCompany]:
    """The loan's two companies, each with who signs for it (one statement)."""
    return await _represented(repos, [engagement.lender_company_id, engagement.host_company_id])


async def _loan_data(
    repos: Repositories,
    engagement: Engagement,
    companies: dict[int, RepresentedCompany] | None = None,
) -> dict[str, object]:
    """The variables both loan documents take, as the loan's data reads now (`companies`: as
    `loan_companies` gives them, when the caller read them in this transaction)."""
    missing = missing_terms(engagement)
    if missing:
        raise terms_missing(missing)
    assert engagement.probation_days is not None
    if companies is None:
        companies = await loan_companies(repos, engagement)
    employee = await repos.employees.get(engagement.employee_id)
    assert employee is not None
    lender = companies[engagement.lender_company_id]
    host = companies[engagement.host_company_id]
    return loan_data(
        lender=lender.company,
        lender_representative=_signatory(lender),
        host=host.company,
        host_representative=_signatory(host),
        employee=employee,
        start=engagement.period_start,
        end=engagement.period_end,
        planned_minutes=engagement.planned_minutes,
        tasks=engagement.tasks,
        place=engagement.place,
        remote=engagement.remote,
        probation_days=engagement.probation_days,
        working_hours=engagement.working_hours,
        post_characteristics=engagement.post_characteristics,
    )


async def render_for_engagement(
    repos: Repositories, engagement: Engagement, kind: DocumentKind
) -> RenderedDocument:
    """One of the loan's documents as its data reads now (nothing stored)."""
    assert kind in LOAN_KINDS
    return _render(kind, await _loan_data(repos, engagement))


async def loan_documents(
    repos: Repositories, engagement: Engagement
) -> dict[DocumentKind, RenderedDocument]:
    """Both loan documents as the data reads now, the data read once (nothing stored)."""
    data = await _loan_data(repos, engagement)
    return {kind: _render(kind, data) for kind in LOAN_KINDS}


async def current_hashes(
    repos: Repositories,
    engagement: Engagement,
    companies: dict[int, RepresentedCompany] | None = None,
) -> dict[DocumentKind, str]:
    """The loan documents' hashes now (their Markdown only); none while its terms are not all
    agreed (no document exists yet, so no signature counts). `companies`: as `_loan_data`."""
    if missing_terms(engagement):
        return {}
    data = await _loan_data(repos, engagement, companies)
    return dict(_loan_hashes(json.dumps(data, sort_keys=True)))


# Loans whose documents' hashes a process keeps: every read of a loan needs them, and the same
# data (as JSON, plain values only) always renders the same texts.
LOAN_HASHES_CACHED_MAX: Final = 1024


@lru_cache(maxsize=LOAN_HASHES_CACHED_MAX)
def _loan_hashes(data_json: str) -> tuple[tuple[DocumentKind, str], ...]:
    """The loan documents' hashes for this data, rendered once per process."""
    data = json.loads(data_json)
    return tuple((kind, _render(kind, data).sha256) for kind in LOAN_KINDS)


async def store(
    repos: Repositories, subject: Subject, rendered: RenderedDocument, *, now: datetime
) -> StoredDocument:
    """The stored document with this text (the same text is stored once)."""
    found = await repos.documents.find(subject, rendered.sha256)
    if found is not None:
        return found
    return await repos.documents.add(
        subject,
        template_id=rendered.template.id,
        template_version=rendered.template.version,
        markdown=rendered.markdown,
        sha256=rendered.sha256,
        now=now,
    )


async def record_signature(
    repos: Repositories,
    actor: Actor,
    document: StoredDocument,
    role: SignerRole,
    *,
    company_id: int | None,
    now: datetime,
) -> StoredDocument:
    """Sign once per party (signing again the same text changes nothing)."""
    if role not in SIGNERS[document.subject.kind]:
        raise not_a_signatory()
    if not any(s.role is role for s in document.signatures):
        user = await repos.people.get_user(actor.user_id)
        await repos.documents.add_signature(
            document.id,
            user_id=actor.user_id,
            full_name=user.full_name if user is not None else actor.full_name,
            role=role,
            company_id=company_id,
            sha256=document.sha256,
            now=now,
        )
    updated = await repos.documents.get(document.id)
    assert updated is not None
    return updated


# -- Who may see a document --------------------------------------------------------------------


def _loan_party(actor: Actor, engagement: Engagement | None) -> bool:
    """The loan's employee or either company's admin (not the operator, nor accountants: the
    documents state the employee's hourly cost)."""
    return engagement is not None and (
        actor.user_id == engagement.employee_user_id
        or actor.has_role(engagement.lender_company_id, Role.COMPANY_ADMIN)
        or actor.has_role(engagement.host_company_id, Role.COMPANY_ADMIN)
    )


def _sees_all_documents_of(actor: Actor, group: EmployerGroup) -> bool:
    """The group's coordinators and its entity's admins see every document of the group."""
    return actor.has_role(group.company_id, Role.GROUP_COORDINATOR, Role.COMPANY_ADMIN)


async def _may_see(repos: Repositories, actor: Actor, document: StoredDocument) -> bool:
    subject = document.subject
    if subject.engagement_id is not None:
        return _loan_party(actor, await repos.engagements.get(subject.engagement_id))
    assert subject.group_id is not None
    group = await repos.groups.get(subject.group_id)
    if group is None:
        return False
    if _sees_all_documents_of(actor, group):
        return True
    if subject.kind is DocumentKind.MEMBER_AGREEMENT:
        return subject.company_id is not None and actor.has_role(
            subject.company_id, Role.COMPANY_ADMIN
        )
    employee = await repos.employees.get(subject.employee_id or 0)
    return employee is not None and employee.user_id == actor.user_id


async def get_document(uow: UnitOfWork, actor: Actor, document_id: int) -> StoredDocument:
    async with uow(write=False) as repos:
        document = await repos.documents.get(document_id)
        if document is None or not await _may_see(repos, actor, document):
            raise refusals.DOCUMENT_NOT_FOUND.error(id=document_id)
        return document


async def document_file(
    uow: UnitOfWork, actor: Actor, document_id: int, *, file_format: str
) -> tuple[StoredDocument, bytes]:
    """A stored document as PDF, HTML or Markdown: its own stored text (what was signed),
    whatever the template's current version."""
    document = await get_document(uow, actor, document_id)
    rendered = from_markdown(document.template_id, document.markdown)
    assert rendered.sha256 == document.sha256, "stored text and hash must agree"
    if file_format not in MEDIA_TYPES:
        raise refusals.UNKNOWN_FORMAT.error()
    if file_format != "pdf":
        return document, render_as(rendered, file_format)
    # The stored text never changes: its PDF is made once, off the event loop, then cached.
    pdf = await document_pdf(rendered)
    return document, pdf


async def engagement_documents(
    uow: UnitOfWork, actor: Actor, engagement_id: int, *, now: datetime
) -> list[StoredDocument]:
    """The loan's two documents as they read now (stored, so that they can be downloaded and
    signed), with the signatures given on that text."""
    async with uow() as repos:
        engagement = await repos.engagements.get(engagement_id)
        if engagement is None or not _loan_party(actor, engagement):
            raise refusals.ENGAGEMENT_NOT_FOUND.error(id=engagement_id)
        return [
            await store(repos, Subject(kind, engagement_id=engagement_id), rendered, now=now)
            for kind, rendered in (await loan_documents(repos, engagement)).items()
        ]


@dataclass(frozen=True, slots=True)
class LoanDocument:
    """A loan's document as it reads now (stored), shown as HTML, and the signatures its
    reader may give on it now."""

    document: StoredDocument
    html: str
    due: tuple[Paper, ...]


def loan_kind(kind: str) -> DocumentKind:
    """One of the two loan documents, by its kind; anything else is not found."""
    if kind not in {k.value for k in LOAN_KINDS}:
        raise refusals.DOCUMENT_NOT_FOUND.error(id=kind[:40])
    return DocumentKind(kind)


async def loan_document(
    uow: UnitOfWork, actor: Actor, engagement_id: int, *, kind: str, now: datetime
) -> LoanDocument:
    """The loan agreement or the amendment to read before signing: the text its SHA-256 is
    computed on, and whether this reader's signature is due on it (`turn_of`)."""
    chosen = loan_kind(kind)
    async with uow() as repos:
        engagement = await repos.engagements.get(engagement_id)
        if engagement is None or not _loan_party(actor, engagement):
            raise refusals.ENGAGEMENT_NOT_FOUND.error(id=engagement_id)
        rendered = await loan_documents(repos, engagement)
        stored = await store(
            repos, Subject(chosen, engagement_id=engagement_id), rendered[chosen], now=now
        )
        companies = await repos.companies.get_many(
            [engagement.lender_company_id, engagement.host_company_id]
        )
    missing = missing_papers(
        engagement,
        lender_has_cse=companies[engagement.lender_company_id].has_cse,
        host_has_cse=companies[engagement.host_company_id].has_cse,
        current_hashes={Document(k.value): r.sha256 for k, r in rendered.items()},
    )
    turn = turn_of(engagement, parties_of(actor, engagement), missing=missing)
    due = tuple(p for p in turn.papers if SIGNED_ON.get(p) is Document(chosen.value))
    return LoanDocument(stored, render_html(rendered[chosen]), due)


# -- Employer groups ---------------------------------------------------------------------------


async def make_group_document(
    uow: UnitOfWork,
    actor: Actor,
    group_id: int,
    *,
    kind: str,
    employee_id: int | None,
    company_id: int | None,
    period_id: int | None,
    now: datetime,
    cdo_terms: CdoTerms | None = None,
) -> StoredDocument:
    """The coordinator draws up the CDO's employment contract (`cdo_contract`, employee_id and
    the terms agreed with the CDO: hire date, weekly hours and their spread, CDI or CDD,
    collective agreement) or a member's agreement for a period (`member_agreement`,
    company_id and period_id)."""
    try:
        chosen = DocumentKind(kind)
    except ValueError as exc:
        raise refusals.UNKNOWN_DOCUMENT.error() from exc
    async with uow() as repos:
        group = await load_group(repos, group_id)
        if not actor.has_role(group.company_id, Role.GROUP_COORDINATOR):
            raise refusals.COORDINATOR_ONLY.error()
        found = (await _represented(repos, [group.company_id])).get(group.company_id)
        assert found is not None
        entity = found.company
        representative = actor.full_name or _signatory(found)
        if chosen is DocumentKind.CDO_CONTRACT:
            subject, rendered = await _cdo_contract(
                repos, group, (entity, representative), employee_id, cdo_terms
            )
        elif chosen is DocumentKind.MEMBER_AGREEMENT:
            subject, rendered = await _member_agreement(
                repos, group, (entity, representative), company_id, period_id
            )
        else:
            raise refusals.NOT_A_GROUP_DOCUMENT.error()
        return await store(repos, subject, rendered, now=now)


async def _cdo_contract(
    repos: Repositories,
    group: EmployerGroup,
    signing: tuple[Company, str],
    employee_id: int | None,
    cdo_terms: CdoTerms | None,
) -> tuple[Subject, RenderedDocument]:
    """The CDO's employment contract with the group (`signing`: the group and who signs for it),
    listing the members the CDO will serve."""
    employee = await repos.employees.get(employee_id or 0)
    if employee is None or employee.company_id != group.company_id:
        raise refusals.CDO_NOT_GROUP_EMPLOYEE.error()
    if cdo_terms is None:
        raise refusals.CDO_TERMS_MISSING.error()
    checked = check_cdo_terms(cdo_terms)
    active = [member.company_id for member in group.members if member.left_on is None]
    members = await _represented(repos, active)
    rendered = _render(
        DocumentKind.CDO_CONTRACT,
        cdo_contract_data(
            group=signing[0],
            group_representative=signing[1],
            employee=employee,
            terms=checked,
            members=[(members[c].company, _signatory(members[c])) for c in sorted(members)],
        ),
    )
    return Subject(DocumentKind.CDO_CONTRACT, group_id=group.id, employee_id=employee.id), rendered


async def _member_agreement(
    repos: Repositories,
    group: EmployerGroup,
    signing: tuple[Company, str],
    company_id: int | None,
    period_id: int | None,
) -> tuple[Subject, RenderedDocument]:
    """A member's agreement for a period: the days it asked for, the CDO, the costs."""
    period = await repos.rotations.get_period(period_id or 0)
    if period is None or period.group_id != group.id:
        raise refusals.PERIOD_NOT_FOUND.error(id=period_id)
    requests = await repos.rotations.requests(period.id)
    request = next((r for r in requests if r.company_id == company_id), None)
    if request is None or company_id is None:
        raise refusals.NO_REQUEST.error()
    cdos = await repos.rotations.cdos(period.id)
    if not cdos:
        raise refusals.NO_CDO.error()
    cdo = await repos.employees.get(cdos[0].employee_id)
    member = (await _represented(repos, [company_id])).get(company_id)
    assert cdo is not None
    assert member is not None
    rendered = _render(
        DocumentKind.MEMBER_AGREEMENT,
        member_agreement_data(
            group=signing[0],
            group_representative=signing[1],
            member=member.company,
            member_representative=_signatory(member),
            cdo=cdo,
            start=period.starts_on,
            end=period.ends_on,
            days=request.days_requested,
            management_costs_cents=period.monthly_management_costs_cents,
        ),
    )
    subject = Subject(
        DocumentKind.MEMBER_AGREEMENT, group_id=group.id, company_id=company_id, period_id=period.id
    )
    return subject, rendered


async def group_documents(uow: UnitOfWork, actor: Actor, group_id: int) -> list[StoredDocument]:
    async with uow(write=False) as repos:
        group = await load_group(repos, group_id)
        documents = await repos.documents.of_group(group_id)
        if _sees_all_documents_of(actor, group):
            return documents  # No need to look the group up again for each document.
        return [d for d in documents if await _may_see(repos, actor, d)]


async def sign_group_document(
    uow: UnitOfWork, actor: Actor, document_id: int, *, sha256: str, now: datetime
) -> StoredDocument:
    """The coordinator signs for the group, the member's admin for the member, the CDO for
    themself — on the text whose SHA-256 they send (what they read)."""
    rules.sha256_digest(sha256, field="sha256")
    async with uow() as repos:
        document = await repos.documents.get(document_id)
        if document is None or not await _may_see(repos, actor, document):
            raise refusals.DOCUMENT_NOT_FOUND.error(id=document_id)
        if document.subject.group_id is None:
            raise refusals.SIGN_THROUGH_ENGAGEMENT.error()
        if sha256 != document.sha256:
            raise document_changed(field="sha256")
        group = await load_group(repos, document.subject.group_id)
        role = await _signer_role(repos, actor, group, document.subject)
        if role is None:
            raise not_a_signatory()
        company = {
            SignerRole.GROUP: group.company_id,
            SignerRole.MEMBER: document.subject.company_id,
        }.get(role)
        return await record_signature(repos, actor, document, role, company_id=company, now=now)


async def _signer_role(
    repos: Repositories, actor: Actor, group: EmployerGroup, subject: Subject
) -> SignerRole | None:
    """The party `actor` signs a group's document as: the coordinator for the group, the
    member's admin for the member (its agreement), the CDO for themself (their contract);
    None for anyone else who may read it (the group's entity's other admins)."""
    if actor.has_role(group.company_id, Role.GROUP_COORDINATOR):
        return SignerRole.GROUP
    if subject.kind is DocumentKind.MEMBER_AGREEMENT:
        member_admin = subject.company_id is not None and actor.has_role(
            subject.company_id, Role.COMPANY_ADMIN
        )
        return SignerRole.MEMBER if member_admin else None
    employee = await repos.employees.get(subject.employee_id or 0)
    the_cdo = employee is not None and employee.user_id == actor.user_id
    return SignerRole.EMPLOYEE if the_cdo else None


@dataclass(frozen=True, slots=True)
class GroupDocument:
    """A group's document as stored, shown as HTML (the text its SHA-256 is computed on), and
    the role its reader would sign it as, when that signature is still due."""

    document: StoredDocument
    html: str
    due: SignerRole | None


async def group_document(uow: UnitOfWork, actor: Actor, document_id: int) -> GroupDocument:
    """One of a group's documents, to read before signing it."""
    async with uow(write=False) as repos:
        document = await repos.documents.get(document_id)
        if (
            document is None
            or document.subject.group_id is None
            or not await _may_see(repos, actor, document)
        ):
            raise refusals.DOCUMENT_NOT_FOUND.error(id=document_id)
        group = await load_group(repos, document.subject.group_id)
        subject = document.subject
        role = await _signer_role(repos, actor, group, subject)
    signed = {s.role for s in document.signatures if s.sha256 == document.sha256}
    due = role if role in SIGNERS[subject.kind] and role not in signed else None
    shown = render_html(from_markdown(document.template_id, document.markdown))
    return GroupDocument(document, shown, due)
