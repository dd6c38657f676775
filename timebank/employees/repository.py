"""Loads and stores employees and their skill levels."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from piccolo.columns import Column

from timebank.db.sql import Arguments, Row, Sql, fetch, fetch_page, json_list
from timebank.db.tables import EmployeeSkillTable, EmployeeTable
from timebank.employees.model import CostInputs, Employee, LendingApproval, SkillLevel
from timebank.pagination import PageRequest

_COLUMNS = (
    *EmployeeTable.all_columns(),
    EmployeeTable.user.full_name.as_alias("full_name"),
    EmployeeTable.user.email.as_alias("email"),
)

# A company's staff list is a main read: fixed SQL, each page with the number of employees
# matching and each employee's skills, in one statement.
EMPLOYEE_COLUMNS = (
    'e.id, e."user", e.company, e.job_title, e.annual_gross_salary_cents, '
    "e.employer_charge_rate_basis_points, e.annual_work_hours, e.offered_minutes_per_month, "
    "e.remote_ok, e.travel_radius_km, e.languages, e.approved_minutes_per_month, "
    "e.approval_valid_from, e.approval_valid_until, e.approved_by, e.active, e.created_at, "
    "u.full_name, u.email"
)
# Each employee's skills as one JSON array of [code, level], read beside its row (see
# timebank/db/sql.py for the JSON functions of each database). The code is looked up by id
# (a join let PostgreSQL scan the whole taxonomy for each employee).
_SKILLS_COLUMN = (
    "(SELECT {json_agg}({json_array}((SELECT s.code FROM skill s WHERE s.id = es.skill), "
    "es.level)) FROM employee_skill es WHERE es.employee = e.id) AS skills"
)
COLUMNS = f"{EMPLOYEE_COLUMNS}, {_SKILLS_COLUMN}"
USER_JOIN = 'LEFT JOIN app_user u ON u.id = e."user"'
EMPLOYEE_SQL = Sql(f"SELECT {COLUMNS} FROM employee e {USER_JOIN} WHERE e.id = {{0}}")
EMPLOYEES_SQL = Sql(f"SELECT {COLUMNS} FROM employee e {USER_JOIN} WHERE e.id {{0:in}}")
EMPLOYEES_OF_USER_SQL = Sql(
    f'SELECT {COLUMNS} FROM employee e {USER_JOIN} WHERE e."user" = {{0}} ORDER BY e.id'
)
SKILLS_OF_EMPLOYEES_SQL = Sql(
    "SELECT es.employee, s.code AS skill_code, es.level "
    "FROM employee_skill es LEFT JOIN skill s ON s.id = es.skill WHERE es.employee {0:in}"
)


def _skills_from_json(text: str | None) -> tuple[SkillLevel, ...]:
    """An employee's skills from their JSON array (None on PostgreSQL for none)."""
    skills = [SkillLevel(skill_code=code, level=level) for code, level in json_list(text)]
    # Sorted here: the databases' collations may order codes differently.
    skills.sort(key=lambda s: s.skill_code)
    return tuple(skills)


def employee_from_row(row: Row, skills: tuple[SkillLevel, ...]) -> Employee:
    """The employee of a row read with EMPLOYEE_COLUMNS (other areas' reads use it too)."""
    approval = None
    if row["approved_minutes_per_month"] is not None:
        approval = LendingApproval(
            approved_minutes_per_month=row["approved_minutes_per_month"],
            valid_from=row["approval_valid_from"],
            valid_until=row["approval_valid_until"],
            approved_by=row["approved_by"],
        )
    return Employee(
        id=row["id"],
        user_id=row["user"],
        company_id=row["company"],
        full_name=row["full_name"],
        email=row["email"],
        job_title=row["job_title"],
        cost=CostInputs(
            annual_gross_salary_cents=row["annual_gross_salary_cents"],
            employer_charge_rate_basis_points=row["employer_charge_rate_basis_points"],
            annual_work_hours=row["annual_work_hours"],
        ),
        offered_minutes_per_month=row["offered_minutes_per_month"],
        remote_ok=bool(row["remote_ok"]),
        travel_radius_km=row["travel_radius_km"],
        languages=tuple(code for code in row["languages"].split(",") if code),
        approval=approval,
        skills=skills,
        active=bool(row["active"]),
        created_at=row["created_at"],
    )


class EmployeeRepository:
    async def _skills_of(self, employee_ids: list[int]) -> dict[int, tuple[SkillLevel, ...]]:
        if not employee_ids:
            return {}
        rows = await fetch(SKILLS_OF_EMPLOYEES_SQL, employee_ids)
        found: dict[int, list[SkillLevel]] = defaultdict(list)
        for row in rows:
            found[row["employee"]].append(
                SkillLevel(skill_code=row["skill_code"], level=row["level"])
            )
        return {
            key: tuple(sorted(value, key=lambda s: s.skill_code)) for key, value in found.items()
        }

    async def _hydrate(self, rows: Sequence[Row]) -> list[Employee]:
        skills = await self._skills_of([row["id"] for row in rows])
        return [employee_from_row(row, skills.get(row["id"], ())) for row in rows]

    async def add(
        self, *, user_id: int, company_id: int, job_title: str, cost: CostInputs, now: datetime
    ) -> Employee:
        rows = await EmployeeTable.insert(
            EmployeeTable(
                user=user_id,
                company=company_id,
                job_title=job_title,
                annual_gross_salary_cents=cost.annual_gross_salary_cents,
                employer_charge_rate_basis_points=cost.employer_charge_rate_basis_points,
                annual_work_hours=cost.annual_work_hours,
                created_at=now,
            )
        ).returning(EmployeeTable.id)
        employee = await self.get(rows[0]["id"])
        assert employee is not None
        return employee

    async def get(self, employee_id: int) -> Employee | None:
        rows = await fetch(EMPLOYEE_SQL, employee_id)
        return employee_from_row(rows[0], _skills_from_json(rows[0]["skills"])) if rows else None

    async def get_many(self, employee_ids: list[int]) -> dict[int, Employee]:
        """These employees by id, those that exist (one statement)."""
        if not employee_ids:
            return {}
        rows = await fetch(EMPLOYEES_SQL, sorted(set(employee_ids)))
        return {row["id"]: employee_from_row(row, _skills_from_json(row["skills"])) for row in rows}

    async def exists_for(self, user_id: int, company_id: int) -> bool:
        return bool(
            await EmployeeTable.exists().where(
                (EmployeeTable.user == user_id) & (EmployeeTable.company == company_id)
            )
        )

    async def of_user(self, user_id: int) -> list[Employee]:
        rows = await fetch(EMPLOYEES_OF_USER_SQL, user_id)
        return [employee_from_row(row, _skills_from_json(row["skills"])) for row in rows]

    async def list_for_company(
        self, company_id: int, *, skill_id: int | None, level_min: int, page: PageRequest
    ) -> tuple[list[Employee], int]:
        arg = Arguments()
        where = f"e.company = {arg(company_id)}"
        if skill_id is not None:
            where += (
                " AND e.id IN (SELECT employee FROM employee_skill "
                f"WHERE skill = {arg(skill_id)} AND level >= {arg(level_min)})"
            )
        rows, total = await fetch_page(
            columns=COLUMNS,
            table="employee e",
            key="e.id",
            joins=USER_JOIN,
            where=where,
            order_by="e.id",
            arguments=arg,
            limit=page.limit,
            offset=page.offset,
        )
        return [employee_from_row(row, _skills_from_json(row["skills"])) for row in rows], total

    async def update(self, employee_id: int, values: dict[Column | str, Any]) -> None:
        await EmployeeTable.update(values).where(EmployeeTable.id == employee_id)

    async def set_skills(self, employee_id: int, levels: list[tuple[int, int]]) -> None:
        """Replace the profile's skills with (skill id, level) pairs."""
        await EmployeeSkillTable.delete().where(EmployeeSkillTable.employee == employee_id)
        if levels:
            await EmployeeSkillTable.insert(
                *[
                    EmployeeSkillTable(employee=employee_id, skill=skill_id, level=level)
                    for skill_id, level in levels
                ]
            )

    async def lendable(self, today: date, limit: int) -> list[Employee]:
        """Active employees offering hours, with a lending approval valid today."""
        rows = await (
            EmployeeTable.select(*_COLUMNS)
            .where(
                EmployeeTable.active.eq(True)
                & (EmployeeTable.offered_minutes_per_month > 0)
                & EmployeeTable.approved_minutes_per_month.is_not_null()
                & (EmployeeTable.approval_valid_from <= today)
                & (EmployeeTable.approval_valid_until >= today)
            )
            .order_by(EmployeeTable.id)
            .limit(limit)
        )
        return await self._hydrate(list(rows))

    async def ids_of_companies(self, company_ids: list[int]) -> list[int]:
        if not company_ids:
            return []
        rows = await EmployeeTable.select(EmployeeTable.id).where(
            EmployeeTable.company.is_in(company_ids)
        )
        return [row["id"] for row in rows]

    async def count(self) -> int:
        return int(await EmployeeTable.count())
