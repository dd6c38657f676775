"""The ledger's documented behaviours, one example each."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from ledger.amounts import AmountParseError, parse_cents, parse_minutes
from ledger.hashing import GENESIS_HASH, chain_hash
from ledger.model import (
    Account,
    AccountKind,
    TransferCode,
    TransferKind,
    TransferRequest,
    TransferResult,
    Unit,
)
from ledger.state_machine import BATCH_EVENTS_MAX, Snapshot, apply_batch

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def snapshot() -> Snapshot:
    return Snapshot(
        accounts={
            1: Account(1, Unit.MINUTES, AccountKind.COMPANY, 1, -2400, None),
            2: Account(2, Unit.MINUTES, AccountKind.COMPANY, 2, -2400, None),
            3: Account(3, Unit.CENTS, AccountKind.COMPANY, 1, None, None),
        }
    )


def request(kind: TransferKind = TransferKind.SINGLE, **values: object) -> TransferRequest:
    fields: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "unit": Unit.MINUTES,
        "code": TransferCode.EXCHANGE,
        "debit_account_id": 1,
        "credit_account_id": 2,
        "amount": 60,
    }
    if kind in (TransferKind.POST_PENDING, TransferKind.VOID_PENDING, TransferKind.EXPIRE_PENDING):
        fields.update(debit_account_id=None, credit_account_id=None, amount=None)
    fields.update(values)
    return TransferRequest(**fields)  # type: ignore[arg-type]


def results(
    state: Snapshot, *requests: TransferRequest, now: datetime = NOW
) -> list[TransferResult]:
    return [o.result for o in apply_batch(state, list(requests), now=now).outcomes]


def test_host_is_debited_and_lender_credited() -> None:
    state = snapshot()
    assert results(state, request(amount=90)) == [TransferResult.CREATED]
    assert (state.accounts[1].balance, state.accounts[2].balance) == (-90, 90)


def test_credit_line_of_forty_hours_is_enforced_counting_reservations() -> None:
    state = snapshot()
    assert results(state, request(TransferKind.PENDING, amount=2000)) == [TransferResult.CREATED]
    assert results(state, request(amount=401)) == [TransferResult.EXCEEDS_DEBIT_LIMIT]
    assert results(state, request(amount=400)) == [TransferResult.CREATED]
    assert state.accounts[1].available == -2400


def test_retry_with_same_id_never_posts_twice_and_a_changed_body_is_refused() -> None:
    state = snapshot()
    first = request(amount=30)
    assert results(state, first, first) == [TransferResult.CREATED, TransferResult.EXISTS]
    assert results(state, first) == [TransferResult.EXISTS]
    changed = replace(first, amount=31)
    assert results(state, changed) == [TransferResult.EXISTS_WITH_DIFFERENT_REQUEST]
    assert state.accounts[2].balance == 30


def test_a_remembered_refusal_stays_refused_after_funding() -> None:
    state = snapshot()
    too_much = request(amount=2401)
    assert results(state, too_much) == [TransferResult.EXCEEDS_DEBIT_LIMIT]
    assert results(state, request(debit_account_id=2, credit_account_id=1, amount=600)) == [
        TransferResult.CREATED
    ]
    assert results(state, too_much) == [TransferResult.EXCEEDS_DEBIT_LIMIT]


def test_linked_chain_is_all_or_nothing() -> None:
    state = snapshot()
    ok = request(amount=60, linked=True)
    bad = request(amount=10_000)
    after = request(amount=5)
    assert results(state, ok, bad, after) == [
        TransferResult.LINKED_EVENT_FAILED,
        TransferResult.EXCEEDS_DEBIT_LIMIT,
        TransferResult.CREATED,
    ]
    assert state.accounts[2].balance == 5
    open_chain = request(amount=1, linked=True)
    assert results(state, request(amount=1), open_chain) == [
        TransferResult.CREATED,
        TransferResult.LINKED_EVENT_CHAIN_OPEN,
    ]


def test_pending_post_partial_void_and_expire() -> None:
    state = snapshot()
    pending = request(TransferKind.PENDING, amount=600, expires_at=NOW + timedelta(days=30))
    assert results(state, pending) == [TransferResult.CREATED]
    post = request(TransferKind.POST_PENDING, pending_id=pending.id, amount=240)
    assert results(state, post) == [TransferResult.CREATED]
    assert (state.accounts[1].balance, state.accounts[1].debits_pending) == (-240, 0)
    again = request(TransferKind.VOID_PENDING, pending_id=pending.id)
    assert results(state, again) == [TransferResult.PENDING_TRANSFER_ALREADY_RESOLVED]
    second = request(TransferKind.PENDING, amount=60, expires_at=NOW + timedelta(hours=1))
    assert results(state, second) == [TransferResult.CREATED]
    early = request(TransferKind.EXPIRE_PENDING, pending_id=second.id)
    assert results(state, early) == [TransferResult.PENDING_TRANSFER_NOT_EXPIRED]
    later = NOW + timedelta(hours=2)
    late_post = request(TransferKind.POST_PENDING, pending_id=second.id)
    assert results(state, late_post, now=later) == [TransferResult.PENDING_TRANSFER_EXPIRED]
    expire = request(TransferKind.EXPIRE_PENDING, pending_id=second.id)
    assert results(state, expire, now=later) == [TransferResult.CREATED]
    assert state.accounts[1].debits_pending == 0


def test_post_above_the_reservation_is_refused() -> None:
    state = snapshot()
    pending = request(TransferKind.PENDING, amount=60)
    results(state, pending)
    too_much = request(TransferKind.POST_PENDING, pending_id=pending.id, amount=61)
    assert results(state, too_much) == [TransferResult.EXCEEDS_PENDING_AMOUNT]


def test_correction_reverses_once_with_swapped_accounts() -> None:
    state = snapshot()
    original = request(amount=120)
    results(state, original)
    wrong_way = request(amount=120, reverses_id=original.id, code=TransferCode.CORRECTION)
    assert results(state, wrong_way) == [TransferResult.REVERSAL_MUST_SWAP_ACCOUNTS]
    reversal = request(
        debit_account_id=2,
        credit_account_id=1,
        amount=120,
        reverses_id=original.id,
        code=TransferCode.CORRECTION,
    )
    assert results(state, reversal) == [TransferResult.CREATED]
    twice = request(
        debit_account_id=2,
        credit_account_id=1,
        amount=1,
        reverses_id=original.id,
        code=TransferCode.CORRECTION,
    )
    assert results(state, twice) == [TransferResult.TRANSFER_ALREADY_REVERSED]
    assert state.accounts[1].balance == state.accounts[2].balance == 0


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"id": "not-a-uuid"}, TransferResult.ID_INVALID),
        ({"amount": 0}, TransferResult.AMOUNT_MUST_BE_POSITIVE),
        ({"amount": 1607 * 60 + 1}, TransferResult.AMOUNT_EXCEEDS_MAXIMUM),
        ({"credit_account_id": 1}, TransferResult.ACCOUNTS_MUST_BE_DIFFERENT),
        ({"credit_account_id": 3}, TransferResult.ACCOUNTS_MUST_HAVE_THE_SAME_UNIT),
        ({"debit_account_id": 42}, TransferResult.DEBIT_ACCOUNT_NOT_FOUND),
        ({"external_ref": "x" * 101}, TransferResult.EXTERNAL_REF_TOO_LONG),
        ({"expires_at": NOW + timedelta(days=1)}, TransferResult.EXPIRES_AT_RESERVED_FOR_PENDING),
        ({"pending_id": str(uuid.uuid4())}, TransferResult.PENDING_ID_MUST_BE_EMPTY),
        ({"unit": Unit.CENTS}, TransferResult.UNIT_MUST_MATCH_ACCOUNTS),
    ],
)
def test_each_rejection_has_its_code(values: dict[str, object], expected: TransferResult) -> None:
    assert results(snapshot(), request(**values)) == [expected]


def test_precedence_shape_before_state() -> None:
    # Both an unknown account and a zero amount: the amount (shape) is reported first.
    assert results(snapshot(), request(debit_account_id=42, amount=0)) == [
        TransferResult.AMOUNT_MUST_BE_POSITIVE
    ]


def test_batch_size_is_bounded() -> None:
    with pytest.raises(AssertionError):
        apply_batch(snapshot(), [request() for _ in range(BATCH_EVENTS_MAX + 1)], now=NOW)


def test_hash_chain_changes_with_any_field() -> None:
    state = snapshot()
    transfer = apply_batch(state, [request(amount=60)], now=NOW).transfers[0]
    first = chain_hash(GENESIS_HASH, transfer, 1)
    assert first == chain_hash(GENESIS_HASH, transfer, 1)
    assert first != chain_hash(GENESIS_HASH, transfer, 2)
    assert first != chain_hash(GENESIS_HASH, replace(transfer, amount=61), 1)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("1h30", 90),
        ("1 h 30", 90),
        ("2h", 120),
        ("1,5 h", 90),
        ("0,25 h", 15),
        ("45 min", 45),
        ("10h05", 605),
    ],
)
def test_durations_parse_to_whole_minutes(text: str, minutes: int) -> None:
    assert parse_minutes(text) == minutes


@pytest.mark.parametrize("text", ["90", "1.5h", "1,333 h", "1h75", "-1h", "h", "", "1,5"])
def test_ambiguous_durations_are_refused(text: str) -> None:
    with pytest.raises(AmountParseError):
        parse_minutes(text)


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("12,50 €", 1250),
        ("12 €", 1200),
        ("1 234,56 €", 123456),
        ("1\u202f234,5 €", 123450),
        ("0,05 EUR", 5),
        ("1234 €", 123400),
    ],
)
def test_euros_parse_to_cents(text: str, cents: int) -> None:
    assert parse_cents(text) == cents


@pytest.mark.parametrize("text", ["12.50 €", "12,505 €", "12,50", "-3 €", "1.234 €", "€"])
def test_ambiguous_amounts_are_refused(text: str) -> None:
    with pytest.raises(AmountParseError):
        parse_cents(text)
