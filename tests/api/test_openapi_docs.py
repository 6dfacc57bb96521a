"""The OpenAPI document, read as a client reads it: every operation summarised and described in
French, and each `theme` filter documented with its own values."""

from __future__ import annotations

import pytest

from quartiers.contracts.choices import Theme as ContractThemeChoices
from quartiers.programmes.choices import Theme as ProgrammeThemeChoices

pytestmark = pytest.mark.django_db


@pytest.fixture
def openapi(client) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(openapi: dict):
    for path, methods in openapi["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def _ninja_default_summary(operation_id: str) -> str:
    """What django-ninja writes without a summary: the English function name, title-cased
    (operationId `quartiers_api_georef_georef_point` → « Georef Point »)."""
    return operation_id.split("_", 3)[3].replace("_", " ").title()


def test_every_operation_has_a_french_summary_and_description(openapi):
    operations = dict(_operations(openapi))
    assert len(operations) >= 29
    for name, operation in operations.items():
        summary = operation.get("summary", "")
        assert summary, name
        assert summary != _ninja_default_summary(operation["operationId"]), name
        assert operation.get("description"), name
    summaries = {operation["summary"] for operation in operations.values()}
    assert "Le quartier prioritaire d'une adresse" in summaries
    assert "Liste des contrats de ville" in summaries


def _parameter_schema(openapi: dict, path: str, name: str) -> dict:
    parameter = next(p for p in openapi["paths"][path]["get"]["parameters"] if p["name"] == name)
    schema = parameter["schema"]
    if "anyOf" in schema:
        schema = next(s for s in schema["anyOf"] if s.get("type") != "null")
    if "$ref" in schema:
        schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_contract_and_programme_themes_are_two_schemas_with_their_own_values(openapi):
    contract_values = {choice.value for choice in ContractThemeChoices}
    programme_values = {choice.value for choice in ProgrammeThemeChoices}
    assert contract_values != programme_values
    assert set(_parameter_schema(openapi, "/api/contrats", "theme")["enum"]) == contract_values
    assert set(_parameter_schema(openapi, "/api/actions", "theme")["enum"]) == contract_values
    assert set(_parameter_schema(openapi, "/api/mesures", "theme")["enum"]) == programme_values
    schemas = openapi["components"]["schemas"]
    assert "Theme" not in schemas
    assert set(schemas["ContractTheme"]["enum"]) == contract_values
    assert set(schemas["ProgrammeTheme"]["enum"]) == programme_values


def test_a_contract_theme_filter_still_filters(client):
    assert client.get("/api/contrats", {"theme": "cadre_de_vie"}).status_code == 200
    assert client.get("/api/contrats", {"theme": "transition_ecologique"}).status_code == 422
    assert client.get("/api/mesures", {"theme": "transition_ecologique"}).status_code == 200
