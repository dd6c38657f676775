"""Contracts through HTTP: the public catalogue, a loan's documents generated from its data and
signed on their SHA-256, the gate that counts only signatures on the current text, downloads
with the signature record, group documents, template versions, and the offline command."""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from pypdf import PdfReader

from contracts import catalogue
from tests.e2e.test_rotations import _group_world
from tests.exchange_helpers import (
    Party,
    company_json,
    paperwork,
    propose,
    step,
    world,
)
from tests.helpers import now
from timebank.db.unit_of_work import piccolo_unit_of_work
from timebank.people.model import Role

pytestmark = pytest.mark.anyio
Client = httpx.AsyncClient
CDO_TERMS = {
    "hired_on": "2027-01-04",
    "weekly_minutes": 28 * 60,
    "hours_spread": "du lundi au jeudi, 7 h par jour",
    "permanent": True,
    "collective_agreement": "Syntec, IDCC 1486",
}
ROOT = Path(__file__).resolve().parents[2]


async def test_the_catalogue_is_public_with_sources_and_sample_pdfs(client: Client) -> None:
    client.cookies.clear()
    listed = await client.get("/api/v1/templates")
    assert listed.status_code == 200
    templates = listed.json()
    assert {t["id"] for t in templates} == set(catalogue.TEMPLATES)
    for t in templates:
        assert t["licence"] == catalogue.LICENCE_OUVERTE
        assert t["version"] == catalogue.TEMPLATES[t["id"]].version
        assert t["variables"] and t["clauses"]
        source = await client.get(t["source_url"])
        assert source.status_code == 200 and "{{" in source.text
        assert source.headers["content-type"] == "text/plain; charset=utf-8"
        sample = await client.get(t["sample_pdf_url"])
        assert sample.status_code == 200 and sample.content.startswith(b"%PDF")
        assert sample.headers["content-type"] == "application/pdf"
    assert (await client.get("/api/v1/templates/nope")).status_code == 404
    page = await client.get("/templates")
    assert page.status_code == 200
    assert "Convention de mise à disposition" in page.text and "L8241-2" in page.text


async def test_a_loan_starts_only_with_its_current_documents_signed(client: Client) -> None:
    w = await world(client, lender_cse=False)
    engagement_id = int((await propose(client, w))["id"])
    for party, name in ((w.host, "accept"), (w.lender, "approve"), (w.employee, "consent")):
        assert (await step(client, party, engagement_id, name)).status_code == 200
    early = await step(client, w.host, engagement_id, "activate")
    assert early.status_code == 409 and early.json()["code"] == "paperwork_incomplete"
    documents = (
        await client.get(f"/api/v1/engagements/{engagement_id}/documents", headers=w.lender.headers)
    ).json()
    assert [d["kind"] for d in documents] == ["loan_agreement", "employee_amendment"]
    assert documents[0]["signers"] == ["lender", "host"]
    stranger = await world(client)
    hidden = await client.get(
        f"/api/v1/engagements/{engagement_id}/documents", headers=stranger.lender.headers
    )
    assert hidden.status_code == 404
    await paperwork(client, w, engagement_id, cse=False)
    signed = (
        await client.get(f"/api/v1/documents/{documents[0]['id']}", headers=w.host.headers)
    ).json()
    assert signed["signed_by_all"] is True
    assert {s["role"] for s in signed["signatures"]} == {"lender", "host"}
    assert all(s["sha256"] == signed["sha256"] for s in signed["signatures"])

    # The lender moves: the agreement's text changes, the earlier signatures no longer count.
    moved = await client.patch(
        f"/api/v1/companies/{w.lender.company_id}",
        headers=w.lender.headers,
        json=company_json(
            name="Agence Lumière",
            address="40 avenue Foch",
            postal_code="69006",
            has_cse=False,
            headcount_band="0-9",
        ),
    )
    assert moved.status_code == 200, moved.text
    refused = await step(client, w.host, engagement_id, "activate")
    assert refused.status_code == 409 and refused.json()["code"] == "paperwork_incomplete"
    assert "loan_agreement_lender" in refused.json()["message"]
    again = (
        await client.get(f"/api/v1/engagements/{engagement_id}/documents", headers=w.lender.headers)
    ).json()
    assert again[0]["sha256"] != documents[0]["sha256"] and again[0]["signatures"] == []
    kept = (
        await client.get(f"/api/v1/documents/{documents[0]['id']}", headers=w.lender.headers)
    ).json()
    assert kept["sha256"] == documents[0]["sha256"] and kept["signed_by_all"]  # History kept.
    stale = await client.post(
        f"/api/v1/engagements/{engagement_id}/signatures",
        headers=w.host.headers,
        json={"document": "loan_agreement", "document_hash": documents[0]["sha256"]},
    )
    assert stale.status_code == 409 and stale.json()["code"] == "document_changed"
    await paperwork(client, w, engagement_id, cse=False)
    started = await step(client, w.host, engagement_id, "activate")
    assert started.status_code == 200, started.text

    pdf = await client.get(
        f"/api/v1/documents/{again[0]['id']}/file",
        headers=w.host.headers,
        params={"file_format": "pdf"},
    )
    assert pdf.status_code == 200 and pdf.headers["x-document-sha256"] == again[0]["sha256"]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Inès Moreau" in text and "40 avenue Foch" in text
    markdown = await client.get(
        f"/api/v1/documents/{again[0]['id']}/file",
        headers=w.employee.headers,
        params={"file_format": "md"},
    )
    assert markdown.status_code == 200 and "sans aucune marge" in markdown.text
    assert (
        await client.get(f"/api/v1/documents/{again[0]['id']}/file", headers=stranger.host.headers)
    ).status_code == 404


async def test_a_new_template_version_makes_a_new_document_and_keeps_the_old_one(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await world(client)
    engagement_id = int((await propose(client, w))["id"])
    first = (
        await client.get(f"/api/v1/engagements/{engagement_id}/documents", headers=w.lender.headers)
    ).json()[0]
    spec = catalogue.TEMPLATES["convention-mise-a-disposition"]
    monkeypatch.setitem(catalogue.TEMPLATES, spec.id, dataclasses.replace(spec, version="9.9.9"))
    second = (
        await client.get(f"/api/v1/engagements/{engagement_id}/documents", headers=w.lender.headers)
    ).json()[0]
    assert (first["template_version"], second["template_version"]) == (spec.version, "9.9.9")
    assert first["id"] != second["id"] and first["sha256"] != second["sha256"]
    old = (await client.get(f"/api/v1/documents/{first['id']}", headers=w.lender.headers)).json()
    assert old["template_version"] == spec.version


async def test_group_documents_are_signed_by_the_group_the_member_and_the_cdo(
    client: Client,
) -> None:
    w = await _group_world(client)
    coordinator, paris, alsace, cdo = w["coordinator"], w["paris"], w["alsace"], w["cdo"]
    assert isinstance(coordinator, Party) and isinstance(paris, Party)
    assert isinstance(alsace, Party) and isinstance(cdo, Party)
    group_id = w["group_id"]
    period = await client.post(
        f"/api/v1/groups/{group_id}/rotation-periods",
        headers=coordinator.headers,
        json={"starts_on": "2027-01-04", "ends_on": "2027-03-26"},
    )
    period_id = period.json()["id"]
    await client.put(
        f"/api/v1/rotation-periods/{period_id}/cdos/{w['cdo_id']}",
        headers=coordinator.headers,
        json={"max_days_per_week": 3},
    )
    await client.put(
        f"/api/v1/rotation-periods/{period_id}/requests/{paris.company_id}",
        headers=paris.headers,
        json={"days": 10},
    )
    contract = await client.post(
        f"/api/v1/groups/{group_id}/documents",
        headers=coordinator.headers,
        json={"kind": "cdo_contract", "employee_id": w["cdo_id"]},
    )
    assert contract.status_code == 422 and contract.json()["code"] == "cdo_terms_missing"
    contract = await client.post(
        f"/api/v1/groups/{group_id}/documents",
        headers=coordinator.headers,
        json={"kind": "cdo_contract", "employee_id": w["cdo_id"], **CDO_TERMS},
    )
    assert contract.status_code == 201, contract.text
    signed_text = contract.json()
    cdd = await client.post(
        f"/api/v1/groups/{group_id}/documents",
        headers=coordinator.headers,
        json={"kind": "cdo_contract", "employee_id": w["cdo_id"], **CDO_TERMS, "permanent": False},
    )
    assert cdd.status_code == 422 and cdd.json()["field"] == "fixed_term"
    assert signed_text["id"] == contract.json()["id"]
    agreement = await client.post(
        f"/api/v1/groups/{group_id}/documents",
        headers=coordinator.headers,
        json={"kind": "member_agreement", "company_id": paris.company_id, "period_id": period_id},
    )
    assert agreement.status_code == 201, agreement.text
    not_coordinator = await client.post(
        f"/api/v1/groups/{group_id}/documents",
        headers=paris.headers,
        json={"kind": "cdo_contract", "employee_id": w["cdo_id"], **CDO_TERMS},
    )
    assert not_coordinator.status_code == 403
    wrong_hash = await client.post(
        f"/api/v1/documents/{agreement.json()['id']}/signatures",
        headers=paris.headers,
        json={"sha256": "0" * 64},
    )
    assert wrong_hash.status_code == 409 and wrong_hash.json()["code"] == "document_changed"
    other_member = await client.post(
        f"/api/v1/documents/{agreement.json()['id']}/signatures",
        headers=alsace.headers,
        json={"sha256": agreement.json()["sha256"]},
    )
    assert other_member.status_code == 404
    # An admin of the group's own company reads every group document but signs none of them:
    # neither the member's part nor the CDO's.
    stranger = w["stranger"]
    assert isinstance(stranger, Party)
    async with piccolo_unit_of_work() as repos:
        user = await repos.people.get_user_by_email(stranger.email)
        assert user is not None
        await repos.people.add_membership(
            user_id=user.id,
            company_id=w["entity_id"],
            role=Role.COMPANY_ADMIN,
            granted_by=None,
            now=now(),
        )
    for document in (agreement.json(), contract.json()):
        seen = await client.get(f"/api/v1/documents/{document['id']}", headers=stranger.headers)
        assert seen.status_code == 200, seen.text
        in_their_place = await client.post(
            f"/api/v1/documents/{document['id']}/signatures",
            headers=stranger.headers,
            json={"sha256": document["sha256"]},
        )
        assert in_their_place.status_code == 403, in_their_place.text
        assert in_their_place.json()["code"] == "not_a_signatory"
    for party, document in (
        (coordinator, agreement.json()),
        (paris, agreement.json()),
        (coordinator, contract.json()),
        (cdo, contract.json()),
    ):
        signed = await client.post(
            f"/api/v1/documents/{document['id']}/signatures",
            headers=party.headers,
            json={"sha256": document["sha256"]},
        )
        assert signed.status_code == 200, signed.text
    listed = (
        await client.get(f"/api/v1/groups/{group_id}/documents", headers=coordinator.headers)
    ).json()
    assert {d["kind"]: d["signed_by_all"] for d in listed} == {
        "cdo_contract": True,
        "member_agreement": True,
    }
    mine = (await client.get(f"/api/v1/groups/{group_id}/documents", headers=paris.headers)).json()
    assert [d["kind"] for d in mine] == ["member_agreement"]  # Not the CDO's pay.
    pdf = await client.get(f"/api/v1/documents/{contract.json()['id']}/file", headers=cdo.headers)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "utilisateurs potentiels" in text and "Atelier Paris" in text
    markdown = (
        await client.get(
            f"/api/v1/documents/{contract.json()['id']}/file",
            params={"file_format": "md"},
            headers=cdo.headers,
        )
    ).text
    assert "à compter du 04/01/2027" in markdown  # The agreed hire date, not the record's.
    assert "contrat de travail à durée indéterminée (CDI)" in markdown
    assert "28\u00a0h par semaine, à temps partiel" in markdown
    assert "du lundi au jeudi, 7 h par jour" in markdown
    assert "IDCC 1486" in markdown


def test_the_offline_command_renders_a_template_and_lists_every_problem(tmp_path: Path) -> None:
    sample = ROOT / "contracts" / "samples" / "convention-mise-a-disposition.json"
    target = tmp_path / "convention.pdf"
    command = [
        sys.executable,
        "-m",
        "web.cli",
        "contracts",
        "render",
        "convention-mise-a-disposition",
    ]
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [*command, "--data", str(sample), "-o", str(target)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert target.read_bytes().startswith(b"%PDF") and "SHA-256" in done.stdout
    broken = json.loads(sample.read_text())
    del broken["tasks"], broken["host"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(broken))
    failed = subprocess.run(
        [*command, "--data", str(bad), "-o", str(tmp_path / "x.pdf")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert failed.returncode == 1
    assert "tasks" in failed.stderr and "host" in failed.stderr
    assert not (tmp_path / "x.pdf").exists()
