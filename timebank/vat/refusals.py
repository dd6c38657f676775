"""The refusals of vat: each defined once, raised by name (`raise NAME.error()`)."""

from __future__ import annotations

from timebank.errors import InvalidInput, Refusal

VAT_NUMBER_NOT_RECOGNISED = Refusal(
    "invalid_vat_number",
    InvalidInput,
    fr=(
        "Numéro de TVA intracommunautaire invalide : « {value} » (un numéro français commence par "
        "FR)."
    ),
    en="Invalid intra-community VAT number: '{value}' (a French one starts with FR).",
)

VAT_NUMBER_INVALID = Refusal(
    "invalid_vat_number",
    InvalidInput,
    fr="Numéro de TVA intracommunautaire invalide : « {value} » ({why_fr}).",
    en="Invalid intra-community VAT number: '{value}' ({exc}).",
)

INVALID_VAT_NUMBER_VAT_NUMBER = Refusal(
    "invalid_vat_number",
    InvalidInput,
    fr="Numéro de TVA trop long (au plus {vat_number_length_max} caractères).",
    en="VAT number too long (at most {vat_number_length_max} characters).",
    field="vat_number",
)

INVALID_VAT_REGIME = Refusal(
    "invalid_vat_regime",
    InvalidInput,
    fr="Régime de TVA inconnu : « {value} » (valeurs : {allowed}).",
    en="Unknown VAT regime: '{value}' (values: {allowed}).",
)

VAT_DEBITS_NOT_LIABLE = Refusal(
    "vat_debits_not_liable",
    InvalidInput,
    fr=(
        "L'option pour les débits n'existe que pour une entreprise redevable de la TVA (régime "
        "réel)."
    ),
    en="The option for VAT on debits exists only for a VAT-liable company (réel regime).",
    field="vat_on_debits",
)

VAT_NUMBER_OTHER_SIREN = Refusal(
    "vat_number_other_siren",
    InvalidInput,
    fr="Ce numéro de TVA est celui du SIREN {number}, pas de celui de l'entreprise ({siren}).",
    en="This VAT number belongs to SIREN {number}, not to the company's ({siren}).",
)
