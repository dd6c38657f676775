"""Logins throttled per account and per client address, over a window that moves on; the login
form's pre-session CSRF token; the API login JSON only.

The throttle's clock is the `limits` memory store's `time.time`: the tests move it forward
instead of waiting for a window to pass.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator

import httpx
import limits.storage.memory
import pytest
from litestar import Litestar

import web.throttle
from tests.helpers import PASSWORD, company_json, door_token, new_email, new_siren, sign_up
from timebank.config import (
    THROTTLE_ACCOUNT_ATTEMPTS_MAX_DEFAULT,
    THROTTLE_ADDRESS_ATTEMPTS_MAX_DEFAULT,
    THROTTLE_WINDOW_SECONDS_DEFAULT,
)
from web.auth import SESSION_COOKIE
from web.throttle import STATE_KEY, Throttle, ThrottleLimits

pytestmark = pytest.mark.anyio
HTML = {"accept": "text/html"}
DEFAULTS = ThrottleLimits(
    window_seconds=THROTTLE_WINDOW_SECONDS_DEFAULT,
    account_attempts_max=THROTTLE_ACCOUNT_ATTEMPTS_MAX_DEFAULT,
    address_attempts_max=THROTTLE_ADDRESS_ATTEMPTS_MAX_DEFAULT,
)


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    found = Clock()
    monkeypatch.setattr(limits.storage.memory, "time", found)
    monkeypatch.setattr(web.throttle, "time", found)
    return found


def use_throttle(app: Litestar, throttle_limits: ThrottleLimits) -> Iterator[Throttle]:
    """The app's throttle swapped for a fresh one for this test only."""
    previous = app.state.get(STATE_KEY)
    fresh = Throttle(throttle_limits)
    app.state[STATE_KEY] = fresh
    try:
        yield fresh
    finally:
        app.state[STATE_KEY] = previous


@pytest.fixture
def throttle(app: Litestar, clock: Clock) -> Iterator[Throttle]:
    del clock
    yield from use_throttle(app, DEFAULTS)


@pytest.fixture
def small_throttle(app: Litestar, clock: Clock) -> Iterator[Throttle]:
    del clock
    yield from use_throttle(
        app, ThrottleLimits(window_seconds=60, account_attempts_max=3, address_attempts_max=5)
    )


@pytest.fixture
async def client_from() -> AsyncIterator[object]:
    """Clients of the app calling from a given address."""
    opened: list[httpx.AsyncClient] = []

    def make(app: Litestar, address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        client = httpx.AsyncClient(transport=transport, base_url="http://testserver.local")
        opened.append(client)
        return client

    yield make
    for client in opened:
        await client.aclose()


async def api_login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/api/v1/auth/login", json={"email": email, "password": password})


def assert_throttled(response: httpx.Response) -> int:
    assert response.status_code == 429, response.text
    retry_after_seconds = int(response.headers["retry-after"])
    assert 1 <= retry_after_seconds <= THROTTLE_WINDOW_SECONDS_DEFAULT
    body = response.json()
    assert body["code"] == "too_many_attempts"
    assert "Trop de tentatives" in body["message"] and "Too many" in body["message_en"]
    return retry_after_seconds


async def test_eleven_wrong_passwords_hold_the_account_for_one_window_only(
    app: Litestar, throttle: Throttle, clock: Clock, client_from: object
) -> None:
    del throttle
    attacker = client_from(app, "203.0.113.10")  # type: ignore[operator]
    victim = await sign_up(name="Atelier Assiégé")
    bystander = await sign_up(name="Atelier Tranquille")
    for _ in range(THROTTLE_ACCOUNT_ATTEMPTS_MAX_DEFAULT):
        refused = await api_login(attacker, victim.email, "pas-le-bon-mot")
        assert refused.status_code == 401
    assert_throttled(await api_login(attacker, victim.email, "pas-le-bon-mot"))
    # The right password too, from anywhere, until the window has moved on.
    assert_throttled(await api_login(attacker, victim.email, PASSWORD))
    elsewhere = client_from(app, "198.51.100.20")  # type: ignore[operator]
    assert_throttled(await api_login(elsewhere, victim.email, PASSWORD))
    # Another account from another address is not held.
    assert (await api_login(elsewhere, bystander.email, PASSWORD)).status_code == 200
    clock.now += THROTTLE_WINDOW_SECONDS_DEFAULT + 1
    assert (await api_login(attacker, victim.email, PASSWORD)).status_code == 200


async def test_one_address_is_held_across_accounts_and_a_success_resets_nothing(
    app: Litestar, small_throttle: Throttle, client_from: object
) -> None:
    guesser = client_from(app, "203.0.113.30")  # type: ignore[operator]
    accounts = [await sign_up(name=f"Atelier Visé {n}") for n in range(3)]
    # Two failures each on two accounts, under the account limit (3), four for the address (5).
    for account in accounts[:2]:
        for _ in range(2):
            assert (await api_login(guesser, account.email, "mauvais-mot")).status_code == 401
    # A success of one account leaves the address's count as it was.
    assert (await api_login(guesser, accounts[2].email, PASSWORD)).status_code == 200
    assert (await api_login(guesser, accounts[2].email, "mauvais-mot")).status_code == 401
    assert_throttled(await api_login(guesser, accounts[2].email, PASSWORD))
    assert_throttled(await api_login(guesser, "inconnu@example.org", "mauvais-mot"))
    # The same accounts from another address are not held (none reached its own limit).
    other = client_from(app, "198.51.100.40")  # type: ignore[operator]
    assert small_throttle.limits.account_attempts_max == 3
    assert (await api_login(other, accounts[0].email, PASSWORD)).status_code == 200


async def test_the_login_page_answers_429_in_french_once_the_account_is_held(
    app: Litestar, small_throttle: Throttle, client_from: object
) -> None:
    del small_throttle
    browser = client_from(app, "203.0.113.50")  # type: ignore[operator]
    admin = await sign_up(name="Atelier Page Tenue")
    for _ in range(3):
        refused = await browser.post(
            "/connexion",
            data={"email": admin.email, "password": "non", "_csrf": await door_token(browser)},
            headers=HTML,
        )
        assert refused.status_code == 401
    held = await browser.post(
        "/connexion",
        data={"email": admin.email, "password": PASSWORD, "_csrf": await door_token(browser)},
        headers=HTML,
        follow_redirects=False,
    )
    assert held.status_code == 429 and int(held.headers["retry-after"]) >= 1
    assert "Trop de tentatives" in held.text and "<html" in held.text
    assert SESSION_COOKIE not in held.cookies


async def test_the_login_form_needs_this_browsers_door_token(client: httpx.AsyncClient) -> None:
    admin = await sign_up(name="Atelier Jeton de Porte")
    client.cookies.clear()
    without = await client.post(
        "/connexion", data={"email": admin.email, "password": PASSWORD}, headers=HTML
    )
    assert without.status_code == 403 and "CSRF" in without.text
    assert SESSION_COOKIE not in without.cookies
    token = await door_token(client)
    forged = await client.post(
        "/connexion",
        data={"email": admin.email, "password": PASSWORD, "_csrf": token + "x"},
        headers=HTML,
    )
    assert forged.status_code == 403 and SESSION_COOKIE not in forged.cookies
    # Another site cannot read this browser's cookie, nor set it: a token of its own fails too.
    client.cookies.clear()
    foreign = await client.post(
        "/connexion",
        data={"email": admin.email, "password": PASSWORD, "_csrf": token},
        headers=HTML,
    )
    assert foreign.status_code == 403
    logged_in = await client.post(
        "/connexion",
        data={"email": admin.email, "password": PASSWORD, "_csrf": await door_token(client)},
        headers=HTML,
        follow_redirects=False,
    )
    assert logged_in.status_code == 303 and SESSION_COOKIE in logged_in.cookies
    cookie = logged_in.headers.get_list("set-cookie")
    assert any(c.startswith(SESSION_COOKIE) for c in cookie)


async def test_the_door_token_cookie_is_http_only_and_lax(client: httpx.AsyncClient) -> None:
    client.cookies.clear()
    page = await client.get("/connexion", headers=HTML)
    (cookie,) = [c for c in page.headers.get_list("set-cookie") if c.startswith("tb_door_csrf=")]
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=lax", "path=/"} <= attributes


async def test_the_api_login_takes_json_only(client: httpx.AsyncClient) -> None:
    admin = await sign_up(name="Atelier JSON Seulement")
    client.cookies.clear()
    # What a cross-site HTML form can send: text/plain carrying JSON.
    body = f'{{"email": "{admin.email}", "password": "{PASSWORD}"}}'
    refused = await client.post(
        "/api/v1/auth/login", content=body, headers={"content-type": "text/plain"}
    )
    assert refused.status_code == 422 and refused.json()["code"] == "json_required"
    assert SESSION_COOKIE not in refused.cookies
    accepted = await client.post(
        "/api/v1/auth/login", content=body, headers={"content-type": "application/json"}
    )
    assert accepted.status_code == 200
    client.cookies.clear()


async def test_sign_ups_and_reset_requests_for_one_address_are_throttled_alike(
    app: Litestar, small_throttle: Throttle, client_from: object
) -> None:
    """Per e-mail, whether it has an account or not: the 429 tells nothing about it either."""
    del small_throttle
    sender = client_from(app, "203.0.113.70")  # type: ignore[operator]
    email = new_email("inondee")
    for _ in range(3):
        asked = await sender.post("/api/v1/auth/password-reset", json={"email": email})
        assert asked.status_code == 202
    assert_throttled(await sender.post("/api/v1/auth/password-reset", json={"email": email}))
    signup = {"email": email, "password": PASSWORD, "full_name": "Qui Que Ce Soit"}
    for _ in range(3):
        answer = await sender.post(
            "/api/v1/auth/signup", json=signup | {"company": company_json(siren=new_siren())}
        )
        assert answer.status_code == 202
    assert_throttled(
        await sender.post(
            "/api/v1/auth/signup", json=signup | {"company": company_json(siren=new_siren())}
        )
    )


async def test_refused_invitation_links_from_one_address_are_throttled(
    app: Litestar, small_throttle: Throttle, client_from: object
) -> None:
    del small_throttle
    guesser = client_from(app, "203.0.113.90")  # type: ignore[operator]
    for attempt in range(5):
        refused = await guesser.post(
            "/api/v1/auth/invitations/accept",
            json={"token": f"devine-{attempt}", "password": PASSWORD},
        )
        assert refused.status_code == 422 and refused.json()["code"] == "invalid_invitation"
    assert_throttled(
        await guesser.post(
            "/api/v1/auth/invitations/accept", json={"token": "devine-5", "password": PASSWORD}
        )
    )
