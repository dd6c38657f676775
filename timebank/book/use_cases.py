"""Use cases of the book: submit transfers, read balances and statements, audit, expire.

`submit` is the only write path. It runs one transaction per attempt and acknowledges only
after the commit; deadlocks, serialisation failures, busy databases and a racing duplicate id
are retried a bounded number of times, then reported as a 503 the client may retry with the
same ids (idempotency makes that safe).
"""

from __future__ import annotations

import asyncio
import contextvars
import random
import sqlite3
import uuid
import weakref
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

import asyncpg

from ledger.hashing import GENESIS_HASH, chain_hash
from ledger.invariants import conservation_problems, limit_problems
from ledger.model import (
    Account,
    AccountKind,
    EventOutcome,
    Transfer,
    TransferCode,
    TransferKind,
    TransferRequest,
    TransferResult,
    Unit,
)
from ledger.state_machine import BATCH_EVENTS_MAX, apply_batch
from timebank import rules
from timebank.book import refusals
from timebank.book.model import (
    CREDIT_LINE_MINUTES_DEFAULT,
    EXPIRE_BATCH_MAX,
    GROUP_QUEUE_MAX,
    HISTORY_PAGE_MAX,
    MOVEMENTS_PAGE_MAX,
    RETRIES_MAX,
    RETRY_DELAY_SECONDS_MAX,
    VERIFY_PAGE_SIZE,
    Balance,
    HistoryLine,
    Movement,
    Statement,
    StatementPart,
    VerifyReport,
)
from timebank.book.repository import SnapshotMoved, transfer_from_row
from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.pagination import OFFSET_MAX, Page, page_request
from timebank.people.model import Actor, Role, reads_salary_figures, require_operator

Clock = Callable[[], datetime]
SYSTEM_KINDS = (AccountKind.ISSUANCE, AccountKind.CORRECTIONS, AccountKind.EXPIRY)
# An id derived from the pending transfer's: re-running the expiry job never expires twice.
EXPIRY_NAMESPACE = uuid.UUID("5b1e3c52-7c1b-4f0e-9a51-0d7a0c9b6e11")


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, SnapshotMoved):
        return True
    if isinstance(
        exc,
        asyncpg.DeadlockDetectedError | asyncpg.SerializationError | asyncpg.UniqueViolationError,
    ):
        return True
    if isinstance(exc, sqlite3.OperationalError):
        return "locked" in str(exc) or "busy" in str(exc)
    return isinstance(exc, sqlite3.IntegrityError) and "UNIQUE" in str(exc)


async def ensure_system_accounts(
    uow: UnitOfWork, *, now: datetime
) -> dict[tuple[AccountKind, Unit], Account]:
    """The programme's accounts (issuance, corrections, expiry) in both units, unlimited."""
    found = {}
    async with uow() as repos:
        for kind in SYSTEM_KINDS:
            for unit in Unit:
                found[(kind, unit)] = await repos.book.ensure_account(
                    kind=kind,
                    unit=unit,
                    company_id=None,
                    balance_min=None,
                    balance_max=None,
                    now=now,
                )
    return found


async def ensure_company_accounts(
    repos: Repositories, company_id: int, *, now: datetime
) -> dict[Unit, Account]:
    """A company's minutes account (with the default credit line) and cents account."""
    return {
        Unit.MINUTES: await repos.book.ensure_account(
            kind=AccountKind.COMPANY,
            unit=Unit.MINUTES,
            company_id=company_id,
            balance_min=CREDIT_LINE_MINUTES_DEFAULT,
            balance_max=None,
            now=now,
        ),
        Unit.CENTS: await repos.book.ensure_account(
            kind=AccountKind.COMPANY,
            unit=Unit.CENTS,
            company_id=company_id,
            balance_min=None,
            balance_max=None,
            now=now,
        ),
    }


def _check_batch_size(requests: list[TransferRequest]) -> None:
    if len(requests) > BATCH_EVENTS_MAX:
        raise refusals.BATCH_TOO_LARGE.error(batch_events_max=BATCH_EVENTS_MAX)


T = TypeVar("T")


async def retrying(work: Callable[[], Awaitable[T]]) -> T:
    """Run a transactional `work` again on deadlocks, serialisation failures, a busy SQLite
    file or a racing duplicate key, at most RETRIES_MAX times; then a 503 to retry later."""
    for attempt in range(RETRIES_MAX):
        try:
            return await work()
        except Exception as exc:
            if not _retryable(exc):
                raise
        await asyncio.sleep(random.uniform(0, RETRY_DELAY_SECONDS_MAX * (attempt + 1)))
    raise refusals.LEDGER_BUSY.error()


async def submit_in(
    repos: Repositories, requests: list[TransferRequest], *, now: datetime
) -> list[EventOutcome]:
    """Decide and write a batch inside the caller's transaction (no commit, no retry here):
    other use cases call this so that their own rows and the ledger commit together."""
    _check_batch_size(requests)
    if not requests:
        return []
    snapshot = await repos.book.load_snapshot(requests)
    result = apply_batch(snapshot, requests, now=now)
    stored = await repos.book.write(result, now=now)
    return [
        EventOutcome(o.index, o.id, o.result, stored.get(o.id, o.transfer)) for o in result.outcomes
    ]


async def submit(
    uow: UnitOfWork, requests: list[TransferRequest], *, clock: Clock
) -> list[EventOutcome]:
    """Decide and store a batch in its own transaction, with bounded retries. Outcomes are
    returned only after the commit."""
    _check_batch_size(requests)
    if not requests:
        return []

    async def attempt() -> list[EventOutcome]:
        async with uow() as repos:
            # The clock is read inside: decisions use the time the locks were held.
            return await submit_in(repos, requests, now=clock())

    return await retrying(attempt)


def system_clock() -> datetime:
    return datetime.now(UTC)


class _GroupWriter:
    """Group commit: concurrent submissions of one process share one transaction.

    Each caller's events keep their own results and chains (a submission that ends with an
    open chain is written alone, so it cannot chain into another caller's events). If a shared
    transaction fails, every submission of the group is written again on its own, so that one
    caller's problem never becomes another's. Outcomes are returned only after the commit.
    """

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.queue: asyncio.Queue[_Pending] = asyncio.Queue(maxsize=GROUP_QUEUE_MAX)
        self.carry: _Pending | None = None
        # A fresh context: the writer must never inherit a caller's open transaction.
        self.task = asyncio.get_running_loop().create_task(
            self._run(), context=contextvars.Context()
        )

    async def submit(self, requests: list[TransferRequest]) -> list[EventOutcome]:
        future: asyncio.Future[list[EventOutcome]] = asyncio.get_running_loop().create_future()
        await self.queue.put((requests, future))
        return await future

    async def _next_group(self) -> list[_Pending]:
        first = self.carry if self.carry is not None else await self.queue.get()
        self.carry = None
        group, size = [first], len(first[0])
        if first[0][-1].linked:
            return group
        while not self.queue.empty():
            item = self.queue.get_nowait()
            if item[0][-1].linked or size + len(item[0]) > BATCH_EVENTS_MAX:
                self.carry = item
                break
            group.append(item)
            size += len(item[0])
        return group

    async def _run(self) -> None:
        group: list[_Pending] = []
        try:
            while True:
                group = await self._next_group()
                try:
                    await self._write(group)
                except Exception as exc:  # Never let the writer die: report to the callers.
                    for _, future in group:
                        _fail(future, exc)
        except BaseException:
            # Cancelled (shutdown): nothing waiting may hang; callers retry with the same ids.
            stopped = refusals.SHUTTING_DOWN.error()
            for _, future in group:
                _fail(future, stopped)
            while not self.queue.empty():
                _fail(self.queue.get_nowait()[1], stopped)
            if self.carry is not None:
                _fail(self.carry[1], stopped)
            raise

    async def _write(self, group: list[_Pending]) -> None:
        combined = [request for requests, _ in group for request in requests]
        try:
            outcomes = await submit(self.uow, combined, clock=system_clock)
        except Exception:
            if len(group) == 1:
                raise
            for requests, future in group:
                if future.done():  # The caller went away: nothing to write for it.
                    continue
                try:
                    _succeed(future, await submit(self.uow, requests, clock=system_clock))
                except Exception as exc:
                    _fail(future, exc)
            return
        offset = 0
        for requests, future in group:
            part = outcomes[offset : offset + len(requests)]
            future.set_result(
                [EventOutcome(o.index - offset, o.id, o.result, o.transfer) for o in part]
            )
            offset += len(requests)


_Pending = tuple[list[TransferRequest], "asyncio.Future[list[EventOutcome]]"]


def _succeed(future: asyncio.Future[list[EventOutcome]], outcomes: list[EventOutcome]) -> None:
    # A cancelled caller's future is done already; its committed outcome stays in the ledger.
    if not future.done():
        future.set_result(outcomes)


def _fail(future: asyncio.Future[list[EventOutcome]], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)


_WRITERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _GroupWriter] = (
    weakref.WeakKeyDictionary()
)


async def submit_grouped(uow: UnitOfWork, requests: list[TransferRequest]) -> list[EventOutcome]:
    """Like `submit`, on the system clock, sharing transactions with concurrent callers."""
    if len(requests) > BATCH_EVENTS_MAX:
        return await submit(uow, requests, clock=system_clock)  # Refused there, with its code.
    if not requests:
        return []
    loop = asyncio.get_running_loop()
    writer = _WRITERS.get(loop)
    if writer is None or writer.uow is not uow or writer.task.done():
        writer = _WRITERS[loop] = _GroupWriter(uow)
    return await writer.submit(requests)


async def submit_as_operator(
    uow: UnitOfWork, actor: Actor, requests: list[TransferRequest]
) -> list[EventOutcome]:
    """The API's batch endpoint: operator (or system integrations acting as operator) only,
    in minutes only. Transfers in cents value staff time at cost: an answer about one (`exists`
    with its amount, `exists_with_different_request`, `reversal_exceeds_original`, a limit
    exceeded) would let the operator guess an hourly cost, which it never reads."""
    require_operator(actor)
    if any(request.unit != Unit.MINUTES for request in requests):
        raise refusals.CENTS_NOT_FOR_OPERATOR.error()
    return await submit_grouped(uow, requests)


def _may_read(actor: Actor, account: Account) -> bool:
    if actor.is_operator and account.unit is not Unit.CENTS:
        return True
    if not reads_salary_figures(actor, account.company_id):
        return False
    if account.company_id is None:
        return False
    return actor.has_role(account.company_id, Role.COMPANY_ADMIN, Role.ACCOUNTANT)


async def _readable_account(repos: Repositories, actor: Actor, account_id: int) -> Account:
    account = await repos.book.get_account(account_id)
    if account is None or not _may_read(actor, account):
        # Same answer for "absent" and "not yours": account ids are not to be probed.
        raise refusals.ACCOUNT_NOT_FOUND.error(id=account_id)
    return account


async def list_accounts(uow: UnitOfWork, actor: Actor, *, company_id: int | None) -> list[Account]:
    """The accounts the actor may see (its companies'; the operator: all, or one company's)."""
    async with uow(write=False) as repos:
        if actor.is_operator:
            found = await repos.book.accounts(
                company_ids=None if company_id is None else [company_id]
            )
            return [account for account in found if _may_read(actor, account)]
        allowed = actor.companies_with(Role.COMPANY_ADMIN, Role.ACCOUNTANT)
        wanted = sorted(allowed if company_id is None else allowed & {company_id})
        return await repos.book.accounts(company_ids=wanted)


async def credit_lines(uow: UnitOfWork, actor: Actor, company_ids: list[int]) -> dict[int, Account]:
    """Each of these companies' hours account (its credit line, the operator's to set), for
    those that have one yet: operator only, minutes only."""
    require_operator(actor)
    if not company_ids:
        return {}
    async with uow(write=False) as repos:
        found = await repos.book.accounts(company_ids=sorted(set(company_ids)))
    return {
        account.company_id: account
        for account in found
        if account.company_id is not None
        and account.kind is AccountKind.COMPANY
        and account.unit is Unit.MINUTES
    }


async def balance(
    uow: UnitOfWork, actor: Actor, account_id: int, *, as_of: datetime | None
) -> Balance:
    async with uow(write=False) as repos:
        account = await _readable_account(repos, actor, account_id)
        if as_of is None:
            return Balance(
                account, None, account.balance, account.debits_pending, account.credits_pending
            )
        value, debits_pending, credits_pending = await repos.book.balance_as_of(account_id, as_of)
    return Balance(account, as_of, value, debits_pending, credits_pending)


async def history(
    uow: UnitOfWork, actor: Actor, account_id: int, *, limit: int, offset: int
) -> Page[HistoryLine]:
    page = page_request(min(limit, HISTORY_PAGE_MAX), offset)
    async with uow(write=False) as repos:
        await _readable_account(repos, actor, account_id)
        lines, total = await repos.book.history(account_id, limit=page.limit, offset=page.offset)
    return Page(items=tuple(lines), total=total, limit=page.limit, offset=page.offset)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


async def _statement_part(
    repos: Repositories, account: Account, start: datetime, end: datetime
) -> StatementPart:
    opening, _, _ = await repos.book.balance_as_of(account.id, start, strictly_before=True)
    # A statement lists every movement of the period; periods are bounded to keep it readable.
    lines, _ = await repos.book.history(account.id, start=start, end=end, limit=100_000, offset=0)
    credits = sum(line.posted_delta for line in lines if line.posted_delta > 0)
    debits = -sum(line.posted_delta for line in lines if line.posted_delta < 0)
    closing = opening + credits - debits
    assert not lines or lines[-1].balance_after == closing
    return StatementPart(
        unit=account.unit,
        account_id=account.id,
        opening_balance=opening,
        debits=debits,
        credits=credits,
        closing_balance=closing,
        lines=tuple(lines),
    )


async def _statement_parts(
    repos: Repositories, accounts: dict[Unit, Account], start: datetime, end: datetime
) -> dict[Unit, StatementPart]:
    return {
        unit: await _statement_part(repos, account, start, end)
        for unit, account in accounts.items()
    }


async def company_statement(
    uow: UnitOfWork, actor: Actor, company_id: int, *, start: date, end: date, now: datetime
) -> Statement:
    """Opening balance, movements and closing balance of a company, in minutes and cents."""
    if end <= start:
        raise refusals.END_BEFORE_START.error()
    if (end - start).days > 366:
        raise refusals.PERIOD_TOO_LONG.error()
    if not actor.has_role(company_id, Role.COMPANY_ADMIN, Role.ACCOUNTANT):
        raise refusals.COMPANY_NOT_FOUND.error(id=company_id)  # In cents: not the operator's.
    first, last = _midnight(start), _midnight(end)
    # A read takes no write lock: a company's accounts are opened with it, and only one that
    # predates them has its accounts opened here.
    async with uow(write=False) as repos:
        accounts = {
            account.unit: account
            for account in await repos.book.accounts(company_ids=[company_id])
            if account.kind is AccountKind.COMPANY
        }
        if len(accounts) == len(Unit):
            parts = await _statement_parts(repos, accounts, first, last)
    if len(accounts) < len(Unit):
        async with uow() as repos:
            if await repos.companies.get(company_id) is None:
                raise refusals.COMPANY_NOT_FOUND.error(id=company_id)
            accounts = await ensure_company_accounts(repos, company_id, now=now)
            parts = await _statement_parts(repos, accounts, first, last)
    return Statement(
        company_id=company_id,
        start=start,
        end=end,
        minutes=parts[Unit.MINUTES],
        cents=parts[Unit.CENTS],
    )


def _period(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """Both days included, as the half-open interval of moments the entries are stamped in."""
    if start is not None and end is not None and end < start:
        raise refusals.END_BEFORE_START.error()
    return (
        None if start is None else _midnight(start),
        None if end is None else _midnight(end + timedelta(days=1)),
    )


def _as_datetime(value: datetime | str) -> datetime:
    # An aggregate query on SQLite may hand the timestamp back as its stored text.
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def company_ledger(
    uow: UnitOfWork,
    actor: Actor,
    company_id: int,
    *,
    start: date | None,
    end: date | None,
    page: int,
    size: int,
) -> Page[Movement]:
    """A company's ledger, newest movement first, each with the hours and euros moved, the
    counterpart and both running balances after it (right on every page, whatever the
    period). `page` counts from 1 and is clamped to the last page."""
    rules.integer_range(size, field="size", low=1, high=MOVEMENTS_PAGE_MAX)
    rules.integer_range(page, field="page", low=1, high=OFFSET_MAX // size)
    low, high = _period(start, end)
    async with uow(write=False) as repos:
        if not actor.has_role(company_id, Role.COMPANY_ADMIN, Role.ACCOUNTANT):
            raise refusals.COMPANY_NOT_FOUND.error(id=company_id)  # In cents: not the operator's.
        minutes_account = await repos.book.find_account(
            kind=AccountKind.COMPANY, unit=Unit.MINUTES, company_id=company_id
        )
        cents_account = await repos.book.find_account(
            kind=AccountKind.COMPANY, unit=Unit.CENTS, company_id=company_id
        )
        if minutes_account is None or cents_account is None:
            return Page(items=(), total=0, limit=size, offset=0)
        ids = (minutes_account.id, cents_account.id)
        _, total = await repos.book.movements(*ids, start=low, end=high, limit=1, offset=0)
        last_page = max(1, -(-total // size))
        offset = (min(page, last_page) - 1) * size
        rows, total = await repos.book.movements(
            *ids, start=low, end=high, limit=size, offset=offset
        )
        if not rows:
            return Page(items=(), total=total, limit=size, offset=offset)
        oldest = min(int(row["first_sequence"]) for row in rows)
        minutes_balance = await repos.book.balance_before_sequence(ids[0], oldest)
        cents_balance = await repos.book.balance_before_sequence(ids[1], oldest)
        counterparts = await repos.book.accounts_by_id(
            sorted({int(row["counterpart_account"]) for row in rows})
        )
        companies = await repos.companies.get_many(
            sorted({a.company_id for a in counterparts.values() if a.company_id is not None})
        )
    movements = []
    for row in reversed(rows):  # Oldest first, to carry the running balances forward.
        minutes_balance += int(row["minutes_delta"])
        cents_balance += int(row["cents_delta"])
        counterpart = counterparts.get(int(row["counterpart_account"]))
        other = None if counterpart is None else counterpart.company_id
        movements.append(
            Movement(
                at=_as_datetime(row["at"]),
                code=TransferCode(row["code"]),
                external_ref=row["external_ref"],
                counterpart_company_id=other,
                counterpart_name=companies[other].name if other in companies else None,
                minutes_delta=int(row["minutes_delta"]),
                cents_delta=int(row["cents_delta"]),
                minutes_balance_after=minutes_balance,
                cents_balance_after=cents_balance,
            )
        )
    return Page(items=tuple(reversed(movements)), total=total, limit=size, offset=offset)


async def set_limits(
    uow: UnitOfWork,
    actor: Actor,
    account_id: int,
    *,
    balance_min: int | None,
    balance_max: int | None,
) -> Account:
    """The operator sets an account's credit line and ceiling; never below what is used. An
    account in cents is a company's salary-derived figure, which the operator does not read
    (`_may_read`): not found for it, as when it asks for its balance."""
    require_operator(actor)
    async with uow() as repos:
        account = await repos.book.get_account(account_id, lock=True)
        if account is None or not _may_read(actor, account):
            raise refusals.ACCOUNT_NOT_FOUND.error(id=account_id)
        if balance_min is not None and account.available < balance_min:
            raise refusals.LIMIT_ALREADY_BREACHED_BALANCE_MIN.error()
        if balance_max is not None and account.projected > balance_max:
            raise refusals.LIMIT_ALREADY_BREACHED_BALANCE_MAX.error()
        await repos.book.set_limits(account_id, balance_min, balance_max)
        updated = await repos.book.get_account(account_id)
    assert updated is not None
    return updated


async def expire_pending(uow: UnitOfWork, *, clock: Clock) -> int:
    """Expire reservations whose time has passed; safe to run again. Returns how many expired."""
    async with uow(write=False) as repos:
        due = await repos.book.expired_pending_ids(clock(), EXPIRE_BATCH_MAX)
    requests = [
        TransferRequest(
            id=str(uuid.uuid5(EXPIRY_NAMESPACE, pending_id)),
            kind=TransferKind.EXPIRE_PENDING,
            unit=unit,
            code=TransferCode.EXPIRY,
            pending_id=pending_id,
        )
        for pending_id, unit in due
    ]
    outcomes = await submit(uow, requests, clock=clock)
    return sum(1 for o in outcomes if o.result is TransferResult.CREATED)


async def verify(uow: UnitOfWork) -> VerifyReport:
    """Recompute everything from the transfers: chain, counters, sums, limits, entries."""
    problems: list[str] = []
    replayed: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    pending_amounts: dict[str, int] = {}
    orphans: list[str] = []
    running_hash, sequence = GENESIS_HASH, 0
    # One consistent snapshot for the whole audit, even while transfers keep arriving.
    async with uow(write=False, snapshot=True) as repos:
        while True:
            rows = await repos.book.chain_page(sequence, VERIFY_PAGE_SIZE)
            for row in rows:
                sequence += 1
                _check_chain_row(row, sequence, running_hash, problems)
                running_hash = row["hash"]
                if not _replay(transfer_from_row(row), replayed, pending_amounts):
                    orphans.append(row["id"])
            if len(rows) < VERIFY_PAGE_SIZE:
                break
        head = await repos.book.head()
        accounts = await repos.book.accounts(company_ids=None)
        stats = await repos.book.entry_stats()
        entry_sums = await repos.book.entry_sums()
    if (head["last_sequence"], head["last_hash"]) != (sequence, running_hash):
        problems.append(
            f"chain head at {head['last_sequence']} does not match the last transfer {sequence}"
        )
    problems += [
        f"transfer {orphan}: resolves a reservation that was not pending" for orphan in orphans
    ]
    for account in accounts:
        problems += _account_problems(
            account,
            replayed.get(account.id, [0, 0, 0, 0]),
            stats.get(account.id, (0, 0)),
            entry_sums.get(account.id, ([0, 0, 0, 0], 0)),
        )
    problems += conservation_problems(accounts) + limit_problems(accounts)
    return VerifyReport(
        transfers_checked=sequence, accounts_checked=len(accounts), problems=tuple(problems)
    )


def _account_problems(
    account: Account, replayed: list[int], stats: tuple[int, int], entries: tuple[list[int], int]
) -> list[str]:
    """An account against its transfers and against its own entries."""
    stored = [
        account.debits_pending,
        account.debits_posted,
        account.credits_pending,
        account.credits_posted,
    ]
    problems = []
    if stored != replayed:
        problems.append(
            f"account {account.id}: counters {stored} differ from the transfers {replayed}"
        )
    count, top = stats
    if (count, top) != (account.version, account.version):
        problems.append(
            f"account {account.id}: version {account.version} but {count} "
            f"entries up to version {top}"
        )
    sums, last_balance = entries
    if sums != stored or last_balance != account.balance:
        problems.append(
            f"account {account.id}: its entries add up to {sums} ending at balance "
            f"{last_balance}, the account holds {stored} ({account.balance})"
        )
    return problems


def _check_chain_row(
    row: dict[str, Any], sequence: int, previous_hash: str, problems: list[str]
) -> None:
    where = f"transfer #{row['sequence']} ({row['id']})"
    if row["sequence"] != sequence:
        problems.append(f"{where}: expected sequence {sequence}")
    if row["previous_hash"] != previous_hash:
        problems.append(f"{where}: previous hash does not match the chain")
    if chain_hash(previous_hash, transfer_from_row(row), row["sequence"]) != row["hash"]:
        problems.append(f"{where}: content does not match its hash")


def _replay(
    transfer: Transfer, replayed: dict[int, list[int]], pending_amounts: dict[str, int]
) -> bool:
    """Replay one transfer; False when it resolves a reservation that was not pending."""
    debit, credit = replayed[transfer.debit_account_id], replayed[transfer.credit_account_id]
    if transfer.kind is TransferKind.SINGLE:
        debit[1] += transfer.amount
        credit[3] += transfer.amount
        return True
    if transfer.kind is TransferKind.PENDING:
        debit[0] += transfer.amount
        credit[2] += transfer.amount
        pending_amounts[transfer.id] = transfer.amount
        return True
    assert transfer.pending_id is not None
    if transfer.pending_id not in pending_amounts:
        return False
    reserved = pending_amounts.pop(transfer.pending_id)
    debit[0] -= reserved
    credit[2] -= reserved
    if transfer.kind is TransferKind.POST_PENDING:
        debit[1] += transfer.amount
        credit[3] += transfer.amount
    return True
