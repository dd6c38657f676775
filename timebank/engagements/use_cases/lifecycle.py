"""A loan from proposal to completion: propose, set its terms, take each step, sign its
documents, record the works councils' consultations."""

from __future__ import annotations

from datetime import date, datetime

from timebank import rules
from timebank.book.use_cases import retrying
from timebank.companies.model import RepresentedCompany
from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.documents.model import StoredDocument, document_changed, not_a_signatory
from timebank.engagements import refusals
from timebank.engagements.model import (
    PAPERWORK_STATUSES,
    PROBATION_DAYS_MAX,
    TERMS_LENGTH_MAX,
    Document,
    Engagement,
    EngagementStatus,
    Paper,
    Step,
    check_cse_consultation,
    check_not_over,
    check_paperwork,
    check_period,
    may_take_step,
    next_status,
    parties_of,
)
from timebank.engagements.use_cases.common import _load, _may_read, _texts
from timebank.engagements.use_cases.ledger_moves import (
    _check_budget,
    _check_credit_line,
    _release,
    _reserve,
)
from timebank.needs.model import NeedStatus
from timebank.notifications.model import Kind
from timebank.notifications.use_cases import notify
from timebank.people.model import Actor, Role, require_acting_for


async def propose(
    uow: UnitOfWork,
    actor: Actor,
    *,
    need_id: int,
    employee_id: int,
    planned_minutes: int,
    period_start: date,
    period_end: date,
    place: str,
    remote: bool,
    tasks: str,
    now: datetime,
    probation_days: int | None = None,
    working_hours: str = "",
    post_characteristics: str = "",
) -> Engagement:
    """The lender's admin proposes an employee for a need (from matching, by accepting a proposal);
    the loan's terms (probation, hours, post) may come now or later (`set_terms`)."""
    check_period(period_start, period_end)
    rules.minutes(planned_minutes, field="planned_minutes", high=rules.YEAR_WORK_MINUTES_MAX)
    if planned_minutes == 0:
        raise refusals.PLANNED_HOURS_REQUIRED.error()
    checked_tasks = rules.text(tasks, field="tasks", length_max=rules.DESCRIPTION_LENGTH_MAX)
    checked_place = rules.text(place, field="place", length_max=200, required=not remote)
    checked_probation = _check_probation(probation_days)
    checked_hours = _term_text(working_hours, "working_hours", required=False)
    checked_post = _term_text(post_characteristics, "post_characteristics", required=False)

    async def work() -> Engagement:
        async with uow() as repos:
            employee = await repos.employees.get(employee_id)
            if employee is None:
                raise refusals.EMPLOYEE_NOT_FOUND.error(id=employee_id)
            require_acting_for(actor, employee.company_id, Role.COMPANY_ADMIN)
            need = await repos.needs.get(need_id)
            if need is None or need.status not in (NeedStatus.OPEN, NeedStatus.MATCHED):
                raise refusals.OPEN_NEED_NOT_FOUND.error(id=need_id)
            if need.company_id == employee.company_id:
                raise refusals.SAME_COMPANY.error()
            engagement_id = await repos.engagements.add(
                need_id=need_id,
                host_company_id=need.company_id,
                lender_company_id=employee.company_id,
                employee_id=employee_id,
                planned_minutes=planned_minutes,
                period_start=period_start,
                period_end=period_end,
                place=checked_place,
                remote=remote,
                tasks=checked_tasks,
                created_by=actor.user_id,
                now=now,
                probation_days=checked_probation,
                working_hours=checked_hours,
                post_characteristics=checked_post,
            )
            engagement = await _load(repos, engagement_id)
            await notify(
                repos,
                await repos.notifications.admins_of(need.company_id),
                Kind.ENGAGEMENT_PROPOSED,
                await _texts(repos, engagement),
                link=f"/api/v1/engagements/{engagement_id}",
                now=now,
            )
            return engagement

    return await retrying(work)


def _check_probation(probation_days: int | None) -> int | None:
    if probation_days is not None and not 0 <= probation_days <= PROBATION_DAYS_MAX:
        raise refusals.OUT_OF_RANGE.error(probation_days_max=PROBATION_DAYS_MAX)
    return probation_days


def _term_text(value: str, field: str, *, required: bool) -> str:
    return rules.text(value, field=field, length_max=TERMS_LENGTH_MAX, required=required)


async def set_terms(
    uow: UnitOfWork,
    actor: Actor,
    engagement_id: int,
    *,
    place: str | None = None,
    probation_days: int | None = None,
    working_hours: str | None = None,
    post_characteristics: str | None = None,
    now: datetime,
) -> Engagement:
    """Either company's admin fills the loan's own terms (L8241-2) while it has not started:
    place, working hours and their spread, the post's characteristics, the probation period
    (working days, 0: none). A field left out (None) is unchanged. Its documents change with
    them, so signatures given on the former text no longer count."""
    checked_probation = _check_probation(probation_days)
    checked_hours = (
        None if working_hours is None else _term_text(working_hours, "working_hours", required=True)
    )
    checked_post = (
        None
        if post_characteristics is None
        else _term_text(post_characteristics, "post_characteristics", required=True)
    )

    async def work() -> Engagement:
        async with uow() as repos:
            engagement = await _load(repos, engagement_id, lock=True)
            if not _may_read(actor, engagement):
                raise refusals.ENGAGEMENT_NOT_FOUND.error(id=engagement_id)
            if not actor.has_role(
                engagement.lender_company_id, Role.COMPANY_ADMIN
            ) and not actor.has_role(engagement.host_company_id, Role.COMPANY_ADMIN):
                raise refusals.ADMINS_ONLY.error()
            if engagement.status not in PAPERWORK_STATUSES:
                raise refusals.TERMS_AFTER_START.error()
            checked_place = (
                engagement.place
                if place is None
                else rules.text(
                    place, field="place", length_max=200, required=not engagement.remote
                )
            )
            await repos.engagements.set_terms(
                engagement.id,
                place=checked_place,
                probation_days=(
                    engagement.probation_days if checked_probation is None else checked_probation
                ),
                working_hours=engagement.working_hours if checked_hours is None else checked_hours,
                post_characteristics=(
                    engagement.post_characteristics if checked_post is None else checked_post
                ),
                now=now,
            )
            return await _load(repos, engagement_id)

    return await retrying(work)


def _require_step_actor(actor: Actor, engagement: Engagement, step: Step) -> None:
    """Refuse, in the person's words, a step the model's `may_take_step` does not give them."""
    if may_take_step(step, parties_of(actor, engagement), operator=actor.is_operator):
        return
    if step is Step.CONSENT:
        raise refusals.ONLY_THE_EMPLOYEE_CONSENTS.error()
    if step in (Step.ACTIVATE, Step.CANCEL):
        raise refusals.ONLY_THE_TWO_ADMINS.error()
    raise refusals.FORBIDDEN_FOR_COMPANY.error()


async def take_step(
    uow: UnitOfWork, actor: Actor, engagement_id: int, step: Step, *, note: str = "", now: datetime
) -> Engagement:
    """Move an engagement on; every step records who, when and from which status."""
    checked_note = rules.text(note, field="note", length_max=500, required=False)

    async def work() -> Engagement:
        async with uow() as repos:
            engagement = await _load(repos, engagement_id, lock=True)
            _require_step_actor(actor, engagement, step)
            target = next_status(engagement.status, step)
            await _before_step(repos, actor, engagement, step, now)
            await repos.engagements.move(
                engagement,
                step=step.value,
                to_status=target,
                actor_id=actor.user_id,
                note=checked_note,
                now=now,
            )
            moved = await _load(repos, engagement_id)
            await _after_step(repos, moved, step, now)
            return moved

    return await retrying(work)


async def _before_step(
    repos: Repositories, actor: Actor, engagement: Engagement, step: Step, now: datetime
) -> None:
    if step is Step.ACCEPT:
        await _check_credit_line(repos, engagement, now)
    elif step is Step.APPROVE:
        employee = await repos.employees.get(engagement.employee_id)
        assert employee is not None
        await _check_budget(repos, engagement, employee)
    elif step is Step.CONSENT:
        await repos.engagements.add_paper(
            engagement.id, Paper.EMPLOYEE_CONSENT, signed_by=actor.user_id, now=now
        )
    elif step is Step.ACTIVATE:
        check_not_over(engagement, today=now.date())
        companies = await _loan_companies(repos, engagement)
        check_paperwork(
            engagement,
            lender_has_cse=companies[engagement.lender_company_id].company.has_cse,
            host_has_cse=companies[engagement.host_company_id].company.has_cse,
            current_hashes=await _current_hashes(repos, engagement, companies),
        )
        await _reserve(repos, engagement, now)
    elif step in (Step.COMPLETE, Step.CANCEL):
        if await repos.engagements.awaiting_review(engagement.id):
            raise refusals.ENTRIES_AWAITING_REVIEW.error()
        await _release(repos, engagement, now)


async def _after_step(
    repos: Repositories, engagement: Engagement, step: Step, now: datetime
) -> None:
    link = f"/api/v1/engagements/{engagement.id}"
    texts = await _texts(repos, engagement)
    admins = await repos.notifications.admins_of(
        engagement.host_company_id
    ) + await repos.notifications.admins_of(engagement.lender_company_id)
    if step is Step.ACCEPT:
        await notify(
            repos,
            await repos.notifications.admins_of(engagement.lender_company_id),
            Kind.ENGAGEMENT_ACCEPTED,
            texts,
            link=link,
            now=now,
        )
    elif step is Step.APPROVE:
        await notify(
            repos, [engagement.employee_user_id], Kind.CONSENT_NEEDED, texts, link=link, now=now
        )
    elif step is Step.ACTIVATE:
        await notify(
            repos,
            [engagement.employee_user_id, *admins],
            Kind.ENGAGEMENT_ACTIVE,
            texts,
            link=link,
            now=now,
        )
    elif step is Step.CANCEL:
        await notify(
            repos,
            [engagement.employee_user_id, *admins],
            Kind.ENGAGEMENT_CANCELLED,
            texts,
            link=link,
            now=now,
        )


def _party_paper(actor: Actor, engagement: Engagement, document: Document) -> Paper:
    """Which signature this actor gives on this document."""
    is_employee = actor.user_id == engagement.employee_user_id
    lender_admin = actor.has_role(engagement.lender_company_id, Role.COMPANY_ADMIN)
    host_admin = actor.has_role(engagement.host_company_id, Role.COMPANY_ADMIN)
    if document is Document.LOAN_AGREEMENT and lender_admin:
        return Paper.AGREEMENT_LENDER
    if document is Document.LOAN_AGREEMENT and host_admin:
        return Paper.AGREEMENT_HOST
    if document is Document.EMPLOYEE_AMENDMENT and is_employee:
        return Paper.AMENDMENT_EMPLOYEE
    if document is Document.EMPLOYEE_AMENDMENT and lender_admin:
        return Paper.AMENDMENT_LENDER
    raise not_a_signatory()


async def _loan_companies(
    repos: Repositories, engagement: Engagement
) -> dict[int, RepresentedCompany]:
    from timebank.documents.use_cases import loan_companies

    return await loan_companies(repos, engagement)


async def _current_hashes(
    repos: Repositories,
    engagement: Engagement,
    companies: dict[int, RepresentedCompany] | None = None,
) -> dict[Document, str]:
    from timebank.documents.use_cases import current_hashes

    found = await current_hashes(repos, engagement, companies)
    return {Document(kind.value): sha for kind, sha in found.items()}


async def sign(
    uow: UnitOfWork,
    actor: Actor,
    engagement_id: int,
    *,
    document: str,
    document_hash: str,
    now: datetime,
) -> Engagement:
    """Sign the loan's document as it reads now (generated from the loan's data): the signer
    sends the SHA-256 of the text they read; a changed text is refused (`document_changed`).
    The signature records who, as which party, when, and that SHA-256."""
    from timebank.documents import use_cases as documents
    from timebank.documents.model import DocumentKind, SignerRole, Subject

    try:
        kind = Document(document)
    except ValueError as exc:
        raise refusals.UNKNOWN_DOCUMENT.error(document=document[:40]) from exc
    rules.sha256_digest(document_hash, field="document_hash")

    async def work() -> Engagement:
        async with uow() as repos:
            engagement = await _load(repos, engagement_id, lock=True)
            paper = _party_paper(actor, engagement, kind)
            if engagement.status not in (
                EngagementStatus.PROPOSED,
                EngagementStatus.ACCEPTED_BY_HOST,
                EngagementStatus.APPROVED_BY_LENDER,
                EngagementStatus.CONSENTED,
            ):
                raise refusals.SIGNING_AFTER_START.error()
            chosen = DocumentKind(kind.value)
            rendered = await documents.render_for_engagement(repos, engagement, chosen)
            if rendered.sha256 != document_hash:
                raise document_changed(field="document_hash")
            stored = await documents.store(
                repos, Subject(chosen, engagement_id=engagement.id), rendered, now=now
            )
            role = {
                Paper.AGREEMENT_LENDER: SignerRole.LENDER,
                Paper.AMENDMENT_LENDER: SignerRole.LENDER,
                Paper.AGREEMENT_HOST: SignerRole.HOST,
                Paper.AMENDMENT_EMPLOYEE: SignerRole.EMPLOYEE,
            }[paper]
            company = {
                SignerRole.LENDER: engagement.lender_company_id,
                SignerRole.HOST: engagement.host_company_id,
            }.get(role)
            await documents.record_signature(
                repos, actor, stored, role, company_id=company, now=now
            )
            await _keep_paper(repos, actor, engagement, paper, stored, now=now)
            return await _load(repos, engagement_id)

    return await retrying(work)


async def _keep_paper(
    repos: Repositories,
    actor: Actor,
    engagement: Engagement,
    paper: Paper,
    stored: StoredDocument,
    *,
    now: datetime,
) -> None:
    """The loan's paper signed: the first signature is kept; a later one over a changed text
    replaces it for the gate (the earlier stays in the document's own signature record); the
    same text signed again changes nothing."""
    earlier = next((p for p in engagement.papers if p.paper is paper), None)
    if earlier is not None and earlier.document_hash == stored.sha256:
        return
    keep = repos.engagements.add_paper if earlier is None else repos.engagements.replace_signature
    await keep(
        engagement.id,
        paper,
        signed_by=actor.user_id,
        now=now,
        document_id=str(stored.id),
        document_hash=stored.sha256,
    )


async def record_cse(
    uow: UnitOfWork,
    actor: Actor,
    engagement_id: int,
    *,
    company_id: int,
    consulted_on: date,
    now: datetime,
) -> Engagement:
    """A company admin records that its works council was consulted/informed, and when: before
    the loan starts, on a day before its first day."""

    async def work() -> Engagement:
        async with uow() as repos:
            engagement = await _load(repos, engagement_id, lock=True)
            require_acting_for(actor, company_id, Role.COMPANY_ADMIN)
            if engagement.status not in PAPERWORK_STATUSES:
                raise refusals.CSE_AFTER_START.error()
            check_cse_consultation(
                consulted_on, period_start=engagement.period_start, today=now.date()
            )
            if company_id == engagement.lender_company_id:
                paper = Paper.CSE_LENDER
            elif company_id == engagement.host_company_id:
                paper = Paper.CSE_HOST
            else:
                raise refusals.NOT_A_PARTY.error()
            company = await repos.companies.get(company_id)
            assert company is not None
            if not company.has_cse:
                raise refusals.NO_CSE.error()
            await repos.engagements.add_paper(
                engagement.id, paper, signed_by=actor.user_id, now=now, effective_on=consulted_on
            )
            return await _load(repos, engagement_id)

    return await retrying(work)
