"""Every Piccolo table of the service, and nothing else.

Tables are named `<Thing>Table` so the plain names stay free for the domain model. Foreign keys
never cascade: history is kept, and a delete that would orphan a row is refused.
"""

from __future__ import annotations

from piccolo.columns import (
    BigInt,
    Boolean,
    Bytea,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

RESTRICT = OnDelete.restrict


class CompanyTable(Table, tablename="company"):
    id = Serial(primary_key=True)
    siren = Varchar(length=9, unique=True)
    name = Varchar(length=200)
    address = Varchar(length=200, default="")
    postal_code = Varchar(length=5)
    city = Varchar(length=100, default="")
    departement = Varchar(length=3, index=True)
    region = Varchar(length=60, index=True)
    headcount_band = Varchar(length=10)
    naf_code = Varchar(length=6, null=True, default=None)
    has_cse = Boolean(default=False)
    latitude = DoublePrecision(null=True, default=None)
    longitude = DoublePrecision(null=True, default=None)
    created_at = Timestamptz()
    vat_regime = Varchar(length=12, default="reel")
    vat_on_debits = Boolean(default=False)
    vat_number = Varchar(length=13, null=True, default=None)


class UserTable(Table, tablename="app_user"):
    id = Serial(primary_key=True)
    email = Varchar(length=254, unique=True)
    full_name = Varchar(length=200)
    password_hash = Varchar(length=200, null=True, default=None)
    is_operator = Boolean(default=False)
    locale = Varchar(length=2, default="fr")
    created_at = Timestamptz()


class MembershipTable(Table, tablename="membership"):
    """A user acting for a company with a role (accountants: one grant per client company)."""

    id = Serial(primary_key=True)
    user = ForeignKey(references=UserTable, on_delete=RESTRICT, index=True)
    company = ForeignKey(references=CompanyTable, on_delete=RESTRICT, index=True)
    role = Varchar(length=20)
    granted_by = ForeignKey(references=UserTable, on_delete=RESTRICT, null=True, default=None)
    created_at = Timestamptz()


class SessionTable(Table, tablename="auth_session"):
    id = Serial(primary_key=True)
    token_hash = Varchar(length=64, unique=True)
    csrf_token = Varchar(length=64)
    user = ForeignKey(references=UserTable, on_delete=RESTRICT, index=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)


class InvitationTable(Table, tablename="invitation"):
    id = Serial(primary_key=True)
    token_hash = Varchar(length=64, unique=True)
    user = ForeignKey(references=UserTable, on_delete=RESTRICT)
    company = ForeignKey(references=CompanyTable, on_delete=RESTRICT)
    created_by = ForeignKey(references=UserTable, on_delete=RESTRICT)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    accepted_at = Timestamptz(null=True, default=None)


class PasswordResetTable(Table, tablename="password_reset"):
    """A one-time link to choose a new password: only the token's SHA-256 digest is kept."""

    id = Serial(primary_key=True)
    token_hash = Varchar(length=64, unique=True)
    user = ForeignKey(references=UserTable, on_delete=RESTRICT, index=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class SkillDomainTable(Table, tablename="skill_domain"):
    id = Serial(primary_key=True)
    code = Varchar(length=40, unique=True)
    label_fr = Varchar(length=120)
    label_en = Varchar(length=120)


class SkillTable(Table, tablename="skill"):
    id = Serial(primary_key=True)
    code = Varchar(length=60, unique=True)
    domain = ForeignKey(references=SkillDomainTable, on_delete=RESTRICT)
    label_fr = Varchar(length=120)
    label_en = Varchar(length=120)
    esco_uri = Varchar(length=200, null=True, default=None)


class EmployeeTable(Table, tablename="employee"):
    """An employee of a company; cost inputs are personal data (admins and accountants only)."""

    id = Serial(primary_key=True)
    user = ForeignKey(references=UserTable, on_delete=RESTRICT, index=True)
    company = ForeignKey(references=CompanyTable, on_delete=RESTRICT, index=True)
    job_title = Varchar(length=200)
    annual_gross_salary_cents = BigInt()
    employer_charge_rate_basis_points = Integer()
    annual_work_hours = Integer(default=1607)
    offered_minutes_per_month = Integer(default=0)
    remote_ok = Boolean(default=True)
    travel_radius_km = Integer(default=0)
    languages = Varchar(length=60, default="fr")
    approved_minutes_per_month = Integer(null=True, default=None)
    approval_valid_from = Date(null=True, default=None)
    approval_valid_until = Date(null=True, default=None)
    approved_by = ForeignKey(references=UserTable, on_delete=RESTRICT, null=True, default=None)
    active = Boolean(default=True)
    created_at = Timestamptz()


class EmployeeSkillTable(Table, tablename="employee_skill"):
    id = Serial(primary_key=True)
    employee = ForeignKey(references=EmployeeTable, on_delete=RESTRICT, index=True)
    skill = ForeignKey(references=SkillTable, on_delete=RESTRICT, index=True)
    level = Integer()


class NeedTable(Table, tablename="need"):
    id = Serial(primary_key=True)
    company = ForeignKey(references=CompanyTable, on_delete=RESTRICT, index=True)
    title = Varchar(length=200)
    description = Text()
    estimated_minutes = Integer()
    window_start = Date()
    window_end = Date()
    remote_allowed = Boolean(default=True)
    place_city = Varchar(length=100, default="")
    place_postal_code = Varchar(length=5, default="")
    language = Varchar(length=2, default="fr")
    status = Varchar(length=12, index=True)
    created_by = ForeignKey(references=UserTable, on_delete=RESTRICT)
    created_at = Timestamptz()  # Indexed with the id (migration): the list shows newest first.
    updated_at = Timestamptz()


class NeedSkillTable(Table, tablename="need_skill"):
    id = Serial(primary_key=True)
    need = ForeignKey(references=NeedTable, on_delete=RESTRICT, index=True)
    skill = ForeignKey(references=SkillTable, on_delete=RESTRICT, index=True)
    min_level = Integer()
    weight = Integer(default=1)


class EmployerGroupTable(Table, tablename="employer_group"):
    """A groupement d'employeurs; its legal entity is a company (it employs the shared staff)."""

    id = Serial(primary_key=True)
    company = ForeignKey(references=CompanyTable, on_delete=RESTRICT, unique=True)
    name = Varchar(length=200)
    legal_form = Varchar(length=20)
    created_at = Timestamptz()


class GroupMemberTable(Table, tablename="group_member"):
    id = Serial(primary_key=True)
    group = ForeignKey(references=EmployerGroupTable, on_delete=RESTRICT, index=True)
    company = ForeignKey(references=CompanyTable, on_delete=RESTRICT, index=True)
    joined_on = Date()
    left_on = Date(null=True, default=None)


class GroupJoinRequestTable(Table, tablename="group_join_request"):
    """A company asks to join an employer group; the coordinator accepts or refuses it."""

    id = Serial(primary_key=True)
    group = ForeignKey(references=EmployerGroupTable, on_delete=RESTRICT, index=True)
    company = ForeignKey(references=CompanyTable, on_delete=RESTRICT, index=True)
    half_days_per_month = Integer()
    preferred_weekdays = Varchar(length=20, default="")  # "0,2": Monday and Wednesday.
    message = Text(default="")
    status = Varchar(length=12)
    reason = Text(default="")  # Why the coordinator refused.
    requested_by = ForeignKey(references=UserTable, on_delete=RESTRICT)
    created_at = Timestamptz()
    decided_by = ForeignKey(references=UserTable, on_delete=RESTRICT, null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)


class LedgerAccountTable(Table, tablename="ledger_account"):
    """A ledger account: a company's (or the programme's) balance in one unit.

    Counters only grow or shrink through transfers; limits are also CHECKed by the database.
    """

    id = Serial(primary_key=True)
    unit = Varchar(length=8)
    kind = Varchar(length=20)
    company = ForeignKey(
        references=CompanyTable, on_delete=RESTRICT, null=True, default=None, index=True
    )
    balance_min = BigInt(null=True, default=None)
    balance_max = BigInt(null=True, default=None)
    debits_pending = BigInt(default=0)
    debits_posted = BigInt(default=0)
    credits_pending = BigInt(default=0)
    credits_posted = BigInt(default=0)
    version = BigInt(default=0)
    created_at = Timestamptz()


class LedgerTransferTable(Table, tablename="ledger_transfer"):
    """An immutable transfer; `sequence` orders the hash chain. Updates and deletes are refused."""

    id = Varchar(length=36, primary_key=True)
    sequence = BigInt(unique=True)
    kind = Varchar(length=16)
    unit = Varchar(length=8)
    code = Varchar(length=20)
    # No index on the account columns: history reads entries, and accounts are never deleted.
    debit_account = ForeignKey(references=LedgerAccountTable, on_delete=RESTRICT)
    credit_account = ForeignKey(references=LedgerAccountTable, on_delete=RESTRICT)
    amount = BigInt()
    pending_id = Varchar(length=36, null=True, default=None)
    expires_at = Timestamptz(null=True, default=None)
    external_ref = Varchar(length=100, null=True, default=None, index=True)
    reverses_id = Varchar(length=36, null=True, default=None)
    request_hash = Varchar(length=64)
    created_at = Timestamptz()
    previous_hash = Varchar(length=64)
    hash = Varchar(length=64)


class LedgerEntryTable(Table, tablename="ledger_entry"):
    """One account's side of a transfer, with the account's counters after it."""

    id = Serial(primary_key=True)
    transfer = ForeignKey(references=LedgerTransferTable, on_delete=RESTRICT)
    account = ForeignKey(references=LedgerAccountTable, on_delete=RESTRICT)
    account_version = BigInt()
    debits_pending_delta = BigInt()
    debits_posted_delta = BigInt()
    credits_pending_delta = BigInt()
    credits_posted_delta = BigInt()
    balance_after = BigInt()
    debits_pending_after = BigInt()
    credits_pending_after = BigInt()
    created_at = Timestamptz()


class LedgerRejectionTable(Table, tablename="ledger_rejection"):
    """A remembered refusal: the same id and request get the same result forever."""

    id = Varchar(length=36, primary_key=True)
    request_hash = Varchar(length=64)
    result = Varchar(length=48)
    created_at = Timestamptz()


class LedgerHeadTable(Table, tablename="ledger_head"):
    """The single row holding the end of the hash chain; writers lock it to append."""

    id = Integer(primary_key=True)
    last_sequence = BigInt(default=0)
    last_hash = Varchar(length=64)
    last_created_at = Timestamptz(null=True, default=None)


class EngagementTable(Table, tablename="engagement"):
    """A loan of one employee to one host company for one need (mise à disposition)."""

    id = Serial(primary_key=True)
    need = ForeignKey(references=NeedTable, on_delete=RESTRICT, index=True)
    host_company = ForeignKey(references=CompanyTable, on_delete=RESTRICT, index=True)
    lender_company = ForeignKey(references=CompanyTable, on_delete=RESTRICT, index=True)
    employee = ForeignKey(references=EmployeeTable, on_delete=RESTRICT, index=True)
    planned_minutes = Integer()
    period_start = Date()
    period_end = Date()
    place = Varchar(length=200, default="")
    remote = Boolean(default=False)
    tasks = Text()
    # The loan's own terms (L8241-2), agreed by the admins before it starts.
    probation_days = Integer(null=True, default=None)  # Working days; None: not agreed yet.
    working_hours = Text(default="")
    post_characteristics = Text(default="")
    status = Varchar(length=20, index=True)
    reservation_id = Varchar(length=36, null=True, default=None)
    reserved_minutes = Integer(default=0)
    reservation_number = Integer(default=0)
    created_by = ForeignKey(references=UserTable, on_delete=RESTRICT)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class EngagementEventTable(Table, tablename="engagement_event"):
    """Who moved an engagement, when, from which status to which."""

    id = Serial(primary_key=True)
    engagement = ForeignKey(references=EngagementTable, on_delete=RESTRICT, index=True)
    step = Varchar(length=20)
    from_status = Varchar(length=20)
    to_status = Varchar(length=20)
    actor = ForeignKey(references=UserTable, on_delete=RESTRICT)
    note = Varchar(length=500, default="")
    created_at = Timestamptz()


class EngagementPaperTable(Table, tablename="engagement_paper"):
    """A consent, a signature (with the document's id and SHA-256) or a CSE consultation."""

    id = Serial(primary_key=True)
    engagement = ForeignKey(references=EngagementTable, on_delete=RESTRICT, index=True)
    paper = Varchar(length=30)
    signed_by = ForeignKey(references=UserTable, on_delete=RESTRICT)
    signed_at = Timestamptz()
    document_id = Varchar(length=100, null=True, default=None)
    document_hash = Varchar(length=64, null=True, default=None)
    effective_on = Date(null=True, default=None)


class TimesheetEntryTable(Table, tablename="timesheet_entry"):
    id = Serial(primary_key=True)
    client_id = Varchar(length=36, unique=True)
    request_hash = Varchar(length=64)
    engagement = ForeignKey(references=EngagementTable, on_delete=RESTRICT, index=True)
    employee = ForeignKey(references=EmployeeTable, on_delete=RESTRICT, index=True)
    work_date = Date(index=True)
    minutes = Integer()
    description = Text()
    status = Varchar(length=12, index=True)
    cost_cents = BigInt(null=True, default=None)
    # The cost rate it was approved at (cents a minute = numerator / denominator): a loan's
    # entries at the same rate are valued together (engagements.model.cost_cents_after).
    cost_rate_numerator = BigInt(null=True, default=None)
    cost_rate_denominator = BigInt(null=True, default=None)
    reviewed_by = ForeignKey(references=UserTable, on_delete=RESTRICT, null=True, default=None)
    reviewed_at = Timestamptz(null=True, default=None)
    rejection_reason = Varchar(length=500, null=True, default=None)
    statement = Integer(null=True, default=None, index=True)
    created_at = Timestamptz()


class SettlementStatementTable(Table, tablename="settlement_statement"):
    """A month's at-cost statement between two companies (a < b), with the set-off."""

    id = Serial(primary_key=True)
    month = Date()
    company_a = ForeignKey(references=CompanyTable, on_delete=RESTRICT, index=True)
    company_b = ForeignKey(references=CompanyTable, on_delete=RESTRICT, index=True)
    minutes_a_to_b = BigInt(default=0)  # Lent by a to b.
    minutes_b_to_a = BigInt(default=0)
    cents_a_to_b = BigInt(default=0)  # Owed by b to a.
    cents_b_to_a = BigInt(default=0)
    set_off_cents = BigInt(default=0)
    net_cents = BigInt(default=0)
    debtor = ForeignKey(references=CompanyTable, on_delete=RESTRICT, null=True, default=None)
    status = Varchar(length=12)
    agreed_by_a = ForeignKey(references=UserTable, on_delete=RESTRICT, null=True, default=None)
    agreed_at_a = Timestamptz(null=True, default=None)
    agreed_by_b = ForeignKey(references=UserTable, on_delete=RESTRICT, null=True, default=None)
    agreed_at_b = Timestamptz(null=True, default=None)
    disputed_by = ForeignKey(references=UserTable, on_delete=RESTRICT, null=True, default=None)
    dispute_reason = Varchar(length=500, null=True, default=None)
    settlement_transfer_id = Varchar(length=36, null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class OutboxTable(Table, tablename="outbox"):
    """Notifications, written in the same transaction as the event they announce."""

    id = Serial(primary_key=True)
    user = ForeignKey(references=UserTable, on_delete=RESTRICT, index=True)
    kind = Varchar(length=40)
    subject = Varchar(length=200)
    body = Text()
    link = Varchar(length=200, default="")
    created_at = Timestamptz()
    read_at = Timestamptz(null=True, default=None)
    sent_at = Timestamptz(null=True, default=None)
    attempts = Integer(default=0)  # Claims to send it: one per try, bounded.
    last_error = Varchar(length=500, null=True, default=None)
    # The sending process that claimed it and when: no other sends it unless the claim expires.
    claimed_by = Varchar(length=100, null=True, default=None)
    claimed_at = Timestamptz(null=True, default=None)


class EngagementExtensionTable(Table, tablename="engagement_extension"):
    """A change request: more hours for a running loan, asked by the host, decided by the lender."""

    id = Serial(primary_key=True)
    engagement = ForeignKey(references=EngagementTable, on_delete=RESTRICT, index=True)
    extra_minutes = Integer()
    reason = Varchar(length=500)
    status = Varchar(length=12)  # requested, approved, refused
    requested_by = ForeignKey(references=UserTable, on_delete=RESTRICT)
    requested_at = Timestamptz()
    decided_by = ForeignKey(references=UserTable, on_delete=RESTRICT, null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)


class MatchProposalTable(Table, tablename="match_proposal"):
    """A volunteer proposed for a need by a matching run, reviewed by the companies."""

    id = Serial(primary_key=True)
    run_id = Varchar(length=36, index=True)
    need = ForeignKey(references=NeedTable, on_delete=RESTRICT, index=True)
    employee = ForeignKey(references=EmployeeTable, on_delete=RESTRICT, index=True)
    hours = Integer()
    score_per_hour = Integer()
    explanation = Text()
    status = Varchar(length=12, index=True)  # proposed, accepted, declined, superseded
    decline_reason = Varchar(length=500, null=True, default=None)
    decided_by = ForeignKey(references=UserTable, on_delete=RESTRICT, null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    engagement = Integer(null=True, default=None)
    created_at = Timestamptz()


class RotationPeriodTable(Table, tablename="rotation_period"):
    """A period of an employer group's shared-CDO time-share: requests, plans, publication."""

    id = Serial(primary_key=True)
    group = ForeignKey(references=EmployerGroupTable, on_delete=RESTRICT, index=True)
    starts_on = Date()
    ends_on = Date()
    half_days = Boolean(default=False)
    travel_km_max = Integer(default=50)
    monthly_management_costs_cents = BigInt(default=0)
    published_plan = Integer(null=True, default=None)
    created_by = ForeignKey(references=UserTable, on_delete=RESTRICT)
    created_at = Timestamptz()


class RotationCdoTable(Table, tablename="rotation_cdo"):
    """A shared CDO (an employee of the group's entity) working in a period."""

    id = Serial(primary_key=True)
    period = ForeignKey(references=RotationPeriodTable, on_delete=RESTRICT, index=True)
    employee = ForeignKey(references=EmployeeTable, on_delete=RESTRICT, index=True)
    max_half_days_per_week = Integer()
    unavailable = Text(default="[]")  # JSON list of ISO dates.
    updated_at = Timestamptz()


class RotationRequestTable(Table, tablename="rotation_request"):
    """A member company's request for CDO days in a period."""

    id = Serial(primary_key=True)
    period = ForeignKey(references=RotationPeriodTable, on_delete=RESTRICT, index=True)
    company = ForeignKey(references=CompanyTable, on_delete=RESTRICT, index=True)
    half_days_requested = Integer()
    preferred_weekdays = Varchar(length=20, default="")  # "0,2": Monday and Wednesday.
    unavailable = Text(default="[]")  # JSON list of ISO dates.
    same_cdo_as_before = Boolean(default=False)
    updated_by = ForeignKey(references=UserTable, on_delete=RESTRICT)
    updated_at = Timestamptz()


class RotationPlanTable(Table, tablename="rotation_plan"):
    """One version of a period's plan: draft, published, or superseded by a later version."""

    id = Serial(primary_key=True)
    period = ForeignKey(references=RotationPeriodTable, on_delete=RESTRICT, index=True)
    version = Integer()
    status = Varchar(length=12)  # draft, published, superseded
    solver_status = Varchar(length=12)
    objective = BigInt()
    bound = BigInt()
    outcomes = Text(default="[]")  # JSON: each member's requested, served, shortfall, unmet.
    created_by = ForeignKey(references=UserTable, on_delete=RESTRICT, null=True, default=None)
    created_at = Timestamptz()
    published_at = Timestamptz(null=True, default=None)


class RotationSlotTable(Table, tablename="rotation_slot"):
    """A day or half-day of a CDO at a member, in one plan version."""

    id = Serial(primary_key=True)
    plan = ForeignKey(references=RotationPlanTable, on_delete=RESTRICT, index=True)
    employee = ForeignKey(references=EmployeeTable, on_delete=RESTRICT, index=True)
    company = ForeignKey(references=CompanyTable, on_delete=RESTRICT, index=True)
    day = Date(index=True)
    half = Varchar(length=2, null=True, default=None)  # am, pm, or null for a whole day.
    by_hand = Boolean(default=False)
    worked = Boolean(default=True)


class RotationFeedTable(Table, tablename="rotation_feed"):
    """A secret calendar subscription URL for one CDO or one member company of a group."""

    id = Serial(primary_key=True)
    token_hash = Varchar(length=64, unique=True)
    group = ForeignKey(references=EmployerGroupTable, on_delete=RESTRICT, index=True)
    employee = ForeignKey(references=EmployeeTable, on_delete=RESTRICT, null=True, default=None)
    company = ForeignKey(references=CompanyTable, on_delete=RESTRICT, null=True, default=None)
    created_by = ForeignKey(references=UserTable, on_delete=RESTRICT)
    created_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)


class CdoAllocationTable(Table, tablename="cdo_allocation"):
    """A month's share of a shared CDO's cost charged to one member, at cost, with its ledger
    transfers."""

    id = Serial(primary_key=True)
    group = ForeignKey(references=EmployerGroupTable, on_delete=RESTRICT, index=True)
    month = Date()
    employee = ForeignKey(references=EmployeeTable, on_delete=RESTRICT)
    company = ForeignKey(references=CompanyTable, on_delete=RESTRICT, index=True)
    slots_worked = Integer()
    slots_total = Integer()
    minutes = Integer()
    salary_cents = BigInt()
    management_cents = BigInt()
    cents = BigInt()
    minutes_transfer_id = Varchar(length=36)
    cents_transfer_id = Varchar(length=36)
    created_at = Timestamptz()


class ContractDocumentTable(Table, tablename="contract_document"):
    """A contract rendered from a catalogue template and real data; its text is what is signed.

    Never edited: when the data (or the template's version) changes, a new document is made
    and the earlier one's signatures no longer count for the new one."""

    id = Serial(primary_key=True)
    template_id = Varchar(length=60)
    template_version = Varchar(length=20)
    kind = Varchar(length=30)  # loan_agreement, employee_amendment, cdo_contract, member_agreement
    engagement = Integer(null=True, default=None, index=True)
    group = Integer(null=True, default=None, index=True)
    company = Integer(null=True, default=None)
    employee = Integer(null=True, default=None)
    period = Integer(null=True, default=None)
    markdown = Text()
    sha256 = Varchar(length=64, index=True)
    created_at = Timestamptz()


class ContractSignatureTable(Table, tablename="contract_signature"):
    """Who signed which document, as which party, when, and the SHA-256 they signed."""

    id = Serial(primary_key=True)
    document = ForeignKey(references=ContractDocumentTable, on_delete=RESTRICT, index=True)
    user = ForeignKey(references=UserTable, on_delete=RESTRICT)
    full_name = Varchar(length=200)
    role = Varchar(length=30)
    company = Integer(null=True, default=None)
    sha256 = Varchar(length=64)
    signed_at = Timestamptz()


class AssetProjectTable(Table, tablename="asset_project"):
    """A need its company marks as part of an intangible asset project meeting PCG 212-3: the
    borrowed time on it is capitalised (232 while in progress, 203 or 205 once in service)."""

    id = Serial(primary_key=True)
    need = ForeignKey(references=NeedTable, on_delete=RESTRICT, unique=True)
    company = ForeignKey(references=CompanyTable, on_delete=RESTRICT, index=True)
    account = Varchar(length=3)  # 203 or 205 (the asset's account once in service).
    in_service_on = Date(null=True, default=None)  # Null: still in progress (232).
    set_by = ForeignKey(references=UserTable, on_delete=RESTRICT)
    set_at = Timestamptz()


class TrainingTable(Table, tablename="training"):
    """Qualifying training time an employee logs, approved by the employer, valued at cost."""

    id = Serial(primary_key=True)
    employee = ForeignKey(references=EmployeeTable, on_delete=RESTRICT, index=True)
    company = ForeignKey(references=CompanyTable, on_delete=RESTRICT, index=True)
    title = Varchar(length=200)
    provider = Varchar(length=200)
    starts_on = Date()
    ends_on = Date()
    minutes = Integer()
    status = Varchar(length=12)  # submitted, approved, rejected
    cost_cents = BigInt(null=True, default=None)
    reviewed_by = ForeignKey(references=UserTable, on_delete=RESTRICT, null=True, default=None)
    reviewed_at = Timestamptz(null=True, default=None)
    rating = Integer(null=True, default=None)  # 1–5, by the employee who took it.
    rating_comment = Varchar(length=1000, null=True, default=None)
    rated_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    # The skills taxonomy's domain the training serves (a domain code), searched on the public
    # page; the employer's digital-transformation plan it serves (a URL or a reference to the
    # plan's section), shown to the employer, never published. Null on trainings logged before.
    domain_code = Varchar(length=40, null=True, default=None, index=True)
    plan_link = Varchar(length=300, null=True, default=None)


class AccountingExportTable(Table, tablename="accounting_export"):
    """An export prepared at fiscal year end for the company's accountants (FEC, hours,
    amortisation statement), kept so that it reads the same later."""

    id = Serial(primary_key=True)
    company = ForeignKey(references=CompanyTable, on_delete=RESTRICT, index=True)
    year = Integer()
    kind = Varchar(length=20)  # fec, hours, amortisation
    filename = Varchar(length=100)
    media_type = Varchar(length=100)
    content = Bytea()
    created_at = Timestamptz()


class BackgroundJobTable(Table, tablename="background_job"):
    """Long work run off the event loop (matching runs, rotation plans) and its progress."""

    id = Serial(primary_key=True)
    kind = Varchar(length=30)
    status = Varchar(length=20, index=True)
    company = ForeignKey(references=CompanyTable, on_delete=RESTRICT, null=True, index=True)
    subject_id = Integer(null=True)
    progress_percent = Integer(default=0)
    step_fr = Varchar(length=200)
    error_fr = Text(default="")
    error_en = Text(default="")
    result = Text(default="{}")
    created_by = Integer()
    created_at = Timestamptz()
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)


class ExpenseTable(Table, tablename="expense"):
    """A professional expense an employee made for a loan (C. trav. L8241-1: billed at exact
    cost, on receipts): recorded by the employee with its receipt, validated by the lender's
    admin, billed to the host on the month's invoice."""

    id = Serial(primary_key=True)
    client_id = Varchar(length=36, unique=True)  # The client's key: a retry adds nothing.
    engagement = ForeignKey(references=EngagementTable, on_delete=RESTRICT, index=True)
    employee = ForeignKey(references=EmployeeTable, on_delete=RESTRICT, index=True)
    spent_on = Date(index=True)
    kind = Varchar(length=20)  # transport, lodging, meals, other
    description = Varchar(length=500)
    amount_cents = BigInt()  # Paid, VAT included.
    vat_cents = BigInt(default=0)  # The VAT the receipt shows (0: none shown).
    receipt_name = Varchar(length=200)
    receipt_media_type = Varchar(length=60)
    receipt_sha256 = Varchar(length=64)
    receipt = Bytea()
    status = Varchar(length=12, index=True)  # submitted, approved, rejected
    reviewed_by = ForeignKey(references=UserTable, on_delete=RESTRICT, null=True, default=None)
    reviewed_at = Timestamptz(null=True, default=None)
    rejection_reason = Varchar(length=500, null=True, default=None)
    invoice = Integer(null=True, default=None, index=True)  # The invoice that billed it.
    created_by = ForeignKey(references=UserTable, on_delete=RESTRICT)
    created_at = Timestamptz()


class InvoiceCounterTable(Table, tablename="invoice_counter"):
    """The last number an issuer gave: one continuous sequence per issuer (CGI ann. II
    art. 242 nonies A, 7°). Incremented in the issuing transaction, so a rollback leaves no
    gap and two issuers never wait for each other."""

    id = Serial(primary_key=True)
    issuer = ForeignKey(references=CompanyTable, on_delete=RESTRICT, unique=True)
    last_sequence = Integer(default=0)


class InvoiceTable(Table, tablename="invoice"):
    """An invoice or a credit note, immutable once issued: what it bills, the parties as they
    stood that day, its VAT and mentions. Only its settlement (set-off) and its rendered PDF
    (written once) are added later."""

    id = Serial(primary_key=True)
    issuer = ForeignKey(references=CompanyTable, on_delete=RESTRICT, index=True)
    customer = ForeignKey(references=CompanyTable, on_delete=RESTRICT, index=True)
    sequence = Integer()  # 1, 2, 3… per issuer; unique with the issuer (index in migration).
    number = Varchar(length=30)
    kind = Varchar(length=12)  # invoice, credit_note
    origin = Varchar(length=12)  # loan (a month's statement), cdo (a group's allocation)
    statement = Integer(null=True, default=None, index=True)
    group = Integer(null=True, default=None, index=True)
    corrects = Integer(null=True, default=None, index=True)  # Credit note: the invoice it cancels.
    period_start = Date()
    period_end = Date()
    issued_on = Date(index=True)
    due_on = Date()
    hours_cents = BigInt(default=0)  # Excluding VAT; negative on a credit note.
    expenses_cents = BigInt(default=0)
    total_excl_vat_cents = BigInt()
    vat_rate_basis_points = Integer(default=0)
    vat_cents = BigInt(default=0)
    total_cents = BigInt()
    vat_exigibility = Varchar(length=10)  # none, payment, debits
    mentions = Text(default="")  # One per line.
    parties = Text()  # JSON: issuer and customer (name, address, SIREN, VAT number) that day.
    set_off_cents = BigInt(default=0)  # Settled by set-off against the customer's invoice.
    set_off_on = Date(null=True, default=None)
    pdf = Bytea(null=True, default=None)  # The Factur-X PDF, written once, on first download.
    pdf_sha256 = Varchar(length=64, null=True, default=None)
    issued_by = ForeignKey(references=UserTable, on_delete=RESTRICT, null=True, default=None)
    created_at = Timestamptz()


class InvoiceLineTable(Table, tablename="invoice_line"):
    """One line of an invoice: a loan's hours, an expense, or a month's share of a CDO."""

    id = Serial(primary_key=True)
    invoice = ForeignKey(references=InvoiceTable, on_delete=RESTRICT, index=True)
    position = Integer()
    kind = Varchar(length=12)  # hours, expense, cdo
    label = Varchar(length=300)
    minutes = Integer(null=True, default=None)  # Hours lines: the quantity, in minutes.
    amount_cents = BigInt()  # Excluding VAT.
    engagement = Integer(null=True, default=None)
    expense = Integer(null=True, default=None)
