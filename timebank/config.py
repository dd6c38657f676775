"""Settings read from `TIMEBANK_*` environment variables, validated once at start-up.

A bad value stops the service with a message that names the variable, before anything is served.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, fields
from datetime import date
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Final
from urllib.parse import unquote, urlsplit

from contracts.amortisation import DayCount
from contracts.fec import AccountPlan

SQLITE_DEFAULT_FILE: Final = "timebank.sqlite3"
PORT_MIN: Final = 1
PORT_MAX: Final = 65535
SECRET_KEY_LENGTH_MIN: Final = 32
SESSION_HOURS_DEFAULT: Final = 12
SESSION_HOURS_MAX: Final = 24 * 30
# The door's throttle (web/throttle.py): failures or requests counted over a moving window.
THROTTLE_WINDOW_SECONDS_DEFAULT: Final = 15 * 60
THROTTLE_ACCOUNT_ATTEMPTS_MAX_DEFAULT: Final = 10
THROTTLE_ADDRESS_ATTEMPTS_MAX_DEFAULT: Final = 30
THROTTLE_ATTEMPTS_MAX: Final = 1_000_000


# Proposals: at most two volunteers on a need, for at least four hours a month each.
MATCH_TEAM_SIZE_MAX_DEFAULT: Final = 2
MATCH_ASSIGNMENT_HOURS_MIN_DEFAULT: Final = 4


class SettingsError(Exception):
    """A `TIMEBANK_*` variable has a value the service cannot use."""

    def __init__(self, variable: str, message: str) -> None:
        super().__init__(f"{variable}: {message}")
        self.variable = variable


class DatabaseKind(Enum):
    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"


@dataclass(frozen=True, slots=True)
class DatabaseSettings:
    kind: DatabaseKind
    url: str
    sqlite_path: Path | None = None
    pg_host: str = "127.0.0.1"
    pg_port: int = 5432
    pg_user: str | None = None
    pg_password: str | None = None
    pg_database: str | None = None

    def describe(self) -> str:
        """A description safe to print: never shows the password."""
        if self.kind is DatabaseKind.SQLITE:
            return f"SQLite ({self.sqlite_path})"
        return f"PostgreSQL ({self.pg_user or ''}@{self.pg_host}:{self.pg_port}/{self.pg_database})"


@dataclass(frozen=True, slots=True)
class Settings:
    database: DatabaseSettings
    secret_key: str
    secret_key_generated: bool
    host: str
    port: int
    locale: str
    cookie_secure: bool
    session_hours: int
    smtp_host: str | None
    smtp_port: int
    smtp_sender: str
    # Day of the month on which next month's shared-CDO rotations are planned (1–28).
    rotation_plan_day: int = 20
    # CP-SAT's (deterministic) time limit for one rotation plan, in seconds (1–600).
    rotation_time_limit_seconds: int = 20
    # Proposals people can staff: at most this many volunteers on one need (1–20), each for at
    # least this many hours a month, or the whole need when it asks for fewer (1–160).
    match_team_size_max: int = MATCH_TEAM_SIZE_MAX_DEFAULT
    match_assignment_hours_min: int = MATCH_ASSIGNMENT_HOURS_MIN_DEFAULT
    # Every process tries for the scheduler's leadership, and the leader checks its lock, this
    # often (1–300 seconds): the bound on how long the jobs wait for a new leader.
    leadership_retry_seconds: int = 10
    # Accounting: fiscal year end (month, day), amortisation life and day count, the
    # suramortissement simulation's rate, and account numbers / journal codes overridden.
    fiscal_year_end: tuple[int, int] = (12, 31)
    amortisation_years: int = 3
    amortisation_day_count: str = "30/360"
    suramortissement_basis_points: int = 0
    fec_accounts: tuple[tuple[str, str], ...] = ()
    # Failed logins (and sign-ups, reset requests) allowed per e-mail and per client address
    # within the moving window; past them, 429 until the window has moved on.
    throttle_window_seconds: int = THROTTLE_WINDOW_SECONDS_DEFAULT
    throttle_account_attempts_max: int = THROTTLE_ACCOUNT_ATTEMPTS_MAX_DEFAULT
    throttle_address_attempts_max: int = THROTTLE_ADDRESS_ATTEMPTS_MAX_DEFAULT


def parse_database_url(url: str) -> DatabaseSettings:
    """Read a `sqlite:///path` or `postgresql://user:pass@host:port/db` URL."""
    variable = "TIMEBANK_DATABASE_URL"
    url = url.strip()
    if not url:
        raise SettingsError(variable, "empty URL / URL vide")
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///relative.db or sqlite:////absolute/path.db
        if parts.netloc not in ("", "localhost"):
            raise SettingsError(variable, "use sqlite:///path/to/file.sqlite3")
        raw_path = unquote(parts.path)
        raw_path = raw_path[1:] if raw_path.startswith("/") else raw_path
        if not raw_path:
            raise SettingsError(
                variable, "a SQLite URL needs a file path: sqlite:///timebank.sqlite3"
            )
        path = Path(raw_path)
        if not path.is_absolute():
            path = Path.cwd() / path
        return DatabaseSettings(kind=DatabaseKind.SQLITE, url=url, sqlite_path=path)
    if parts.scheme in ("postgresql", "postgres"):
        database = parts.path.lstrip("/")
        if not database or "/" in database:
            raise SettingsError(
                variable, "a PostgreSQL URL needs a database name: postgresql://host/db"
            )
        try:
            port = parts.port or 5432
        except ValueError as exc:
            raise SettingsError(variable, f"invalid port: {exc}") from exc
        return DatabaseSettings(
            kind=DatabaseKind.POSTGRESQL,
            url=url,
            pg_host=parts.hostname or "127.0.0.1",
            pg_port=port,
            pg_user=unquote(parts.username) if parts.username else None,
            pg_password=unquote(parts.password) if parts.password else None,
            pg_database=unquote(database),
        )
    raise SettingsError(
        variable,
        f"unsupported scheme {parts.scheme!r}: use sqlite:///file.sqlite3 or postgresql://host/db",
    )


def _int_from_env(environ: dict[str, str], variable: str, default: int, low: int, high: int) -> int:
    raw = environ.get(variable)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(variable, f"not a whole number: {raw!r}") from exc
    if not low <= value <= high:
        raise SettingsError(variable, f"must be between {low} and {high}, got {value}")
    return value


def _bool_from_env(environ: dict[str, str], variable: str, *, default: bool) -> bool:
    raw = environ.get(variable, "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on", "oui"):
        return True
    if raw in ("0", "false", "no", "off", "non"):
        return False
    raise SettingsError(variable, f"expected true or false, got {raw!r}")


# Account numbers and journal codes may be set; the journals' labels are free text, not codes.
ACCOUNT_SETTING_NAMES: Final = frozenset(
    f.name for f in fields(AccountPlan) if not f.name.endswith("_label")
)


def _fiscal_year_end(raw: str) -> tuple[int, int]:
    try:
        month, day = (int(part) for part in raw.strip().split("-"))
        date(2001, month, day)  # Not 29 February: every year must have it.
    except ValueError as exc:
        raise SettingsError("TIMEBANK_FISCAL_YEAR_END", "MM-JJ attendu / MM-DD expected") from exc
    return month, day


def _choice(environ: dict[str, str], variable: str, default: str, allowed: tuple[str, ...]) -> str:
    value = environ.get(variable, default).strip() or default
    if value not in allowed:
        raise SettingsError(variable, f"one of {', '.join(allowed)}")
    return value


def _accounts(raw: str) -> tuple[tuple[str, str], ...]:
    """`client=411,supplier=401`: account numbers (digits) and journal codes (letters)."""
    found = []
    for part in filter(None, (p.strip() for p in raw.split(","))):
        name, _, value = part.partition("=")
        if name not in ACCOUNT_SETTING_NAMES or not value.isalnum() or len(value) > 10:
            raise SettingsError("TIMEBANK_FEC_ACCOUNTS", f"réglage invalide / invalid: {part}")
        found.append((name, value))
    return tuple(found)


def settings_from_environ(environ: dict[str, str]) -> Settings:
    """Build settings from a mapping of environment variables; raises SettingsError."""
    database = parse_database_url(
        environ.get("TIMEBANK_DATABASE_URL", f"sqlite:///{SQLITE_DEFAULT_FILE}")
    )
    secret_key = environ.get("TIMEBANK_SECRET_KEY", "")
    secret_key_generated = False
    if secret_key == "":
        # Sessions are stored server-side, so a per-process key only affects signed feed links.
        secret_key = secrets.token_urlsafe(48)
        secret_key_generated = True
    elif len(secret_key) < SECRET_KEY_LENGTH_MIN:
        raise SettingsError(
            "TIMEBANK_SECRET_KEY", f"must be at least {SECRET_KEY_LENGTH_MIN} characters long"
        )
    locale = environ.get("TIMEBANK_LOCALE", "fr").strip().lower()
    if locale not in ("fr", "en"):
        raise SettingsError("TIMEBANK_LOCALE", f"must be fr or en, got {locale!r}")
    host = environ.get("TIMEBANK_HOST", "127.0.0.1").strip()
    if not host:
        raise SettingsError("TIMEBANK_HOST", "empty host")
    smtp_host = environ.get("TIMEBANK_SMTP_HOST", "").strip() or None
    return Settings(
        database=database,
        secret_key=secret_key,
        secret_key_generated=secret_key_generated,
        host=host,
        port=_int_from_env(environ, "TIMEBANK_PORT", 8000, PORT_MIN, PORT_MAX),
        locale=locale,
        cookie_secure=_bool_from_env(environ, "TIMEBANK_COOKIE_SECURE", default=False),
        session_hours=_int_from_env(
            environ, "TIMEBANK_SESSION_HOURS", SESSION_HOURS_DEFAULT, 1, SESSION_HOURS_MAX
        ),
        smtp_host=smtp_host,
        smtp_port=_int_from_env(environ, "TIMEBANK_SMTP_PORT", 25, PORT_MIN, PORT_MAX),
        smtp_sender=environ.get("TIMEBANK_SMTP_SENDER", "bourse-de-temps@localhost"),
        rotation_plan_day=_int_from_env(environ, "TIMEBANK_ROTATION_PLAN_DAY", 20, 1, 28),
        rotation_time_limit_seconds=_int_from_env(
            environ, "TIMEBANK_ROTATION_TIME_LIMIT_SECONDS", 20, 1, 600
        ),
        leadership_retry_seconds=_int_from_env(
            environ, "TIMEBANK_LEADERSHIP_RETRY_SECONDS", 10, 1, 300
        ),
        match_team_size_max=_int_from_env(
            environ, "TIMEBANK_MATCH_TEAM_SIZE_MAX", MATCH_TEAM_SIZE_MAX_DEFAULT, 1, 20
        ),
        match_assignment_hours_min=_int_from_env(
            environ,
            "TIMEBANK_MATCH_ASSIGNMENT_HOURS_MIN",
            MATCH_ASSIGNMENT_HOURS_MIN_DEFAULT,
            1,
            160,
        ),
        fiscal_year_end=_fiscal_year_end(environ.get("TIMEBANK_FISCAL_YEAR_END", "12-31")),
        amortisation_years=_int_from_env(environ, "TIMEBANK_AMORTISATION_YEARS", 3, 1, 5),
        amortisation_day_count=_choice(
            environ,
            "TIMEBANK_AMORTISATION_DAY_COUNT",
            DayCount.THIRTY_360.value,
            tuple(count.value for count in DayCount),
        ),
        suramortissement_basis_points=_int_from_env(
            environ, "TIMEBANK_SURAMORTISSEMENT_BASIS_POINTS", 0, 0, 10_000
        ),
        fec_accounts=_accounts(environ.get("TIMEBANK_FEC_ACCOUNTS", "")),
        throttle_window_seconds=_int_from_env(
            environ, "TIMEBANK_THROTTLE_WINDOW_SECONDS", THROTTLE_WINDOW_SECONDS_DEFAULT, 1, 86_400
        ),
        throttle_account_attempts_max=_int_from_env(
            environ,
            "TIMEBANK_THROTTLE_ACCOUNT_ATTEMPTS_MAX",
            THROTTLE_ACCOUNT_ATTEMPTS_MAX_DEFAULT,
            1,
            THROTTLE_ATTEMPTS_MAX,
        ),
        throttle_address_attempts_max=_int_from_env(
            environ,
            "TIMEBANK_THROTTLE_ADDRESS_ATTEMPTS_MAX",
            THROTTLE_ADDRESS_ATTEMPTS_MAX_DEFAULT,
            1,
            THROTTLE_ATTEMPTS_MAX,
        ),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return settings_from_environ(dict(os.environ))
