"""The refusals of people: each defined once, raised by name (`raise NAME.error()`)."""

from __future__ import annotations

from timebank import refusals as shared
from timebank.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated, NotFound, Refusal

COMPANY_NOT_FOUND = shared.COMPANY_NOT_FOUND


DUPLICATE_EMAIL = Refusal(
    "duplicate_email",
    Conflict,
    fr="Un compte existe déjà pour {email}.",
    en="An account already exists for {email}.",
    field="email",
)

DUPLICATE_SIREN = Refusal(
    "duplicate_siren",
    Conflict,
    fr=(
        "L'entreprise au SIREN {siren} est déjà inscrite et a déjà un administrateur : "
        "demandez-lui de vous inviter depuis la page de l'entreprise."
    ),
    en=(
        "The company with SIREN {siren} is already registered and has an admin: ask them to "
        "invite you."
    ),
    field="siren",
)

FORBIDDEN_FOR_COMPANY = shared.FORBIDDEN_FOR_COMPANY


INVALID_CREDENTIALS = Refusal(
    "invalid_credentials",
    NotAuthenticated,
    fr="Adresse e-mail ou mot de passe incorrect.",
    en="Wrong e-mail address or password.",
)

INVALID_INVITATION = Refusal(
    "invalid_invitation",
    InvalidInput,
    fr="Invitation inconnue, expirée ou déjà utilisée.",
    en="Unknown, expired or already used invitation.",
    field="token",
)

INVALID_RESET_TOKEN = Refusal(
    "invalid_reset_token",
    InvalidInput,
    fr="Lien de réinitialisation inconnu, expiré ou déjà utilisé : demandez-en un nouveau.",
    en="Unknown, expired or already used reset link: ask for a new one.",
    field="token",
)

INVITATION_ALREADY_USED = Refusal(
    "invitation_already_used",
    Conflict,
    fr="Cette invitation vient d'être utilisée.",
    en="This invitation has just been used.",
    field="token",
)

OPERATOR_ONLY = Refusal(
    "operator_only",
    Forbidden,
    fr="Réservé à l'opérateur du programme.",
    en="Only the programme operator may do this.",
)

PASSWORD_MISMATCH = Refusal(
    "password_mismatch",
    InvalidInput,
    fr="Les deux mots de passe saisis ne sont pas identiques.",
    en="The two passwords typed differ.",
    field="password_confirmation",
)

USER_NOT_FOUND = Refusal(
    "user_not_found",
    NotFound,
    fr="Utilisateur introuvable : {id}.",
    en="User not found: {id}.",
)
