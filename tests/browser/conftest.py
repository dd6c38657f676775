"""Browser tests: Debian's Chromium driven by Playwright against the real service.

`live_server` runs `timebank serve` in its own process on a free loopback port, on the same
database as the test run (SQLite file or PostgreSQL), so a test prepares its data through the
use cases or the API in this process and then acts as a person would in the browser. Every page
a test opens is checked for requests to another host; `check_page` adds the accessibility check
(axe-core: no serious or critical violation) and the phone width (no sideways page scroll).

Without /usr/bin/chromium these tests are skipped, except under CI (`CI=true`), where a missing
browser fails the run: `.ci/run` installs it from Debian's packages.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from litestar import Litestar

CHROMIUM = Path(os.environ.get("TIMEBANK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--lang=fr-FR"]
SERVER_START_SECONDS_MAX = 60.0
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
# Set TIMEBANK_SCREENSHOTS=docs/images to write the journeys' screenshots there.
SCREENSHOT_DIRECTORY = os.environ.get("TIMEBANK_SCREENSHOTS")
SERIOUS_IMPACTS = frozenset({"serious", "critical"})


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(database: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`timebank serve` on a free port of 127.0.0.1, on this run's database."""
    del database
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    port = _free_port()
    log_path = tmp_path_factory.mktemp("server") / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "web.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                # The suite tests the scheduler's leadership itself: the page server stays out.
                "--no-scheduler",
            ],
            env=os.environ.copy(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_SECONDS_MAX
    while True:
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the service did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.2)
    yield base_url
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
async def browser(live_server: str) -> AsyncIterator[Any]:
    del live_server
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        await chromium.close()


@pytest.fixture(scope="session")
def app(database: None) -> Litestar:
    del database
    from web.app import create_app

    return create_app(manage_database=False)


@pytest.fixture(name="client")
async def fx_client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """The API in this process, to prepare a test's data the way other programs would."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as client:
        yield client


class OtherHostRequested(AssertionError):
    pass


@pytest.fixture
async def page(browser: Any, live_server: str) -> AsyncIterator[Any]:
    """A fresh browser profile in French, failing the test if anything leaves this machine."""
    context = await browser.new_context(
        base_url=live_server, locale="fr-FR", viewport=DESKTOP, timezone_id="Europe/Paris"
    )
    elsewhere: list[str] = []
    errors: list[str] = []

    def watch(request: Any) -> None:
        host = urlsplit(request.url).hostname or ""
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        if host not in LOCAL_HOSTS:
            elsewhere.append(request.url)

    context.on("request", watch)
    opened = await context.new_page()
    opened.on("pageerror", lambda error: errors.append(str(error)))
    blocked: list[str] = []

    def watch_console(message: Any) -> None:
        # Chromium reports what the Content-Security-Policy blocked on the console only.
        if "Content Security Policy" in message.text:
            blocked.append(f"{message.location.get('url', '')}: {message.text}")

    opened.on("console", watch_console)
    yield opened
    await context.close()
    assert not elsewhere, f"pages requested other hosts: {elsewhere[:5]}"
    assert not errors, f"JavaScript errors on the pages: {errors[:5]}"
    assert not blocked, f"the Content-Security-Policy blocked: {blocked[:5]}"


async def log_in(page: Any, email: str, password: str) -> None:
    """Through the login form, as a person would."""
    await page.goto("/connexion")
    await page.get_by_label("Adresse e-mail").fill(email)
    await page.get_by_label("Mot de passe").fill(password)
    await page.get_by_role("button", name="Se connecter").click()
    await page.wait_for_load_state("load")


async def _screenshot(page: Any, path: Path) -> None:
    """The whole page as it shows. `caret="initial"`: Playwright hides the text caret with a
    style element of its own otherwise, which the pages' Content-Security-Policy refuses."""
    await page.screenshot(path=str(path), full_page=True, caret="initial")


async def check_page(page: Any, name: str | None = None) -> None:
    """No serious accessibility violation; readable at 375 px without sideways page scroll.

    With `name` and TIMEBANK_SCREENSHOTS set, also saves the page at desktop and phone width.
    """
    from axe_playwright_python.async_playwright import Axe

    results = await Axe().run(page)
    serious = [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} élément(s), "
        f"{violation['nodes'][0]['target']})"
        for violation in results.response["violations"]
        if violation.get("impact") in SERIOUS_IMPACTS
    ]
    assert not serious, f"accessibility on {page.url}: {serious}"
    if SCREENSHOT_DIRECTORY and name:
        directory = Path(SCREENSHOT_DIRECTORY)
        directory.mkdir(parents=True, exist_ok=True)
        await _screenshot(page, directory / f"{name}-desktop.png")
    await page.set_viewport_size(PHONE)
    try:
        overflow = await page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{page.url} scrolls sideways by {overflow} px at 375 px wide"
        if SCREENSHOT_DIRECTORY and name:
            await _screenshot(page, Path(SCREENSHOT_DIRECTORY) / f"{name}-phone.png")
    finally:
        await page.set_viewport_size(DESKTOP)
