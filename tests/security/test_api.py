"""OWASP A01/A05 for the JSON API (api/v1.py), which the URL book leaves out (its callers hold a bearer token,
not a session): every operation answers 401 in JSON without a token, takes no signed-in session for one (so a
cross-site form, which cannot set the Authorization header, can do nothing: CSRF does not apply), answers 404
for another base's record, writes nothing when refused, and carries the browser protections. A new operation
fails `test_every_api_operation_is_swept` until it has a row here."""

import json

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from api import services
from tests import factories

from .helpers import writes
from .test_headers import check_protections

pytestmark = pytest.mark.django_db

# operation (its URL name in api_v1) → method, path (with {record_id} of the other base's class), body
OPERATIONS = {
    "push_classes": ("post", "/api/v1/classes", {"items": []}),
    "get_class": ("get", "/api/v1/classes/{record_id}", None),
    "push_participants": ("post", "/api/v1/classes/{record_id}/participants", {"items": []}),
    "list_participants": ("get", "/api/v1/classes/{record_id}/participants", None),
    "learning_record": ("post", "/api/v1/learning-records/query", {"id_number": factories.id_number(1)}),
    "results": ("get", "/api/v1/results", None),
}
# Not operations: the schema, its docs page and ninja's root, readable by anyone (they hold no records).
DOCUMENTS = {"openapi-json", "openapi-view", "api-root"}


def api_url_names() -> set[str]:
    names = set()
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "api_v1":
            names |= {p.name for p in entry.url_patterns if isinstance(p, URLPattern)}
    return names


def call(client: Client, name: str, record_id: str = "R-1", **headers):
    method, path, body = OPERATIONS[name]
    url = path.format(record_id=record_id)
    if method == "get":
        return client.get(url, headers=headers)
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def test_every_api_operation_is_swept():
    assert api_url_names() == set(OPERATIONS) | DOCUMENTS


@pytest.mark.parametrize("name", OPERATIONS)
def test_without_a_token_every_operation_answers_401_json_with_the_protections(name):
    response = call(Client(), name, Authorization="Basic dXNlcjpwYXNz")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "令牌" in response.json()["detail"]
    assert check_protections(name, response) == []


@pytest.mark.parametrize("name", OPERATIONS)
def test_a_signed_in_session_is_not_a_token_and_writes_nothing(client_as, province_user, name):
    training_class = factories.TrainingClassFactory(record_id="R-1")
    keeper = factories.InstitutionUserFactory(institution=training_class.base.institution)
    for user in (keeper, province_user):
        client = client_as(user, enforce_csrf_checks=True)
        with writes() as done:
            response = call(client, name)
        assert response.status_code == 401, user
        assert not done.tables - {"django_session"}


@pytest.mark.parametrize("name", ["get_class", "push_participants", "list_participants"])
def test_another_bases_record_answers_404_and_changes_nothing(name):
    theirs = factories.TrainingClassFactory(record_id="R-1", title="他方培训班")
    factories.ParticipantFactory(training_class=theirs, name="他方学员")
    base = factories.BaseFactory()
    keeper = factories.InstitutionUserFactory(institution=base.institution)
    secret = services.create_token(actor=keeper, base_id=base.pk, name="本方系统")[1]
    with writes() as done:
        response = call(Client(), name, record_id="R-1", Authorization=f"Bearer {secret}")
    assert response.status_code == 404
    assert "他方" not in response.content.decode()
    assert done.tables <= {"api_apitoken"}  # its last use, nothing of the records


def test_the_docs_page_and_the_schema_carry_the_protections(client):
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and check_protections("docs", docs) == []
    schema = client.get("/api/openapi.json")
    assert schema["Content-Type"].startswith("application/json") and check_protections("schema", schema) == []
