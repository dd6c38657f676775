"""The refusals of expenses: each defined once, raised by name (`raise NAME.error()`)."""

from __future__ import annotations

from timebank import refusals as shared
from timebank.errors import Conflict, Forbidden, InvalidInput, NotFound, Refusal

AMOUNT_OUT_OF_RANGE = Refusal(
    "amount_out_of_range",
    InvalidInput,
    fr="Le montant payé va de 0,01 € à 10 000,00 €.",
    en="The amount paid is between 0.01 € and 10,000.00 €.",
    field="amount_cents",
)

BEFORE_ACTIVATION = Refusal(
    "before_activation",
    InvalidInput,
    fr="Pas de frais avant le début effectif de la mise à disposition.",
    en="No expense before the loan was activated.",
    field="spent_on",
)

CLIENT_ID_TOO_LONG = Refusal(
    "client_id_too_long",
    InvalidInput,
    fr="Clé de requête trop longue : {client_id_length_max} caractères au plus.",
    en="Client id too long: at most {client_id_length_max} characters.",
    field="client_id",
)

COMPANY_NOT_FOUND = shared.COMPANY_NOT_FOUND


DUPLICATE_SUBMISSION = Refusal(
    "duplicate_submission",
    Conflict,
    fr="Cet identifiant de saisie a déjà servi pour d'autres frais.",
    en="This client id was already used for another expense.",
    field="client_id",
)

ENGAGEMENT_NOT_ACTIVE = Refusal(
    "engagement_not_active",
    Conflict,
    fr="On déclare des frais sur une mise à disposition commencée.",
    en="Expenses are recorded on a loan that has started.",
    field="status",
)

ENGAGEMENT_NOT_FOUND = shared.ENGAGEMENT_NOT_FOUND


EXPENSES_FORBIDDEN = Refusal(
    "expenses_forbidden",
    Forbidden,
    fr="Vous n'avez pas accès aux frais de cette mise à disposition.",
    en="You have no access to this loan's expenses.",
)

EXPENSE_BILLED = Refusal(
    "expense_billed",
    Conflict,
    fr="Ces frais sont facturés : ils ne changent plus.",
    en="This expense is billed: it can no longer change.",
    field="status",
)

EXPENSE_IN_FUTURE = Refusal(
    "expense_in_future",
    InvalidInput,
    fr="On déclare une dépense une fois faite : la date est dans le futur.",
    en="An expense is recorded once made: the date is in the future.",
    field="spent_on",
)

EXPENSE_NOT_FOUND = Refusal(
    "expense_not_found",
    NotFound,
    fr="Frais introuvable : {id}.",
    en="Expense not found: {id}.",
)

EXPENSE_SETTLED = Refusal(
    "expense_settled",
    Conflict,
    fr="Ces frais ont déjà été traités.",
    en="This expense was already reviewed or withdrawn.",
    field="status",
)

ONLY_THE_EMPLOYEE_RECORDS_EXPENSES = Refusal(
    "not_the_employee",
    Forbidden,
    fr="Seul·e le·la salarié·e prêté·e déclare ses frais.",
    en="Only the lent employee records their expenses.",
)

ONLY_THE_EMPLOYEE_WITHDRAWS_EXPENSES = Refusal(
    "not_the_employee",
    Forbidden,
    fr="Seul·e le·la salarié·e retire ses frais.",
    en="Only the employee withdraws their expenses.",
)

NOT_THE_LENDER = Refusal(
    "not_the_lender",
    Forbidden,
    fr="Seul l'administrateur de l'entreprise prêteuse valide les frais.",
    en="Only the lender's admin reviews expenses.",
)

OUTSIDE_LOAN_PERIOD = Refusal(
    "outside_loan_period",
    InvalidInput,
    fr="La dépense doit être faite pendant la mise à disposition.",
    en="The expense must be made within the loan's period.",
    field="spent_on",
)

REASON_REQUIRED = Refusal(
    "reason_required",
    InvalidInput,
    fr="Donnez la raison du refus.",
    en="Give the reason for the rejection.",
    field="reason",
)

REASON_TOO_LONG = Refusal(
    "reason_too_long",
    InvalidInput,
    fr="Raison trop longue : {rejection_reason_length_max} caractères au plus.",
    en="Reason too long: at most {rejection_reason_length_max} characters.",
    field="reason",
)

RECEIPT_MISSING = Refusal(
    "receipt_missing",
    InvalidInput,
    fr="Le justificatif est obligatoire.",
    en="The receipt is required.",
    field="receipt",
)

RECEIPT_TOO_LARGE = Refusal(
    "receipt_too_large",
    InvalidInput,
    fr="Justificatif trop lourd : 5 Mo au plus.",
    en="Receipt too large: 5 MB at most.",
    field="receipt",
)

RECEIPT_TYPE = Refusal(
    "receipt_type",
    InvalidInput,
    fr="Justificatif illisible : un PDF, un JPEG ou un PNG.",
    en="Unreadable receipt: a PDF, JPEG or PNG file.",
    field="receipt",
)

SELF_APPROVAL = Refusal(
    "self_approval",
    Forbidden,
    fr="Personne ne valide ses propres frais.",
    en="Nobody approves their own expenses.",
)

UNKNOWN_EXPENSE_KIND = Refusal(
    "unknown_expense_kind",
    InvalidInput,
    fr="Nature de frais inconnue : transport, hébergement, repas ou autre.",
    en="Unknown expense kind '{value}': transport, lodging, meals or other.",
    field="kind",
)

VAT_ABOVE_AMOUNT = Refusal(
    "vat_above_amount",
    InvalidInput,
    fr="La TVA ne peut pas dépasser le montant payé.",
    en="The VAT cannot exceed the amount paid.",
    field="vat_cents",
)

VAT_NEGATIVE = Refusal(
    "vat_negative",
    InvalidInput,
    fr="La TVA ne peut pas être négative (0 si le justificatif n'en montre pas).",
    en="The VAT cannot be negative (0 if the receipt shows none).",
    field="vat_cents",
)
