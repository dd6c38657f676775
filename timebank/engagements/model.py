"""The engagement's state machine, its paperwork gate, the timesheet guardrails and the at-cost
value of approved time. Pure: no database, no clock (dates come in as arguments).

Legal frame (C. trav. L8241-2): the employee agrees in writing; a loan agreement between the two
companies and an amendment to the employment contract signed by the employee are required; the
works council (CSE) of each company that has one is consulted or informed beforehand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Final

from timebank.engagements import refusals
from timebank.errors import Conflict
from timebank.people.model import Actor, Role

DAY_MINUTES_MAX: Final = 10 * 60  # Code du travail: 10 hours of work a day at most.
WEEK_MINUTES_MAX: Final = 48 * 60  # And 48 hours in any one week.
RESERVATION_GRACE_DAYS: Final = 14  # Time left to log and approve after the period ends.
ENGAGEMENT_DAYS_MAX: Final = 366
DESCRIPTION_LENGTH_MAX: Final = 2000
BASIS_POINTS_PER_UNIT: Final = 10_000
MINUTES_PER_HOUR: Final = 60


class EngagementStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED_BY_HOST = "accepted_by_host"
    APPROVED_BY_LENDER = "approved_by_lender"
    CONSENTED = "consented"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Step(StrEnum):
    """What a party does to move an engagement on."""

    ACCEPT = "accept"  # The host company's admin.
    APPROVE = "approve"  # The lender (employer) company's admin, within the hour budget.
    CONSENT = "consent"  # The employee, in writing.
    ACTIVATE = "activate"  # Either admin, once the paperwork is complete.
    COMPLETE = "complete"  # The host's admin.
    CANCEL = "cancel"  # Either admin, or the employee withdrawing consent.


TRANSITIONS: Final[dict[Step, tuple[frozenset[EngagementStatus], EngagementStatus]]] = {
    Step.ACCEPT: (frozenset({EngagementStatus.PROPOSED}), EngagementStatus.ACCEPTED_BY_HOST),
    Step.APPROVE: (
        frozenset({EngagementStatus.ACCEPTED_BY_HOST}),
        EngagementStatus.APPROVED_BY_LENDER,
    ),
    Step.CONSENT: (frozenset({EngagementStatus.APPROVED_BY_LENDER}), EngagementStatus.CONSENTED),
    Step.ACTIVATE: (frozenset({EngagementStatus.CONSENTED}), EngagementStatus.ACTIVE),
    Step.COMPLETE: (frozenset({EngagementStatus.ACTIVE}), EngagementStatus.COMPLETED),
    Step.CANCEL: (
        frozenset(
            {
                EngagementStatus.PROPOSED,
                EngagementStatus.ACCEPTED_BY_HOST,
                EngagementStatus.APPROVED_BY_LENDER,
                EngagementStatus.CONSENTED,
                EngagementStatus.ACTIVE,
            }
        ),
        EngagementStatus.CANCELLED,
    ),
}
# Engagements that use the employee's hour budget and the host's credit line.
COMMITTED_STATUSES: Final = frozenset(
    {EngagementStatus.APPROVED_BY_LENDER, EngagementStatus.CONSENTED, EngagementStatus.ACTIVE}
)


class Paper(StrEnum):
    """Paperwork items recorded before a loan may start."""

    EMPLOYEE_CONSENT = "employee_consent"
    AGREEMENT_LENDER = "loan_agreement_lender"  # Convention signed by the lender's admin.
    AGREEMENT_HOST = "loan_agreement_host"  # Convention signed by the host's admin.
    AMENDMENT_EMPLOYEE = "amendment_employee"  # Avenant signed by the employee.
    AMENDMENT_LENDER = "amendment_lender"  # Avenant signed by the employer.
    CSE_LENDER = "cse_lender"  # Lender's works council consulted (when it has one).
    CSE_HOST = "cse_host"  # Host's works council informed and consulted (when it has one).


class Document(StrEnum):
    LOAN_AGREEMENT = "loan_agreement"
    EMPLOYEE_AMENDMENT = "employee_amendment"


class EntryStatus(StrEnum):
    """Where a timesheet entry stands: waiting for review, reviewed, or withdrawn."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # By the employee, before its review.


class ExtensionStatus(StrEnum):
    """A request for more hours: waiting for the lender, then decided."""

    REQUESTED = "requested"
    APPROVED = "approved"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class TimesheetEntry:
    """Time the lent employee logged for one day of a loan, and its review."""

    id: int
    client_id: str
    request_hash: str
    engagement_id: int
    employee_id: int
    work_date: date
    minutes: int
    description: str
    status: EntryStatus
    cost_cents: int | None
    reviewed_by: int | None
    reviewed_at: datetime | None
    rejection_reason: str | None
    statement_id: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Extension:
    """A request for more hours on a running loan, and its decision."""

    id: int
    engagement_id: int
    extra_minutes: int
    reason: str
    status: ExtensionStatus
    requested_by: int
    decided_by: int | None


@dataclass(frozen=True, slots=True)
class LoanNames:
    """What people call a loan's parties: the two companies, the employee and the need."""

    host: str
    lender: str
    employee: str
    need: str


@dataclass(frozen=True, slots=True)
class EngagementEvent:
    """One step of a loan's history: who moved it, from which status to which."""

    step: Step
    from_status: EngagementStatus
    to_status: EngagementStatus
    actor_id: int
    note: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class EntryToReview:
    """A submitted entry as the host's reviewer sees it: who worked, for which lender."""

    entry: TimesheetEntry
    employee_name: str
    lender_name: str


@dataclass(frozen=True, slots=True)
class PaperRecord:
    paper: Paper
    signed_by: int
    signed_at: datetime
    document_id: str | None
    document_hash: str | None
    effective_on: date | None  # CSE consultation date.


@dataclass(frozen=True, slots=True)
class Engagement:
    id: int
    need_id: int
    host_company_id: int
    lender_company_id: int
    employee_id: int
    employee_user_id: int
    planned_minutes: int
    period_start: date
    period_end: date
    place: str
    remote: bool
    tasks: str
    status: EngagementStatus
    reservation_id: str | None  # The ledger's current pending transfer for this loan.
    reserved_minutes: int  # What that reservation still holds.
    reservation_number: int  # How many reservations this loan had (ids derive from it).
    created_by: int
    created_at: datetime
    papers: tuple[PaperRecord, ...] = ()
    activated_on: date | None = None  # The day the loan became active (hours start then).
    # The loan's own terms (L8241-2), agreed by the admins before it starts.
    probation_days: int | None = None  # Working days; None while not agreed.
    working_hours: str = ""  # The hours and their spread over the week.
    post_characteristics: str = ""

    @property
    def hours_last_day(self) -> date:
        """The last day on which this loan's hours are logged and approved: the grace's last
        (its reservation in the ledger lapses the next day, `reservation_expiry`)."""
        return reservation_expiry(self.period_end) - timedelta(days=1)


def next_status(current: EngagementStatus, step: Step) -> EngagementStatus:
    """The status after `step`, or a Conflict naming the illegal transition."""
    allowed_from, target = TRANSITIONS[step]
    if current not in allowed_from:
        raise refusals.STEP_NOT_ALLOWED.error(step=step.value, current=current.value)
    return target


def required_papers(*, lender_has_cse: bool, host_has_cse: bool) -> frozenset[Paper]:
    papers = {
        Paper.EMPLOYEE_CONSENT,
        Paper.AGREEMENT_LENDER,
        Paper.AGREEMENT_HOST,
        Paper.AMENDMENT_EMPLOYEE,
        Paper.AMENDMENT_LENDER,
    }
    if lender_has_cse:
        papers.add(Paper.CSE_LENDER)
    if host_has_cse:
        papers.add(Paper.CSE_HOST)
    return frozenset(papers)


# Which document each signature is given on.
SIGNED_ON: Final[dict[Paper, Document]] = {
    Paper.AGREEMENT_LENDER: Document.LOAN_AGREEMENT,
    Paper.AGREEMENT_HOST: Document.LOAN_AGREEMENT,
    Paper.AMENDMENT_EMPLOYEE: Document.EMPLOYEE_AMENDMENT,
    Paper.AMENDMENT_LENDER: Document.EMPLOYEE_AMENDMENT,
}


PROBATION_DAYS_MAX: Final = 90  # Working days: the law sets no maximum, we set a limit.
TERMS_LENGTH_MAX: Final = 1000

# The loan's terms its documents need (L8241-2), by field, with the French label the page shows.
TERM_LABELS: Final[dict[str, str]] = {
    "place": "le lieu de travail",
    "working_hours": "les horaires de travail et leur répartition",
    "post_characteristics": "les caractéristiques particulières du poste",
    "probation_days": "la période probatoire (0 : aucune)",
}


def missing_terms(engagement: Engagement) -> tuple[str, ...]:
    """The terms still to agree before the loan's documents can be drawn up (field names, in
    the documents' order); a remote loan may leave the place empty."""
    missing = []
    if not engagement.place.strip() and not engagement.remote:
        missing.append("place")
    if not engagement.working_hours.strip():
        missing.append("working_hours")
    if not engagement.post_characteristics.strip():
        missing.append("post_characteristics")
    if engagement.probation_days is None:
        missing.append("probation_days")
    return tuple(missing)


def terms_missing(missing: tuple[str, ...]) -> Conflict:
    """The loan's documents cannot be drawn up yet: what the admins still have to fill."""
    labels = ", ".join(TERM_LABELS[name] for name in missing)
    return refusals.LOAN_TERMS_MISSING.error(
        labels=labels, missing=", ".join(missing), field=missing[0]
    )


def missing_papers(
    engagement: Engagement,
    *,
    lender_has_cse: bool,
    host_has_cse: bool,
    current_hashes: dict[Document, str],
) -> list[Paper]:
    """What the loan still lacks; a signature counts only on the document's current text (a
    document changed after a signature needs new signatures)."""
    done = {
        record.paper
        for record in engagement.papers
        if record.paper not in SIGNED_ON
        or record.document_hash == current_hashes.get(SIGNED_ON[record.paper])
    }
    needed = required_papers(lender_has_cse=lender_has_cse, host_has_cse=host_has_cse)
    return sorted(needed - done)


CSE_PAPERS: Final = frozenset({Paper.CSE_LENDER, Paper.CSE_HOST})


def _cse_late(period_start: date) -> dict[str, str]:
    """The values of the refusal when a CSE is not consulted before the start."""
    eve = period_start - timedelta(days=1)
    return {
        "start": f"{period_start:%d/%m/%Y}",
        "eve": f"{eve:%d/%m/%Y}",
        "start_iso": period_start.isoformat(),
        "eve_iso": eve.isoformat(),
    }


def check_cse_consultation(consulted_on: date, *, period_start: date, today: date) -> None:
    """A CSE consultation is dated no later than today and strictly before the loan's first day
    (L8241-2: consulted "préalablement" to the loan; a consultation on the first day is late)."""
    if consulted_on > today:
        raise refusals.FUTURE_DATE.error()
    if consulted_on >= period_start:
        raise refusals.CSE_NOT_BEFORE_START.error(**_cse_late(period_start))


def check_paperwork(
    engagement: Engagement,
    *,
    lender_has_cse: bool,
    host_has_cse: bool,
    current_hashes: dict[Document, str],
) -> None:
    """Activation needs every paper, each signature on the document's current text, and each
    CSE consulted strictly before the loan's first day."""
    for record in engagement.papers:
        if record.paper in CSE_PAPERS and (
            record.effective_on is None or record.effective_on >= engagement.period_start
        ):
            raise refusals.CSE_CONSULTED_TOO_LATE.error(**_cse_late(engagement.period_start))
    missing = missing_papers(
        engagement,
        lender_has_cse=lender_has_cse,
        host_has_cse=host_has_cse,
        current_hashes=current_hashes,
    )
    if missing:
        names = ", ".join(paper.value for paper in missing)
        raise refusals.PAPERWORK_INCOMPLETE.error(names=names)


class Party(StrEnum):
    """Who a person is in one loan (a person may be several: admin of both companies)."""

    HOST = "host"  # An admin of the host company.
    LENDER = "lender"  # An admin of the lender (employer) company.
    EMPLOYEE = "employee"  # The employee lent.


# Who may take each step. The programme's operator may only stop a loan (its moderation): it
# accepts, approves, starts or completes none in a company's name (`require_acting_for`).
STEP_TAKERS: Final[dict[Step, frozenset[Party]]] = {
    Step.ACCEPT: frozenset({Party.HOST}),
    Step.APPROVE: frozenset({Party.LENDER}),
    Step.CONSENT: frozenset({Party.EMPLOYEE}),
    Step.ACTIVATE: frozenset({Party.HOST, Party.LENDER}),
    Step.COMPLETE: frozenset({Party.HOST}),
    Step.CANCEL: frozenset({Party.HOST, Party.LENDER, Party.EMPLOYEE}),
}
OPERATOR_STEPS: Final = frozenset({Step.CANCEL})
# Who gives each paperwork item (the employee's consent is given by the consent step).
PAPER_GIVERS: Final[dict[Paper, Party]] = {
    Paper.EMPLOYEE_CONSENT: Party.EMPLOYEE,
    Paper.AGREEMENT_LENDER: Party.LENDER,
    Paper.AGREEMENT_HOST: Party.HOST,
    Paper.AMENDMENT_EMPLOYEE: Party.EMPLOYEE,
    Paper.AMENDMENT_LENDER: Party.LENDER,
    Paper.CSE_LENDER: Party.LENDER,
    Paper.CSE_HOST: Party.HOST,
}
# Papers are signed and recorded before the loan starts.
PAPERWORK_STATUSES: Final = frozenset(
    {
        EngagementStatus.PROPOSED,
        EngagementStatus.ACCEPTED_BY_HOST,
        EngagementStatus.APPROVED_BY_LENDER,
        EngagementStatus.CONSENTED,
    }
)


def parties_of(actor: Actor, engagement: Engagement) -> frozenset[Party]:
    """The parties this person holds in this loan."""
    found = set()
    if actor.has_role(engagement.host_company_id, Role.COMPANY_ADMIN):
        found.add(Party.HOST)
    if actor.has_role(engagement.lender_company_id, Role.COMPANY_ADMIN):
        found.add(Party.LENDER)
    if actor.user_id == engagement.employee_user_id:
        found.add(Party.EMPLOYEE)
    return frozenset(found)


def may_take_step(step: Step, parties: frozenset[Party], *, operator: bool = False) -> bool:
    """Whether someone holding these parties may take `step` at all (whatever the status)."""
    return bool(parties & STEP_TAKERS[step]) or (operator and step in OPERATOR_STEPS)


@dataclass(frozen=True, slots=True)
class Turn:
    """What one person may do on a loan now: steps, papers to give, extension requests."""

    steps: tuple[Step, ...]
    papers: tuple[Paper, ...]  # Signatures and CSE dates this person may record now.
    may_request_extension: bool
    may_decide_extensions: bool


def turn_of(
    engagement: Engagement,
    parties: frozenset[Party],
    *,
    operator: bool = False,
    missing: tuple[Paper, ...] | list[Paper],
) -> Turn:
    """The steps this person may take now (the status allows them, they hold the party, and
    activation waits for complete paperwork) and the missing papers they may give now."""
    steps = tuple(
        step
        for step, (allowed_from, _) in TRANSITIONS.items()
        if engagement.status in allowed_from
        and may_take_step(step, parties, operator=operator)
        and (step is not Step.ACTIVATE or not missing)
    )
    papers = tuple(
        paper
        for paper in missing
        if engagement.status in PAPERWORK_STATUSES
        and paper is not Paper.EMPLOYEE_CONSENT  # Given by the consent step.
        and PAPER_GIVERS[paper] in parties
    )
    active = engagement.status is EngagementStatus.ACTIVE
    return Turn(
        steps=steps,
        papers=papers,
        may_request_extension=active and Party.HOST in parties,
        may_decide_extensions=Party.LENDER in parties,
    )


def check_period(start: date, end: date) -> None:
    if end < start:
        raise refusals.END_BEFORE_START.error(
            end=end, start=start, end_iso=end.isoformat(), start_iso=start.isoformat()
        )
    if (end - start).days + 1 > ENGAGEMENT_DAYS_MAX:
        raise refusals.PERIOD_TOO_LONG.error()


def months_of(start: date, end: date) -> list[date]:
    """First days of the calendar months the period touches."""
    months = []
    current = date(start.year, start.month, 1)
    while current <= end:
        months.append(current)
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    return months


def minutes_per_month(engagement_minutes: int, start: date, end: date) -> dict[date, int]:
    """The planned minutes spread evenly over the months of the period (rounded up)."""
    months = months_of(start, end)
    share = -(-engagement_minutes // len(months))
    return dict.fromkeys(months, share)


def reservation_expiry(period_end: date) -> date:
    return period_end + timedelta(days=RESERVATION_GRACE_DAYS + 1)


def check_not_over(engagement: Engagement, *, today: date) -> None:
    """A loan starts on or before its last day: started later, none of its days could be
    logged (hours are logged from the day it starts to the period's end)."""
    if today > engagement.period_end:
        raise refusals.PERIOD_OVER.error(
            period_end=engagement.period_end, period_end_iso=engagement.period_end.isoformat()
        )


def check_hours_window(engagement: Engagement, *, today: date, field: str) -> None:
    """A loan's hours are logged and approved up to the grace's last day: its reservation in
    the ledger lapses the next day, and hours approved then could not be posted."""
    last_day = engagement.hours_last_day
    if today > last_day:
        raise refusals.HOURS_WINDOW_CLOSED.error(
            last_day=last_day,
            last_day_iso=last_day.isoformat(),
            grace_days=RESERVATION_GRACE_DAYS,
            field=field,
        )


@dataclass(frozen=True, slots=True)
class CostRate:
    """An employee's time at cost in cents per minute, exactly: numerator / denominator, i.e.
    gross salary × (1 + charge rate) / (60 × annual hours)."""

    numerator: int
    denominator: int


def cost_rate(
    *,
    annual_gross_salary_cents: int,
    employer_charge_rate_basis_points: int,
    annual_work_hours: int,
) -> CostRate:
    assert annual_work_hours > 0
    return CostRate(
        annual_gross_salary_cents * (BASIS_POINTS_PER_UNIT + employer_charge_rate_basis_points),
        MINUTES_PER_HOUR * BASIS_POINTS_PER_UNIT * annual_work_hours,
    )


def _half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator to the nearest whole number, halves rounded up (both ≥ 0)."""
    quotient, remainder = divmod(numerator, denominator)
    return quotient + 1 if 2 * remainder >= denominator else quotient


def cost_cents_after(rate: CostRate, *, minutes: int, before_minutes: int) -> int:
    """The cents of `minutes` approved after `before_minutes` already approved on the same loan
    at the same rate: all of them valued and rounded once, less those before valued and
    rounded once. A loan's entries then add up to its minutes valued and rounded once — no
    cent gained or lost by rounding each entry (20 entries of 1 h would otherwise drift by up
    to 10 cents)."""
    assert minutes >= 0
    assert before_minutes >= 0
    after = _half_up((before_minutes + minutes) * rate.numerator, rate.denominator)
    return after - _half_up(before_minutes * rate.numerator, rate.denominator)


def at_cost_cents(
    duration_minutes: int,
    *,
    annual_gross_salary_cents: int,
    employer_charge_rate_basis_points: int,
    annual_work_hours: int,
) -> int:
    """At-cost value of time: minutes/60 × gross × (1 + charge rate) / annual hours.

    Computed exactly in integers and rounded once, to the nearest cent with halves rounded up
    (not the rounded hourly cost times the hours, which would drift on long loans).
    """
    rate = cost_rate(
        annual_gross_salary_cents=annual_gross_salary_cents,
        employer_charge_rate_basis_points=employer_charge_rate_basis_points,
        annual_work_hours=annual_work_hours,
    )
    return cost_cents_after(rate, minutes=duration_minutes, before_minutes=0)


@dataclass(frozen=True, slots=True)
class DeclaredTime:
    """What the employee already declared, for the guardrails."""

    day_minutes: int  # All engagements, that day (submitted or approved).
    week_minutes: int  # All engagements, that ISO week.
    engagement_minutes: int  # This engagement, every day (submitted or approved).


def check_timesheet_entry(
    engagement: Engagement,
    *,
    work_date: date,
    duration_minutes: int,
    description: str,
    today: date,
    declared: DeclaredTime,
) -> str:
    """Apply every guardrail to a new entry; return the cleaned description."""
    text = description.strip()
    if not text:
        raise refusals.REQUIRED_DESCRIPTION.error()
    if len(text) > DESCRIPTION_LENGTH_MAX:
        raise refusals.TEXT_TOO_LONG.error(description_length_max=DESCRIPTION_LENGTH_MAX)
    if isinstance(duration_minutes, bool) or duration_minutes <= 0:
        raise refusals.AMOUNT_MUST_BE_POSITIVE.error()
    if engagement.status is not EngagementStatus.ACTIVE:
        raise refusals.HOURS_ON_INACTIVE_LOAN.error()
    check_hours_window(engagement, today=today, field="work_date")
    if work_date > today:
        raise refusals.FUTURE_ENTRY.error()
    if not engagement.period_start <= work_date <= engagement.period_end:
        raise refusals.OUTSIDE_PERIOD.error(
            period_start=engagement.period_start,
            period_end=engagement.period_end,
            period_start_iso=engagement.period_start.isoformat(),
            period_end_iso=engagement.period_end.isoformat(),
        )
    if engagement.activated_on is not None and work_date < engagement.activated_on:
        raise refusals.BEFORE_ACTIVATION.error(
            activated_on=engagement.activated_on,
            activated_on_iso=engagement.activated_on.isoformat(),
        )
    if declared.day_minutes + duration_minutes > DAY_MINUTES_MAX:
        raise refusals.EXCEEDS_DAILY_LIMIT.error()
    if declared.week_minutes + duration_minutes > WEEK_MINUTES_MAX:
        raise refusals.EXCEEDS_WEEKLY_LIMIT.error()
    if declared.engagement_minutes + duration_minutes > engagement.planned_minutes:
        remaining = engagement.planned_minutes - declared.engagement_minutes
        raise refusals.EXCEEDS_PLANNED_HOURS.error(
            remaining=remaining // 60,
            remaining_minutes_part=remaining % 60,
            remaining_minutes=remaining,
        )
    return text
