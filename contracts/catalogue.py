"""The catalogue of open-source contract templates: for each, a stable id, a semantic version,
its licence, its typed variables, and the registry of its mandatory clauses (with their legal
basis and the words that prove the rendered document contains them).

Pure data and checks: no rendering here (see `contracts.render`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Final

LICENCE_OUVERTE: Final = "Licence Ouverte 2.0 (Etalab)"
TEXT_LENGTH_MAX: Final = 5000
LIST_ITEMS_MAX: Final = 200
MONEY_CENTS_MAX: Final = 10**12
INTEGER_MAX: Final = 10**15  # An exact rate's numerator: 1 000 000 € gross × (1 + 100 %).
SIREN_RE: Final = re.compile(r"^\d{9}$")


class VariableType(StrEnum):
    TEXT = "text"
    OPTIONAL_TEXT = "optional_text"  # Text that may be empty (an option left out).
    DATE = "date"  # ISO text (AAAA-MM-JJ) or a date.
    INTEGER = "integer"
    MONEY_CENTS = "money_cents"
    BOOLEAN = "boolean"
    COMPANY = "company"  # {name, siren, address, postal_code, city, representative}
    PERSON = "person"  # {full_name, job_title}
    TEXT_LIST = "text_list"
    COMPANY_LIST = "company_list"


COMPANY_FIELDS: Final = ("name", "siren", "address", "postal_code", "city", "representative")
PERSON_FIELDS: Final = ("full_name", "job_title")


@dataclass(frozen=True, slots=True)
class Variable:
    name: str
    type: VariableType
    description: str


@dataclass(frozen=True, slots=True)
class Clause:
    """A clause the law (or the programme's rules) requires, and the words that show it is
    there in the rendered text."""

    id: str
    title: str
    legal_basis: str
    phrase: str


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    title: str
    version: str
    licence: str
    source: str  # File name in contracts/templates/.
    variables: tuple[Variable, ...]
    clauses: tuple[Clause, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    variable: str
    message_fr: str
    message_en: str


class TemplateDataError(ValueError):
    """The data does not fit the template: every problem is listed, never a blank."""

    def __init__(self, template_id: str, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.variable}: {p.message_en}" for p in problems))
        self.template_id = template_id
        self.problems = problems


def _v(name: str, kind: VariableType, description: str) -> Variable:
    return Variable(name, kind, description)


_LOAN_VARIABLES: Final = (
    _v("lender", VariableType.COMPANY, "Entreprise prêteuse (employeur)"),
    _v("host", VariableType.COMPANY, "Entreprise d'accueil (utilisatrice)"),
    _v("employee", VariableType.PERSON, "Salarié·e mis·e à disposition et sa qualification"),
    _v("start", VariableType.DATE, "Premier jour de la mise à disposition"),
    _v("end", VariableType.DATE, "Dernier jour de la mise à disposition"),
    _v("planned_time", VariableType.TEXT, "Durée prévue sur la période (« 40 h »)"),
    _v("tasks", VariableType.TEXT, "Missions confiées"),
    _v("place", VariableType.TEXT, "Lieu de travail"),
    _v("remote", VariableType.BOOLEAN, "Travail à distance possible"),
    _v(
        "working_hours",
        VariableType.TEXT,
        "Horaires de travail et leur répartition dans la semaine",
    ),
    _v("post_characteristics", VariableType.TEXT, "Caractéristiques particulières du poste"),
    _v(
        "hourly_cost_numerator_cents",
        VariableType.INTEGER,
        "Coût horaire facturé, exact : numérateur en centimes (salaire brut × (1 + taux))",
    ),
    _v(
        "hourly_cost_denominator",
        VariableType.INTEGER,
        "Coût horaire facturé, exact : dénominateur (heures annuelles, à l'échelle du taux)",
    ),
    _v("annual_work_hours", VariableType.INTEGER, "Heures annuelles de travail"),
    _v("probation_days", VariableType.INTEGER, "Période probatoire (jours ouvrés, 0 : aucune)"),
    _v(
        "open_source_licence",
        VariableType.OPTIONAL_TEXT,
        "Licence libre des travaux produits (vide : droits cédés à l'hôte)",
    ),
    _v("signed_at_place", VariableType.TEXT, "Lieu de signature"),
)

TEMPLATES: Final[dict[str, Template]] = {
    template.id: template
    for template in (
        Template(
            id="convention-mise-a-disposition",
            title="Convention de mise à disposition de personnel à but non lucratif",
            version="2.0.0",
            licence=LICENCE_OUVERTE,
            source="convention-mise-a-disposition.md.j2",
            variables=_LOAN_VARIABLES,
            clauses=(
                Clause("duration", "Durée", "C. trav. L8241-2", "La mise à disposition court du"),
                Clause(
                    "identity",
                    "Identité et qualification du salarié",
                    "C. trav. L8241-2",
                    "dont la qualification est",
                ),
                Clause(
                    "at_cost_billing",
                    "Facturation au coût exact",
                    "C. trav. L8241-1 et L8241-2",
                    "sans aucune marge",
                ),
                Clause(
                    "billed_rate",
                    "Coût horaire facturé et règle d'arrondi",
                    "C. trav. L8241-1 et L8241-2",
                    "il est appliqué sans être arrondi",
                ),
                Clause(
                    "tasks_place_hours",
                    "Missions, lieu, horaires et caractéristiques du poste",
                    "C. trav. L8241-2",
                    "Caractéristiques particulières du poste",
                ),
                Clause(
                    "host_responsibility",
                    "Conditions d'exécution du travail",
                    "C. trav. L1251-21 (par renvoi de L8241-2)",
                    "durée du travail, le travail de nuit, le repos hebdomadaire "
                    "et les jours fériés",
                ),
                Clause(
                    "collective_facilities",
                    "Installations et transports collectifs",
                    "C. trav. L8241-2",
                    "installations et moyens de transport collectifs",
                ),
                Clause("probation", "Période probatoire", "C. trav. L8241-2", "période probatoire"),
                Clause(
                    "return",
                    "Retour dans l'entreprise prêteuse",
                    "C. trav. L8241-2",
                    "retrouve son poste de travail",
                ),
                Clause(
                    "insurance",
                    "Assurances et accidents du travail",
                    "CSS L412-3 ; C. trav. L8241-2",
                    "accident du travail",
                ),
                Clause(
                    "confidentiality",
                    "Confidentialité",
                    "C. civ. 1103 (force obligatoire du contrat)",
                    "confidentielles",
                ),
                Clause(
                    "intellectual_property",
                    "Propriété et licence des travaux, chaque droit cédé mentionné distinctement",
                    "CPI L111-1, L113-9, L131-1 et L131-3",
                    "chacun des droits cédés étant mentionné distinctement",
                ),
                Clause(
                    "termination",
                    "Fin anticipée",
                    "C. civ. 1103 et 1212 ; C. trav. L8241-2",
                    "mettre fin à la présente convention",
                ),
                Clause("signatures", "Signatures", "C. civ. 1367", "Fait à"),
            ),
        ),
        Template(
            id="avenant-mise-a-disposition",
            title="Avenant au contrat de travail — mise à disposition",
            version="2.0.0",
            licence=LICENCE_OUVERTE,
            source="avenant-mise-a-disposition.md.j2",
            variables=_LOAN_VARIABLES,
            clauses=(
                Clause("work", "Travail confié", "C. trav. L8241-2", "Travail confié"),
                Clause("hours", "Horaires", "C. trav. L8241-2", "Horaires de travail"),
                Clause("place", "Lieu d'exécution", "C. trav. L8241-2", "Lieu de travail"),
                Clause(
                    "post",
                    "Caractéristiques du poste",
                    "C. trav. L8241-2",
                    "Caractéristiques particulières du poste",
                ),
                Clause(
                    "collective_facilities",
                    "Installations et transports collectifs",
                    "C. trav. L8241-2",
                    "installations et moyens de transport collectifs",
                ),
                Clause(
                    "not_broken",
                    "Contrat maintenu",
                    "C. trav. L8241-2",
                    "n'est ni rompu ni suspendu",
                ),
                Clause("probation", "Période probatoire", "C. trav. L8241-2", "période probatoire"),
                Clause(
                    "return",
                    "Retour au même poste",
                    "C. trav. L8241-2",
                    "sans que l'évolution de sa carrière ou de sa rémunération",
                ),
                Clause(
                    "copyright",
                    "Cession des droits d'auteur, chaque droit mentionné distinctement",
                    "CPI L111-1, L113-9, L131-1 et L131-3",
                    "chacun des droits cédés étant mentionné distinctement",
                ),
                Clause(
                    "consent",
                    "Accord écrit du salarié",
                    "C. trav. L8241-2",
                    "donne son accord écrit",
                ),
                Clause(
                    "no_sanction",
                    "Refus sans sanction",
                    "C. trav. L8241-2",
                    "ne peut être sanctionné",
                ),
            ),
        ),
        Template(
            id="contrat-temps-partage-groupement",
            title="Contrat de travail à temps partagé en groupement d'employeurs",
            version="2.0.1",
            licence=LICENCE_OUVERTE,
            source="contrat-temps-partage-groupement.md.j2",
            variables=(
                _v("group", VariableType.COMPANY, "Groupement d'employeurs (employeur)"),
                _v(
                    "employee",
                    VariableType.PERSON,
                    "Salarié·e (CDO mutualisé·e) et sa qualification",
                ),
                _v("start", VariableType.DATE, "Date d'embauche convenue"),
                _v("permanent", VariableType.BOOLEAN, "Contrat à durée indéterminée (sinon : CDD)"),
                _v(
                    "fixed_term",
                    VariableType.OPTIONAL_TEXT,
                    "CDD : terme et motif précis (vide pour un CDI)",
                ),
                _v(
                    "annual_gross_salary_cents",
                    VariableType.MONEY_CENTS,
                    "Rémunération brute annuelle",
                ),
                _v(
                    "weekly_hours",
                    VariableType.TEXT,
                    "Durée hebdomadaire du travail convenue (« 28 h »)",
                ),
                _v("part_time", VariableType.BOOLEAN, "Temps partiel (durée inférieure à 35 h)"),
                _v(
                    "hours_spread",
                    VariableType.TEXT,
                    "Répartition de la durée entre les jours de la semaine",
                ),
                _v(
                    "collective_agreement",
                    VariableType.TEXT,
                    "Convention collective appliquée par le groupement (intitulé et IDCC)",
                ),
                _v("members", VariableType.COMPANY_LIST, "Entreprises utilisatrices potentielles"),
                _v("places", VariableType.TEXT_LIST, "Lieux d'exécution du travail"),
                _v("signed_at_place", VariableType.TEXT, "Lieu de signature"),
            ),
            clauses=(
                Clause(
                    "contract_kind",
                    "Nature du contrat : CDI, ou CDD avec son terme et son motif",
                    "C. trav. L1253-9 ; L1242-12 pour un CDD",
                    "contrat de travail à durée",
                ),
                Clause(
                    "employment_pay",
                    "Conditions d'emploi et de rémunération",
                    "C. trav. L1253-9",
                    "conditions d'emploi et de rémunération",
                ),
                Clause("qualification", "Qualification", "C. trav. L1253-9", "qualification"),
                Clause(
                    "working_time",
                    "Durée du travail et sa répartition entre les jours de la semaine",
                    "C. trav. L3123-6 (temps partiel)",
                    "répartie entre les jours de la semaine",
                ),
                Clause(
                    "collective_agreement",
                    "Convention collective applicable",
                    "C. trav. L1253-10 et L1253-17",
                    "convention collective applicable",
                ),
                Clause(
                    "user_companies",
                    "Utilisateurs potentiels",
                    "C. trav. L1253-9",
                    "liste des utilisateurs potentiels",
                ),
                Clause("places", "Lieux d'exécution", "C. trav. L1253-9", "lieux d'exécution"),
                Clause(
                    "equal_treatment",
                    "Égalité de traitement",
                    "C. trav. L1253-9",
                    "égalité de traitement",
                ),
                Clause(
                    "user_responsibility",
                    "Conditions d'exécution du travail chez l'utilisateur",
                    "C. trav. L1253-12",
                    "au travail des femmes, des enfants et des jeunes travailleurs",
                ),
                Clause(
                    "joint_liability",
                    "Solidarité des membres",
                    "C. trav. L1253-8",
                    "solidairement responsables",
                ),
                Clause("signatures", "Signatures", "C. civ. 1367", "Fait à"),
            ),
        ),
        Template(
            id="convention-groupement-membre",
            title="Convention de mise à disposition par le groupement d'employeurs",
            version="1.1.0",
            licence=LICENCE_OUVERTE,
            source="convention-groupement-membre.md.j2",
            variables=(
                _v("group", VariableType.COMPANY, "Groupement d'employeurs"),
                _v("member", VariableType.COMPANY, "Entreprise membre utilisatrice"),
                _v("cdo", VariableType.PERSON, "CDO mutualisé·e"),
                _v("start", VariableType.DATE, "Début de la période"),
                _v("end", VariableType.DATE, "Fin de la période"),
                _v("days", VariableType.TEXT, "Jours demandés sur la période"),
                _v(
                    "management_costs_cents",
                    VariableType.MONEY_CENTS,
                    "Frais de gestion mensuels déclarés",
                ),
                _v("signed_at_place", VariableType.TEXT, "Lieu de signature"),
            ),
            clauses=(
                Clause("days", "Jours de mise à disposition", "C. trav. L1253-1", "jours demandés"),
                Clause(
                    "cost_allocation",
                    "Répartition du coût",
                    "C. trav. L1253-1",
                    "au prorata des créneaux effectivement travaillés",
                ),
                Clause(
                    "member_responsibility",
                    "Responsabilités du membre : durée du travail, travail de nuit, repos "
                    "hebdomadaire et jours fériés, santé et sécurité, travail des femmes, des "
                    "enfants et des jeunes travailleurs",
                    "C. trav. L1253-12",
                    "à la durée du travail ; au travail de nuit ; au repos hebdomadaire et aux "
                    "jours fériés ; à la santé et à la sécurité au travail ; au travail des "
                    "femmes, des enfants et des jeunes travailleurs",
                ),
                Clause(
                    "joint_liability",
                    "Solidarité",
                    "C. trav. L1253-8",
                    "solidairement responsable",
                ),
                Clause("signatures", "Signatures", "C. civ. 1367", "Fait à"),
            ),
        ),
        Template(
            id="statuts-groupement-employeurs",
            title="Statuts d'un groupement d'employeurs en association loi 1901",
            version="1.0.0",
            licence=LICENCE_OUVERTE,
            source="statuts-groupement-employeurs.md.j2",
            variables=(
                _v("name", VariableType.TEXT, "Dénomination du groupement"),
                _v("seat", VariableType.TEXT, "Adresse du siège"),
                _v("activities", VariableType.TEXT, "Domaine des emplois mis à disposition"),
                _v("founders", VariableType.COMPANY_LIST, "Membres fondateurs"),
                _v("annual_fee_cents", VariableType.MONEY_CENTS, "Cotisation annuelle"),
                _v(
                    "collective_agreement",
                    VariableType.TEXT,
                    "Convention collective du groupement (intitulé et IDCC)",
                ),
                _v(
                    "liability_split",
                    VariableType.TEXT,
                    "Règle objective de répartition des dettes entre membres",
                ),
                _v(
                    "board_size",
                    VariableType.INTEGER,
                    "Nombre de membres du conseil d'administration",
                ),
                _v("president", VariableType.TEXT, "Premier président"),
                _v("adopted_on", VariableType.DATE, "Date de l'assemblée constitutive"),
                _v("signed_at_place", VariableType.TEXT, "Lieu de signature"),
            ),
            clauses=(
                Clause(
                    "form",
                    "Association loi 1901 constituée en groupement d'employeurs",
                    "Loi du 1er juillet 1901 ; C. trav. L1253-2",
                    "association régie par la loi du 1er juillet 1901",
                ),
                Clause(
                    "purpose",
                    "Objet exclusif : mise à disposition de salariés aux membres",
                    "C. trav. L1253-1",
                    "mettre à la disposition de ses membres des salariés",
                ),
                Clause(
                    "non_profit",
                    "Opérations à but non lucratif",
                    "C. trav. L1253-1 ; loi du 1er juillet 1901, art. 1",
                    "opérations à but non lucratif",
                ),
                Clause(
                    "members_only",
                    "Mise à disposition aux seuls membres",
                    "C. trav. L1253-1",
                    "Seuls les membres peuvent bénéficier",
                ),
                Clause(
                    "collective_agreement",
                    "Convention collective applicable",
                    "C. trav. L1253-10 et L1253-17",
                    "convention collective applicable",
                ),
                Clause(
                    "joint_liability",
                    "Solidarité et règle de répartition entre membres",
                    "C. trav. L1253-8",
                    "solidairement responsables",
                ),
                Clause(
                    "user_responsibility",
                    "Conditions de travail chez les membres",
                    "C. trav. L1253-12",
                    "au travail des femmes, des enfants et des jeunes travailleurs",
                ),
                Clause(
                    "governance",
                    "Assemblée générale, conseil d'administration, président",
                    "Loi du 1er juillet 1901 (liberté statutaire)",
                    "assemblée générale",
                ),
                Clause(
                    "dissolution",
                    "Dissolution : actif dévolu, jamais réparti entre membres",
                    "Loi du 1er juillet 1901, art. 1 et 9",
                    "ne peut être réparti entre les membres",
                ),
                Clause(
                    "declarations",
                    "Déclarations (préfecture, autorité administrative du travail)",
                    "Loi du 1er juillet 1901, art. 5 ; C. trav. L1253-17",
                    "formalités de déclaration",
                ),
                Clause("signatures", "Signatures", "C. civ. 1367", "Fait à"),
            ),
        ),
        Template(
            id="charte-bourse-de-temps",
            title="Charte de la bourse de temps numérique",
            version="1.0.1",
            licence=LICENCE_OUVERTE,
            source="charte-bourse-de-temps.md.j2",
            variables=(
                _v("company", VariableType.COMPANY, "Entreprise adhérente"),
                _v("credit_line_hours", VariableType.INTEGER, "Découvert autorisé en heures"),
                _v("signed_at_place", VariableType.TEXT, "Lieu de signature"),
            ),
            clauses=(
                Clause("non_profit", "But non lucratif", "C. trav. L8241-1", "but non lucratif"),
                Clause("at_cost", "Valorisation au coût exact", "C. trav. L8241-1", "coût exact"),
                Clause("credit_line", "Découvert d'heures", "Charte", "découvert"),
                Clause("set_off", "Compensation", "C. civ. 1347", "compensation"),
                Clause(
                    "confidentiality", "Confidentialité", "RGPD art. 5 et 32", "confidentialité"
                ),
                Clause("ratings", "Évaluations", "Charte", "évaluations"),
                Clause("exit", "Sortie du réseau", "Charte", "quitter la bourse"),
                Clause("signatures", "Signatures", "C. civ. 1367", "Fait à"),
            ),
        ),
    )
}


def template(template_id: str) -> Template:
    found = TEMPLATES.get(template_id)
    if found is None:
        raise KeyError(template_id)
    return found


def _problem(name: str, fr: str, en: str) -> Problem:
    return Problem(name, fr, en)


def _text(name: str, value: Any) -> list[Problem]:
    if not isinstance(value, str):
        return [_problem(name, "texte attendu", "text expected")]
    if not value.strip():
        return [_problem(name, "texte vide", "empty text")]
    if len(value) > TEXT_LENGTH_MAX:
        return [_problem(name, "texte trop long", "text too long")]
    return []


def _check(name: str, kind: VariableType, value: Any) -> list[Problem]:
    if kind is VariableType.TEXT:
        return _text(name, value)
    if kind is VariableType.OPTIONAL_TEXT:
        return [] if value == "" else _text(name, value)
    if kind is VariableType.DATE:
        if isinstance(value, date):
            return []
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            return [_problem(name, "date AAAA-MM-JJ attendue", "date YYYY-MM-DD expected")]
        return []
    if kind in (VariableType.INTEGER, VariableType.MONEY_CENTS):
        if isinstance(value, bool) or not isinstance(value, int):
            return [_problem(name, "nombre entier attendu", "integer expected")]
        if not 0 <= value <= (MONEY_CENTS_MAX if kind is VariableType.MONEY_CENTS else INTEGER_MAX):
            return [_problem(name, "nombre hors limites", "number out of range")]
        return []
    if kind is VariableType.BOOLEAN:
        return (
            []
            if isinstance(value, bool)
            else [_problem(name, "oui/non attendu", "boolean expected")]
        )
    if kind is VariableType.COMPANY:
        return _record(name, value, COMPANY_FIELDS, siren=True)
    if kind is VariableType.PERSON:
        return _record(name, value, PERSON_FIELDS, siren=False)
    if kind is VariableType.TEXT_LIST:
        if not isinstance(value, list) or not value or len(value) > LIST_ITEMS_MAX:
            return [_problem(name, "liste non vide attendue", "non-empty list expected")]
        return [p for i, item in enumerate(value) for p in _text(f"{name}[{i}]", item)]
    assert kind is VariableType.COMPANY_LIST
    if not isinstance(value, list) or not value or len(value) > LIST_ITEMS_MAX:
        return [_problem(name, "liste non vide attendue", "non-empty list expected")]
    return [
        p
        for i, item in enumerate(value)
        for p in _record(f"{name}[{i}]", item, COMPANY_FIELDS, siren=True)
    ]


def _record(name: str, value: Any, fields: tuple[str, ...], *, siren: bool) -> list[Problem]:
    if not isinstance(value, dict):
        return [_problem(name, "objet attendu", "object expected")]
    found = []
    for field in fields:
        if field not in value:
            found.append(_problem(f"{name}.{field}", "champ manquant", "missing field"))
        else:
            found += _text(f"{name}.{field}", value[field])
    if siren and isinstance(value.get("siren"), str) and not SIREN_RE.match(value["siren"]):
        found.append(_problem(f"{name}.siren", "SIREN à 9 chiffres", "9-digit SIREN expected"))
    return found


def check_data(template_id: str, data: dict[str, Any]) -> list[Problem]:
    """Every problem of `data` for the template: missing, unknown or wrongly typed variables."""
    spec = template(template_id)
    if not isinstance(data, dict):
        return [_problem("", "objet attendu", "object expected")]
    found: list[Problem] = []
    for variable in spec.variables:
        if variable.name not in data:
            found.append(_problem(variable.name, "variable manquante", "missing variable"))
        else:
            found += _check(variable.name, variable.type, data[variable.name])
    known = {v.name for v in spec.variables}
    found += [
        _problem(name, "variable inconnue de ce modèle", "unknown variable for this template")
        for name in sorted(set(data) - known)
    ]
    return found
