"""Password hashing with argon2 (run off the event loop: hashing is deliberately slow)."""

from __future__ import annotations

import asyncio
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
# Verified when the e-mail is unknown, so that a login takes as long either way.
_DUMMY_HASH = _HASHER.hash("not-a-real-password-" + secrets.token_hex(8))


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_HASHER.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    def verify() -> bool:
        try:
            return _HASHER.verify(password_hash or _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return False

    ok = await asyncio.to_thread(verify)
    return ok and password_hash is not None


def new_token() -> tuple[str, str]:
    """A random bearer token and the SHA-256 hex digest stored in its place."""
    token = secrets.token_urlsafe(32)
    return token, token_digest(token)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
