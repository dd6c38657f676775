"""The only module that queries the ledger tables.

Write path (one database transaction, see `use_cases.submit`): load the transfers the batch
refers to, lock the touched accounts in id order (`SELECT … FOR UPDATE` on PostgreSQL; SQLite's
`BEGIN IMMEDIATE` already serialises writers), load the snapshot, let the pure state machine
decide, then lock the chain head, stamp and hash the new transfers and write everything.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final, Protocol

from ledger.hashing import chain_hash
from ledger.model import (
    Account,
    AccountKind,
    Rejection,
    Transfer,
    TransferCode,
    TransferKind,
    TransferRequest,
    TransferResult,
    Unit,
)
from ledger.state_machine import BatchResult, Snapshot, is_transfer_id
from timebank.book.model import HistoryLine
from timebank.db.sql import Arguments, Row, Sql, fetch, fetch_page, row_locks
from timebank.db.tables import (
    LedgerAccountTable,
    LedgerEntryTable,
    LedgerHeadTable,
    LedgerTransferTable,
)

TRANSFER_COLUMNS: Final = (
    "id",
    "sequence",
    "kind",
    "unit",
    "code",
    "debit_account",
    "credit_account",
    "amount",
    "pending_id",
    "expires_at",
    "external_ref",
    "reverses_id",
    "request_hash",
    "created_at",
    "previous_hash",
    "hash",
)
ENTRY_COLUMNS: Final = (
    "transfer",
    "account",
    "account_version",
    "debits_pending_delta",
    "debits_posted_delta",
    "credits_pending_delta",
    "credits_posted_delta",
    "balance_after",
    "debits_pending_after",
    "credits_pending_after",
    "created_at",
)
# Companies' accounts, balances and histories are read for every position and statement:
# fixed SQL.
ACCOUNTS_OF_COMPANIES_SQL = Sql(
    "SELECT id, unit, kind, company, balance_min, balance_max, debits_pending, debits_posted, "
    "credits_pending, credits_posted, version FROM ledger_account WHERE company {0:in} "
    "ORDER BY id"
)
_BALANCE = (
    "SELECT balance_after, debits_pending_after, credits_pending_after FROM ledger_entry "
    "WHERE account = {0} AND created_at %s {1} ORDER BY account_version DESC LIMIT 1"
)
BALANCE_AS_OF_SQL = Sql(_BALANCE % "<=")
BALANCE_BEFORE_SQL = Sql(_BALANCE % "<")
HISTORY_COLUMNS = (
    "t.id AS transfer_id, t.kind, t.code, t.debit_account, t.credit_account, t.external_ref, "
    "e.created_at, e.debits_posted_delta, e.credits_posted_delta, e.debits_pending_delta, "
    "e.credits_pending_delta, e.balance_after"
)


class SnapshotMoved(Exception):
    """The batch's inputs changed while they were being locked: decide again (retried)."""


def account_from_row(row: Row) -> Account:
    return Account(
        id=row["id"],
        unit=Unit(row["unit"]),
        kind=AccountKind(row["kind"]),
        company_id=row["company"],
        balance_min=row["balance_min"],
        balance_max=row["balance_max"],
        debits_pending=row["debits_pending"],
        debits_posted=row["debits_posted"],
        credits_pending=row["credits_pending"],
        credits_posted=row["credits_posted"],
        version=row["version"],
    )


def transfer_from_row(row: dict[str, Any]) -> Transfer:
    return Transfer(
        id=row["id"],
        kind=TransferKind(row["kind"]),
        unit=Unit(row["unit"]),
        code=TransferCode(row["code"]),
        debit_account_id=row["debit_account"],
        credit_account_id=row["credit_account"],
        amount=row["amount"],
        pending_id=row["pending_id"],
        expires_at=row["expires_at"],
        external_ref=row["external_ref"],
        reverses_id=row["reverses_id"],
        request_hash=row["request_hash"],
        created_at=row["created_at"],
    )


class LedgerStore(Protocol):
    """What a batch of transfers asks of the ledger's storage (`timebank.book.use_cases.
    submit_in`, and the companies' accounts it moves): `BookRepository` on the database,
    `InMemoryLedger` in the unit tests (`tests/fakes.py`; `tests/e2e/test_store_fakes.py` holds
    the two to the same answers)."""

    async def ensure_account(
        self,
        *,
        kind: AccountKind,
        unit: Unit,
        company_id: int | None,
        balance_min: int | None,
        balance_max: int | None,
        now: datetime,
    ) -> Account:
        """The account of this kind and unit (for this company), created if missing."""
        ...

    async def load_snapshot(self, requests: list[TransferRequest]) -> Snapshot:
        """Everything the batch may read (its accounts locked until the unit ends)."""
        ...

    async def write(self, result: BatchResult, *, now: datetime) -> dict[str, Transfer]:
        """Append the decided batch; returns the stored transfers by id."""
        ...


class BookRepository:
    async def ensure_account(
        self,
        *,
        kind: AccountKind,
        unit: Unit,
        company_id: int | None,
        balance_min: int | None,
        balance_max: int | None,
        now: datetime,
    ) -> Account:
        """The account of this kind and unit (for this company), created if missing."""
        found = await self.find_account(kind=kind, unit=unit, company_id=company_id)
        if found is not None:
            return found
        # ON CONFLICT: a concurrent creator wins quietly, without aborting our transaction.
        await _Sql.current_or_engine().execute(
            "INSERT INTO ledger_account (unit, kind, company, balance_min, balance_max, "
            "debits_pending, debits_posted, credits_pending, credits_posted, version, created_at) "
            "VALUES ({0}, {1}, {2}, {3}, {4}, 0, 0, 0, 0, 0, {5}) ON CONFLICT DO NOTHING",
            unit.value,
            kind.value,
            company_id,
            balance_min,
            balance_max,
            now,
        )
        found = await self.find_account(kind=kind, unit=unit, company_id=company_id)
        assert found is not None
        return found

    async def find_account(
        self, *, kind: AccountKind, unit: Unit, company_id: int | None
    ) -> Account | None:
        condition = (LedgerAccountTable.kind == kind.value) & (
            LedgerAccountTable.unit == unit.value
        )
        condition &= (
            LedgerAccountTable.company.is_null()
            if company_id is None
            else LedgerAccountTable.company == company_id
        )
        row = await LedgerAccountTable.select().where(condition).first()
        return None if row is None else account_from_row(row)

    async def get_account(self, account_id: int, *, lock: bool = False) -> Account | None:
        query = LedgerAccountTable.select().where(LedgerAccountTable.id == account_id)
        if lock and row_locks():
            query = query.lock_rows("UPDATE")
        rows = await query
        return account_from_row(rows[0]) if rows else None

    async def accounts(self, *, company_ids: list[int] | None) -> list[Account]:
        if company_ids is None:
            return [
                account_from_row(row)
                for row in await LedgerAccountTable.select().order_by(LedgerAccountTable.id)
            ]
        if not company_ids:
            return []
        rows = await fetch(ACCOUNTS_OF_COMPANIES_SQL, company_ids)
        return [account_from_row(row) for row in rows]

    async def set_limits(self, account_id: int, low: int | None, high: int | None) -> None:
        await LedgerAccountTable.update(
            {LedgerAccountTable.balance_min: low, LedgerAccountTable.balance_max: high}
        ).where(LedgerAccountTable.id == account_id)

    async def _transfers(self, ids: set[str]) -> dict[str, Transfer]:
        if not ids:
            return {}
        rows = await _Sql.current().fetch(
            "SELECT * FROM ledger_transfer WHERE id IN ({ids})", ids=sorted(ids)
        )
        return {row["id"]: transfer_from_row(row) for row in rows}

    async def load_snapshot(self, requests: list[TransferRequest]) -> Snapshot:
        """Everything the batch may read, with its accounts locked until commit.

        Runs on the driver's connection with a handful of statements: this is the hot path.
        """
        sql = _Sql.current()
        # Only well-formed ids reach SQL; the state machine refuses the others by their shape.
        referenced = {r.id for r in requests} | {r.pending_id for r in requests if r.pending_id}
        referenced |= {r.reverses_id for r in requests if r.reverses_id}
        referenced = {i for i in referenced if is_transfer_id(i)}
        # Account ids beyond 64 bits cannot exist: leave them out (refused as not found).
        account_ids = {r.debit_account_id for r in requests} | {
            r.credit_account_id for r in requests
        }
        pending_ids = sorted(
            {
                r.pending_id
                for r in requests
                if r.pending_id is not None and is_transfer_id(r.pending_id)
            }
        )
        if pending_ids:
            # Post, void and expire name only the pending transfer: find its accounts first.
            for transfer in (await self._transfers(set(pending_ids))).values():
                account_ids |= {transfer.debit_account_id, transfer.credit_account_id}
        wanted = sorted(i for i in account_ids if i is not None and 0 < i < 2**63)
        accounts: dict[int, Account] = {}
        if wanted:
            lock = " FOR UPDATE" if sql.postgres else ""
            rows = await sql.fetch(
                f"SELECT * FROM ledger_account WHERE id IN ({{ids}}) ORDER BY id{lock}", ids=wanted
            )
            accounts = {row["id"]: account_from_row(row) for row in rows}
        # Read under the locks: a concurrent writer may have committed meanwhile.
        known = await self._transfers(referenced)
        for transfer in known.values():
            if transfer.debit_account_id not in accounts or (
                transfer.credit_account_id not in accounts
            ):
                # A reservation committed between our two reads: its accounts are not locked.
                raise SnapshotMoved(transfer.id)
        rejections = {}
        rows = await sql.fetch(
            "SELECT * FROM ledger_rejection WHERE id IN ({ids})",
            ids=sorted({r.id for r in requests if is_transfer_id(r.id)}),
        )
        for row in rows:
            rejections[row["id"]] = Rejection(
                row["id"], row["request_hash"], TransferResult(row["result"]), row["created_at"]
            )
        resolutions = {}
        if pending_ids:
            rows = await sql.fetch(
                "SELECT id, pending_id FROM ledger_transfer WHERE pending_id IN ({ids})",
                ids=pending_ids,
            )
            resolutions = {row["pending_id"]: row["id"] for row in rows}
        reversed_ids = sorted({r.reverses_id for r in requests if r.reverses_id})
        reversals = {}
        if reversed_ids:
            rows = await sql.fetch(
                "SELECT id, reverses_id FROM ledger_transfer WHERE reverses_id IN ({ids})",
                ids=reversed_ids,
            )
            reversals = {row["reverses_id"]: row["id"] for row in rows}
        return Snapshot(
            accounts=accounts,
            transfers=known,
            rejections=rejections,
            resolutions=resolutions,
            reversals=reversals,
        )

    async def write(self, result: BatchResult, *, now: datetime) -> dict[str, Transfer]:
        """Append the decided batch; returns the stored transfers (stamped) by id."""
        stored: dict[str, Transfer] = {}
        if result.transfers:
            stored = await self._append_transfers(result, now)
        if result.rejections:
            await _Sql.current().executemany(
                "INSERT INTO ledger_rejection (id, request_hash, result, created_at) "
                "VALUES ({0}, {1}, {2}, {3})",
                [(r.id, r.request_hash, r.result.value, r.created_at) for r in result.rejections],
            )
        return stored

    async def _append_transfers(self, result: BatchResult, now: datetime) -> dict[str, Transfer]:
        """Stamp, hash and insert under the chain-head lock (held until commit)."""
        sql = _Sql.current()
        lock = " FOR UPDATE" if sql.postgres else ""
        columns = "last_sequence, last_hash, last_created_at"
        head = (await sql.fetch(f"SELECT {columns} FROM ledger_head WHERE id = 1{lock}"))[0]
        sequence, previous_hash = head["last_sequence"], head["last_hash"]
        # Timestamps never go backwards along the chain, whatever the clocks of the writers.
        stamp = now if head["last_created_at"] is None else max(now, head["last_created_at"])
        stored: dict[str, Transfer] = {}
        rows = []
        for transfer in result.transfers:
            sequence += 1
            stamped = Transfer(**{**_fields(transfer), "created_at": stamp})
            digest = chain_hash(previous_hash, stamped, sequence)
            rows.append(
                (
                    stamped.id,
                    sequence,
                    stamped.kind.value,
                    stamped.unit.value,
                    stamped.code.value,
                    stamped.debit_account_id,
                    stamped.credit_account_id,
                    stamped.amount,
                    stamped.pending_id,
                    stamped.expires_at,
                    stamped.external_ref,
                    stamped.reverses_id,
                    stamped.request_hash,
                    stamp,
                    previous_hash,
                    digest,
                )
            )
            previous_hash = digest
            stored[stamped.id] = stamped
        await sql.insert_rows("ledger_transfer", TRANSFER_COLUMNS, rows)
        await sql.insert_rows(
            "ledger_entry",
            ENTRY_COLUMNS,
            [
                (
                    e.transfer_id,
                    e.account_id,
                    e.account_version,
                    e.debits_pending_delta,
                    e.debits_posted_delta,
                    e.credits_pending_delta,
                    e.credits_posted_delta,
                    e.balance_after,
                    e.debits_pending_after,
                    e.credits_pending_after,
                    stamp,
                )
                for e in result.entries
            ],
        )
        first_version: dict[int, int] = {}
        for entry in result.entries:
            first_version.setdefault(entry.account_id, entry.account_version)
        accounts = list(result.accounts.values())
        counters: list[tuple[int, ...]] = [
            (
                a.debits_pending,
                a.debits_posted,
                a.credits_pending,
                a.credits_posted,
                a.version,
                a.id,
                first_version[a.id] - 1,
            )
            for a in accounts
        ]
        updated = await sql.update_accounts(counters)
        # The accounts were locked, so no version can have moved: a second line of defence
        # that survives `python -O` (an assert would not).
        if updated != len(accounts):
            raise RuntimeError(f"lost update on ledger accounts: {updated} of {len(accounts)}")
        await sql.execute(
            "UPDATE ledger_head SET last_sequence = {0}, last_hash = {1}, last_created_at = {2} "
            "WHERE id = 1",
            sequence,
            previous_hash,
            stamp,
        )
        return stored

    async def balance_as_of(
        self, account_id: int, as_of: datetime, *, strictly_before: bool = False
    ) -> tuple[int, int, int]:
        """(balance, debits pending, credits pending) after the last entry at or before `as_of`
        (strictly before it for a statement's opening balance)."""
        rows = await fetch(
            BALANCE_BEFORE_SQL if strictly_before else BALANCE_AS_OF_SQL, account_id, as_of
        )
        if not rows:
            return 0, 0, 0
        row = rows[0]
        return row["balance_after"], row["debits_pending_after"], row["credits_pending_after"]

    async def history(
        self,
        account_id: int,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int,
        offset: int,
    ) -> tuple[list[HistoryLine], int]:
        """Entries of an account in version order, with the counterpart and running balance."""
        arg = Arguments()
        where = f"e.account = {arg(account_id)}"
        if start is not None:
            where += f" AND e.created_at >= {arg(start)}"
        if end is not None:
            where += f" AND e.created_at < {arg(end)}"
        rows, total = await fetch_page(
            columns=HISTORY_COLUMNS,
            table="ledger_entry e",
            key="e.id",
            joins="LEFT JOIN ledger_transfer t ON t.id = e.transfer",
            where=where,
            order_by="e.account_version",
            arguments=arg,
            limit=limit,
            offset=offset,
        )
        lines = []
        for row in rows:
            debited = row["debit_account"] == account_id
            lines.append(
                HistoryLine(
                    transfer_id=row["transfer_id"],
                    created_at=row["created_at"],
                    kind=TransferKind(row["kind"]),
                    code=TransferCode(row["code"]),
                    counterpart_account_id=row["credit_account"]
                    if debited
                    else row["debit_account"],
                    posted_delta=row["credits_posted_delta"] - row["debits_posted_delta"],
                    pending_delta=row["credits_pending_delta"] - row["debits_pending_delta"],
                    balance_after=row["balance_after"],
                    external_ref=row["external_ref"],
                )
            )
        return lines, total

    async def movements(
        self,
        minutes_account_id: int,
        cents_account_id: int,
        *,
        start: datetime | None,
        end: datetime | None,
        limit: int,
        offset: int,
    ) -> tuple[list[dict[str, Any]], int]:
        """A company's posted movements, newest first: the entries of its two accounts grouped
        by event (same moment, same reason, same reference), with the summed deltas per unit
        and the sequence of the event's first transfer. Reservations alone are left out: they
        move no balance."""
        args: list[Any] = [minutes_account_id, cents_account_id]
        where = (
            "e.account IN ({}, {}) AND (e.debits_posted_delta <> 0 OR e.credits_posted_delta <> 0)"
        )
        if start is not None:
            where += " AND e.created_at >= {}"
            args.append(start)
        if end is not None:
            where += " AND e.created_at < {}"
            args.append(end)
        grouped = (
            f"FROM ledger_entry e JOIN ledger_transfer t ON t.id = e.transfer WHERE {where} "
            "GROUP BY e.created_at, t.code, COALESCE(t.external_ref, t.id)"
        )
        counted = await LedgerEntryTable.raw(
            f"SELECT COUNT(*) AS total FROM (SELECT 1 AS one {grouped}) g", *args
        )
        total = int(counted[0]["total"])
        rows = await LedgerEntryTable.raw(
            "SELECT MIN(t.sequence) AS first_sequence, e.created_at AS at, t.code AS code, "
            "MIN(t.external_ref) AS external_ref, "
            "MIN(CASE WHEN t.debit_account = e.account THEN t.credit_account "
            "ELSE t.debit_account END) AS counterpart_account, "
            "SUM(CASE WHEN e.account = {} THEN e.credits_posted_delta - e.debits_posted_delta "
            "ELSE 0 END) AS minutes_delta, "
            "SUM(CASE WHEN e.account = {} THEN e.credits_posted_delta - e.debits_posted_delta "
            f"ELSE 0 END) AS cents_delta {grouped} "
            "ORDER BY MIN(t.sequence) DESC LIMIT {} OFFSET {}",
            minutes_account_id,
            cents_account_id,
            *args,
            limit,
            offset,
        )
        return [dict(row) for row in rows], total

    async def balance_before_sequence(self, account_id: int, sequence: int) -> int:
        """The account's posted balance just before the transfer of this chain sequence."""
        rows = await LedgerEntryTable.raw(
            "SELECT e.balance_after AS balance FROM ledger_entry e "
            "JOIN ledger_transfer t ON t.id = e.transfer "
            "WHERE e.account = {} AND t.sequence < {} "
            "ORDER BY e.account_version DESC LIMIT 1",
            account_id,
            sequence,
        )
        return int(rows[0]["balance"]) if rows else 0

    async def accounts_by_id(self, account_ids: list[int]) -> dict[int, Account]:
        if not account_ids:
            return {}
        rows = await LedgerAccountTable.select().where(LedgerAccountTable.id.is_in(account_ids))
        return {row["id"]: account_from_row(row) for row in rows}

    async def expired_pending_ids(self, now: datetime, limit: int) -> list[tuple[str, Unit]]:
        """Unresolved pending transfers whose expiry has passed, oldest expiry first."""
        resolved = LedgerTransferTable.select(LedgerTransferTable.pending_id).where(
            LedgerTransferTable.pending_id.is_not_null()
        )
        rows = await (
            LedgerTransferTable.select(LedgerTransferTable.id, LedgerTransferTable.unit)
            .where(
                (LedgerTransferTable.kind == TransferKind.PENDING.value)
                & (LedgerTransferTable.expires_at <= now)
                & LedgerTransferTable.id.not_in(resolved)
            )
            .order_by(LedgerTransferTable.expires_at)
            .order_by(LedgerTransferTable.sequence)
            .limit(limit)
        )
        return [(row["id"], Unit(row["unit"])) for row in rows]

    async def transfers_by_external_ref(self, external_ref: str) -> list[Transfer]:
        rows = (
            await LedgerTransferTable.select()
            .where(LedgerTransferTable.external_ref == external_ref)
            .order_by(LedgerTransferTable.sequence)
        )
        return [transfer_from_row(row) for row in rows]

    async def transfer(self, transfer_id: str) -> Transfer | None:
        return (await self._transfers({transfer_id})).get(transfer_id)

    async def chain_page(self, after_sequence: int, limit: int) -> list[dict[str, Any]]:
        return list(
            await LedgerTransferTable.select()
            .where(LedgerTransferTable.sequence > after_sequence)
            .order_by(LedgerTransferTable.sequence)
            .limit(limit)
        )

    async def head(self) -> dict[str, Any]:
        return dict((await LedgerHeadTable.select().where(LedgerHeadTable.id == 1))[0])

    async def entry_sums(self) -> dict[int, tuple[list[int], int]]:
        """Per account: the entries' summed deltas (as the four counters) and last balance."""
        rows = await LedgerEntryTable.raw(
            "SELECT account, SUM(debits_pending_delta) AS dp, SUM(debits_posted_delta) AS dpo, "
            "SUM(credits_pending_delta) AS cp, SUM(credits_posted_delta) AS cpo, "
            "MAX(account_version) AS top FROM ledger_entry GROUP BY account"
        )
        last = await LedgerEntryTable.raw(
            "SELECT e.account, e.balance_after FROM ledger_entry e JOIN (SELECT account, "
            "MAX(account_version) AS top FROM ledger_entry GROUP BY account) m "
            "ON e.account = m.account AND e.account_version = m.top"
        )
        balances = {row["account"]: int(row["balance_after"]) for row in last}
        return {
            row["account"]: (
                [int(row["dp"]), int(row["dpo"]), int(row["cp"]), int(row["cpo"])],
                balances.get(row["account"], 0),
            )
            for row in rows
        }

    async def entry_stats(self) -> dict[int, tuple[int, int]]:
        """Per account: (number of entries, highest version)."""
        rows = await LedgerEntryTable.raw(
            "SELECT account, COUNT(*) AS entries, MAX(account_version) AS top "
            "FROM ledger_entry GROUP BY account"
        )
        return {row["account"]: (row["entries"], row["top"]) for row in rows}


class _Sql:
    """Plain SQL on the driver connection of the current Piccolo transaction.

    Statements are written with `{0}`, `{1}` … placeholders (and `{ids}` for a list), turned
    into `$n` for asyncpg or `?` for sqlite3. Used on the write path, where Piccolo's query
    building would cost more than the database work itself.
    """

    def __init__(self, connection: Any, *, postgres: bool) -> None:
        self.connection = connection
        self.postgres = postgres

    @classmethod
    def current_or_engine(cls) -> _Sql | _EngineSql:
        db = LedgerAccountTable._meta.db
        if db.current_transaction.get() is None:
            return _EngineSql(db)
        return cls.current()

    @classmethod
    def current(cls) -> _Sql:
        db = LedgerAccountTable._meta.db
        transaction = db.current_transaction.get()
        assert transaction is not None, "ledger writes run inside a unit of work"
        return cls(transaction.connection, postgres=db.engine_type == "postgres")

    def _render(self, statement: str, count: int, ids: list[Any] | None) -> str:
        if self.postgres:
            marks = [f"${n + 1}" for n in range(count)]
            return statement.format(
                *marks,
                ids=f"SELECT unnest(${count + 1}::text[])"
                if ids is not None and isinstance(ids[0], str)
                else f"SELECT unnest(${count + 1}::bigint[])",
            )
        id_marks = ", ".join("?" * len(ids)) if ids else ""
        return statement.format(*(["?"] * count), ids=id_marks)

    async def fetch(
        self, statement: str, *args: Any, ids: list[Any] | None = None
    ) -> list[dict[str, Any]]:
        if ids is not None and not ids:
            return []
        sql = self._render(statement, len(args), ids)
        if self.postgres:
            params = [*args, ids] if ids is not None else list(args)
            return [dict(row) for row in await self.connection.fetch(sql, *params)]
        params = [*args, *(ids or [])]
        async with self.connection.execute(sql, params) as cursor:
            return [dict(row) for row in await cursor.fetchall()]

    async def insert_rows(
        self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
    ) -> None:
        """Bulk insert: PostgreSQL's COPY (constraints and triggers still apply), else many
        INSERTs on SQLite."""
        if not rows:
            return
        if self.postgres:
            await self.connection.copy_records_to_table(table, records=rows, columns=columns)
            return
        marks = ", ".join("?" * len(columns))
        await self.connection.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
        )

    async def update_accounts(self, rows: list[tuple[int, ...]]) -> int:
        """Write account counters guarded by their previous version; returns rows updated."""
        if not rows:
            return 0
        if self.postgres:
            columns = list(zip(*rows, strict=True))
            updated = await self.connection.fetch(
                "UPDATE ledger_account AS a SET debits_pending = v.dp, debits_posted = v.dpo, "
                "credits_pending = v.cp, credits_posted = v.cpo, version = v.ver "
                "FROM (SELECT unnest($1::bigint[]) AS dp, unnest($2::bigint[]) AS dpo, "
                "unnest($3::bigint[]) AS cp, unnest($4::bigint[]) AS cpo, "
                "unnest($5::bigint[]) AS ver, unnest($6::bigint[]) AS id, "
                "unnest($7::bigint[]) AS prev) AS v "
                "WHERE a.id = v.id AND a.version = v.prev RETURNING a.id",
                *[list(column) for column in columns],
            )
            return len(updated)
        cursor = await self.connection.executemany(
            "UPDATE ledger_account SET debits_pending = ?, debits_posted = ?, "
            "credits_pending = ?, credits_posted = ?, version = ? WHERE id = ? AND version = ?",
            rows,
        )
        return int(cursor.rowcount)

    async def execute(self, statement: str, *args: Any) -> None:
        sql = self._render(statement, len(args), None)
        if self.postgres:
            await self.connection.execute(sql, *args)
        else:
            await self.connection.execute(sql, args)

    async def executemany(self, statement: str, rows: list[tuple[Any, ...]]) -> int | None:
        """Run once per row; returns the rows changed where the driver reports it."""
        if not rows:
            return 0
        sql = self._render(statement, len(rows[0]), None)
        if self.postgres:
            await self.connection.executemany(sql, rows)
            return None
        cursor = await self.connection.executemany(sql, rows)
        return int(cursor.rowcount)


class _EngineSql:
    """The same placeholders, outside a transaction (Piccolo runs it on its own connection)."""

    def __init__(self, db: Any) -> None:
        self.db = db

    async def execute(self, statement: str, *args: Any) -> None:
        marks = ["{}"] * len(args)
        await LedgerAccountTable.raw(statement.format(*marks), *args)


def _fields(transfer: Transfer) -> dict[str, Any]:
    return {name: getattr(transfer, name) for name in Transfer.__dataclass_fields__}


def _keeps_the_protocol(repository: BookRepository) -> LedgerStore:
    return repository  # The type checker holds the database repository to `LedgerStore`.
