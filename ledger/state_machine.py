"""The pure decision: apply a batch of transfer requests to a snapshot of the ledger.

No I/O and no clock: the store loads a snapshot (the accounts, transfers and rejections the
batch refers to), calls `apply_batch`, writes what it returns and commits. Linked events form
chains that succeed or fail together; events outside a chain are independent. Each event's
checks run in the order of `TransferResult`, so the first failing rule is the one reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from ledger.amounts import AMOUNT_LIMIT, TRANSFER_CENTS_MAX, TRANSFER_MINUTES_MAX
from ledger.model import (
    EXTERNAL_REF_LENGTH_MAX,
    REMEMBERED_RESULTS,
    RESOLVING_KINDS,
    Account,
    Entry,
    EventOutcome,
    Rejection,
    Transfer,
    TransferKind,
    TransferRequest,
    TransferResult,
    Unit,
)

BATCH_EVENTS_MAX: Final = 1000
TRANSFER_AMOUNT_MAX: Final = {Unit.MINUTES: TRANSFER_MINUTES_MAX, Unit.CENTS: TRANSFER_CENTS_MAX}


@dataclass(slots=True)
class Snapshot:
    """What the batch may read; the store loads it with the accounts locked."""

    accounts: dict[int, Account]
    transfers: dict[str, Transfer] = field(default_factory=dict)
    rejections: dict[str, Rejection] = field(default_factory=dict)
    resolutions: dict[str, str] = field(default_factory=dict)  # pending id → resolving id
    reversals: dict[str, str] = field(default_factory=dict)  # original id → reversing id


@dataclass(frozen=True, slots=True)
class BatchResult:
    outcomes: tuple[EventOutcome, ...]
    accounts: dict[int, Account]  # Final state of every account the batch changed.
    transfers: tuple[Transfer, ...]  # Created, in order.
    entries: tuple[Entry, ...]
    rejections: tuple[Rejection, ...]  # Newly remembered refusals.


@dataclass(slots=True)
class _Overlay:
    """Changes of one chain, applied to the snapshot only if the whole chain succeeds."""

    accounts: dict[int, Account] = field(default_factory=dict)
    transfers: dict[str, Transfer] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)
    resolutions: dict[str, str] = field(default_factory=dict)
    reversals: dict[str, str] = field(default_factory=dict)


class _View:
    """The snapshot seen through the overlay of the chain being decided."""

    def __init__(self, snapshot: Snapshot, overlay: _Overlay) -> None:
        self.snapshot = snapshot
        self.overlay = overlay

    def account(self, account_id: int) -> Account | None:
        found = self.overlay.accounts.get(account_id)
        return found if found is not None else self.snapshot.accounts.get(account_id)

    def transfer(self, transfer_id: str) -> Transfer | None:
        found = self.overlay.transfers.get(transfer_id)
        return found if found is not None else self.snapshot.transfers.get(transfer_id)

    def resolution(self, pending_id: str) -> str | None:
        return self.overlay.resolutions.get(pending_id) or self.snapshot.resolutions.get(pending_id)

    def reversal(self, original_id: str) -> str | None:
        return self.overlay.reversals.get(original_id) or self.snapshot.reversals.get(original_id)


_TRANSFER_ID: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def is_transfer_id(value: str | None) -> bool:
    """A transfer id is a canonical (lower-case, hyphenated) UUID."""
    return value is not None and _TRANSFER_ID.fullmatch(value) is not None


def check_shape(request: TransferRequest, now: datetime) -> TransferResult | None:
    """Checks that need nothing but the request itself, in order of precedence."""
    resolving = request.kind in RESOLVING_KINDS
    if not is_transfer_id(request.id):
        return TransferResult.ID_INVALID
    if not resolving and request.pending_id is not None:
        return TransferResult.PENDING_ID_MUST_BE_EMPTY
    if resolving and not is_transfer_id(request.pending_id):
        return TransferResult.PENDING_ID_REQUIRED
    if resolving and request.pending_id == request.id:
        return TransferResult.PENDING_ID_MUST_BE_DIFFERENT
    if request.kind is not TransferKind.PENDING and request.expires_at is not None:
        return TransferResult.EXPIRES_AT_RESERVED_FOR_PENDING
    amount_result = _check_amount(request)
    if amount_result is not None:
        return amount_result
    if not resolving and (request.debit_account_id is None or request.credit_account_id is None):
        return TransferResult.ACCOUNTS_REQUIRED
    both = request.debit_account_id is not None and request.credit_account_id is not None
    if both and request.debit_account_id == request.credit_account_id:
        return TransferResult.ACCOUNTS_MUST_BE_DIFFERENT
    if request.external_ref is not None and (
        len(request.external_ref) > EXTERNAL_REF_LENGTH_MAX
        or not request.external_ref.isprintable()
    ):
        return TransferResult.EXTERNAL_REF_TOO_LONG
    if request.reverses_id is not None:
        if request.kind is not TransferKind.SINGLE:
            return TransferResult.REVERSES_ID_RESERVED_FOR_SINGLE
        if not is_transfer_id(request.reverses_id):
            return TransferResult.ID_INVALID
    return None


def _check_amount(request: TransferRequest) -> TransferResult | None:
    amount = request.amount
    if request.kind in (TransferKind.VOID_PENDING, TransferKind.EXPIRE_PENDING):
        return None if amount is None else TransferResult.AMOUNT_MUST_BE_EMPTY
    if amount is None and request.kind is TransferKind.POST_PENDING:
        return None  # Post the full pending amount.
    if amount is None or isinstance(amount, bool) or amount <= 0:
        return TransferResult.AMOUNT_MUST_BE_POSITIVE
    if amount > TRANSFER_AMOUNT_MAX[request.unit]:
        return TransferResult.AMOUNT_EXCEEDS_MAXIMUM
    return None


def _check_idempotency(
    view: _View, snapshot: Snapshot, request: TransferRequest, fingerprint: str
) -> tuple[TransferResult, Transfer | None] | None:
    existing = view.transfer(request.id)
    if existing is not None:
        if existing.request_hash == fingerprint:
            return TransferResult.EXISTS, existing
        return TransferResult.EXISTS_WITH_DIFFERENT_REQUEST, None
    rejection = snapshot.rejections.get(request.id)
    if rejection is not None:
        if rejection.request_hash == fingerprint:
            return rejection.result, None
        return TransferResult.EXISTS_WITH_DIFFERENT_REQUEST, None
    return None


@dataclass(frozen=True, slots=True)
class _Move:
    """Resolved accounts and counter deltas of one accepted event."""

    debit: Account
    credit: Account
    amount: int  # Amount of the stored transfer.
    pending_delta: int  # Change of the pending counters (negative when releasing).
    posted_delta: int  # Change of the posted counters.


def _resolve_pending(
    view: _View, request: TransferRequest, now: datetime
) -> TransferResult | tuple[Transfer, int]:
    assert request.pending_id is not None
    pending = view.transfer(request.pending_id)
    if pending is None:
        return TransferResult.PENDING_TRANSFER_NOT_FOUND
    if pending.kind is not TransferKind.PENDING:
        return TransferResult.PENDING_TRANSFER_NOT_PENDING
    if view.resolution(pending.id) is not None:
        return TransferResult.PENDING_TRANSFER_ALREADY_RESOLVED
    expired = pending.expires_at is not None and now >= pending.expires_at
    if request.kind is TransferKind.POST_PENDING and expired:
        return TransferResult.PENDING_TRANSFER_EXPIRED
    if request.kind is TransferKind.EXPIRE_PENDING and not expired:
        return TransferResult.PENDING_TRANSFER_NOT_EXPIRED
    if (request.debit_account_id not in (None, pending.debit_account_id)) or (
        request.credit_account_id not in (None, pending.credit_account_id)
    ):
        return TransferResult.PENDING_TRANSFER_HAS_DIFFERENT_ACCOUNTS
    if request.unit is not pending.unit:
        return TransferResult.UNIT_MUST_MATCH_ACCOUNTS
    posted = pending.amount
    if request.kind is TransferKind.POST_PENDING and request.amount is not None:
        if request.amount > pending.amount:
            return TransferResult.EXCEEDS_PENDING_AMOUNT
        posted = request.amount
    return pending, posted


def _plan_move(view: _View, request: TransferRequest, now: datetime) -> TransferResult | _Move:
    """State checks, in order of precedence, and the counter changes they allow."""
    debit_id, credit_id = request.debit_account_id, request.credit_account_id
    pending: Transfer | None = None
    posted = 0
    if request.kind in RESOLVING_KINDS:
        resolved = _resolve_pending(view, request, now)
        if isinstance(resolved, TransferResult):
            return resolved
        pending, posted = resolved
        debit_id, credit_id = pending.debit_account_id, pending.credit_account_id
    assert debit_id is not None
    assert credit_id is not None
    debit, credit = view.account(debit_id), view.account(credit_id)
    if debit is None:
        return TransferResult.DEBIT_ACCOUNT_NOT_FOUND
    if credit is None:
        return TransferResult.CREDIT_ACCOUNT_NOT_FOUND
    if debit.unit is not credit.unit:
        return TransferResult.ACCOUNTS_MUST_HAVE_THE_SAME_UNIT
    if request.unit is not debit.unit:
        return TransferResult.UNIT_MUST_MATCH_ACCOUNTS
    if request.reverses_id is not None:
        reversal_result = _check_reversal(view, request, debit_id, credit_id)
        if reversal_result is not None:
            return reversal_result
    if pending is None:
        assert request.amount is not None
        kind_is_pending = request.kind is TransferKind.PENDING
        return _Move(
            debit,
            credit,
            request.amount,
            request.amount if kind_is_pending else 0,
            0 if kind_is_pending else request.amount,
        )
    if request.kind is TransferKind.POST_PENDING:
        return _Move(debit, credit, posted, -pending.amount, posted)
    return _Move(debit, credit, pending.amount, -pending.amount, 0)


def _check_reversal(
    view: _View, request: TransferRequest, debit_id: int, credit_id: int
) -> TransferResult | None:
    assert request.reverses_id is not None
    original = view.transfer(request.reverses_id)
    if original is None:
        return TransferResult.REVERSED_TRANSFER_NOT_FOUND
    if original.kind not in (TransferKind.SINGLE, TransferKind.POST_PENDING):
        return TransferResult.REVERSED_TRANSFER_NOT_POSTED
    if (debit_id, credit_id) != (original.credit_account_id, original.debit_account_id):
        return TransferResult.REVERSAL_MUST_SWAP_ACCOUNTS
    assert request.amount is not None
    if request.amount > original.amount:
        return TransferResult.REVERSAL_EXCEEDS_ORIGINAL
    if view.reversal(original.id) is not None:
        return TransferResult.TRANSFER_ALREADY_REVERSED
    return None


def _apply_move(move: _Move) -> TransferResult | tuple[Account, Account]:
    debit = move.debit.with_counters(
        debits_pending=move.pending_delta, debits_posted=move.posted_delta
    )
    credit = move.credit.with_counters(
        credits_pending=move.pending_delta, credits_posted=move.posted_delta
    )
    # A limit is enforced only on a move that makes the balance worse, so that a move back
    # towards the limit is always possible (for instance after the operator tightened it).
    if (
        debit.balance_min is not None
        and debit.available < move.debit.available
        and debit.available < debit.balance_min
    ):
        return TransferResult.EXCEEDS_DEBIT_LIMIT
    if (
        credit.balance_max is not None
        and credit.projected > move.credit.projected
        and credit.projected > credit.balance_max
    ):
        return TransferResult.EXCEEDS_CREDIT_LIMIT
    for account in (debit, credit):
        counters = (
            account.debits_pending,
            account.debits_posted,
            account.credits_pending,
            account.credits_posted,
        )
        if max(counters) > AMOUNT_LIMIT:
            return TransferResult.OVERFLOWS_COUNTER
        assert min(counters) >= 0, "a pending counter went negative: resolution bug"
    return debit, credit


def _entries(transfer: Transfer, move: _Move, debit: Account, credit: Account) -> list[Entry]:
    return [
        Entry(
            transfer_id=transfer.id,
            account_id=debit.id,
            account_version=debit.version,
            debits_pending_delta=move.pending_delta,
            debits_posted_delta=move.posted_delta,
            credits_pending_delta=0,
            credits_posted_delta=0,
            balance_after=debit.balance,
            debits_pending_after=debit.debits_pending,
            credits_pending_after=debit.credits_pending,
        ),
        Entry(
            transfer_id=transfer.id,
            account_id=credit.id,
            account_version=credit.version,
            debits_pending_delta=0,
            debits_posted_delta=0,
            credits_pending_delta=move.pending_delta,
            credits_posted_delta=move.posted_delta,
            balance_after=credit.balance,
            debits_pending_after=credit.debits_pending,
            credits_pending_after=credit.credits_pending,
        ),
    ]


def _decide(
    view: _View, request: TransferRequest, now: datetime
) -> tuple[TransferResult, Transfer | None]:
    """Decide one event against the view; on success, record its effects in the overlay."""
    shape = check_shape(request, now)
    if shape is not None:
        return shape, None
    fingerprint = request.fingerprint()
    replay = _check_idempotency(view, view.snapshot, request, fingerprint)
    if replay is not None:
        return replay
    # Checked after the replay: resending an accepted reservation later still answers `exists`.
    if request.expires_at is not None and request.expires_at <= now:
        return TransferResult.EXPIRES_AT_MUST_BE_IN_THE_FUTURE, None
    move = _plan_move(view, request, now)
    if isinstance(move, TransferResult):
        return move, None
    applied = _apply_move(move)
    if isinstance(applied, TransferResult):
        return applied, None
    debit, credit = applied
    transfer = Transfer(
        id=request.id,
        kind=request.kind,
        unit=request.unit,
        code=request.code,
        debit_account_id=debit.id,
        credit_account_id=credit.id,
        amount=move.amount,
        pending_id=request.pending_id,
        expires_at=request.expires_at,
        external_ref=request.external_ref,
        reverses_id=request.reverses_id,
        request_hash=fingerprint,
        created_at=now,
    )
    overlay = view.overlay
    overlay.accounts[debit.id] = debit
    overlay.accounts[credit.id] = credit
    overlay.transfers[transfer.id] = transfer
    overlay.entries.extend(_entries(transfer, move, debit, credit))
    if request.pending_id is not None:
        overlay.resolutions[request.pending_id] = transfer.id
    if request.reverses_id is not None:
        overlay.reversals[request.reverses_id] = transfer.id
    return TransferResult.CREATED, transfer


def _chains(requests: list[TransferRequest]) -> list[tuple[int, int]]:
    """(start, end) index ranges, end exclusive; a chain ends at its first unlinked event."""
    chains = []
    start = 0
    for index, request in enumerate(requests):
        if not request.linked:
            chains.append((start, index + 1))
            start = index + 1
    if start < len(requests):
        chains.append((start, len(requests)))
    return chains


def apply_batch(
    snapshot: Snapshot, requests: list[TransferRequest], *, now: datetime
) -> BatchResult:
    """Decide every event of the batch; the snapshot is updated with what was accepted."""
    assert len(requests) <= BATCH_EVENTS_MAX
    assert now.tzinfo is not None
    outcomes: list[EventOutcome] = []
    created: list[Transfer] = []
    entries: list[Entry] = []
    rejections: list[Rejection] = []
    changed: set[int] = set()
    for start, end in _chains(requests):
        chain = requests[start:end]
        if chain[-1].linked:
            outcomes.extend(
                EventOutcome(
                    start + offset,
                    r.id,
                    TransferResult.LINKED_EVENT_CHAIN_OPEN
                    if offset == len(chain) - 1
                    else TransferResult.LINKED_EVENT_FAILED,
                    None,
                )
                for offset, r in enumerate(chain)
            )
            continue
        # A lone event writes straight into the snapshot (it changes nothing unless it succeeds);
        # a chain works on an overlay that is folded in only if the whole chain succeeds.
        single = len(chain) == 1
        overlay = (
            _Overlay(
                snapshot.accounts, snapshot.transfers, [], snapshot.resolutions, snapshot.reversals
            )
            if single
            else _Overlay()
        )
        view = _View(snapshot, overlay)
        decided: list[tuple[TransferResult, Transfer | None]] = []
        for request in chain:
            decided.append(_decide(view, request, now))
            if decided[-1][0] not in (TransferResult.CREATED, TransferResult.EXISTS):
                break
        failed = decided[-1][0] not in (TransferResult.CREATED, TransferResult.EXISTS)
        if failed and len(chain) > 1:
            failing = len(decided) - 1
            outcomes.extend(
                EventOutcome(
                    start + offset,
                    r.id,
                    decided[failing][0]
                    if offset == failing
                    else TransferResult.LINKED_EVENT_FAILED,
                    None,
                )
                for offset, r in enumerate(chain)
            )
            continue
        if failed:
            result = decided[0][0]
            outcomes.append(EventOutcome(start, chain[0].id, result, None))
            # A replayed refusal is already remembered; only a fresh one is recorded.
            if result in REMEMBERED_RESULTS and chain[0].id not in snapshot.rejections:
                rejection = Rejection(chain[0].id, chain[0].fingerprint(), result, now)
                snapshot.rejections[rejection.id] = rejection
                rejections.append(rejection)
            continue
        if not single:  # The whole chain succeeded: fold its overlay into the snapshot.
            snapshot.accounts.update(overlay.accounts)
            snapshot.transfers.update(overlay.transfers)
            snapshot.resolutions.update(overlay.resolutions)
            snapshot.reversals.update(overlay.reversals)
        entries.extend(overlay.entries)
        for offset, (result, transfer) in enumerate(decided):
            outcomes.append(EventOutcome(start + offset, chain[offset].id, result, transfer))
            if result is TransferResult.CREATED:
                assert transfer is not None
                created.append(transfer)
                changed.update((transfer.debit_account_id, transfer.credit_account_id))
    assert [o.index for o in outcomes] == list(range(len(requests)))
    assert len(entries) == 2 * len(created)
    return BatchResult(
        outcomes=tuple(outcomes),
        accounts={account_id: snapshot.accounts[account_id] for account_id in changed},
        transfers=tuple(created),
        entries=tuple(entries),
        rejections=tuple(rejections),
    )
