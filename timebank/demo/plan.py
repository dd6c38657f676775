"""Plan the demo network as plain data, deterministically from a seed (no database here).

The same seed and reference date always give the same companies, people, SIRENs and needs.
"""

from __future__ import annotations

import json
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from typing import Any, Final

from stdnum import luhn

from timebank.geography import ALSACE_MOSELLE_DEPARTEMENTS, departement_of, region_of
from timebank.vat.model import vat_number_of

DEMO_PASSWORD: Final = "demo-bourse-2026"
DEMO_EMAIL_DOMAIN: Final = "demo.example"
COMPANIES_COUNT: Final = 150
EMPLOYEES_PER_COMPANY: Final = (2, 6)
NEEDS_OPEN_COUNT: Final = 300
NEEDS_DRAFT_COUNT: Final = 20
ACCOUNTANT_CLIENTS_COUNT: Final = 6
GROUP_MEMBERS_COUNT: Final = 7
# Regions of the pilot, with the share of companies in each (other regions appear too).
REGION_WEIGHTS: Final[dict[str, int]] = {
    "Bretagne": 18,
    "Auvergne-Rhône-Alpes": 16,
    "Grand Est": 16,
    "Occitanie": 14,
    "Nouvelle-Aquitaine": 12,
    "Hauts-de-France": 10,
    "Île-de-France": 10,
    "Pays de la Loire": 8,
    "Provence-Alpes-Côte d'Azur": 8,
    "Normandie": 6,
}
HEADCOUNT_BANDS: Final = (("0-9", 45), ("10-19", 25), ("20-49", 18), ("50-99", 8), ("100-249", 4))
EXTRA_LANGUAGES: Final = (("en", 45), ("de", 8), ("es", 8), ("it", 4), ("br", 1))


@dataclass(frozen=True, slots=True)
class PlannedPerson:
    email: str
    full_name: str


@dataclass(frozen=True, slots=True)
class PlannedEmployee:
    person: PlannedPerson
    job_title: str
    annual_gross_salary_cents: int
    employer_charge_rate_basis_points: int
    annual_work_hours: int
    offered_minutes_per_month: int
    remote_ok: bool
    travel_radius_km: int
    languages: tuple[str, ...]
    skills: tuple[tuple[str, int], ...]
    approved_minutes_per_month: int | None


@dataclass(frozen=True, slots=True)
class PlannedNeed:
    title: str
    description: str
    estimated_minutes: int
    window_start: date
    window_end: date
    remote_allowed: bool
    language: str
    skills: tuple[tuple[str, int, int], ...]
    status: str


@dataclass(slots=True)
class PlannedCompany:
    key: str
    siren: str
    name: str
    address: str
    postal_code: str
    city: str
    headcount_band: str
    naf_code: str | None
    has_cse: bool
    latitude: float
    longitude: float
    admin: PlannedPerson
    vat_regime: str
    vat_on_debits: bool
    vat_number: str
    employees: list[PlannedEmployee] = field(default_factory=list)
    needs: list[PlannedNeed] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PlannedGroup:
    name: str
    legal_form: str
    entity: PlannedCompany
    coordinator: PlannedPerson
    cdo: PlannedEmployee
    member_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DemoPlan:
    companies: tuple[PlannedCompany, ...]
    groups: tuple[PlannedGroup, ...]
    operator: PlannedPerson
    accountant: PlannedPerson
    accountant_client_keys: tuple[str, ...]
    approval_valid_from: date
    approval_valid_until: date


DEMO_EMPLOYEE_APPROVAL_MINUTES_MIN: Final = 4 * 60


def demo_employee_index(company: PlannedCompany) -> int:
    """The employee who gets the demo log-in: the first one the employer lets lend 4 h a
    month or more (the demo lends them first), else the first one."""
    for index, employee in enumerate(company.employees):
        approved = employee.approved_minutes_per_month
        if approved is not None and approved >= DEMO_EMPLOYEE_APPROVAL_MINUTES_MIN:
            return index
    return 0


def region_of_postal_code(postal_code: str) -> str:
    return region_of(departement_of(postal_code))


def _data(name: str) -> Any:
    return json.loads(resources.files("timebank.demo").joinpath(name).read_text(encoding="utf-8"))


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = "".join(ch if ch.isalnum() else "-" for ch in ascii_text.lower())
    return "-".join(part for part in cleaned.split("-") if part)[:40]


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


class _Planner:
    def __init__(self, seed: int, today: date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.names = _data("names.json")
        self.places = _data("places.json")
        self.profiles = _data("job_profiles.json")
        self.templates = _data("need_templates.json")
        self.sirens: set[str] = set()
        self.emails: set[str] = set()

    def siren(self) -> str:
        while True:
            body = f"{self.rng.randrange(10_000_000, 99_999_999):08d}"
            number = body + luhn.calc_check_digit(body)
            if number not in self.sirens:
                self.sirens.add(number)
                return number

    def person(self, domain: str) -> PlannedPerson:
        female = self.rng.random() < 0.5
        first = self.rng.choice(self.names["first_names_female" if female else "first_names_male"])
        last = self.rng.choice(self.names["last_names"])
        base = f"{_slug(first)}.{_slug(last)}"
        email = f"{base}@{domain}"
        suffix = 2
        while email in self.emails:
            email = f"{base}{suffix}@{domain}"
            suffix += 1
        self.emails.add(email)
        return PlannedPerson(email=email, full_name=f"{first} {last}")

    def place(self, region: str | None = None) -> dict[str, Any]:
        if region is None:
            region = self.rng.choices(list(REGION_WEIGHTS), weights=list(REGION_WEIGHTS.values()))[
                0
            ]
        candidates = [p for p in self.places if p["region"] == region]
        return dict(self.rng.choice(candidates))

    def company(self, index: int, place: dict[str, Any], name: str | None = None) -> PlannedCompany:
        sector = self.rng.choice(sorted(self.names["company_words"]))
        words = self.names["company_words"][sector]
        name = name or self.rng.choice(words["name_patterns"]).format(
            surname=self.rng.choice(self.names["last_names"]),
            city=place["city"],
            quartier=self.rng.choice(self.names["quartiers"]),
            word=self.rng.choice(words["words"]),
        )
        band = _weighted(self.rng, HEADCOUNT_BANDS)
        domain = f"{_slug(name)}-{index}.{DEMO_EMAIL_DOMAIN}"
        number = self.siren()
        # VAT from the SIREN, not from the generator, so that adding it left every other draw
        # as it was: about a quarter of the smallest companies under franchise en base (their
        # turnover can stay under its threshold), one liable company in ten opted for debits.
        regime = "franchise" if band == "0-9" and int(number) % 4 == 0 else "reel"
        return PlannedCompany(
            key=f"c{index:03d}",
            siren=number,
            name=name,
            address=f"{self.rng.randint(1, 120)} {place['street']}",
            postal_code=place["postal_code"],
            city=place["city"],
            headcount_band=band,
            naf_code=self.rng.choice(words["naf_codes"])["code"],
            # The CSE is compulsory from 11 staff; most companies of 10-19 have crossed it.
            has_cse=band != "0-9" and (band != "10-19" or self.rng.random() < 0.6),
            latitude=round(place["lat"] + self.rng.uniform(-0.02, 0.02), 4),
            longitude=round(place["lon"] + self.rng.uniform(-0.02, 0.02), 4),
            admin=self.person(domain),
            vat_regime=regime,
            vat_on_debits=regime == "reel" and int(number) % 10 == 7,
            vat_number=vat_number_of(number),
        )

    def employee(self, domain: str, profile: dict[str, Any] | None = None) -> PlannedEmployee:
        profile = profile or self.rng.choice(self.profiles)
        skills = tuple(
            sorted(
                (code, self.rng.randint(low, high))
                for code, (low, high) in profile["skills"].items()
            )
        )
        salary_euros = self.rng.randrange(
            profile["salary_eur_min"], profile["salary_eur_max"] + 1, 100
        )
        offered_hours = self.rng.choice((4, 6, 8, 10, 12, 16, 20))
        languages = ["fr"]
        for code, percent in EXTRA_LANGUAGES:
            if self.rng.randrange(100) < percent:
                languages.append(code)
        approved = None
        if self.rng.random() < 0.85:
            approved = min(offered_hours, self.rng.choice((4, 8, 10, 12, 16))) * 60
        return PlannedEmployee(
            person=self.person(domain),
            job_title=profile["job_title"],
            annual_gross_salary_cents=salary_euros * 100,
            employer_charge_rate_basis_points=self.rng.randrange(3800, 4601, 50),
            annual_work_hours=1607 if self.rng.random() < 0.9 else 1400,
            offered_minutes_per_month=offered_hours * 60,
            remote_ok=self.rng.random() < 0.7,
            travel_radius_km=self.rng.choice((10, 20, 30, 50, 80)),
            languages=tuple(languages),
            skills=skills,
            approved_minutes_per_month=approved,
        )

    def need(self, status: str) -> PlannedNeed:
        template = self.rng.choice(self.templates)
        hours = self.rng.randint(template["hours_min"], template["hours_max"])
        start = self.today + timedelta(days=self.rng.randint(-20, 60))
        end = start + timedelta(days=self.rng.choice((30, 45, 60, 90, 120)))
        skill_codes = {s["skill"] for s in template["skills"]}
        language = "en" if "e-export" in skill_codes and self.rng.random() < 0.3 else "fr"
        return PlannedNeed(
            title=template["title"],
            description=template["description"],
            estimated_minutes=hours * 60,
            window_start=start,
            window_end=end,
            remote_allowed=bool(template["remote_allowed"]),
            language=language,
            skills=tuple((s["skill"], s["min_level"], s["weight"]) for s in template["skills"]),
            status=status,
        )


def plan_demo(*, seed: int = 2017, today: date) -> DemoPlan:
    """The whole demo network for this seed, with need windows around `today`."""
    planner = _Planner(seed, today)
    companies = [planner.company(index, planner.place()) for index in range(COMPANIES_COUNT)]
    for company in companies:
        domain = company.admin.email.split("@")[1]
        count = planner.rng.randint(*EMPLOYEES_PER_COMPANY)
        company.employees.extend(planner.employee(domain) for _ in range(count))
    for index in range(NEEDS_OPEN_COUNT + NEEDS_DRAFT_COUNT):
        status = "open" if index < NEEDS_OPEN_COUNT else "draft"
        planner.rng.choice(companies).needs.append(planner.need(status))
    cdo_profile = next(
        p for p in planner.profiles if p["job_title"].startswith("Responsable de la transformation")
    )
    groups: list[PlannedGroup] = []
    for name, form, region, alsace in (
        ("Groupement d'employeurs Numérique Bretagne", "association", "Bretagne", False),
        ("Coopérative Numérique Alsace-Moselle", "cooperative", "Grand Est", True),
    ):
        place = planner.place(region)
        if alsace:
            place = planner.rng.choice(
                [p for p in planner.places if p["departement"] in ALSACE_MOSELLE_DEPARTEMENTS]
            )
        entity = planner.company(COMPANIES_COUNT + len(groups), place, name)
        # A groupement d'employeurs lends its own staff: NAF 78.30Z, a handful of employees.
        entity.headcount_band, entity.naf_code, entity.has_cse = ("0-9", "78.30Z", False)
        # Its members are liable, so CGI 261 B does not exempt its re-billing: it is liable too.
        entity.vat_regime = "reel"
        domain = entity.admin.email.split("@")[1]
        # Members: companies of the same region, those of Alsace-Moselle first for that group.
        in_region = [c for c in companies if region_of_postal_code(c.postal_code) == region]
        in_region.sort(
            key=lambda c: (
                not alsace or c.postal_code[:2] not in ALSACE_MOSELLE_DEPARTEMENTS,
                c.key,
            )
        )
        members = [c.key for c in in_region]
        groups.append(
            PlannedGroup(
                name=name,
                legal_form=form,
                entity=entity,
                coordinator=entity.admin,
                cdo=planner.employee(domain, cdo_profile),
                member_keys=tuple(members[:GROUP_MEMBERS_COUNT]),
            )
        )
    accountant = planner.person(f"cabinet-durand-expertise.{DEMO_EMAIL_DOMAIN}")
    clients = tuple(c.key for c in companies[:ACCOUNTANT_CLIENTS_COUNT])
    return DemoPlan(
        companies=tuple(companies),
        groups=tuple(groups),
        operator=PlannedPerson(
            email=f"operateur@{DEMO_EMAIL_DOMAIN}", full_name="Opérateur du programme"
        ),
        accountant=accountant,
        accountant_client_keys=clients,
        # From the start of last month, so that the demo's running loans fall inside it.
        approval_valid_from=(date(today.year, today.month, 1) - timedelta(days=1)).replace(day=1),
        approval_valid_until=date(today.year + 1, today.month, 1) - timedelta(days=1),
    )
