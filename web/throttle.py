"""The door's throttle: failed logins, sign-ups, password-reset requests and refused invitation
tokens counted per account (e-mail) and per client address over a moving window (`limits`).

Past a limit the door answers 429 with `Retry-After` until the window has moved on: nothing is
locked for good, so an attacker can slow a person's logins for one window at most. Only failed
logins count for the account limit; a success resets nothing.

The store is in memory, per process. With `serve --workers N` each worker counts on its own
and allows its share of each limit (the limit divided by N, at least 1), so requests spread
over the workers still meet the limit in all (or N attempts, when N exceeds it), and requests
that all reach one worker are held sooner — the stricter side. The client
address is the ASGI client host: behind a reverse proxy on this host, uvicorn's proxy headers
(trusted only from `FORWARDED_ALLOW_IPS`, 127.0.0.1 by default) set it; `X-Forwarded-For` is
never read here.
"""

from __future__ import annotations

import asyncio
import math
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from litestar import Request

from timebank import rules
from timebank.config import Settings, get_settings
from timebank.errors import TooManyAttempts
from web import refusals

STATE_KEY: Final = "door_throttle"
# Set by `timebank serve --workers N` for its workers (web/cli.py).
WORKERS_VARIABLE: Final = "TIMEBANK_SERVE_WORKERS"
UNKNOWN_ADDRESS: Final = "unknown"
# Waiting logins of one account are queued here; more than this many are refused at once.
LOGINS_WAITING_PER_ACCOUNT_MAX: Final = 100


class Action(StrEnum):
    LOGIN = "login"
    SIGNUP = "signup"
    PASSWORD_RESET = "password_reset"
    INVITATION = "invitation"


@dataclass(frozen=True, slots=True)
class ThrottleLimits:
    window_seconds: int
    account_attempts_max: int
    address_attempts_max: int

    @classmethod
    def of(cls, settings: Settings, *, workers: int = 1) -> ThrottleLimits:
        """The limits one of `workers` processes applies: its share of each."""
        assert workers >= 1
        return cls(
            window_seconds=settings.throttle_window_seconds,
            account_attempts_max=max(1, settings.throttle_account_attempts_max // workers),
            address_attempts_max=max(1, settings.throttle_address_attempts_max // workers),
        )


def too_many_attempts(retry_after_seconds: int) -> TooManyAttempts:
    """The refusal, in whole minutes, with the seconds for the Retry-After header."""
    refused = refusals.TOO_MANY_ATTEMPTS.error(minutes=max(1, math.ceil(retry_after_seconds / 60)))
    refused.retry_after_seconds = retry_after_seconds
    return refused


class Throttle:
    """Counters of one application instance (tests swap in their own with small limits)."""

    def __init__(self, limits: ThrottleLimits) -> None:
        self.limits = limits
        self._storage = MemoryStorage()
        self._limiter = MovingWindowRateLimiter(self._storage)
        self._account: RateLimitItem = RateLimitItemPerSecond(
            limits.account_attempts_max, limits.window_seconds
        )
        self._address: RateLimitItem = RateLimitItemPerSecond(
            limits.address_attempts_max, limits.window_seconds
        )
        self._login_locks: dict[str, tuple[asyncio.Lock, int]] = {}

    def _counters(
        self, action: Action, email: str | None, address: str
    ) -> list[tuple[RateLimitItem, str, str]]:
        counters = [(self._address, f"{action}:address", address)]
        if email:
            counters.append((self._account, f"{action}:account", account_key(email)))
        return counters

    def refuse_if_over(self, action: Action, *, email: str | None, address: str) -> None:
        """TooManyAttempts when either counter is full, with the seconds until one frees."""
        retry_after_seconds = 0
        for item, kind, key in self._counters(action, email, address):
            if not self._limiter.test(item, kind, key):
                reset_time = self._limiter.get_window_stats(item, kind, key).reset_time
                retry_after_seconds = max(retry_after_seconds, math.ceil(reset_time - time.time()))
        if retry_after_seconds:
            raise too_many_attempts(max(1, retry_after_seconds))

    def count(self, action: Action, *, email: str | None, address: str) -> None:
        for item, kind, key in self._counters(action, email, address):
            self._limiter.hit(item, kind, key)

    def admit(self, action: Action, *, email: str | None, address: str) -> None:
        """A request that counts whatever its outcome (sign-up, reset request)."""
        self.refuse_if_over(action, email=email, address=address)
        self.count(action, email=email, address=address)

    @asynccontextmanager
    async def login_attempt(self, email: str, address: str) -> AsyncIterator[None]:
        """Checks one account's logins one at a time, so that parallel guesses cannot all
        pass the check before the first failure is counted; the caller counts failures."""
        key = account_key(email)
        lock, waiting = self._login_locks.get(key, (asyncio.Lock(), 0))
        if waiting >= LOGINS_WAITING_PER_ACCOUNT_MAX:
            raise too_many_attempts(self.limits.window_seconds)
        self._login_locks[key] = (lock, waiting + 1)
        try:
            async with lock:
                self.refuse_if_over(Action.LOGIN, email=email, address=address)
                yield
        finally:
            lock, waiting = self._login_locks[key]
            if waiting <= 1:
                del self._login_locks[key]
            else:
                self._login_locks[key] = (lock, waiting - 1)

    def reset(self) -> None:
        self._storage.reset()


def serving_workers() -> int:
    """How many worker processes share the port (1 unless `serve --workers N` said so)."""
    raw = os.environ.get(WORKERS_VARIABLE, "1")
    return int(raw) if raw.isdigit() and int(raw) >= 1 else 1


def account_key(email: str) -> str:
    return email.strip().lower()[: rules.EMAIL_LENGTH_MAX]


def throttle_of(request: Request[Any, Any, Any]) -> Throttle:
    """The application's throttle, made on first use from the settings."""
    state = request.app.state
    found = state.get(STATE_KEY)
    if not isinstance(found, Throttle):
        found = Throttle(ThrottleLimits.of(get_settings(), workers=serving_workers()))
        state[STATE_KEY] = found
    return found


def client_address(request: Request[Any, Any, Any]) -> str:
    client = request.client
    return client.host if client is not None and client.host else UNKNOWN_ADDRESS
