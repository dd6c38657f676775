"""Accounts, transfer requests, stored transfers and their results.

Two units share one engine: `minutes` of volunteered time and `cents` of at-cost value. An
account holds four counters, TigerBeetle-style, rather than one balance; the balance is
credit-normal (`credits_posted - debits_posted`): a company that lends time is credited, the
company that receives help is debited.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

EXTERNAL_REF_LENGTH_MAX: Final = 100


class Unit(StrEnum):
    MINUTES = "minutes"
    CENTS = "cents"


class AccountKind(StrEnum):
    COMPANY = "company"
    ISSUANCE = "issuance"  # Source of the programme's welcome credits.
    CORRECTIONS = "corrections"  # Counterpart of corrections that are not plain reversals.
    EXPIRY = "expiry"  # Where lapsed minutes go.
    # A company's shared-CDO days bought from (or, for the group, provided by) an employer
    # group: paid at cost, so kept apart from the reciprocity balance and its credit line.
    SHARED_CDO = "shared_cdo"


class TransferKind(StrEnum):
    SINGLE = "single"
    PENDING = "pending"
    POST_PENDING = "post_pending"
    VOID_PENDING = "void_pending"
    EXPIRE_PENDING = "expire_pending"


RESOLVING_KINDS: Final = frozenset(
    {TransferKind.POST_PENDING, TransferKind.VOID_PENDING, TransferKind.EXPIRE_PENDING}
)


class TransferCode(StrEnum):
    """Why the units moved."""

    EXCHANGE = "exchange"  # Hours lent by one company to another (and their at-cost value).
    WELCOME_CREDIT = "welcome_credit"
    CORRECTION = "correction"
    SETTLEMENT = "settlement"  # Monthly set-off between two companies.
    CDO_ALLOCATION = "cdo_allocation"  # A shared CDO's days allocated to a group member.
    EXPIRY = "expiry"


class TransferResult(StrEnum):
    """Outcome of one event, the rejections listed in the order they are checked."""

    CREATED = "created"
    EXISTS = "exists"
    LINKED_EVENT_FAILED = "linked_event_failed"
    LINKED_EVENT_CHAIN_OPEN = "linked_event_chain_open"
    ID_INVALID = "id_invalid"
    PENDING_ID_MUST_BE_EMPTY = "pending_id_must_be_empty"
    PENDING_ID_REQUIRED = "pending_id_required"
    PENDING_ID_MUST_BE_DIFFERENT = "pending_id_must_be_different"
    EXPIRES_AT_RESERVED_FOR_PENDING = "expires_at_reserved_for_pending"
    AMOUNT_MUST_BE_POSITIVE = "amount_must_be_positive"
    AMOUNT_EXCEEDS_MAXIMUM = "amount_exceeds_maximum"
    AMOUNT_MUST_BE_EMPTY = "amount_must_be_empty"
    ACCOUNTS_REQUIRED = "accounts_required"
    ACCOUNTS_MUST_BE_DIFFERENT = "accounts_must_be_different"
    EXTERNAL_REF_TOO_LONG = "external_ref_too_long"  # Or holding control characters.
    REVERSES_ID_RESERVED_FOR_SINGLE = "reverses_id_reserved_for_single"
    EXISTS_WITH_DIFFERENT_REQUEST = "exists_with_different_request"
    EXPIRES_AT_MUST_BE_IN_THE_FUTURE = "expires_at_must_be_in_the_future"
    DEBIT_ACCOUNT_NOT_FOUND = "debit_account_not_found"
    CREDIT_ACCOUNT_NOT_FOUND = "credit_account_not_found"
    ACCOUNTS_MUST_HAVE_THE_SAME_UNIT = "accounts_must_have_the_same_unit"
    UNIT_MUST_MATCH_ACCOUNTS = "unit_must_match_accounts"
    PENDING_TRANSFER_NOT_FOUND = "pending_transfer_not_found"
    PENDING_TRANSFER_NOT_PENDING = "pending_transfer_not_pending"
    PENDING_TRANSFER_ALREADY_RESOLVED = "pending_transfer_already_resolved"
    PENDING_TRANSFER_EXPIRED = "pending_transfer_expired"
    PENDING_TRANSFER_NOT_EXPIRED = "pending_transfer_not_expired"
    PENDING_TRANSFER_HAS_DIFFERENT_ACCOUNTS = "pending_transfer_has_different_accounts"
    EXCEEDS_PENDING_AMOUNT = "exceeds_pending_amount"
    REVERSED_TRANSFER_NOT_FOUND = "reversed_transfer_not_found"
    REVERSED_TRANSFER_NOT_POSTED = "reversed_transfer_not_posted"
    REVERSAL_MUST_SWAP_ACCOUNTS = "reversal_must_swap_accounts"
    REVERSAL_EXCEEDS_ORIGINAL = "reversal_exceeds_original"
    TRANSFER_ALREADY_REVERSED = "transfer_already_reversed"
    EXCEEDS_DEBIT_LIMIT = "exceeds_debit_limit"
    EXCEEDS_CREDIT_LIMIT = "exceeds_credit_limit"
    OVERFLOWS_COUNTER = "overflows_counter"


# Rejections that depend on stored state are remembered under the transfer id: a retry of the
# same request returns the same refusal, even if the state has changed meanwhile (TigerBeetle's
# id_already_failed). A client that wants a new attempt uses a new id. Rejections of the
# request's own shape are not remembered: the client may fix the request and reuse its id.
REMEMBERED_RESULTS: Final = frozenset(
    {
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
        TransferResult.REVERSED_TRANSFER_NOT_FOUND,
        TransferResult.REVERSED_TRANSFER_NOT_POSTED,
        TransferResult.REVERSAL_MUST_SWAP_ACCOUNTS,
        TransferResult.REVERSAL_EXCEEDS_ORIGINAL,
        TransferResult.TRANSFER_ALREADY_REVERSED,
        TransferResult.EXCEEDS_DEBIT_LIMIT,
        TransferResult.EXCEEDS_CREDIT_LIMIT,
        TransferResult.OVERFLOWS_COUNTER,
    }
)


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    unit: Unit
    kind: AccountKind
    company_id: int | None
    balance_min: int | None  # Lowest allowed available balance (a credit line is negative).
    balance_max: int | None  # Highest allowed balance, counting pending credits.
    debits_pending: int = 0
    debits_posted: int = 0
    credits_pending: int = 0
    credits_posted: int = 0
    version: int = 0

    @property
    def balance(self) -> int:
        """Posted balance: what has been given minus what has been received."""
        return self.credits_posted - self.debits_posted

    @property
    def available(self) -> int:
        """Balance once every pending debit is posted: what the lower limit is checked on."""
        return self.credits_posted - self.debits_posted - self.debits_pending

    @property
    def projected(self) -> int:
        """Balance once every pending credit is posted: what the upper limit is checked on."""
        return self.credits_posted + self.credits_pending - self.debits_posted

    def within_limits(self) -> bool:
        low_ok = self.balance_min is None or self.available >= self.balance_min
        high_ok = self.balance_max is None or self.projected <= self.balance_max
        return low_ok and high_ok

    def with_counters(
        self,
        *,
        debits_pending: int = 0,
        debits_posted: int = 0,
        credits_pending: int = 0,
        credits_posted: int = 0,
    ) -> Account:
        """A copy with the counters moved by these deltas and the version bumped."""
        # Built directly: dataclasses.replace is the core's hottest call otherwise.
        return Account(
            self.id,
            self.unit,
            self.kind,
            self.company_id,
            self.balance_min,
            self.balance_max,
            self.debits_pending + debits_pending,
            self.debits_posted + debits_posted,
            self.credits_pending + credits_pending,
            self.credits_posted + credits_posted,
            self.version + 1,
        )


@dataclass(frozen=True, slots=True)
class TransferRequest:
    """What a client asks for; `id` (a UUID) is the idempotency key."""

    id: str
    kind: TransferKind
    unit: Unit
    code: TransferCode
    debit_account_id: int | None = None
    credit_account_id: int | None = None
    amount: int | None = None
    pending_id: str | None = None
    expires_at: datetime | None = None
    external_ref: str | None = None
    reverses_id: str | None = None
    linked: bool = False

    def fingerprint(self) -> str:
        """SHA-256 of the canonical request: equal requests, equal fingerprints."""
        fields = (
            self.id,
            self.kind.value,
            self.unit.value,
            self.code.value,
            self.debit_account_id,
            self.credit_account_id,
            self.amount,
            self.pending_id,
            None if self.expires_at is None else self.expires_at.isoformat(),
            self.external_ref,
            self.reverses_id,
            self.linked,
        )
        # repr() of a tuple of str/int/bool/None is unambiguous: quotes and commas delimit.
        return hashlib.sha256(repr(fields).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Transfer:
    """A stored, immutable transfer. Post/void/expire carry the pending transfer's id."""

    id: str
    kind: TransferKind
    unit: Unit
    code: TransferCode
    debit_account_id: int
    credit_account_id: int
    amount: int
    pending_id: str | None
    expires_at: datetime | None
    external_ref: str | None
    reverses_id: str | None
    request_hash: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Rejection:
    """A remembered refusal: the same id and request will get the same result."""

    id: str
    request_hash: str
    result: TransferResult
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Entry:
    """One account's side of one transfer: counter deltas and the account after it."""

    transfer_id: str
    account_id: int
    account_version: int
    debits_pending_delta: int
    debits_posted_delta: int
    credits_pending_delta: int
    credits_posted_delta: int
    balance_after: int
    debits_pending_after: int
    credits_pending_after: int


@dataclass(frozen=True, slots=True)
class EventOutcome:
    index: int
    id: str
    result: TransferResult
    transfer: Transfer | None  # The created (or already existing) transfer.
