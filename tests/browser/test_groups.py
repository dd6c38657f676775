"""Shared CDO in the browser: a PME finds a group and asks to join; the coordinator accepts,
opens a period, generates a plan in the background, moves a slot by hand and publishes; the
member sees its day and subscribes its agenda; the month's cost splits to the cent. And the
server keeps answering while a large plan is solving."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from icalendar import Calendar

from tests.browser.conftest import check_page, log_in
from tests.e2e.test_rotations import CDO_SALARY_CENTS, _group_world
from tests.exchange_helpers import CHARGES_BASIS_POINTS, Party, joined_group, signup
from tests.helpers import PASSWORD, new_email, now
from timebank.employees.model import CostInputs, hourly_cost_cents
from timebank.formatting import euros
from timebank.geography import public_holidays
from timebank.rotations.model import monthly_cost_cents

pytestmark = pytest.mark.anyio
Client = httpx.AsyncClient
MANAGEMENT_EUROS = 300
JOB_WAIT_MS = 180_000


async def _switch(page: Any, email: str, password: str = PASSWORD) -> None:
    """Another person at the same browser: the session ends, the next one logs in."""
    await page.context.clear_cookies()
    await log_in(page, email, password)


def _month_key(day: date) -> str:
    return day.isoformat()[:7]


def _week(day: date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso.year, iso.week


def _free_day(taken: set[date], start: date, end: date, today: date, per_week: int) -> date:
    """A working day of `start`…`end`, not before tomorrow, no public holiday anywhere in
    France (Alsace-Moselle included), not in `taken`, in a week with fewer than `per_week`
    days taken."""
    holidays = public_holidays(start.year, True) | public_holidays(end.year, True)
    weeks: dict[tuple[int, int], int] = {}
    for day in taken:
        weeks[_week(day)] = weeks.get(_week(day), 0) + 1
    day = max(start, today + timedelta(days=1))
    while day <= end:
        free_week = weeks.get(_week(day), 0) < per_week
        if day.weekday() < 5 and day not in holidays and day not in taken and free_week:
            return day
        day += timedelta(days=1)
    raise AssertionError("no free working day left in the period")


async def _wait_for_plan(page: Any) -> None:
    """On the job's page: wait until the computation is done, then open the draft."""
    assert "/taches/" in page.url
    link = page.get_by_role("link", name=re.compile("Voir le projet de planning"))
    await link.wait_for(timeout=JOB_WAIT_MS)
    await link.click()
    await page.wait_for_url(re.compile(r".*/periodes/\d+\?plan=\d+"))


@pytest.mark.slow
async def test_a_pme_joins_and_the_coordinator_plans_publishes_and_allocates(
    page: Any, client: Client, live_server: str
) -> None:
    w = await _group_world(client)
    coordinator, paris, pme = w["coordinator"], w["paris"], w["stranger"]
    assert isinstance(coordinator, Party) and isinstance(paris, Party) and isinstance(pme, Party)
    group_id, cdo_id = w["group_id"], w["cdo_id"]
    assert isinstance(group_id, int) and isinstance(cdo_id, int)
    today = now().date()

    # The PME finds the group near it, with its CDO's day cost and never a salary.
    await log_in(page, pme.email, PASSWORD)
    await page.goto(f"/entreprises/{pme.company_id}/cdo-mutualise")
    await check_page(page, "groups-cdo-mutualise")
    body = await page.locator("main").inner_text()
    assert "Claire Dumas" in body and "Coût d'une journée" in body
    assert "60 000" not in body  # The gross salary is never shown.
    await page.locator(f'a[href$="/groupes/{group_id}/adhesion"]').click()
    await check_page(page, "groups-adhesion")
    day_cents = 7 * hourly_cost_cents(CostInputs(CDO_SALARY_CENTS, CHARGES_BASIS_POINTS, 1607))
    assert euros(2 * day_cents) in await page.locator("#estimation").inner_text()

    # Bad input: refused beside the field, nothing stored.
    await page.get_by_label("Jours de CDO souhaités par mois").fill("0,3")
    await page.get_by_role("button", name="Envoyer la demande d'adhésion").click()
    await page.wait_for_load_state("load")
    assert "de 0,5 à 23" in await page.locator("#days_per_month-error").inner_text()
    await check_page(page, "groups-adhesion-refus")
    listed = await client.get(
        f"/api/v1/groups/{group_id}/join-requests", headers=coordinator.headers
    )
    assert [r for r in listed.json() if r["company_id"] == pme.company_id] == []

    await page.get_by_label("Jours de CDO souhaités par mois").fill("2,5")
    await page.get_by_label("lundi").check()
    await page.get_by_label("jeudi").check()
    await page.get_by_label("Message au coordinateur (facultatif)").fill("Sécuriser notre réseau.")
    await page.get_by_role("button", name="Envoyer la demande d'adhésion").click()
    await page.wait_for_url(re.compile(r".*/cdo-mutualise\?fait=adhesion_demandee"))
    assert "En attente de réponse" in await page.locator("#demandes").inner_text()
    listed = await client.get(
        f"/api/v1/groups/{group_id}/join-requests", headers=coordinator.headers
    )
    asked = [r for r in listed.json() if r["company_id"] == pme.company_id]
    assert [(r["days_per_month"], r["preferred_weekdays"]) for r in asked] == [(2.5, [0, 3])]

    # The coordinator: a refusal needs its reason (beside the field); then accepts.
    await _switch(page, coordinator.email)
    await page.goto("/groupements")
    await check_page(page, "groups-groupements")
    # « À faire » leads the coordinator to the group's page, where requests are answered.
    await page.goto("/tableau-de-bord")
    todo = page.locator("section[aria-labelledby='a-faire']")
    await todo.get_by_role(
        "link", name="Accepter ou refuser des demandes d'adhésion au groupement"
    ).focus()
    await check_page(page, "dashboard-coordinator")
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"**/groupements/{group_id}")
    await check_page(page, "groups-groupement")
    card = page.locator(f"#demande-{asked[0]['id']}")
    await card.get_by_role("button", name="Refuser avec ce motif").click()
    await page.wait_for_load_state("load")
    assert "motif" in await page.locator("#reason-error").inner_text()
    await check_page(page, "groups-groupement-refus")
    await card.get_by_role("button", name=re.compile("^Accepter")).click()
    await page.wait_for_url(re.compile(r".*fait=adhesion_acceptee"))
    group = (await client.get(f"/api/v1/groups/{group_id}", headers=coordinator.headers)).json()
    assert pme.company_id in {m["company_id"] for m in group["members"] if not m["left_on"]}

    # A period from last month to the end of next month.
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    end = (today.replace(day=1) + timedelta(days=62)).replace(day=1) - timedelta(days=1)
    await page.get_by_label("Début").fill(first.isoformat())
    await page.get_by_label("Fin (incluse, un an au plus)").fill(end.isoformat())
    await page.get_by_label("Frais de gestion du groupement par mois (en euros, facultatif)").fill(
        str(MANAGEMENT_EUROS)
    )
    await page.get_by_role("button", name="Créer la période").click()
    await page.wait_for_url(re.compile(r".*/periodes/\d+\?fait=periode"))
    period_id = int(re.findall(r"/periodes/(\d+)", page.url)[0])
    await check_page(page, "groups-periode")

    # Its CDO and the members' requests (the PME's own through the API).
    await page.locator("#cdo-employee_id").select_option(str(cdo_id))
    await page.get_by_label("Jours au plus par semaine").fill("3")
    await page.get_by_role("button", name="Enregistrer le CDO").click()
    await page.wait_for_url(re.compile(r".*fait=cdo"))
    await page.get_by_text("Saisir la demande d'un membre").click()
    await page.locator("#company_id").select_option(str(paris.company_id))
    await page.get_by_label("Jours de CDO sur toute la période").fill("12")
    await page.get_by_role("button", name="Enregistrer la demande").click()
    await page.wait_for_url(re.compile(r".*fait=demande_jours"))
    put = await client.put(
        f"/api/v1/rotation-periods/{period_id}/requests/{pme.company_id}",
        headers=pme.headers,
        json={"days": 8, "preferred_weekdays": [0, 3]},
    )
    assert put.status_code == 200, put.text

    # The plan is computed in the background; the job's page leads to the draft.
    await page.reload()
    await page.get_by_role("button", name="Générer le planning").click()
    await page.wait_for_url(re.compile(r".*/taches/\d+"))
    await check_page(page, "groups-tache")
    await _wait_for_plan(page)
    plan_id = int(re.findall(r"plan=(\d+)", page.url)[0])
    await check_page(page, "groups-planning")
    grid = await page.locator("#plan-grid").inner_text()
    assert "Claire Dumas" in grid

    # Move one of the PME's future slots by hand: remove it, then set it on a free day.
    slots = (
        await client.get(
            f"/api/v1/rotation-periods/{period_id}/slots?plan_id={plan_id}",
            headers=coordinator.headers,
        )
    ).json()["slots"]
    mine = [s for s in slots if s["company_id"] == pme.company_id]
    moved = next(s for s in mine if date.fromisoformat(s["day"]) > today)
    moved_day = date.fromisoformat(moved["day"])
    await page.goto(
        f"/groupements/{group_id}/periodes/{period_id}?plan={plan_id}&mois={_month_key(moved_day)}"
    )
    await page.locator(f"#creneau-{moved['id']}").get_by_role("button").click()
    await page.wait_for_url(re.compile(r".*fait=creneau_retire"))
    taken = {date.fromisoformat(s["day"]) for s in slots if s["id"] != moved["id"]}
    new_day = _free_day(taken, first, end, today, per_week=3)
    await page.get_by_text("Fixer un créneau à la main").click()
    await page.locator("#slot-employee_id").select_option(str(cdo_id))
    await page.locator("#slot-company_id").select_option(str(pme.company_id))
    saturday = new_day + timedelta(days=5 - new_day.weekday())
    await page.locator("#day").fill(saturday.isoformat())
    await page.get_by_role("button", name="Fixer ce créneau").click()
    await page.wait_for_load_state("load")
    assert "jour ouvré" in await page.locator("#day-error").inner_text()
    await check_page(page, "groups-planning-refus")
    stored = (
        await client.get(
            f"/api/v1/rotation-periods/{period_id}/slots?plan_id={plan_id}",
            headers=coordinator.headers,
        )
    ).json()["slots"]
    assert saturday.isoformat() not in {s["day"] for s in stored}
    await page.locator("#day").fill(new_day.isoformat())
    await page.get_by_role("button", name="Fixer ce créneau").click()
    await page.wait_for_url(re.compile(r".*fait=creneau"))
    assert "(à la main)" in await page.locator("#plan-grid").inner_text()
    stored = (
        await client.get(
            f"/api/v1/rotation-periods/{period_id}/slots?plan_id={plan_id}",
            headers=coordinator.headers,
        )
    ).json()["slots"]
    by_hand = [s for s in stored if s["by_hand"]]
    assert [(s["day"], s["company_id"]) for s in by_hand] == [(new_day.isoformat(), pme.company_id)]
    assert moved["id"] not in {s["id"] for s in stored}

    # Publish: « À faire » reminds the coordinator of the draft until then.
    plan_page = page.url
    await page.goto("/tableau-de-bord")
    assert (
        "Publier le planning du CDO mutualisé préparé"
        in await page.locator("section[aria-labelledby='a-faire']").inner_text()
    )
    await page.goto(plan_page)
    await page.get_by_role("button", name=re.compile("^Publier la version")).click()
    await page.wait_for_url(re.compile(r".*fait=publie"))
    period = (
        await client.get(f"/api/v1/rotation-periods/{period_id}", headers=coordinator.headers)
    ).json()
    assert period["published_plan_id"] == plan_id

    # A past day the CDO did not work is noted from the calendar, with the keyboard: it will
    # not count in the month's cost.
    published = (
        await client.get(
            f"/api/v1/rotation-periods/{period_id}/slots?plan_id={plan_id}",
            headers=coordinator.headers,
        )
    ).json()["slots"]
    last_month = [s for s in published if s["day"] < today.replace(day=1).isoformat()]
    assert len(last_month) >= 2, "the plan spreads days over every month"
    missed = last_month[0]
    await page.goto(
        f"/groupements/{group_id}/periodes/{period_id}?plan={plan_id}&mois={_month_key(first)}"
    )
    await (
        page.locator(f"#creneau-{missed['id']}")
        .get_by_role("button", name=re.compile("^Noter non effectué"))
        .focus()
    )
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(r".*fait=creneau_non_effectue"))
    assert "ne compte pas" in await page.locator(".notice").first.inner_text()
    assert "(non effectué)" in await page.locator(f"#creneau-{missed['id']}").inner_text()
    await check_page(page, "groups-planning-non-effectue")
    after = (
        await client.get(
            f"/api/v1/rotation-periods/{period_id}/slots?plan_id={plan_id}",
            headers=coordinator.headers,
        )
    ).json()["slots"]
    assert {s["id"]: s["worked"] for s in after}[missed["id"]] is False
    assert sum(not s["worked"] for s in after) == 1

    # The CDO: from the notification to its own days, confirms the missed day was worked after
    # all (keyboard), and subscribes its calendar.
    cdo = w["cdo"]
    assert isinstance(cdo, Party)
    await _switch(page, cdo.email, "cdo-password-1")
    await page.goto("/notifications")
    await page.locator('a[href="/mes-jours-cdo"]').first.click()
    await page.wait_for_url("**/mes-jours-cdo")
    await check_page(page, "groups-cdo-jours")
    coming = sorted(s["day"] for s in after if s["day"] >= today.isoformat())
    first_coming = date.fromisoformat(coming[0]).strftime("%d/%m/%Y")
    assert first_coming in await page.locator(f"#a-venir-{group_id} + ul").inner_text()
    missed_line = page.locator(f"#creneau-{missed['id']}")
    assert "non effectué" in await missed_line.inner_text()
    await missed_line.get_by_role("button", name=re.compile("^Noter effectué")).focus()
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/mes-jours-cdo?fait=creneau_effectue")
    confirmed = (
        await client.get(
            f"/api/v1/rotation-periods/{period_id}/slots?plan_id={plan_id}",
            headers=coordinator.headers,
        )
    ).json()["slots"]
    assert all(s["worked"] for s in confirmed)
    await page.get_by_role("button", name="Créer une adresse d'abonnement").click()
    await page.wait_for_load_state("load")
    cdo_feed = await page.locator("#feed-url").input_value()
    assert cdo_feed.startswith(live_server) and cdo_feed.endswith(".ics")
    async with httpx.AsyncClient() as outside:
        subscribed = await outside.get(cdo_feed)
    assert subscribed.status_code == 200
    assert len(Calendar.from_ical(subscribed.content).walk("VEVENT")) == len(confirmed)
    await check_page(page, "groups-cdo-agenda")
    await _switch(page, coordinator.email)
    await page.goto(f"/groupements/{group_id}/periodes/{period_id}?plan={plan_id}")

    # Re-plan: what moved since the published version is said in words.
    await page.get_by_role("button", name="Re-planifier (nouvelle version)").click()
    await _wait_for_plan(page)
    assert "Depuis la version 1" in await page.locator("#changements").inner_text()
    await check_page(page, "groups-replanning")

    # The month before is allocated: the members' shares add up to the cost, to the cent.
    await page.goto(f"/groupements/{group_id}/couts")
    await page.get_by_label("Mois à imputer").fill(_month_key(first))
    await page.get_by_role("button", name="Imputer ce mois aux membres").click()
    await page.wait_for_url(re.compile(r".*fait=imputation"))
    await check_page(page, "groups-couts")
    table = page.locator(f"#imputation-{_month_key(first)}")
    shares = [_cents(t) for t in await table.locator("td.share").all_inner_texts()]
    total = _cents(await table.locator("td.total").inner_text())
    assert len(shares) >= 1 and sum(shares) == total
    cost = CostInputs(CDO_SALARY_CENTS, CHARGES_BASIS_POINTS, 1607)
    assert total == monthly_cost_cents(cost) + MANAGEMENT_EUROS * 100
    found = (
        await client.get(f"/api/v1/groups/{group_id}/allocations", headers=coordinator.headers)
    ).json()
    assert sum(a["cents"] for a in found if a["month"] == first.isoformat()) == total

    # The member sees its day in its calendar, and its feed carries the event.
    await _switch(page, pme.email)
    await page.goto(f"/entreprises/{pme.company_id}/cdo-mutualise")
    await page.locator(
        f'a[href="/entreprises/{pme.company_id}/cdo-mutualise/groupes/{group_id}"]'
    ).click()
    await page.goto(
        f"/entreprises/{pme.company_id}/cdo-mutualise/groupes/{group_id}"
        f"?periode={period_id}&mois={_month_key(new_day)}"
    )
    await check_page(page, "groups-membre")
    assert new_day.strftime("%d/%m/%Y") in await page.locator("#mes-creneaux").inner_text()
    calendar_text = await page.locator("#calendrier-membre").inner_text()
    assert "Claire Dumas" in calendar_text
    await page.get_by_text("Modifier votre demande").click()
    await page.get_by_label("Jours de CDO sur toute la période").fill("beaucoup")
    await page.get_by_role("button", name="Enregistrer la demande").click()
    await page.wait_for_load_state("load")
    assert "nombre de jours" in await page.locator("#days-error").inner_text()
    await check_page(page, "groups-membre-refus")
    await page.get_by_role("button", name="Créer l'adresse d'abonnement").click()
    await page.wait_for_load_state("load")
    feed_url = await page.locator("#feed-url").input_value()
    assert feed_url.startswith(live_server) and feed_url.endswith(".ics")
    await check_page(page, "groups-agenda-membre")
    async with httpx.AsyncClient() as outside:
        feed = await outside.get(feed_url)
    assert feed.status_code == 200
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert new_day in {event.decoded("dtstart").date() for event in events}
    assert "Vos coûts" in await page.locator("main").inner_text()
    assert await page.locator("#imputations").count() == 1


async def test_documents_are_drawn_up_read_and_signed_by_both_sides(
    page: Any, client: Client
) -> None:
    w = await _group_world(client)
    coordinator, paris = w["coordinator"], w["paris"]
    assert isinstance(coordinator, Party) and isinstance(paris, Party)
    group_id, cdo_id = w["group_id"], w["cdo_id"]
    today = now().date()
    period = await client.post(
        f"/api/v1/groups/{group_id}/rotation-periods",
        headers=coordinator.headers,
        json={"starts_on": today.isoformat(), "ends_on": (today + timedelta(days=60)).isoformat()},
    )
    period_id = period.json()["id"]
    await client.put(
        f"/api/v1/rotation-periods/{period_id}/cdos/{cdo_id}",
        headers=coordinator.headers,
        json={"max_days_per_week": 2},
    )
    await client.put(
        f"/api/v1/rotation-periods/{period_id}/requests/{paris.company_id}",
        headers=paris.headers,
        json={"days": 4},
    )
    await log_in(page, coordinator.email, PASSWORD)
    # A member leaves: the date is checked beside its field, then the membership ends.
    alsace = w["alsace"]
    assert isinstance(alsace, Party)
    await page.goto(f"/groupements/{group_id}")
    leave = page.locator(f"#left_on-{alsace.company_id}")
    await leave.fill("")
    await page.locator(f'form[action$="/membres/{alsace.company_id}/sortie"] button').click()
    await page.wait_for_load_state("load")
    assert "date attendue" in await page.locator("#left_on-error").inner_text()
    await page.locator(f"#left_on-{alsace.company_id}").fill(today.isoformat())
    await page.locator(f'form[action$="/membres/{alsace.company_id}/sortie"] button').click()
    await page.wait_for_url(re.compile(r".*fait=membre_sorti"))
    group = (await client.get(f"/api/v1/groups/{group_id}", headers=coordinator.headers)).json()
    left = next(m for m in group["members"] if m["company_id"] == alsace.company_id)
    assert left["left_on"] == today.isoformat()

    await page.goto(f"/groupements/{group_id}/documents")
    await check_page(page, "groups-documents")
    await page.locator("#kind").select_option("member_agreement")
    await page.get_by_role("button", name="Établir le document").click()
    await page.wait_for_load_state("load")
    assert (
        await page.locator("#company_id-error").count() + await page.locator(".error").count() >= 1
    )
    await page.locator("#company_id").select_option(str(paris.company_id))
    await page.locator("#period_id").select_option(str(period_id))
    await page.get_by_role("button", name="Établir le document").click()
    await page.wait_for_url(re.compile(r".*/documents/\d+$"))
    document_id = int(page.url.rsplit("/", 1)[1])
    await check_page(page, "groups-document")
    await page.get_by_role("button", name="Signer ce document").click()
    await page.wait_for_url(re.compile(r".*fait=document_signe"))
    assert "Signé pour" in await page.locator("#signatures").inner_text()

    # The CDO's contract, from the terms the coordinator types: without them it is refused.
    await page.goto(f"/groupements/{group_id}/documents")
    await page.locator("#kind").select_option("cdo_contract")
    await page.locator("#employee_id").select_option(str(cdo_id))
    await page.get_by_role("button", name="Établir le document").click()
    await page.wait_for_load_state("load")
    assert "date d'embauche" in (await page.locator("main").inner_text()).lower()
    await page.locator("#hired_on").fill("2027-01-04")
    await page.locator("#contract").select_option("cdi")
    await page.locator("#weekly_hours").fill("28 h")
    await page.locator("#hours_spread").fill("du lundi au jeudi, 7 h par jour")
    await page.locator("#collective_agreement").fill("Syntec, IDCC 1486")
    await page.get_by_role("button", name="Établir le document").click()
    await page.wait_for_url(re.compile(r".*/documents/\d+$"))
    contract_id = int(page.url.rsplit("/", 1)[1])
    contract = await client.get(
        f"/api/v1/documents/{contract_id}/file",
        params={"file_format": "md"},
        headers=coordinator.headers,
    )
    assert "indéterminée (CDI), à compter du 04/01/2027" in contract.text
    assert "du lundi au jeudi, 7 h par jour" in contract.text and "IDCC 1486" in contract.text

    await _switch(page, paris.email)
    await page.goto(f"/entreprises/{paris.company_id}/cdo-mutualise/groupes/{group_id}")
    await page.locator(
        f'a[href="/entreprises/{paris.company_id}/cdo-mutualise/documents/{document_id}"]'
    ).click()
    await page.get_by_role("button", name="Signer ce document").click()
    await page.wait_for_url(re.compile(r".*fait=document_signe"))
    assert "attendue" not in await page.locator("#signatures").inner_text()
    await check_page(page, "groups-document-membre")
    stored = (await client.get(f"/api/v1/documents/{document_id}", headers=paris.headers)).json()
    assert len(stored["signatures"]) == 2

    # The CDO finds its contract on its own page and signs it.
    cdo = w["cdo"]
    assert isinstance(cdo, Party)
    await _switch(page, cdo.email, "cdo-password-1")
    await page.goto("/tableau-de-bord")
    await page.get_by_role("link", name="Voir mes jours de CDO").click()
    await page.wait_for_url("**/mes-jours-cdo")
    await page.locator(f'a[href="/groupements/{group_id}/documents/{contract_id}"]').click()
    await page.get_by_role("button", name="Signer ce document").click()
    await page.wait_for_url(re.compile(r".*fait=document_signe"))
    signed = (await client.get(f"/api/v1/documents/{contract_id}", headers=cdo.headers)).json()
    assert "employee" in {signature["role"] for signature in signed["signatures"]}


@pytest.mark.slow
async def test_the_server_answers_while_a_large_plan_is_solving(
    page: Any, client: Client, live_server: str
) -> None:
    w = await _group_world(client)
    coordinator = w["coordinator"]
    assert isinstance(coordinator, Party)
    group_id, entity_id = w["group_id"], w["entity_id"]
    cdo_ids = [w["cdo_id"]]
    for number in range(2):
        invited = await client.post(
            f"/api/v1/companies/{entity_id}/employees",
            headers=coordinator.headers,
            json={
                "email": new_email("cdo"),
                "full_name": f"CDO renfort {number + 1}",
                "job_title": "CDO",
                "annual_gross_salary_cents": CDO_SALARY_CENTS,
                "employer_charge_rate_basis_points": CHARGES_BASIS_POINTS,
            },
        )
        assert invited.status_code == 201, invited.text
        cdo_ids.append(invited.json()["employee"]["id"])
    members = []
    for number in range(12):
        member = await signup(client, name=f"Membre du grand groupement {number + 1}")
        await joined_group(client, coordinator, group_id, member)
        members.append(member)
    monday = now().date() + timedelta(days=7 - now().date().weekday())
    period = await client.post(
        f"/api/v1/groups/{group_id}/rotation-periods",
        headers=coordinator.headers,
        json={
            "starts_on": monday.isoformat(),
            "ends_on": (monday + timedelta(days=7 * 26 - 3)).isoformat(),
            "slot": "half_day",
        },
    )
    period_id = period.json()["id"]
    for cdo_id in cdo_ids:
        put = await client.put(
            f"/api/v1/rotation-periods/{period_id}/cdos/{cdo_id}",
            headers=coordinator.headers,
            json={"max_days_per_week": 4},
        )
        assert put.status_code == 200, put.text
    for number, member in enumerate(members):
        put = await client.put(
            f"/api/v1/rotation-periods/{period_id}/requests/{member.company_id}",
            headers=coordinator.headers,
            json={"days": 14 + number % 3, "preferred_weekdays": [number % 5]},
        )
        assert put.status_code == 200, put.text

    await log_in(page, coordinator.email, PASSWORD)
    await page.goto(f"/groupements/{group_id}/periodes/{period_id}")
    await page.get_by_role("button", name="Générer le planning").click()
    await page.wait_for_url(re.compile(r".*/taches/\d+"))
    job_path = page.url.removeprefix(live_server)
    cookies = {c["name"]: c["value"] for c in await page.context.cookies()}
    async with httpx.AsyncClient(base_url=live_server, cookies=cookies, timeout=10) as other:
        health = await other.get("/healthz")
        group_page = await other.get(f"/groupements/{group_id}")
        job_page = await other.get(job_path)
    assert health.status_code == 200
    assert group_page.status_code == 200 and "Membres" in group_page.text
    assert job_page.status_code == 200
    assert "Calcul en cours" in job_page.text or "En file d'attente" in job_page.text
    assert "Voir le projet" not in job_page.text
    await _wait_for_plan(page)
    assert await page.locator("#plan-grid").count() == 1


def _cents(text: str) -> int:
    digits = re.sub(r"[^\d,]", "", text)
    units, _, fraction = digits.partition(",")
    return int(units) * 100 + int((fraction + "00")[:2])


async def test_a_company_declares_itself_an_employer_group_from_its_cdo_page(
    page: Any, client: Client
) -> None:
    """With the keyboard: without its legal form it is refused beside the field and nothing is
    stored; then the group exists and its admin coordinates it."""
    entity = await signup(client, name="GE Numérique de Cornouaille")
    await log_in(page, entity.email, PASSWORD)
    await page.goto(f"/entreprises/{entity.company_id}/cdo-mutualise")
    await page.get_by_role("link", name="Déclarer un groupement d'employeurs").focus()
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/porter-un-groupement")
    await check_page(page, "groups-declarer")
    await page.get_by_role("button", name="Déclarer le groupement").focus()
    await page.keyboard.press("Enter")
    await page.wait_for_load_state("load")
    assert await page.locator("#legal_form-error").inner_text()
    await check_page(page, "groups-declarer-refus")
    me = await client.get("/api/v1/auth/me", headers=entity.headers)
    assert all(role["role"] != "group_coordinator" for role in me.json()["roles"])
    await page.get_by_label("Forme juridique").select_option("association")
    await page.get_by_role("button", name="Déclarer le groupement").focus()
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(r".*/groupements/\d+\?fait=groupement_declare"))
    assert "vous en êtes le coordinateur" in await page.locator(".notice").first.inner_text()
    group_id = int(re.findall(r"/groupements/(\d+)", page.url)[0])
    group = await client.get(f"/api/v1/groups/{group_id}", headers=entity.headers)
    assert group.status_code == 200, group.text
    assert (group.json()["name"], group.json()["company_id"]) == (
        "GE Numérique de Cornouaille",
        entity.company_id,
    )
