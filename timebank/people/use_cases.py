"""Sign-up, login, sessions, invitations and accountant grants."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from timebank import rules
from timebank.book.use_cases import ensure_company_accounts
from timebank.companies.model import Company, validate_siren
from timebank.companies.use_cases import CompanyInput, company_draft
from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.errors import Conflict, InvalidInput, NotAuthenticated
from timebank.notifications.model import Kind
from timebank.notifications.use_cases import notify
from timebank.people import refusals
from timebank.people.model import (
    Actor,
    InvitationView,
    LoginResult,
    Membership,
    Role,
    User,
    confirmed_password,
    require_acting_for,
)
from timebank.people.passwords import hash_password, new_token, token_digest, verify_password

INVITATION_DAYS: Final = 14
TOKEN_LENGTH_MAX: Final = 200
PASSWORD_RESET_MINUTES: Final = 60
# More requests than this within one hour for one address send nothing more (same answer).
PASSWORD_RESETS_PER_HOUR_MAX: Final = 3
INVITATION_PATH: Final = "/invitation"
PASSWORD_RESET_PATH: Final = "/reinitialiser"
LOGIN_PATH: Final = "/connexion"


@dataclass(frozen=True, slots=True)
class SignupResult:
    user: User
    company: Company
    # Whether the company had been pre-registered by the operator and is now claimed.
    claimed: bool = False
    login: LoginResult | None = None


class SirenStatus(StrEnum):
    NEW = "new"  # Unknown to the programme: the person types the company's details.
    PRE_REGISTERED = "pre_registered"  # Created by the operator, no admin yet: prefilled.
    TAKEN = "taken"  # Already has an admin: only an invitation lets someone in.


@dataclass(frozen=True, slots=True)
class SirenLookup:
    siren: str
    status: SirenStatus
    company: Company | None = None  # Only for PRE_REGISTERED.


def company_has_admin(siren: str) -> Conflict:
    return refusals.DUPLICATE_SIREN.error(siren=siren)


def _invalid_reset_token() -> InvalidInput:
    return refusals.INVALID_RESET_TOKEN.error()


def _invalid_invitation() -> InvalidInput:
    return refusals.INVALID_INVITATION.error()


def _bad_credentials() -> NotAuthenticated:
    return refusals.INVALID_CREDENTIALS.error()


async def sign_up_company_admin(
    uow: UnitOfWork,
    *,
    email: str,
    password: str,
    full_name: str,
    company: CompanyInput,
    now: datetime,
    session_hours: int | None = None,
) -> SignupResult | None:
    """A company registers itself; the person signing up becomes its first admin.

    A company the operator pre-registered (no admin yet) is joined rather than refused: its
    record takes the details the person confirmed, and the operators are told. A company
    that already has an admin is never taken over: its admins invite their colleagues.
    An address that already has an account gets an e-mail saying so and nothing else is
    written (None): the caller answers as for a new address, so that sign-up never tells
    which addresses have an account. The new admin is welcomed by e-mail too, and with
    `session_hours` also logged in.
    """
    checked_email = rules.email(email)
    checked_password = rules.password(password)
    checked_name = rules.text(full_name, field="full_name", length_max=rules.NAME_LENGTH_MAX)
    draft = company_draft(company)
    password_hash = await hash_password(checked_password)
    async with uow() as repos:
        owner = await repos.people.get_user_by_email(checked_email)
        existing = await repos.companies.get_by_siren(draft.siren)
        if existing is not None:
            # Updating first locks the company's row (PostgreSQL), so two people claiming it
            # at once queue here and the second one sees the first one's admin.
            if owner is None:
                stored_company = await repos.companies.update(existing.id, draft)
            if await repos.people.members_of(existing.id, Role.COMPANY_ADMIN):
                raise company_has_admin(draft.siren)
        if owner is not None:
            await notify(
                repos,
                [owner.id],
                Kind.SIGNUP_EXISTING_ACCOUNT,
                {"company": draft.name},
                link=LOGIN_PATH,
                now=now,
            )
            return None
        if existing is None:
            stored_company = await repos.companies.add(draft, now=now)
            await ensure_company_accounts(repos, stored_company.id, now=now)
        user = await repos.people.add_user(
            email=checked_email,
            full_name=checked_name,
            password_hash=password_hash,
            is_operator=False,
            now=now,
        )
        await repos.people.add_membership(
            user_id=user.id,
            company_id=stored_company.id,
            role=Role.COMPANY_ADMIN,
            granted_by=None,
            now=now,
        )
        await _welcome(repos, user, stored_company, claimed=existing is not None, now=now)
        login = None
        if session_hours is not None:
            login = await _open_session(repos, user, now=now, hours=session_hours)
    return SignupResult(
        user=user, company=stored_company, claimed=existing is not None, login=login
    )


async def _welcome(
    repos: Repositories, user: User, company: Company, *, claimed: bool, now: datetime
) -> None:
    """The new admin is welcomed; when they claimed a company the operator had registered,
    the operators are told who did."""
    await notify(
        repos, [user.id], Kind.SIGNUP_WELCOME, {"company": company.name}, link=LOGIN_PATH, now=now
    )
    if claimed:
        await notify(
            repos,
            await repos.notifications.operators(),
            Kind.COMPANY_CLAIMED,
            {
                "person": user.full_name,
                "email": user.email,
                "company": company.name,
                "siren": company.siren,
            },
            link=f"/api/v1/companies/{company.id}",
            now=now,
        )


async def look_up_siren(uow: UnitOfWork, *, siren: str) -> SirenLookup:
    """What sign-up can say about a SIREN: unknown, pre-registered (with its details), taken.

    Only a pre-registered company's details are shown: they are those of the public SIRENE
    register; nothing is shown of a company that already has an admin.
    """
    checked = validate_siren(siren)
    async with uow(write=False) as repos:
        company = await repos.companies.get_by_siren(checked)
        if company is None:
            return SirenLookup(siren=checked, status=SirenStatus.NEW)
        if await repos.people.members_of(company.id, Role.COMPANY_ADMIN):
            return SirenLookup(siren=checked, status=SirenStatus.TAKEN)
    return SirenLookup(siren=checked, status=SirenStatus.PRE_REGISTERED, company=company)


async def _actor(repos: Repositories, user: User) -> Actor:
    return _actor_of(user, await repos.people.memberships_of(user.id))


def _actor_of(user: User, memberships: list[Membership]) -> Actor:
    return Actor(
        user_id=user.id,
        email=user.email,
        full_name=user.full_name,
        is_operator=user.is_operator,
        memberships=frozenset((m.company_id, m.role) for m in memberships),
        company_names=tuple(sorted({(m.company_id, m.company_name) for m in memberships})),
    )


async def _open_session(
    repos: Repositories, user: User, *, now: datetime, hours: int
) -> LoginResult:
    token, digest = new_token()
    csrf_token = secrets.token_urlsafe(24)
    expires_at = now + timedelta(hours=hours)
    await repos.people.add_session(
        token_hash=digest, csrf_token=csrf_token, user_id=user.id, now=now, expires_at=expires_at
    )
    return LoginResult(
        token=token, csrf_token=csrf_token, expires_at=expires_at, actor=await _actor(repos, user)
    )


async def log_in(
    uow: UnitOfWork, *, email: str, password: str, now: datetime, session_hours: int
) -> LoginResult:
    """Check the password and open a session; one refusal for unknown e-mail or bad password."""
    normalised = email.strip().lower()[: rules.EMAIL_LENGTH_MAX]
    async with uow(write=False) as repos:
        found = await repos.people.password_hash_of(normalised)
    password_hash = None if found is None else found[1]
    if not await verify_password(password_hash, password[: rules.PASSWORD_LENGTH_MAX]):
        raise _bad_credentials()
    assert found is not None
    async with uow() as repos:
        user = await repos.people.get_user(found[0])
        assert user is not None
        return await _open_session(repos, user, now=now, hours=session_hours)


async def actor_for_token(
    uow: UnitOfWork, token: str, *, now: datetime
) -> tuple[Actor, str] | None:
    """The actor and CSRF token behind a live session token, or None."""
    if not token or len(token) > TOKEN_LENGTH_MAX:
        return None
    async with uow(write=False) as repos:
        found = await repos.people.session_actor(token_digest(token), now)
    if found is None:
        return None
    user, csrf_token, memberships = found
    return _actor_of(user, memberships), csrf_token


async def log_out(uow: UnitOfWork, token: str, *, now: datetime) -> None:
    async with uow() as repos:
        await repos.people.revoke_session(token_digest(token[:TOKEN_LENGTH_MAX]), now)


async def create_invitation(
    repos: Repositories, *, user_id: int, company_id: int, created_by: int, now: datetime
) -> str:
    """Store an invitation for a user without password, e-mail its link; return the token."""
    token, digest = new_token()
    await repos.people.add_invitation(
        token_hash=digest,
        user_id=user_id,
        company_id=company_id,
        created_by=created_by,
        now=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    company = await repos.companies.get(company_id)
    inviter = await repos.people.get_user(created_by)
    assert company is not None
    assert inviter is not None
    await notify(
        repos,
        [user_id],
        Kind.INVITATION,
        {"inviter": inviter.full_name, "company": company.name, "days": str(INVITATION_DAYS)},
        link=f"{INVITATION_PATH}?jeton={token}",
        now=now,
    )
    return token


async def invitation_for(uow: UnitOfWork, *, token: str, now: datetime) -> InvitationView:
    """Who is invited where, before the person chooses a password; refused if unusable."""
    async with uow(write=False) as repos:
        view = await repos.people.invitation_view(token_digest(token[:TOKEN_LENGTH_MAX]), now)
    if view is None:
        raise _invalid_invitation()
    return view


async def accept_invitation(
    uow: UnitOfWork,
    *,
    token: str,
    password: str,
    now: datetime,
    session_hours: int,
    confirmation: str | None = None,
) -> LoginResult:
    """The invited employee chooses a password and is logged in."""
    checked_password = confirmed_password(rules.password(password), confirmation)
    password_hash = await hash_password(checked_password)
    async with uow() as repos:
        invitation = await repos.people.open_invitation(token_digest(token[:TOKEN_LENGTH_MAX]), now)
        if invitation is None:
            raise _invalid_invitation()
        invitation_id, user_id = invitation
        if not await repos.people.accept_invitation(invitation_id, now):
            raise refusals.INVITATION_ALREADY_USED.error()
        await repos.people.set_password_hash(user_id, password_hash)
        user = await repos.people.get_user(user_id)
        assert user is not None
        return await _open_session(repos, user, now=now, hours=session_hours)


async def request_password_reset(uow: UnitOfWork, *, email: str, now: datetime) -> None:
    """E-mail a one-time link to choose a new password, if an account has this address.

    The caller learns nothing either way: the answer never says whether the address is known.
    """
    checked_email = rules.email(email)
    async with uow() as repos:
        user = await repos.people.get_user_by_email(checked_email)
        if user is None:
            return
        recent = await repos.people.password_resets_since(user.id, now - timedelta(hours=1))
        if recent >= PASSWORD_RESETS_PER_HOUR_MAX:
            return
        token, digest = new_token()
        await repos.people.add_password_reset(
            token_hash=digest,
            user_id=user.id,
            now=now,
            expires_at=now + timedelta(minutes=PASSWORD_RESET_MINUTES),
        )
        await notify(
            repos,
            [user.id],
            Kind.PASSWORD_RESET,
            {},
            link=f"{PASSWORD_RESET_PATH}?jeton={token}",
            now=now,
        )


async def password_reset_for(uow: UnitOfWork, *, token: str, now: datetime) -> str:
    """The e-mail address a usable reset link is for; refused if unknown, expired or used."""
    async with uow(write=False) as repos:
        found = await repos.people.open_password_reset(token_digest(token[:TOKEN_LENGTH_MAX]), now)
    if found is None:
        raise _invalid_reset_token()
    return found[2]


async def reset_password(
    uow: UnitOfWork,
    *,
    token: str,
    password: str,
    now: datetime,
    confirmation: str | None = None,
) -> User:
    """Set a new password through a one-time link; every session of the person ends."""
    checked_password = confirmed_password(rules.password(password), confirmation)
    password_hash = await hash_password(checked_password)
    async with uow() as repos:
        found = await repos.people.open_password_reset(token_digest(token[:TOKEN_LENGTH_MAX]), now)
        if found is None:
            raise _invalid_reset_token()
        reset_id, user_id, _ = found
        if not await repos.people.use_password_reset(reset_id, now):
            raise _invalid_reset_token()
        await repos.people.close_password_resets_of(user_id, now)
        await repos.people.set_password_hash(user_id, password_hash)
        await repos.people.revoke_sessions_of(user_id, now)
        user = await repos.people.get_user(user_id)
        assert user is not None
        return user


async def grant_accountant(
    uow: UnitOfWork, actor: Actor, company_id: int, *, email: str, full_name: str, now: datetime
) -> tuple[User, str | None]:
    """A company admin grants an accountant access to this company only.

    Returns the accountant and, when the accountant had no account yet, an invitation token.
    """
    require_acting_for(actor, company_id, Role.COMPANY_ADMIN)
    checked_email = rules.email(email)
    checked_name = rules.text(full_name, field="full_name", length_max=rules.NAME_LENGTH_MAX)
    async with uow() as repos:
        if await repos.companies.get(company_id) is None:
            raise refusals.COMPANY_NOT_FOUND.error(id=company_id)
        user = await repos.people.get_user_by_email(checked_email)
        token = None
        if user is None:
            user = await repos.people.add_user(
                email=checked_email,
                full_name=checked_name,
                password_hash=None,
                is_operator=False,
                now=now,
            )
            token = await create_invitation(
                repos, user_id=user.id, company_id=company_id, created_by=actor.user_id, now=now
            )
        await repos.people.add_membership(
            user_id=user.id,
            company_id=company_id,
            role=Role.ACCOUNTANT,
            granted_by=actor.user_id,
            now=now,
        )
    return user, token


async def accountant_clients(uow: UnitOfWork, actor: Actor) -> list[Company]:
    """The companies that granted this accountant access, and nothing else."""
    company_ids = sorted(actor.companies_with(Role.ACCOUNTANT))
    async with uow(write=False) as repos:
        companies = await repos.companies.get_many(company_ids)
    return [companies[company_id] for company_id in company_ids if company_id in companies]


async def create_operator(
    uow: UnitOfWork, *, email: str, password: str, full_name: str, now: datetime
) -> User:
    """Create (or promote) the programme operator; used from the command line only."""
    checked_email = rules.email(email)
    checked_password = rules.password(password)
    checked_name = rules.text(full_name, field="full_name", length_max=rules.NAME_LENGTH_MAX)
    password_hash = await hash_password(checked_password)
    async with uow() as repos:
        existing = await repos.people.get_user_by_email(checked_email)
        if existing is not None:
            await repos.people.set_operator(existing.id)
            await repos.people.set_password_hash(existing.id, password_hash)
            user = await repos.people.get_user(existing.id)
            assert user is not None
            return user
        return await repos.people.add_user(
            email=checked_email,
            full_name=checked_name,
            password_hash=password_hash,
            is_operator=True,
            now=now,
        )


async def current_user(uow: UnitOfWork, actor: Actor) -> User:
    async with uow(write=False) as repos:
        user = await repos.people.get_user(actor.user_id)
    if user is None:
        raise refusals.USER_NOT_FOUND.error(id=actor.user_id)
    return user
