"""The door's throttle settings: defaults of 10 failures per account and 30 per address in
15 minutes, and refusals that name the variable."""

from __future__ import annotations

import pytest

from timebank.config import SettingsError, settings_from_environ
from web.throttle import WORKERS_VARIABLE, ThrottleLimits, serving_workers


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


def test_each_of_several_workers_allows_its_share_so_the_limits_hold_in_all() -> None:
    settings = settings_from_environ({})
    one = ThrottleLimits.of(settings)
    two = ThrottleLimits.of(settings, workers=2)
    sixteen = ThrottleLimits.of(settings, workers=16)
    assert (one.account_attempts_max, one.address_attempts_max) == (10, 30)
    assert (two.account_attempts_max, two.address_attempts_max) == (5, 15)
    assert (sixteen.account_attempts_max, sixteen.address_attempts_max) == (1, 1)
    assert two.window_seconds == one.window_seconds == 900


def test_the_worker_count_comes_from_serve_and_defaults_to_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(WORKERS_VARIABLE, raising=False)
    assert serving_workers() == 1
    monkeypatch.setenv(WORKERS_VARIABLE, "4")
    assert serving_workers() == 4
    monkeypatch.setenv(WORKERS_VARIABLE, "nonsense")
    assert serving_workers() == 1
