"""VAT (TVA) on staff loans at exact cost: regimes, rate, amount, mentions and exigibility."""

from timebank.vat.model import (
    GroupRebilling,
    VatExigibility,
    VatRegime,
    VatStatus,
    VatTreatment,
    group_rebilling_vat,
    staff_loan_vat,
)

__all__ = [
    "GroupRebilling",
    "VatExigibility",
    "VatRegime",
    "VatStatus",
    "VatTreatment",
    "group_rebilling_vat",
    "staff_loan_vat",
]
