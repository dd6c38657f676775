"""Use cases of the exchange: propose a loan, move it through its steps, record the paperwork,
reserve the hours in the ledger, log time, approve it (posting minutes and at-cost cents).

Every ledger movement is written in the same transaction as the rows it belongs to, with ids
derived from those rows, so a retry can never post twice.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from ledger.model import (
    AccountKind,
    EventOutcome,
    TransferCode,
    TransferKind,
    TransferRequest,
    TransferResult,
    Unit,
)
from timebank import formatting, rules
from timebank.book.use_cases import ensure_company_accounts, retrying, submit_in
from timebank.companies.model import RepresentedCompany
from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.documents.model import document_changed, not_a_signatory
from timebank.employees.model import Employee
from timebank.engagements import refusals
from timebank.engagements.model import (
    PAPERWORK_STATUSES,
    PROBATION_DAYS_MAX,
    TERMS_LENGTH_MAX,
    DeclaredTime,
    Document,
    Engagement,
    EngagementEvent,
    EngagementStatus,
    EntryStatus,
    EntryToReview,
    Extension,
    ExtensionStatus,
    LoanNames,
    Paper,
    Party,
    Step,
    TimesheetEntry,
    Turn,
    at_cost_cents,
    check_cse_consultation,
    check_paperwork,
    check_period,
    check_timesheet_entry,
    may_take_step,
    minutes_per_month,
    missing_papers,
    next_status,
    parties_of,
    required_papers,
    reservation_expiry,
    turn_of,
)
from timebank.errors import Conflict
from timebank.needs.model import NeedStatus
from timebank.notifications.model import Kind
from timebank.notifications.use_cases import notify
from timebank.pagination import Page, page_request
from timebank.people.model import Actor, Role, require_company_role
from timebank.people.salary_figures import reads_salary_figures

LEDGER_NAMESPACE: Final = uuid.UUID("2d0e3c1a-8b5f-4c7e-9f3a-6a1b2c3d4e5f")
REVIEW_BATCH_MAX: Final = 200


def _expires_at(engagement: Engagement, now: datetime) -> datetime:
    """When a reservation of this loan lapses: after the period and its grace, never sooner
    than tomorrow (a loan extended on its last day still gets a day to log)."""
    end = datetime.combine(reservation_expiry(engagement.period_end), time.min, tzinfo=UTC)
    return max(end, now + timedelta(days=1))


def _ledger_id(*parts: object) -> str:
    return str(uuid.uuid5(LEDGER_NAMESPACE, ":".join(str(part) for part in parts)))


@dataclass(frozen=True, slots=True)
class EngagementView:
    engagement: Engagement
    events: tuple[EngagementEvent, ...]
    missing_papers: tuple[Paper, ...]


async def _load(repos: Repositories, engagement_id: int, *, lock: bool = False) -> Engagement:
    engagement = await repos.engagements.get(engagement_id, lock=lock)
    if engagement is None:
        raise refusals.ENGAGEMENT_NOT_FOUND.error(id=engagement_id)
    return engagement


def _may_read(actor: Actor, engagement: Engagement) -> bool:
    return (
        actor.is_operator
        or actor.user_id == engagement.employee_user_id
        or actor.has_role(engagement.host_company_id, Role.COMPANY_ADMIN, Role.ACCOUNTANT)
        or actor.has_role(engagement.lender_company_id, Role.COMPANY_ADMIN, Role.ACCOUNTANT)
    )


async def _texts(repos: Repositories, engagement: Engagement) -> dict[str, str]:
    companies = await repos.companies.get_many([engagement.host_company_id])
    employee = await repos.employees.get(engagement.employee_id)
    need = await repos.needs.get(engagement.need_id)
    assert employee is not None
    assert need is not None
    return {
        "employee": employee.full_name,
        "host": companies[engagement.host_company_id].name,
        "need": need.title,
        "hours": formatting.hours(engagement.planned_minutes),
    }


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
    """The lender's admin (or the operator, from matching) proposes an employee for a need;
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
            require_company_role(actor, employee.company_id, Role.COMPANY_ADMIN)
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


async def _check_budget(repos: Repositories, engagement: Engagement, employee: Employee) -> None:
    """The employer's approval must cover the period and each month's hours."""
    approval = employee.approval
    if approval is None or not (
        approval.valid_from <= engagement.period_start
        and engagement.period_end <= approval.valid_until
    ):
        raise refusals.APPROVAL_DOES_NOT_COVER_PERIOD.error()
    load = minutes_per_month(
        engagement.planned_minutes, engagement.period_start, engagement.period_end
    )
    for other in await repos.engagements.committed_of_employee(
        engagement.employee_id, engagement.id
    ):
        for month, minutes in minutes_per_month(
            other.planned_minutes, other.period_start, other.period_end
        ).items():
            if month in load:
                load[month] += minutes
    for month, minutes in sorted(load.items()):
        if minutes > approval.approved_minutes_per_month:
            raise refusals.OVER_BUDGET.error(
                month=month,
                minutes=formatting.hours(minutes),
                approved_minutes_per_month=formatting.hours(approval.approved_minutes_per_month),
                minutes_in_month=minutes,
                approved_minutes=approval.approved_minutes_per_month,
            )


async def _check_credit_line(repos: Repositories, engagement: Engagement, now: datetime) -> None:
    """The host must be able to receive these hours within its credit line, reservations counted."""
    account = (await ensure_company_accounts(repos, engagement.host_company_id, now=now))[
        Unit.MINUTES
    ]
    if account.balance_min is not None and (
        account.available - engagement.planned_minutes < account.balance_min
    ):
        raise refusals.BEYOND_HOST_CREDIT_LINE.error(field="planned_minutes")


async def _reserve(repos: Repositories, engagement: Engagement, now: datetime) -> None:
    """Reserve the planned minutes: a pending transfer host → lender, expiring after the period."""
    host = (await ensure_company_accounts(repos, engagement.host_company_id, now=now))[Unit.MINUTES]
    lender = (await ensure_company_accounts(repos, engagement.lender_company_id, now=now))[
        Unit.MINUTES
    ]
    number = engagement.reservation_number + 1
    reservation = _reservation_request(
        engagement,
        number,
        engagement.planned_minutes,
        host_id=host.id,
        lender_id=lender.id,
        now=now,
    )
    outcome = (await submit_in(repos, [reservation], now=now))[0]
    if outcome.result is TransferResult.EXCEEDS_DEBIT_LIMIT:
        raise refusals.BEYOND_HOST_CREDIT_LINE.error(field="planned_minutes")
    _require_ledger_ok([outcome])
    await repos.engagements.set_reservation(
        engagement.id,
        reservation_id=reservation.id,
        reserved_minutes=engagement.planned_minutes,
        number=number,
    )


def _reservation_request(
    engagement: Engagement,
    number: int,
    minutes: int,
    *,
    host_id: int,
    lender_id: int,
    now: datetime,
) -> TransferRequest:
    """The `number`th reservation of a loan: a pending transfer host → lender that expires
    after the period."""
    return TransferRequest(
        id=_ledger_id("engagement", engagement.id, "reservation", number),
        kind=TransferKind.PENDING,
        unit=Unit.MINUTES,
        code=TransferCode.EXCHANGE,
        debit_account_id=host_id,
        credit_account_id=lender_id,
        amount=minutes,
        expires_at=_expires_at(engagement, now),
        external_ref=f"engagement:{engagement.id}",
    )


def _release_request(engagement: Engagement, *, linked: bool = False) -> TransferRequest:
    """Void the loan's current reservation."""
    assert engagement.reservation_id is not None
    return TransferRequest(
        id=_ledger_id("engagement", engagement.id, "release", engagement.reservation_number),
        kind=TransferKind.VOID_PENDING,
        unit=Unit.MINUTES,
        code=TransferCode.EXCHANGE,
        pending_id=engagement.reservation_id,
        external_ref=f"engagement:{engagement.id}",
        linked=linked,
    )


async def _release(repos: Repositories, engagement: Engagement, now: datetime) -> None:
    """Void what the reservation still holds (completion or cancellation)."""
    if engagement.reservation_id is None:
        return
    outcome = (await submit_in(repos, [_release_request(engagement)], now=now))[0]
    if outcome.result is not TransferResult.PENDING_TRANSFER_ALREADY_RESOLVED:
        _require_ledger_ok([outcome])  # An expired reservation has nothing left to release.
    await repos.engagements.set_reservation(
        engagement.id, reservation_id=None, reserved_minutes=0, number=engagement.reservation_number
    )


def _require_ledger_ok(outcomes: list[EventOutcome]) -> None:
    for outcome in outcomes:
        if outcome.result not in (TransferResult.CREATED, TransferResult.EXISTS):
            raise refusals.LEDGER_REFUSED[outcome.result].error()


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
            earlier = next((p for p in engagement.papers if p.paper is paper), None)
            if earlier is None:
                await repos.engagements.add_paper(
                    engagement.id,
                    paper,
                    signed_by=actor.user_id,
                    now=now,
                    document_id=str(stored.id),
                    document_hash=stored.sha256,
                )
            elif earlier.document_hash != stored.sha256:
                # The text changed since the earlier signature: this one replaces it for the
                # gate (the earlier stays in the document's own signature record).
                await repos.engagements.replace_signature(
                    engagement.id,
                    paper,
                    signed_by=actor.user_id,
                    now=now,
                    document_id=str(stored.id),
                    document_hash=stored.sha256,
                )
            return await _load(repos, engagement_id)

    return await retrying(work)


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
            require_company_role(actor, company_id, Role.COMPANY_ADMIN)
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


async def get_engagement(uow: UnitOfWork, actor: Actor, engagement_id: int) -> EngagementView:
    async with uow(write=False) as repos:
        found = await repos.engagements.with_events(engagement_id)
        if found is None or not _may_read(actor, found[0]):
            raise refusals.ENGAGEMENT_NOT_FOUND.error(id=engagement_id)
        engagement, events = found
        companies = await _loan_companies(repos, engagement)
        hashes = await _current_hashes(repos, engagement, companies)

    missing = missing_papers(
        engagement,
        lender_has_cse=companies[engagement.lender_company_id].company.has_cse,
        host_has_cse=companies[engagement.host_company_id].company.has_cse,
        current_hashes=hashes,
    )
    return EngagementView(engagement, tuple(events), tuple(missing))


async def list_engagements(
    uow: UnitOfWork, actor: Actor, *, status: str | None, limit: int, offset: int
) -> Page[Engagement]:
    """The caller's engagements: as employee, and for the companies it administers."""
    page = page_request(limit, offset)
    wanted = None
    if status is not None:
        try:
            wanted = EngagementStatus(status)
        except ValueError as exc:
            raise refusals.UNKNOWN_STATUS.error(status=status[:30]) from exc
    companies = (
        None
        if actor.is_operator
        else sorted(actor.companies_with(Role.COMPANY_ADMIN, Role.ACCOUNTANT))
    )
    async with uow(write=False) as repos:
        items, total = await repos.engagements.search(
            company_ids=companies,
            employee_user_id=actor.user_id,
            status=wanted,
            limit=page.limit,
            offset=page.offset,
        )
    return Page(items=tuple(items), total=total, limit=page.limit, offset=page.offset)


LOAN_SIDES: Final = ("lender", "host")


@dataclass(frozen=True, slots=True)
class LoanLine:
    """A loan in a list, with the names a person reads about it."""

    engagement: Engagement
    names: LoanNames


async def _lines(repos: Repositories, items: list[Engagement]) -> tuple[LoanLine, ...]:
    names = await repos.engagements.names_of([e.id for e in items])
    return tuple(LoanLine(e, names[e.id]) for e in items)


async def company_engagements(
    uow: UnitOfWork,
    actor: Actor,
    company_id: int,
    *,
    side: str | None,
    status: str | None,
    limit: int,
    offset: int,
) -> Page[LoanLine]:
    """A company's loans, as lender (`side="lender"`), as host (`"host"`) or both."""
    require_company_role(actor, company_id, Role.COMPANY_ADMIN, Role.ACCOUNTANT)
    if side is not None and side not in LOAN_SIDES:
        raise refusals.INVALID_SIDE.error()
    try:
        wanted = None if status is None else EngagementStatus(status)
    except ValueError as exc:
        raise refusals.UNKNOWN_STATUS.error(status=status[:30] if status else "") from exc
    page = page_request(limit, offset)
    async with uow(write=False) as repos:
        items, total = await repos.engagements.of_company(
            company_id, side=side, status=wanted, limit=page.limit, offset=page.offset
        )
        lines = await _lines(repos, items)
    return Page(items=lines, total=total, limit=page.limit, offset=page.offset)


async def my_engagements(
    uow: UnitOfWork, actor: Actor, *, limit: int, offset: int
) -> Page[LoanLine]:
    """The loans of the person as the employee lent (not those of companies they run)."""
    page = page_request(limit, offset)
    async with uow(write=False) as repos:
        items, total = await repos.engagements.search(
            company_ids=[],
            employee_user_id=actor.user_id,
            status=None,
            limit=page.limit,
            offset=page.offset,
        )
        lines = await _lines(repos, items)
    return Page(items=lines, total=total, limit=page.limit, offset=page.offset)


@dataclass(frozen=True, slots=True)
class LoanSheet:
    """Everything a loan's page shows, and what its reader may do on it now (`turn`)."""

    engagement: Engagement
    names: LoanNames
    events: tuple[EngagementEvent, ...]
    required_papers: tuple[Paper, ...]
    missing_papers: tuple[Paper, ...]
    extensions: tuple[Extension, ...]
    logged_minutes: int  # Submitted or approved.
    people: dict[int, str]  # Full names of the users named on the page.
    parties: frozenset[Party]  # Who the reader is in this loan (none: operator, accountant).
    turn: Turn


async def loan_sheet(uow: UnitOfWork, actor: Actor, engagement_id: int) -> LoanSheet:
    async with uow(write=False) as repos:
        found = await repos.engagements.with_events(engagement_id)
        if found is None or not _may_read(actor, found[0]):
            raise refusals.ENGAGEMENT_NOT_FOUND.error(id=engagement_id)
        engagement, events = found
        companies = await _loan_companies(repos, engagement)
        hashes = await _current_hashes(repos, engagement, companies)
        names = (await repos.engagements.names_of([engagement_id]))[engagement_id]
        extensions = await repos.engagements.extensions_of(engagement_id)
        logged = await repos.engagements.engagement_minutes(engagement_id)
        user_ids = {engagement.created_by, *(e.actor_id for e in events)}
        user_ids |= {p.signed_by for p in engagement.papers}
        user_ids |= {x.requested_by for x in extensions}
        user_ids |= {x.decided_by for x in extensions if x.decided_by is not None}
        full_names = await repos.people.full_names(sorted(user_ids))
        people = {
            user_id: full_names.get(user_id, f"Utilisateur n° {user_id}")
            for user_id in sorted(user_ids)
        }
    cse = {
        "lender_has_cse": companies[engagement.lender_company_id].company.has_cse,
        "host_has_cse": companies[engagement.host_company_id].company.has_cse,
    }
    missing = missing_papers(engagement, current_hashes=hashes, **cse)
    return LoanSheet(
        engagement=engagement,
        names=names,
        events=tuple(events),
        required_papers=tuple(p for p in Paper if p in required_papers(**cse)),  # Law's order.
        missing_papers=tuple(missing),
        extensions=tuple(extensions),
        logged_minutes=logged,
        people=people,
        parties=parties_of(actor, engagement),
        turn=turn_of(
            engagement, parties_of(actor, engagement), operator=actor.is_operator, missing=missing
        ),
    )


def _entry_fingerprint(engagement_id: int, work_date: date, minutes: int, description: str) -> str:
    return hashlib.sha256(
        repr((engagement_id, work_date.isoformat(), minutes, description)).encode()
    ).hexdigest()


async def log_time(
    uow: UnitOfWork,
    actor: Actor,
    engagement_id: int,
    *,
    client_id: str,
    work_date: date,
    minutes: int,
    description: str,
    now: datetime,
) -> tuple[TimesheetEntry, bool]:
    """The employee logs a day's hours; returns the entry and whether it was created now.

    `client_id` (a UUID) makes the submission idempotent: the same body again returns the
    existing entry, another body under the same id is refused.
    """
    if not re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", client_id):
        raise refusals.ID_INVALID.error()

    async def work() -> tuple[TimesheetEntry, bool]:
        async with uow() as repos:
            engagement = await _load(repos, engagement_id, lock=True)
            if actor.user_id != engagement.employee_user_id:
                raise refusals.ONLY_THE_EMPLOYEE_LOGS_HOURS.error()
            digest = _entry_fingerprint(engagement_id, work_date, minutes, description.strip())
            existing = await repos.engagements.entry_by_client_id(client_id)
            if existing is not None:
                if existing.request_hash != digest:
                    raise refusals.DUPLICATE_SUBMISSION.error()
                return existing, False
            monday = work_date - timedelta(days=work_date.weekday())
            declared = DeclaredTime(
                day_minutes=await repos.engagements.declared_minutes(
                    engagement.employee_id, work_date, work_date
                ),
                week_minutes=await repos.engagements.declared_minutes(
                    engagement.employee_id, monday, monday + timedelta(days=6)
                ),
                engagement_minutes=await repos.engagements.engagement_minutes(engagement_id),
            )
            text = check_timesheet_entry(
                engagement,
                work_date=work_date,
                duration_minutes=minutes,
                description=description,
                today=now.date(),
                declared=declared,
            )
            entry = await repos.engagements.add_entry(
                client_id=client_id,
                request_hash=digest,
                engagement_id=engagement_id,
                employee_id=engagement.employee_id,
                work_date=work_date,
                minutes=minutes,
                description=text,
                now=now,
            )
            values = {
                **await _texts(repos, engagement),
                "hours": formatting.hours(minutes),
                "day": formatting.day(work_date),
            }
            await notify(
                repos,
                await repos.notifications.admins_of(engagement.host_company_id),
                Kind.TIMESHEET_TO_APPROVE,
                values,
                link=f"/api/v1/engagements/{engagement_id}/timesheets",
                now=now,
            )
            return entry, True

    return await retrying(work)


async def list_entries(
    uow: UnitOfWork, actor: Actor, engagement_id: int, *, limit: int, offset: int
) -> Page[TimesheetEntry]:
    page = page_request(limit, offset)
    async with uow(write=False) as repos:
        engagement = await _load(repos, engagement_id)
        if not _may_read(actor, engagement):
            raise refusals.ENGAGEMENT_NOT_FOUND.error(id=engagement_id)
        items, total = await repos.engagements.entries_of(
            engagement_id, limit=page.limit, offset=page.offset
        )
    if not reads_salary_figures(actor, engagement.host_company_id, engagement.lender_company_id):
        items = [replace(item, cost_cents=None) for item in items]
    return Page(items=tuple(items), total=total, limit=page.limit, offset=page.offset)


async def approve_entries(
    uow: UnitOfWork, actor: Actor, entry_ids: list[int], *, now: datetime
) -> list[TimesheetEntry]:
    """The host approves entries (one or many): each posts its minutes from the reservation
    and its at-cost value in cents, in the same transaction as the approval."""
    if not entry_ids:
        raise refusals.NO_ENTRY_TO_APPROVE.error()
    if len(entry_ids) > REVIEW_BATCH_MAX:
        raise refusals.TOO_MANY_ITEMS.error(review_batch_max=REVIEW_BATCH_MAX)

    async def work() -> list[TimesheetEntry]:
        async with uow() as repos:
            entries = await repos.engagements.entries(entry_ids)
            for entry_id in entry_ids:
                if entry_id not in entries:
                    raise refusals.ENTRY_NOT_FOUND.error(id=entry_id, field="entry_ids")
            engagements = await repos.engagements.get_many(
                [e.engagement_id for e in entries.values()], lock=True
            )
            requests, costs = await _approval_requests(repos, actor, entries, engagements, now)
            _require_ledger_ok(await submit_in(repos, requests, now=now))
            for entry in sorted(entries.values(), key=lambda e: e.id):
                await repos.engagements.approve_entry(
                    entry.id, cost_cents=costs[entry.id], reviewer=actor.user_id, now=now
                )
            for engagement in engagements.values():
                await repos.engagements.set_reservation(
                    engagement.id,
                    reservation_id=engagement.reservation_id,
                    reserved_minutes=engagement.reserved_minutes,
                    number=engagement.reservation_number,
                )
            updated = await repos.engagements.entries(entry_ids)
            return [updated[entry_id] for entry_id in sorted(updated)]

    return await retrying(work)


async def _approval_requests(
    repos: Repositories,
    actor: Actor,
    entries: dict[int, TimesheetEntry],
    engagements: dict[int, Engagement],
    now: datetime,
) -> tuple[list[TransferRequest], dict[int, int]]:
    """Per entry, a linked chain: post its minutes from the reservation, reserve what remains,
    book its at-cost value in cents. `engagements` is updated with the new reservations."""
    requests: list[TransferRequest] = []
    costs: dict[int, int] = {}
    for entry in sorted(entries.values(), key=lambda e: e.id):
        engagement = engagements[entry.engagement_id]
        require_company_role(actor, engagement.host_company_id, Role.COMPANY_ADMIN)
        if actor.user_id == engagement.employee_user_id:
            raise refusals.SELF_APPROVAL.error()
        if entry.status is not EntryStatus.SUBMITTED:
            raise refusals.ENTRY_ALREADY_REVIEWED.error(field="entry_ids")
        if engagement.status is not EngagementStatus.ACTIVE or engagement.reservation_id is None:
            raise refusals.LOAN_NO_LONGER_ACTIVE.error()
        employee = await repos.employees.get(engagement.employee_id)
        assert employee is not None
        assert employee.cost is not None
        cost = at_cost_cents(
            entry.minutes,
            annual_gross_salary_cents=employee.cost.annual_gross_salary_cents,
            employer_charge_rate_basis_points=(employee.cost.employer_charge_rate_basis_points),
            annual_work_hours=employee.cost.annual_work_hours,
        )
        costs[entry.id] = cost
        host = await ensure_company_accounts(repos, engagement.host_company_id, now=now)
        lender = await ensure_company_accounts(repos, engagement.lender_company_id, now=now)
        remaining = engagement.reserved_minutes - entry.minutes
        assert remaining >= 0, "guardrails keep logged time within the reservation"
        ref = f"timesheet:{entry.id}"
        chain = [
            TransferRequest(
                id=_ledger_id("timesheet", entry.id, "post"),
                kind=TransferKind.POST_PENDING,
                unit=Unit.MINUTES,
                code=TransferCode.EXCHANGE,
                pending_id=engagement.reservation_id,
                amount=entry.minutes,
                external_ref=ref,
            )
        ]
        number = engagement.reservation_number
        new_reservation = None
        if remaining > 0:
            number += 1
            reservation = _reservation_request(
                engagement,
                number,
                remaining,
                host_id=host[Unit.MINUTES].id,
                lender_id=lender[Unit.MINUTES].id,
                now=now,
            )
            new_reservation = reservation.id
            chain.append(reservation)
        if cost > 0:
            chain.append(
                TransferRequest(
                    id=_ledger_id("timesheet", entry.id, "cents"),
                    kind=TransferKind.SINGLE,
                    unit=Unit.CENTS,
                    code=TransferCode.EXCHANGE,
                    debit_account_id=host[Unit.CENTS].id,
                    credit_account_id=lender[Unit.CENTS].id,
                    amount=cost,
                    external_ref=ref,
                )
            )
        requests += [replace(r, linked=index < len(chain) - 1) for index, r in enumerate(chain)]
        engagements[engagement.id] = replace(
            engagement,
            reservation_id=new_reservation,
            reserved_minutes=remaining,
            reservation_number=number,
        )
    return requests, costs


async def reject_entry(
    uow: UnitOfWork, actor: Actor, entry_id: int, *, reason: str, now: datetime
) -> TimesheetEntry:
    if not reason.strip():
        raise refusals.REQUIRED_REASON.error()
    checked = rules.text(reason, field="reason", length_max=500)

    async def work() -> TimesheetEntry:
        async with uow() as repos:
            entry = (await repos.engagements.entries([entry_id])).get(entry_id)
            if entry is None:
                raise refusals.ENTRY_NOT_FOUND.error(id=entry_id, field="entry_id")
            engagement = await _load(repos, entry.engagement_id, lock=True)
            require_company_role(actor, engagement.host_company_id, Role.COMPANY_ADMIN)
            if actor.user_id == engagement.employee_user_id:
                raise refusals.SELF_REVIEW.error()
            await repos.engagements.reject_entry(
                entry_id, reason=checked, reviewer=actor.user_id, now=now
            )
            await notify(
                repos,
                [engagement.employee_user_id],
                Kind.TIMESHEET_REJECTED,
                {
                    "hours": formatting.hours(entry.minutes),
                    "day": formatting.day(entry.work_date),
                    "reason": checked,
                },
                link=f"/api/v1/engagements/{engagement.id}/timesheets",
                now=now,
            )
            return (await repos.engagements.entries([entry_id]))[entry_id]

    return await retrying(work)


RUNNING_LOANS_MAX: Final = 200


@dataclass(frozen=True, slots=True)
class RunningLoan:
    """An active loan as its employee sees it: where, for which need."""

    engagement: Engagement
    host_name: str
    need_title: str


async def my_running_loans(uow: UnitOfWork, actor: Actor) -> list[RunningLoan]:
    """The caller's own active loans (as the lent employee), oldest first."""
    async with uow(write=False) as repos:
        items, _ = await repos.engagements.search(
            company_ids=[],
            employee_user_id=actor.user_id,
            status=EngagementStatus.ACTIVE,
            limit=RUNNING_LOANS_MAX,
            offset=0,
        )
        companies = await repos.companies.get_many([e.host_company_id for e in items])
        needs = await repos.needs.get_many([e.need_id for e in items])
    return [
        RunningLoan(e, companies[e.host_company_id].name, needs[e.need_id].title)
        for e in sorted(items, key=lambda e: e.id)
    ]


async def get_entry(uow: UnitOfWork, actor: Actor, entry_id: int) -> TimesheetEntry:
    async with uow(write=False) as repos:
        entry = (await repos.engagements.entries([entry_id])).get(entry_id)
        if entry is None or not _may_read(actor, await _load(repos, entry.engagement_id)):
            raise refusals.ENTRY_NOT_FOUND.error(id=entry_id, field="entry_id")
    return entry


async def week_entries(
    uow: UnitOfWork, actor: Actor, engagement_id: int, *, day: date
) -> list[TimesheetEntry]:
    """The loan's entries of the ISO week holding `day` (withdrawn ones left out)."""
    monday = day - timedelta(days=day.weekday())
    async with uow(write=False) as repos:
        engagement = await _load(repos, engagement_id)
        if not _may_read(actor, engagement):
            raise refusals.ENGAGEMENT_NOT_FOUND.error(id=engagement_id)
        return await repos.engagements.entries_between(
            engagement_id, monday, monday + timedelta(days=6)
        )


async def entries_to_review(
    uow: UnitOfWork, actor: Actor, company_id: int, *, limit: int, offset: int
) -> Page[EntryToReview]:
    """The host's queue: submitted entries of the loans it hosts."""
    require_company_role(actor, company_id, Role.COMPANY_ADMIN)
    page = page_request(limit, offset)
    async with uow(write=False) as repos:
        items, total = await repos.engagements.awaiting_review_of_host(
            company_id, limit=page.limit, offset=page.offset
        )
    return Page(items=tuple(items), total=total, limit=page.limit, offset=page.offset)


async def _own_entry_awaiting_review(
    repos: Repositories, actor: Actor, entry_id: int
) -> tuple[TimesheetEntry, Engagement]:
    """The entry, if the caller logged it and nobody reviewed it yet (its loan locked)."""
    entry = (await repos.engagements.entries([entry_id])).get(entry_id)
    if entry is None:
        raise refusals.ENTRY_NOT_FOUND.error(id=entry_id, field="entry_id")
    engagement = await _load(repos, entry.engagement_id, lock=True)
    if actor.user_id != engagement.employee_user_id:
        if not _may_read(actor, engagement):
            raise refusals.ENTRY_NOT_FOUND.error(id=entry_id, field="entry_id")
        raise refusals.ONLY_THE_AUTHOR_CHANGES_HOURS.error()
    if entry.status is not EntryStatus.SUBMITTED:
        raise _entry_settled(entry.status)
    return entry, engagement


def _entry_settled(status: EntryStatus) -> Conflict:
    if status is EntryStatus.WITHDRAWN:
        return refusals.ENTRY_WITHDRAWN.error()
    return refusals.ENTRY_SETTLED.error()


async def edit_entry(
    uow: UnitOfWork,
    actor: Actor,
    entry_id: int,
    *,
    work_date: date,
    minutes: int,
    description: str,
    now: datetime,
) -> TimesheetEntry:
    """The employee corrects an entry still awaiting review, under the guardrails of a new
    one (its own minutes left out of what was already declared). Nothing is in the ledger yet."""

    async def work() -> TimesheetEntry:
        async with uow() as repos:
            entry, engagement = await _own_entry_awaiting_review(repos, actor, entry_id)
            monday = work_date - timedelta(days=work_date.weekday())
            sunday = monday + timedelta(days=6)
            employee_id = engagement.employee_id
            day = await repos.engagements.declared_minutes(employee_id, work_date, work_date)
            week = await repos.engagements.declared_minutes(employee_id, monday, sunday)
            declared = DeclaredTime(
                day_minutes=day - (entry.minutes if entry.work_date == work_date else 0),
                week_minutes=week - (entry.minutes if monday <= entry.work_date <= sunday else 0),
                engagement_minutes=(
                    await repos.engagements.engagement_minutes(engagement.id) - entry.minutes
                ),
            )
            text = check_timesheet_entry(
                engagement,
                work_date=work_date,
                duration_minutes=minutes,
                description=description,
                today=now.date(),
                declared=declared,
            )
            if not await repos.engagements.change_entry(
                entry_id, work_date=work_date, minutes=minutes, description=text
            ):
                raise _entry_settled(EntryStatus.APPROVED)
            return (await repos.engagements.entries([entry_id]))[entry_id]

    return await retrying(work)


async def withdraw_entry(uow: UnitOfWork, actor: Actor, entry_id: int) -> TimesheetEntry:
    """The employee withdraws an entry still awaiting review: it stays as a trace, counts in no
    limit, statement or export, and can never be approved."""

    async def work() -> TimesheetEntry:
        async with uow() as repos:
            await _own_entry_awaiting_review(repos, actor, entry_id)
            if not await repos.engagements.withdraw_entry(entry_id):
                raise _entry_settled(EntryStatus.APPROVED)
            return (await repos.engagements.entries([entry_id]))[entry_id]

    return await retrying(work)


@dataclass(frozen=True, slots=True)
class Position:
    """A company's place in the time bank: hours given and received, credit line, at cost."""

    company_id: int
    minutes_given: int
    minutes_received: int
    minutes_balance: int
    minutes_reserved: int
    minutes_available: int
    credit_line_minutes: int | None
    cents_balance: int | None  # Positive: others owe it; negative: it owes. None: operator.


async def company_position(
    uow: UnitOfWork, actor: Actor, company_id: int, *, now: datetime
) -> Position:
    require_company_role(actor, company_id, Role.COMPANY_ADMIN, Role.ACCOUNTANT)
    # A read takes no write lock: a company's accounts are opened with it, and only one
    # that predates them has its accounts opened here.
    async with uow(write=False) as repos:
        accounts = {
            account.unit: account
            for account in await repos.book.accounts(company_ids=[company_id])
            if account.kind is AccountKind.COMPANY
        }
    if len(accounts) < len(Unit):
        async with uow() as repos:
            if await repos.companies.get(company_id) is None:
                raise refusals.COMPANY_NOT_FOUND.error(id=company_id)
            accounts = await ensure_company_accounts(repos, company_id, now=now)
    minutes, cents = accounts[Unit.MINUTES], accounts[Unit.CENTS]
    return Position(
        company_id=company_id,
        minutes_given=minutes.credits_posted,
        minutes_received=minutes.debits_posted,
        minutes_balance=minutes.balance,
        minutes_reserved=minutes.debits_pending,
        minutes_available=minutes.available,
        credit_line_minutes=minutes.balance_min,
        cents_balance=cents.balance if reads_salary_figures(actor, company_id) else None,
    )


async def request_extension(
    uow: UnitOfWork,
    actor: Actor,
    engagement_id: int,
    *,
    extra_minutes: int,
    reason: str,
    now: datetime,
) -> Extension:
    """The host's admin asks for more hours on a running loan (a change request)."""
    rules.minutes(extra_minutes, field="extra_minutes", high=rules.YEAR_WORK_MINUTES_MAX)
    if extra_minutes == 0:
        raise refusals.EXTRA_HOURS_REQUIRED.error()
    checked = rules.text(reason, field="reason", length_max=500)

    async def work() -> Extension:
        async with uow() as repos:
            engagement = await _load(repos, engagement_id, lock=True)
            require_company_role(actor, engagement.host_company_id, Role.COMPANY_ADMIN)
            if engagement.status is not EngagementStatus.ACTIVE:
                raise refusals.EXTENSION_OF_INACTIVE_LOAN.error()
            extension_id = await repos.engagements.add_extension(
                engagement_id,
                extra_minutes=extra_minutes,
                reason=checked,
                requested_by=actor.user_id,
                now=now,
            )
            await notify(
                repos,
                await repos.notifications.admins_of(engagement.lender_company_id),
                Kind.ENGAGEMENT_ACCEPTED,
                {**await _texts(repos, engagement), "hours": formatting.hours(extra_minutes)},
                link=f"/api/v1/engagements/{engagement_id}",
                now=now,
            )
            extension = await repos.engagements.extension(extension_id)
            assert extension is not None
            return extension

    return await retrying(work)


async def decide_extension(
    uow: UnitOfWork,
    actor: Actor,
    engagement_id: int,
    extension_id: int,
    *,
    approve: bool,
    now: datetime,
) -> Engagement:
    """The lender's admin approves (within the budget and the host's credit line) or refuses.

    Approval swaps the reservation for a bigger one in one linked chain: void the current one,
    reserve what it held plus the extra hours.
    """

    async def work() -> Engagement:
        async with uow() as repos:
            engagement = await _load(repos, engagement_id, lock=True)
            extension = await repos.engagements.extension(extension_id)
            if extension is None or extension.engagement_id != engagement_id:
                raise refusals.EXTENSION_REQUEST_NOT_FOUND.error(id=extension_id)
            require_company_role(actor, engagement.lender_company_id, Role.COMPANY_ADMIN)
            if extension.status is not ExtensionStatus.REQUESTED:
                raise refusals.ALREADY_DECIDED.error()
            if approve:
                if (
                    engagement.status is not EngagementStatus.ACTIVE
                    or engagement.reservation_id is None
                ):
                    raise refusals.LOAN_NO_LONGER_ACTIVE.error(field="status")
                grown = replace(
                    engagement, planned_minutes=engagement.planned_minutes + extension.extra_minutes
                )
                employee = await repos.employees.get(engagement.employee_id)
                assert employee is not None
                await _check_budget(repos, grown, employee)
                await _grow_reservation(repos, engagement, extension.extra_minutes, now)
                await repos.engagements.extend(engagement_id, extension.extra_minutes, now)
            await repos.engagements.decide_extension(
                extension_id, approved=approve, decided_by=actor.user_id, now=now
            )
            return await _load(repos, engagement_id)

    return await retrying(work)


async def _grow_reservation(
    repos: Repositories, engagement: Engagement, extra_minutes: int, now: datetime
) -> None:
    host = (await ensure_company_accounts(repos, engagement.host_company_id, now=now))[Unit.MINUTES]
    lender = (await ensure_company_accounts(repos, engagement.lender_company_id, now=now))[
        Unit.MINUTES
    ]
    number = engagement.reservation_number + 1
    total = engagement.reserved_minutes + extra_minutes
    reservation = _reservation_request(
        engagement, number, total, host_id=host.id, lender_id=lender.id, now=now
    )
    outcomes = await submit_in(
        repos, [_release_request(engagement, linked=True), reservation], now=now
    )
    if TransferResult.EXCEEDS_DEBIT_LIMIT in {o.result for o in outcomes}:
        raise refusals.BEYOND_HOST_CREDIT_LINE.error()
    _require_ledger_ok(outcomes)
    await repos.engagements.set_reservation(
        engagement.id, reservation_id=reservation.id, reserved_minutes=total, number=number
    )
