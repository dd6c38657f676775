"""A company's VAT settings through the API: stored, read back, refused with nothing written."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.exchange_helpers import Party, login, signup
from tests.helpers import PASSWORD, company_json, new_email, new_siren
from timebank.vat.model import vat_number_of

pytestmark = pytest.mark.anyio


async def company(client: httpx.AsyncClient, party: Party) -> dict[str, Any]:
    response = await client.get(f"/api/v1/companies/{party.company_id}", headers=party.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def patch(client: httpx.AsyncClient, party: Party, **vat: object) -> httpx.Response:
    stored = await company(client, party)
    body = {key: stored[key] for key in company_json()} | vat
    return await client.patch(
        f"/api/v1/companies/{party.company_id}", headers=party.headers, json=body
    )


async def test_a_new_company_is_liable_without_option_or_number(client: httpx.AsyncClient) -> None:
    admin = await signup(client, vat_number=None)  # The helper gives one unless told not to.
    stored = await company(client, admin)
    assert (stored["vat_regime"], stored["vat_on_debits"], stored["vat_number"]) == (
        "reel",
        False,
        None,
    )


async def test_sign_up_may_give_the_vat_settings(client: httpx.AsyncClient) -> None:
    siren = new_siren()
    body = company_json(siren=siren) | {
        "vat_regime": "franchise",
        "vat_number": vat_number_of(siren)[2:],
    }
    email = new_email()
    response = await client.post(
        "/api/v1/auth/signup",
        json={"email": email, "password": PASSWORD, "full_name": "A B", "company": body},
    )
    assert response.status_code == 202, response.text
    headers = await login(client, email)
    me = (await client.get("/api/v1/auth/me", headers=headers)).json()
    company_id = me["roles"][0]["company_id"]
    created = (await client.get(f"/api/v1/companies/{company_id}", headers=headers)).json()
    assert (created["vat_regime"], created["vat_number"]) == ("franchise", vat_number_of(siren))


async def test_admin_sets_the_vat_and_an_edit_without_it_keeps_it(
    client: httpx.AsyncClient,
) -> None:
    admin = await signup(client)
    stored = await company(client, admin)
    number = vat_number_of(stored["siren"])
    spaced = f"{number[:4]} {number[4:7]} {number[7:10]} {number[10:]}"
    response = await patch(client, admin, vat_on_debits=True, vat_number=spaced)
    assert response.status_code == 200, response.text
    assert (response.json()["vat_on_debits"], response.json()["vat_number"]) == (True, number)

    response = await patch(client, admin, name="Renommée")  # no VAT field: unchanged
    assert response.status_code == 200, response.text
    after = await company(client, admin)
    assert (after["name"], after["vat_regime"], after["vat_on_debits"], after["vat_number"]) == (
        "Renommée",
        "reel",
        True,
        number,
    )

    # Leaving the réel regime drops the option; an empty number removes it.
    response = await patch(client, admin, vat_regime="exempt", vat_number="")
    assert response.status_code == 200, response.text
    assert (response.json()["vat_regime"], response.json()["vat_on_debits"]) == ("exempt", False)
    assert response.json()["vat_number"] is None


@pytest.mark.parametrize(
    ("vat", "code", "field"),
    [
        ({"vat_number": "FR00{siren}"}, "invalid_vat_number", "vat_number"),
        ({"vat_number": "other"}, "vat_number_other_siren", "vat_number"),
        ({"vat_regime": "micro"}, "invalid_vat_regime", "vat_regime"),
        (
            {"vat_regime": "franchise", "vat_on_debits": True},
            "vat_debits_not_liable",
            "vat_on_debits",
        ),
    ],
)
async def test_a_refused_vat_setting_writes_nothing(
    client: httpx.AsyncClient, vat: dict[str, object], code: str, field: str
) -> None:
    admin = await signup(client)
    before = await company(client, admin)
    siren = before["siren"]
    if vat.get("vat_number") == "other":
        vat = {"vat_number": vat_number_of(new_siren())}
    elif isinstance(vat.get("vat_number"), str):
        wrong = "FR00" + siren if vat_number_of(siren)[2:4] != "00" else "FR01" + siren
        vat = {"vat_number": wrong}
    response = await patch(client, admin, name="Jamais écrit", **vat)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert (problem["code"], problem["field"]) == (code, field)
    assert problem["message"] and problem["message_en"]
    assert await company(client, admin) == before
