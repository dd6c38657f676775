"""What users type is plain text in a contract (issue 21, point 1): whatever the value, the
signed Markdown read by a CommonMark reader and the page built from it show the value as typed
(on one line) and no markup of its own: no link, image, HTML, heading, list, quote, code or
table row. Checked where a value sits mid-line, opens a line, and fills a table cell."""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any, Final

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from contracts.render import page_html, render_html, render_markdown
from contracts.statements import StatementLine, amortisation_markdown

SAMPLES = Path(__file__).resolve().parents[3] / "contracts" / "samples"
TEMPLATE = "convention-mise-a-disposition"
COMMONMARK = MarkdownIt("commonmark").enable("table")  # Raw HTML allowed, as CommonMark says.
ELEMENTS = re.compile(
    r"<(a|img|script|style|iframe|h[1-6]|li|blockquote|pre|code|hr|tr|td|em|strong)\b"
)
# Markdown's and HTML's punctuation, line breaks, indentation, entities, and plain letters.
PIECES: Final = [
    *"\\`*_[]()<>!#+-=.|&;:/\"'~{}^$@%? \t\n\r",
    *("1.", "1)", "    ", "&lt;", "&#x41;", "&amp;", "javascript:", "http://x/", "a", "é"),
]
TYPED = st.lists(st.sampled_from(PIECES), min_size=1, max_size=40).map("".join)


def sample() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLES / f"{TEMPLATE}.json").read_text("utf-8"))
    return data


def with_value(value: str) -> dict[str, Any]:
    """The value mid-line (the tasks), opening a line (the host's name) and in a table cell (the
    host's representative, in the signatures' table)."""
    data = sample()
    data["tasks"] = value
    data["host"] = dict(data["host"], name=value, representative=value)
    return data


def one_line(typed: str) -> str:
    return re.sub(r"[ \t]*[\r\n]+[ \t]*|\t", " ", typed).strip()


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def paragraphs(page: str) -> list[str]:
    return [text_of(found) for found in re.findall(r"<p>(.*?)</p>", page, re.DOTALL)]


REFERENCE_MARKDOWN = render_markdown(TEMPLATE, with_value("X")).markdown
REFERENCE = {
    "commonmark": Counter(ELEMENTS.findall(COMMONMARK.render(REFERENCE_MARKDOWN))),
    "page": Counter(ELEMENTS.findall(render_html(render_markdown(TEMPLATE, with_value("X"))))),
}


@settings(max_examples=80, deadline=None)
@given(TYPED)
def test_a_typed_value_is_text_in_the_signed_markdown_and_in_the_page(typed: str) -> None:
    value = "x" + typed  # Never blank: the catalogue refuses an empty value.
    document = render_markdown(TEMPLATE, with_value(value))
    expected = one_line(value)
    for reader, page in (
        ("commonmark", COMMONMARK.render(document.markdown)),
        ("page", render_html(document)),
    ):
        assert Counter(ELEMENTS.findall(page)) == REFERENCE[reader], (reader, page)
        shown = paragraphs(page)
        assert f"Missions confiées : {expected}" in shown, (reader, shown)
        assert any(p.startswith(f"{expected}, SIREN ") for p in shown), (reader, shown)
        signers = re.findall(r"<td>(.*?)</td>", page, re.DOTALL)
        assert text_of(signers[-1]) == expected, (reader, signers)


def test_the_signed_text_reads_as_typed_with_ampersands_and_no_html_entities() -> None:
    value = "R&D & <b>tests</b> &lt;ok&gt; [lien](javascript:alert(1)) ![](http://10.0.0.1/)"
    document = render_markdown(TEMPLATE, with_value(value))
    line = next(t for t in document.markdown.splitlines() if t.startswith("Missions confiées"))
    assert line == (
        "Missions confiées : R&D & \\<b>tests\\</b> \\&lt;ok\\&gt; \\[lien\\](javascript:alert(1)) "
        "!\\[\\](http://10.0.0.1/)"
    )


def test_control_characters_are_dropped() -> None:
    document = render_markdown(TEMPLATE, with_value("a\x02wzxhzdk:0\x03b\x00c"))
    assert "awzxhzdk:0bc" in document.markdown and "\x02" not in document.markdown


def test_the_amortisation_statement_shows_typed_labels_and_names_as_text() -> None:
    typed = "# [x](javascript:alert(1)) | <b>gras</b>\n- *liste*"
    line = StatementLine("law", typed, "2051", 100_000, date(2026, 1, 5), 360, 1, 2, 3, 0)
    text = amortisation_markdown(
        company_name=typed,
        siren="123456789",
        year_start=date(2026, 1, 1),
        year_end=date(2026, 12, 31),
        lines=[line],
        life_years=1,
        day_count="30/360",
        suramortissement_percent="0 %",
    )
    expected = one_line(typed)
    for page in (COMMONMARK.render(text), page_html("Relevé", text, "pied")):
        assert not re.search(r"<(a|b|li|em|script)\b", page), page
        assert page.count("<h1>") == 1  # The statement's title only.
        assert any(p.startswith(f"{expected}, SIREN ") for p in paragraphs(page)), page
        cells = re.findall(r"<td>(.*?)</td>", page, re.DOTALL)
        assert text_of(cells[0]) == expected and len(cells) == 2 * 8, cells
