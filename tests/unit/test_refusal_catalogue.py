"""The catalogue of refusals: each defined once in a catalogue module and raised by name, its
published page current, every entry well formed."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from timebank.errors import Conflict, InvalidInput, NotFound, Refusal
from web.catalogue import PAGE, catalogue, markdown, refusal_modules

ROOT = Path(__file__).resolve().parents[2]
KINDS = {
    "TimebankError",
    "InvalidInput",
    "Conflict",
    "Forbidden",
    "NotFound",
    "NotAuthenticated",
    "ServiceUnavailable",
    "TooManyAttempts",
}


def test_the_published_page_is_the_catalogue() -> None:
    assert PAGE.read_text(encoding="utf-8") == markdown(catalogue()), (
        "docs/refusals.md is out of date: run python -m web.catalogue"
    )


def test_no_refusal_is_written_out_outside_a_catalogue() -> None:
    written = []
    for package in ("timebank", "web", "ledger", "matching", "contracts"):
        for path in (ROOT / package).rglob("*.py"):
            if path.name in ("refusals.py", "errors.py"):
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in KINDS
                ):
                    written.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.func.id}")
    assert written == []


def test_every_area_with_refusals_has_its_catalogue_listed() -> None:
    modules = refusal_modules()
    assert modules[0] == "timebank.refusals" and modules[-1] == "web.refusals"
    for path in (ROOT / "timebank").glob("*/refusals.py"):
        assert f"timebank.{path.parent.name}.refusals" in modules


@pytest.mark.parametrize("item", catalogue(), ids=lambda item: f"{item.area}.{item.name}")
def test_each_refusal_is_well_formed(item: object) -> None:
    from web.catalogue import Listed

    assert isinstance(item, Listed)
    refusal = item.refusal
    assert re.fullmatch(r"[a-z][a-z0-9_]*", refusal.code)
    assert refusal.fr.strip() and refusal.en.strip() and refusal.fr != refusal.en
    assert item.status in (401, 403, 404, 409, 422, 429, 503)
    if refusal.field is not None:
        assert re.fullmatch(r"[a-z_][a-z0-9_.\[\]]*", refusal.field)
    for template in (refusal.fr, refusal.en):
        list(string.Formatter().parse(template))  # Raises on an unbalanced brace.


def test_a_refusal_fills_its_messages_and_names_its_field() -> None:
    refusal = Refusal(
        "hours_beyond_day",
        InvalidInput,
        fr="Plus de {hours} h déclarées le {day}.",
        en="More than {hours} h logged on {day}.",
        field="duration_minutes",
    )
    error = refusal.error(hours=10, day="23/11/2026")
    assert isinstance(error, InvalidInput)
    assert (error.code, error.field) == ("hours_beyond_day", "duration_minutes")
    assert error.message_fr == "Plus de 10 h déclarées le 23/11/2026."
    assert error.message_en == "More than 10 h logged on 23/11/2026."
    assert refusal.error(hours=1, day="x", field="rows[2].minutes").field == "rows[2].minutes"
    assert refusal.error(hours=1, day="x", field=None).field is None


def test_a_shared_refusal_is_listed_once_and_areas_alias_it() -> None:
    from timebank.engagements import refusals as engagements
    from timebank.needs import refusals as needs

    assert engagements.COMPANY_NOT_FOUND is needs.COMPANY_NOT_FOUND
    listed = [item for item in catalogue() if item.refusal is needs.COMPANY_NOT_FOUND]
    assert [(item.area, item.name) for item in listed] == [("shared", "COMPANY_NOT_FOUND")]
    assert isinstance(needs.COMPANY_NOT_FOUND.error(id=3), NotFound)


def test_the_ledgers_refusals_keep_their_codes() -> None:
    from ledger.model import TransferResult
    from timebank.engagements.refusals import LEDGER_REFUSED

    error = LEDGER_REFUSED[TransferResult.EXCEEDS_CREDIT_LIMIT].error()
    assert isinstance(error, Conflict) and error.code == "ledger_exceeds_credit_limit"
    assert TransferResult.CREATED not in LEDGER_REFUSED


def test_each_operations_codes_are_current_and_in_its_openapi_responses() -> None:
    from web.app import create_app
    from web.catalogue import CODES_FILE, codes_by_operation, codes_json

    app = create_app(manage_database=False)
    codes = codes_by_operation(app)
    assert CODES_FILE.read_text(encoding="utf-8") == codes_json(codes), (
        "web/refusal_codes.json is out of date: run python -m web.catalogue"
    )
    approve = codes["web.controllers.exchanges.TimesheetController.approve"]
    # Named by the use case, by the model it calls, by the repository, by the middleware.
    assert "self_approval" in approve["403"] and "csrf_failed" in approve["403"]
    assert "already_reviewed" in approve["409"]
    assert "not_authenticated" in approve["401"]
    schema = app.openapi_schema.to_schema()
    operations = [
        operation
        for path, item in schema["paths"].items()
        if "/timesheets" in path
        for method, operation in item.items()
        if method == "post" and operation.get("operationId", "").lower().endswith("approve")
    ]
    assert operations, "the approve operation is in the schema"
    responses = operations[0]["responses"]
    assert "`self_approval`" in responses["403"]["description"]
    assert "`already_reviewed`" in responses["409"]["description"]
    body = responses["409"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/RefusalBody"}
    assert schema["components"]["schemas"]["RefusalBody"]["required"] == [
        "code",
        "field",
        "message",
        "message_en",
    ]
