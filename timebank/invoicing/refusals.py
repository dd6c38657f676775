"""The refusals of invoicing: each defined once, raised by name (`raise NAME.error()`)."""

from __future__ import annotations

from timebank import refusals as shared
from timebank.errors import Conflict, Forbidden, Refusal

INVOICES_NOT_YOURS = Refusal(
    "forbidden_for_company",
    Forbidden,
    fr="Seuls les administrateurs et l'expert-comptable de l'entreprise voient ses factures.",
    en="Only the company's admins and accountants see its invoices.",
)

ONLY_THE_ISSUER_CANCELS = Refusal(
    "forbidden_for_company",
    Forbidden,
    fr="Seul un administrateur de l'entreprise qui a émis la facture peut l'annuler par un avoir.",
    en="Only an admin of the issuing company may cancel the invoice by a credit note.",
)

INVOICE_ALREADY_CANCELLED = Refusal(
    "invoice_already_cancelled",
    Conflict,
    fr="La facture N° {number} est déjà annulée par un avoir.",
    en="Invoice {number} is already cancelled by a credit note.",
    field="invoice_id",
)

INVOICE_NOT_FOUND = shared.INVOICE_NOT_FOUND


NOT_AN_INVOICE = Refusal(
    "not_an_invoice",
    Conflict,
    fr="Un avoir ne s'annule pas : seule une facture peut l'être.",
    en="A credit note is not cancelled: only an invoice is.",
    field="invoice_id",
)

ADDRESS_MISSING = Refusal(
    "address_missing",
    Conflict,
    fr=(
        "{name} n'a pas d'adresse complète (rue et ville) : son administrateur doit la saisir "
        "dans les paramètres de l'entreprise avant que la facture puisse être émise."
    ),
    en=(
        "{name} has no full address (street and city): its admin must enter it in the company "
        "settings before the invoice can be issued."
    ),
    field="address",
)

VAT_NUMBER_MISSING = Refusal(
    "vat_number_missing",
    Conflict,
    fr=(
        "{name} est redevable de la TVA mais n'a pas de numéro de TVA intracommunautaire : son "
        "administrateur doit le saisir dans les paramètres de l'entreprise (bloc TVA) avant que "
        "la facture puisse être émise."
    ),
    en=(
        "{name} is liable to VAT but has no intra-community VAT number: its admin must enter it "
        "in the company settings (VAT block) before the invoice can be issued."
    ),
    field="vat_number",
)
