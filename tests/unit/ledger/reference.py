"""A deliberately simple reference model of the ledger, written apart from `ledger/`.

Plain dicts and the rules as the documentation states them; slow and obvious. Property tests
drive the real state machine and this model with the same events and compare every reply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ledger.model import TransferKind, TransferRequest, TransferResult, Unit
from ledger.state_machine import TRANSFER_AMOUNT_MAX, check_shape

REMEMBERED = {
    TransferResult.DEBIT_ACCOUNT_NOT_FOUND,
    TransferResult.CREDIT_ACCOUNT_NOT_FOUND,
    TransferResult.ACCOUNTS_MUST_HAVE_THE_SAME_UNIT,
    TransferResult.UNIT_MUST_MATCH_ACCOUNTS,
    TransferResult.PENDING_TRANSFER_NOT_FOUND,
    TransferResult.PENDING_TRANSFER_NOT_PENDING,
    TransferResult.PENDING_TRANSFER_ALREADY_RESOLVED,
    TransferResult.PENDING_TRANSFER_EXPIRED,
    TransferResult.PENDING_TRANSFER_NOT_EXPIRED,
    TransferResult.PENDING_TRANSFER_HAS_DIFFERENT_ACCOUNTS,
    TransferResult.EXCEEDS_PENDING_AMOUNT,
    TransferResult.EXCEEDS_DEBIT_LIMIT,
    TransferResult.EXCEEDS_CREDIT_LIMIT,
    TransferResult.REVERSED_TRANSFER_NOT_FOUND,
    TransferResult.REVERSED_TRANSFER_NOT_POSTED,
    TransferResult.REVERSAL_MUST_SWAP_ACCOUNTS,
    TransferResult.REVERSAL_EXCEEDS_ORIGINAL,
    TransferResult.TRANSFER_ALREADY_REVERSED,
    TransferResult.OVERFLOWS_COUNTER,
}


@dataclass
class RefAccount:
    unit: Unit
    low: int | None
    high: int | None
    debits_pending: int = 0
    debits_posted: int = 0
    credits_pending: int = 0
    credits_posted: int = 0


@dataclass
class RefModel:
    accounts: dict[int, RefAccount]
    transfers: dict[str, dict[str, object]] = field(default_factory=dict)
    failures: dict[str, tuple[str, TransferResult]] = field(default_factory=dict)
    resolved: set[str] = field(default_factory=set)
    reversed: set[str] = field(default_factory=set)

    def copy(self) -> RefModel:
        return RefModel(
            accounts={k: RefAccount(**vars(v)) for k, v in self.accounts.items()},
            transfers={k: dict(v) for k, v in self.transfers.items()},
            failures=dict(self.failures),
            resolved=set(self.resolved),
            reversed=set(self.reversed),
        )

    def one(self, request: TransferRequest, now: datetime) -> TransferResult:
        """Apply one event; return its result (state changes only when created)."""
        shape = check_shape(request, now)  # The request's own shape is not what we model here.
        if shape is not None:
            return shape
        digest = request.fingerprint()
        if request.id in self.transfers:
            same = self.transfers[request.id]["hash"] == digest
            return TransferResult.EXISTS if same else TransferResult.EXISTS_WITH_DIFFERENT_REQUEST
        if request.id in self.failures:
            previous_hash, result = self.failures[request.id]
            return (
                result if previous_hash == digest else TransferResult.EXISTS_WITH_DIFFERENT_REQUEST
            )
        if request.expires_at is not None and request.expires_at <= now:
            return TransferResult.EXPIRES_AT_MUST_BE_IN_THE_FUTURE
        return self._fresh(request, now, digest)

    def _fresh(self, request: TransferRequest, now: datetime, digest: str) -> TransferResult:
        kind = request.kind
        debit_id, credit_id = request.debit_account_id, request.credit_account_id
        amount = request.amount or 0
        pending = None
        if kind in (
            TransferKind.POST_PENDING,
            TransferKind.VOID_PENDING,
            TransferKind.EXPIRE_PENDING,
        ):
            pending = self.transfers.get(request.pending_id or "")
            if pending is None:
                return TransferResult.PENDING_TRANSFER_NOT_FOUND
            if pending["kind"] is not TransferKind.PENDING:
                return TransferResult.PENDING_TRANSFER_NOT_PENDING
            if request.pending_id in self.resolved:
                return TransferResult.PENDING_TRANSFER_ALREADY_RESOLVED
            expires = pending["expires_at"]
            expired = expires is not None and now >= expires  # type: ignore[operator]
            if kind is TransferKind.POST_PENDING and expired:
                return TransferResult.PENDING_TRANSFER_EXPIRED
            if kind is TransferKind.EXPIRE_PENDING and not expired:
                return TransferResult.PENDING_TRANSFER_NOT_EXPIRED
            if debit_id not in (None, pending["debit"]) or credit_id not in (
                None,
                pending["credit"],
            ):
                return TransferResult.PENDING_TRANSFER_HAS_DIFFERENT_ACCOUNTS
            if request.unit is not pending["unit"]:
                return TransferResult.UNIT_MUST_MATCH_ACCOUNTS
            full = int(pending["amount"])  # type: ignore[call-overload]
            if kind is TransferKind.POST_PENDING and request.amount is not None:
                if request.amount > full:
                    return TransferResult.EXCEEDS_PENDING_AMOUNT
                amount = request.amount
            elif kind is TransferKind.POST_PENDING:
                amount = full
            debit_id, credit_id = pending["debit"], pending["credit"]  # type: ignore[assignment]
        debit = self.accounts.get(debit_id)  # type: ignore[arg-type]
        credit = self.accounts.get(credit_id)  # type: ignore[arg-type]
        if debit is None:
            return TransferResult.DEBIT_ACCOUNT_NOT_FOUND
        if credit is None:
            return TransferResult.CREDIT_ACCOUNT_NOT_FOUND
        if debit.unit is not credit.unit:
            return TransferResult.ACCOUNTS_MUST_HAVE_THE_SAME_UNIT
        if debit.unit is not request.unit:
            return TransferResult.UNIT_MUST_MATCH_ACCOUNTS
        if request.reverses_id is not None:
            original = self.transfers.get(request.reverses_id)
            if original is None:
                return TransferResult.REVERSED_TRANSFER_NOT_FOUND
            if original["kind"] not in (TransferKind.SINGLE, TransferKind.POST_PENDING):
                return TransferResult.REVERSED_TRANSFER_NOT_POSTED
            if (debit_id, credit_id) != (original["credit"], original["debit"]):
                return TransferResult.REVERSAL_MUST_SWAP_ACCOUNTS
            if amount > int(original["amount"]):  # type: ignore[call-overload]
                return TransferResult.REVERSAL_EXCEEDS_ORIGINAL
            if request.reverses_id in self.reversed:
                return TransferResult.TRANSFER_ALREADY_REVERSED
        # Deltas on (pending, posted) for both sides.
        if kind is TransferKind.SINGLE:
            pending_delta, posted_delta = 0, amount
        elif kind is TransferKind.PENDING:
            pending_delta, posted_delta = amount, 0
        else:
            assert pending is not None
            pending_delta = -int(pending["amount"])  # type: ignore[call-overload]
            posted_delta = amount if kind is TransferKind.POST_PENDING else 0
        available_before = debit.credits_posted - debit.debits_posted - debit.debits_pending
        available_after = available_before - posted_delta - pending_delta
        if (
            debit.low is not None
            and available_after < available_before
            and available_after < debit.low
        ):
            return TransferResult.EXCEEDS_DEBIT_LIMIT
        projected_before = credit.credits_posted + credit.credits_pending - credit.debits_posted
        projected_after = projected_before + posted_delta + pending_delta
        if (
            credit.high is not None
            and projected_after > projected_before
            and projected_after > credit.high
        ):
            return TransferResult.EXCEEDS_CREDIT_LIMIT
        debit.debits_pending += pending_delta
        debit.debits_posted += posted_delta
        credit.credits_pending += pending_delta
        credit.credits_posted += posted_delta
        stored_amount = (
            amount
            if kind is not TransferKind.VOID_PENDING and kind is not TransferKind.EXPIRE_PENDING
            else -pending_delta
        )
        self.transfers[request.id] = {
            "kind": kind,
            "debit": debit_id,
            "credit": credit_id,
            "amount": stored_amount,
            "unit": request.unit,
            "expires_at": request.expires_at,
            "hash": digest,
        }
        if request.pending_id is not None:
            self.resolved.add(request.pending_id)
        if request.reverses_id is not None:
            self.reversed.add(request.reverses_id)
        return TransferResult.CREATED

    def batch(self, requests: list[TransferRequest], now: datetime) -> list[TransferResult]:
        """Chains: all or nothing; the failing event keeps its code, the others are marked."""
        results: list[TransferResult] = []
        index = 0
        while index < len(requests):
            end = index
            while end < len(requests) and requests[end].linked:
                end += 1
            if end == len(requests):  # The last chain never closes.
                results += [TransferResult.LINKED_EVENT_FAILED] * (end - index - 1) + [
                    TransferResult.LINKED_EVENT_CHAIN_OPEN
                ]
                break
            chain = requests[index : end + 1]
            trial = self.copy()
            chain_results = []
            for request in chain:
                chain_results.append(trial.one(request, now))
                if chain_results[-1] not in (TransferResult.CREATED, TransferResult.EXISTS):
                    break
            if chain_results[-1] in (TransferResult.CREATED, TransferResult.EXISTS):
                self.__dict__.update(trial.__dict__)
                results += chain_results
            elif len(chain) == 1:
                if chain_results[0] in REMEMBERED:
                    self.failures[chain[0].id] = (chain[0].fingerprint(), chain_results[0])
                results += chain_results
            else:
                failing = len(chain_results) - 1
                results += [
                    chain_results[failing] if i == failing else TransferResult.LINKED_EVENT_FAILED
                    for i in range(len(chain))
                ]
            index = end + 1
        return results


def amount_max(unit: Unit) -> int:
    return TRANSFER_AMOUNT_MAX[unit]
