"""The door's throttle settings: defaults of 10 failures per account and 30 per address in
15 minutes, and refusals that name the variable."""

from __future__ import annotations

import pytest

from timebank.config import SettingsError, settings_from_environ


def test_throttle_defaults_are_ten_per_account_and_thirty_per_address_in_fifteen_minutes() -> None:
    settings = settings_from_environ({})
    assert (
        settings.throttle_window_seconds,
        settings.throttle_account_attempts_max,
        settings.throttle_address_attempts_max,
    ) == (900, 10, 30)


def test_throttle_settings_are_read_and_bounded() -> None:
    settings = settings_from_environ(
        {
            "TIMEBANK_THROTTLE_WINDOW_SECONDS": "60",
            "TIMEBANK_THROTTLE_ACCOUNT_ATTEMPTS_MAX": "5",
            "TIMEBANK_THROTTLE_ADDRESS_ATTEMPTS_MAX": "500",
        }
    )
    assert settings.throttle_window_seconds == 60
    assert (settings.throttle_account_attempts_max, settings.throttle_address_attempts_max) == (
        5,
        500,
    )
    for variable in (
        "TIMEBANK_THROTTLE_WINDOW_SECONDS",
        "TIMEBANK_THROTTLE_ACCOUNT_ATTEMPTS_MAX",
        "TIMEBANK_THROTTLE_ADDRESS_ATTEMPTS_MAX",
    ):
        with pytest.raises(SettingsError) as refused:
            settings_from_environ({variable: "0"})
        assert refused.value.variable == variable
