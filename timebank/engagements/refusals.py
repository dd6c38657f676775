"""The refusals of engagements: each defined once, raised by name (`raise NAME.error()`)."""

from __future__ import annotations

from ledger.model import TransferResult
from timebank import refusals as shared
from timebank.errors import Conflict, Forbidden, InvalidInput, NotFound, Refusal

ADMINS_ONLY = Refusal(
    "admins_only",
    Forbidden,
    fr="Réservé aux administrateurs des deux entreprises.",
    en="Only the two companies' admins may do this.",
)

ALREADY_DECIDED = Refusal(
    "already_decided",
    Conflict,
    fr="Demande déjà tranchée.",
    en="Request already decided.",
    field="extension_id",
)

ALREADY_RECORDED = Refusal(
    "already_recorded",
    Conflict,
    fr="Cette pièce est déjà enregistrée.",
    en="This paperwork item is already recorded.",
    field="document",
)

ENTRY_ALREADY_REVIEWED = Refusal(
    "already_reviewed",
    Conflict,
    fr="Saisie déjà traitée.",
    en="Entry already reviewed.",
    field="entry_id",
)


ENTRY_SETTLED = Refusal(
    "already_reviewed",
    Conflict,
    fr="Saisie déjà approuvée ou refusée : elle ne peut plus être modifiée ni supprimée.",
    en="Entry already approved or rejected: it can no longer be changed or withdrawn.",
    field="entry_id",
)

AMOUNT_MUST_BE_POSITIVE = Refusal(
    "amount_must_be_positive",
    InvalidInput,
    fr="La durée doit être positive.",
    en="The duration must be positive.",
    field="minutes",
)

APPROVAL_DOES_NOT_COVER_PERIOD = Refusal(
    "approval_does_not_cover_period",
    Conflict,
    fr="L'accord de prêt du salarié ne couvre pas cette période.",
    en="The employee's lending approval does not cover this period.",
    field="employee_id",
)

BEFORE_ACTIVATION = Refusal(
    "before_activation",
    InvalidInput,
    fr=(
        "Pas d'heures avant le début effectif du prêt, le {activated_on:%d/%m/%Y} (le CSE "
        "consulté et les documents signés d'abord)."
    ),
    en=(
        "No hours before the loan started, on {activated_on_iso} (the works council consulted and "
        "the documents signed first)."
    ),
    field="work_date",
)

BEYOND_HOST_CREDIT_LINE = Refusal(
    "beyond_credit_line",
    Conflict,
    fr="L'entreprise d'accueil dépasserait sa ligne de crédit en heures.",
    en="The host company would go beyond its credit line in hours.",
    field="extra_minutes",
)


COMPANY_NOT_FOUND = shared.COMPANY_NOT_FOUND


CONCURRENT_CHANGE = Refusal(
    "concurrent_change",
    Conflict,
    fr="L'engagement vient d'être modifié : rechargez.",
    en="The engagement has just changed: reload it.",
    field="status",
)

DUPLICATE_SUBMISSION = Refusal(
    "duplicate_submission",
    Conflict,
    fr="Cet identifiant de saisie a déjà servi pour autre chose.",
    en="This entry id was already used for something else.",
    field="client_id",
)

EMPLOYEE_NOT_FOUND = Refusal(
    "employee_not_found",
    NotFound,
    fr="Salarié introuvable : {id}.",
    en="Employee not found: {id}.",
    field="employee_id",
)

END_BEFORE_START = Refusal(
    "end_before_start",
    InvalidInput,
    fr="La fin ({end:%d/%m/%Y}) précède le début ({start:%d/%m/%Y}).",
    en="The end ({end_iso}) is before the start ({start_iso}).",
    field="period_end",
)

HOURS_ON_INACTIVE_LOAN = Refusal(
    "engagement_not_active",
    Conflict,
    fr="On ne saisit des heures que sur une mise à disposition active.",
    en="Hours can only be logged on an active loan.",
    field="engagement_id",
)

HOURS_WINDOW_CLOSED = Refusal(
    "hours_window_closed",
    Conflict,
    fr=(
        "Les heures de cette mise à disposition se saisissent et s'approuvent jusqu'au "
        "{last_day:%d/%m/%Y}, {grace_days} jours après la fin de sa période : ce délai est passé. "
        "Des heures encore en attente ne peuvent plus qu'être rejetées."
    ),
    en=(
        "This loan's hours can be logged and approved until {last_day_iso}, {grace_days} days "
        "after its period ends: that time is over. Hours still waiting can only be rejected."
    ),
    field="work_date",
)

PERIOD_OVER = Refusal(
    "period_over",
    Conflict,
    fr=(
        "La période de cette mise à disposition s'est terminée le {period_end:%d/%m/%Y} : elle "
        "ne peut plus démarrer. Annulez-la, ou proposez-en une nouvelle avec une autre période."
    ),
    en=(
        "This loan's period ended on {period_end_iso}: it can no longer start. Cancel it, or "
        "propose a new one with another period."
    ),
    field="period_end",
)

LOAN_NO_LONGER_ACTIVE = Refusal(
    "engagement_not_active",
    Conflict,
    fr="La mise à disposition n'est plus active.",
    en="The loan is no longer active.",
    field="entry_ids",
)


EXTENSION_OF_INACTIVE_LOAN = Refusal(
    "engagement_not_active",
    Conflict,
    fr="Seule une mise à disposition active s'étend.",
    en="Only an active loan can be extended.",
    field="status",
)

EXTENSION_PENDING = Refusal(
    "extension_pending",
    Conflict,
    fr=(
        "Une demande d'heures supplémentaires attend déjà la décision de l'entreprise qui "
        "prête : une seule à la fois."
    ),
    en="A request for more hours already awaits the lender's decision: one at a time.",
    field="extra_minutes",
)


ENGAGEMENT_NOT_FOUND = shared.ENGAGEMENT_NOT_FOUND


ENTRIES_AWAITING_REVIEW = Refusal(
    "entries_awaiting_review",
    Conflict,
    fr="Des heures attendent encore validation : traitez-les d'abord.",
    en="Hours still await review: approve or reject them first.",
    field="status",
)


ENTRY_NOT_FOUND = Refusal(
    "entry_not_found",
    NotFound,
    fr="Saisie introuvable : {id}.",
    en="Entry not found: {id}.",
)


ENTRY_WITHDRAWN = Refusal(
    "entry_withdrawn",
    Conflict,
    fr="Cette saisie a été supprimée.",
    en="This entry was withdrawn.",
    field="entry_id",
)

EXCEEDS_DAILY_LIMIT = Refusal(
    "exceeds_daily_limit",
    InvalidInput,
    fr="Plus de 10 h de travail déclarées ce jour-là.",
    en="More than 10 hours of work declared that day.",
    field="minutes",
)

EXCEEDS_PLANNED_HOURS = Refusal(
    "exceeds_planned_hours",
    InvalidInput,
    fr=(
        "Dépasse les heures prévues (reste {remaining} h {remaining_minutes_part:02d}) : "
        "demandez d'abord une extension de la mise à disposition."
    ),
    en=(
        "Exceeds the planned hours ({remaining_minutes} minutes left): ask for an extension of "
        "the loan first."
    ),
    field="minutes",
)

EXCEEDS_WEEKLY_LIMIT = Refusal(
    "exceeds_weekly_limit",
    InvalidInput,
    fr="Plus de 48 h de travail déclarées cette semaine.",
    en="More than 48 hours of work declared that week.",
    field="minutes",
)

EXTENSION_REQUEST_NOT_FOUND = Refusal(
    "extension_request_not_found",
    NotFound,
    fr="Demande d'extension introuvable : {id}.",
    en="Extension request not found: {id}.",
)

FORBIDDEN_FOR_COMPANY = shared.FORBIDDEN_FOR_COMPANY


ONLY_THE_TWO_ADMINS = Refusal(
    "forbidden_for_company",
    Forbidden,
    fr="Réservé aux administrateurs des deux entreprises.",
    en="Only the two companies' admins may do this.",
)

FUTURE_DATE = Refusal(
    "future_date",
    InvalidInput,
    fr="La consultation ne peut pas être datée du futur.",
    en="The consultation cannot be dated in the future.",
    field="consulted_on",
)

FUTURE_ENTRY = Refusal(
    "future_entry",
    InvalidInput,
    fr="Pas de saisie pour une date future.",
    en="No entry for a future date.",
    field="work_date",
)

ID_INVALID = Refusal(
    "id_invalid",
    InvalidInput,
    fr="Identifiant de saisie attendu (UUID).",
    en="An entry id (UUID) is expected.",
    field="client_id",
)

STEP_NOT_ALLOWED = Refusal(
    "illegal_transition",
    Conflict,
    fr="Cette action n'est pas possible à ce stade de la mise à disposition.",
    en="Step '{step}' is not allowed from status '{current}'.",
    field="status",
)

TERMS_AFTER_START = Refusal(
    "illegal_transition",
    Conflict,
    fr="Les conditions du prêt se fixent avant son début.",
    en="The loan's terms are set before it starts.",
    field="status",
)

SIGNING_AFTER_START = Refusal(
    "illegal_transition",
    Conflict,
    fr="On signe avant le début du prêt.",
    en="Documents are signed before the loan starts.",
    field="status",
)

CSE_AFTER_START = Refusal(
    "illegal_transition",
    Conflict,
    fr="Le CSE se consulte avant le début du prêt.",
    en="The works council is consulted before the loan starts.",
    field="status",
)

INVALID_SIDE = Refusal(
    "invalid_side",
    InvalidInput,
    fr="Côté attendu : prêteuse ou d'accueil.",
    en="Side expected: lender or host.",
    field="side",
)

UNKNOWN_STATUS = Refusal(
    "invalid_status",
    InvalidInput,
    fr="Statut inconnu : « {status} ».",
    en="Unknown status: '{status}'.",
    field="status",
)

LOAN_TERMS_MISSING = Refusal(
    "loan_terms_missing",
    Conflict,
    fr="Les documents du prêt ne peuvent pas être établis : renseignez {labels}.",
    en="The loan's documents cannot be drawn up: fill in {missing}.",
)

NOT_A_PARTY = Refusal(
    "not_a_party",
    InvalidInput,
    fr="Entreprise étrangère à ce prêt.",
    en="This company is not party to the loan.",
    field="company_id",
)

ONLY_THE_EMPLOYEE_CONSENTS = Refusal(
    "not_the_employee",
    Forbidden,
    fr="Seul·e le·la salarié·e concerné·e peut donner son accord.",
    en="Only the employee concerned can consent.",
)

ONLY_THE_AUTHOR_CHANGES_HOURS = Refusal(
    "not_the_employee",
    Forbidden,
    fr="Seul·e le·la salarié·e qui a saisi ces heures peut les corriger.",
    en="Only the employee who logged these hours may change them.",
)

ONLY_THE_EMPLOYEE_LOGS_HOURS = Refusal(
    "not_the_employee",
    Forbidden,
    fr="Seul·e le·la salarié·e prêté·e saisit ses heures.",
    en="Only the lent employee logs their hours.",
)

NO_CSE = Refusal(
    "no_cse",
    InvalidInput,
    fr="Cette entreprise n'a pas de CSE.",
    en="This company has no works council.",
    field="company_id",
)

OPEN_NEED_NOT_FOUND = Refusal(
    "open_need_not_found",
    NotFound,
    fr="Besoin ouvert introuvable : {id}.",
    en="Open need not found: {id}.",
    field="need_id",
)

OUTSIDE_PERIOD = Refusal(
    "outside_period",
    InvalidInput,
    fr="Date hors de la période ({period_start:%d/%m/%Y} – {period_end:%d/%m/%Y}).",
    en="Date outside the loan's period ({period_start_iso} to {period_end_iso}).",
    field="work_date",
)

OUT_OF_RANGE = Refusal(
    "out_of_range",
    InvalidInput,
    fr="La période probatoire compte de 0 à {probation_days_max} jours ouvrés.",
    en="The probation period is 0 to {probation_days_max} working days.",
    field="probation_days",
)

OVER_BUDGET = Refusal(
    "over_budget",
    Conflict,
    fr=(
        "Dépasse les heures prêtables approuvées en {month:%m/%Y} ({minutes} pour "
        "{approved_minutes_per_month})."
    ),
    en=(
        "Exceeds the approved lendable hours in {month:%Y-%m} ({minutes_in_month} minutes for "
        "{approved_minutes})."
    ),
    field="planned_minutes",
)

PAPERWORK_INCOMPLETE = Refusal(
    "paperwork_incomplete",
    Conflict,
    fr="Le prêt ne peut commencer : pièces manquantes ({names}).",
    en="The loan cannot start: missing paperwork ({names}).",
    field="paperwork",
)

PERIOD_TOO_LONG = Refusal(
    "period_too_long",
    InvalidInput,
    fr="Une mise à disposition dure au plus un an.",
    en="A loan lasts at most one year.",
    field="period_end",
)

REQUIRED_DESCRIPTION = Refusal(
    "required",
    InvalidInput,
    fr="Décrivez le travail effectué.",
    en="Describe the work done.",
    field="description",
)

NO_ENTRY_TO_APPROVE = Refusal(
    "required",
    InvalidInput,
    fr="Aucune saisie à valider.",
    en="No entry to approve.",
    field="entry_ids",
)

EXTRA_HOURS_REQUIRED = Refusal(
    "required",
    InvalidInput,
    fr="Indiquez les heures supplémentaires.",
    en="Give the extra hours.",
    field="extra_minutes",
)

PLANNED_HOURS_REQUIRED = Refusal(
    "required",
    InvalidInput,
    fr="Indiquez les heures prévues.",
    en="Give the planned hours.",
    field="planned_minutes",
)

REQUIRED_REASON = Refusal(
    "required",
    InvalidInput,
    fr="Indiquez le motif du refus : le salarié le lira.",
    en="Give the reason for the rejection: the employee will read it.",
    field="reason",
)

SAME_COMPANY = Refusal(
    "same_company",
    InvalidInput,
    fr="On ne se prête pas à soi-même.",
    en="A company cannot lend to itself.",
    field="employee_id",
)

SELF_APPROVAL = Refusal(
    "self_approval",
    Forbidden,
    fr="Personne ne valide ses propres heures.",
    en="Nobody approves their own hours.",
)

SELF_REVIEW = Refusal(
    "self_approval",
    Forbidden,
    fr="Personne ne traite ses propres heures.",
    en="Nobody reviews their own hours.",
)

TEXT_TOO_LONG = Refusal(
    "text_too_long",
    InvalidInput,
    fr="Description limitée à {description_length_max} caractères.",
    en="Description limited to {description_length_max} characters.",
    field="description",
)

TOO_MANY_ITEMS = Refusal(
    "too_many_items",
    InvalidInput,
    fr="Au plus {review_batch_max} saisies à la fois.",
    en="At most {review_batch_max} entries at once.",
    field="entry_ids",
)

UNKNOWN_DOCUMENT = Refusal(
    "unknown_document",
    InvalidInput,
    fr="Document inconnu : « {document} ».",
    en="Unknown document: '{document}'.",
    field="document",
)


# A transfer the ledger refused, by its reason (a loan's writes never expect one: a refusal
# here means the loan and its ledger disagree). Code: `ledger_` and the ledger's result.
def _ledger_refused(result: TransferResult) -> Refusal[Conflict]:
    words = shared.ledger_words(result)
    return Refusal(
        f"ledger_{result.value}",
        Conflict,
        fr=f"Le grand livre a refusé l'écriture : {words['result_fr']}.",
        en=f"The ledger refused the entry: {words['result_en']}.",
        field="ledger",
    )


LEDGER_REFUSED: dict[TransferResult, Refusal[Conflict]] = {
    result: _ledger_refused(result)
    for result in TransferResult
    if result not in shared.LEDGER_PASSED
}


CSE_NOT_BEFORE_START = Refusal(
    "cse_not_before_start",
    InvalidInput,
    fr="Le CSE est consulté avant le début du prêt ({start}) : au plus tard le {eve}.",
    en="The works council is consulted before the loan starts ({start_iso}): on {eve_iso} at "
    "the latest.",
    field="consulted_on",
)


# The same rule met at activation: a paper on file says the CSE was consulted too late.
CSE_CONSULTED_TOO_LATE = Refusal(
    "cse_not_before_start",
    Conflict,
    fr=CSE_NOT_BEFORE_START.fr,
    en=CSE_NOT_BEFORE_START.en,
    field="paperwork",
)
