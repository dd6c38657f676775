"""Loads and stores users, memberships, sessions and invitations."""

from __future__ import annotations

from datetime import datetime

from timebank.db.errors import is_unique_violation
from timebank.db.sql import Row, Sql, fetch
from timebank.db.tables import (
    InvitationTable,
    MembershipTable,
    PasswordResetTable,
    SessionTable,
    UserTable,
)
from timebank.errors import Conflict
from timebank.people import refusals
from timebank.people.model import InvitationView, Membership, Role, User

# Asked by every request: fixed SQL, rendered once.
SESSION_ACTOR_SQL = Sql(
    "SELECT u.id, u.email, u.full_name, u.is_operator, u.locale, u.password_hash, "
    "u.created_at, s.csrf_token, m.company, m.role, c.name AS company_name "
    'FROM auth_session s JOIN app_user u ON u.id = s."user" '
    'LEFT JOIN membership m ON m."user" = u.id LEFT JOIN company c ON c.id = m.company '
    "WHERE s.token_hash = {0} AND s.revoked_at IS NULL AND s.expires_at > {1}"
)


FULL_NAMES_SQL = Sql("SELECT id, full_name FROM app_user WHERE id {0:in}")


def duplicate_email(email: str) -> Conflict:
    return refusals.DUPLICATE_EMAIL.error(email=email)


def _user_from_row(row: Row) -> User:
    return User(
        id=row["id"],
        email=row["email"],
        full_name=row["full_name"],
        is_operator=bool(row["is_operator"]),
        locale=row["locale"],
        has_password=row["password_hash"] is not None,
        created_at=row["created_at"],
    )


class PeopleRepository:
    async def add_user(
        self,
        *,
        email: str,
        full_name: str,
        password_hash: str | None,
        is_operator: bool,
        now: datetime,
    ) -> User:
        try:
            rows = await UserTable.insert(
                UserTable(
                    email=email,
                    full_name=full_name,
                    password_hash=password_hash,
                    is_operator=is_operator,
                    created_at=now,
                )
            ).returning(*UserTable.all_columns())
        except Exception as exc:
            if is_unique_violation(exc):
                raise duplicate_email(email) from exc
            raise
        return _user_from_row(rows[0])

    async def get_user(self, user_id: int) -> User | None:
        row = await UserTable.select().where(UserTable.id == user_id).first()
        return None if row is None else _user_from_row(row)

    async def full_names(self, user_ids: list[int]) -> dict[int, str]:
        """The full name of each of these users that exists (one statement)."""
        if not user_ids:
            return {}
        rows = await fetch(FULL_NAMES_SQL, sorted(set(user_ids)))
        return {row["id"]: row["full_name"] for row in rows}

    async def get_user_by_email(self, email: str) -> User | None:
        row = await UserTable.select().where(UserTable.email == email).first()
        return None if row is None else _user_from_row(row)

    async def password_hash_of(self, email: str) -> tuple[int, str | None] | None:
        row = await (
            UserTable.select(UserTable.id, UserTable.password_hash)
            .where(UserTable.email == email)
            .first()
        )
        return None if row is None else (row["id"], row["password_hash"])

    async def set_password_hash(self, user_id: int, password_hash: str) -> None:
        await UserTable.update({UserTable.password_hash: password_hash}).where(
            UserTable.id == user_id
        )

    async def set_operator(self, user_id: int) -> None:
        await UserTable.update({UserTable.is_operator: True}).where(UserTable.id == user_id)

    async def add_membership(
        self,
        *,
        user_id: int,
        company_id: int,
        role: Role,
        granted_by: int | None,
        now: datetime,
    ) -> Membership:
        existing = await MembershipTable.exists().where(
            (MembershipTable.user == user_id)
            & (MembershipTable.company == company_id)
            & (MembershipTable.role == role.value)
        )
        if not existing:
            await MembershipTable.insert(
                MembershipTable(
                    user=user_id,
                    company=company_id,
                    role=role.value,
                    granted_by=granted_by,
                    created_at=now,
                )
            )
        return Membership(user_id=user_id, company_id=company_id, role=role)

    async def memberships_of(self, user_id: int) -> list[Membership]:
        rows = await MembershipTable.select(
            MembershipTable.company,
            MembershipTable.role,
            MembershipTable.company.name.as_alias("company_name"),
        ).where(MembershipTable.user == user_id)
        return [
            Membership(
                user_id=user_id,
                company_id=row["company"],
                role=Role(row["role"]),
                company_name=row["company_name"] or "",
            )
            for row in rows
        ]

    async def members_of(self, company_id: int, role: Role) -> list[User]:
        rows = (
            await UserTable.select()
            .where(
                UserTable.id.is_in(
                    MembershipTable.select(MembershipTable.user).where(
                        (MembershipTable.company == company_id)
                        & (MembershipTable.role == role.value)
                    )
                )
            )
            .order_by(UserTable.email)
        )
        return [_user_from_row(row) for row in rows]

    async def add_session(
        self, *, token_hash: str, csrf_token: str, user_id: int, now: datetime, expires_at: datetime
    ) -> None:
        await SessionTable.insert(
            SessionTable(
                token_hash=token_hash,
                csrf_token=csrf_token,
                user=user_id,
                created_at=now,
                expires_at=expires_at,
            )
        )

    async def session_actor(
        self, token_hash: str, now: datetime
    ) -> tuple[User, str, list[Membership]] | None:
        """The user, CSRF token and memberships behind an unexpired, unrevoked session: one
        query, as every request asks it."""
        rows = await fetch(SESSION_ACTOR_SQL, token_hash, now)
        if not rows:
            return None
        user = _user_from_row(rows[0])
        memberships = [
            Membership(
                user_id=user.id,
                company_id=row["company"],
                role=Role(row["role"]),
                company_name=row["company_name"] or "",
            )
            for row in rows
            if row["company"] is not None
        ]
        return user, rows[0]["csrf_token"], memberships

    async def revoke_session(self, token_hash: str, now: datetime) -> None:
        await SessionTable.update({SessionTable.revoked_at: now}).where(
            (SessionTable.token_hash == token_hash) & SessionTable.revoked_at.is_null()
        )

    async def revoke_sessions_of(self, user_id: int, now: datetime) -> None:
        await SessionTable.update({SessionTable.revoked_at: now}).where(
            (SessionTable.user == user_id) & SessionTable.revoked_at.is_null()
        )

    async def add_invitation(
        self,
        *,
        token_hash: str,
        user_id: int,
        company_id: int,
        created_by: int,
        now: datetime,
        expires_at: datetime,
    ) -> None:
        await InvitationTable.insert(
            InvitationTable(
                token_hash=token_hash,
                user=user_id,
                company=company_id,
                created_by=created_by,
                created_at=now,
                expires_at=expires_at,
            )
        )

    async def open_invitation(self, token_hash: str, now: datetime) -> tuple[int, int] | None:
        """(invitation id, user id) of an unexpired, unaccepted invitation."""
        row = await (
            InvitationTable.select(InvitationTable.id, InvitationTable.user)
            .where(
                (InvitationTable.token_hash == token_hash)
                & InvitationTable.accepted_at.is_null()
                & (InvitationTable.expires_at > now)
            )
            .first()
        )
        return None if row is None else (row["id"], row["user"])

    async def invitation_view(self, token_hash: str, now: datetime) -> InvitationView | None:
        """Who is invited, to which company, by whom: for an unexpired, unaccepted invitation."""
        row = await (
            InvitationTable.select(
                InvitationTable.user.email.as_alias("email"),
                InvitationTable.user.full_name.as_alias("full_name"),
                InvitationTable.company.name.as_alias("company_name"),
                InvitationTable.created_by.full_name.as_alias("inviter_name"),
                InvitationTable.expires_at,
            )
            .where(
                (InvitationTable.token_hash == token_hash)
                & InvitationTable.accepted_at.is_null()
                & (InvitationTable.expires_at > now)
            )
            .first()
        )
        if row is None:
            return None
        return InvitationView(
            email=row["email"],
            full_name=row["full_name"],
            company_name=row["company_name"],
            inviter_name=row["inviter_name"],
            expires_at=row["expires_at"],
        )

    async def accept_invitation(self, invitation_id: int, now: datetime) -> bool:
        """Mark accepted; False if someone else accepted it first."""
        rows = await (
            InvitationTable.update({InvitationTable.accepted_at: now})
            .where((InvitationTable.id == invitation_id) & InvitationTable.accepted_at.is_null())
            .returning(InvitationTable.id)
        )
        return len(rows) == 1

    async def add_password_reset(
        self, *, token_hash: str, user_id: int, now: datetime, expires_at: datetime
    ) -> None:
        await PasswordResetTable.insert(
            PasswordResetTable(
                token_hash=token_hash, user=user_id, created_at=now, expires_at=expires_at
            )
        )

    async def password_resets_since(self, user_id: int, since: datetime) -> int:
        return int(
            await PasswordResetTable.count().where(
                (PasswordResetTable.user == user_id) & (PasswordResetTable.created_at > since)
            )
        )

    async def open_password_reset(
        self, token_hash: str, now: datetime
    ) -> tuple[int, int, str] | None:
        """(reset id, user id, e-mail) of an unexpired, unused reset link."""
        row = await (
            PasswordResetTable.select(
                PasswordResetTable.id,
                PasswordResetTable.user,
                PasswordResetTable.user.email.as_alias("email"),
            )
            .where(
                (PasswordResetTable.token_hash == token_hash)
                & PasswordResetTable.used_at.is_null()
                & (PasswordResetTable.expires_at > now)
            )
            .first()
        )
        return None if row is None else (row["id"], row["user"], row["email"])

    async def use_password_reset(self, reset_id: int, now: datetime) -> bool:
        """Mark used; False if it was used meanwhile."""
        rows = await (
            PasswordResetTable.update({PasswordResetTable.used_at: now})
            .where((PasswordResetTable.id == reset_id) & PasswordResetTable.used_at.is_null())
            .returning(PasswordResetTable.id)
        )
        return len(rows) == 1

    async def close_password_resets_of(self, user_id: int, now: datetime) -> None:
        """Every other link still open for this person stops working."""
        await PasswordResetTable.update({PasswordResetTable.used_at: now}).where(
            (PasswordResetTable.user == user_id) & PasswordResetTable.used_at.is_null()
        )

    async def count_users(self) -> int:
        return int(await UserTable.count())
