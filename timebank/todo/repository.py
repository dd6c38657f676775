"""The reads of « À faire » and the dashboard, in fixed SQL (timebank/db/sql.py).

Two statements, whatever the number of companies, loans or papers: the waiting loans with their
companies' CSE and their papers; the person's companies with what waits at each (hours to
approve, statements to agree, expenses and trainings to approve; at a group's entity they
coordinate, the join requests and the plans to publish) and the proposals pending for their
staff and for them (their own employee records come from the employees' area, one statement
more). A read model across areas: it reads their rows with their own columns and row readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final

from timebank.companies.repository import COMPANY_COLUMNS, company_from_row
from timebank.db.sql import Arguments, fetch, statement
from timebank.engagements.model import EngagementStatus, Step
from timebank.engagements.repository import (
    EMPLOYEE_JOIN,
    engagement_columns,
    engagement_from_row,
)
from timebank.groups.model import JoinStatus
from timebank.rotations.model import PlanStatus
from timebank.settlements.model import StatementStatus
from timebank.todo.model import CompanyCounts, Waiting, WaitingLoan

# The newest `per_status_max` loans of each state for these companies (either side) or worked
# by this user, with whether their two companies have a CSE, and their papers as one JSON
# array each (joined, each loan's columns came once per paper: dearer than a second statement).
WAITING_LOANS_TEXT: Final = (
    "SELECT {loan_columns}, hc.has_cse AS host_has_cse, lc.has_cse AS lender_has_cse "
    "FROM (SELECT id FROM (SELECT w.id AS id, ROW_NUMBER() OVER "
    "(PARTITION BY w.status ORDER BY w.id DESC) AS newest_first FROM engagement w "
    "WHERE w.status {statuses} AND (w.host_company {companies} "
    "OR w.lender_company {companies} "
    'OR w.employee IN (SELECT id FROM employee WHERE "user" = {user}))) ranked '
    "WHERE newest_first <= {per_status_max}) waiting "
    "JOIN engagement e ON e.id = waiting.id "
    f"{EMPLOYEE_JOIN} "
    "JOIN company hc ON hc.id = e.host_company "
    "JOIN company lc ON lc.id = e.lender_company ORDER BY e.id"
)
# The person's companies, with at those they run the hours awaiting approval as host, the
# draft statements waiting for their agreement, their staff's expenses on the loans they lend
# and their staff's trainings, both awaiting approval; at the group entities they coordinate,
# the group, its pending join requests and its periods (not over) with a draft plan; and,
# once, the proposals pending for the staff of the companies they run and for their own
# employee records. The counts come in a row of their own when the list of companies is empty.
COMPANIES_AND_COUNTS_TEXT: Final = (
    "SELECT k.staff_proposals, k.own_proposals, "
    + ", ".join(f"c.{column.strip()}" for column in COMPANY_COLUMNS.split(","))
    + ", CASE WHEN c.id {run} THEN (SELECT COUNT(*) FROM timesheet_entry t "
    "JOIN engagement e ON e.id = t.engagement "
    "WHERE e.host_company = c.id AND t.status = {submitted}) ELSE 0 END AS hours_to_approve, "
    "CASE WHEN c.id {run} THEN (SELECT COUNT(*) FROM settlement_statement s "
    "WHERE s.status = {draft} AND ((s.company_a = c.id AND s.agreed_by_a IS NULL) "
    "OR (s.company_b = c.id AND s.agreed_by_b IS NULL))) ELSE 0 END AS statements_to_agree, "
    "CASE WHEN c.id {run} THEN (SELECT COUNT(*) FROM expense x "
    "JOIN engagement e ON e.id = x.engagement "
    "WHERE e.lender_company = c.id AND x.status = {submitted}) ELSE 0 END AS expenses_to_approve, "
    "CASE WHEN c.id {run} THEN (SELECT COUNT(*) FROM training g "
    "WHERE g.company = c.id AND g.status = {submitted}) ELSE 0 END AS trainings_to_approve, "
    "CASE WHEN c.id {coordinated} THEN (SELECT eg.id FROM employer_group eg "
    "WHERE eg.company = c.id) END AS group_id, "
    "CASE WHEN c.id {coordinated} THEN (SELECT COUNT(*) FROM group_join_request r "
    'JOIN employer_group eg ON eg.id = r."group" '
    "WHERE eg.company = c.id AND r.status = {pending}) ELSE 0 END AS join_requests, "
    "CASE WHEN c.id {coordinated} THEN (SELECT COUNT(*) FROM rotation_period rp "
    'JOIN employer_group eg ON eg.id = rp."group" WHERE eg.company = c.id '
    "AND rp.ends_on >= {today} AND EXISTS (SELECT 1 FROM rotation_plan pl "
    "WHERE pl.period = rp.id AND pl.status = {draft_plan})) ELSE 0 END AS plans_to_publish, "
    "CASE WHEN c.id {run} THEN (SELECT COUNT(*) FROM match_proposal mp WHERE "
    "mp.status = {proposed} AND mp.employee IN (SELECT id FROM employee WHERE company = c.id)) "
    "ELSE 0 END AS staff_proposals_here "
    "FROM (SELECT (SELECT COUNT(*) FROM match_proposal mp WHERE mp.status = {proposed} "
    "AND mp.employee IN (SELECT id FROM employee WHERE company {run})) AS staff_proposals, "
    "(SELECT COUNT(*) FROM match_proposal mp WHERE mp.status = {proposed} "
    'AND mp.employee IN (SELECT id FROM employee WHERE "user" = {user})) AS own_proposals) k '
    "LEFT JOIN company c ON c.id {companies} ORDER BY c.id"
)
SUBMITTED: Final = "submitted"
PROPOSED: Final = "proposed"


class TodoRepository:
    async def waiting_loans(
        self,
        *,
        company_ids: list[int],
        employee_user_id: int,
        statuses: Sequence[EngagementStatus],
        per_status_max: int,
    ) -> list[WaitingLoan]:
        """The loans in these states of these companies (either side) or worked by this user,
        the newest `per_status_max` of each state, with their papers: one statement."""
        assert per_status_max > 0
        if not statuses:
            return []
        arg = Arguments()
        text = WAITING_LOANS_TEXT.format(
            statuses=arg.among([status.value for status in statuses]),
            companies=arg.among(list(company_ids)),
            user=arg(employee_user_id),
            per_status_max=arg(per_status_max),
            loan_columns=engagement_columns(arg(Step.ACTIVATE.value)),
        )
        rows = await fetch(statement(text), *arg.values)
        return [
            WaitingLoan(
                engagement_from_row(row),
                lender_has_cse=bool(row["lender_has_cse"]),
                host_has_cse=bool(row["host_has_cse"]),
            )
            for row in rows
        ]

    async def waiting(
        self,
        *,
        company_ids: list[int],
        admin_of: list[int],
        user_id: int,
        coordinated: Sequence[int],
        today: date,
    ) -> Waiting:
        """These companies, with the hours, statements, expenses and trainings waiting at those
        in `admin_of`, the join requests and plans to publish (periods not over on `today`) at
        the group entities in `coordinated`, and
        the proposals pending for the staff of `admin_of` and for this user: one statement."""
        assert set(admin_of) <= set(company_ids), "a company run is one of the person's"
        assert set(coordinated) <= set(company_ids), "a group coordinated is one of theirs"
        arg = Arguments()
        text = COMPANIES_AND_COUNTS_TEXT.format(
            companies=arg.among(list(company_ids)),
            run=arg.among(list(admin_of)),
            submitted=arg(SUBMITTED),
            draft=arg(StatementStatus.DRAFT.value),
            proposed=arg(PROPOSED),
            user=arg(user_id),
            coordinated=arg.among(list(coordinated)),
            pending=arg(JoinStatus.PENDING.value),
            today=arg(today),
            draft_plan=arg(PlanStatus.DRAFT.value),
        )
        rows = await fetch(statement(text), *arg.values)
        first = rows[0]
        return Waiting(
            companies={
                row["id"]: CompanyCounts(
                    company_from_row(row),
                    hours_to_approve=int(row["hours_to_approve"]),
                    statements_to_agree=int(row["statements_to_agree"]),
                    staff_proposals=int(row["staff_proposals_here"]),
                    expenses_to_approve=int(row["expenses_to_approve"]),
                    trainings_to_approve=int(row["trainings_to_approve"]),
                    group_id=row["group_id"],
                    join_requests=int(row["join_requests"]),
                    plans_to_publish=int(row["plans_to_publish"]),
                )
                for row in rows
                if row["id"] is not None
            },
            staff_proposals=int(first["staff_proposals"]),
            own_proposals=int(first["own_proposals"]),
        )
