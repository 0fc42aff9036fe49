"""The permission matrix: every URL × every role (own vs other) → the status the user gets (SPEC 1).

The table is data, keyed on the entries of the URL book (tests/urlbook.py), which says how to fill in each
URL's arguments and what a successful POST sends. A URL missing from the book, or a book entry (or variant)
without a row here, fails `test_every_url_has_a_row_in_the_matrix`. Out of scope answers 404 (never 403),
anonymous users are sent to the login page, and a POST that is out of scope changes nothing.

Roles: an institution and its own records vs another institution; the recommender of the unit the
application is routed to (福州市) vs the recommender of another unit (厦门市); the province; an
inspector (who has no business with applications or bases); an expert of the pool (Art. 26), who sees only
its own seats on panels.
"""

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.access.world import ROLES
from tests.helpers import client_as
from tests.urlbook import BY_ID, URLS, missing_urls, unknown_urls

SIGNED_IN = ROLES[1:]
INSTITUTIONS = ("institution_own", "institution_other")
RECOMMENDERS = ("recommender_own", "recommender_other")


# -- expectations ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Redirect:
    """A 302 whose Location starts with the URL that `to(world)` gives."""

    to: Any
    label: str

    def __repr__(self):
        return f"302→{self.label}"


LOGIN = Redirect(lambda w: reverse("login") + "?next=", "login")
TO_HOME = Redirect(lambda w: reverse("home"), "home")
TO_FACULTY = Redirect(lambda w: reverse("bases:faculty", args=[w.base.pk]), "faculty pool")
TO_COURSEWARE = Redirect(lambda w: reverse("bases:courseware", args=[w.base.pk]), "courseware log")
TO_MY_BASES = Redirect(lambda w: reverse("bases:mine"), "my bases")
TO_APP = Redirect(lambda w: reverse("applications:detail", args=[w.app.pk]), "application")
TO_SEAT = Redirect(lambda w: reverse("experts:assignment", args=[w.seat.pk]), "the expert's seat")
TO_OWN_DRAFT = Redirect(lambda w: reverse("experts:sheet", args=[w.own_draft.pk]), "the expert's draft")


def expect(default: Any = 404, *, anonymous: Any = LOGIN, **by_role) -> dict[str, Any]:
    """The answer for each role: `default` for every signed-in role not named, LOGIN for anonymous."""
    unknown = set(by_role) - set(SIGNED_IN)
    assert not unknown, f"unknown roles {unknown}"
    return {"anonymous": anonymous, **{role: by_role.get(role, default) for role in SIGNED_IN}}


def only(status, *roles, default=404) -> dict[str, Any]:
    return expect(default, **dict.fromkeys(roles, status))


# GET: the answer for each role, keyed on the URL book's entries (and their variants, "name[case]").
GET = {
    # The shell and accounts: public pages answer everyone; the rest needs a login.
    "home": expect(200, anonymous=200),
    "register": expect(TO_HOME, anonymous=200),
    "login": expect(200, anonymous=200),
    "logout": expect(405, anonymous=405),  # logging out is a POST
    "password_reset": expect(200, anonymous=200),
    "password_reset_done": expect(200, anonymous=200),
    "password_reset_confirm": expect(200, anonymous=200),  # a bad link
    "password_reset_complete": expect(200, anonymous=200),
    "password_change": expect(200),
    "password_change_done": expect(200),
    # Two-factor sign-in: each signed-in user's own settings; the code step sends whoever owes no code on.
    "two_factor": expect(200),
    "two_factor_verify": expect(TO_HOME, anonymous=LOGIN),
    "two_factor_setup": expect(200),
    "two_factor_qr": expect(200),
    "two_factor_backup_codes": expect(405),
    "inbox": expect(200),
    "inbox_open": expect(405),
    "inbox_read_all": expect(405),
    # issue 20: every signed-in user has a list of their own exports; an export answers its owner only
    "export_list": expect(200),
    "export_job": only(200, "institution_own"),
    "export_progress": only(200, "institution_own"),
    "export_download": only(200, "institution_own"),
    # The province manages accounts and departments.
    "users:staff_accounts": only(200, "province"),
    "users:toggle_account": only(405, "province"),
    "users:departments": only(200, "province"),
    "users:department_edit": only(200, "province"),
    # ... and the categories of Art. 3.
    "users:categories": only(200, "province"),
    "users:unmapped_words": only(200, "province"),
    "users:category_edit": only(200, "province"),
    "users:category_retire": only(405, "province"),
    "users:category_restore": only(405, "province"),
    "users:alias_remove": only(405, "province"),
    # Task allocation (Art. 13, 21, 22): the province allocates; a base applies and reports on its own.
    "steering:rounds": only(200, "province"),
    "steering:round": only(200, "province"),
    "steering:confirm": only(405, "province"),
    "steering:publish": only(405, "province"),
    "steering:mine": only(200, "institution_own", "institution_other"),
    "steering:apply": only(405, "institution_own", "institution_other"),
    "steering:deliver": only(405, "institution_own", "institution_other"),
    # Batches: the province opens them; institutions start an application in one (POST).
    "applications:batches": only(200, "province"),
    "applications:batch_new": only(200, "province"),
    "applications:batch_edit": only(200, "province"),
    "applications:batch_toggle": only(405, "province"),
    "applications:start": only(405, *INSTITUTIONS),
    # Lists: each role its own.
    "applications:mine": only(200, *INSTITUTIONS),
    "applications:recommender_queue": only(200, *RECOMMENDERS),
    "applications:province_queue": only(200, "province"),
    "applications:bars": only(200, "province"),
    # One application: its institution, the recommender it is routed to once submitted, the province.
    "applications:detail": only(200, "institution_own", "recommender_own", "province"),  # submitted
    "applications:detail[draft]": only(200, "institution_own", "province"),
    # at the site visit: the expert declared free of conflict on its panel reads it too (Art. 26)
    "applications:detail[site visit]": only(200, "institution_own", "recommender_own", "province", "expert"),
    "applications:edit": only(200, "institution_own"),  # a draft
    "applications:edit[submitted: not editable]": only(TO_APP, "institution_own"),
    "applications:receipt": only(200, "institution_own", "recommender_own", "province"),  # submitted
    "applications:print": only(200, "institution_own", "recommender_own", "province"),
    "applications:receipt[draft: no receipt yet]": only(404),
    "applications:upload": only(405, "province"),
    "applications:download": only(200, "institution_own", "recommender_own", "province"),  # submitted
    "applications:download[draft]": only(200, "institution_own", "province"),
    "applications:download[document of another application]": expect(404),
    "applications:act[recommend]": expect(405),
    "applications:act[withdraw]": expect(405),
    "applications:schedule_visit": only(405, "province"),
    "applications:record_visit": only(405, "province"),
    "applications:visit_panel": only(405, "province"),
    "recognition:approve": only(405, "province"),
    "applications:reject": only(405, "province"),
    # The notice before recognition (公示): the province publishes it, anyone may object while it is open.
    "recognition:notice_new": only(200, "province"),
    "applications:objection": expect(200, anonymous=200),  # open
    "applications:objection[closed: gone]": expect(410, anonymous=410),
    "applications:resolve_objection": only(405, "province"),
    "applications:objection_evidence": only(200, "province"),
    "applications:calendar": only(200, "province"),
    # Bases.
    "bases:mine": only(200, *INSTITUTIONS),
    "bases:recommended": only(200, *RECOMMENDERS),
    "bases:province_list": only(200, "province"),
    "bases:detail": only(200, "institution_own", "recommender_own", "province"),
    # A decision as issued (SPEC 2.10): whoever sees the record it decides.
    "decision_pdf": only(200, "institution_own", "recommender_own", "province"),
    "bases:plaque": only(200, "institution_own", "province"),
    "bases:suspend": only(200, "province"),
    "bases:adjust": only(200, "province"),
    "bases:merge": only(200, "province"),
    "bases:resume": only(200, "province"),
    "bases:fee_disclosure": only(200, "institution_own"),
    "bases:change_new": only(200, "institution_own"),
    "bases:change_list": only(200, *INSTITUTIONS, "province"),
    "bases:change_detail": only(200, "institution_own", "province"),
    "bases:change_evidence": only(200, "institution_own", "province"),
    "bases:publish_batch": only(200, "province"),  # the preview of the list to be published
    # The faculty pool (Art. 16) and the courseware log (Art. 18): the base keeps them; whoever sees the base
    # reads them. The navigation's links lead an institution to its base's page, or to its bases.
    "bases:my_faculty": expect(404, institution_own=TO_FACULTY, institution_other=TO_MY_BASES),
    "bases:faculty": only(200, "institution_own", "recommender_own", "province"),
    "bases:teacher_new": only(200, "institution_own"),
    "bases:faculty_template": only(200, "institution_own"),
    "bases:faculty_import": only(200, "institution_own"),
    "bases:teacher": only(200, "institution_own", "recommender_own", "province"),
    "bases:teacher_end": only(405, "institution_own"),
    # Training records (issue 17): the base keeps them; the province and the recommending unit read them;
    # the full ID number is revealed (POST, with a reason) to the base and the province only.
    # API tokens: each institution and the province keep their own; nobody else reaches the pages.
    "api:tokens": only(200, "institution_own", "institution_other", "province"),
    "api:token_new": only(200, "institution_own", "institution_other", "province"),
    "api:token_revoke": only(200, "institution_own"),  # the confirmation
    "api:token_revoke[province]": only(200, "province"),
    "training:all_classes": only(200, "recommender_own", "recommender_other", "province"),
    "training:base_classes": only(200, "institution_own", "recommender_own", "province"),
    "training:class_new": only(200, "institution_own"),
    "training:class_detail": only(200, "institution_own", "recommender_own", "province"),
    "training:class_edit": only(200, "institution_own"),
    "training:class_delete": only(405, "institution_own"),
    "training:participant_new": only(200, "institution_own"),
    "training:participant": only(200, "institution_own", "recommender_own", "province"),
    "training:participant_remove": only(405, "institution_own"),
    "training:reveal_id": only(405, "institution_own", "province"),
    "training:import": only(200, "institution_own"),
    "training:import_template": only(200, "institution_own"),
    "training:import_detail": only(200, "institution_own", "province"),
    "training:import_progress": only(200, "institution_own", "province"),
    "training:import_rejected": only(200, "institution_own", "province"),
    "training:learning_record": only(200, "province"),
    "training:learning_hours": only(200, "province"),
    "training:class_sheet_pdf": only(200, "institution_own", "province"),
    "bases:my_courseware": expect(404, institution_own=TO_COURSEWARE, institution_other=TO_MY_BASES),
    "bases:courseware": only(200, "institution_own", "recommender_own", "province"),
    "bases:course_new": only(200, "institution_own"),
    "bases:review_new": only(200, "institution_own"),
    "bases:review_file": only(200, "institution_own", "recommender_own", "province"),
    # Annual plan and report (Art. 19).
    "bases:filings": only(200, *INSTITUTIONS),
    "bases:filing_queue": only(200, "province"),
    "bases:filing_overview": only(200, "province"),
    "bases:filing_tolerance": only(405, "province"),
    "bases:filing_start": only(405, *INSTITUTIONS),
    "bases:filing_detail": only(200, "institution_own", "recommender_own", "province"),
    "bases:filing_edit": only(200, "institution_own"),  # a draft
    "bases:filing_act": only(405, "province"),
    # Supervision (Art. 20-23): the province runs it; an inspector sees only what is assigned to its unit;
    # an institution sees its inspections once confirmed, its rectifications and cancellation requests.
    "supervision:list": only(200, "province", "inspector"),
    "supervision:schedule": only(200, "province"),
    "supervision:detail": only(200, "province", "inspector", "institution_own"),  # confirmed
    "supervision:detail[scheduled]": only(200, "province", "inspector"),
    "supervision:detail[assigned to another unit]": only(200, "province"),
    "supervision:document": only(200, "province", "inspector", "institution_own"),
    "supervision:record": only(405, "province", "inspector"),
    "supervision:act": only(405, "province"),
    "supervision:panel": only(405, "province"),
    "supervision:draws": only(200, "province"),
    "supervision:draw_new": only(200, "province"),
    "supervision:draw": only(200, "province"),
    "supervision:draw_publish": only(405, "province"),
    # The three-year inspection plan (Art. 20) and the units' capacities: the province's alone.
    "supervision:plans": only(200, "province"),
    "supervision:plan_new": only(405, "province"),
    "supervision:plan": only(200, "province"),
    "supervision:plan_unplaced": only(200, "province"),
    "supervision:plan_move": only(200, "province"),
    "supervision:plan_accept": only(405, "province"),
    "supervision:capacities": only(200, "province"),
    "supervision:rectifications": only(200, "province", *INSTITUTIONS, *RECOMMENDERS),
    "supervision:obligations": only(200, "province"),
    "supervision:obligations_remind": only(405, "province"),
    "supervision:obligation_remind": only(405, "province"),
    "supervision:rectification_new": only(200, "province"),
    "supervision:rectification": only(200, "province", "institution_own", "recommender_own"),
    "supervision:rectification_report": only(405, *INSTITUTIONS),
    "supervision:rectification_verify": only(405, "province"),
    "supervision:revoke": only(200, "province"),
    "supervision:cancellations": only(200, "province", *INSTITUTIONS, *RECOMMENDERS),
    "supervision:cancellation_new": only(200, "institution_own", "recommender_own"),
    "supervision:cancellation": only(200, "province", "institution_own", "recommender_own"),
    # Notices of intended decisions and appeals: the province and the party; fraud reports: the province and
    # the recommending unit that made them, never the institution (SPEC 2.10, Art. 24).
    "applications:hearings": only(200, "province", *INSTITUTIONS),
    "applications:hearing": only(200, "province", "institution_own"),
    "applications:hearing_document": only(200, "province", "institution_own"),
    "applications:appeals": only(200, "province"),
    "applications:appeal_new": only(200, "province"),
    "applications:appeal": only(200, "province", "institution_own"),
    "supervision:fraud": only(405, "province"),
    "supervision:fraud_report_new": only(405, "recommender_own"),
    "supervision:fraud_reports": only(200, "province"),
    "supervision:fraud_report": only(200, "province", "recommender_own"),
    # Reports: the province's dashboard; a recommender sees the same scoped to its own unit.
    "reports:dashboard": only(200, "province", *RECOMMENDERS),
    "reports:chart": only(200, "province", *RECOMMENDERS),
    "reports:year_summary": only(200, "province"),
    # The expert pool and its panels are the province's (Art. 26); an expert sees only its own seats, and acts on
    # them (declares, declares a conflict, refuses); the province withdraws an expert.
    "experts:list": only(200, "province"),
    "experts:workload": only(200, "province"),  # the pool's workload by year (Art. 26)
    "experts:new": only(200, "province"),
    "experts:detail": only(200, "province"),
    "experts:edit": only(200, "province"),
    "experts:tie_new": only(405, "province"),
    "experts:tie_end": only(405, "province"),
    "experts:panels": only(200, "province"),
    "experts:panel": only(200, "province"),
    "experts:panel_fill": only(405, "province"),
    "experts:assignments": only(200, "province", "expert"),
    "experts:assignment": only(200, "province", "expert"),
    "experts:assignment[another expert's seat]": only(200, "province"),
    "experts:assignment_act[declare]": only(200, "expert"),
    "experts:assignment_act[declare][another expert's seat]": expect(404),
    "experts:assignment_act[conflict]": only(200, "expert"),
    "experts:assignment_act[refuse]": only(200, "expert"),
    "experts:assignment_act[withdraw]": only(200, "province"),
    # The scored forms (Art. 26): the expert fills its own seat's form once declared (before, it is sent back to the
    # seat's page); the province reads every expert's forms and files, and fills none.
    "experts:sheet_edit": only(200, "expert"),
    "experts:sheet_edit[another expert's seat]": expect(404),
    "experts:sheet_edit[a seat not yet declared]": expect(404, expert=TO_SEAT),
    "experts:sheet": only(200, "province", "expert"),
    "experts:sheet[another expert's sheet]": only(200, "province"),
    # a draft is not corrected: the expert is sent to it
    "experts:sheet_correct": expect(404, expert=TO_OWN_DRAFT),
    "experts:sheet_correct[another expert's sheet]": expect(404),
    "experts:sheet_document": only(200, "province", "expert"),
    "experts:sheet_document[another expert's file]": only(200, "province"),
    "experts:sheet_document[a file of another sheet]": expect(404),
    # The public side: everyone, signed in or not, sees only what is published.
    "public:register": expect(200, anonymous=200),
    "public:base": expect(200, anonymous=200),  # published
    "public:base[not yet published]": expect(404, anonymous=404),
    "public:announcements": expect(200, anonymous=200),
    "public:guides": expect(200, anonymous=200),
    "public:guide": expect(200, anonymous=200),
    "public:announcement": expect(200, anonymous=200),
    "public:decision_pdf": expect(200, anonymous=200),
    "public:decision_pdf[not public: a rectification notice]": expect(404, anonymous=404),
    "public:verify": expect(200, anonymous=200),
    "public:verify_code": expect(200, anonymous=200),
    "public:open_data": expect(200, anonymous=200),
    "public:open_data_csv": expect(200, anonymous=200),
    "public:open_data_json": expect(200, anonymous=200),
    "sitemap": expect(200, anonymous=200),
    "robots": expect(200, anonymous=200),
    "healthz": expect(200, anonymous=200),
    "livez": expect(200, anonymous=200),
    "readyz": expect(200, anonymous=200),
}


@dataclass(frozen=True)
class Row:
    """One GET of the matrix: a URL book entry (or one of its variants) and the answer for each role."""

    id: str
    name: str
    kwargs: Any  # world → the URL's kwargs
    expected: dict[str, Any]


BOOK_CASES = [(case_id, entry, kwargs) for entry in URLS for case_id, kwargs in entry.cases()]
ROWS = [Row(case_id, entry.name, kwargs, GET[case_id]) for case_id, entry, kwargs in BOOK_CASES if case_id in GET]


def test_every_url_has_a_row_in_the_matrix():
    assert not missing_urls(), f"URLs missing from the URL book tests/urlbook.py (add an entry): {missing_urls()}"
    missing = sorted({case_id for case_id, _, _ in BOOK_CASES} - set(GET))
    assert not missing, f"URL book entries without a row in the permission matrix (add one to GET): {missing}"


def test_every_row_names_a_url_that_exists_and_every_role():
    assert not unknown_urls(), f"URL book entries that name no URL of the project: {unknown_urls()}"
    unknown = sorted(set(GET) - {case_id for case_id, _, _ in BOOK_CASES})
    assert not unknown, f"rows of GET that name no URL book entry or variant: {unknown}"
    unknown = sorted(set(POST) - set(BY_ID))
    assert not unknown, f"rows of POST that name no URL book entry: {unknown}"
    for row in [*ROWS, *POST_ROWS]:
        assert set(row.expected) == set(ROLES), row.id


def _check(response, expected, w) -> str | None:
    """None when the response is what the matrix says, else a description of the difference."""
    if isinstance(expected, Redirect):
        target = expected.to(w)
        if response.status_code == 302 and response.url.startswith(target):
            return None
        return f"expected 302 to {target}, got {response.status_code} {response.get('Location', '')}"
    if response.status_code == expected:
        return None
    return f"expected {expected}, got {response.status_code} {response.get('Location', '')}"


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_get_answers_what_the_matrix_says(client, world, row, subtests):
    url = reverse(row.name, kwargs=row.kwargs(world))
    for role in ROLES:  # one world per row, one subtest per role: GETs change nothing
        with subtests.test(role=role):
            response = client_as(world.users[role], client).get(url)
            problem = _check(response, row.expected[role], world)
            assert problem is None, f"GET {url} as {role}: {problem}"


def test_out_of_scope_answers_404_never_403():
    """A 403 would tell an outsider that the id exists; the matrix (checked above) has none."""
    statuses = {status for row in [*ROWS, *POST_ROWS] for status in row.expected.values()}
    assert 403 not in statuses
    assert 404 in statuses


# -- POST: out of scope answers 404 and changes nothing; in scope it does what it says -------------------


PORTAL_APPS = (
    "users",
    "jxjy_portal",
    "experts",
    "applications",
    "bases",
    "training",
    "inspections",
    "reports",
    "steering",
    "api",
)
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)


def portal_models() -> dict[str, Any]:
    """The portal's tables (with their histories and many-to-many tables) by name."""
    return {
        model._meta.db_table: model
        for label in PORTAL_APPS
        for model in django_apps.get_app_config(label).get_models(include_auto_created=True)
    }


def written_tables(queries) -> set[str]:
    """The portal's tables that these SQL statements wrote to (sessions and the like are not the portal's)."""
    tables = portal_models()
    return {m.group(1) for q in queries if (m := WRITE.match(q["sql"])) and m.group(1) in tables}


def snapshot(tables) -> dict:
    """The rows of these tables as plain values; last_login changes on every login and is left out."""
    models, state = portal_models(), {}
    for table in sorted(tables):
        model = models[table]
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
        state[table] = list(model._base_manager.order_by("pk").values_list(*fields))
    return state


@dataclass(frozen=True)
class PostExpect:
    """A POST that the `allowed` roles may make (and that then changes something); every other role changes
    nothing: out of scope it answers 404, in scope but not allowed it is refused with a message."""

    allowed: tuple[str, ...]
    expected: dict[str, Any]


def post_only(*allowed, also_in_scope=(), default=404) -> PostExpect:
    """The allowed roles succeed (302); roles that may see the record but not act get a 302 that changes nothing."""
    return PostExpect(allowed, expect(default, **dict.fromkeys((*allowed, *also_in_scope), 302)))


# POST: who may make each URL book entry's POST (with the book's data, after its `prepare`), keyed on the book.
POST = {
    # only a user with an authenticator gets new codes; the others are told to turn it on first
    "two_factor_backup_codes": PostExpect(("province",), expect(302)),
    "users:staff_accounts": post_only("province"),
    "users:toggle_account": post_only("province"),
    "users:departments": post_only("province"),
    "users:department_edit": post_only("province"),
    "users:categories": post_only("province"),
    "users:category_edit": post_only("province"),
    "users:category_retire": post_only("province"),
    "users:category_restore": post_only("province"),
    "users:alias_remove": post_only("province"),
    "steering:rounds": post_only("province"),
    "steering:round": post_only("province"),
    "steering:confirm": post_only("province"),
    "steering:publish": post_only("province"),
    "steering:apply": post_only("institution_own", also_in_scope=("institution_other",)),
    "steering:deliver": post_only("institution_own"),
    "applications:batch_new": post_only("province"),
    "applications:batch_edit": post_only("province"),
    "applications:batch_toggle": post_only("province"),
    # institution_own already has an application in progress, so it is refused (with a message, nothing saved).
    "applications:start": post_only("institution_other", also_in_scope=["institution_own"]),
    "applications:edit": post_only("institution_own"),  # a draft
    "applications:upload": post_only("province"),
    # The recommender of another unit, another institution and an inspector cannot even see it: 404.
    # Those who can see it but may not recommend get a message and nothing changes.
    "applications:act[recommend]": post_only("recommender_own", also_in_scope=["institution_own", "province"]),
    "applications:act[withdraw]": post_only("institution_own", also_in_scope=["recommender_own", "province"]),
    "recognition:notice_new": post_only("province"),
    "applications:resolve_objection": post_only("province"),
    "applications:calendar": post_only("province"),
    "applications:schedule_visit": post_only("province"),
    "applications:record_visit": post_only("province"),
    "applications:visit_panel": post_only("province"),
    "recognition:approve": post_only("province"),
    "applications:reject": post_only("province"),
    # Supervision.
    "supervision:record": post_only("inspector", "province"),  # the findings
    "supervision:act": post_only("province"),  # publish
    "supervision:panel": post_only("province"),
    "supervision:draw_publish": post_only("province"),
    # The plan: proposed, edited (a draft), accepted and the capacities set by the province alone.
    "supervision:plan_new": post_only("province"),
    "supervision:plan_move": post_only("province"),
    "supervision:plan_accept": post_only("province"),
    "supervision:capacities": post_only("province"),
    "supervision:rectification_report": post_only("institution_own"),
    "supervision:rectification_verify": post_only("province"),  # pass
    "supervision:obligations_remind": post_only("province"),  # every base failing the duty
    "supervision:obligation_remind": post_only("province"),
    # A base's institution or its recommending unit may ask the province to cancel it (Art. 23).
    "supervision:cancellation_new": post_only("institution_own", "recommender_own"),
    # Only the province decides it; the requesting institution may look but not decide.
    "supervision:cancellation": post_only("province"),
    "bases:publish_batch": post_only("province"),
    "bases:fee_disclosure": post_only("institution_own"),
    # Only the base keeps its pool and log; the province and the recommending unit read them (404 to a POST).
    "bases:teacher_new": post_only("institution_own"),
    "bases:faculty_import": post_only("institution_own"),
    "bases:teacher": post_only("institution_own"),
    "bases:teacher_end": post_only("institution_own"),
    # A token is created by a base's institution for its own live base (the other institution's choice of
    # that base is refused at the field) or by the province for itself; the secret is shown on the answer.
    "api:token_new": PostExpect(
        ("institution_own", "province"), expect(404, institution_own=200, institution_other=200, province=200)
    ),
    "api:token_revoke": post_only("institution_own"),
    "training:class_new": post_only("institution_own"),
    "training:class_edit": post_only("institution_own"),
    "training:class_delete": post_only("institution_own"),
    "training:participant_new": post_only("institution_own"),
    "training:participant": post_only("institution_own"),
    "training:participant_remove": post_only("institution_own"),
    "training:import": post_only("institution_own"),
    # The number shows on the response itself (200), and the reveal is logged; the recommender gets 404.
    "training:reveal_id": PostExpect(("institution_own", "province"), expect(404, institution_own=200, province=200)),
    # The learning record and the hours of a year answer on the POST itself (a page, a file); nobody else
    # learns the page exists.
    "training:learning_record": PostExpect(("province",), expect(404, province=200)),
    "training:learning_hours": PostExpect(("province",), expect(404, province=200)),
    "bases:course_new": post_only("institution_own"),
    "bases:review_new": post_only("institution_own"),
    # Only the province decides a change filing; the institution that filed it may look but not decide.
    "bases:change_detail": post_only("province"),
    # Another institution cannot even see the base: 404 from the service, nothing started.
    "bases:filing_start": post_only("institution_own"),
    "bases:filing_edit": post_only("institution_own"),  # a draft
    "bases:filing_act": post_only("province"),  # accept
    "bases:filing_tolerance": post_only("province"),
    # SPEC 2.10: the province drops a notice, records an appeal and its outcome, finds fraud once heard; a
    # recommending unit reports suspected fraud, the province handles it. The party that may look but not act
    # gets a 404 from these views, and nothing changes.
    "applications:hearing": post_only("province"),
    "applications:appeal_new": post_only("province"),
    "applications:appeal": post_only("province"),
    "bases:suspend": post_only("province"),
    # Art. 4: only the province adjusts or merges a base; nobody else learns the page exists
    "bases:adjust": post_only("province"),
    "bases:merge": post_only("province"),
    "bases:resume": post_only("province"),
    "supervision:fraud": post_only("province"),
    "supervision:fraud_report_new": post_only("recommender_own"),
    "supervision:fraud_report": post_only("province"),
    # Art. 26: the province keeps the pool and fills a panel's empty seats; the expert acts on its own seat.
    "experts:new": post_only("province"),
    "experts:edit": post_only("province"),
    "experts:tie_new": post_only("province"),
    "experts:tie_end": post_only("province"),
    "experts:panel_fill": post_only("province"),
    "experts:assignment_act[declare]": post_only("expert"),
    "experts:assignment_act[conflict]": post_only("expert"),
    "experts:assignment_act[refuse]": post_only("expert"),
    "experts:assignment_act[withdraw]": post_only("province"),
    "experts:sheet_edit": post_only("expert"),
    "experts:sheet_correct": post_only("expert"),
}


@dataclass(frozen=True)
class PostRow:
    """One POST of the matrix: a URL book entry with its data and who may make it."""

    id: str
    name: str
    kwargs: Any  # world → the URL's kwargs
    data: Any  # world → POST data that would succeed for the allowed roles
    allowed_roles: tuple[str, ...]
    expected: dict[str, Any]
    prepare: Any = None  # world → None: puts the world in the state the allowed POST needs (rolled back after)


POST_ROWS = [
    PostRow(
        entry.id, entry.name, entry.kwargs, entry.data, POST[entry.id].allowed, POST[entry.id].expected, entry.prepare
    )
    for entry in URLS
    if entry.id in POST
]


def test_every_post_only_url_has_a_post_row():
    """A URL that answers GET with 405 for someone in scope only takes POSTs: its POST must be in the matrix."""
    post_only_names = {row.name for row in ROWS if 405 in row.expected.values()}
    # Covered elsewhere: logging out (tests/accounts) and the inbox (tests/core/test_notify.py), which act on
    # the user's own session and messages only.
    post_only_names -= {"logout", "inbox_open", "inbox_read_all"}
    missing = sorted(post_only_names - {row.name for row in POST_ROWS})
    assert not missing, f"POST-only URLs without a row in POST_ROWS: {missing}"


@pytest.mark.parametrize("row", POST_ROWS, ids=lambda r: r.id)
def test_post_answers_what_the_matrix_says_and_only_the_allowed_role_changes_anything(client, world, row, subtests):
    url = reverse(row.name, kwargs=row.kwargs(world))
    for role in ROLES:
        with subtests.test(role=role):
            client = client_as(world.users[role], client)
            # Each role's POST runs in a savepoint that is rolled back, so every role starts from the same
            # world. Whatever tables it wrote to are compared after the POST and once it is undone.
            with transaction.atomic():
                if row.prepare:
                    row.prepare(world)
                with transaction.atomic():
                    with CaptureQueriesContext(connection) as sql:
                        response = client.post(url, row.data(world))
                    tables = written_tables(sql.captured_queries)
                    after = snapshot(tables)
                    transaction.set_rollback(True)
                before = snapshot(tables)
                transaction.set_rollback(True)
            expected = row.expected[role]
            if expected == 302:
                assert response.status_code == 302, f"POST {url} as {role}: got {response.status_code}"
                assert not response.url.startswith(reverse("login")), f"POST {url} as {role} was sent to log in"
            else:
                problem = _check(response, expected, world)
                assert problem is None, f"POST {url} as {role}: {problem}"
            if role in row.allowed_roles:
                assert after != before, f"POST {url} as {role} should have changed something (the control)"
            else:
                assert after == before, f"POST {url} as {role} changed something"
