"""Small builders for tests: unique SIRENs and e-mails, sign-ups, employees, needs."""

from __future__ import annotations

import dataclasses
import itertools
import random
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

import httpx
from stdnum import luhn

from timebank.companies.use_cases import CompanyInput
from timebank.db.tables import OutboxTable
from timebank.db.unit_of_work import Repositories, piccolo_unit_of_work
from timebank.notifications.model import Kind
from timebank.people.model import Actor
from timebank.people.use_cases import log_in, sign_up_company_admin
from timebank.vat.model import vat_number_of

PASSWORD = "correct-horse-battery"
_RANDOM = random.Random(uuid.uuid4().int)
_SIRENS_GIVEN: set[str] = set()
_COUNTER = itertools.count()


def now() -> datetime:
    return datetime.now(UTC)


def new_siren() -> str:
    """A SIREN with a valid Luhn key, unique in this run (and very likely across runs): drawn
    at random, again when already given (a run signs up thousands of companies, enough for
    two draws among 90 million to meet)."""
    while True:
        body = f"{_RANDOM.randrange(10_000_000, 99_999_999):08d}"
        if body not in _SIRENS_GIVEN:
            _SIRENS_GIVEN.add(body)
            return body + luhn.calc_check_digit(body)


def invalid_siren() -> str:
    body = new_siren()
    return body[:8] + str((int(body[8]) + 1) % 10)


def new_email(prefix: str = "user") -> str:
    return f"{prefix}.{next(_COUNTER)}.{uuid.uuid4().hex[:10]}@test.example"


def company_input(**overrides: object) -> CompanyInput:
    values: dict[str, object] = {
        "siren": new_siren(),
        "name": "Menuiserie Test",
        "address": "3 rue des Lices",
        "postal_code": "35000",
        "city": "Rennes",
        "headcount_band": "10-19",
        "naf_code": "16.23Z",
        "has_cse": True,
        "latitude": 48.11,
        "longitude": -1.68,
    }
    values.update(overrides)
    return CompanyInput(**values)  # type: ignore[arg-type]


def company_json(**overrides: object) -> dict[str, object]:
    data = company_input(**overrides)
    return {
        "siren": data.siren,
        "name": data.name,
        "address": data.address,
        "postal_code": data.postal_code,
        "city": data.city,
        "headcount_band": data.headcount_band,
        "naf_code": data.naf_code,
        "has_cse": data.has_cse,
        "latitude": data.latitude,
        "longitude": data.longitude,
    }


@dataclass(frozen=True)
class SignedUp:
    actor: Actor
    company_id: int
    email: str
    token: str


def _with_vat_number(data: CompanyInput, overrides: dict[str, object]) -> CompanyInput:
    """Companies are liable (réel) by default, and a liable company invoices with its number."""
    if "vat_number" in overrides:
        return data
    return dataclasses.replace(data, vat_number=vat_number_of(data.siren))


async def sign_up(**company_overrides: object) -> SignedUp:
    """A new company and its admin, logged in."""
    email = new_email("admin")
    result = await sign_up_company_admin(
        piccolo_unit_of_work,
        email=email,
        password=PASSWORD,
        full_name="Camille Admin",
        company=_with_vat_number(company_input(**company_overrides), company_overrides),
        now=now(),
    )
    assert result is not None
    login = await log_in(
        piccolo_unit_of_work, email=email, password=PASSWORD, now=now(), session_hours=1
    )
    return SignedUp(actor=login.actor, company_id=result.company.id, email=email, token=login.token)


async def door_token(client: httpx.AsyncClient, path: str = "/connexion") -> str:
    """The pre-session CSRF token that a door's form (login, sign-up…) must send back."""
    page = await client.get(path, headers={"accept": "text/html"})
    found = re.search(r'name="_csrf" value="([^"]+)"', page.text)
    assert found is not None, page.text[:500]
    return found.group(1)


async def row_counts() -> dict[str, int]:
    """How many rows each table holds: "nothing written" means these do not change."""
    from timebank.db import tables

    counts = {}
    for table in (
        tables.CompanyTable,
        tables.UserTable,
        tables.MembershipTable,
        tables.EmployeeTable,
        tables.EmployeeSkillTable,
        tables.NeedTable,
        tables.NeedSkillTable,
        tables.EmployerGroupTable,
        tables.GroupMemberTable,
        tables.InvitationTable,
        tables.SkillTable,
        tables.LedgerAccountTable,
        tables.LedgerTransferTable,
        tables.LedgerRejectionTable,
    ):
        counts[table._meta.tablename] = int(await table.count())
    return counts


def need_json(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "title": "Refonte du site vitrine",
        "description": "Un site plus rapide et mieux référencé.",
        "estimated_minutes": 20 * 60,
        "window_start": date(2026, 12, 1).isoformat(),
        "window_end": date(2027, 2, 28).isoformat(),
        "remote_allowed": True,
        "place_city": "Rennes",
        "place_postal_code": "35000",
        "language": "fr",
        "skills": [{"skill": "seo", "min_level": 2, "weight": 3}],
        "status": "open",
    }
    values.update(overrides)
    return values


async def repositories() -> Repositories:
    async with piccolo_unit_of_work(write=False) as repos:
        return repos


async def last_link(user_id: int, kind: Kind) -> str:
    """The link of the last message of this kind queued for this person, as the e-mail has it."""
    row = await (
        OutboxTable.select(OutboxTable.link)
        .where((OutboxTable.user == user_id) & (OutboxTable.kind == kind.value))
        .order_by(OutboxTable.id, ascending=False)
        .first()
    )
    assert row is not None, f"no {kind} message for user {user_id}"
    return str(row["link"])


async def emailed_invitation_token(user_id: int) -> str:
    """The token of the last invitation e-mailed to this person, read from the outbox as the
    person reads it in the e-mail: the API never hands it to the inviter."""
    return (await last_link(user_id, Kind.INVITATION)).partition("jeton=")[2]
