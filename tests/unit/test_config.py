"""Settings: defaults, PostgreSQL URLs, and clear refusals that name the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from timebank.config import DatabaseKind, SettingsError, settings_from_environ


def test_default_database_is_a_sqlite_file_in_the_working_directory() -> None:
    settings = settings_from_environ({})
    assert settings.database.kind is DatabaseKind.SQLITE
    assert settings.database.sqlite_path == Path.cwd() / "timebank.sqlite3"
    assert (settings.host, settings.port, settings.locale) == ("127.0.0.1", 8000, "fr")


def test_postgresql_url_is_parsed_without_leaking_the_password() -> None:
    settings = settings_from_environ(
        {"TIMEBANK_DATABASE_URL": "postgresql://app:s3cret@db.local:6543/timebank"}
    )
    database = settings.database
    assert database.kind is DatabaseKind.POSTGRESQL
    assert (database.pg_host, database.pg_port, database.pg_user, database.pg_database) == (
        "db.local",
        6543,
        "app",
        "timebank",
    )
    assert "s3cret" not in database.describe()


@pytest.mark.parametrize(
    "url",
    [
        "mysql://x/y",
        "postgresql://host",
        "sqlite://",
        "nonsense",
        "postgresql://host:notaport/db",
        "sqlite://remote/x.db",
    ],
)
def test_malformed_database_url_is_refused(url: str) -> None:
    with pytest.raises(SettingsError) as caught:
        settings_from_environ({"TIMEBANK_DATABASE_URL": url})
    assert caught.value.variable == "TIMEBANK_DATABASE_URL"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TIMEBANK_PORT", "0"),
        ("TIMEBANK_PORT", "http"),
        ("TIMEBANK_LOCALE", "de"),
        ("TIMEBANK_SECRET_KEY", "short"),
        ("TIMEBANK_COOKIE_SECURE", "maybe"),
    ],
)
def test_bad_values_are_refused_naming_the_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        settings_from_environ({variable: value})
    assert caught.value.variable == variable
