"""The refusals of documents: each defined once, raised by name (`raise NAME.error()`)."""

from __future__ import annotations

from timebank import refusals as shared
from timebank.errors import Conflict, Forbidden, InvalidInput, NotFound, Refusal

CDO_NOT_GROUP_EMPLOYEE = shared.CDO_NOT_GROUP_EMPLOYEE


CDO_TERMS_MISSING = Refusal(
    "cdo_terms_missing",
    InvalidInput,
    fr=(
        "Renseignez la date d'embauche, la durée hebdomadaire et sa répartition, la nature du "
        "contrat et la convention collective."
    ),
    en=(
        "Give the hire date, weekly hours and their spread, the kind of contract and the "
        "collective agreement."
    ),
    field="hired_on",
)

COORDINATOR_ONLY = Refusal(
    "coordinator_only",
    Forbidden,
    fr="Réservé au coordinateur du groupement.",
    en="Only the group's coordinator may do this.",
)

EMPLOYEE_COST_MISSING = Refusal(
    "cost_missing",
    Conflict,
    fr="Le coût du salarié n'est pas renseigné : la convention ne peut pas le chiffrer.",
    en="The employee's cost is not filled in: the agreement cannot state it.",
    field="employee_id",
)

CDO_PAY_MISSING = Refusal(
    "cost_missing",
    Conflict,
    fr="Le salaire du CDO n'est pas renseigné.",
    en="The CDO's pay is not filled in.",
    field="employee_id",
)

DOCUMENT_CHANGED = Refusal(
    "document_changed",
    Conflict,
    fr="Le document a changé depuis votre lecture : relisez-le avant de signer.",
    en="The document changed since you read it: read it again before signing.",
)

DOCUMENT_NOT_FOUND = shared.DOCUMENT_NOT_FOUND


ENGAGEMENT_NOT_FOUND = shared.ENGAGEMENT_NOT_FOUND


NOT_A_GROUP_DOCUMENT = Refusal(
    "not_a_group_document",
    InvalidInput,
    fr="Les documents d'un prêt se font depuis la mise à disposition.",
    en="A loan's documents are made from the engagement.",
    field="kind",
)

NOT_A_SIGNATORY = Refusal(
    "not_a_signatory",
    Forbidden,
    fr="Vous n'êtes pas signataire de ce document.",
    en="You are not a signatory of this document.",
)

NO_CDO = Refusal(
    "no_cdo",
    Conflict,
    fr="Aucun CDO n'est déclaré pour cette période.",
    en="No CDO is declared for this period.",
    field="period_id",
)

NO_MEMBER = Refusal(
    "no_member",
    Conflict,
    fr="Le groupement n'a encore aucun membre.",
    en="The group has no member yet.",
    field="members",
)

NO_REQUEST = shared.NO_REQUEST


OUT_OF_RANGE = Refusal(
    "out_of_range",
    InvalidInput,
    fr="La durée hebdomadaire va de 1 h à 48 h.",
    en="The weekly hours go from 1 h to 48 h.",
    field="weekly_minutes",
)

PERIOD_NOT_FOUND = Refusal(
    "period_not_found",
    NotFound,
    fr="Période introuvable : {id}.",
    en="Period not found: {id}.",
    field="period_id",
)

REQUIRED = Refusal(
    "required",
    InvalidInput,
    fr="{fr} : à renseigner (au plus {cdo_terms_length_max} caractères).",
    en="{en}: required (at most {cdo_terms_length_max} characters).",
)

SIGN_THROUGH_ENGAGEMENT = Refusal(
    "sign_through_engagement",
    Conflict,
    fr="Les documents d'un prêt se signent depuis la mise à disposition.",
    en="A loan's documents are signed from the engagement.",
    field="document_id",
)

UNKNOWN_DOCUMENT = Refusal(
    "unknown_document",
    InvalidInput,
    fr="Type attendu : cdo_contract ou member_agreement.",
    en="Kind expected: cdo_contract or member_agreement.",
    field="kind",
)

UNKNOWN_FORMAT = Refusal(
    "unknown_format",
    InvalidInput,
    fr="Format attendu : pdf, html ou md.",
    en="Format expected: pdf, html or md.",
    field="format",
)
