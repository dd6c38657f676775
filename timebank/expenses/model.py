"""A professional expense an employee made for a loan (C. trav. L8241-1: billed at exact cost, on
receipts): the rules of its amount, VAT, day and receipt file, pure."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Final

from timebank import rules
from timebank.expenses import refusals

AMOUNT_CENTS_MAX: Final = 1_000_000  # 10 000,00 € paid on one receipt.
RECEIPT_BYTES_MAX: Final = 5 * 1024 * 1024  # 5 MB.
RECEIPT_NAME_LENGTH_MAX: Final = 200
DESCRIPTION_LENGTH_MAX: Final = 500
REJECTION_REASON_LENGTH_MAX: Final = 500
CLIENT_ID_LENGTH_MAX: Final = 36
EXPENSES_LISTED_MAX: Final = 500  # On one page or one API answer, the newest first.


class ExpenseKind(StrEnum):
    TRANSPORT = "transport"
    LODGING = "lodging"
    MEALS = "meals"
    OTHER = "other"


class ExpenseStatus(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


# The first bytes of each receipt format accepted, and the media type it is kept under.
_SIGNATURES: Final = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
MEDIA_TYPES: Final = tuple(media_type for _, media_type in _SIGNATURES)


@dataclass(frozen=True, slots=True)
class Expense:
    id: int
    engagement_id: int
    employee_id: int
    spent_on: date
    kind: ExpenseKind
    description: str
    amount_cents: int  # Paid, VAT included.
    vat_cents: int  # The VAT the receipt shows (0: none shown).
    receipt_name: str
    receipt_media_type: str
    receipt_sha256: str
    status: ExpenseStatus
    invoice_id: int | None  # The invoice that billed it: it can no longer change.
    created_at: datetime
    client_id: str | None = None
    reviewed_by: int | None = None
    reviewed_at: datetime | None = None
    rejection_reason: str | None = None
    created_by: int | None = None


@dataclass(frozen=True, slots=True)
class Receipt:
    """A receipt file as stored: its name, the media type its first bytes show, its SHA-256."""

    name: str
    media_type: str
    sha256: str
    content: bytes


@dataclass(frozen=True, slots=True)
class ExpenseInput:
    """An expense as the employee records it, every rule checked."""

    spent_on: date
    kind: ExpenseKind
    description: str
    amount_cents: int
    vat_cents: int
    receipt: Receipt


def kind_input(value: str) -> ExpenseKind:
    try:
        return ExpenseKind(value.strip())
    except ValueError:
        raise refusals.UNKNOWN_EXPENSE_KIND.error(value=value.strip()[:40]) from None


def amount_input(amount_cents: int, vat_cents: int) -> tuple[int, int]:
    """The amount paid (VAT included, 0,01 € to 10 000,00 €) and the VAT the receipt shows
    (0 to the amount)."""
    if not 1 <= amount_cents <= AMOUNT_CENTS_MAX:
        raise refusals.AMOUNT_OUT_OF_RANGE.error()
    if vat_cents < 0:
        raise refusals.VAT_NEGATIVE.error()
    if vat_cents > amount_cents:
        raise refusals.VAT_ABOVE_AMOUNT.error()
    return amount_cents, vat_cents


def day_input(
    spent_on: date, *, period_start: date, period_end: date, today: date, activated_on: date | None
) -> date:
    """The day the money was spent: within the loan's period, not before its activation, not
    in the future."""
    if spent_on > today:
        raise refusals.EXPENSE_IN_FUTURE.error()
    if not period_start <= spent_on <= period_end:
        raise refusals.OUTSIDE_LOAN_PERIOD.error()
    if activated_on is None or spent_on < activated_on:
        raise refusals.BEFORE_ACTIVATION.error()
    return spent_on


def media_type_of(content: bytes) -> str | None:
    """The media type the file's first bytes show (PDF, JPEG or PNG), or None."""
    for signature, media_type in _SIGNATURES:
        if content.startswith(signature):
            return media_type
    return None


def receipt_input(name: str, content: bytes) -> Receipt:
    """The receipt file: PDF, JPEG or PNG by its first bytes (never its name), 5 MB at most."""
    if not content:
        raise refusals.RECEIPT_MISSING.error()
    if len(content) > RECEIPT_BYTES_MAX:
        raise refusals.RECEIPT_TOO_LARGE.error()
    media_type = media_type_of(content)
    if media_type is None:
        raise refusals.RECEIPT_TYPE.error()
    cleaned = " ".join(name.replace("/", " ").replace("\\", " ").split())
    cleaned = cleaned[-RECEIPT_NAME_LENGTH_MAX:] or "justificatif"
    return Receipt(cleaned, media_type, hashlib.sha256(content).hexdigest(), content)


def expense_input(
    *,
    spent_on: date,
    kind: str,
    description: str,
    amount_cents: int,
    vat_cents: int,
    receipt_name: str,
    receipt: bytes,
) -> ExpenseInput:
    """Every rule that needs no loan: kind, description, amounts, receipt."""
    checked_kind = kind_input(kind)
    checked_description = rules.text(
        description, field="description", length_max=DESCRIPTION_LENGTH_MAX
    )
    amount, vat = amount_input(amount_cents, vat_cents)
    return ExpenseInput(
        spent_on,
        checked_kind,
        checked_description,
        amount,
        vat,
        receipt_input(receipt_name, receipt),
    )


def client_id_input(value: str | None) -> str | None:
    """The client's key for a retry: at most 36 characters, none when left empty."""
    cleaned = (value or "").strip()
    if not cleaned:
        return None
    if len(cleaned) > CLIENT_ID_LENGTH_MAX:
        raise refusals.CLIENT_ID_TOO_LONG.error(client_id_length_max=CLIENT_ID_LENGTH_MAX)
    return cleaned


def rejection_reason_input(value: str | None) -> str:
    cleaned = " ".join((value or "").split())
    if not cleaned:
        raise refusals.REASON_REQUIRED.error()
    if len(cleaned) > REJECTION_REASON_LENGTH_MAX:
        raise refusals.REASON_TOO_LONG.error(
            rejection_reason_length_max=REJECTION_REASON_LENGTH_MAX
        )
    return cleaned


def same_expense(stored: Expense, wanted: ExpenseInput, engagement_id: int) -> bool:
    """Whether a retry carries what the stored expense holds (same key, same content)."""
    return (
        stored.engagement_id == engagement_id
        and stored.spent_on == wanted.spent_on
        and stored.kind == wanted.kind
        and stored.description == wanted.description
        and stored.amount_cents == wanted.amount_cents
        and stored.vat_cents == wanted.vat_cents
        and stored.receipt_sha256 == wanted.receipt.sha256
    )
