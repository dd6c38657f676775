"""The refusals of groups: each defined once, raised by name (`raise NAME.error()`)."""

from __future__ import annotations

from timebank import refusals as shared
from timebank.errors import Conflict, Forbidden, InvalidInput, NotFound, Refusal

COMPANY_NOT_FOUND = shared.COMPANY_NOT_FOUND


DUPLICATE_GROUP = Refusal(
    "duplicate_group",
    Conflict,
    fr="Cette entreprise porte déjà un groupement.",
    en="This company already carries an employer group.",
    field="company_id",
)

JOINS_BY_ITS_OWN_REQUEST = Refusal(
    "joins_by_its_own_request",
    Forbidden,
    fr=(
        "Une entreprise rejoint le groupement par sa propre demande d'adhésion (les membres "
        "d'un groupement d'employeurs répondent de ses dettes salariales) : son administrateur "
        "la dépose, vous l'acceptez. Vous ne l'ajoutez directement que si vous l'administrez "
        "aussi."
    ),
    en=(
        "A company joins the group by its own request (an employer group's members answer for "
        "its wage debts): its admin files it, you accept it. You add it directly only if you "
        "also administer it."
    ),
    field="company_id",
)

ALREADY_A_MEMBER = Refusal(
    "duplicate_member",
    Conflict,
    fr="Cette entreprise est déjà membre du groupement.",
    en="This company is already a member of the group.",
    field="company_id",
)

YOUR_COMPANY_ALREADY_A_MEMBER = Refusal(
    "duplicate_member",
    Conflict,
    fr="Votre entreprise est déjà membre de ce groupement.",
    en="Your company is already a member of this group.",
    field="company_id",
)

EMPLOYER_GROUP_NOT_FOUND = shared.EMPLOYER_GROUP_NOT_FOUND


GROUP_SELF_MEMBER = Refusal(
    "group_self_member",
    InvalidInput,
    fr="Le groupement ne peut pas être membre de lui-même.",
    en="The group cannot be a member of itself.",
    field="company_id",
)

INVALID_DAYS_PER_MONTH = Refusal(
    "invalid_days_per_month",
    InvalidInput,
    fr="Jours par mois : de 0,5 à {days_per_month_max}, par demi-journée (par exemple 2 ou 2,5).",
    en="Days a month: from 0.5 to {days_per_month_max}, in half-days (e.g. 2 or 2.5).",
)

INVALID_LEGAL_FORM = Refusal(
    "invalid_legal_form",
    InvalidInput,
    fr="Forme juridique inconnue : « {value} » (association ou cooperative).",
    en="Unknown legal form: '{value}' (association or cooperative).",
)

INVALID_WEEKDAYS = shared.INVALID_WEEKDAYS


JOIN_REQUEST_ANSWERED = Refusal(
    "join_request_answered",
    Conflict,
    fr="Cette demande a déjà reçu une réponse.",
    en="This request has already been answered.",
    field="request_id",
)

JOIN_REQUEST_NOT_FOUND = Refusal(
    "join_request_not_found",
    NotFound,
    fr="Demande d'adhésion introuvable : {id}.",
    en="Join request not found: {id}.",
)

JOIN_REQUEST_PENDING = Refusal(
    "join_request_pending",
    Conflict,
    fr="Une demande d'adhésion à ce groupement attend déjà la réponse du coordinateur.",
    en="A request to join this group already awaits the coordinator's answer.",
    field="company_id",
)

MEMBER_NOT_FOUND = Refusal(
    "member_not_found",
    NotFound,
    fr="Membre introuvable : {id}.",
    en="Member not found: {id}.",
    field="company_id",
)

REASON_REQUIRED = Refusal(
    "reason_required",
    InvalidInput,
    fr="Indiquez le motif du refus : l'entreprise le lira.",
    en="Give the reason for the refusal: the company will read it.",
    field="reason",
)
