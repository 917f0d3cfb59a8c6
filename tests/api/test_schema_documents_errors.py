"""The OpenAPI schema says every status each operation answers, the error body, and path formats."""

import re

import pytest

from accounts.languages import LANGUAGE_CODES

pytestmark = pytest.mark.django_db

EXPECTED = {
    ("post", "/api/v1/reports/"): {"201", "400", "401", "403", "406", "411", "413", "415", "429"},
    ("get", "/api/v1/reports/"): {"200", "400", "401", "406"},
    ("get", "/api/v1/reports/{reference}/"): {"200", "401", "404", "406"},
    ("post", "/api/v1/content/"): {"200", "201", "400", "401", "403", "406", "411", "413", "415"},
    ("post", "/api/v1/appeals/"): {"201", "400", "401", "403", "406", "411", "413", "415"},
    ("get", "/api/v1/appeals/"): {"200", "400", "401", "403", "406"},
    ("get", "/api/v1/appeals/{reference}/"): {"200", "401", "404", "406"},
    ("get", "/api/v1/members/{public_id}/"): {"200", "401", "404", "406"},
    ("patch", "/api/v1/members/{public_id}/"): {"200", "400", "401", "404", "406", "415"},
}


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema: dict):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield (method, path), operation


def test_every_operation_documents_every_status_it_answers(schema):
    documented = {key: set(op["responses"]) for key, op in operations(schema)}

    assert documented == EXPECTED


def test_errors_are_documented_with_the_error_body(schema):
    components = schema["components"]["schemas"]
    assert set(components["Error"]["required"]) == {"detail", "code"}
    assert "additionalProperties" in components["FieldErrors"]
    assert {choice["$ref"] for choice in components["BadRequest"]["oneOf"]} == {
        "#/components/schemas/Error",
        "#/components/schemas/FieldErrors",
    }
    for (method, path), operation in operations(schema):
        for status, response in operation["responses"].items():
            if status.startswith("2"):
                continue
            body = response["content"]["application/json"]["schema"]
            if status == "400" and method in ("post", "patch"):
                assert body == {"$ref": "#/components/schemas/BadRequest"}, (method, path)
            else:
                assert body == {"$ref": "#/components/schemas/Error"}, (method, path, status)


def test_retry_after_and_www_authenticate_are_documented(schema):
    create = schema["paths"]["/api/v1/reports/"]["post"]["responses"]

    assert create["429"]["headers"]["Retry-After"]["required"] is True
    assert create["401"]["headers"]["WWW-Authenticate"]


def test_path_and_body_formats_are_described(schema):
    reference = next(
        p
        for p in schema["paths"]["/api/v1/reports/{reference}/"]["get"]["parameters"]
        if p["name"] == "reference"
    )
    request = schema["components"]["schemas"]["ReportCreateRequest"]["properties"]
    snapshot = schema["components"]["schemas"]["ContentRequest"]["properties"]

    assert re.fullmatch(reference["schema"]["pattern"].strip("^$"), "R-7KQ2-M9XD")
    assert request["member"]["pattern"]
    assert request["category"]["pattern"]
    assert snapshot["author"]["pattern"]
    languages = schema["components"]["schemas"]["LanguageEnum"]["enum"]
    assert sorted(languages) == sorted(LANGUAGE_CODES)
    assert {"$ref": "#/components/schemas/LanguageEnum"} in snapshot["language"]["oneOf"]
