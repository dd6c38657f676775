"""The refusals of proposals: each defined once, raised by name (`raise NAME.error()`)."""

from __future__ import annotations

from timebank.errors import Conflict, Forbidden, InvalidInput, NotFound, Refusal

AWAITING_LENDER = Refusal(
    "awaiting_lender",
    Conflict,
    fr="L'employeur du salarié doit d'abord accepter la proposition.",
    en="The employee's employer must accept the proposal first.",
    field="proposal_id",
)

FORBIDDEN_FOR_COMPANY = Refusal(
    "forbidden_for_company",
    Forbidden,
    fr="Vous n'êtes pas concerné·e par cette proposition.",
    en="You are not party to this proposal.",
)

INVALID_SIDE = Refusal(
    "invalid_side",
    InvalidInput,
    fr="Côté inconnu : « {value} » (valeurs : host, lender).",
    en="Unknown side: '{value}' (values: host, lender).",
)

UNKNOWN_STATUS = Refusal(
    "invalid_status",
    InvalidInput,
    fr="Statut de proposition inconnu : « {value} » (valeurs : {allowed}).",
    en="Unknown proposal status: '{value}' (values: {allowed}).",
)

PROPOSAL_CLOSED = Refusal(
    "proposal_closed",
    Conflict,
    fr="Proposition déjà traitée ou remplacée.",
    en="Proposal already decided or superseded.",
    field="proposal_id",
)

PROPOSAL_NOT_FOUND = Refusal(
    "proposal_not_found",
    NotFound,
    fr="Proposition introuvable : {id}.",
    en="Proposal not found: {id}.",
)

REQUIRED = Refusal(
    "required",
    InvalidInput,
    fr="Indiquez le motif du refus : il aide les entreprises et le prochain appariement.",
    en="Give the reason for declining.",
    field="reason",
)
