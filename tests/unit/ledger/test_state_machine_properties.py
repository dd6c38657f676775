"""Property tests: the state machine against the reference model, step after step.

Hypothesis drives random batches (single, pending, post in full or in part, void, expire,
retries of earlier requests with the same or a different body, linked chains, unknown
accounts, cross-unit transfers, limits) and checks after every batch that each reply equals
the reference model's, that every unit sums to zero, that no limit is breached, and that the
pending counters equal the unresolved reservations.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from ledger.invariants import conservation_problems, limit_problems
from ledger.model import (
    Account,
    AccountKind,
    TransferCode,
    TransferKind,
    TransferRequest,
    TransferResult,
    Unit,
)
from ledger.state_machine import Snapshot, apply_batch
from tests.unit.ledger.reference import RefAccount, RefModel

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ACCOUNTS = [
    Account(1, Unit.MINUTES, AccountKind.ISSUANCE, None, None, None),
    Account(2, Unit.MINUTES, AccountKind.COMPANY, 10, -600, 3000),
    Account(3, Unit.MINUTES, AccountKind.COMPANY, 11, -600, 3000),
    Account(4, Unit.MINUTES, AccountKind.COMPANY, 12, 0, None),
    Account(5, Unit.CENTS, AccountKind.COMPANY, 10, None, None),
    Account(6, Unit.CENTS, AccountKind.COMPANY, 11, 0, None),
]
ACCOUNTS_OF_UNIT = {Unit.MINUTES: [1, 2, 3, 4], Unit.CENTS: [5, 6]}
AMOUNTS = st.one_of(
    st.sampled_from([1, 59, 60, 600, 601, 3000, 3001]), st.integers(min_value=1, max_value=4000)
)
CASES_RUN = {"batches": 0, "events": 0}


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.snapshot = Snapshot(accounts={a.id: a for a in ACCOUNTS})
        self.model = RefModel(
            accounts={a.id: RefAccount(a.unit, a.balance_min, a.balance_max) for a in ACCOUNTS}
        )
        self.now = START
        self.sent: list[TransferRequest] = []
        self.pending_ids: list[str] = []

    def _run(self, requests: list[TransferRequest]) -> None:
        expected = self.model.batch(requests, self.now)
        result = apply_batch(self.snapshot, requests, now=self.now)
        assert [o.result for o in result.outcomes] == expected, (requests, expected)
        for outcome in result.outcomes:
            if outcome.result is TransferResult.CREATED:
                assert outcome.transfer is not None
                if outcome.transfer.kind is TransferKind.PENDING:
                    self.pending_ids.append(outcome.id)
        self.sent.extend(requests)
        CASES_RUN["batches"] += 1
        CASES_RUN["events"] += len(requests)

    def _single(self, draw: st.DataObject, linked: bool) -> TransferRequest:
        kinds = [TransferKind.SINGLE] * 4 + [TransferKind.PENDING] * 3
        if self.pending_ids:
            kinds += [TransferKind.POST_PENDING] * 3 + [
                TransferKind.VOID_PENDING,
                TransferKind.EXPIRE_PENDING,
            ]
        kind = draw.draw(st.sampled_from(kinds))
        unit = draw.draw(st.sampled_from([Unit.MINUTES, Unit.MINUTES, Unit.CENTS]))
        # Mostly accounts of the right unit; sometimes another unit or an unknown account.
        stray = st.sampled_from([1, 5, 99])
        account = (
            st.one_of(st.sampled_from(ACCOUNTS_OF_UNIT[unit]), stray)
            if draw.draw(st.integers(0, 9)) == 0
            else st.sampled_from(ACCOUNTS_OF_UNIT[unit])
        )
        new_id = str(uuid.UUID(int=draw.draw(st.integers(min_value=1, max_value=2**122))))
        if kind in (TransferKind.SINGLE, TransferKind.PENDING):
            expires_at = None
            if kind is TransferKind.PENDING and draw.draw(st.booleans()):
                expires_at = self.now + timedelta(minutes=draw.draw(st.integers(1, 600)))
            return TransferRequest(
                id=new_id,
                kind=kind,
                unit=unit,
                code=TransferCode.EXCHANGE,
                debit_account_id=draw.draw(account),
                credit_account_id=draw.draw(account),
                amount=draw.draw(AMOUNTS),
                expires_at=expires_at,
                linked=linked,
            )
        known = self.pending_ids or [str(uuid.uuid4())]
        pending_id = draw.draw(st.sampled_from(known))
        amount = None
        if kind is TransferKind.POST_PENDING and draw.draw(st.booleans()):
            amount = draw.draw(AMOUNTS)
        pending = self.snapshot.transfers.get(pending_id)
        return TransferRequest(
            id=new_id,
            kind=kind,
            unit=pending.unit if pending else unit,
            code=TransferCode.EXCHANGE,
            pending_id=pending_id,
            amount=amount,
            linked=linked,
        )

    @rule(data=st.data(), size=st.integers(min_value=1, max_value=4))
    def send_batch(self, data: st.DataObject, size: int) -> None:
        links = [data.draw(st.integers(0, 4)) == 0 for _ in range(size)]
        self._run([self._single(data, linked) for linked in links])

    @rule(data=st.data())
    def retry_the_same_request(self, data: st.DataObject) -> None:
        if self.sent:
            request = data.draw(st.sampled_from(self.sent))
            self._run([replace(request, linked=False)])

    @rule(data=st.data())
    def retry_with_a_different_body(self, data: st.DataObject) -> None:
        if self.sent:
            request = data.draw(st.sampled_from(self.sent))
            self._run([replace(request, linked=False, external_ref="changed")])

    @rule(data=st.data())
    def reverse_a_transfer(self, data: st.DataObject) -> None:
        posted = [
            t
            for t in self.snapshot.transfers.values()
            if t.kind in (TransferKind.SINGLE, TransferKind.POST_PENDING)
        ]
        if posted:
            original = data.draw(st.sampled_from(posted))
            amount = data.draw(st.integers(min_value=1, max_value=original.amount + 1))
            self._run(
                [
                    TransferRequest(
                        id=str(uuid.uuid4()),
                        kind=TransferKind.SINGLE,
                        unit=original.unit,
                        code=TransferCode.CORRECTION,
                        debit_account_id=original.credit_account_id,
                        credit_account_id=original.debit_account_id,
                        amount=amount,
                        reverses_id=original.id,
                    )
                ]
            )

    @rule(minutes=st.integers(min_value=1, max_value=300))
    def time_passes(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    @invariant()
    def every_unit_sums_to_zero_and_no_limit_is_breached(self) -> None:
        accounts = list(self.snapshot.accounts.values())
        assert conservation_problems(accounts) == []
        assert limit_problems(accounts) == []

    @invariant()
    def counters_equal_the_reference_model(self) -> None:
        for account in self.snapshot.accounts.values():
            ref = self.model.accounts[account.id]
            assert (
                account.debits_pending,
                account.debits_posted,
                account.credits_pending,
                account.credits_posted,
            ) == (ref.debits_pending, ref.debits_posted, ref.credits_pending, ref.credits_posted)

    @invariant()
    def pending_counters_equal_unresolved_reservations(self) -> None:
        reserved: dict[int, int] = {}
        for transfer in self.snapshot.transfers.values():
            if (
                transfer.kind is TransferKind.PENDING
                and transfer.id not in self.snapshot.resolutions
            ):
                reserved[transfer.debit_account_id] = (
                    reserved.get(transfer.debit_account_id, 0) + transfer.amount
                )
        for account in self.snapshot.accounts.values():
            assert account.debits_pending == reserved.get(account.id, 0)


LedgerMachine.TestCase.settings = settings(max_examples=300, stateful_step_count=30, deadline=None)
TestLedgerMachine = LedgerMachine.TestCase
