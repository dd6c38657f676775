"""Pure rules of the exchange: transitions, paperwork, budgets, at-cost rounding, set-off."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timebank.engagements.model import (
    TRANSITIONS,
    DeclaredTime,
    Document,
    Engagement,
    EngagementStatus,
    Paper,
    PaperRecord,
    Step,
    at_cost_cents,
    check_cse_consultation,
    check_paperwork,
    check_timesheet_entry,
    cost_cents_after,
    cost_rate,
    minutes_per_month,
    missing_papers,
    next_status,
    required_papers,
)
from timebank.errors import Conflict, InvalidInput
from timebank.settlements.model import Totals


def test_the_happy_path_of_a_loan() -> None:
    status = EngagementStatus.PROPOSED
    for step in (Step.ACCEPT, Step.APPROVE, Step.CONSENT, Step.ACTIVATE, Step.COMPLETE):
        status = next_status(status, step)
    assert status is EngagementStatus.COMPLETED


@pytest.mark.parametrize("status", list(EngagementStatus))
@pytest.mark.parametrize("step", list(Step))
def test_every_transition_outside_the_table_is_refused(
    status: EngagementStatus, step: Step
) -> None:
    allowed_from, target = TRANSITIONS[step]
    if status in allowed_from:
        assert next_status(status, step) is target
    else:
        with pytest.raises(Conflict) as caught:
            next_status(status, step)
        assert caught.value.code == "illegal_transition"


def test_cse_papers_are_required_only_where_there_is_a_cse() -> None:
    base = {
        Paper.EMPLOYEE_CONSENT,
        Paper.AGREEMENT_LENDER,
        Paper.AGREEMENT_HOST,
        Paper.AMENDMENT_EMPLOYEE,
        Paper.AMENDMENT_LENDER,
    }
    assert required_papers(lender_has_cse=False, host_has_cse=False) == base
    assert required_papers(lender_has_cse=True, host_has_cse=True) == base | {
        Paper.CSE_LENDER,
        Paper.CSE_HOST,
    }
    engagement = Engagement(
        id=1,
        need_id=1,
        host_company_id=2,
        lender_company_id=3,
        employee_id=4,
        employee_user_id=5,
        planned_minutes=600,
        period_start=date(2027, 1, 1),
        period_end=date(2027, 3, 31),
        place="",
        remote=True,
        tasks="t",
        status=EngagementStatus.CONSENTED,
        reservation_id=None,
        reserved_minutes=0,
        reservation_number=0,
        created_by=1,
        created_at=datetime(2026, 12, 1, tzinfo=UTC),
    )
    current = {Document.LOAN_AGREEMENT: "a" * 64, Document.EMPLOYEE_AMENDMENT: "b" * 64}
    missing = missing_papers(
        engagement, lender_has_cse=False, host_has_cse=True, current_hashes=current
    )
    assert Paper.CSE_HOST in missing


def test_a_signature_counts_only_on_the_documents_current_text() -> None:
    signed = PaperRecord(
        Paper.AGREEMENT_LENDER, 1, datetime(2026, 12, 1, tzinfo=UTC), "7", "a" * 64, None
    )
    consent = PaperRecord(
        Paper.EMPLOYEE_CONSENT, 5, datetime(2026, 12, 1, tzinfo=UTC), None, None, None
    )
    engagement = Engagement(
        id=1,
        need_id=1,
        host_company_id=2,
        lender_company_id=3,
        employee_id=4,
        employee_user_id=5,
        planned_minutes=600,
        period_start=date(2027, 1, 1),
        period_end=date(2027, 3, 31),
        place="",
        remote=True,
        tasks="t",
        status=EngagementStatus.CONSENTED,
        reservation_id=None,
        reserved_minutes=0,
        reservation_number=0,
        created_by=1,
        created_at=datetime(2026, 12, 1, tzinfo=UTC),
        papers=(signed, consent),
    )
    same = {Document.LOAN_AGREEMENT: "a" * 64, Document.EMPLOYEE_AMENDMENT: "b" * 64}
    changed = {Document.LOAN_AGREEMENT: "c" * 64, Document.EMPLOYEE_AMENDMENT: "b" * 64}
    flags = {"lender_has_cse": False, "host_has_cse": False}
    assert Paper.AGREEMENT_LENDER not in missing_papers(engagement, **flags, current_hashes=same)
    assert Paper.AGREEMENT_LENDER in missing_papers(engagement, **flags, current_hashes=changed)
    assert Paper.EMPLOYEE_CONSENT not in missing_papers(engagement, **flags, current_hashes=changed)


def test_planned_hours_spread_over_the_months_of_the_period() -> None:
    spread = minutes_per_month(600, date(2027, 1, 15), date(2027, 3, 2))
    assert spread == {date(2027, 1, 1): 200, date(2027, 2, 1): 200, date(2027, 3, 1): 200}
    assert sum(minutes_per_month(601, date(2027, 1, 1), date(2027, 2, 1)).values()) >= 601


def test_at_cost_value_is_rounded_once_half_up() -> None:
    # 42 000 € × 1.42 / 1 607 h = 37.1126...€/h; 90 minutes = 55.6689... € → 55.67 €.
    assert (
        at_cost_cents(
            90,
            annual_gross_salary_cents=4_200_000,
            employer_charge_rate_basis_points=4200,
            annual_work_hours=1607,
        )
        == 5567
    )
    # Exactly half a cent rounds up: 1 minute of 1.5 cents a minute... 60 × 3 cents / 2 h.
    assert (
        at_cost_cents(
            1,
            annual_gross_salary_cents=180,
            employer_charge_rate_basis_points=0,
            annual_work_hours=2,
        )
        == 2
    )  # 1.5 cents → 2


@given(
    minutes=st.integers(1, 10_000),
    salary=st.integers(1, 10**8),
    rate=st.integers(0, 10_000),
    hours=st.integers(1, 2400),
)
def test_at_cost_value_is_within_half_a_cent_and_additive_within_a_cent_a_part(
    minutes: int, salary: int, rate: int, hours: int
) -> None:
    value = at_cost_cents(
        minutes,
        annual_gross_salary_cents=salary,
        employer_charge_rate_basis_points=rate,
        annual_work_hours=hours,
    )
    numerator = minutes * salary * (10_000 + rate)
    denominator = 60 * 10_000 * hours
    assert -denominator < 2 * (value * denominator - numerator) <= denominator
    split = at_cost_cents(
        minutes // 2,
        annual_gross_salary_cents=salary,
        employer_charge_rate_basis_points=rate,
        annual_work_hours=hours,
    )
    rest = at_cost_cents(
        minutes - minutes // 2,
        annual_gross_salary_cents=salary,
        employer_charge_rate_basis_points=rate,
        annual_work_hours=hours,
    )
    assert abs(split + rest - value) <= 1


def test_set_off_leaves_one_net_amount_owed_by_the_bigger_receiver() -> None:
    totals = (
        Totals()
        .plus(lender_is_a=True, minutes=600, cents=30_000)
        .plus(lender_is_a=False, minutes=240, cents=12_000)
    )
    assert (totals.set_off_cents, totals.net_cents) == (12_000, 18_000)
    assert totals.debtor(company_a=7, company_b=9) == 9
    even = (
        Totals()
        .plus(lender_is_a=True, minutes=60, cents=100)
        .plus(lender_is_a=False, minutes=60, cents=100)
    )
    assert (even.net_cents, even.debtor(7, 9)) == (0, None)


def _running_loan(**values: object) -> Engagement:
    fields: dict[str, object] = {
        "id": 1,
        "need_id": 1,
        "host_company_id": 2,
        "lender_company_id": 3,
        "employee_id": 4,
        "employee_user_id": 5,
        "planned_minutes": 600,
        "period_start": date(2027, 1, 1),
        "period_end": date(2027, 3, 31),
        "place": "",
        "remote": True,
        "tasks": "t",
        "status": EngagementStatus.ACTIVE,
        "reservation_id": "r",
        "reserved_minutes": 600,
        "reservation_number": 1,
        "created_by": 1,
        "created_at": datetime(2026, 12, 1, tzinfo=UTC),
    }
    fields.update(values)
    return Engagement(**fields)  # type: ignore[arg-type]


def test_no_hour_is_logged_for_a_day_before_the_loan_became_active() -> None:
    # Period from 1 January, but activated on 15 January (L8241-2: paperwork before work).
    loan = _running_loan(activated_on=date(2027, 1, 15))
    nothing = DeclaredTime(day_minutes=0, week_minutes=0, engagement_minutes=0)
    entry = {"duration_minutes": 60, "description": "Audit", "today": date(2027, 2, 1)}
    with pytest.raises(InvalidInput) as caught:
        check_timesheet_entry(loan, work_date=date(2027, 1, 14), declared=nothing, **entry)  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.field) == ("before_activation", "work_date")
    assert "15/01/2027" in caught.value.message_fr and "2027-01-15" in caught.value.message_en
    assert check_timesheet_entry(loan, work_date=date(2027, 1, 15), declared=nothing, **entry) == (  # type: ignore[arg-type]
        "Audit"
    )


def test_a_cse_is_consulted_strictly_before_the_loans_first_day() -> None:
    start = date(2027, 1, 1)
    check_cse_consultation(date(2026, 12, 31), period_start=start, today=date(2027, 2, 1))
    for late in (start, date(2027, 1, 2)):
        with pytest.raises(InvalidInput) as caught:
            check_cse_consultation(late, period_start=start, today=date(2027, 2, 1))
        assert (caught.value.code, caught.value.field) == ("cse_not_before_start", "consulted_on")
        assert "31/12/2026" in caught.value.message_fr and "2026-12-31" in caught.value.message_en
    with pytest.raises(InvalidInput) as future:
        check_cse_consultation(date(2026, 12, 20), period_start=start, today=date(2026, 12, 19))
    assert future.value.code == "future_date"


def test_activation_refuses_a_cse_consulted_on_or_after_the_first_day() -> None:
    signed_at = datetime(2026, 12, 20, tzinfo=UTC)
    current = {Document.LOAN_AGREEMENT: "a" * 64, Document.EMPLOYEE_AMENDMENT: "b" * 64}
    papers = [
        PaperRecord(Paper.EMPLOYEE_CONSENT, 5, signed_at, None, None, None),
        PaperRecord(Paper.AGREEMENT_LENDER, 6, signed_at, "1", "a" * 64, None),
        PaperRecord(Paper.AGREEMENT_HOST, 7, signed_at, "1", "a" * 64, None),
        PaperRecord(Paper.AMENDMENT_EMPLOYEE, 5, signed_at, "2", "b" * 64, None),
        PaperRecord(Paper.AMENDMENT_LENDER, 6, signed_at, "2", "b" * 64, None),
    ]
    flags = {"lender_has_cse": True, "host_has_cse": False, "current_hashes": current}
    for consulted_on, refusal in (
        (date(2026, 12, 31), None),
        (date(2027, 1, 1), "cse_not_before_start"),  # On the first day: too late.
    ):
        cse = PaperRecord(Paper.CSE_LENDER, 6, signed_at, None, None, consulted_on)
        loan = _running_loan(status=EngagementStatus.CONSENTED, papers=(*papers, cse))
        if refusal is None:
            check_paperwork(loan, **flags)  # type: ignore[arg-type]
            continue
        with pytest.raises(Conflict) as caught:
            check_paperwork(loan, **flags)  # type: ignore[arg-type]
        assert (caught.value.code, caught.value.field) == (refusal, "paperwork")
    unsigned = _running_loan(status=EngagementStatus.CONSENTED, papers=tuple(papers[:-1]))
    with pytest.raises(Conflict) as missing:
        check_paperwork(unsigned, lender_has_cse=False, host_has_cse=False, current_hashes=current)
    assert missing.value.code == "paperwork_incomplete"
    assert "amendment_lender" in missing.value.message_en


@given(
    st.lists(st.integers(1, 600), min_size=1, max_size=40),
    st.integers(1_000_000, 20_000_000),
    st.integers(0, 8_000),
    st.integers(100, 2_000),
)
def test_entries_valued_one_after_another_add_up_to_their_minutes_rounded_once(
    minutes: list[int], salary_cents: int, charges_basis_points: int, annual_hours: int
) -> None:
    rate = cost_rate(
        annual_gross_salary_cents=salary_cents,
        employer_charge_rate_basis_points=charges_basis_points,
        annual_work_hours=annual_hours,
    )
    before, total = 0, 0
    for entry in minutes:
        cents = cost_cents_after(rate, minutes=entry, before_minutes=before)
        exact = entry * rate.numerator / rate.denominator
        assert abs(cents - exact) <= 1  # Each entry within a cent of its exact value.
        before += entry
        total += cents
    assert total == cost_cents_after(rate, minutes=before, before_minutes=0)


def test_hours_are_logged_and_approved_until_fourteen_days_after_the_period() -> None:
    """The window ends the day before the reservation lapses (`reservation_expiry`): the same
    rule for logging, approving and approving an extension."""
    from tests.unit.test_hours_use_cases import LOAN
    from timebank.engagements.model import check_hours_window, check_not_over, reservation_expiry

    assert LOAN.period_end == date(2027, 1, 29)
    assert reservation_expiry(LOAN.period_end) == date(2027, 2, 13)
    assert LOAN.hours_last_day == date(2027, 2, 12)
    check_hours_window(LOAN, today=date(2027, 2, 12), field="entry_ids")
    with pytest.raises(Conflict) as closed:
        check_hours_window(LOAN, today=date(2027, 2, 13), field="extension_id")
    assert (closed.value.code, closed.value.field) == ("hours_window_closed", "extension_id")
    check_not_over(LOAN, today=date(2027, 1, 29))
    with pytest.raises(Conflict) as over:
        check_not_over(LOAN, today=date(2027, 1, 30))
    assert over.value.code == "period_over"
