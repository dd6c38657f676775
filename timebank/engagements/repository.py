"""Loads and stores engagements, their history and paperwork, and timesheet entries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, Final, Protocol

from piccolo.query.functions.aggregate import Sum

from timebank.db.errors import is_unique_violation
from timebank.db.sql import Arguments, Row, Sql, fetch, fetch_page, json_list, row_locks
from timebank.db.tables import (
    EngagementEventTable,
    EngagementExtensionTable,
    EngagementPaperTable,
    EngagementTable,
    TimesheetEntryTable,
)
from timebank.engagements import refusals
from timebank.engagements.model import (
    CostRate,
    Engagement,
    EngagementEvent,
    EngagementStatus,
    EntryStatus,
    EntryToReview,
    Extension,
    ExtensionStatus,
    LoanNames,
    Paper,
    PaperRecord,
    Step,
    TimesheetEntry,
)

# A loan's hours are logged under its lock; an employee's day and week span their loans, so
# their row is locked too (after the loan's, in every path that takes both).
EMPLOYEE_LOCK_SQL = Sql("SELECT id FROM employee WHERE id = {0} FOR UPDATE")


def _entry(row: dict[str, Any]) -> TimesheetEntry:
    return TimesheetEntry(
        id=row["id"],
        client_id=row["client_id"],
        request_hash=row["request_hash"],
        engagement_id=row["engagement"],
        employee_id=row["employee"],
        work_date=row["work_date"],
        minutes=row["minutes"],
        description=row["description"],
        status=EntryStatus(row["status"]),
        cost_cents=row["cost_cents"],
        reviewed_by=row["reviewed_by"],
        reviewed_at=row["reviewed_at"],
        rejection_reason=row["rejection_reason"],
        statement_id=row["statement"],
        created_at=row["created_at"],
    )


# A loan's reads, all fixed SQL (see timebank/db/sql.py): its row carries its employee's user
# (EMPLOYEE_JOIN), its activation time and its papers as one JSON array (`activate`: the
# placeholder of the step that activates). Other areas' read models select them too.
def engagement_columns(activate: str) -> str:
    return (
        "e.id, e.need, e.host_company, e.lender_company, e.employee, "
        'em."user" AS employee_user, e.planned_minutes, e.period_start, e.period_end, e.place, '
        "e.remote, e.tasks, e.probation_days, e.working_hours, e.post_characteristics, "
        "e.status, e.reservation_id, e.reserved_minutes, e.reservation_number, e.created_by, "
        "e.created_at, (SELECT MIN(ev.created_at) FROM engagement_event ev "
        f"WHERE ev.engagement = e.id AND ev.step = {activate}) AS activated_at, "
        "(SELECT {json_agg}({json_array}(p.id, p.paper, p.signed_by, p.signed_at, "
        "p.document_id, p.document_hash, p.effective_on)) FROM engagement_paper p "
        "WHERE p.engagement = e.id) AS papers"
    )


EMPLOYEE_JOIN: Final = "LEFT JOIN employee em ON em.id = e.employee"
_ENGAGEMENT_COLUMNS: Final = engagement_columns("{1}")
_ENGAGEMENT_FROM: Final = f"FROM engagement e {EMPLOYEE_JOIN}"
ENGAGEMENTS_SQL: Final = Sql(
    f"SELECT {_ENGAGEMENT_COLUMNS} {_ENGAGEMENT_FROM} WHERE e.id {{0:in}} ORDER BY e.id"
)
# One loan with its history too (a JSON array of its events), for its page and API answer.
ENGAGEMENT_WITH_EVENTS_SQL: Final = Sql(
    f"SELECT {_ENGAGEMENT_COLUMNS}, "
    "(SELECT {json_agg}({json_array}(ev.id, ev.step, ev.from_status, ev.to_status, ev.actor, "
    "ev.note, ev.created_at)) FROM engagement_event ev WHERE ev.engagement = e.id) AS events "
    f"{_ENGAGEMENT_FROM} WHERE e.id = {{0}}"
)
# The loans in these states ({1}: the step that activates).
IN_STATUSES_SQL: Final = Sql(
    f"SELECT {_ENGAGEMENT_COLUMNS} {_ENGAGEMENT_FROM} WHERE e.status {{0:in}} ORDER BY e.id"
)
OF_EMPLOYEE_IN_STATUSES_SQL: Final = Sql(
    f"SELECT {_ENGAGEMENT_COLUMNS} {_ENGAGEMENT_FROM} WHERE e.status {{0:in}} "
    "AND e.employee = {2} AND e.id <> {3} ORDER BY e.id"
)
# PostgreSQL locks the rows first; the loans are read after, in a statement of their own, so
# that they include what a transaction that held the lock committed.
LOCK_SQL: Final = Sql("SELECT id FROM engagement WHERE id {0:in} ORDER BY id FOR UPDATE")


def _engagements_of(rows: Sequence[Row]) -> list[Engagement]:
    return [engagement_from_row(row) for row in rows]


def _utc_instant(at: datetime | str) -> datetime:
    """A stored instant in UTC: as the driver gives it, or as text (a value SQLite computed, or
    either database wrote in JSON: with its offset, or UTC without one)."""
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def utc_day(at: datetime | str) -> date:
    """The day (UTC, as the clock the rules read) of a stored instant."""
    return _utc_instant(at).date()


def _activation_day(row: Row) -> date | None:
    """The day a loan read with its `activated_at` became active (None: not yet)."""
    return None if row["activated_at"] is None else utc_day(row["activated_at"])


def _papers_from_json(text: str | None) -> tuple[PaperRecord, ...]:
    """A loan's papers from the JSON array its row carries (None on PostgreSQL for none): by
    kind, then in the order they were recorded (the arrays start with the record's id)."""
    records = sorted(json_list(text), key=lambda record: (record[1], record[0]))
    return tuple(
        PaperRecord(
            paper=Paper(paper),
            signed_by=signed_by,
            signed_at=_utc_instant(signed_at),
            document_id=document_id,
            document_hash=document_hash,
            effective_on=None if effective_on is None else date.fromisoformat(effective_on),
        )
        for _, paper, signed_by, signed_at, document_id, document_hash, effective_on in records
    )


def engagement_from_row(row: Row) -> Engagement:
    """The loan of a row read with the engagement's columns: its employee's user, its papers
    and its activation time ride in the row (other areas' reads use it too)."""
    return Engagement(
        id=row["id"],
        need_id=row["need"],
        host_company_id=row["host_company"],
        lender_company_id=row["lender_company"],
        employee_id=row["employee"],
        employee_user_id=row["employee_user"],
        planned_minutes=row["planned_minutes"],
        period_start=row["period_start"],
        period_end=row["period_end"],
        place=row["place"],
        remote=bool(row["remote"]),
        tasks=row["tasks"],
        status=EngagementStatus(row["status"]),
        reservation_id=row["reservation_id"],
        reserved_minutes=row["reserved_minutes"],
        reservation_number=row["reservation_number"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        papers=_papers_from_json(row["papers"]),
        activated_on=_activation_day(row),
        probation_days=row["probation_days"],
        working_hours=row["working_hours"],
        post_characteristics=row["post_characteristics"],
    )


def _extension(row: dict[str, Any]) -> Extension:
    return Extension(
        id=row["id"],
        engagement_id=row["engagement"],
        extra_minutes=row["extra_minutes"],
        reason=row["reason"],
        status=ExtensionStatus(row["status"]),
        requested_by=row["requested_by"],
        decided_by=row["decided_by"],
    )


class HoursStore(Protocol):
    """What the hours' use cases (log, correct, withdraw, approve, reject) ask of the loans'
    storage: `EngagementRepository` on the database, `InMemoryLoans` in the unit tests
    (`tests/fakes.py`; `tests/e2e/test_store_fakes.py` holds the two to the same
    answers)."""

    async def get(self, engagement_id: int, *, lock: bool = False) -> Engagement | None: ...

    async def get_many(self, ids: list[int], *, lock: bool = False) -> dict[int, Engagement]: ...

    async def set_reservation(
        self, engagement_id: int, *, reservation_id: str | None, reserved_minutes: int, number: int
    ) -> None:
        """The loan's current reservation of minutes in the ledger, and how many it had."""
        ...

    async def entry_by_client_id(self, client_id: str) -> TimesheetEntry | None: ...

    async def add_entry(
        self,
        *,
        client_id: str,
        request_hash: str,
        engagement_id: int,
        employee_id: int,
        work_date: date,
        minutes: int,
        description: str,
        now: datetime,
    ) -> TimesheetEntry:
        """A submitted entry."""
        ...

    async def lock_employee_hours(self, employee_id: int) -> None:
        """Until the transaction ends, no other transaction logs or corrects this employee's
        hours (their day's and week's limits span all their loans). A no-op on SQLite, whose
        write transactions already run one at a time."""
        ...

    async def declared_minutes(self, employee_id: int, start: date, end: date) -> int:
        """Submitted and approved minutes of an employee between two dates, inclusive."""
        ...

    async def engagement_minutes(self, engagement_id: int) -> int:
        """Submitted and approved minutes of a loan."""
        ...

    async def entries(self, entry_ids: list[int]) -> dict[int, TimesheetEntry]: ...

    async def approve_entry(
        self, entry_id: int, *, cost_cents: int, rate: CostRate, reviewer: int, now: datetime
    ) -> None:
        """Approved at this cost and rate; refused (`already_reviewed`) unless still
        submitted."""
        ...

    async def approved_minutes_at(self, engagement_id: int, rate: CostRate) -> int:
        """The loan's minutes approved at this cost rate."""
        ...

    async def reject_entry(
        self, entry_id: int, *, reason: str, reviewer: int, now: datetime
    ) -> None:
        """Rejected with its reason; refused (`already_reviewed`) unless still
        submitted."""
        ...

    async def change_entry(
        self, entry_id: int, *, work_date: date, minutes: int, description: str
    ) -> bool:
        """Correct an entry still awaiting review; False when it was reviewed meanwhile."""
        ...

    async def withdraw_entry(self, entry_id: int) -> bool:
        """Withdraw an entry still awaiting review; False when it was reviewed meanwhile."""
        ...


class LoanStore(HoursStore, Protocol):
    """What a loan's steps add to its hours' needs (`take_step`: accept, approve, consent,
    complete, cancel): `EngagementRepository` on the database, `InMemoryLoans` in the unit
    tests, held to the same answers by the same test (`tests/e2e/test_store_fakes.py`)."""

    async def move(
        self,
        engagement: Engagement,
        *,
        step: str,
        to_status: EngagementStatus,
        actor_id: int,
        note: str,
        now: datetime,
    ) -> None:
        """The loan moves from the status it was read in (`concurrent_change` if it moved
        meanwhile), and the step is recorded."""
        ...

    async def add_paper(
        self,
        engagement_id: int,
        paper: Paper,
        *,
        signed_by: int,
        now: datetime,
        document_id: str | None = None,
        document_hash: str | None = None,
        effective_on: date | None = None,
    ) -> None:
        """A paper of the loan recorded once (`already_recorded` the second time)."""
        ...

    async def committed_of_employee(self, employee_id: int, exclude_id: int) -> list[Engagement]:
        """The employee's other loans that hold their hours (approved, consented, active)."""
        ...

    async def awaiting_review(self, engagement_id: int) -> int:
        """How many of the loan's entries wait for review."""
        ...


class EngagementRepository:
    async def add(
        self,
        *,
        need_id: int,
        host_company_id: int,
        lender_company_id: int,
        employee_id: int,
        planned_minutes: int,
        period_start: date,
        period_end: date,
        place: str,
        remote: bool,
        tasks: str,
        created_by: int,
        now: datetime,
        probation_days: int | None = None,
        working_hours: str = "",
        post_characteristics: str = "",
    ) -> int:
        rows = await EngagementTable.insert(
            EngagementTable(
                need=need_id,
                host_company=host_company_id,
                lender_company=lender_company_id,
                employee=employee_id,
                planned_minutes=planned_minutes,
                period_start=period_start,
                period_end=period_end,
                place=place,
                remote=remote,
                tasks=tasks,
                probation_days=probation_days,
                working_hours=working_hours,
                post_characteristics=post_characteristics,
                status=EngagementStatus.PROPOSED.value,
                created_by=created_by,
                created_at=now,
                updated_at=now,
            )
        ).returning(EngagementTable.id)
        engagement_id: int = rows[0]["id"]
        return engagement_id

    async def set_terms(
        self,
        engagement_id: int,
        *,
        place: str,
        probation_days: int | None,
        working_hours: str,
        post_characteristics: str,
        now: datetime,
    ) -> None:
        await EngagementTable.update(
            {
                EngagementTable.place: place,
                EngagementTable.probation_days: probation_days,
                EngagementTable.working_hours: working_hours,
                EngagementTable.post_characteristics: post_characteristics,
                EngagementTable.updated_at: now,
            }
        ).where(EngagementTable.id == engagement_id)

    async def get(self, engagement_id: int, *, lock: bool = False) -> Engagement | None:
        found = await self.get_many([engagement_id], lock=lock)
        return found.get(engagement_id)

    async def get_many(self, ids: list[int], *, lock: bool = False) -> dict[int, Engagement]:
        if not ids:
            return {}
        wanted = sorted(set(ids))
        if lock and row_locks():
            await fetch(LOCK_SQL, wanted)
        rows = await fetch(ENGAGEMENTS_SQL, wanted, Step.ACTIVATE.value)
        return {e.id: e for e in _engagements_of(rows)}

    async def search(
        self,
        *,
        company_ids: list[int] | None,
        employee_user_id: int | None,
        status: EngagementStatus | None,
        limit: int,
        offset: int,
    ) -> tuple[list[Engagement], int]:
        """The loans of these companies (either side; None: all) or worked by this user,
        newest first, and how many match: one statement."""
        arg = Arguments()
        columns = engagement_columns(arg(Step.ACTIVATE.value))
        conditions = []
        if company_ids is not None:
            visible = (
                f"(e.host_company {arg.among(company_ids or [0])} "
                f"OR e.lender_company {arg.among(company_ids or [0])}"
            )
            if employee_user_id is not None:
                visible += (
                    f' OR e.employee IN (SELECT id FROM employee WHERE "user" = '
                    f"{arg(employee_user_id)})"
                )
            conditions.append(visible + ")")
        if status is not None:
            conditions.append(f"e.status = {arg(status.value)}")
        return await self._page(columns, conditions, arg, limit=limit, offset=offset)

    async def of_company(
        self,
        company_id: int,
        *,
        side: str | None,
        status: EngagementStatus | None,
        limit: int,
        offset: int,
    ) -> tuple[list[Engagement], int]:
        """A company's loans, newest first: as lender (`side="lender"`), as host (`"host"`),
        or both (None); and how many match: one statement."""
        arg = Arguments()
        columns = engagement_columns(arg(Step.ACTIVATE.value))
        company = arg(company_id)
        if side == "lender":
            conditions = [f"e.lender_company = {company}"]
        elif side == "host":
            conditions = [f"e.host_company = {company}"]
        else:
            conditions = [f"(e.lender_company = {company} OR e.host_company = {company})"]
        if status is not None:
            conditions.append(f"e.status = {arg(status.value)}")
        return await self._page(columns, conditions, arg, limit=limit, offset=offset)

    async def _page(
        self, columns: str, conditions: list[str], arg: Arguments, *, limit: int, offset: int
    ) -> tuple[list[Engagement], int]:
        rows, total = await fetch_page(
            columns=columns,
            table="engagement e",
            key="e.id",
            joins=EMPLOYEE_JOIN,
            where=" AND ".join(conditions) or "1 = 1",
            order_by="e.id DESC",
            arguments=arg,
            limit=limit,
            offset=offset,
        )
        return _engagements_of(rows), total

    async def names_of(self, ids: list[int]) -> dict[int, LoanNames]:
        """The words a person reads about loans: companies, employee and need, one query."""
        if not ids:
            return {}
        rows = await EngagementTable.select(
            EngagementTable.id,
            EngagementTable.host_company.name.as_alias("host_name"),
            EngagementTable.lender_company.name.as_alias("lender_name"),
            EngagementTable.employee.user.full_name.as_alias("employee_name"),  # type: ignore[union-attr]
            EngagementTable.need.title.as_alias("need_title"),
        ).where(EngagementTable.id.is_in(sorted(set(ids))))
        return {
            row["id"]: LoanNames(
                host=row["host_name"],
                lender=row["lender_name"],
                employee=row["employee_name"],
                need=row["need_title"],
            )
            for row in rows
        }

    async def extensions_of(self, engagement_id: int) -> list[Extension]:
        rows = (
            await EngagementExtensionTable.select()
            .where(EngagementExtensionTable.engagement == engagement_id)
            .order_by(EngagementExtensionTable.id)
        )
        return [_extension(row) for row in rows]

    async def move(
        self,
        engagement: Engagement,
        *,
        step: str,
        to_status: EngagementStatus,
        actor_id: int,
        note: str,
        now: datetime,
    ) -> None:
        updated = (
            await EngagementTable.update(
                {EngagementTable.status: to_status.value, EngagementTable.updated_at: now}
            )
            .where(
                (EngagementTable.id == engagement.id)
                & (EngagementTable.status == engagement.status.value)
            )
            .returning(EngagementTable.id)
        )
        if not updated:
            raise refusals.CONCURRENT_CHANGE.error()
        await EngagementEventTable.insert(
            EngagementEventTable(
                engagement=engagement.id,
                step=step,
                from_status=engagement.status.value,
                to_status=to_status.value,
                actor=actor_id,
                note=note[:500],
                created_at=now,
            )
        )

    async def with_events(
        self, engagement_id: int
    ) -> tuple[Engagement, list[EngagementEvent]] | None:
        """A loan and its history, oldest step first (one statement), or None."""
        rows = await fetch(ENGAGEMENT_WITH_EVENTS_SQL, engagement_id, Step.ACTIVATE.value)
        if not rows:
            return None
        row = rows[0]
        engagement = engagement_from_row(row)
        events = [
            EngagementEvent(
                step=Step(step),
                from_status=EngagementStatus(from_status),
                to_status=EngagementStatus(to_status),
                actor_id=actor_id,
                note=note,
                created_at=_utc_instant(created_at),
            )
            for _, step, from_status, to_status, actor_id, note, created_at in sorted(
                json_list(row["events"])
            )
        ]
        return engagement, events

    async def set_reservation(
        self, engagement_id: int, *, reservation_id: str | None, reserved_minutes: int, number: int
    ) -> None:
        await EngagementTable.update(
            {
                EngagementTable.reservation_id: reservation_id,
                EngagementTable.reserved_minutes: reserved_minutes,
                EngagementTable.reservation_number: number,
            }
        ).where(EngagementTable.id == engagement_id)

    async def add_paper(
        self,
        engagement_id: int,
        paper: Paper,
        *,
        signed_by: int,
        now: datetime,
        document_id: str | None = None,
        document_hash: str | None = None,
        effective_on: date | None = None,
    ) -> None:
        try:
            await EngagementPaperTable.insert(
                EngagementPaperTable(
                    engagement=engagement_id,
                    paper=paper.value,
                    signed_by=signed_by,
                    signed_at=now,
                    document_id=document_id,
                    document_hash=document_hash,
                    effective_on=effective_on,
                )
            )
        except Exception as exc:
            if is_unique_violation(exc):
                raise refusals.ALREADY_RECORDED.error() from exc
            raise

    async def replace_signature(
        self,
        engagement_id: int,
        paper: Paper,
        *,
        signed_by: int,
        now: datetime,
        document_id: str,
        document_hash: str,
    ) -> None:
        await EngagementPaperTable.update(
            {
                EngagementPaperTable.signed_by: signed_by,
                EngagementPaperTable.signed_at: now,
                EngagementPaperTable.document_id: document_id,
                EngagementPaperTable.document_hash: document_hash,
            }
        ).where(
            (EngagementPaperTable.engagement == engagement_id)
            & (EngagementPaperTable.paper == paper.value)
        )

    async def committed(self) -> list[Engagement]:
        """Every engagement that holds hours (approved, consented or active)."""
        from timebank.engagements.model import COMMITTED_STATUSES

        statuses = sorted(s.value for s in COMMITTED_STATUSES)
        return _engagements_of(await fetch(IN_STATUSES_SQL, statuses, Step.ACTIVATE.value))

    async def committed_of_employee(self, employee_id: int, exclude_id: int) -> list[Engagement]:
        from timebank.engagements.model import COMMITTED_STATUSES

        statuses = sorted(s.value for s in COMMITTED_STATUSES)
        rows = await fetch(
            OF_EMPLOYEE_IN_STATUSES_SQL, statuses, Step.ACTIVATE.value, employee_id, exclude_id
        )
        return _engagements_of(rows)

    async def add_extension(
        self,
        engagement_id: int,
        *,
        extra_minutes: int,
        reason: str,
        requested_by: int,
        now: datetime,
    ) -> int:
        rows = await EngagementExtensionTable.insert(
            EngagementExtensionTable(
                engagement=engagement_id,
                extra_minutes=extra_minutes,
                reason=reason,
                status=ExtensionStatus.REQUESTED.value,
                requested_by=requested_by,
                requested_at=now,
            )
        ).returning(EngagementExtensionTable.id)
        extension_id: int = rows[0]["id"]
        return extension_id

    async def extension(self, extension_id: int) -> Extension | None:
        row = (
            await EngagementExtensionTable.select()
            .where(EngagementExtensionTable.id == extension_id)
            .first()
        )
        if row is None:
            return None
        return _extension(row)

    async def decide_extension(
        self, extension_id: int, *, approved: bool, decided_by: int, now: datetime
    ) -> None:
        updated = (
            await EngagementExtensionTable.update(
                {
                    EngagementExtensionTable.status: (
                        ExtensionStatus.APPROVED if approved else ExtensionStatus.REFUSED
                    ).value,
                    EngagementExtensionTable.decided_by: decided_by,
                    EngagementExtensionTable.decided_at: now,
                }
            )
            .where(
                (EngagementExtensionTable.id == extension_id)
                & (EngagementExtensionTable.status == ExtensionStatus.REQUESTED.value)
            )
            .returning(EngagementExtensionTable.id)
        )
        if not updated:
            raise refusals.ALREADY_DECIDED.error()

    async def extend(self, engagement_id: int, extra_minutes: int, now: datetime) -> None:
        await EngagementTable.update(
            {
                EngagementTable.planned_minutes: EngagementTable.planned_minutes + extra_minutes,
                EngagementTable.updated_at: now,
            }
        ).where(EngagementTable.id == engagement_id)

    async def entry_by_client_id(self, client_id: str) -> TimesheetEntry | None:
        row = (
            await TimesheetEntryTable.select()
            .where(TimesheetEntryTable.client_id == client_id)
            .first()
        )
        return None if row is None else _entry(row)

    async def add_entry(
        self,
        *,
        client_id: str,
        request_hash: str,
        engagement_id: int,
        employee_id: int,
        work_date: date,
        minutes: int,
        description: str,
        now: datetime,
    ) -> TimesheetEntry:
        rows = await TimesheetEntryTable.insert(
            TimesheetEntryTable(
                client_id=client_id,
                request_hash=request_hash,
                engagement=engagement_id,
                employee=employee_id,
                work_date=work_date,
                minutes=minutes,
                description=description,
                status=EntryStatus.SUBMITTED.value,
                created_at=now,
            )
        ).returning(*TimesheetEntryTable.all_columns())
        return _entry(rows[0])

    async def declared_minutes(self, employee_id: int, start: date, end: date) -> int:
        """Submitted and approved minutes of an employee between two dates, inclusive."""
        rows = await TimesheetEntryTable.select(TimesheetEntryTable.minutes).where(
            (TimesheetEntryTable.employee == employee_id)
            & (TimesheetEntryTable.work_date >= start)
            & (TimesheetEntryTable.work_date <= end)
            & TimesheetEntryTable.status.is_in(
                [EntryStatus.SUBMITTED.value, EntryStatus.APPROVED.value]
            )
        )
        return sum(int(row["minutes"]) for row in rows)

    async def lock_employee_hours(self, employee_id: int) -> None:
        if row_locks():
            await fetch(EMPLOYEE_LOCK_SQL, employee_id)

    async def engagement_minutes(self, engagement_id: int) -> int:
        rows = await TimesheetEntryTable.select(TimesheetEntryTable.minutes).where(
            (TimesheetEntryTable.engagement == engagement_id)
            & TimesheetEntryTable.status.is_in(
                [EntryStatus.SUBMITTED.value, EntryStatus.APPROVED.value]
            )
        )
        return sum(int(row["minutes"]) for row in rows)

    async def entries(self, entry_ids: list[int]) -> dict[int, TimesheetEntry]:
        if not entry_ids:
            return {}
        rows = await TimesheetEntryTable.select().where(
            TimesheetEntryTable.id.is_in(sorted(set(entry_ids)))
        )
        return {row["id"]: _entry(row) for row in rows}

    async def entries_of(
        self, engagement_id: int, *, limit: int, offset: int
    ) -> tuple[list[TimesheetEntry], int]:
        condition = TimesheetEntryTable.engagement == engagement_id
        rows = (
            await TimesheetEntryTable.select()
            .where(condition)
            .order_by(TimesheetEntryTable.work_date)
            .order_by(TimesheetEntryTable.id)
            .limit(limit)
            .offset(offset)
        )
        return [_entry(row) for row in rows], int(
            await TimesheetEntryTable.count().where(condition)
        )

    async def awaiting_review(self, engagement_id: int) -> int:
        return int(
            await TimesheetEntryTable.count().where(
                (TimesheetEntryTable.engagement == engagement_id)
                & (TimesheetEntryTable.status == EntryStatus.SUBMITTED.value)
            )
        )

    async def approved_minutes_at(self, engagement_id: int, rate: CostRate) -> int:
        rows = await TimesheetEntryTable.select(
            Sum(TimesheetEntryTable.minutes).as_alias("minutes")
        ).where(
            (TimesheetEntryTable.engagement == engagement_id)
            & (TimesheetEntryTable.status == EntryStatus.APPROVED.value)
            & (TimesheetEntryTable.cost_rate_numerator == rate.numerator)
            & (TimesheetEntryTable.cost_rate_denominator == rate.denominator)
        )
        return int(rows[0]["minutes"] or 0)

    async def approve_entry(
        self, entry_id: int, *, cost_cents: int, rate: CostRate, reviewer: int, now: datetime
    ) -> None:
        updated = (
            await TimesheetEntryTable.update(
                {
                    TimesheetEntryTable.status: EntryStatus.APPROVED.value,
                    TimesheetEntryTable.cost_cents: cost_cents,
                    TimesheetEntryTable.cost_rate_numerator: rate.numerator,
                    TimesheetEntryTable.cost_rate_denominator: rate.denominator,
                    TimesheetEntryTable.reviewed_by: reviewer,
                    TimesheetEntryTable.reviewed_at: now,
                }
            )
            .where(
                (TimesheetEntryTable.id == entry_id)
                & (TimesheetEntryTable.status == EntryStatus.SUBMITTED.value)
            )
            .returning(TimesheetEntryTable.id)
        )
        if not updated:
            raise refusals.ENTRY_ALREADY_REVIEWED.error(field="entry_ids")

    async def reject_entry(
        self, entry_id: int, *, reason: str, reviewer: int, now: datetime
    ) -> None:
        updated = (
            await TimesheetEntryTable.update(
                {
                    TimesheetEntryTable.status: EntryStatus.REJECTED.value,
                    TimesheetEntryTable.rejection_reason: reason,
                    TimesheetEntryTable.reviewed_by: reviewer,
                    TimesheetEntryTable.reviewed_at: now,
                }
            )
            .where(
                (TimesheetEntryTable.id == entry_id)
                & (TimesheetEntryTable.status == EntryStatus.SUBMITTED.value)
            )
            .returning(TimesheetEntryTable.id)
        )
        if not updated:
            raise refusals.ENTRY_ALREADY_REVIEWED.error()

    async def approved_unsettled(self, before: date) -> list[dict[str, Any]]:
        """Approved entries not yet in a statement, worked before `before`, with their pair."""
        rows = await TimesheetEntryTable.select(
            TimesheetEntryTable.id,
            TimesheetEntryTable.minutes,
            TimesheetEntryTable.cost_cents,
            TimesheetEntryTable.work_date,
            TimesheetEntryTable.engagement.host_company.as_alias("host"),
            TimesheetEntryTable.engagement.lender_company.as_alias("lender"),
        ).where(
            (TimesheetEntryTable.status == EntryStatus.APPROVED.value)
            & TimesheetEntryTable.statement.is_null()
            & (TimesheetEntryTable.work_date < before)
        )
        return list(rows)

    async def attach_to_statement(self, entry_ids: list[int], statement_id: int) -> int:
        """Put these entries in the statement, those in none yet; returns how many moved."""
        if not entry_ids:
            return 0
        moved = (
            await TimesheetEntryTable.update({TimesheetEntryTable.statement: statement_id})
            .where(
                TimesheetEntryTable.id.is_in(entry_ids) & TimesheetEntryTable.statement.is_null()
            )
            .returning(TimesheetEntryTable.id)
        )
        return len(moved)

    async def change_entry(
        self, entry_id: int, *, work_date: date, minutes: int, description: str
    ) -> bool:
        """Correct an entry still awaiting review; False when it was reviewed meanwhile."""
        updated = (
            await TimesheetEntryTable.update(
                {
                    TimesheetEntryTable.work_date: work_date,
                    TimesheetEntryTable.minutes: minutes,
                    TimesheetEntryTable.description: description,
                }
            )
            .where(
                (TimesheetEntryTable.id == entry_id)
                & (TimesheetEntryTable.status == EntryStatus.SUBMITTED.value)
            )
            .returning(TimesheetEntryTable.id)
        )
        return bool(updated)

    async def withdraw_entry(self, entry_id: int) -> bool:
        """Withdrawn entries stay as a trace but count nowhere and can never be reviewed."""
        updated = (
            await TimesheetEntryTable.update(
                {TimesheetEntryTable.status: EntryStatus.WITHDRAWN.value}
            )
            .where(
                (TimesheetEntryTable.id == entry_id)
                & (TimesheetEntryTable.status == EntryStatus.SUBMITTED.value)
            )
            .returning(TimesheetEntryTable.id)
        )
        return bool(updated)

    async def entries_between(
        self, engagement_id: int, start: date, end: date
    ) -> list[TimesheetEntry]:
        """An engagement's entries worked between two dates (inclusive), withdrawn ones left out."""
        rows = (
            await TimesheetEntryTable.select()
            .where(
                (TimesheetEntryTable.engagement == engagement_id)
                & (TimesheetEntryTable.work_date >= start)
                & (TimesheetEntryTable.work_date <= end)
                & (TimesheetEntryTable.status != EntryStatus.WITHDRAWN.value)
            )
            .order_by(TimesheetEntryTable.work_date)
            .order_by(TimesheetEntryTable.id)
        )
        return [_entry(row) for row in rows]

    async def awaiting_review_of_host(
        self, company_id: int, *, limit: int, offset: int
    ) -> tuple[list[EntryToReview], int]:
        """Submitted entries of the loans a company hosts, oldest work first."""
        condition = (TimesheetEntryTable.engagement.host_company == company_id) & (
            TimesheetEntryTable.status == EntryStatus.SUBMITTED.value
        )
        rows = (
            await TimesheetEntryTable.select(
                *TimesheetEntryTable.all_columns(),
                TimesheetEntryTable.employee.user.full_name.as_alias("employee_name"),  # type: ignore[union-attr]
                TimesheetEntryTable.engagement.lender_company.name.as_alias("lender_name"),  # type: ignore[union-attr]
            )
            .where(condition)
            .order_by(TimesheetEntryTable.work_date)
            .order_by(TimesheetEntryTable.id)
            .limit(limit)
            .offset(offset)
        )
        items = [
            EntryToReview(_entry(row), row["employee_name"], row["lender_name"]) for row in rows
        ]
        return items, int(await TimesheetEntryTable.count().where(condition))


def _keeps_the_protocol(repository: EngagementRepository) -> LoanStore:
    return repository  # The type checker holds the database repository to `LoanStore`.
