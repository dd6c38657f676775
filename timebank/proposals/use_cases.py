"""Run matching over the database and review its proposals."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

from matching.files import write_solution
from matching.skill_match import MatchParams, Need, RequiredSkill, Volunteer, solve
from timebank import rules
from timebank.book.use_cases import retrying
from timebank.config import get_settings
from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.engagements import use_cases as engagements
from timebank.engagements.model import Engagement, EngagementStatus, Step, minutes_per_month
from timebank.jobs.model import Job, JobKind
from timebank.jobs.use_cases import Report, off_loop
from timebank.jobs.use_cases import start as start_job
from timebank.notifications.model import Kind
from timebank.notifications.use_cases import notify
from timebank.pagination import Page, page_request
from timebank.people.model import (
    Actor,
    Role,
    require_acting_for,
    require_company_role,
    require_operator,
)
from timebank.proposals import refusals
from timebank.proposals.model import (
    Proposal,
    ProposalStatus,
    ProposalView,
    Side,
    proposal_side,
    proposal_status,
    reasons_of,
    reciprocity_priority,
    skill_codes_of,
)

MATCH_RECORDS_MAX: Final = 200_000
MATCH_TIME_LIMIT_SECONDS: Final = 60.0
DECLINE_REASON_LENGTH_MAX: Final = 500


@dataclass(frozen=True, slots=True)
class RunSummary:
    run_id: str
    status: str
    objective: int
    proposals: int
    bound: int = 0

    @property
    def gap_percent(self) -> float:
        """How far the objective may be from the best possible, in % of the bound."""
        if self.bound <= 0:
            return 0.0
        return round(100 * max(0, self.bound - self.objective) / self.bound, 2)


def _month_start(day: date) -> date:
    return day.replace(day=1)


async def _problem(repos: Repositories, today: date) -> tuple[list[Volunteer], list[Need]]:
    """Open needs and available volunteers, with what is already committed taken off."""
    committed = await repos.engagements.committed()
    month = _month_start(today)
    used_by_employee: dict[int, int] = {}
    given_to_need: dict[int, int] = {}
    for engagement in committed:
        spread = minutes_per_month(
            engagement.planned_minutes, engagement.period_start, engagement.period_end
        )
        used_by_employee[engagement.employee_id] = used_by_employee.get(
            engagement.employee_id, 0
        ) + spread.get(month, 0)
        given_to_need[engagement.need_id] = (
            given_to_need.get(engagement.need_id, 0) + engagement.planned_minutes
        )
    employees = await repos.employees.lendable(today, MATCH_RECORDS_MAX)
    needs = await repos.needs.open_needs(MATCH_RECORDS_MAX)
    companies = await repos.companies.get_many(
        sorted({e.company_id for e in employees} | {n.company_id for n in needs})
    )
    balances = {
        a.company_id: a.balance
        for a in await repos.book.accounts(company_ids=sorted(companies))
        if a.unit.value == "minutes"
    }
    volunteers = []
    for employee in employees:
        company = companies[employee.company_id]
        assert employee.approval is not None
        offered = min(
            employee.offered_minutes_per_month, employee.approval.approved_minutes_per_month
        )
        hours = (offered - used_by_employee.get(employee.id, 0)) // 60
        if hours <= 0 or company.latitude is None or company.longitude is None:
            continue
        volunteers.append(
            Volunteer(
                str(employee.id),
                str(employee.company_id),
                {s.skill_code: s.level for s in employee.skills},
                hours,
                employee.remote_ok,
                company.latitude,
                company.longitude,
                float(employee.travel_radius_km),
                frozenset(employee.languages),
            )
        )
    problem_needs = []
    for need in needs:
        company = companies[need.company_id]
        hours = -(-(need.estimated_minutes - given_to_need.get(need.id, 0)) // 60)
        if hours <= 0 or company.latitude is None or company.longitude is None:
            continue
        priority = reciprocity_priority(
            balance_minutes=balances.get(need.company_id, 0),
            age_days=(today - need.created_at.date()).days,
        )
        problem_needs.append(
            Need(
                str(need.id),
                str(need.company_id),
                tuple(RequiredSkill(s.skill_code, s.min_level, s.weight) for s in need.skills),
                hours,
                need.remote_allowed,
                company.latitude,
                company.longitude,
                need.language,
                priority,
            )
        )
    return volunteers, problem_needs


@dataclass(frozen=True, slots=True)
class SolvedMatching:
    """What the solver process hands back: plain values, cheap to pickle."""

    status: str
    objective: int
    bound: int
    assignments: tuple[tuple[int, int, int, int, str], ...]  # need, employee, h, score, why


@dataclass(frozen=True, slots=True)
class StaffingRules:
    """What makes a proposal one people can staff (the settings `TIMEBANK_MATCH_*`)."""

    team_size_max: int
    assignment_hours_min: int


def staffing_rules() -> StaffingRules:
    settings = get_settings()
    return StaffingRules(settings.match_team_size_max, settings.match_assignment_hours_min)


def solve_matching(
    volunteers: list[Volunteer],
    needs: list[Need],
    excluded: frozenset[tuple[str, str]],
    time_limit_s: float,
    staffing: StaffingRules,
) -> SolvedMatching:
    """The CPU-bound part, pure and picklable: it runs in a solver process, off the loop."""
    params = MatchParams(
        max_team_size=staffing.team_size_max,
        min_assignment_hours=staffing.assignment_hours_min,
        time_limit_s=time_limit_s,
    )
    solution = solve(volunteers, needs, params, excluded=excluded)
    explained = write_solution(solution)["assignments"]
    return SolvedMatching(
        status=solution.status,
        objective=solution.objective,
        bound=solution.bound,
        assignments=tuple(
            (
                int(a["need"]),
                int(a["volunteer"]),
                int(a["hours"]),
                int(a["score_per_hour"]),
                json.dumps(a["explanation"], ensure_ascii=False),
            )
            for a in explained
        ),
    )


async def run_matching(
    uow: UnitOfWork,
    *,
    now: datetime,
    time_limit_s: float = MATCH_TIME_LIMIT_SECONDS,
    report: Report | None = None,
    staffing: StaffingRules | None = None,
) -> RunSummary:
    """Solve for every open need (in a solver process: the event loop keeps serving) and
    replace the undecided proposals of earlier runs."""
    if report is not None:
        await report(5, "Lecture des besoins ouverts et des salariés disponibles")
    async with uow(write=False) as repos:
        volunteers, needs = await _problem(repos, now.date())
        declined = await repos.proposals.declined_pairs()
    if report is not None:
        await report(
            20, f"Calcul : {len(needs)} besoin(s), {len(volunteers)} salarié·e(s) disponible(s)"
        )
    solved = await off_loop(
        solve_matching,
        volunteers,
        needs,
        frozenset((str(e), str(n)) for e, n in declined),
        time_limit_s,
        staffing or staffing_rules(),
    )
    if report is not None:
        await report(90, "Enregistrement des propositions")
    run_id = str(uuid.uuid4())
    rows = [(run_id, *assignment) for assignment in solved.assignments]

    async def work() -> RunSummary:
        async with uow() as repos:
            await repos.proposals.supersede_open(now)
            await repos.proposals.add(rows, now)
            hosts: dict[int, list[int]] = {}
            needs = await repos.needs.get_many([need_id for _, need_id, *_ in rows])
            for _, need_id, *_ in rows:
                hosts.setdefault(needs[need_id].company_id, []).append(need_id)
            for company_id, need_ids in sorted(hosts.items()):
                await notify(
                    repos,
                    await repos.notifications.admins_of(company_id),
                    Kind.PROPOSALS_READY,
                    {"count": str(len(need_ids))},
                    link=f"/entreprises/{company_id}/propositions",
                    now=now,
                )
        return RunSummary(run_id, solved.status, solved.objective, len(rows), solved.bound)

    return await retrying(work)


async def run_as_operator(uow: UnitOfWork, actor: Actor, *, now: datetime) -> RunSummary:
    require_operator(actor)
    return await run_matching(uow, now=now)


async def start_matching_run(uow: UnitOfWork, actor: Actor, *, now: datetime) -> Job:
    """Operator: start a matching run in the background; its page follows the progress."""
    require_operator(actor)

    async def work(report: Report) -> dict[str, Any]:
        summary = await run_matching(uow, now=now, report=report)
        return {
            "run_id": summary.run_id,
            "status": summary.status,
            "objective": summary.objective,
            "bound": summary.bound,
            "gap_percent": summary.gap_percent,
            "proposals": summary.proposals,
            "summary_fr": f"{summary.proposals} proposition(s) enregistrée(s).",
            "path": "/operateur/appariement",
            "link_fr": "Voir les calculs d'appariement",
        }

    return await start_job(
        uow, actor, kind=JobKind.MATCHING_RUN, company_id=None, subject_id=None, work=work, now=now
    )


async def list_proposals(
    uow: UnitOfWork, actor: Actor, *, status: str | None, limit: int, offset: int
) -> Page[Proposal]:
    """Proposals for the needs of the actor's companies, and for its employees and itself."""
    page = page_request(limit, offset)
    admin_of = sorted(actor.companies_with(Role.COMPANY_ADMIN))
    async with uow(write=False) as repos:
        need_ids = await repos.needs.ids_of_companies(admin_of)
        employee_ids = await repos.employees.ids_of_companies(admin_of)
        employee_ids += [e.id for e in await repos.employees.of_user(actor.user_id)]
        items, total = await repos.proposals.visible(
            need_ids=need_ids,
            employee_ids=employee_ids,
            status=status,
            limit=page.limit,
            offset=page.offset,
        )
    return Page(items=tuple(items), total=total, limit=page.limit, offset=page.offset)


async def accept(uow: UnitOfWork, actor: Actor, proposal_id: int, *, now: datetime) -> int:
    """The lender's admin turns a proposal into a loan proposal (then host, consent, …)."""

    async def work() -> int:
        async with uow() as repos:
            proposal = await repos.proposals.get(proposal_id)
            if proposal is None:
                raise refusals.PROPOSAL_NOT_FOUND.error(id=proposal_id)
            employee = await repos.employees.get(proposal.employee_id)
            need = await repos.needs.get(proposal.need_id)
            assert employee is not None
            assert need is not None
            require_acting_for(actor, employee.company_id, Role.COMPANY_ADMIN)
            start = max(now.date(), need.window_start)
            end = max(start, need.window_end)
            engagement = await engagements.propose(
                uow,
                actor,
                need_id=need.id,
                employee_id=employee.id,
                planned_minutes=proposal.hours * 60,
                period_start=start,
                period_end=min(end, start + timedelta(days=365)),
                place=need.place_city,
                remote=need.remote_allowed,
                tasks=need.title,
                now=now,
            )
            await repos.proposals.decide(
                proposal_id,
                status="accepted",
                user_id=actor.user_id,
                now=now,
                engagement_id=engagement.id,
            )
            return engagement.id

    return await retrying(work)


async def decline(
    uow: UnitOfWork, actor: Actor, proposal_id: int, *, reason: str, now: datetime
) -> Proposal:
    """Host admin, lender admin or the employee declines; later runs will not propose it."""
    return await _decline(uow, actor, proposal_id, reason=reason, now=now, own_only=False)


async def decline_mine(
    uow: UnitOfWork, actor: Actor, proposal_id: int, *, reason: str, now: datetime
) -> Proposal:
    """The employee declines a mission proposed to them (never someone else's proposal)."""
    return await _decline(uow, actor, proposal_id, reason=reason, now=now, own_only=True)


async def _decline(
    uow: UnitOfWork,
    actor: Actor,
    proposal_id: int,
    *,
    reason: str,
    now: datetime,
    own_only: bool,
) -> Proposal:
    if not reason.strip():
        raise refusals.REQUIRED.error()
    checked = rules.text(reason, field="reason", length_max=DECLINE_REASON_LENGTH_MAX)

    async def work() -> Proposal:
        async with uow() as repos:
            proposal = await repos.proposals.get(proposal_id)
            if proposal is None:
                raise refusals.PROPOSAL_NOT_FOUND.error(id=proposal_id)
            employee = await repos.employees.get(proposal.employee_id)
            need = await repos.needs.get(proposal.need_id)
            assert employee is not None
            assert need is not None
            mine = actor.user_id == employee.user_id
            if own_only and not mine:
                raise refusals.PROPOSAL_NOT_FOUND.error(id=proposal_id)
            if not (
                mine
                or actor.has_role(employee.company_id, Role.COMPANY_ADMIN)
                or actor.has_role(need.company_id, Role.COMPANY_ADMIN)
            ):
                raise refusals.FORBIDDEN_FOR_COMPANY.error()
            await repos.proposals.decide(
                proposal_id, status="declined", user_id=actor.user_id, now=now, reason=checked
            )
            found = await repos.proposals.get(proposal_id)
            assert found is not None
            return found

    return await retrying(work)


async def _views(
    repos: Repositories, actor: Actor, proposals: tuple[Proposal, ...]
) -> tuple[ProposalView, ...]:
    """Each proposal with its need, people, reasons in words, and what `actor` may do now."""
    needs = {p.need_id: await repos.needs.get(p.need_id) for p in proposals}
    employees = {p.employee_id: await repos.employees.get(p.employee_id) for p in proposals}
    company_ids = {n.company_id for n in needs.values() if n is not None}
    company_ids |= {e.company_id for e in employees.values() if e is not None}
    companies = await repos.companies.get_many(sorted(company_ids))
    codes: set[str] = set()
    for proposal in proposals:
        codes |= skill_codes_of(proposal.explanation)
    labels = {
        code: skill.label_fr for code, skill in (await repos.skills.by_codes(sorted(codes))).items()
    }
    loans = await repos.engagements.get_many(
        [p.engagement_id for p in proposals if p.engagement_id is not None]
    )
    views = []
    for proposal in proposals:
        need = needs[proposal.need_id]
        employee = employees[proposal.employee_id]
        assert need is not None
        assert employee is not None
        host, lender = need.company_id, employee.company_id
        loan = loans.get(proposal.engagement_id) if proposal.engagement_id is not None else None
        undecided = proposal.status == ProposalStatus.PROPOSED
        host_admin = actor.has_role(host, Role.COMPANY_ADMIN)
        lender_admin = actor.has_role(lender, Role.COMPANY_ADMIN)
        views.append(
            ProposalView(
                proposal=proposal,
                need_title=need.title,
                need_window_start=need.window_start,
                need_window_end=need.window_end,
                need_place_city=need.place_city,
                host_company_id=host,
                host_name=companies[host].name,
                employee_name=employee.full_name,
                lender_company_id=lender,
                lender_name=companies[lender].name,
                reasons=reasons_of(proposal.explanation, labels),
                engagement_status=None if loan is None else loan.status,
                may_accept_as_lender=undecided and lender_admin,
                may_accept_as_host=(
                    loan is not None and loan.status is EngagementStatus.PROPOSED and host_admin
                ),
                may_decline=undecided
                and (host_admin or lender_admin or actor.user_id == employee.user_id),
            )
        )
    return tuple(views)


async def company_inbox(
    uow: UnitOfWork,
    actor: Actor,
    company_id: int,
    *,
    side: str | None,
    status: str | None,
    limit: int,
    offset: int,
) -> Page[ProposalView]:
    """A company admin's proposals: for its needs (host side) and for its staff (lender side)."""
    require_company_role(actor, company_id, Role.COMPANY_ADMIN)
    page = page_request(limit, offset)
    checked_side = proposal_side(side) if side is not None else None
    checked_status = proposal_status(status) if status is not None else None
    async with uow(write=False) as repos:
        need_ids = (
            await repos.needs.ids_of_companies([company_id])
            if checked_side in (None, Side.HOST)
            else []
        )
        employee_ids = (
            await repos.employees.ids_of_companies([company_id])
            if checked_side in (None, Side.LENDER)
            else []
        )
        items, total = await repos.proposals.visible(
            need_ids=need_ids,
            employee_ids=employee_ids,
            status=None if checked_status is None else checked_status.value,
            limit=page.limit,
            offset=page.offset,
        )
        views = await _views(repos, actor, tuple(items))
    return Page(items=views, total=total, limit=page.limit, offset=page.offset)


async def my_proposals(
    uow: UnitOfWork, actor: Actor, *, status: str | None, limit: int, offset: int
) -> Page[ProposalView]:
    """The missions proposed to the logged-in employee, wherever they work."""
    page = page_request(limit, offset)
    checked_status = proposal_status(status) if status is not None else None
    async with uow(write=False) as repos:
        employee_ids = [e.id for e in await repos.employees.of_user(actor.user_id)]
        if not employee_ids:
            return Page(items=(), total=0, limit=page.limit, offset=page.offset)
        items, total = await repos.proposals.visible(
            need_ids=[],
            employee_ids=employee_ids,
            status=None if checked_status is None else checked_status.value,
            limit=page.limit,
            offset=page.offset,
        )
        views = await _views(repos, actor, tuple(items))
    return Page(items=views, total=total, limit=page.limit, offset=page.offset)


async def accept_as_host(
    uow: UnitOfWork, actor: Actor, proposal_id: int, *, now: datetime
) -> Engagement:
    """The host's admin accepts the loan its lender proposed from this proposal.

    The lender accepts first (its employee, its hour budget): that proposes the loan; the host's
    acceptance is then the loan's own `accept` step, with its credit-line check.
    """
    async with uow(write=False) as repos:
        proposal = await repos.proposals.get(proposal_id)
        if proposal is None:
            raise refusals.PROPOSAL_NOT_FOUND.error(id=proposal_id)
        need = await repos.needs.get(proposal.need_id)
    assert need is not None
    require_acting_for(actor, need.company_id, Role.COMPANY_ADMIN)
    if proposal.status != ProposalStatus.ACCEPTED or proposal.engagement_id is None:
        raise refusals.AWAITING_LENDER.error()
    return await engagements.take_step(uow, actor, proposal.engagement_id, Step.ACCEPT, now=now)
