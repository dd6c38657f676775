"""The contract templates: each renders from its sample data to Markdown, HTML and PDF; every
mandatory clause is in the text (and in the text read back from the PDF); missing or wrongly
typed variables give the complete list of problems; the same data gives the same hash and the
same bytes."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from contracts.catalogue import LICENCE_OUVERTE, TEMPLATES, TemplateDataError, check_data
from contracts.render import euros, render_html, render_markdown, render_pdf

SAMPLES = Path(__file__).resolve().parents[3] / "contracts" / "samples"
IDS = sorted(TEMPLATES)


def sample(template_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLES / f"{template_id}.json").read_text("utf-8"))
    return data


def flat(text: str) -> str:
    """Whitespace and line breaks folded, as text read back from a PDF has them anywhere."""
    return re.sub(r"\s+", " ", text.replace("\u202f", " ")).strip()


@pytest.mark.parametrize("template_id", IDS)
def test_every_mandatory_clause_is_in_the_text_and_in_the_pdf(template_id: str) -> None:
    spec = TEMPLATES[template_id]
    document = render_markdown(template_id, sample(template_id))
    pdf = render_pdf(document)
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    pdf_text = flat(" ".join(page.extract_text() for page in reader.pages))
    html = render_html(document)
    for clause in spec.clauses:
        assert clause.phrase in document.markdown, (clause.id, "markdown")
        assert flat(clause.phrase) in pdf_text, (clause.id, "pdf")
        assert clause.legal_basis
    # Identification in every page's footer: template id, version, licence, document hash.
    assert spec.licence == LICENCE_OUVERTE
    assert spec.id in pdf_text and f"v{spec.version}" in pdf_text
    assert document.sha256 in pdf_text.replace(" ", "")
    assert f"Page 1 / {len(reader.pages)}" in pdf_text
    assert document.sha256 in html and "<script" not in html


@pytest.mark.parametrize("template_id", IDS)
def test_the_same_data_gives_the_same_hash_and_the_same_bytes(template_id: str) -> None:
    first, second = (render_markdown(template_id, sample(template_id)) for _ in range(2))
    assert first.sha256 == second.sha256
    assert render_pdf(first) == render_pdf(second)
    changed = sample(template_id)
    changed["signed_at_place"] = "Autre lieu"
    assert render_markdown(template_id, changed).sha256 != first.sha256


def test_missing_and_wrong_variables_are_all_listed_never_blank() -> None:
    data = sample("convention-mise-a-disposition")
    del data["tasks"]
    del data["host"]["siren"]
    data["planned_hours"] = "quarante"
    data["start"] = "11/01/2027"
    data["remote"] = "oui"
    data["surprise"] = 1
    with pytest.raises(TemplateDataError) as caught:
        render_markdown("convention-mise-a-disposition", data)
    assert sorted(p.variable for p in caught.value.problems) == [
        "host.siren",
        "planned_hours",
        "remote",
        "start",
        "surprise",
        "tasks",
    ]
    assert all(p.message_fr and p.message_en for p in caught.value.problems)


def test_user_text_never_becomes_markup() -> None:
    data = sample("charte-bourse-de-temps")
    data["company"]["name"] = "<script>alert(1)</script> & Cie"
    html = render_html(render_markdown("charte-bourse-de-temps", data))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_every_sample_fits_its_template_and_money_is_french() -> None:
    for template_id in IDS:
        assert check_data(template_id, sample(template_id)) == []
    assert euros(123456) == "1\u202f234,56\u202f€"
    assert euros(5) == "0,05\u202f€"
