import pytest
from openapi_spec_validator import validate


@pytest.mark.django_db
def test_the_api_schema_is_valid_openapi(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["info"]["title"] == "Shequ API"
    assert "/api/v1/auth/otp/login" in schema["paths"]


@pytest.mark.django_db
def test_the_interactive_docs_are_served(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assert b"openapi.json" in response.content
