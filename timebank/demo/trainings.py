"""The demo's trainings, driven through the real use cases: employees of the demo's first
companies log the trainings they took, each in a skill domain and tied to a section of their
employer's digital-transformation plan; the employers approve most of them, reject a few, and
the employees rate the approved ones, so the public page's search by domain finds something.

Deterministic: the same database (from the same plan) gives the same trainings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from timebank.db.unit_of_work import UnitOfWork
from timebank.employees.model import Employee
from timebank.pagination import PageRequest
from timebank.people.model import Actor, Role
from timebank.trainings import use_cases as trainings


@dataclass(frozen=True, slots=True)
class DemoTraining:
    title: str
    provider: str
    domain_code: str
    hours: int
    days: int
    plan_section: str  # The plan's section the training serves.


CATALOGUE: Final = (
    DemoTraining(
        "Référencement naturel (SEO) pour PME",
        "Atelier Numérique des PME",
        "marketing",
        14,
        2,
        "être trouvé en ligne",
    ),
    DemoTraining(
        "Créer et animer sa boutique en ligne",
        "École du Commerce en Ligne",
        "ecommerce",
        21,
        3,
        "vente en ligne",
    ),
    DemoTraining(
        "Cybersécurité : les bons réflexes",
        "Campus Cyber Entreprises",
        "security",
        7,
        1,
        "sécurité",
    ),
    DemoTraining(
        "RGPD en pratique", "Campus Cyber Entreprises", "security", 14, 2, "données personnelles"
    ),
    DemoTraining(
        "Tableaux de bord avec un tableur",
        "Data et Tableurs Formation",
        "data",
        14,
        2,
        "pilotage par les données",
    ),
    DemoTraining(
        "Piloter la transformation numérique",
        "Institut de la Transformation Numérique",
        "strategy",
        21,
        3,
        "gouvernance du plan",
    ),
    DemoTraining(
        "Maquetter une application mobile",
        "Studio Design Formation",
        "design",
        14,
        2,
        "expérience client",
    ),
    DemoTraining(
        "Créer un site vitrine accessible", "École du Web Pratique", "web", 35, 5, "site internet"
    ),
    DemoTraining(
        "L'IA générative au bureau", "Formations IA Pratique", "ai", 7, 1, "automatisation"
    ),
    DemoTraining(
        "Mettre en place un CRM",
        "Logiciels Métier Conseil",
        "business-apps",
        14,
        2,
        "relation client",
    ),
    DemoTraining(
        "Sauvegardes et migration vers le cloud",
        "Nuage Formation",
        "cloud",
        14,
        2,
        "infrastructure",
    ),
    DemoTraining(
        "Travailler avec les outils collaboratifs",
        "Atelier Numérique des PME",
        "collaboration",
        7,
        1,
        "organisation du travail",
    ),
    DemoTraining(
        "Vendre à l'étranger sur les places de marché",
        "Export Digital Formation",
        "international",
        14,
        2,
        "export",
    ),
    DemoTraining("Écrire pour le web", "Plume Web Formation", "content", 7, 1, "contenus en ligne"),
)
COMPANIES: Final = 24  # The demo's first company, then the first others by name.
PER_COMPANY: Final = 2
STARS: Final = (5, 4, 4, 3, 5, 4, 2, 5, 3, 4, 5, 4)
COMMENTS: Final = (
    "Très concret, applicable dès le lendemain.",
    "",
    "Bon formateur, exemples adaptés aux petites entreprises.",
    "Un peu théorique, mais les supports sont utiles.",
    "",
    "Nous avons mis en place ce qui a été vu dès la semaine suivante.",
)


def _admin(user_id: int, company_id: int) -> Actor:
    return Actor(
        user_id=user_id,
        email="",
        full_name="",
        memberships=frozenset({(company_id, Role.COMPANY_ADMIN)}),
    )


def _employee_actor(employee: Employee) -> Actor:
    return Actor(
        user_id=employee.user_id,
        email=employee.email,
        full_name=employee.full_name,
        memberships=frozenset({(employee.company_id, Role.EMPLOYEE)}),
    )


async def _staff(uow: UnitOfWork, first_company_id: int) -> list[tuple[Employee, int]]:
    """(employee, their company's admin) pairs: up to PER_COMPANY employees per company."""
    async with uow(write=False) as repos:
        companies, _ = await repos.companies.list(
            region=None, search=None, page=PageRequest(COMPANIES, 0)
        )
        ids = [first_company_id] + [c.id for c in companies if c.id != first_company_id]
        pairs = []
        for company_id in ids[:COMPANIES]:
            admins = await repos.people.members_of(company_id, Role.COMPANY_ADMIN)
            if not admins:
                continue
            found, _ = await repos.employees.list_for_company(
                company_id, skill_id=None, level_min=1, page=PageRequest(10, 0)
            )
            staff = sorted((e for e in found if e.user_id != admins[0].id), key=lambda e: e.id)
            pairs += [(employee, admins[0].id) for employee in staff[:PER_COMPANY]]
    return pairs


async def load_demo_trainings(uow: UnitOfWork, *, first_company_id: int, now: datetime) -> int:
    """Log, review and rate the demo's trainings; return how many were logged."""
    logged = 0
    for index, (employee, admin_id) in enumerate(await _staff(uow, first_company_id)):
        course = CATALOGUE[(index * 5) % len(CATALOGUE)]
        worker = _employee_actor(employee)
        ends_on = now.date() - timedelta(days=7 + 4 * index)
        axis = 1 + [t.domain_code for t in CATALOGUE].index(course.domain_code) % 5
        training = await trainings.log_training(
            uow,
            worker,
            employee.id,
            title=course.title,
            provider=course.provider,
            starts_on=ends_on - timedelta(days=course.days - 1),
            ends_on=ends_on,
            minutes=course.hours * 60,
            now=now,
            plan_link=f"Plan de transformation numérique {ends_on.year}, axe {axis} : "
            f"{course.plan_section}",
            domain_code=course.domain_code,
        )
        logged += 1
        if index % 6 == 5:
            continue  # Awaiting the employer's review.
        approve = index % 11 != 10
        await trainings.review_training(
            uow, _admin(admin_id, employee.company_id), training.id, approve=approve, now=now
        )
        if approve and index % 4 != 3:
            await trainings.rate_training(
                uow,
                worker,
                training.id,
                stars=STARS[index % len(STARS)],
                comment=COMMENTS[index % len(COMMENTS)],
                now=now,
            )
    return logged
