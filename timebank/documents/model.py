"""Contracts made from real data: which template each paper uses, the template variables drawn
from companies, employees, loans and groups, stored documents and their signatures.

A document is identified by its text's SHA-256: the same data gives the same document; changed
data (or a new template version) gives a new one, which needs its own signatures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Final

from timebank import formatting
from timebank.companies.model import Company
from timebank.documents import refusals
from timebank.employees.model import BASIS_POINTS_PER_UNIT, CostInputs, Employee
from timebank.errors import Conflict, Forbidden
from timebank.rotations.model import days_label


def hourly_cost_fraction(cost: CostInputs) -> tuple[int, int]:
    """The billed hourly cost, exact, as cents numerator / denominator: what `at_cost_cents`
    multiplies the minutes by (no rounded rate in between)."""
    numerator = cost.annual_gross_salary_cents * (
        BASIS_POINTS_PER_UNIT + cost.employer_charge_rate_basis_points
    )
    return numerator, BASIS_POINTS_PER_UNIT * cost.annual_work_hours


class DocumentKind(StrEnum):
    LOAN_AGREEMENT = "loan_agreement"
    EMPLOYEE_AMENDMENT = "employee_amendment"
    CDO_CONTRACT = "cdo_contract"
    MEMBER_AGREEMENT = "member_agreement"


TEMPLATE_OF: Final[dict[DocumentKind, str]] = {
    DocumentKind.LOAN_AGREEMENT: "convention-mise-a-disposition",
    DocumentKind.EMPLOYEE_AMENDMENT: "avenant-mise-a-disposition",
    DocumentKind.CDO_CONTRACT: "contrat-temps-partage-groupement",
    DocumentKind.MEMBER_AGREEMENT: "convention-groupement-membre",
}


class SignerRole(StrEnum):
    LENDER = "lender"
    HOST = "host"
    EMPLOYEE = "employee"
    GROUP = "group"
    MEMBER = "member"


# Who signs each kind of document.
SIGNERS: Final[dict[DocumentKind, tuple[SignerRole, ...]]] = {
    DocumentKind.LOAN_AGREEMENT: (SignerRole.LENDER, SignerRole.HOST),
    DocumentKind.EMPLOYEE_AMENDMENT: (SignerRole.EMPLOYEE, SignerRole.LENDER),
    DocumentKind.CDO_CONTRACT: (SignerRole.GROUP, SignerRole.EMPLOYEE),
    DocumentKind.MEMBER_AGREEMENT: (SignerRole.GROUP, SignerRole.MEMBER),
}


@dataclass(frozen=True, slots=True)
class Subject:
    """What a document is about (the columns that say who may see and sign it)."""

    kind: DocumentKind
    engagement_id: int | None = None
    group_id: int | None = None
    company_id: int | None = None
    employee_id: int | None = None
    period_id: int | None = None


@dataclass(frozen=True, slots=True)
class Signature:
    user_id: int
    full_name: str
    role: SignerRole
    company_id: int | None
    sha256: str
    signed_at: datetime


@dataclass(frozen=True, slots=True)
class StoredDocument:
    id: int
    template_id: str
    template_version: str
    subject: Subject
    markdown: str
    sha256: str
    created_at: datetime
    signatures: tuple[Signature, ...]

    @property
    def signed_by_all(self) -> bool:
        signed = {s.role for s in self.signatures if s.sha256 == self.sha256}
        return set(SIGNERS[self.subject.kind]) <= signed


def company_record(company: Company, representative: str) -> dict[str, str]:
    return {
        "name": company.name,
        "siren": company.siren,
        "address": company.address or "adresse non renseignée",
        "postal_code": company.postal_code,
        "city": company.city or company.postal_code,
        "representative": representative,
    }


def loan_data(
    *,
    lender: Company,
    lender_representative: str,
    host: Company,
    host_representative: str,
    employee: Employee,
    start: date,
    end: date,
    planned_minutes: int,
    tasks: str,
    place: str,
    remote: bool,
    probation_days: int,
    working_hours: str,
    post_characteristics: str,
) -> dict[str, Any]:
    """The variables of the loan agreement and of the employee's amendment; the terms the
    admins agree (place, hours, post, probation) are the loan's own, never a default."""
    if employee.cost is None:
        raise refusals.EMPLOYEE_COST_MISSING.error()
    numerator, denominator = hourly_cost_fraction(employee.cost)
    return {
        "lender": company_record(lender, lender_representative),
        "host": company_record(host, host_representative),
        "employee": {"full_name": employee.full_name, "job_title": employee.job_title},
        "start": start.isoformat(),
        "end": end.isoformat(),
        "planned_time": formatting.hours(planned_minutes),
        "tasks": tasks or "missions décrites dans le besoin publié",
        "place": place or "à distance",
        "remote": remote,
        "working_hours": working_hours,
        "post_characteristics": post_characteristics,
        "hourly_cost_numerator_cents": numerator,
        "hourly_cost_denominator": denominator,
        "annual_work_hours": employee.cost.annual_work_hours,
        "probation_days": probation_days,
        "open_source_licence": "",
        "signed_at_place": lender.city or lender.postal_code,
    }


FULL_TIME_WEEKLY_MINUTES: Final = 35 * 60  # C. trav. L3121-27.
WEEKLY_MINUTES_MAX: Final = 48 * 60  # C. trav. L3121-20.
CDO_TERMS_LENGTH_MAX: Final = 1000


@dataclass(frozen=True, slots=True)
class CdoTerms:
    """What the coordinator agrees with the CDO when drawing up the contract: the hire date,
    the weekly hours and their spread over the week (L3123-6 when part-time), CDI or CDD (its
    term and precise reason, L1242-12), and the collective agreement (L1253-10, L1253-17)."""

    hired_on: date
    weekly_minutes: int
    hours_spread: str
    permanent: bool
    fixed_term: str  # CDD only: its term and precise reason.
    collective_agreement: str


def _required(value: str, field: str, fr: str, en: str) -> str:
    stripped = value.strip()
    if not stripped or len(stripped) > CDO_TERMS_LENGTH_MAX:
        raise refusals.REQUIRED.error(
            fr=fr, cdo_terms_length_max=CDO_TERMS_LENGTH_MAX, en=en, field=field
        )
    return stripped


def check_cdo_terms(terms: CdoTerms) -> CdoTerms:
    """The contract's terms, checked: each is required (a CDD's term and reason too)."""
    if not 60 <= terms.weekly_minutes <= WEEKLY_MINUTES_MAX:
        raise refusals.OUT_OF_RANGE.error()
    return CdoTerms(
        hired_on=terms.hired_on,
        weekly_minutes=terms.weekly_minutes,
        hours_spread=_required(
            terms.hours_spread, "hours_spread", "Répartition des heures", "Hours' spread"
        ),
        permanent=terms.permanent,
        fixed_term=(
            ""
            if terms.permanent
            else _required(terms.fixed_term, "fixed_term", "Terme et motif du CDD", "CDD term")
        ),
        collective_agreement=_required(
            terms.collective_agreement,
            "collective_agreement",
            "Convention collective",
            "Collective agreement",
        ),
    )


def cdo_contract_data(
    *,
    group: Company,
    group_representative: str,
    employee: Employee,
    terms: CdoTerms,
    members: list[tuple[Company, str]],
) -> dict[str, Any]:
    if employee.cost is None:
        raise refusals.CDO_PAY_MISSING.error()
    if not members:
        raise refusals.NO_MEMBER.error()
    return {
        "group": company_record(group, group_representative),
        "employee": {"full_name": employee.full_name, "job_title": employee.job_title},
        "start": terms.hired_on.isoformat(),
        "permanent": terms.permanent,
        "fixed_term": terms.fixed_term,
        "annual_gross_salary_cents": employee.cost.annual_gross_salary_cents,
        "weekly_hours": formatting.hours(terms.weekly_minutes),
        "part_time": terms.weekly_minutes < FULL_TIME_WEEKLY_MINUTES,
        "hours_spread": terms.hours_spread,
        "collective_agreement": terms.collective_agreement,
        "members": [company_record(c, r) for c, r in members],
        "places": sorted({f"{c.city or c.postal_code} ({c.departement})" for c, _ in members}),
        "signed_at_place": group.city or group.postal_code,
    }


def member_agreement_data(
    *,
    group: Company,
    group_representative: str,
    member: Company,
    member_representative: str,
    cdo: Employee,
    start: date,
    end: date,
    days: float,
    management_costs_cents: int,
) -> dict[str, Any]:
    return {
        "group": company_record(group, group_representative),
        "member": company_record(member, member_representative),
        "cdo": {"full_name": cdo.full_name, "job_title": cdo.job_title},
        "start": start.isoformat(),
        "end": end.isoformat(),
        "days": days_label(days),
        "management_costs_cents": management_costs_cents,
        "signed_at_place": group.city or group.postal_code,
    }


def not_a_signatory() -> Forbidden:
    return refusals.NOT_A_SIGNATORY.error()


def document_changed(*, field: str) -> Conflict:
    """The text signed is not the one the signer read (its SHA-256 differs)."""
    return refusals.DOCUMENT_CHANGED.error(field=field)
