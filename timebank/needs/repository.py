"""Loads and stores needs and their required skills."""

from __future__ import annotations

from datetime import datetime

from timebank.db.sql import Arguments, Row, Sql, fetch, fetch_page, json_list
from timebank.db.tables import NeedSkillTable, NeedTable
from timebank.needs.model import Need, NeedDraft, NeedStatus, RequiredSkill
from timebank.pagination import PageRequest

# The browsed list is the busiest read: fixed SQL (its filters are fixed pieces), each page
# with the number of needs matching and each need's skills, in one statement.
NEED_COLUMNS = (
    "n.id, n.company, n.title, n.description, n.estimated_minutes, n.window_start, "
    "n.window_end, n.remote_allowed, n.place_city, n.place_postal_code, n.language, n.status, "
    "n.created_by, n.created_at, n.updated_at"
)
# Each need's skills as one JSON array of [code, min_level, weight], read beside its row (see
# timebank/db/sql.py for the JSON functions of each database). The code is looked up by id
# (a join let PostgreSQL scan the whole taxonomy for each need).
_SKILLS_COLUMN = (
    "(SELECT {json_agg}({json_array}((SELECT s.code FROM skill s WHERE s.id = ns.skill), "
    "ns.min_level, ns.weight)) FROM need_skill ns WHERE ns.need = n.id) AS skills"
)
COLUMNS = f"{NEED_COLUMNS}, {_SKILLS_COLUMN}"
NEED_SQL = Sql(f"SELECT {COLUMNS} FROM need n WHERE n.id = {{0}}")
NEEDS_SQL = Sql(f"SELECT {COLUMNS} FROM need n WHERE n.id {{0:in}}")
OPEN_NEEDS_SQL = Sql(
    f"SELECT {COLUMNS} FROM need n WHERE n.status = {{0}} ORDER BY n.id LIMIT {{1}}"
)


def _skills_from_json(text: str | None) -> tuple[RequiredSkill, ...]:
    """The skills of a need from its JSON array (None on PostgreSQL for a need without any)."""
    skills = [
        RequiredSkill(skill_code=code, min_level=min_level, weight=weight)
        for code, min_level, weight in json_list(text)
    ]
    # Sorted here: the databases' collations may order codes differently.
    skills.sort(key=lambda s: s.skill_code)
    return tuple(skills)


def _need_from_row(row: Row) -> Need:
    return Need(
        id=row["id"],
        company_id=row["company"],
        title=row["title"],
        description=row["description"],
        estimated_minutes=row["estimated_minutes"],
        window_start=row["window_start"],
        window_end=row["window_end"],
        remote_allowed=bool(row["remote_allowed"]),
        place_city=row["place_city"],
        place_postal_code=row["place_postal_code"],
        language=row["language"],
        status=NeedStatus(row["status"]),
        skills=_skills_from_json(row["skills"]),
        created_by=row["created_by"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


class NeedRepository:
    async def add(
        self,
        *,
        company_id: int,
        draft: NeedDraft,
        skill_ids: dict[str, int],
        status: NeedStatus,
        created_by: int,
        now: datetime,
    ) -> int:
        rows = await NeedTable.insert(
            NeedTable(
                company=company_id,
                title=draft.title,
                description=draft.description,
                estimated_minutes=draft.estimated_minutes,
                window_start=draft.window_start,
                window_end=draft.window_end,
                remote_allowed=draft.remote_allowed,
                place_city=draft.place_city,
                place_postal_code=draft.place_postal_code,
                language=draft.language,
                status=status.value,
                created_by=created_by,
                created_at=now,
                updated_at=now,
            )
        ).returning(NeedTable.id)
        need_id: int = rows[0]["id"]
        await self._insert_skills(need_id, draft, skill_ids)
        return need_id

    async def _insert_skills(
        self, need_id: int, draft: NeedDraft, skill_ids: dict[str, int]
    ) -> None:
        await NeedSkillTable.insert(
            *[
                NeedSkillTable(
                    need=need_id,
                    skill=skill_ids[item.skill_code],
                    min_level=item.min_level,
                    weight=item.weight,
                )
                for item in draft.skills
            ]
        )

    async def replace(
        self,
        need_id: int,
        *,
        draft: NeedDraft,
        skill_ids: dict[str, int],
        status: NeedStatus,
        now: datetime,
    ) -> None:
        await NeedTable.update(
            {
                NeedTable.title: draft.title,
                NeedTable.description: draft.description,
                NeedTable.estimated_minutes: draft.estimated_minutes,
                NeedTable.window_start: draft.window_start,
                NeedTable.window_end: draft.window_end,
                NeedTable.remote_allowed: draft.remote_allowed,
                NeedTable.place_city: draft.place_city,
                NeedTable.place_postal_code: draft.place_postal_code,
                NeedTable.language: draft.language,
                NeedTable.status: status.value,
                NeedTable.updated_at: now,
            }
        ).where(NeedTable.id == need_id)
        await NeedSkillTable.delete().where(NeedSkillTable.need == need_id)
        await self._insert_skills(need_id, draft, skill_ids)

    async def get(self, need_id: int) -> Need | None:
        rows = await fetch(NEED_SQL, need_id)
        return _need_from_row(rows[0]) if rows else None

    async def get_many(self, need_ids: list[int]) -> dict[int, Need]:
        """These needs by id, those that exist (one statement)."""
        if not need_ids:
            return {}
        rows = await fetch(NEEDS_SQL, sorted(set(need_ids)))
        return {row["id"]: _need_from_row(row) for row in rows}

    async def search(
        self,
        *,
        skill_id: int | None,
        region: str | None,
        status: NeedStatus | None,
        company_id: int | None,
        visible_draft_companies: frozenset[int] | None,
        page: PageRequest,
    ) -> tuple[list[Need], int]:
        """Needs matching the filters; drafts only of `visible_draft_companies` (None = all)."""
        arg = Arguments()
        conditions = []
        if skill_id is not None:
            conditions.append(
                f"n.id IN (SELECT need FROM need_skill WHERE skill = {arg(skill_id)})"
            )
        if region is not None:
            conditions.append(f"n.company IN (SELECT id FROM company WHERE region = {arg(region)})")
        if status is not None:
            conditions.append(f"n.status = {arg(status.value)}")
        if company_id is not None:
            conditions.append(f"n.company = {arg(company_id)}")
        if visible_draft_companies is not None:
            not_draft = f"n.status <> {arg(NeedStatus.DRAFT.value)}"
            if visible_draft_companies:
                companies = arg.among(sorted(visible_draft_companies))
                conditions.append(f"({not_draft} OR n.company {companies})")
            else:
                conditions.append(not_draft)
        rows, total = await fetch_page(
            columns=COLUMNS,
            table="need n",
            key="n.id",
            where=" AND ".join(conditions) or "1 = 1",
            order_by="n.created_at DESC, n.id DESC",
            arguments=arg,
            limit=page.limit,
            offset=page.offset,
        )
        return [_need_from_row(row) for row in rows], total

    async def open_needs(self, limit: int) -> list[Need]:
        rows = await fetch(OPEN_NEEDS_SQL, NeedStatus.OPEN.value, limit)
        return [_need_from_row(row) for row in rows]

    async def ids_of_companies(self, company_ids: list[int]) -> list[int]:
        if not company_ids:
            return []
        rows = await NeedTable.select(NeedTable.id).where(NeedTable.company.is_in(company_ids))
        return [row["id"] for row in rows]

    async def count(self) -> int:
        return int(await NeedTable.count())
