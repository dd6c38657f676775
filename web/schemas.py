"""Request and response bodies of the JSON API (pydantic): `XIn` for input, `XOut` for output.

Types only: every domain rule (lengths, ranges, codes) is checked by the use cases, which
answer with a precise code and field.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar, cast

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from ledger.model import Account, EventOutcome, Transfer
from timebank.book.model import HistoryLine, Statement, StatementPart
from timebank.companies.model import Company
from timebank.documents.model import CdoTerms
from timebank.employees.model import Employee, hourly_cost_cents
from timebank.engagements.model import Engagement, TimesheetEntry, missing_terms
from timebank.engagements.use_cases import EngagementView
from timebank.groups.model import EmployerGroup
from timebank.needs.model import Need
from timebank.notifications.model import Notification
from timebank.pagination import Page
from timebank.people.model import Actor, User
from timebank.settlements.model import Statement as SettlementStatement
from timebank.skills.model import Skill, SkillDomain
from web.limits import INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN

T = TypeVar("T")
# Every integer of a body is bounded by its column (web/limits.py): ids, minutes and counts are
# `integer`, amounts in cents `BigInt`. Beyond → 422 out_of_range, never a database error.
Int32 = Annotated[int, Field(ge=INT32_MIN, le=INT32_MAX)]
Int64 = Annotated[int, Field(ge=INT64_MIN, le=INT64_MAX)]


class In(BaseModel):
    model_config = ConfigDict(extra="forbid")


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


class CompanyOut(BaseModel):
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

    @classmethod
    def of(cls, company: Company) -> CompanyOut:
        return cls(
            id=company.id,
            siren=company.siren,
            name=company.name,
            address=company.address,
            postal_code=company.postal_code,
            city=company.city,
            departement=company.departement,
            region=company.region,
            headcount_band=company.headcount_band.value,
            naf_code=company.naf_code,
            has_cse=company.has_cse,
            latitude=company.latitude,
            longitude=company.longitude,
            vat_regime=company.vat_regime.value,
            vat_on_debits=company.vat_on_debits,
            vat_number=company.vat_number,
        )


class SignupIn(In):
    email: str
    password: str
    full_name: str
    company: CompanyIn


class LoginIn(In):
    email: str
    password: str


class InvitationAcceptIn(In):
    token: str
    password: str


class RoleOut(BaseModel):
    company_id: int
    role: str


class MeOut(BaseModel):
    id: int
    email: str
    full_name: str
    is_operator: bool
    roles: list[RoleOut]

    @classmethod
    def of(cls, actor: Actor) -> MeOut:
        return cls(
            id=actor.user_id,
            email=actor.email,
            full_name=actor.full_name,
            is_operator=actor.is_operator,
            roles=[
                RoleOut(company_id=company, role=role.value)
                for company, role in sorted(actor.memberships)
            ],
        )


class SessionOut(BaseModel):
    token: str
    csrf_token: str
    expires_at: datetime
    user: MeOut


class SignupOut(BaseModel):
    user_id: int
    email: str
    company: CompanyOut


class UserOut(BaseModel):
    id: int
    email: str
    full_name: str

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(id=user.id, email=user.email, full_name=user.full_name)


class AccountantGrantIn(In):
    email: str
    full_name: str


class AccountantGrantOut(BaseModel):
    accountant: UserOut
    company_id: int
    invitation_token: str | None


class EmployeeInviteIn(In):
    email: str
    full_name: str
    job_title: str
    annual_gross_salary_cents: Int64
    employer_charge_rate_basis_points: Int32
    annual_work_hours: Int32 = 1607


class EmploymentIn(In):
    job_title: str
    annual_gross_salary_cents: Int64
    employer_charge_rate_basis_points: Int32
    annual_work_hours: Int32 = 1607
    active: bool = True


class SkillLevelIn(In):
    skill: str
    level: Int32


class ProfileIn(In):
    offered_minutes_per_month: Int32
    remote_ok: bool
    travel_radius_km: Int32
    languages: list[str]
    skills: list[SkillLevelIn] | None = None


class ApprovalIn(In):
    approved_minutes_per_month: Int32
    valid_from: date
    valid_until: date


class CostOut(BaseModel):
    annual_gross_salary_cents: int
    employer_charge_rate_basis_points: int
    annual_work_hours: int
    hourly_cost_cents: int


class ApprovalOut(BaseModel):
    approved_minutes_per_month: int
    valid_from: date
    valid_until: date


class SkillLevelOut(BaseModel):
    skill: str
    level: int


class EmployeeOut(BaseModel):
    id: int
    user_id: int
    company_id: int
    full_name: str
    email: str
    job_title: str
    cost: CostOut | None
    offered_minutes_per_month: int
    remote_ok: bool
    travel_radius_km: int
    languages: list[str]
    approval: ApprovalOut | None
    skills: list[SkillLevelOut]
    active: bool

    @classmethod
    def of(cls, employee: Employee) -> EmployeeOut:
        cost = None
        if employee.cost is not None:
            cost = CostOut(
                annual_gross_salary_cents=employee.cost.annual_gross_salary_cents,
                employer_charge_rate_basis_points=employee.cost.employer_charge_rate_basis_points,
                annual_work_hours=employee.cost.annual_work_hours,
                hourly_cost_cents=hourly_cost_cents(employee.cost),
            )
        approval = None
        if employee.approval is not None:
            approval = ApprovalOut(
                approved_minutes_per_month=employee.approval.approved_minutes_per_month,
                valid_from=employee.approval.valid_from,
                valid_until=employee.approval.valid_until,
            )
        return cls(
            id=employee.id,
            user_id=employee.user_id,
            company_id=employee.company_id,
            full_name=employee.full_name,
            email=employee.email,
            job_title=employee.job_title,
            cost=cost,
            offered_minutes_per_month=employee.offered_minutes_per_month,
            remote_ok=employee.remote_ok,
            travel_radius_km=employee.travel_radius_km,
            languages=list(employee.languages),
            approval=approval,
            skills=[SkillLevelOut(skill=s.skill_code, level=s.level) for s in employee.skills],
            active=employee.active,
        )


def employee_json(employee: Employee) -> dict[str, Any]:
    """`EmployeeOut.of(employee)` as plain values: the same JSON once encoded (a test compares
    them), without building and then serialising a pydantic model per employee and skill."""
    cost = employee.cost
    approval = employee.approval
    return {
        "id": employee.id,
        "user_id": employee.user_id,
        "company_id": employee.company_id,
        "full_name": employee.full_name,
        "email": employee.email,
        "job_title": employee.job_title,
        "cost": None
        if cost is None
        else {
            "annual_gross_salary_cents": cost.annual_gross_salary_cents,
            "employer_charge_rate_basis_points": cost.employer_charge_rate_basis_points,
            "annual_work_hours": cost.annual_work_hours,
            "hourly_cost_cents": hourly_cost_cents(cost),
        },
        "offered_minutes_per_month": employee.offered_minutes_per_month,
        "remote_ok": employee.remote_ok,
        "travel_radius_km": employee.travel_radius_km,
        "languages": list(employee.languages),
        "approval": None
        if approval is None
        else {
            "approved_minutes_per_month": approval.approved_minutes_per_month,
            "valid_from": approval.valid_from,
            "valid_until": approval.valid_until,
        },
        "skills": [{"skill": s.skill_code, "level": s.level} for s in employee.skills],
        "active": employee.active,
    }


def employee_page_out(page: Page[Employee]) -> PageOut[EmployeeOut]:
    """A page of employees as the JSON of `PageOut[EmployeeOut]`, in plain values
    (`employee_json`): the handler still answers `PageOut[EmployeeOut]` (its OpenAPI schema)."""
    return cast(
        "PageOut[EmployeeOut]",
        {
            "items": [employee_json(employee) for employee in page.items],
            "total": page.total,
            "limit": page.limit,
            "offset": page.offset,
        },
    )


class InvitedEmployeeOut(BaseModel):
    employee: EmployeeOut
    invitation_token: str | None


class RequiredSkillIn(In):
    skill: str
    min_level: Int32
    weight: Int32 = 1


class NeedIn(In):
    title: str
    description: str
    estimated_minutes: Int32
    window_start: date
    window_end: date
    remote_allowed: bool = True
    place_city: str = ""
    place_postal_code: str = ""
    language: str = "fr"
    skills: list[RequiredSkillIn]
    status: str = "open"


class RequiredSkillOut(BaseModel):
    skill: str
    min_level: int
    weight: int


class NeedOut(BaseModel):
    id: int
    company_id: int
    title: str
    description: str
    estimated_minutes: int
    window_start: date
    window_end: date
    remote_allowed: bool
    place_city: str
    place_postal_code: str
    language: str
    status: str
    skills: list[RequiredSkillOut]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, need: Need) -> NeedOut:
        return cls(
            id=need.id,
            company_id=need.company_id,
            title=need.title,
            description=need.description,
            estimated_minutes=need.estimated_minutes,
            window_start=need.window_start,
            window_end=need.window_end,
            remote_allowed=need.remote_allowed,
            place_city=need.place_city,
            place_postal_code=need.place_postal_code,
            language=need.language,
            status=need.status.value,
            skills=[
                RequiredSkillOut(skill=s.skill_code, min_level=s.min_level, weight=s.weight)
                for s in need.skills
            ],
            created_at=need.created_at,
            updated_at=need.updated_at,
        )


def need_json(need: Need) -> dict[str, Any]:
    """`NeedOut.of(need)` as plain values: the same JSON once encoded (a test compares them),
    without building and then serialising two pydantic models per need and skill."""
    return {
        "id": need.id,
        "company_id": need.company_id,
        "title": need.title,
        "description": need.description,
        "estimated_minutes": need.estimated_minutes,
        "window_start": need.window_start,
        "window_end": need.window_end,
        "remote_allowed": need.remote_allowed,
        "place_city": need.place_city,
        "place_postal_code": need.place_postal_code,
        "language": need.language,
        "status": need.status.value,
        "skills": [
            {"skill": s.skill_code, "min_level": s.min_level, "weight": s.weight}
            for s in need.skills
        ],
        "created_at": need.created_at,
        "updated_at": need.updated_at,
    }


def need_page_out(page: Page[Need]) -> PageOut[NeedOut]:
    """A page of needs as the JSON of `PageOut[NeedOut]`, in plain values (`need_json`).

    The browsed list is the busiest read: the handler still answers `PageOut[NeedOut]` (its
    OpenAPI schema), and the encoder writes these dicts as it would write the models' dump.
    """
    return cast(
        "PageOut[NeedOut]",
        {
            "items": [need_json(need) for need in page.items],
            "total": page.total,
            "limit": page.limit,
            "offset": page.offset,
        },
    )


class SkillUpdateIn(In):
    domain: str
    label_fr: str
    label_en: str
    esco_uri: str | None = None


class SkillIn(SkillUpdateIn):
    code: str


class SkillOut(BaseModel):
    code: str
    domain: str
    label_fr: str
    label_en: str
    esco_uri: str | None

    @classmethod
    def of(cls, skill: Skill) -> SkillOut:
        return cls(
            code=skill.code,
            domain=skill.domain_code,
            label_fr=skill.label_fr,
            label_en=skill.label_en,
            esco_uri=skill.esco_uri,
        )


class DomainOut(BaseModel):
    code: str
    label_fr: str
    label_en: str

    @classmethod
    def of(cls, domain: SkillDomain) -> DomainOut:
        return cls(code=domain.code, label_fr=domain.label_fr, label_en=domain.label_en)


class GroupIn(In):
    company_id: Int32
    name: str
    legal_form: str


class GroupMemberIn(In):
    company_id: Int32
    joined_on: date


class GroupMemberEndIn(In):
    left_on: date


class GroupMemberOut(BaseModel):
    company_id: int
    joined_on: date
    left_on: date | None


class GroupOut(BaseModel):
    id: int
    company_id: int
    name: str
    legal_form: str
    members: list[GroupMemberOut]

    @classmethod
    def of(cls, group: EmployerGroup) -> GroupOut:
        return cls(
            id=group.id,
            company_id=group.company_id,
            name=group.name,
            legal_form=group.legal_form.value,
            members=[
                GroupMemberOut(company_id=m.company_id, joined_on=m.joined_on, left_on=m.left_on)
                for m in group.members
            ],
        )


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def page_out(page: Page[Any], items: list[T]) -> PageOut[T]:
    return PageOut[T](items=items, total=page.total, limit=page.limit, offset=page.offset)


class HealthOut(BaseModel):
    status: str
    database: str


class TransferIn(In):
    id: str
    kind: str = "single"
    unit: str
    code: str = "exchange"
    debit_account_id: Int32 | None = None
    credit_account_id: Int32 | None = None
    amount: Int64 | None = None
    pending_id: str | None = None
    expires_at: AwareDatetime | None = None
    external_ref: str | None = None
    reverses_id: str | None = None
    linked: bool = False


class TransferBatchIn(In):
    transfers: list[TransferIn]


class TransferOut(BaseModel):
    id: str
    kind: str
    unit: str
    code: str
    debit_account_id: int
    credit_account_id: int
    amount: int
    pending_id: str | None
    expires_at: datetime | None
    external_ref: str | None
    reverses_id: str | None
    created_at: datetime

    @classmethod
    def of(cls, transfer: Transfer) -> TransferOut:
        return cls(
            id=transfer.id,
            kind=transfer.kind.value,
            unit=transfer.unit.value,
            code=transfer.code.value,
            debit_account_id=transfer.debit_account_id,
            credit_account_id=transfer.credit_account_id,
            amount=transfer.amount,
            pending_id=transfer.pending_id,
            expires_at=transfer.expires_at,
            external_ref=transfer.external_ref,
            reverses_id=transfer.reverses_id,
            created_at=transfer.created_at,
        )


class TransferResultOut(BaseModel):
    index: int
    id: str
    result: str
    transfer: TransferOut | None

    @classmethod
    def of(cls, outcome: EventOutcome) -> TransferResultOut:
        return cls(
            index=outcome.index,
            id=outcome.id,
            result=outcome.result.value,
            transfer=None if outcome.transfer is None else TransferOut.of(outcome.transfer),
        )


class TransferBatchOut(BaseModel):
    results: list[TransferResultOut]


class AccountOut(BaseModel):
    id: int
    unit: str
    kind: str
    company_id: int | None
    balance: int
    available: int
    debits_pending: int
    debits_posted: int
    credits_pending: int
    credits_posted: int
    balance_min: int | None
    balance_max: int | None

    @classmethod
    def of(cls, account: Account) -> AccountOut:
        return cls(
            id=account.id,
            unit=account.unit.value,
            kind=account.kind.value,
            company_id=account.company_id,
            balance=account.balance,
            available=account.available,
            debits_pending=account.debits_pending,
            debits_posted=account.debits_posted,
            credits_pending=account.credits_pending,
            credits_posted=account.credits_posted,
            balance_min=account.balance_min,
            balance_max=account.balance_max,
        )


class BalanceOut(BaseModel):
    account: AccountOut
    as_of: datetime | None
    balance: int
    debits_pending: int
    credits_pending: int


class LimitsIn(In):
    balance_min: Int64 | None
    balance_max: Int64 | None


class HistoryLineOut(BaseModel):
    transfer_id: str
    created_at: datetime
    kind: str
    code: str
    counterpart_account_id: int
    posted_delta: int
    pending_delta: int
    balance_after: int
    external_ref: str | None

    @classmethod
    def of(cls, line: HistoryLine) -> HistoryLineOut:
        return cls(
            transfer_id=line.transfer_id,
            created_at=line.created_at,
            kind=line.kind.value,
            code=line.code.value,
            counterpart_account_id=line.counterpart_account_id,
            posted_delta=line.posted_delta,
            pending_delta=line.pending_delta,
            balance_after=line.balance_after,
            external_ref=line.external_ref,
        )


class StatementPartOut(BaseModel):
    unit: str
    account_id: int
    opening_balance: int
    debits: int
    credits: int
    closing_balance: int
    lines: list[HistoryLineOut]

    @classmethod
    def of(cls, part: StatementPart) -> StatementPartOut:
        return cls(
            unit=part.unit.value,
            account_id=part.account_id,
            opening_balance=part.opening_balance,
            debits=part.debits,
            credits=part.credits,
            closing_balance=part.closing_balance,
            lines=[HistoryLineOut.of(line) for line in part.lines],
        )


class StatementOut(BaseModel):
    company_id: int
    start: date
    end: date
    minutes: StatementPartOut
    cents: StatementPartOut

    @classmethod
    def of(cls, statement: Statement) -> StatementOut:
        return cls(
            company_id=statement.company_id,
            start=statement.start,
            end=statement.end,
            minutes=StatementPartOut.of(statement.minutes),
            cents=StatementPartOut.of(statement.cents),
        )


class EngagementIn(In):
    need_id: Int32
    employee_id: Int32
    planned_minutes: Int32
    period_start: date
    period_end: date
    place: str = ""
    remote: bool = False
    tasks: str
    # The loan's own terms (L8241-2); may also be filled later (PATCH), before the loan starts.
    probation_days: Int32 | None = None  # Working days, 0: none.
    working_hours: str = ""  # The hours and their spread over the week.
    post_characteristics: str = ""


class EngagementTermsIn(In):
    """The loan's terms the admins agree before it starts; a field left out is unchanged."""

    place: str | None = None
    probation_days: Int32 | None = None
    working_hours: str | None = None
    post_characteristics: str | None = None


class StepIn(In):
    note: str = ""


class SignatureIn(In):
    document: str  # loan_agreement or employee_amendment
    document_hash: str  # SHA-256 of the text the signer read (GET …/documents).


class CseIn(In):
    company_id: Int32
    consulted_on: date


class PaperOut(BaseModel):
    paper: str
    signed_by: int
    signed_at: datetime
    document_id: str | None
    document_hash: str | None
    effective_on: date | None


class EngagementEventOut(BaseModel):
    step: str
    from_status: str
    to_status: str
    actor_id: int
    note: str
    created_at: datetime


class EngagementOut(BaseModel):
    id: int
    need_id: int
    host_company_id: int
    lender_company_id: int
    employee_id: int
    planned_minutes: int
    period_start: date
    period_end: date
    place: str
    remote: bool
    tasks: str
    probation_days: int | None
    working_hours: str
    post_characteristics: str
    missing_terms: list[str]
    status: str
    reserved_minutes: int
    papers: list[PaperOut]
    missing_papers: list[str] | None = None
    events: list[EngagementEventOut] | None = None

    @classmethod
    def of(cls, engagement: Engagement, *, view: EngagementView | None = None) -> EngagementOut:
        return cls(
            id=engagement.id,
            need_id=engagement.need_id,
            host_company_id=engagement.host_company_id,
            lender_company_id=engagement.lender_company_id,
            employee_id=engagement.employee_id,
            planned_minutes=engagement.planned_minutes,
            period_start=engagement.period_start,
            period_end=engagement.period_end,
            place=engagement.place,
            remote=engagement.remote,
            tasks=engagement.tasks,
            probation_days=engagement.probation_days,
            working_hours=engagement.working_hours,
            post_characteristics=engagement.post_characteristics,
            missing_terms=list(missing_terms(engagement)),
            status=engagement.status.value,
            reserved_minutes=engagement.reserved_minutes,
            papers=[
                PaperOut(
                    paper=p.paper.value,
                    signed_by=p.signed_by,
                    signed_at=p.signed_at,
                    document_id=p.document_id,
                    document_hash=p.document_hash,
                    effective_on=p.effective_on,
                )
                for p in engagement.papers
            ],
            missing_papers=None if view is None else [p.value for p in view.missing_papers],
            events=None
            if view is None
            else [
                EngagementEventOut(
                    step=e.step,
                    from_status=e.from_status,
                    to_status=e.to_status,
                    actor_id=e.actor_id,
                    note=e.note,
                    created_at=e.created_at,
                )
                for e in view.events
            ],
        )


class TimesheetIn(In):
    client_id: str
    work_date: date
    minutes: Int32
    description: str


class TimesheetOut(BaseModel):
    id: int
    client_id: str
    engagement_id: int
    work_date: date
    minutes: int
    description: str
    status: str
    cost_cents: int | None
    rejection_reason: str | None
    statement_id: int | None

    @classmethod
    def of(cls, entry: TimesheetEntry) -> TimesheetOut:
        return cls(
            id=entry.id,
            client_id=entry.client_id,
            engagement_id=entry.engagement_id,
            work_date=entry.work_date,
            minutes=entry.minutes,
            description=entry.description,
            status=entry.status,
            cost_cents=entry.cost_cents,
            rejection_reason=entry.rejection_reason,
            statement_id=entry.statement_id,
        )


class ApproveIn(In):
    entry_ids: list[Int32]


class ReasonIn(In):
    reason: str


class MonthIn(In):
    month: date


class SettlementOut(BaseModel):
    id: int
    month: date
    company_a: int
    company_b: int
    minutes_a_to_b: int
    minutes_b_to_a: int
    # At cost: None for the operator, who never reads salary-derived figures.
    cents_a_to_b: int | None
    cents_b_to_a: int | None
    set_off_cents: int | None
    net_cents: int | None
    debtor: int | None
    status: str
    agreed_by_a: bool
    agreed_by_b: bool
    dispute_reason: str | None
    settlement_transfer_id: str | None

    @classmethod
    def of(cls, statement: SettlementStatement, *, cents: bool = True) -> SettlementOut:
        totals = statement.totals
        return cls(
            id=statement.id,
            month=statement.month,
            company_a=statement.company_a,
            company_b=statement.company_b,
            minutes_a_to_b=totals.minutes_a_to_b,
            minutes_b_to_a=totals.minutes_b_to_a,
            cents_a_to_b=totals.cents_a_to_b if cents else None,
            cents_b_to_a=totals.cents_b_to_a if cents else None,
            set_off_cents=totals.set_off_cents if cents else None,
            net_cents=totals.net_cents if cents else None,
            debtor=statement.debtor,
            status=statement.status.value,
            agreed_by_a=statement.agreed_by_a is not None,
            agreed_by_b=statement.agreed_by_b is not None,
            dispute_reason=statement.dispute_reason,
            settlement_transfer_id=statement.settlement_transfer_id,
        )


class PositionOut(BaseModel):
    company_id: int
    minutes_given: int
    minutes_received: int
    minutes_balance: int
    minutes_reserved: int
    minutes_available: int
    credit_line_minutes: int | None
    cents_balance: int | None  # None for the operator.


class NotificationOut(BaseModel):
    id: int
    kind: str
    subject: str
    body: str
    link: str
    created_at: datetime
    read: bool

    @classmethod
    def of(cls, notification: Notification) -> NotificationOut:
        return cls(
            id=notification.id,
            kind=notification.kind,
            subject=notification.subject,
            body=notification.body,
            link=notification.link,
            created_at=notification.created_at,
            read=notification.read_at is not None,
        )


class ExtensionIn(In):
    extra_minutes: Int32
    reason: str


class ExtensionOut(BaseModel):
    id: int
    engagement_id: int
    extra_minutes: int
    reason: str
    status: str


class ProposalOut(BaseModel):
    id: int
    run_id: str
    need_id: int
    employee_id: int
    hours: int
    score_per_hour: int
    explanation: dict[str, Any]
    status: str
    decline_reason: str | None
    engagement_id: int | None


class RunOut(BaseModel):
    run_id: str
    status: str
    objective: int
    proposals: int
    bound: int = 0


class RotationPeriodIn(In):
    starts_on: date
    ends_on: date
    slot: str = "day"  # day or half_day
    travel_km_max: Int32 = 50
    monthly_management_costs_cents: Int64 = 0


class RotationCdoIn(In):
    max_days_per_week: float
    unavailable: list[date] = Field(default_factory=list, max_length=400)


class RotationRequestIn(In):
    days: float
    preferred_weekdays: list[Int32] = Field(default_factory=list, max_length=7)
    unavailable: list[date] = Field(default_factory=list, max_length=400)
    same_cdo_as_before: bool = False


class RotationSlotIn(In):
    employee_id: Int32
    company_id: Int32
    day: date
    half: str | None = None


class WorkedIn(In):
    worked: bool


class FeedIn(In):
    employee_id: Int32 | None = None
    company_id: Int32 | None = None


class FeedOut(BaseModel):
    url: str
    token: str


class RotationCdoOut(BaseModel):
    employee_id: int
    max_days_per_week: float
    unavailable: list[date]


class RotationRequestOut(BaseModel):
    company_id: int
    days: float
    preferred_weekdays: list[int]
    unavailable: list[date]
    same_cdo_as_before: bool
    updated_at: datetime


class MemberOutcomeOut(BaseModel):
    company_id: int
    requested_days: float
    served_days: float
    shortfall_days: float
    off_preferred_days: float
    cdos: int
    previous_slots_moved: int
    uneven_weeks: int


class RotationPlanOut(BaseModel):
    id: int
    period_id: int
    version: int
    status: str
    solver_status: str
    objective: int
    bound: int
    members: list[MemberOutcomeOut]
    created_at: datetime
    published_at: datetime | None


class RotationPeriodOut(BaseModel):
    id: int
    group_id: int
    starts_on: date
    ends_on: date
    slot: str
    travel_km_max: int
    monthly_management_costs_cents: int
    published_plan_id: int | None
    created_at: datetime
    cdos: list[RotationCdoOut] = Field(default_factory=list)
    requests: list[RotationRequestOut] = Field(default_factory=list)
    plans: list[RotationPlanOut] = Field(default_factory=list)


class RotationSlotOut(BaseModel):
    id: int
    plan_id: int
    employee_id: int
    company_id: int
    day: date
    half: str | None
    by_hand: bool
    worked: bool


class RotationSlotsOut(BaseModel):
    plan: RotationPlanOut | None
    slots: list[RotationSlotOut]


class CdoAllocationOut(BaseModel):
    id: int
    group_id: int
    month: date
    employee_id: int
    company_id: int
    slots_worked: int
    minutes: int
    cents: int | None  # None for the operator: a share is the CDO's salary at cost.
    amount: str | None  # "1 234,56 €"
    # The split between the CDO's pay and the group's costs, and the CDO's slots that month,
    # would let a member work out the CDO's salary: shown to the group's coordinators only.
    slots_total: int | None = None
    salary_cents: int | None = None
    management_cents: int | None = None
    minutes_transfer_id: str
    cents_transfer_id: str


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


class AssetProjectIn(In):
    account: str  # 203 or 205
    in_service_on: date | None = None


class TrainingIn(In):
    title: str
    provider: str
    starts_on: date
    ends_on: date
    minutes: Int32
    domain_code: str | None = None  # A skill domain (GET /api/v1/skills/domains).
    plan_link: str | None = None  # The employer's transformation plan: https:// or a reference.


class TrainingRatingIn(In):
    rating: Int32
    comment: str = ""


class TrainingOut(BaseModel):
    id: int
    employee_id: int
    company_id: int
    title: str
    provider: str
    starts_on: date
    ends_on: date
    minutes: int
    status: str
    cost_cents: int | None
    rating: int | None
    rating_comment: str | None
    domain_code: str | None = None
    plan_link: str | None = None  # Shown to the employee and their employer only.


class TrainingScoreOut(BaseModel):
    title: str
    provider: str
    average: float
    count: int
