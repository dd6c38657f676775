"""The invoice as a document: its printable French page, its EN 16931 (UN/CEFACT CII) XML and the
Factur-X PDF/A-3 that carries both. `contracts` sits below `timebank`, so the invoice comes in
as plain values (`InvoiceDocument`, the mirror of `timebank.invoicing.model.Invoice`).
"""

from __future__ import annotations

import os
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

import facturx  # type: ignore[import-untyped]
import jinja2

from contracts.render import date_fr, euros, refusing_fetcher

TEMPLATE_FOLDER: Final = Path(__file__).parent / "templates"
INVOICE_TEMPLATE: Final = "invoice.html"
FACTURX_FLAVOR: Final = "factur-x"
FACTURX_LEVEL: Final = "en16931"
GUIDELINE_EN16931: Final = "urn:cen.eu:en16931:2017"
# Cadre de facturation of the French e-invoicing reform (BT-23): S1, an invoice for services
# deposited as such (no prepayment, no self-billing, not already paid).
BUSINESS_PROCESS: Final = "S1"
TYPE_INVOICE: Final = "380"
TYPE_CREDIT_NOTE: Final = "381"
# A credit note's mention of why it was issued begins so (timebank/invoicing/model.py).
CREDIT_NOTE_REASON_PREFIX: Final = "Motif : "
SIREN_SCHEME: Final = "0002"  # ISO 6523 ICD of the French SIRENE register (BT-30, BT-47).
SIREN_ADDRESS_SCHEME: Final = "0225"  # Electronic address by SIREN (BT-34, BT-49), French CTC.
UNIT_HOUR: Final = "HUR"  # UN/ECE Rec. 20.
UNIT_ONE: Final = "C62"
QUANTITY_DECIMALS: Final = 4
PRICE_DECIMALS: Final = 4
MINUTES_PER_HOUR: Final = 60
NBSP: Final = "\u00a0"  # Before a unit: 12 h 30.
# Exemption reason codes (VATEX, EN 16931 code list) for the two French exemptions we know.
VATEX_BY_ARTICLE: Final = {"293 B": "VATEX-FR-FRANCHISE", "261 B": "VATEX-FR-CGI261B"}
EXEMPTION_TEXT_DEFAULT: Final = "Exonération de TVA"

RSM: Final = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM: Final = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT: Final = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT: Final = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"


@dataclass(frozen=True, slots=True)
class DocumentParty:
    """A company as printed on the invoice (`timebank.invoicing.model.Party`)."""

    company_id: int
    name: str
    siren: str
    address: str
    postal_code: str
    city: str
    vat_number: str | None


@dataclass(frozen=True, slots=True)
class DocumentLine:
    """One line (`InvoiceLine`); kind: "hours", "expense" or "cdo"."""

    kind: str
    label: str
    amount_cents: int  # Excluding VAT; negative on a credit note, as in the model.
    minutes: int | None = None  # Hours and CDO lines: the quantity.
    engagement_id: int | None = None
    expense_id: int | None = None


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    """An issued invoice or credit note (`Invoice`), enums as their string values: kind
    "invoice"/"credit_note", origin "loan"/"cdo", vat_exigibility "none"/"payment"/"debits"."""

    id: int
    issuer: DocumentParty
    customer: DocumentParty
    sequence: int
    number: str
    kind: str
    origin: str
    statement_id: int | None
    group_id: int | None
    corrects_id: int | None
    period_start: date
    period_end: date
    issued_on: date
    due_on: date
    hours_cents: int
    expenses_cents: int
    total_excl_vat_cents: int
    vat_rate_basis_points: int
    vat_cents: int
    total_cents: int
    vat_exigibility: str
    mentions: tuple[str, ...]
    lines: tuple[DocumentLine, ...]
    set_off_cents: int = 0
    set_off_on: date | None = None
    corrects_number: str | None = None  # Credit note: the number of the invoice it cancels.
    corrects_issued_on: date | None = None  # And that invoice's date (BT-26, French CTC).


class InvoiceNotFacturX(ValueError):
    """The invoice's XML does not pass the Factur-X EN 16931 schema: no PDF is issued."""

    def __init__(self, number: str, reason: str) -> None:
        super().__init__(
            f"La facture {number} ne peut pas être produite au format Factur-X EN 16931 : "
            f"son XML ne respecte pas le schéma ({reason})."
        )
        self.number = number
        self.reason = reason


def _invariant(condition: bool, message: str) -> None:
    """A programmer error that must stop the document even under `python -O`."""
    if not condition:
        raise AssertionError(message)


# ---- Figures: the amounts as the document shows them ------------------------------------------


@dataclass(frozen=True, slots=True)
class _Figures:
    """Amounts as printed and exchanged: a credit note's are positive (its type says it
    cancels), while the model keeps them negative as the ledger does."""

    line_cents: tuple[int, ...]
    excl_vat_cents: int
    vat_cents: int
    total_cents: int
    prepaid_cents: int

    @property
    def due_cents(self) -> int:
        return self.total_cents - self.prepaid_cents


def is_credit_note(document: InvoiceDocument) -> bool:
    return document.kind == "credit_note"


def _figures(document: InvoiceDocument) -> _Figures:
    sign = -1 if is_credit_note(document) and document.total_cents < 0 else 1
    lines = tuple(sign * line.amount_cents for line in document.lines)
    figures = _Figures(
        line_cents=lines,
        excl_vat_cents=sign * document.total_excl_vat_cents,
        vat_cents=sign * document.vat_cents,
        total_cents=sign * document.total_cents,
        prepaid_cents=abs(document.set_off_cents),
    )
    _invariant(bool(document.lines), f"{document.number}: an invoice bills at least one line")
    _invariant(
        sum(lines) == figures.excl_vat_cents,
        f"{document.number}: lines add up to {sum(lines)}, not {figures.excl_vat_cents}",
    )
    _invariant(
        figures.excl_vat_cents + figures.vat_cents == figures.total_cents,
        f"{document.number}: excluding VAT + VAT is not the total",
    )
    _invariant(figures.total_cents >= 0, f"{document.number}: a negative total")
    _invariant(
        figures.prepaid_cents <= figures.total_cents,
        f"{document.number}: more set off than the total",
    )
    return figures


def _vat_due(document: InvoiceDocument) -> bool:
    return document.vat_rate_basis_points > 0


def _is_vat_mention(text: str) -> bool:
    """A VAT mention (exemption, debits option): not the reason a credit note gives, which
    is the user's words and may say « TVA »."""
    if text.startswith(CREDIT_NOTE_REASON_PREFIX):
        return False
    return "TVA" in text or "débits" in text


def _exemption(document: InvoiceDocument) -> tuple[str, str | None]:
    """The exemption's reason text (BT-120) and code (BT-121) from the invoice's VAT mention."""
    for mention in document.mentions:
        if _is_vat_mention(mention):
            for article, code in VATEX_BY_ARTICLE.items():
                if article in mention:
                    return mention, code
            return mention, None
    return EXEMPTION_TEXT_DEFAULT, None


# ---- Numbers as text -------------------------------------------------------------------------


def _rounded_ratio(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest integer, half away from zero."""
    assert denominator > 0
    rounded = (2 * abs(numerator) + denominator) // (2 * denominator)
    return rounded if numerator >= 0 else -rounded


def _decimal(units: int, decimals: int) -> str:
    """`units` hundredths (or ten-thousandths…) as a plain decimal: 123456, 2 → 1234.56."""
    sign = "-" if units < 0 else ""
    whole, fraction = divmod(abs(units), 10**decimals)
    return f"{sign}{whole}.{fraction:0{decimals}d}"


def _amount(cents: int) -> str:
    return _decimal(cents, 2)


def _hourly_price_units(amount_cents: int, minutes: int) -> int:
    """The price of one hour in ten-thousandths of a euro (4 decimals), rounded."""
    return _rounded_ratio(amount_cents * MINUTES_PER_HOUR * 10**PRICE_DECIMALS, 100 * minutes)


def _hours_quantity_units(minutes: int) -> int:
    """Hours in ten-thousandths (4 decimals), rounded: 740 min → 123333 (12.3333 h)."""
    return _rounded_ratio(minutes * 10**QUANTITY_DECIMALS, MINUTES_PER_HOUR)


def _hours_text(minutes: int) -> str:
    """750 → 12 h 30; 720 → 12 h; -750 (a credit note's) → −12 h 30."""
    sign = "\u2212" if minutes < 0 else ""
    whole, rest = divmod(abs(minutes), MINUTES_PER_HOUR)
    text = sign + f"{whole:,}".replace(",", "\u202f") + f"{NBSP}h"
    return f"{text}{NBSP}{rest:02d}" if rest else text


def _price_text(units: int) -> str:
    """41,6482 € from ten-thousandths of a euro."""
    whole, fraction = divmod(units, 10**PRICE_DECIMALS)
    grouped = f"{whole:,}".replace(",", "\u202f")
    return f"{grouped},{fraction:0{PRICE_DECIMALS}d}{NBSP}€"


def _rate_text(basis_points: int) -> str:
    """2000 → 20 %; 550 → 5,5 %."""
    whole, rest = divmod(basis_points, 100)
    decimals = f",{rest:02d}".rstrip("0") if rest else ""
    return f"{whole}{decimals}{NBSP}%"


def _rate_decimal(basis_points: int) -> str:
    return _decimal(basis_points, 2)


def _is_timed(line: DocumentLine) -> bool:
    """Hours billed, or credited (a credit note's minutes and amounts are negative)."""
    return line.kind in ("hours", "cdo") and bool(line.minutes)


def _hourly_price(line: DocumentLine, amount_cents: int) -> int:
    """The hour's price of a timed line, positive on a credit note too: there the quantity is
    negative, as the amount, and quantity × price still gives the amount."""
    assert line.minutes
    return _hourly_price_units(abs(amount_cents), abs(line.minutes))


# ---- The printable page ----------------------------------------------------------------------

_ENVIRONMENT: Final = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATE_FOLDER),
    undefined=jinja2.StrictUndefined,
    autoescape=True,  # HTML: every value typed by a user is escaped.
    trim_blocks=True,
    lstrip_blocks=True,
)


def _party_view(party: DocumentParty) -> dict[str, Any]:
    return {
        "name": party.name,
        "address_lines": [part.strip() for part in party.address.splitlines() if part.strip()],
        "city_line": f"{party.postal_code} {party.city}".strip(),
        "siren": party.siren,
        "vat_number": party.vat_number,
    }


def _line_view(line: DocumentLine, amount_cents: int, rate_text: str) -> dict[str, str]:
    if _is_timed(line):
        assert line.minutes is not None
        quantity = _hours_text(line.minutes)
        unit_price = _price_text(_hourly_price(line, amount_cents)) + " / h"
    else:
        quantity = "1"
        unit_price = euros(amount_cents)
    return {
        "label": line.label,
        "quantity": quantity,
        "unit_price": unit_price,
        "rate": rate_text,
        "amount": euros(amount_cents),
    }


def invoice_html(document: InvoiceDocument) -> str:
    """The invoice or credit note as a French A4 page with every mandatory mention."""
    figures = _figures(document)
    rate = _rate_text(document.vat_rate_basis_points)
    credit_note = is_credit_note(document)
    return _ENVIRONMENT.get_template(INVOICE_TEMPLATE).render(
        title=("Avoir" if credit_note else "Facture") + f" n° {document.number}",
        credit_note=credit_note,
        number=document.number,
        issued_on=date_fr(document.issued_on),
        due_on=date_fr(document.due_on),
        period_start=date_fr(document.period_start),
        period_end=date_fr(document.period_end),
        corrects_number=document.corrects_number,
        corrects_issued_on=(
            date_fr(document.corrects_issued_on) if document.corrects_issued_on else None
        ),
        issuer=_party_view(document.issuer),
        customer=_party_view(document.customer),
        lines=[
            _line_view(line, amount, rate)
            for line, amount in zip(document.lines, figures.line_cents, strict=True)
        ],
        vat_due=_vat_due(document),
        vat_rate=rate,
        excl_vat=euros(figures.excl_vat_cents),
        vat=euros(figures.vat_cents),
        total=euros(figures.total_cents),
        set_off=euros(figures.prepaid_cents) if figures.prepaid_cents > 0 else None,
        set_off_on=date_fr(document.set_off_on) if document.set_off_on else None,
        due=euros(figures.due_cents),
        mentions=list(document.mentions),
    )


# ---- The EN 16931 XML (UN/CEFACT CII, Factur-X profile EN 16931) -----------------------------

ET.register_namespace("rsm", RSM)
ET.register_namespace("ram", RAM)
ET.register_namespace("udt", UDT)
ET.register_namespace("qdt", QDT)


def _child(
    parent: ET.Element, namespace: str, tag: str, text: str | None = None, **attributes: str
) -> ET.Element:
    element = ET.SubElement(parent, f"{{{namespace}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def _ram(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    return _child(parent, RAM, tag, text, **attributes)


def _day(parent: ET.Element, tag: str, value: date) -> None:
    _child(_ram(parent, tag), UDT, "DateTimeString", value.strftime("%Y%m%d"), format="102")


def _subject_notes(document: InvoiceDocument) -> list[tuple[str, str]]:
    """The mentions as notes (BG-1) with their UNTDID 4451 subject codes, each of the codes the
    French CTC reads (AAB, PMD, PMT, TXD) at most once: PMD late-payment penalties, PMT the
    fixed recovery indemnity, AAB the discount terms, TXD the VAT mentions, REG the others."""
    notes: list[tuple[str, str]] = []
    vat_mentions: list[str] = []
    for mention in document.mentions:
        if "escompte" in mention.lower():
            notes.append(("AAB", mention))
        elif mention.startswith("Pénalités de retard"):
            penalties, found, indemnity = mention.partition("Indemnité forfaitaire")
            notes.append(("PMD", penalties.strip()))
            if found:
                notes.append(("PMT", (found + indemnity).strip()))
        elif _is_vat_mention(mention):
            vat_mentions.append(mention)
        else:
            notes.append(("REG", mention))
    if vat_mentions:
        notes.insert(0, ("TXD", " ; ".join(vat_mentions)))
    if document.corrects_number:
        notes.insert(0, ("AAI", f"Avoir annulant la facture n° {document.corrects_number}"))
    # The French CTC's processing note: a domestic supply between two businesses.
    notes.append(("BAR", "B2B"))
    return notes


def _party(parent: ET.Element, tag: str, party: DocumentParty, *, fiscal_fallback: bool) -> None:
    element = _ram(parent, tag)
    _ram(element, "Name", party.name)
    _ram(_ram(element, "SpecifiedLegalOrganization"), "ID", party.siren, schemeID=SIREN_SCHEME)
    address = _ram(element, "PostalTradeAddress")
    street = ", ".join(part.strip() for part in party.address.splitlines() if part.strip())
    # Optional parts left out when blank: an empty element is an error to some validators.
    for tag_part, value in (
        ("PostcodeCode", party.postal_code),
        ("LineOne", street),
        ("CityName", party.city),
    ):
        if value.strip():
            _ram(address, tag_part, value.strip())
    _ram(address, "CountryID", "FR")
    _ram(
        _ram(element, "URIUniversalCommunication"),
        "URIID",
        party.siren,
        schemeID=SIREN_ADDRESS_SCHEME,
    )
    if party.vat_number:
        _ram(_ram(element, "SpecifiedTaxRegistration"), "ID", party.vat_number, schemeID="VA")
    elif fiscal_fallback:
        # A seller without a VAT number is still identified for tax (BT-32, schemeID FC), as
        # BR-S-02 and BR-E-02 require: in France a company's tax identifier is its SIREN.
        _ram(_ram(element, "SpecifiedTaxRegistration"), "ID", party.siren, schemeID="FC")


def _trade_tax(
    parent: ET.Element, document: InvoiceDocument, *, breakdown: _Figures | None
) -> None:
    """The VAT of a line (breakdown None) or of the invoice (BG-23): standard rate S when VAT is
    due, else E (exempt) with the reason. A franchise en base (CGI art. 293 B) is E, not O:
    the seller is a taxable person within the scope of VAT whose supplies the franchise exempts
    (O, « not subject », is for supplies outside the scope, and BR-O-02 would forbid the
    buyer's VAT number that a business customer has); the EN 16931 code list has
    VATEX-FR-FRANCHISE for it, which BR-E-10 accepts as the reason code."""
    tax = _ram(parent, "ApplicableTradeTax")
    due = _vat_due(document)
    if breakdown is not None:
        _ram(tax, "CalculatedAmount", _amount(breakdown.vat_cents))
    _ram(tax, "TypeCode", "VAT")
    reason, code = _exemption(document)
    if breakdown is not None and not due:
        _ram(tax, "ExemptionReason", reason)
    if breakdown is not None:
        _ram(tax, "BasisAmount", _amount(breakdown.excl_vat_cents))
    _ram(tax, "CategoryCode", "S" if due else "E")
    if breakdown is not None and not due and code is not None:
        _ram(tax, "ExemptionReasonCode", code)
    if breakdown is not None and due:
        # BT-8: VAT due on payment (72, services) or on the invoice's date (5, debits option).
        _ram(tax, "DueDateTypeCode", "5" if document.vat_exigibility == "debits" else "72")
    _ram(tax, "RateApplicablePercent", _rate_decimal(document.vat_rate_basis_points))


def _line_item(
    parent: ET.Element, document: InvoiceDocument, index: int, line: DocumentLine, amount_cents: int
) -> None:
    item = _ram(parent, "IncludedSupplyChainTradeLineItem")
    _ram(_ram(item, "AssociatedDocumentLineDocument"), "LineID", str(index))
    _ram(_ram(item, "SpecifiedTradeProduct"), "Name", line.label)
    # Hours: the quantity and the hourly price are rounded to 4 decimals, the line's amount is
    # the exact one billed (EN 16931 sets no rule quantity × price = line amount, for this).
    if _is_timed(line):
        assert line.minutes is not None
        price = _decimal(_hourly_price(line, amount_cents), PRICE_DECIMALS)
        quantity = _decimal(_hours_quantity_units(line.minutes), QUANTITY_DECIMALS)
        unit = UNIT_HOUR
    else:
        price, quantity, unit = _amount(amount_cents), "1", UNIT_ONE
    agreement = _ram(item, "SpecifiedLineTradeAgreement")
    _ram(_ram(agreement, "NetPriceProductTradePrice"), "ChargeAmount", price)
    _ram(_ram(item, "SpecifiedLineTradeDelivery"), "BilledQuantity", quantity, unitCode=unit)
    settlement = _ram(item, "SpecifiedLineTradeSettlement")
    _trade_tax(settlement, document, breakdown=None)
    summation = _ram(settlement, "SpecifiedTradeSettlementLineMonetarySummation")
    _ram(summation, "LineTotalAmount", _amount(amount_cents))


def invoice_xml(document: InvoiceDocument) -> bytes:
    """The invoice as UN/CEFACT CII XML of the Factur-X EN 16931 profile (UTF-8)."""
    figures = _figures(document)
    root = ET.Element(f"{{{RSM}}}CrossIndustryInvoice")
    context = _child(root, RSM, "ExchangedDocumentContext")
    _ram(_ram(context, "BusinessProcessSpecifiedDocumentContextParameter"), "ID", BUSINESS_PROCESS)
    _ram(_ram(context, "GuidelineSpecifiedDocumentContextParameter"), "ID", GUIDELINE_EN16931)

    header = _child(root, RSM, "ExchangedDocument")
    _ram(header, "ID", document.number)
    _ram(header, "TypeCode", TYPE_CREDIT_NOTE if is_credit_note(document) else TYPE_INVOICE)
    _day(header, "IssueDateTime", document.issued_on)
    for subject, text in _subject_notes(document):
        note = _ram(header, "IncludedNote")
        _ram(note, "Content", text)
        _ram(note, "SubjectCode", subject)

    transaction = _child(root, RSM, "SupplyChainTradeTransaction")
    for index, (line, amount) in enumerate(
        zip(document.lines, figures.line_cents, strict=True), start=1
    ):
        _line_item(transaction, document, index, line, amount)

    agreement = _ram(transaction, "ApplicableHeaderTradeAgreement")
    _party(agreement, "SellerTradeParty", document.issuer, fiscal_fallback=True)
    _party(agreement, "BuyerTradeParty", document.customer, fiscal_fallback=False)
    delivery = _ram(transaction, "ApplicableHeaderTradeDelivery")
    # BT-72: the service is rendered through the last day of the period it bills.
    _day(
        _ram(delivery, "ActualDeliverySupplyChainEvent"), "OccurrenceDateTime", document.period_end
    )

    settlement = _ram(transaction, "ApplicableHeaderTradeSettlement")
    _ram(settlement, "InvoiceCurrencyCode", "EUR")
    _trade_tax(settlement, document, breakdown=figures)
    period = _ram(settlement, "BillingSpecifiedPeriod")
    _day(period, "StartDateTime", document.period_start)
    _day(period, "EndDateTime", document.period_end)
    terms = _ram(settlement, "SpecifiedTradePaymentTerms")
    _ram(terms, "Description", _payment_terms(document, figures))
    _day(terms, "DueDateDateTime", document.due_on)
    summation = _ram(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")
    _ram(summation, "LineTotalAmount", _amount(sum(figures.line_cents)))
    _ram(summation, "TaxBasisTotalAmount", _amount(figures.excl_vat_cents))
    _ram(summation, "TaxTotalAmount", _amount(figures.vat_cents), currencyID="EUR")
    _ram(summation, "GrandTotalAmount", _amount(figures.total_cents))
    _ram(summation, "TotalPrepaidAmount", _amount(figures.prepaid_cents))
    _ram(summation, "DuePayableAmount", _amount(figures.due_cents))
    if document.corrects_number:
        referenced = _ram(settlement, "InvoiceReferencedDocument")
        _ram(referenced, "IssuerAssignedID", document.corrects_number)
        if document.corrects_issued_on:
            issued = _ram(referenced, "FormattedIssueDateTime")
            _child(
                issued,
                QDT,
                "DateTimeString",
                document.corrects_issued_on.strftime("%Y%m%d"),
                format="102",
            )

    ET.indent(root)
    xml: bytes = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    return xml


def _payment_terms(document: InvoiceDocument, figures: _Figures) -> str:
    """BT-20: when and how much, the set-off already applied included."""
    verb = "À rembourser" if is_credit_note(document) else "À payer"
    terms = f"{verb} au plus tard le {date_fr(document.due_on)}"
    if figures.prepaid_cents > 0:
        when = f" le {date_fr(document.set_off_on)}" if document.set_off_on else ""
        terms += (
            f" ; déjà réglé par compensation{when} : {euros(figures.prepaid_cents)}, "
            f"reste dû : {euros(figures.due_cents)}"
        )
    return terms + "."


# ---- The Factur-X PDF ------------------------------------------------------------------------


def page_pdf_a3(page: str) -> bytes:
    """An HTML page as PDF/A-3b (the container Factur-X requires), fetching no URL."""
    import weasyprint

    # Fixed font-subset dates, as in contracts.render: the same page gives the same bytes.
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    with warnings.catch_warnings():
        # WeasyPrint opens its sRGB profile for the PDF/A output intent and never closes it.
        warnings.filterwarnings("ignore", r"unclosed file .*sRGB2014\.icc", ResourceWarning)
        pdf: bytes = weasyprint.HTML(
            string=page, url_fetcher=refusing_fetcher(stop_rendering=True)
        ).write_pdf(pdf_variant="pdf/a-3b")
    return pdf


def check_xml(document: InvoiceDocument, xml: bytes) -> None:
    """Raise InvoiceNotFacturX unless `xml` passes the Factur-X EN 16931 schema (XSD)."""
    try:
        facturx.xml_check_xsd(xml, flavor=FACTURX_FLAVOR, level=FACTURX_LEVEL)
    except Exception as exc:  # The library raises a bare Exception with the schema's words.
        raise InvoiceNotFacturX(document.number, str(exc)[:500]) from exc


def invoice_pdf(document: InvoiceDocument) -> bytes:
    """The invoice as a Factur-X EN 16931 PDF/A-3: the printable page with its XML inside."""
    xml = invoice_xml(document)
    check_xml(document, xml)
    kind = "Avoir" if is_credit_note(document) else "Facture"
    pdf: bytes = facturx.generate_from_binary(
        page_pdf_a3(invoice_html(document)),
        xml,
        flavor=FACTURX_FLAVOR,
        level=FACTURX_LEVEL,
        check_xsd=True,
        pdf_metadata={
            "author": document.issuer.name,
            "keywords": "Factur-X, EN 16931, " + kind,
            "title": f"{kind} {document.number}",
            "subject": (
                f"{kind} {document.number} du {date_fr(document.issued_on)} émise par "
                f"{document.issuer.name} pour {document.customer.name}"
            ),
        },
        lang="fr-FR",
    )
    return pdf
