"""Notification kinds and their French texts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

SEND_BATCH_MAX: Final = 100
SEND_ATTEMPTS_MAX: Final = 5  # Claims of one notification; past them it stays unsent.
SMTP_TIMEOUT_SECONDS: Final = 10.0
# A sender stops claiming, gives back what it claimed and did not send, after this long; a
# claim older than the expiry belongs to a sender that died, and the row is sent again.
SEND_ROUND_SECONDS_MAX: Final = 5 * 60
CLAIM_EXPIRY_SECONDS: Final = 15 * 60


class Kind(StrEnum):
    ENGAGEMENT_PROPOSED = "engagement_proposed"
    ENGAGEMENT_ACCEPTED = "engagement_accepted"
    CONSENT_NEEDED = "consent_needed"
    ENGAGEMENT_ACTIVE = "engagement_active"
    ENGAGEMENT_CANCELLED = "engagement_cancelled"
    TIMESHEET_TO_APPROVE = "timesheet_to_approve"
    TIMESHEET_REJECTED = "timesheet_rejected"
    STATEMENT_TO_AGREE = "statement_to_agree"
    EXTENSION_REQUESTED = "extension_requested"
    PROPOSALS_READY = "proposals_ready"
    ROTATION_DRAFT_READY = "rotation_draft_ready"
    ROTATION_PUBLISHED = "rotation_published"
    ROTATION_NEXT_WEEK = "rotation_next_week"
    CDO_ALLOCATION = "cdo_allocation"
    EXPORTS_READY = "exports_ready"
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"
    COMPANY_CLAIMED = "company_claimed"
    SIGNUP_WELCOME = "signup_welcome"
    SIGNUP_EXISTING_ACCOUNT = "signup_existing_account"
    JOIN_REQUESTED = "join_requested"
    JOIN_DECIDED = "join_decided"


# Messages whose link carries a one-time secret: sent by e-mail only, never listed in the app,
# and their link is cut back to its path once the e-mail has left.
SECRET_LINK_KINDS: Final = frozenset({Kind.INVITATION.value, Kind.PASSWORD_RESET.value})
# Messages about the address itself (the door's): sent by e-mail only, never listed in the app.
EMAIL_ONLY_KINDS: Final = SECRET_LINK_KINDS | {
    Kind.SIGNUP_WELCOME.value,
    Kind.SIGNUP_EXISTING_ACCOUNT.value,
}


TEXTS: Final[dict[Kind, tuple[str, str]]] = {
    Kind.ENGAGEMENT_PROPOSED: (
        "Nouvelle proposition de mise à disposition",
        "{employee} est proposé·e pour votre besoin « {need} » ({hours}). "
        "Acceptez ou refusez la proposition.",
    ),
    Kind.ENGAGEMENT_ACCEPTED: (
        "Mise à disposition acceptée par l'entreprise d'accueil",
        "{host} a accepté la mise à disposition de {employee} pour « {need} ». "
        "Validez-la dans la limite des heures prêtables.",
    ),
    Kind.CONSENT_NEEDED: (
        "Votre accord est demandé",
        "Votre employeur propose de vous mettre à disposition de {host} pour « {need} » "
        "({hours}). Votre accord écrit est nécessaire ; un refus n'entraîne aucune sanction.",
    ),
    Kind.ENGAGEMENT_ACTIVE: (
        "Mise à disposition démarrée",
        "La mise à disposition de {employee} chez {host} pour « {need} » a commencé.",
    ),
    Kind.ENGAGEMENT_CANCELLED: (
        "Mise à disposition annulée",
        "La mise à disposition de {employee} chez {host} pour « {need} » a été annulée.",
    ),
    Kind.TIMESHEET_TO_APPROVE: (
        "Relevé d'heures à valider",
        "{employee} a déclaré {hours} le {day} pour « {need} ». Validez ou refusez la saisie.",
    ),
    Kind.TIMESHEET_REJECTED: (
        "Relevé d'heures refusé",
        "Votre saisie de {hours} du {day} a été refusée : {reason}",
    ),
    Kind.EXTENSION_REQUESTED: (
        "Demande d'heures supplémentaires",
        "{host} demande {hours} de plus pour la mise à disposition de {employee} "
        "(« {need} »). Acceptez-la dans la limite des heures prêtables, ou refusez-la.",
    ),
    Kind.PROPOSALS_READY: (
        "Nouvelles propositions de volontaires",
        "L'appariement a proposé des volontaires pour {count} de vos besoins. "
        "Consultez les propositions et leurs raisons.",
    ),
    Kind.ROTATION_DRAFT_READY: (
        "Projet de planning du CDO mutualisé prêt",
        "Le projet de planning du {period} (version {version}) est prêt : {summary}. "
        "Ajustez-le si besoin, puis publiez-le.",
    ),
    Kind.ROTATION_PUBLISHED: (
        "Planning du CDO mutualisé publié",
        "{group} a publié le planning du {period} : {summary}.",
    ),
    Kind.ROTATION_NEXT_WEEK: (
        "Vos créneaux de CDO mutualisé la semaine prochaine",
        "Semaine du {monday} : {slots}.",
    ),
    Kind.CDO_ALLOCATION: (
        "Quote-part du CDO mutualisé",
        "{group} vous impute {amount} pour {month} ({days} de CDO mutualisé, au coût exact).",
    ),
    Kind.EXPORTS_READY: (
        "Exports comptables de l'exercice prêts",
        "Les exports de l'exercice clos le {year_end} de {company} sont prêts : écritures au "
        "format FEC, heures et relevé des amortissements.",
    ),
    Kind.STATEMENT_TO_AGREE: (
        "Relevé de compensation à valider",
        "Le relevé de compensation de {month} avec {other} est prêt : {summary}. "
        "Validez-le ou contestez-le.",
    ),
    Kind.INVITATION: (
        "Invitation à rejoindre la bourse de temps numérique",
        "{inviter} vous invite à rejoindre {company} dans la bourse de temps numérique. "
        "Choisissez votre mot de passe avec le lien ci-dessous ; il est valable {days} jours "
        "et ne sert qu'une fois.",
    ),
    Kind.PASSWORD_RESET: (
        "Réinitialisation de votre mot de passe",
        "Une demande de nouveau mot de passe a été faite pour votre compte. Choisissez-le avec "
        "le lien ci-dessous : il est valable une heure et ne sert qu'une fois. Si vous n'avez "
        "rien demandé, ignorez ce message : votre mot de passe actuel reste valable.",
    ),
    Kind.COMPANY_CLAIMED: (
        "Entreprise pré-enregistrée rejointe par son administrateur",
        "{person} ({email}) s'est inscrit·e comme premier administrateur de {company} "
        "(SIREN {siren}), que l'opérateur avait pré-enregistrée. Vérifiez que c'est attendu.",
    ),
    Kind.SIGNUP_WELCOME: (
        "Bienvenue dans la bourse de temps numérique",
        "Votre compte est créé : vous êtes administrateur de {company}. Connectez-vous avec "
        "votre adresse e-mail et le mot de passe choisi à l'inscription.",
    ),
    Kind.SIGNUP_EXISTING_ACCOUNT: (
        "Tentative d'inscription avec votre adresse",
        "Quelqu'un a tenté d'inscrire l'entreprise {company} avec votre adresse e-mail, qui a "
        "déjà un compte : rien n'a été créé. Si c'était vous, connectez-vous, ou choisissez un "
        "nouveau mot de passe avec « Mot de passe oublié ? » ; pour ajouter une entreprise, "
        "demandez à son administrateur de vous inviter. Sinon, ignorez ce message.",
    ),
    Kind.JOIN_REQUESTED: (
        "Demande d'adhésion au groupement",
        "{company} demande à rejoindre {group} pour {days} de CDO mutualisé par mois. "
        "Acceptez ou refusez la demande en indiquant le motif.",
    ),
    Kind.JOIN_DECIDED: (
        "Réponse à votre demande d'adhésion",
        "{group} a {decision} la demande d'adhésion de {company}.{reason}",
    ),
}


@dataclass(frozen=True, slots=True)
class Notification:
    id: int
    user_id: int
    kind: str
    subject: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None
    sent_at: datetime | None


def render(kind: Kind, values: dict[str, str]) -> tuple[str, str]:
    subject, body = TEXTS[kind]
    return subject, body.format(**values)


def email_body(body: str, link: str) -> str:
    """The e-mail's text: the message, then the link to follow (a path until a public address
    of the service is configured)."""
    if not link:
        return body
    return f"{body}\n\nLien : {link}\n"


def without_secret(link: str) -> str:
    """The link's path alone: what an outbox row keeps of a one-time link once it was sent."""
    return link.split("?", 1)[0]
