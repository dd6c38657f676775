"""Password hashing with argon2id (run off the event loop: hashing is deliberately slow).

The parameters are OWASP's Password Storage Cheat Sheet configuration for argon2id: 19 MiB of
memory, 2 passes, 1 lane. argon2-cffi's default (64 MiB, 3 passes, 4 lanes: RFC 9106's second
option) takes several times the CPU of both cores of a small server per log-in, which stalls
every other request meanwhile (figures: docs/operations.md); the login throttle
(web/throttle.py) bounds guessing either way. A stored hash carries its own parameters, so
hashes made with other parameters still verify.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

PASSWORD_MEMORY_KIB: Final = 19_456
PASSWORD_PASSES: Final = 2
PASSWORD_LANES: Final = 1

_HASHER = PasswordHasher(
    time_cost=PASSWORD_PASSES, memory_cost=PASSWORD_MEMORY_KIB, parallelism=PASSWORD_LANES
)
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
