"""Section 3: open data — the register as CSV and JSON with stable field names, streamed from the
database in chunks rather than loaded whole."""

import csv
import io
import json
from datetime import date

import pytest
from django.db.models.query import QuerySet
from django.urls import reverse

from accounts.models import InstitutionType
from bases.models import BaseStatus
from tests import factories
from tests.helpers import assert_constant_queries, visible_text

from .conftest import published_base

pytestmark = pytest.mark.django_db

CSV_URL = reverse("public:open_data_csv")
JSON_URL = reverse("public:open_data_json")
FIELDS = [
    "register_number",
    "name",
    "institution_name",
    "credit_code",
    "region",
    "institution_type",
    "fields",
    "recognised_on",
    "batch",
    "status",
    "address",
    "phone",
    "website",
    "merged_into",
]


def body(response) -> bytes:
    assert response.streaming, "open data must stream, not build the whole file in memory"
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[dict]:
    raw = body(response).decode("utf-8")
    assert raw.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(raw[1:])))


def json_data(response) -> dict:
    return json.loads(body(response).decode("utf-8"))


@pytest.fixture
def register():
    batch = factories.BatchFactory(name="2024年第一批")
    return {
        "fuzhou": published_base(
            application__batch=batch,
            year=2024,
            sequence=1,
            register_number="闽继教基地〔2024〕001号",
            name="福州鼓山职业培训学院",
            recognised_on=date(2024, 7, 1),
            institution_type=InstitutionType.TRAINING,
            fields="工程技术",
            address="福州市鼓楼区学府路1号",
            phone="0591-87654321",
            website="https://gushan.example.cn",
        ),
        "xiamen": published_base(
            application__batch=batch,
            year=2024,
            sequence=2,
            name="厦门海沧继续教育中心",
            region=factories.region("350200"),
            institution_type=InstitutionType.UNIVERSITY,
            status=BaseStatus.RECTIFYING,
        ),
        "revoked": published_base(application__batch=batch, year=2024, sequence=3, status=BaseStatus.REVOKED),
        "hidden": factories.BaseFactory(year=2024, sequence=4, published_at=None),
    }


# -- CSV ----------------------------------------------------------------------------------------------


def test_csv_starts_with_a_utf8_bom_and_the_documented_header(visitor, register):
    response = visitor.get(CSV_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    raw = body(response)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw[3:].decode().splitlines()[0] == ",".join(FIELDS)


def test_csv_rows_are_the_published_bases_in_the_register(visitor, register):
    rows = csv_rows(visitor.get(CSV_URL))

    assert [r["register_number"] for r in rows] == [
        register["fuzhou"].register_number,
        register["xiamen"].register_number,
    ]
    fuzhou = rows[0]
    base = register["fuzhou"]
    assert fuzhou == {
        "register_number": "闽继教基地〔2024〕001号",
        "name": "福州鼓山职业培训学院",
        "institution_name": base.institution.name,
        "credit_code": base.institution.credit_code,
        "region": "福州市",
        "institution_type": "教育培训机构",
        "fields": "工程技术",
        "recognised_on": "2024-07-01",
        "batch": "2024年第一批",
        "status": "正常",
        "address": "福州市鼓楼区学府路1号",
        "phone": "0591-87654321",
        "website": "https://gushan.example.cn",
        "merged_into": "",
    }
    assert rows[1]["status"] == "整改中"


def test_csv_never_contains_unpublished_bases(visitor, register):
    raw = body(visitor.get(CSV_URL, {"status": "all"})).decode()

    assert register["hidden"].register_number not in raw
    assert register["revoked"].register_number in raw


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "REGION_XIAMEN"}, ["xiamen"]),
        ({"institution_type": InstitutionType.UNIVERSITY}, ["xiamen"]),
        ({"q": "鼓山"}, ["fuzhou"]),
        ({"status": BaseStatus.REVOKED}, ["revoked"]),
        ({"status": "all"}, ["fuzhou", "xiamen", "revoked"]),
    ],
)
def test_csv_applies_the_register_filters_of_the_query_string(visitor, register, params, expected):
    params = {k: (factories.region("350200").pk if v == "REGION_XIAMEN" else v) for k, v in params.items()}

    rows = csv_rows(visitor.get(CSV_URL, params))

    assert [r["register_number"] for r in rows] == [register[k].register_number for k in expected]


def test_csv_is_sorted_like_the_register_page(visitor, register):
    params = {"sort": "name", "status": "all"}
    page = visitor.get(reverse("public:register"), params)

    rows = csv_rows(visitor.get(CSV_URL, params))

    assert [r["name"] for r in rows] == [b["name"] for b in page.context["page_obj"]]  # the page's rows are values


def test_csv_filtered_by_year_exports_only_that_years_bases(visitor, register):
    published_base(year=2025, sequence=1)

    rows = csv_rows(visitor.get(CSV_URL, {"year": 2025}))

    assert len(rows) == 1


def test_csv_link_from_a_register_page_filtered_by_year_and_city_exports_that_selection(visitor, register):
    xiamen = factories.region("350200")
    page = visitor.get(reverse("public:register"), {"year": 2024, "region": xiamen.pk}).content.decode()
    assert f"/public/open-data/bases.csv?year=2024&amp;region={xiamen.pk}" in page

    rows = csv_rows(visitor.get(CSV_URL, {"year": 2024, "region": xiamen.pk}))

    assert [r["name"] for r in rows] == ["厦门海沧继续教育中心"]


# -- JSON ---------------------------------------------------------------------------------------------


def test_json_has_the_field_names_and_the_published_bases(visitor, register):
    response = visitor.get(JSON_URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = json_data(response)
    assert data["fields"] == FIELDS
    assert [b["register_number"] for b in data["bases"]] == [
        register["fuzhou"].register_number,
        register["xiamen"].register_number,
    ]
    assert set(data["bases"][0]) == set(FIELDS)
    assert data["bases"][0]["name"] == "福州鼓山职业培训学院"
    assert data["bases"][0]["recognised_on"] == "2024-07-01"


def test_json_applies_filters_and_is_valid_when_empty(visitor, register):
    assert [b["name"] for b in json_data(visitor.get(JSON_URL, {"q": "海沧"}))["bases"]] == ["厦门海沧继续教育中心"]
    assert json_data(visitor.get(JSON_URL, {"q": "没有这个基地"})) == {"fields": FIELDS, "bases": []}


# -- streamed, never loaded whole ------------------------------------------------------------------------


@pytest.fixture
def iterator_calls(monkeypatch):
    """Records each QuerySet.iterator() call's chunk size, still running the real iterator."""
    calls = []
    real = QuerySet.iterator

    def spy(self, chunk_size=None):
        calls.append(chunk_size)
        return real(self, chunk_size=chunk_size)

    monkeypatch.setattr(QuerySet, "iterator", spy)
    return calls


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
def test_open_data_reads_the_register_through_a_chunked_iterator(visitor, register, iterator_calls, url):
    response = visitor.get(url)
    assert iterator_calls == []  # nothing read before the response starts streaming

    body(response)

    assert len(iterator_calls) == 1 and iterator_calls[0] and iterator_calls[0] <= 5000


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
def test_open_data_runs_the_same_queries_for_10_and_100_bases(visitor, url):
    batch = factories.BatchFactory()

    def publish(sequences):
        for seq in sequences:
            published_base(application__batch=batch, year=2025, sequence=seq)

    publish(range(1, 11))
    large = assert_constant_queries(
        lambda: body(visitor.get(url, {"status": "all"})),  # a streamed response queries while it is read
        lambda: publish(range(11, 101)),
    )

    assert large.count("闽继教基地".encode()) == 100


def test_open_data_page_documents_every_field(visitor):
    text = visible_text(visitor.get(reverse("public:open_data")))

    for key in FIELDS:
        assert key in text
    assert "UTF-8" in text
