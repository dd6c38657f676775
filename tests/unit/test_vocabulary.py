"""Every status, role and kind a page can show has its French word."""

from __future__ import annotations

from enum import StrEnum

import pytest

from timebank.companies.model import HeadcountBand
from timebank.documents.model import DocumentKind, SignerRole
from timebank.engagements.model import EngagementStatus, Paper, Step
from timebank.expenses.model import ExpenseKind, ExpenseStatus
from timebank.invoicing.model import InvoiceKind, InvoiceOrigin, LineKind
from timebank.needs.model import NeedStatus
from timebank.notifications.model import Kind
from timebank.people.model import Role
from timebank.settlements.model import StatementStatus
from timebank.vat.model import VatRegime
from web.vocabulary import label

ENUMS: list[tuple[str, type[StrEnum]]] = [
    ("role", Role),
    ("engagement", EngagementStatus),
    ("step", Step),
    ("paper", Paper),
    ("need", NeedStatus),
    ("statement", StatementStatus),
    ("document", DocumentKind),
    ("signer", SignerRole),
    ("headcount", HeadcountBand),
    ("notification", Kind),
    ("vat_regime", VatRegime),
    ("expense_kind", ExpenseKind),
    ("expense", ExpenseStatus),
    ("invoice_kind", InvoiceKind),
    ("invoice_origin", InvoiceOrigin),
    ("invoice_line", LineKind),
]


@pytest.mark.parametrize(("kind", "enum"), ENUMS)
def test_every_status_has_a_french_label(kind: str, enum: type[StrEnum]) -> None:
    for member in enum:
        word = label(kind, member)
        assert word and word != member.value
        assert label(kind, member.value) == word


def test_an_unknown_value_is_a_bug_not_a_code_on_a_page() -> None:
    with pytest.raises(AssertionError):
        label("engagement", "teleported")
