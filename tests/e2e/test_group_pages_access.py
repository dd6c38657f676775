"""The shared-CDO pages keep each party to its own: another company's admin is refused a
group's coordinator pages and a member's pages; a company not yet member sees no member page."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.test_rotations import _group_world
from tests.exchange_helpers import Party
from tests.helpers import PASSWORD, door_token

pytestmark = pytest.mark.anyio
HTML = {"accept": "text/html"}


async def _log_in(client: httpx.AsyncClient, email: str) -> None:
    client.cookies.clear()
    response = await client.post(
        "/connexion",
        data={"email": email, "password": PASSWORD, "_csrf": await door_token(client)},
        headers=HTML,
    )
    assert response.status_code in (200, 303), response.text


async def test_pages_of_a_group_refuse_strangers(client: httpx.AsyncClient) -> None:
    w = await _group_world(client)
    paris, stranger, coordinator = w["paris"], w["stranger"], w["coordinator"]
    assert isinstance(paris, Party) and isinstance(stranger, Party)
    assert isinstance(coordinator, Party)
    group_id = w["group_id"]
    await _log_in(client, stranger.email)
    for path in (
        f"/groupements/{group_id}",
        f"/groupements/{group_id}/agendas",
        f"/groupements/{group_id}/documents",
        f"/entreprises/{paris.company_id}/cdo-mutualise",
        f"/entreprises/{paris.company_id}/cdo-mutualise/groupes/{group_id}",
    ):
        response = await client.get(path, headers=HTML)
        assert response.status_code in (403, 404), path
        assert "Atelier Paris" not in response.text or response.status_code == 403
    own = await client.get(f"/entreprises/{stranger.company_id}/cdo-mutualise", headers=HTML)
    assert own.status_code == 200 and "GE Numérique" in own.text
    not_member = await client.get(
        f"/entreprises/{stranger.company_id}/cdo-mutualise/groupes/{group_id}", headers=HTML
    )
    assert not_member.status_code == 404

    await _log_in(client, paris.email)
    member = await client.get(
        f"/entreprises/{paris.company_id}/cdo-mutualise/groupes/{group_id}", headers=HTML
    )
    assert member.status_code == 200 and "GE Numérique" in member.text
    assert (await client.get(f"/groupements/{group_id}", headers=HTML)).status_code == 403

    await _log_in(client, coordinator.email)
    listed = await client.get("/groupements", headers=HTML)
    assert listed.status_code == 200 and f'href="/groupements/{group_id}"' in listed.text
