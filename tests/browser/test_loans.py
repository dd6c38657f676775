"""Loans in the browser: each party takes its own step and signs its own documents from their
pages, the lender records its CSE date, the host starts the loan; nobody sees a button that is
not theirs, and a forged post is refused in French; a cancellation with its reason; an
extension asked by the host and approved by the lender."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.browser.conftest import check_page, log_in
from tests.exchange_helpers import (
    World,
    active_engagement,
    propose,
    rare_need_and_volunteer,
    step,
    world,
)
from tests.helpers import PASSWORD, company_json, need_json, now, sign_up
from timebank.formatting import hours

pytestmark = pytest.mark.anyio
EMPLOYEE_PASSWORD = "employee-password"


async def as_person(page: Any, email: str, password: str = PASSWORD) -> None:
    await page.context.clear_cookies()
    await log_in(page, email, password)


async def engagement(client: httpx.AsyncClient, w: World, engagement_id: int) -> dict[str, Any]:
    response = await client.get(f"/api/v1/engagements/{engagement_id}", headers=w.lender.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def documents(client: httpx.AsyncClient, w: World, engagement_id: int) -> dict[str, Any]:
    response = await client.get(
        f"/api/v1/engagements/{engagement_id}/documents", headers=w.lender.headers
    )
    assert response.status_code == 200, response.text
    return {d["kind"]: d for d in response.json()}


async def sign_from_its_page(page: Any, link_text: str, screenshot: str | None = None) -> None:
    """From the loan's page: open the document, check its text is shown, sign it."""
    await page.get_by_role("link", name=link_text).click()
    await page.wait_for_load_state("load")
    frame = page.frame_locator("iframe.document-frame")
    assert "mise à disposition" in (await frame.locator("body").inner_text()).lower()
    if screenshot:
        await check_page(page, screenshot)
    await page.get_by_role("button", name="Signer ce document").click()
    await page.wait_for_load_state("load")
    assert "Document signé." in await page.locator(".notice").inner_text()
    assert await page.get_by_role("button", name="Signer ce document").count() == 0
    await page.get_by_role("link", name="Retour à la mise à disposition").click()
    await page.wait_for_load_state("load")


async def forged_post(page: Any, path: str, **fields: str) -> Any:
    """A post the page does not offer, with the person's own session and CSRF token."""
    token = await page.locator("input[name=_csrf]").first.get_attribute("value")
    return await page.request.post(
        path, form={"_csrf": token, **fields}, headers={"Accept": "text/html"}
    )


@pytest.mark.slow
async def test_the_parties_take_their_steps_and_sign_until_the_loan_starts(
    page: Any, client: httpx.AsyncClient
) -> None:
    w = await world(client)
    # A loan starting next week: its CSE is consulted and its documents signed before then.
    loan_id = int((await propose(client, w, start=now().date() + timedelta(days=7)))["id"])
    loan = f"/mises-a-disposition/{loan_id}"

    # The host's admin finds the proposal among its loans and accepts it.
    await as_person(page, w.host.email)
    await page.goto(f"/entreprises/{w.host.company_id}/mises-a-disposition?cote=accueil")
    row = page.locator("tr", has_text="Inès Moreau")
    assert "Proposée" in await row.inner_text()
    await check_page(page, "loans-company")
    await page.goto(f"/entreprises/{w.host.company_id}/mises-a-disposition?cote=accueil&page=99999")
    row = page.locator("tr", has_text="Inès Moreau")
    await row.get_by_role("link").click()
    await page.wait_for_load_state("load")
    assert await page.get_by_role("button", name="Approuver le prêt (employeur)").count() == 0
    await check_page(page, "loans-detail-proposed")
    await page.get_by_role("button", name="Accepter (entreprise d'accueil)").click()
    await page.wait_for_load_state("load")
    assert "Acceptée par l'entreprise d'accueil" in await page.locator("main").inner_text()
    assert (await engagement(client, w, loan_id))["status"] == "accepted_by_host"
    await page.get_by_role("link", name="Lire et signer la convention").click()
    await page.wait_for_load_state("load")
    pdf = await page.request.get(
        await page.get_by_role("link", name="Télécharger le PDF").get_attribute("href")
    )
    assert pdf.status == 200 and (await pdf.body()).startswith(b"%PDF")
    await page.go_back()
    await page.wait_for_load_state("load")
    await sign_from_its_page(page, "Lire et signer la convention", "loans-document")
    assert await page.get_by_role("link", name="Lire et signer la convention").count() == 0

    # The lender's admin approves, signs both documents and records its CSE's date.
    await as_person(page, w.lender.email)
    await page.goto(loan)
    assert await page.get_by_role("button", name="Accepter (entreprise d'accueil)").count() == 0
    await page.get_by_role("button", name="Approuver le prêt (employeur)").click()
    await page.wait_for_load_state("load")
    assert (await engagement(client, w, loan_id))["status"] == "approved_by_lender"
    await sign_from_its_page(page, "Lire et signer la convention")
    await sign_from_its_page(page, "Lire et signer l'avenant")
    tomorrow = (now().date() + timedelta(days=1)).isoformat()
    await page.get_by_label("Date de consultation du CSE").fill(tomorrow)
    await page.get_by_role("button", name="Enregistrer la date de consultation").click()
    await page.wait_for_load_state("load")
    assert "futur" in await page.locator("#consulted_on-error").inner_text()
    assert await page.get_by_label("Date de consultation du CSE").input_value() == tomorrow
    await check_page(page, "loans-detail-refused")
    assert "cse_lender" in (await engagement(client, w, loan_id))["missing_papers"]
    consulted = now().date() - timedelta(days=2)
    await page.get_by_label("Date de consultation du CSE").fill(consulted.isoformat())
    await page.get_by_role("button", name="Enregistrer la date de consultation").click()
    await page.wait_for_load_state("load")
    checklist = await page.locator("ul.checklist").inner_text()
    assert f"consultation du {consulted:%d/%m/%Y}" in checklist
    # Not yet the lender's turn to start: the employee has neither consented nor signed.
    assert await page.get_by_role("button", name="Démarrer la mise à disposition").count() == 0
    forged = await forged_post(page, f"{loan}/etapes/demarrer")
    assert forged.status == 409
    assert "pas possible à ce stade" in await forged.text()

    # The employee finds the loan among theirs, consents and signs the amendment.
    await as_person(page, w.employee.email, EMPLOYEE_PASSWORD)
    await page.goto("/mes-missions")
    await check_page(page, "loans-mine")
    await page.locator("tr", has_text="Fromagerie du Val").get_by_role("link").click()
    await page.wait_for_load_state("load")
    assert await page.get_by_role("button", name="Approuver le prêt (employeur)").count() == 0
    assert await page.get_by_role("link", name="Lire et signer la convention").count() == 0
    forged = await forged_post(page, f"{loan}/etapes/approuver")
    assert forged.status == 403
    assert "pas le droit" in await forged.text()
    await check_page(page, "loans-detail-employee")
    await page.get_by_role("button", name="Donner mon accord").click()
    await page.wait_for_load_state("load")
    assert "Votre accord écrit est enregistré." in await page.locator(".notice").inner_text()
    # Signing a text other than the one shown is refused: the document « changed ».
    await page.get_by_role("link", name="Lire et signer l'avenant").click()
    await page.wait_for_load_state("load")
    forged = await forged_post(page, f"{loan}/documents/avenant", document_hash="0" * 64)
    assert forged.status == 409
    assert "Le document a changé" in await forged.text()
    forged = await forged_post(
        page,
        f"{loan}/documents/convention",
        document_hash=(await documents(client, w, loan_id))["loan_agreement"]["sha256"],
    )
    assert forged.status == 403
    assert "pas signataire" in await forged.text()
    await page.get_by_role("link", name="Retour à la mise à disposition").click()
    await page.wait_for_load_state("load")
    await sign_from_its_page(page, "Lire et signer l'avenant")

    # Every signature is on the text each document reads now.
    for kind, roles in (
        ("loan_agreement", {"lender", "host"}),
        ("employee_amendment", {"lender", "employee"}),
    ):
        document = (await documents(client, w, loan_id))[kind]
        assert {s["role"] for s in document["signatures"]} == roles
        assert {s["sha256"] for s in document["signatures"]} == {document["sha256"]}
        assert document["signed_by_all"]
        shown = await client.get(document["html_url"], headers=w.employee.headers)
        assert shown.headers["content-type"].startswith("text/html")
        assert shown.headers["x-document-sha256"] == document["sha256"]

    # The host starts the loan.
    await as_person(page, w.host.email)
    await page.goto(loan)
    await page.get_by_role("button", name="Démarrer la mise à disposition").click()
    await page.wait_for_load_state("load")
    assert "En cours" in await page.locator("main h1 + p").inner_text()
    timeline = await page.locator("ol.timeline").inner_text()
    assert "En cours" in timeline and "Accord du salarié donné" in timeline
    await check_page(page, "loans-detail-active")
    # Each signature links to the very text it was given on, with its signature record.
    amendment = (await documents(client, w, loan_id))["employee_amendment"]
    await (
        page.locator("ul.checklist li", has_text="Avenant signé par le salarié")
        .get_by_role("link")
        .click()
    )
    await page.wait_for_load_state("load")
    assert page.url.endswith(f"/documents/{amendment['id']}")
    record = await page.locator("ul.checklist").inner_text()
    assert "Signé pour le salarié par Inès Moreau" in record
    assert amendment["sha256"] in await page.locator("code.hash").inner_text()
    await check_page(page, "loans-stored-document")
    started = await engagement(client, w, loan_id)
    assert started["status"] == "active" and started["missing_papers"] == []


async def test_the_employee_refuses_a_loan_with_a_reason(
    page: Any, client: httpx.AsyncClient
) -> None:
    w = await world(client)
    loan_id = int((await propose(client, w))["id"])
    loan = f"/mises-a-disposition/{loan_id}"
    await as_person(page, w.employee.email, EMPLOYEE_PASSWORD)
    await page.goto(loan)
    assert await page.get_by_role("button", name="Donner mon accord").count() == 0
    for party, name in ((w.host, "accept"), (w.lender, "approve")):
        assert (await step(client, party, loan_id, name)).status_code == 200
    await page.goto(loan)
    assert await page.get_by_role("button", name="Donner mon accord").count() == 1
    await page.get_by_label("Motif du refus").fill("Pas disponible ce trimestre")
    await page.get_by_role("button", name="Refuser cette mise à disposition").click()
    await page.wait_for_load_state("load")
    assert "annulée" in await page.locator(".notice").inner_text()
    assert "Motif : Pas disponible ce trimestre" in await page.locator("ol.timeline").inner_text()
    stored = await engagement(client, w, loan_id)
    assert stored["status"] == "cancelled"
    assert stored["events"][-1]["note"] == "Pas disponible ce trimestre"

    # Nothing is left to do on a cancelled loan: no button, and a forged step is refused.
    await as_person(page, w.host.email)
    await page.goto(loan)
    assert "Annulée" in await page.locator("main h1 + p").inner_text()
    assert await page.locator("main form button").count() == 0
    await check_page(page, "loans-detail-cancelled")
    forged = await forged_post(page, f"{loan}/etapes/accepter")
    assert forged.status == 409
    assert "pas possible à ce stade" in await forged.text()
    assert (await engagement(client, w, loan_id))["status"] == "cancelled"


async def test_an_extension_asked_by_the_host_and_approved_by_the_lender(
    page: Any, client: httpx.AsyncClient
) -> None:
    w = await world(client)
    loan_id = await active_engagement(client, w)
    await as_person(page, w.host.email)
    await page.goto(f"/mises-a-disposition/{loan_id}")
    await page.get_by_label("Heures supplémentaires").fill("deux heures")
    await page.get_by_label("Motif de la prolongation").fill("Pages produits en plus")
    await page.get_by_role("button", name="Demander la prolongation").click()
    await page.wait_for_load_state("load")
    assert "illisible" in await page.locator("#extra_minutes-error").inner_text()
    assert (
        await page.get_by_label("Motif de la prolongation").input_value()
        == "Pages produits en plus"
    )
    await check_page(page, "loans-extension-refused")
    await page.get_by_label("Heures supplémentaires").fill("6 h")
    await page.get_by_role("button", name="Demander la prolongation").click()
    await page.wait_for_load_state("load")
    assert "Demande de prolongation enregistrée." in await page.locator(".notice").inner_text()
    assert await page.get_by_role("button", name="Accepter la prolongation").count() == 0

    await as_person(page, w.lender.email)
    await page.goto(f"/mises-a-disposition/{loan_id}")
    assert await page.get_by_role("button", name="Demander la prolongation").count() == 0
    await check_page(page, "loans-extension")
    await page.get_by_role("button", name="Accepter la prolongation").click()
    await page.wait_for_load_state("load")
    assert "Prolongation acceptée" in await page.locator(".notice").inner_text()
    facts = await page.locator("dl.facts").inner_text()
    assert f"Heures prévues\n{hours(18 * 60)}" in facts
    assert (await engagement(client, w, loan_id))["planned_minutes"] == 18 * 60


async def test_a_stranger_sees_neither_the_loans_nor_their_documents(
    page: Any, client: httpx.AsyncClient
) -> None:
    w = await world(client)
    loan_id = int((await propose(client, w))["id"])
    stranger = await sign_up(name="Atelier Curieux")
    await as_person(page, stranger.email)
    response = await page.goto(f"/entreprises/{w.host.company_id}/mises-a-disposition")
    assert response is not None and response.status == 403
    assert "pas le droit" in await page.locator("main").inner_text()
    await check_page(page, "loans-forbidden")
    agreement = (await documents(client, w, loan_id))["loan_agreement"]
    for path in (
        f"/mises-a-disposition/{loan_id}",
        f"/mises-a-disposition/{loan_id}/documents/convention",
        f"/documents/{agreement['id']}",
    ):
        response = await page.goto(path)
        assert response is not None and response.status == 404
    await page.goto(f"/entreprises/{stranger.company_id}/mises-a-disposition")
    assert "Aucune mise à disposition pour l'instant" in await page.locator("main").inner_text()
    await page.goto("/mes-missions")
    assert "Aucune mise à disposition pour l'instant" in await page.locator("main").inner_text()


async def test_a_document_changed_since_it_was_read_is_not_signed(
    page: Any, client: httpx.AsyncClient
) -> None:
    w = await world(client)
    loan_id = int((await propose(client, w))["id"])
    assert (await step(client, w.host, loan_id, "accept")).status_code == 200
    await as_person(page, w.host.email)
    await page.goto(f"/mises-a-disposition/{loan_id}/documents/convention")
    read = await page.locator("input[name=document_hash]").get_attribute("value")

    # Meanwhile the lender moves: the agreement's text (and its SHA-256) changes.
    moved = await client.patch(
        f"/api/v1/companies/{w.lender.company_id}",
        headers=w.lender.headers,
        json=company_json(name="Agence Lumière", address="40 avenue Foch", postal_code="69006"),
    )
    assert moved.status_code == 200, moved.text
    await page.get_by_role("button", name="Signer ce document").click()
    await page.wait_for_load_state("load")
    assert "Le document a changé depuis votre lecture" in await page.locator(".error").inner_text()
    current = (await documents(client, w, loan_id))["loan_agreement"]
    assert current["sha256"] != read and current["signatures"] == []
    assert "loan_agreement_host" not in {
        p["paper"] for p in (await engagement(client, w, loan_id))["papers"]
    }
    # The page now shows the new text, with its own SHA-256 to sign.
    assert (
        await page.locator("input[name=document_hash]").get_attribute("value") == current["sha256"]
    )
    assert (
        "40 avenue Foch"
        in await page.frame_locator("iframe.document-frame").locator("body").inner_text()
    )
    await check_page(page, "loans-document-changed")
    await page.get_by_role("button", name="Signer ce document").click()
    await page.wait_for_load_state("load")
    assert "Document signé." in await page.locator(".notice").inner_text()
    signed = (await documents(client, w, loan_id))["loan_agreement"]
    assert [(s["role"], s["sha256"]) for s in signed["signatures"]] == [("host", current["sha256"])]


async def test_the_admins_fill_the_loans_terms_on_its_page_before_it_starts(
    page: Any, client: httpx.AsyncClient
) -> None:
    w = await world(client)
    proposed = await client.post(
        "/api/v1/engagements",
        headers=w.lender.headers,
        json={
            "need_id": w.need_id,
            "employee_id": w.employee_id,
            "planned_minutes": 600,
            "period_start": (now().date() + timedelta(days=7)).isoformat(),
            "period_end": (now().date() + timedelta(days=40)).isoformat(),
            "place": "Lyon",
            "remote": False,
            "tasks": "Audit SEO",
        },
    )
    assert proposed.status_code == 201, proposed.text
    loan_id = int(proposed.json()["id"])
    loan = f"/mises-a-disposition/{loan_id}"
    await as_person(page, w.host.email)
    await page.goto(loan)
    missing = await page.locator(".missing-terms").inner_text()
    assert "les horaires de travail et leur répartition" in missing
    assert "la période probatoire" in missing
    assert await page.get_by_role("link", name="Lire et signer la convention").count() == 0
    await page.get_by_label("Horaires de travail et leur répartition").fill("le lundi, 9 h – 12 h")
    await page.get_by_label("Caractéristiques particulières du poste").fill("Travail sur écran")
    await page.get_by_label("Période probatoire (jours ouvrés)").fill("91")
    await page.get_by_role("button", name="Enregistrer les conditions").click()
    await page.wait_for_load_state("load")
    assert "0 à 90 jours ouvrés" in await page.locator("main").inner_text()
    assert await page.get_by_label("Horaires de travail et leur répartition").input_value() == (
        "le lundi, 9 h – 12 h"
    )
    await page.get_by_label("Période probatoire (jours ouvrés)").fill("3")
    await page.get_by_role("button", name="Enregistrer les conditions").click()
    await page.wait_for_load_state("load")
    assert "Conditions du prêt enregistrées" in await page.locator(".notice").inner_text()
    assert await page.locator(".missing-terms").count() == 0
    assert "3 jours ouvrés" in await page.locator("dd.probation").inner_text()
    await check_page(page, "loans-detail-terms")
    stored = await engagement(client, w, loan_id)
    assert (stored["probation_days"], stored["working_hours"]) == (3, "le lundi, 9 h – 12 h")
    assert (await documents(client, w, loan_id))["loan_agreement"]["sha256"]


async def test_the_lenders_admin_puts_an_employee_forward_for_a_need_from_the_needs_list(
    page: Any, client: httpx.AsyncClient
) -> None:
    """From « Besoins ouverts », the lender's admin proposes its employee for the host's need:
    a period ending before it starts is refused beside its field and stores nothing; the
    proposal then lands on the loan's page and waits for the host's admin."""
    w = await world(client)
    need_id = await rare_need_and_volunteer(
        client, w, "crowdfunding", level=3, title="Campagne de financement participatif"
    )

    async def loans_of_lender() -> int:
        listed = await client.get("/api/v1/engagements?limit=1", headers=w.lender.headers)
        assert listed.status_code == 200, listed.text
        return int(listed.json()["total"])

    before = await loans_of_lender()
    await log_in(page, w.lender.email, PASSWORD)
    await page.goto("/besoins?competence=crowdfunding")
    link = page.get_by_role(
        "link", name="Proposer un·e salarié·e pour « Campagne de financement participatif »"
    )
    await link.focus()
    await check_page(page, "needs-propose-link")
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"**/besoins/{need_id}/proposer")
    await check_page(page, "loan-propose")

    await page.get_by_label("Salarié·e proposé·e").select_option(
        label="Inès Moreau — Agence Lumière"
    )
    await page.get_by_label("Heures prévues").fill("12 h")
    today = now().date()
    await page.get_by_label("Premier jour").fill(today.isoformat())
    await page.get_by_label("Dernier jour").fill((today - timedelta(days=3)).isoformat())
    await page.get_by_label("Missions confiées").fill("Préparer la campagne et ses contreparties")
    await page.get_by_role("button", name="Proposer la mise à disposition").focus()
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    error = page.locator(".field.has-error")
    assert await error.count() == 1
    assert "Dernier jour" in await error.inner_text()
    assert "La fin (" in await error.inner_text()
    assert "précède le début" in await error.inner_text()
    await check_page(page, "loan-propose-refused")
    assert await loans_of_lender() == before

    await page.get_by_label("Dernier jour").fill((today + timedelta(days=40)).isoformat())
    async with page.expect_navigation():
        await page.get_by_role("button", name="Proposer la mise à disposition").press("Enter")
    assert "/mises-a-disposition/" in page.url
    main = await page.locator("main").inner_text()
    assert "Mise à disposition proposée" in main
    assert await loans_of_lender() == before + 1

    await as_person(page, w.host.email)
    todo = page.locator("section[aria-labelledby='a-faire']")
    assert "Accepter ou refuser une mise à disposition proposée" in await todo.inner_text()
    # Once the host closes the need, its page says so and offers no form.
    closed = await client.put(
        f"/api/v1/needs/{need_id}",
        headers=w.host.headers,
        json=need_json(
            title="Campagne de financement participatif",
            skills=[{"skill": "crowdfunding", "min_level": 2, "weight": 5}],
            status="closed",
        ),
    )
    assert closed.status_code == 200, closed.text
    await as_person(page, w.lender.email)
    await page.goto(f"/besoins/{need_id}/proposer")
    assert "Ce besoin n'est plus ouvert aux propositions" in await page.locator("main").inner_text()
    assert await page.get_by_role("button", name="Proposer la mise à disposition").count() == 0
