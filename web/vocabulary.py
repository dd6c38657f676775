"""The French words a person reads on a page for every status, role, step and kind.

Pages never show an enum value: templates call `label(kind, value)`. An unknown value is a bug
caught by the tests (`test_every_status_has_a_french_label`), not a code shown to a person.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from timebank.companies.model import HeadcountBand
from timebank.documents.model import DocumentKind, SignerRole
from timebank.engagements.model import EngagementStatus, Paper, Step
from timebank.expenses.model import ExpenseKind, ExpenseStatus
from timebank.invoicing.model import InvoiceKind, InvoiceOrigin, LineKind
from timebank.jobs.model import JobKind, JobStatus
from timebank.needs.model import NeedStatus
from timebank.notifications.model import Kind as NotificationKind
from timebank.people.model import Role
from timebank.settlements.model import StatementStatus
from timebank.todo.model import TodoKind
from timebank.vat.model import VatRegime

ROLES: Final = {
    Role.EMPLOYEE: "Salarié·e",
    Role.COMPANY_ADMIN: "Administrateur·rice",
    Role.GROUP_COORDINATOR: "Coordinateur·rice de groupement",
    Role.ACCOUNTANT: "Expert-comptable",
    Role.OPERATOR: "Opérateur du programme",
}

ENGAGEMENT_STATUSES: Final = {
    EngagementStatus.PROPOSED: "Proposée",
    EngagementStatus.ACCEPTED_BY_HOST: "Acceptée par l'entreprise d'accueil",
    EngagementStatus.APPROVED_BY_LENDER: "Approuvée par l'employeur",
    EngagementStatus.CONSENTED: "Accord du salarié donné",
    EngagementStatus.ACTIVE: "En cours",
    EngagementStatus.COMPLETED: "Terminée",
    EngagementStatus.CANCELLED: "Annulée",
}

STEPS: Final = {
    Step.ACCEPT: "Accepter (entreprise d'accueil)",
    Step.APPROVE: "Approuver le prêt (employeur)",
    Step.CONSENT: "Donner mon accord",
    Step.ACTIVATE: "Démarrer la mise à disposition",
    Step.COMPLETE: "Clore la mise à disposition",
    Step.CANCEL: "Annuler",
}

PAPERS: Final = {
    Paper.EMPLOYEE_CONSENT: "Accord écrit du salarié",
    Paper.AGREEMENT_LENDER: "Convention signée par l'employeur",
    Paper.AGREEMENT_HOST: "Convention signée par l'entreprise d'accueil",
    Paper.AMENDMENT_EMPLOYEE: "Avenant signé par le salarié",
    Paper.AMENDMENT_LENDER: "Avenant signé par l'employeur",
    Paper.CSE_LENDER: "CSE de l'employeur consulté",
    Paper.CSE_HOST: "CSE de l'entreprise d'accueil consulté",
}

NEED_STATUSES: Final = {
    NeedStatus.DRAFT: "Brouillon",
    NeedStatus.OPEN: "Publié",
    NeedStatus.MATCHED: "Pourvu",
    NeedStatus.CLOSED: "Clos",
    NeedStatus.CANCELLED: "Annulé",
}

STATEMENT_STATUSES: Final = {
    StatementStatus.DRAFT: "À valider",
    StatementStatus.AGREED: "Validé par les deux entreprises",
    StatementStatus.DISPUTED: "Contesté",
}

TIMESHEET_STATUSES: Final = {
    "submitted": "En attente d'approbation",
    "approved": "Approuvée",
    "rejected": "Refusée",
    "withdrawn": "Supprimée",
}

EXTENSION_STATUSES: Final = {
    "requested": "Demandée",
    "approved": "Acceptée",
    "refused": "Refusée",
}

PROPOSAL_STATUSES: Final = {
    "proposed": "À examiner",
    "accepted": "Acceptée",
    "declined": "Déclinée",
    "superseded": "Remplacée par un calcul plus récent",
}

DOCUMENT_KINDS: Final = {
    DocumentKind.LOAN_AGREEMENT: "Convention de mise à disposition",
    DocumentKind.EMPLOYEE_AMENDMENT: "Avenant au contrat de travail",
    DocumentKind.CDO_CONTRACT: "Contrat de travail du CDO mutualisé",
    DocumentKind.MEMBER_AGREEMENT: "Convention d'adhésion au groupement",
}

SIGNER_ROLES: Final = {
    SignerRole.LENDER: "l'employeur",
    SignerRole.HOST: "l'entreprise d'accueil",
    SignerRole.EMPLOYEE: "le salarié",
    SignerRole.GROUP: "le groupement",
    SignerRole.MEMBER: "l'entreprise adhérente",
}

HEADCOUNT_BANDS: Final = {
    HeadcountBand.FROM_0_TO_9: "0 à 9 salariés",
    HeadcountBand.FROM_10_TO_19: "10 à 19 salariés",
    HeadcountBand.FROM_20_TO_49: "20 à 49 salariés",
    HeadcountBand.FROM_50_TO_99: "50 à 99 salariés",
    HeadcountBand.FROM_100_TO_249: "100 à 249 salariés",
}

SKILL_LEVELS: Final = {
    1: "1 — Notions : a suivi une formation ou l'a pratiqué ponctuellement",
    2: "2 — Pratique : le fait régulièrement avec un appui",
    3: "3 — Autonome : mène un projet seul·e de bout en bout",
    4: "4 — Expert : forme les autres, traite les cas difficiles",
}

LANGUAGES: Final = {
    "fr": "français",
    "en": "anglais",
    "de": "allemand",
    "es": "espagnol",
    "it": "italien",
    "br": "breton",
    "ar": "arabe",
    "pt": "portugais",
    "nl": "néerlandais",
}

NOTIFICATION_KINDS: Final = {
    NotificationKind.ENGAGEMENT_PROPOSED: "Proposition de mise à disposition",
    NotificationKind.ENGAGEMENT_ACCEPTED: "Mise à disposition acceptée",
    NotificationKind.CONSENT_NEEDED: "Votre accord est attendu",
    NotificationKind.ENGAGEMENT_ACTIVE: "Mise à disposition démarrée",
    NotificationKind.ENGAGEMENT_CANCELLED: "Mise à disposition annulée",
    NotificationKind.TIMESHEET_TO_APPROVE: "Heures à approuver",
    NotificationKind.TIMESHEET_REJECTED: "Heures refusées",
    NotificationKind.STATEMENT_TO_AGREE: "Relevé mensuel à valider",
    NotificationKind.EXTENSION_REQUESTED: "Demande de prolongation",
    NotificationKind.PROPOSALS_READY: "Nouvelles propositions",
    NotificationKind.ROTATION_DRAFT_READY: "Projet de planning du CDO prêt",
    NotificationKind.ROTATION_PUBLISHED: "Planning du CDO publié",
    NotificationKind.ROTATION_NEXT_WEEK: "Jours du CDO la semaine prochaine",
    NotificationKind.CDO_ALLOCATION: "Coût du CDO imputé",
    NotificationKind.EXPORTS_READY: "Exports comptables prêts",
    NotificationKind.JOIN_REQUESTED: "Demande d'adhésion au groupement",
    NotificationKind.JOIN_DECIDED: "Réponse à une demande d'adhésion",
    NotificationKind.INVITATION: "Invitation",
    NotificationKind.PASSWORD_RESET: "Nouveau mot de passe",
    NotificationKind.COMPANY_CLAIMED: "Entreprise pré-enregistrée rejointe",
    NotificationKind.SIGNUP_WELCOME: "Bienvenue",
    NotificationKind.SIGNUP_EXISTING_ACCOUNT: "Tentative d'inscription avec votre adresse",
}

TODO_KINDS: Final = {
    TodoKind.ACCEPT_LOAN: "Accepter ou refuser une mise à disposition proposée",
    TodoKind.APPROVE_LOAN: "Approuver le prêt d'un de vos salariés",
    TodoKind.GIVE_CONSENT: "Donner ou refuser votre accord écrit à une mise à disposition",
    TodoKind.SIGN_DOCUMENTS: "Signer les documents d'une mise à disposition",
    TodoKind.ACTIVATE_LOAN: "Démarrer une mise à disposition dont le dossier est complet",
    TodoKind.LOG_HOURS: "Saisir vos heures sur une mission en cours",
    TodoKind.APPROVE_HOURS: "Approuver des heures saisies",
    TodoKind.AGREE_STATEMENT: "Valider ou contester des relevés mensuels",
    TodoKind.REVIEW_PROPOSALS: "Examiner des propositions de mission",
    TodoKind.APPROVE_EXPENSES: "Approuver ou refuser des frais de mission de vos salariés",
    TodoKind.APPROVE_TRAININGS: "Valider ou refuser des formations de vos salariés",
    TodoKind.REVIEW_JOIN_REQUESTS: "Accepter ou refuser des demandes d'adhésion au groupement",
    TodoKind.PUBLISH_PLAN: "Publier le planning du CDO mutualisé préparé",
}

TRAINING_STATUSES: Final = {
    "submitted": "En attente de validation",
    "approved": "Validée par l'employeur",
    "rejected": "Refusée par l'employeur",
}

JOB_KINDS: Final = {
    JobKind.MATCHING_RUN: "Calcul d'appariement",
    JobKind.ROTATION_PLAN: "Calcul du planning du CDO mutualisé",
}

JOB_STATUSES: Final = {
    JobStatus.QUEUED: "En file d'attente",
    JobStatus.RUNNING: "Calcul en cours",
    JobStatus.DONE: "Terminé",
    JobStatus.FAILED: "Échec",
}

VAT_REGIMES: Final = {
    VatRegime.REEL: "Redevable de la TVA (régime réel normal ou simplifié)",
    VatRegime.FRANCHISE: "Franchise en base de TVA (art. 293 B du CGI)",
    VatRegime.EXEMPT: "Activité exonérée de TVA (par exemple art. 261 du CGI)",
}

EXPENSE_KINDS: Final = {
    ExpenseKind.TRANSPORT: "Transport",
    ExpenseKind.LODGING: "Hébergement",
    ExpenseKind.MEALS: "Repas",
    ExpenseKind.OTHER: "Autre",
}

EXPENSE_STATUSES: Final = {
    ExpenseStatus.SUBMITTED: "En attente de validation",
    ExpenseStatus.APPROVED: "Validés par l'employeur",
    ExpenseStatus.REJECTED: "Refusés par l'employeur",
    ExpenseStatus.WITHDRAWN: "Retirés",
}

INVOICE_KINDS: Final = {
    InvoiceKind.INVOICE: "Facture",
    InvoiceKind.CREDIT_NOTE: "Avoir",
}

INVOICE_ORIGINS: Final = {
    InvoiceOrigin.LOAN: "Mise à disposition (relevé mensuel)",
    InvoiceOrigin.CDO: "CDO mutualisé (groupement)",
}

INVOICE_LINE_KINDS: Final = {
    LineKind.HOURS: "Heures",
    LineKind.EXPENSE: "Frais",
    LineKind.CDO: "CDO mutualisé",
}

VOCABULARIES: Final[dict[str, Mapping[Any, str]]] = {
    "training": TRAINING_STATUSES,
    "role": ROLES,
    "engagement": ENGAGEMENT_STATUSES,
    "step": STEPS,
    "paper": PAPERS,
    "need": NEED_STATUSES,
    "statement": STATEMENT_STATUSES,
    "timesheet": TIMESHEET_STATUSES,
    "extension": EXTENSION_STATUSES,
    "proposal": PROPOSAL_STATUSES,
    "document": DOCUMENT_KINDS,
    "signer": SIGNER_ROLES,
    "headcount": HEADCOUNT_BANDS,
    "level": SKILL_LEVELS,
    "language": LANGUAGES,
    "notification": NOTIFICATION_KINDS,
    "todo": TODO_KINDS,
    "job_kind": JOB_KINDS,
    "job_status": JOB_STATUSES,
    "vat_regime": VAT_REGIMES,
    "expense_kind": EXPENSE_KINDS,
    "expense": EXPENSE_STATUSES,
    "invoice_kind": INVOICE_KINDS,
    "invoice_origin": INVOICE_ORIGINS,
    "invoice_line": INVOICE_LINE_KINDS,
}


def label(kind: str, value: object) -> str:
    """The French word for `value` in vocabulary `kind`; a missing word is a bug."""
    words = VOCABULARIES[kind]
    key = value.value if hasattr(value, "value") and value not in words else value
    found = words.get(key)
    if found is None:
        found = words.get(str(key))
    assert found is not None, f"no French label for {kind}={value!r}"
    return found
