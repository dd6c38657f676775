"""The pure rules of an expense: amount bounds, VAT within the amount, the receipt's type by its
first bytes and its size, the day within the loan, the rejection's reason, and what a retry
must carry to be the same expense."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from timebank.errors import InvalidInput
from timebank.expenses.model import (
    AMOUNT_CENTS_MAX,
    RECEIPT_BYTES_MAX,
    Expense,
    ExpenseKind,
    ExpenseStatus,
    amount_input,
    client_id_input,
    day_input,
    expense_input,
    kind_input,
    media_type_of,
    receipt_input,
    rejection_reason_input,
    same_expense,
)

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def _code(error: pytest.ExceptionInfo[InvalidInput]) -> tuple[str, str | None]:
    return error.value.code, error.value.field


@pytest.mark.parametrize(
    ("amount", "vat"), [(1, 0), (1, 1), (AMOUNT_CENTS_MAX, 0), (12_000, 2_000), (500, 500)]
)
def test_amounts_within_bounds_are_kept(amount: int, vat: int) -> None:
    assert amount_input(amount, vat) == (amount, vat)


@pytest.mark.parametrize("amount", [0, -1, AMOUNT_CENTS_MAX + 1])
def test_an_amount_outside_one_cent_to_ten_thousand_euros_is_refused(amount: int) -> None:
    with pytest.raises(InvalidInput) as error:
        amount_input(amount, 0)
    assert _code(error) == ("amount_out_of_range", "amount_cents")


def test_vat_is_never_above_the_amount_nor_negative() -> None:
    with pytest.raises(InvalidInput) as above:
        amount_input(1_000, 1_001)
    assert _code(above) == ("vat_above_amount", "vat_cents")
    with pytest.raises(InvalidInput) as negative:
        amount_input(1_000, -1)
    assert _code(negative) == ("vat_negative", "vat_cents")


@pytest.mark.parametrize(
    ("content", "media_type"),
    [(PDF, "application/pdf"), (JPEG, "image/jpeg"), (PNG, "image/png")],
)
def test_receipt_type_is_read_from_its_first_bytes(content: bytes, media_type: str) -> None:
    assert media_type_of(content) == media_type
    receipt = receipt_input("facture.bin", content)
    assert receipt.media_type == media_type
    assert receipt.sha256 == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(
    "content",
    [b"GIF89a", b"<html><body>facture</body></html>", b"PK\x03\x04", b"%PD", b" %PDF-1.4"],
)
def test_a_file_that_is_not_a_receipt_is_refused_whatever_its_name(content: bytes) -> None:
    assert media_type_of(content) is None
    with pytest.raises(InvalidInput) as error:
        receipt_input("facture.pdf", content)
    assert _code(error) == ("receipt_type", "receipt")


def test_receipt_size_is_five_megabytes_at_most_and_never_empty() -> None:
    largest = PDF + b"0" * (RECEIPT_BYTES_MAX - len(PDF))
    assert receipt_input("gros.pdf", largest).media_type == "application/pdf"
    with pytest.raises(InvalidInput) as too_large:
        receipt_input("trop-gros.pdf", largest + b"0")
    assert _code(too_large) == ("receipt_too_large", "receipt")
    with pytest.raises(InvalidInput) as empty:
        receipt_input("vide.pdf", b"")
    assert _code(empty) == ("receipt_missing", "receipt")


def test_receipt_name_keeps_no_path() -> None:
    assert receipt_input("../../etc/passwd.pdf", PDF).name == ".. .. etc passwd.pdf"
    assert receipt_input("C:\\Users\\inès\\reçu.png", PNG).name == "C: Users inès reçu.png"
    assert receipt_input("   ", PDF).name == "justificatif"


PERIOD = {"period_start": date(2026, 3, 1), "period_end": date(2026, 6, 30)}


def test_the_day_is_within_the_loan_from_its_activation_and_not_in_the_future() -> None:
    today = date(2026, 4, 15)
    activated = date(2026, 3, 2)
    for day in (activated, today):
        assert day_input(day, today=today, activated_on=activated, **PERIOD) == day
    cases = [
        (date(2026, 4, 16), activated, "expense_in_future"),
        (date(2026, 2, 28), date(2026, 2, 27), "outside_loan_period"),
        (date(2026, 3, 1), activated, "before_activation"),
        (date(2026, 3, 5), None, "before_activation"),
    ]
    for day, activated_on, code in cases:
        with pytest.raises(InvalidInput) as error:
            day_input(day, today=today, activated_on=activated_on, **PERIOD)
        assert _code(error) == (code, "spent_on")
    with pytest.raises(InvalidInput) as after:
        day_input(date(2026, 7, 1), today=date(2026, 8, 1), activated_on=activated, **PERIOD)
    assert _code(after) == ("outside_loan_period", "spent_on")


def test_kinds_are_the_four_known_ones() -> None:
    assert [kind_input(k) for k in ("transport", " lodging", "meals", "other")] == list(ExpenseKind)
    with pytest.raises(InvalidInput) as error:
        kind_input("Transport")
    assert _code(error) == ("unknown_expense_kind", "kind")


def test_a_rejection_needs_a_reason_of_500_characters_at_most() -> None:
    assert rejection_reason_input("  Billet   non prévu ") == "Billet non prévu"
    for reason, code in (
        (None, "reason_required"),
        (" ", "reason_required"),
        ("x" * 501, "reason_too_long"),
    ):
        with pytest.raises(InvalidInput) as error:
            rejection_reason_input(reason)
        assert _code(error) == (code, "reason")


def test_client_id_is_optional_and_short() -> None:
    assert client_id_input(None) is None
    assert client_id_input("  ") is None
    assert client_id_input(" abc ") == "abc"
    with pytest.raises(InvalidInput) as error:
        client_id_input("x" * 37)
    assert _code(error) == ("client_id_too_long", "client_id")


def test_a_retry_is_the_same_expense_only_with_the_same_content() -> None:
    wanted = expense_input(
        spent_on=date(2026, 4, 2),
        kind="meals",
        description=" Déjeuner d'équipe ",
        amount_cents=4_500,
        vat_cents=409,
        receipt_name="ticket.jpg",
        receipt=JPEG,
    )
    assert wanted.description == "Déjeuner d'équipe"
    stored = Expense(
        id=1,
        engagement_id=7,
        employee_id=3,
        spent_on=wanted.spent_on,
        kind=wanted.kind,
        description=wanted.description,
        amount_cents=wanted.amount_cents,
        vat_cents=wanted.vat_cents,
        receipt_name="autre-nom.jpg",  # The file's name is not its content.
        receipt_media_type="image/jpeg",
        receipt_sha256=hashlib.sha256(JPEG).hexdigest(),
        status=ExpenseStatus.SUBMITTED,
        invoice_id=None,
        created_at=datetime(2026, 4, 2, tzinfo=UTC),
    )
    assert same_expense(stored, wanted, 7)
    assert not same_expense(stored, wanted, 8)
    assert not same_expense(replace(stored, amount_cents=4_501), wanted, 7)
    assert not same_expense(replace(stored, receipt_sha256="0" * 64), wanted, 7)
