"""The ledger: batch transfers (operator), accounts, balances, history, statements, limits."""

from __future__ import annotations

from datetime import date, datetime

from litestar import Controller, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK

from ledger.model import TransferCode, TransferKind, TransferRequest, Unit
from timebank.book import use_cases
from web import refusals
from web.dependencies import CurrentActor, Now, Uow
from web.schemas import (
    AccountOut,
    BalanceOut,
    HistoryLineOut,
    LimitsIn,
    PageOut,
    StatementOut,
    TransferBatchIn,
    TransferBatchOut,
    TransferIn,
    TransferResultOut,
    page_out,
)


def _choice(
    enum: type[Unit] | type[TransferKind] | type[TransferCode], value: str, field: str
) -> Unit | TransferKind | TransferCode:
    try:
        return enum(value)
    except ValueError as exc:
        allowed = ", ".join(member.value for member in enum)
        raise refusals.INVALID_CHOICE.error(value=value[:30], allowed=allowed, field=field) from exc


def transfer_request(data: TransferIn, index: int) -> TransferRequest:
    unit = _choice(Unit, data.unit, f"transfers[{index}].unit")
    kind = _choice(TransferKind, data.kind, f"transfers[{index}].kind")
    code = _choice(TransferCode, data.code, f"transfers[{index}].code")
    assert isinstance(unit, Unit)
    assert isinstance(kind, TransferKind)
    assert isinstance(code, TransferCode)
    return TransferRequest(
        id=data.id,
        kind=kind,
        unit=unit,
        code=code,
        debit_account_id=data.debit_account_id,
        credit_account_id=data.credit_account_id,
        amount=data.amount,
        pending_id=data.pending_id,
        expires_at=data.expires_at,
        external_ref=data.external_ref,
        reverses_id=data.reverses_id,
        linked=data.linked,
    )


class LedgerController(Controller):
    path = "/api/v1"
    tags = ["Grand livre"]

    @post("/ledger/transfers", status_code=HTTP_200_OK)
    async def create_transfers(
        self, data: JSONBody[TransferBatchIn], uow: Uow, actor: CurrentActor
    ) -> TransferBatchOut:
        """A batch of up to 1 000 transfers; one result per event (operator only).

        Results: `created`, `exists` (same id and body: the original transfer), or a refusal
        code; linked events (`linked: true` chains to the next) succeed or fail together.
        """
        requests = [transfer_request(item, index) for index, item in enumerate(data.transfers)]
        outcomes = await use_cases.submit_as_operator(uow, actor, requests)
        return TransferBatchOut(results=[TransferResultOut.of(o) for o in outcomes])

    @get("/ledger/accounts")
    async def list_accounts(
        self, uow: Uow, actor: CurrentActor, company_id: FromQuery[int | None] = None
    ) -> list[AccountOut]:
        """The ledger accounts the caller may see."""
        accounts = await use_cases.list_accounts(uow, actor, company_id=company_id)
        return [AccountOut.of(a) for a in accounts]

    @get("/ledger/accounts/{account_id:int}")
    async def get_balance(
        self,
        account_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        as_of: FromQuery[datetime | None] = None,
    ) -> BalanceOut:
        """Balance now, or as of a moment (`as_of`, ISO 8601)."""
        result = await use_cases.balance(uow, actor, account_id, as_of=as_of)
        return BalanceOut(
            account=AccountOut.of(result.account),
            as_of=result.as_of,
            balance=result.balance,
            debits_pending=result.debits_pending,
            credits_pending=result.credits_pending,
        )

    @get("/ledger/accounts/{account_id:int}/history")
    async def get_history(
        self,
        account_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> PageOut[HistoryLineOut]:
        """Movements in order, each with the running balance."""
        page = await use_cases.history(uow, actor, account_id, limit=limit, offset=offset)
        return page_out(page, [HistoryLineOut.of(line) for line in page.items])

    @put("/ledger/accounts/{account_id:int}/limits")
    async def set_limits(
        self, account_id: FromPath[int], data: JSONBody[LimitsIn], uow: Uow, actor: CurrentActor
    ) -> AccountOut:
        """The operator sets the credit line (`balance_min`) and ceiling (`balance_max`)."""
        return AccountOut.of(
            await use_cases.set_limits(
                uow, actor, account_id, balance_min=data.balance_min, balance_max=data.balance_max
            )
        )

    @get("/companies/{company_id:int}/statement")
    async def statement(
        self,
        company_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        start: FromQuery[date],
        end: FromQuery[date],
    ) -> StatementOut:
        """Opening balance, movements, closing balance for [start, end), minutes and cents."""
        return StatementOut.of(
            await use_cases.company_statement(uow, actor, company_id, start=start, end=end, now=now)
        )
