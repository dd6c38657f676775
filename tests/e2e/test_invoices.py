"""Invoices through HTTP: two companies lend to each other in a month and agree the statement,
so each invoices the other (VAT by the lender's regime, its approved expenses at cost), the two
invoices set off; a liable lender without VAT number cannot agree; a credit note continues the
sequence; who may read; the Factur-X PDF passes the library's own schema check; a group's CDO
month invoiced to each member."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import facturx
import httpx
import pytest

from tests.exchange_helpers import (
    Party,
    World,
    active_engagement,
    approved_expense,
    approved_hours_cents,
    invoices_of,
    last_month_statement,
    lent_back,
    log,
    operator,
    previous_month_day,
    propose,
    signup,
    start_on_its_first_day,
    world,
)
from tests.helpers import PASSWORD, company_json, door_token, now
from timebank.db import tables
from timebank.db.unit_of_work import piccolo_unit_of_work
from timebank.errors import Conflict
from timebank.formatting import french_day, month_label
from timebank.groups.model import EmployerGroup, GroupMember, LegalForm
from timebank.invoicing import use_cases as invoicing
from timebank.vat.model import FRANCHISE_MENTION, GROUP_EXEMPTION_MENTION

pytestmark = pytest.mark.anyio
Client = httpx.AsyncClient


async def _remove_vat_number(client: Client, party: Party) -> None:
    stored = (
        await client.get(f"/api/v1/companies/{party.company_id}", headers=party.headers)
    ).json()
    body = {key: stored[key] for key in company_json()} | {"vat_number": ""}
    edited = await client.patch(
        f"/api/v1/companies/{party.company_id}", headers=party.headers, json=body
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["vat_number"] is None


async def _two_way_month(client: Client) -> tuple[World, World, int, int, int, int]:
    """The lender (liable) lends to the host (franchise en base), which lends back; the lender's
    employee has a work lunch approved. Returns both worlds, the statement, each way's cents
    and the expense."""
    w = await world(client)
    await _franchise(client, w.host)
    back = await lent_back(client, w)
    loan = await active_engagement(client, w)
    loan_back = await active_engagement(client, back)
    lent_cents = await approved_hours_cents(client, w, loan, [(3, 180), (10, 150)])
    lent_back_cents = await approved_hours_cents(client, back, loan_back, [(4, 120)])
    expense_id = await approved_expense(client, w, loan, amount=12_000, vat=2_000)
    return w, back, await last_month_statement(client, w), lent_cents, lent_back_cents, expense_id


async def _franchise(client: Client, party: Party) -> None:
    stored = (
        await client.get(f"/api/v1/companies/{party.company_id}", headers=party.headers)
    ).json()
    body = {key: stored[key] for key in company_json()} | {
        "vat_regime": "franchise",
        "vat_number": "",
    }
    edited = await client.patch(
        f"/api/v1/companies/{party.company_id}", headers=party.headers, json=body
    )
    assert edited.status_code == 200, edited.text


async def test_both_agree_and_each_lender_invoices_the_other_with_set_off(client: Client) -> None:
    w, back, statement_id, lent, lent_back, expense_id = await _two_way_month(client)
    assert lent > 0 and lent_back > 0
    first = await client.post(f"/api/v1/settlements/{statement_id}/agree", headers=w.host.headers)
    assert first.status_code == 200 and first.json()["status"] == "draft"
    assert await invoices_of(client, w.lender) == []
    both = await client.post(f"/api/v1/settlements/{statement_id}/agree", headers=w.lender.headers)
    assert both.status_code == 200, both.text
    assert both.json()["status"] == "agreed"

    mine = await invoices_of(client, w.lender)
    theirs = await invoices_of(client, w.host)
    assert sorted(i["id"] for i in mine) == sorted(i["id"] for i in theirs)
    by_issuer = {i["issuer"]["company_id"]: i for i in mine}
    liable, franchise = by_issuer[w.lender.company_id], by_issuer[w.host.company_id]
    # Each issuer's first number.
    assert (liable["number"], franchise["number"]) == ("BT-000001", "BT-000001")
    # The liable lender: its hours at the statement's exact cost plus the ticket without the
    # VAT it recovers, 20 % on top.
    assert liable["customer"]["company_id"] == w.host.company_id
    assert (liable["hours_cents"], liable["expenses_cents"]) == (lent, 10_000)
    assert liable["total_excl_vat_cents"] == lent + 10_000
    assert liable["vat_rate_basis_points"] == 2000
    assert liable["vat_cents"] == (2 * (lent + 10_000) * 2000 + 10_000) // 20_000
    assert liable["total_cents"] == liable["total_excl_vat_cents"] + liable["vat_cents"]
    assert liable["vat_exigibility"] == "payment"
    assert FRANCHISE_MENTION not in liable["mentions"]
    assert [line["kind"] for line in liable["lines"]] == ["hours", "expense"]
    assert liable["lines"][0]["minutes"] == 330
    assert liable["lines"][1]["expense_id"] == expense_id
    assert liable["issuer"]["vat_number"] is not None
    # The host under franchise en base: no VAT, the 293 B mention.
    assert (franchise["total_excl_vat_cents"], franchise["vat_cents"]) == (lent_back, 0)
    assert franchise["total_cents"] == lent_back
    assert FRANCHISE_MENTION in franchise["mentions"]
    assert franchise["vat_exigibility"] == "none"
    # The set-off settles the smaller invoice in full and as much of the larger one.
    set_off = min(liable["total_cents"], franchise["total_cents"])
    today = french_day(now()).isoformat()
    for invoice in (liable, franchise):
        assert (invoice["set_off_cents"], invoice["set_off_on"]) == (set_off, today)
        assert invoice["statement_id"] == statement_id
        assert invoice["issued_on"] == today
        assert invoice["period_start"] == previous_month_day(1).isoformat()
    billed = await tables.ExpenseTable.select(tables.ExpenseTable.invoice).where(
        tables.ExpenseTable.id == expense_id
    )
    assert billed[0]["invoice"] == liable["id"]

    # A credit note: the issuer's admin only, the next number, every amount negated.
    refused = await client.post(
        f"/api/v1/invoices/{liable['id']}/credit-note",
        headers=w.host.headers,
        json={"reason": "Erreur"},
    )
    assert refused.status_code == 403
    empty = await client.post(
        f"/api/v1/invoices/{liable['id']}/credit-note",
        headers=w.lender.headers,
        json={"reason": " "},
    )
    assert empty.status_code == 422 and empty.json()["field"] == "reason"
    note = await client.post(
        f"/api/v1/invoices/{liable['id']}/credit-note",
        headers=w.lender.headers,
        json={"reason": "Billet compté deux fois"},
    )
    assert note.status_code == 201, note.text
    credit = note.json()
    assert (credit["kind"], credit["number"], credit["corrects_id"]) == (
        "credit_note",
        "BT-000002",
        liable["id"],
    )
    assert credit["total_cents"] == -liable["total_cents"]
    assert credit["vat_cents"] == -liable["vat_cents"]
    assert [line["amount_cents"] for line in credit["lines"]] == [
        -line["amount_cents"] for line in liable["lines"]
    ]
    assert credit["mentions"][0].startswith(f"Avoir annulant la facture N° {liable['number']}")
    assert "Motif : Billet compté deux fois" in credit["mentions"]
    # Read back alike by id, in the company's pages and with its statement (one statement each).
    async with piccolo_unit_of_work(write=False) as repos:
        note_read = await repos.invoices.get(credit["id"])
        page, total = await repos.invoices.page_of_company(w.lender.company_id, limit=50, offset=0)
        past, total_past = await repos.invoices.page_of_company(
            w.lender.company_id, limit=50, offset=1000
        )
        original = await repos.invoices.get(liable["id"])
        with_statement = await repos.invoices.of_statement(liable["statement_id"])
    assert note_read is not None and original is not None
    assert (note_read.corrects_number, note_read.corrects_issued_on) == (
        original.number,
        original.issued_on,
    )
    assert (original.corrects_number, original.corrects_issued_on) == (None, None)
    assert [line.amount_cents for line in note_read.lines] == [
        -line.amount_cents for line in original.lines
    ]
    assert {i.id: i for i in page}[credit["id"]] == note_read
    assert {i.id: i for i in page}[liable["id"]] == original
    assert [(i.issued_on, i.id) for i in page] == sorted(
        ((i.issued_on, i.id) for i in page), reverse=True
    )
    assert past == [] and total_past == total == len(page)
    assert original in with_statement
    again = await client.post(
        f"/api/v1/invoices/{liable['id']}/credit-note",
        headers=w.lender.headers,
        json={"reason": "Encore"},
    )
    assert again.status_code == 409 and again.json()["code"] == "invoice_already_cancelled"
    of_note = await client.post(
        f"/api/v1/invoices/{credit['id']}/credit-note",
        headers=w.lender.headers,
        json={"reason": "x"},
    )
    assert of_note.status_code == 409 and of_note.json()["code"] == "not_an_invoice"
    released = await tables.ExpenseTable.select(tables.ExpenseTable.invoice).where(
        tables.ExpenseTable.id == expense_id
    )
    assert released[0]["invoice"] is None  # Billed again with the pair's next statement.
    assert [
        i["number"]
        for i in await invoices_of(client, w.lender)
        if i["issuer"]["company_id"] == w.lender.company_id
    ] == ["BT-000002", "BT-000001"]

    # Who reads: both companies' admins; never an outsider, an employee or the operator.
    stranger = await signup(client, name="Voisin curieux")
    ops = await operator(client)
    for party in (stranger, w.employee, back.employee, ops):
        one = await client.get(f"/api/v1/invoices/{liable['id']}", headers=party.headers)
        assert one.status_code == 404, (party.email, one.status_code)
        pdf = await client.get(f"/api/v1/invoices/{liable['id']}/pdf", headers=party.headers)
        assert pdf.status_code == 404
        listed = await client.get(
            f"/api/v1/companies/{w.lender.company_id}/invoices", headers=party.headers
        )
        assert listed.status_code == 403
    assert (
        await client.get(f"/api/v1/invoices/{liable['id']}", headers=w.host.headers)
    ).status_code == 200


async def test_the_pdf_is_a_factur_x_whose_xml_passes_the_schema(client: Client) -> None:
    w, _, statement_id, _, _, _ = await _two_way_month(client)
    for party in (w.host, w.lender):
        agreed = await client.post(
            f"/api/v1/settlements/{statement_id}/agree", headers=party.headers
        )
        assert agreed.status_code == 200, agreed.text
    invoice = next(
        i
        for i in await invoices_of(client, w.host)
        if i["issuer"]["company_id"] == w.lender.company_id
    )
    first = await client.get(f"/api/v1/invoices/{invoice['id']}/pdf", headers=w.host.headers)
    assert first.status_code == 200, first.text
    assert first.headers["content-type"] == "application/pdf"
    assert first.headers["content-disposition"] == f'attachment; filename="{invoice["number"]}.pdf"'
    _, xml = facturx.get_facturx_xml_from_pdf(first.content, check_xsd=False)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert invoice["number"].encode() in xml
    again = await client.get(f"/api/v1/invoices/{invoice['id']}/pdf", headers=w.lender.headers)
    assert again.content == first.content  # Built once, then served as stored.
    stored = await tables.InvoiceTable.select(tables.InvoiceTable.pdf_sha256).where(
        tables.InvoiceTable.id == invoice["id"]
    )
    assert stored[0]["pdf_sha256"] == hashlib.sha256(first.content).hexdigest()


async def test_a_liable_lender_without_vat_number_cannot_agree_and_nothing_is_written(
    client: Client,
) -> None:
    w = await world(client)
    loan = await active_engagement(client, w)
    await approved_hours_cents(client, w, loan, [(3, 60)])
    expense_id = await approved_expense(client, w, loan, amount=5_000, vat=0)
    statement_id = await last_month_statement(client, w)
    await _remove_vat_number(client, w.lender)
    agreed = await client.post(f"/api/v1/settlements/{statement_id}/agree", headers=w.host.headers)
    assert agreed.status_code == 200
    before = {
        table: await table.count()
        for table in (
            tables.InvoiceTable,
            tables.InvoiceLineTable,
            tables.InvoiceCounterTable,
            tables.LedgerTransferTable,
        )
    }
    refused = await client.post(
        f"/api/v1/settlements/{statement_id}/agree", headers=w.lender.headers
    )
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert (problem["code"], problem["field"]) == ("vat_number_missing", "vat_number")
    assert "numéro de TVA" in problem["message"] and "paramètres" in problem["message"]
    assert {table: await table.count() for table in before} == before
    statement = await client.get(f"/api/v1/settlements/{statement_id}", headers=w.lender.headers)
    assert statement.json()["status"] == "draft"
    unbilled = await tables.ExpenseTable.select(tables.ExpenseTable.invoice).where(
        tables.ExpenseTable.id == expense_id
    )
    assert unbilled[0]["invoice"] is None


async def test_an_invoice_is_not_issued_to_a_company_without_address(client: Client) -> None:
    """Both parties' names and addresses are mandatory mentions: the agreement that would issue
    the invoice is refused, in the form's words, and writes nothing."""
    w = await world(client)
    loan = await active_engagement(client, w)
    await approved_hours_cents(client, w, loan, [(3, 60)])
    statement_id = await last_month_statement(client, w)
    stored = (
        await client.get(f"/api/v1/companies/{w.host.company_id}", headers=w.host.headers)
    ).json()
    body = {key: stored[key] for key in company_json()} | {"address": "", "city": ""}
    edited = await client.patch(
        f"/api/v1/companies/{w.host.company_id}", headers=w.host.headers, json=body
    )
    assert edited.status_code == 200, edited.text
    agreed = await client.post(f"/api/v1/settlements/{statement_id}/agree", headers=w.host.headers)
    assert agreed.status_code == 200, agreed.text
    before = (await tables.InvoiceTable.count(), await tables.LedgerTransferTable.count())
    refused = await client.post(
        f"/api/v1/settlements/{statement_id}/agree", headers=w.lender.headers
    )
    assert refused.status_code == 409, refused.text
    assert (refused.json()["code"], refused.json()["field"]) == ("address_missing", "address")
    assert stored["name"] in refused.json()["message"]
    assert (await tables.InvoiceTable.count(), await tables.LedgerTransferTable.count()) == before


async def test_a_liable_lender_bills_travel_and_lodging_with_the_vat_it_cannot_deduct(
    client: Client,
) -> None:
    """No one deducts the VAT on staff lodging nor on the transport of persons (CGI ann. II
    art. 206, IV, 2, 2° and 3°): the lender bears it, so bills the whole amount paid; a meal's
    VAT it deducts, so bills the amount without it."""
    w = await world(client)
    loan = await active_engagement(client, w)
    await approved_hours_cents(client, w, loan, [(3, 60)])
    paid = {
        "transport": (
            await approved_expense(
                client, w, loan, amount=8_640, vat=785, kind="transport", description="Train"
            ),
            8_640,
        ),
        "lodging": (
            await approved_expense(
                client, w, loan, amount=11_000, vat=1_000, kind="lodging", description="Hôtel"
            ),
            11_000,
        ),
        "meals": (await approved_expense(client, w, loan, amount=2_200, vat=200), 2_000),
    }
    statement_id = await last_month_statement(client, w)
    for party in (w.host, w.lender):
        agreed = await client.post(
            f"/api/v1/settlements/{statement_id}/agree", headers=party.headers
        )
        assert agreed.status_code == 200, agreed.text
    [invoice] = await invoices_of(client, w.lender)
    detail = await client.get(f"/api/v1/invoices/{invoice['id']}", headers=w.lender.headers)
    billed = {line["expense_id"]: line["amount_cents"] for line in detail.json()["lines"]}
    assert {kind: billed[expense_id] for kind, (expense_id, _) in paid.items()} == {
        kind: cents for kind, (_, cents) in paid.items()
    }


async def test_hours_of_an_earlier_month_are_billed_under_the_month_they_were_worked(
    client: Client,
) -> None:
    """A statement holds its month's hours and those of earlier months approved after their
    own statement: each month worked is its own line, named by that month, and the invoice's
    period starts with the earliest (the date of the supply, CGI ann. II art. 242 nonies A)."""
    w = await world(client)
    last_month = previous_month_day(1)
    month_before = (last_month - timedelta(days=1)).replace(day=1)
    proposed = await propose(client, w, start=month_before)
    loan = int(proposed["id"])
    await start_on_its_first_day(w, loan, month_before)
    entries = [
        (await log(client, w, loan, month_before + timedelta(days=9), 120)).json()["id"],
        (await log(client, w, loan, previous_month_day(9), 60)).json()["id"],
    ]
    approved = await client.post(
        "/api/v1/timesheets/approve", headers=w.host.headers, json={"entry_ids": entries}
    )
    assert approved.status_code == 200, approved.text
    statement_id = await last_month_statement(client, w)
    for party in (w.host, w.lender):
        agreed = await client.post(
            f"/api/v1/settlements/{statement_id}/agree", headers=party.headers
        )
        assert agreed.status_code == 200, agreed.text
    [invoice] = await invoices_of(client, w.lender)
    detail = (
        await client.get(f"/api/v1/invoices/{invoice['id']}", headers=w.lender.headers)
    ).json()
    hours = [line for line in detail["lines"] if line["kind"] == "hours"]
    assert [
        (line["minutes"], month_label(m) in line["label"])
        for line, m in zip(hours, (month_before, last_month), strict=True)
    ] == [(120, True), (60, True)]
    assert detail["period_start"] == month_before.isoformat()


async def test_a_group_invoices_each_member_its_cdo_month(client: Client) -> None:
    """Every member exempt: the group re-bills under CGI 261 B (no VAT, its mention)."""
    entity = await signup(client, name="GE Santé")
    members = [await signup(client, name=f"Clinique {n}") for n in ("Nord", "Sud")]
    for member in members:
        stored = (
            await client.get(f"/api/v1/companies/{member.company_id}", headers=member.headers)
        ).json()
        body = {key: stored[key] for key in company_json()} | {
            "vat_regime": "exempt",
            "vat_number": "",
        }
        edited = await client.patch(
            f"/api/v1/companies/{member.company_id}", headers=member.headers, json=body
        )
        assert edited.status_code == 200, edited.text
    month = previous_month_day(1)
    group = EmployerGroup(
        id=0,
        company_id=int(entity.company_id or 0),
        name="GE Santé",
        legal_form=LegalForm.ASSOCIATION,
        members=tuple(
            GroupMember(int(m.company_id or 0), month - timedelta(days=30), None) for m in members
        ),
        created_at=now(),
    )
    shares = [
        (int(m.company_id or 0), 0, 7 * 60 * (i + 1), 50_000 * (i + 1))
        for i, m in enumerate(members)
    ]
    async with piccolo_unit_of_work() as repos:
        issued = await invoicing.issue_cdo_invoices(
            repos, group, month, shares, now=now(), user_id=None
        )
    assert [i.sequence for i in issued] == [1, 2]
    for invoice, (company_id, _, minutes, cents) in zip(issued, shares, strict=True):
        assert invoice.customer.company_id == company_id
        assert (invoice.total_excl_vat_cents, invoice.vat_cents, invoice.total_cents) == (
            cents,
            0,
            cents,
        )
        assert invoice.mentions[0] == GROUP_EXEMPTION_MENTION
        assert invoice.lines[0].minutes == minutes
        assert invoice.period_start == month
    # A liable group without its number issues nothing.
    await _remove_vat_number(client, entity)
    before = await tables.InvoiceTable.count()
    with pytest.raises(Conflict) as refused:
        async with piccolo_unit_of_work() as repos:
            await invoicing.issue_cdo_invoices(repos, group, month, shares, now=now(), user_id=None)
    assert (refused.value.code, refused.value.field) == ("vat_number_missing", "vat_number")
    assert await tables.InvoiceTable.count() == before


async def _page_login(client: Client, email: str) -> None:
    logged_in = await client.post(
        "/connexion",
        data={"email": email, "password": PASSWORD, "_csrf": await door_token(client)},
        headers={"accept": "text/html"},
        follow_redirects=False,
    )
    assert logged_in.status_code == 303


async def test_the_pages_list_show_and_cancel_an_invoice(client: Client) -> None:
    w, _, statement_id, _, _, _ = await _two_way_month(client)
    html = {"accept": "text/html"}
    statement_page = f"/entreprises/{w.lender.company_id}/releves/{statement_id}"
    await _page_login(client, w.lender.email)
    before = await client.get(statement_page, headers=html)
    assert before.status_code == 200
    assert "Déjeuner de travail à Lyon" in before.text and "100,00" in before.text  # Without VAT.
    client.cookies.clear()
    for party in (w.host, w.lender):
        agreed = await client.post(
            f"/api/v1/settlements/{statement_id}/agree", headers=party.headers
        )
        assert agreed.status_code == 200, agreed.text
    mine = next(
        i
        for i in await invoices_of(client, w.lender)
        if i["issuer"]["company_id"] == w.lender.company_id
    )
    await _page_login(client, w.lender.email)
    base = f"/entreprises/{w.lender.company_id}/factures"
    listed = await client.get(base, headers=html)
    assert listed.status_code == 200, listed.text
    assert listed.text.count("BT-000001") >= 2 and "Total TTC" in listed.text
    assert "Émise à" in listed.text and "Reçue de" in listed.text
    assert f'href="{base}"' in listed.text  # The menu's « Factures ».
    page = await client.get(f"{base}/{mine['id']}", headers=html)
    assert page.status_code == 200
    for mention in mine["mentions"]:
        assert str(mention).replace("'", "&#39;") in page.text
    assert f"/api/v1/invoices/{mine['id']}/pdf" in page.text
    assert "Émettre l'avoir annulant" in page.text
    statement = await client.get(statement_page, headers=html)
    assert f"{base}/{mine['id']}" in statement.text
    assert 'id="statement-expenses"' not in statement.text  # Billed now: on the invoice.
    token = re.search(r'name="_csrf" value="([^"]+)"', page.text)
    assert token is not None
    empty = await client.post(
        f"{base}/{mine['id']}/avoir", data={"_csrf": token[1], "reason": ""}, headers=html
    )
    assert empty.status_code == 422 and 'id="reason-error"' in empty.text
    done = await client.post(
        f"{base}/{mine['id']}/avoir",
        data={"_csrf": token[1], "reason": "Heures du 10 en double"},
        headers=html,
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    note = await client.get(done.headers["location"], headers=html)
    assert "Avoir N° BT-000002" in note.text and "Heures du 10 en double" in note.text
    cancelled = await client.get(f"{base}/{mine['id']}", headers=html)
    assert (
        "Annulée par un avoir" in cancelled.text
        and "Émettre l'avoir annulant" not in cancelled.text
    )
    client.cookies.clear()
