"""Demo expenses: on each running or completed loan, the employee's train and lunch of last
month (approved by the lender's admin, so they are billed when the month's statement is agreed)
and, on a running loan, a hotel night this month left to review. Each with a small PDF receipt
generated here. Deterministic: the same loan gives the same expenses and receipts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from timebank import formatting
from timebank.db.unit_of_work import UnitOfWork
from timebank.expenses import use_cases as expenses
from timebank.people.model import Actor

DEMO_NAMESPACE: Final = uuid.UUID("2f0b8d6e-5a41-4c3b-9e7d-61c2a8f4b390")


@dataclass(frozen=True, slots=True)
class DemoExpense:
    day_offset: int  # Days after the loan's first day (last month) or the month's first day.
    kind: str
    description: str
    seller: str
    amount_cents: int
    vat_cents: int  # 10 % on transport, meals and lodging (CGI art. 279).


LAST_MONTH: Final = (
    DemoExpense(
        2,
        "transport",
        "Train aller-retour pour l'atelier de lancement",
        "SNCF Voyageurs",
        8_640,
        785,
    ),
    DemoExpense(
        8, "meals", "Déjeuner de travail avec l'équipe d'accueil", "Brasserie du Marché", 2_350, 214
    ),
)
THIS_MONTH: Final = DemoExpense(
    0, "lodging", "Nuit d'hôtel pour l'atelier du lendemain", "Hôtel de la Gare", 11_000, 1_000
)


def _pdf_text(value: str) -> str:
    """A PDF literal string in WinAnsi (Helvetica's encoding): accents kept, parentheses
    escaped."""
    escaped = value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return "".join(
        ch if ord(ch) < 128 else f"\\{ch.encode('cp1252', 'replace')[0]:03o}" for ch in escaped
    )


def receipt_pdf(lines: list[str]) -> bytes:
    """A one-page PDF showing `lines`, with its cross-reference table (a valid file)."""
    text = "\n".join(
        f"BT /F1 12 Tf 56 {780 - 20 * index} Td ({_pdf_text(line)}) Tj ET"
        for index, line in enumerate(lines)
    ).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(text)).encode() + b" >>\nstream\n" + text + b"\nendstream",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n".encode() + content + b"\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    body += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return body


def _receipt(expense: DemoExpense, day: date, payer: str) -> bytes:
    return receipt_pdf(
        [
            expense.seller,
            f"Reçu du {formatting.day(day)}",
            expense.description,
            f"Payé par {payer}",
            f"Montant TTC : {formatting.euros(expense.amount_cents)}",
            f"Dont TVA 10 % : {formatting.euros(expense.vat_cents)}",
        ]
    )


async def record_demo_expenses(
    uow: UnitOfWork,
    engagement_id: int,
    *,
    worker: Actor,
    lender: Actor,
    start: date,
    running: bool,
    now: datetime,
) -> int:
    """Record the loan's demo expenses; last month's approved by the lender. How many."""
    planned = [(start + timedelta(days=e.day_offset), e, True) for e in LAST_MONTH]
    this_month = now.date().replace(day=1)
    if running and this_month < now.date():
        planned.append((this_month + timedelta(days=THIS_MONTH.day_offset), THIS_MONTH, False))
    for day, demo, approved in planned:
        expense, _ = await expenses.record_expense(
            uow,
            worker,
            engagement_id,
            client_id=str(uuid.uuid5(DEMO_NAMESPACE, f"{engagement_id}:{day.isoformat()}")),
            spent_on=day,
            kind=demo.kind,
            description=demo.description,
            amount_cents=demo.amount_cents,
            vat_cents=demo.vat_cents,
            receipt_name=f"recu-{demo.kind}-{day.isoformat()}.pdf",
            receipt=_receipt(demo, day, worker.full_name),
            now=now,
        )
        if approved:
            await expenses.review_expense(uow, lender, expense.id, approve=True, now=now)
    return len(planned)
