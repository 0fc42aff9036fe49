"""The permission matrix: every URL × every role (own vs other) → the status the user gets (SPEC 1).

The table is data. It is checked against the URL configuration, so a new URL without a row fails
`test_every_url_has_a_row_in_the_matrix`. Out of scope answers 404 (never 403), anonymous users are
sent to the login page, and a POST that is out of scope changes nothing.

Roles: an institution and its own records vs another institution; the recommender of the unit the
application is routed to (福州市) vs the recommender of another unit (厦门市); the province; an
inspector (who has no business with applications or bases).
"""

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Role
from applications.models import Condition
from supervision.models import CancellationRequest, Item
from tests import factories
from tests.access.world import ROLES

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
TO_APP = Redirect(lambda w: reverse("applications:detail", args=[w.app.pk]), "application")


def expect(default: Any = 404, *, anonymous: Any = LOGIN, **by_role) -> dict[str, Any]:
    """The answer for each role: `default` for every signed-in role not named, LOGIN for anonymous."""
    unknown = set(by_role) - set(SIGNED_IN)
    assert not unknown, f"unknown roles {unknown}"
    return {"anonymous": anonymous, **{role: by_role.get(role, default) for role in SIGNED_IN}}


def only(status, *roles, default=404) -> dict[str, Any]:
    return expect(default, **dict.fromkeys(roles, status))


@dataclass(frozen=True)
class Row:
    name: str
    kwargs: Any  # world → the URL's kwargs
    expected: dict[str, Any]
    case: str = ""  # tells rows of one URL apart

    @property
    def id(self):
        return f"{self.name}[{self.case}]" if self.case else self.name


def none(w):
    return {}


# GET: every URL of the project (except the Django admin) has at least one row.
ROWS = [
    # The shell and accounts: public pages answer everyone; the rest needs a login.
    Row("home", none, expect(200, anonymous=200)),
    Row("register", none, expect(TO_HOME, anonymous=200)),
    Row("login", none, expect(200, anonymous=200)),
    Row("logout", none, expect(405, anonymous=405)),  # logging out is a POST
    Row("password_reset", none, expect(200, anonymous=200)),
    Row("password_reset_done", none, expect(200, anonymous=200)),
    Row(
        "password_reset_confirm",
        lambda w: {"uidb64": "MQ", "token": "bad-token"},
        expect(200, anonymous=200),
        "bad link",
    ),
    Row("password_reset_complete", none, expect(200, anonymous=200)),
    Row("password_change", none, expect(200)),
    Row("password_change_done", none, expect(200)),
    Row("inbox", none, expect(200)),
    Row("inbox_open", lambda w: {"pk": w.note.pk}, expect(405)),
    Row("inbox_read_all", none, expect(405)),
    # The province manages accounts and departments.
    Row("users:staff_accounts", none, only(200, "province")),
    Row("users:toggle_account", lambda w: {"pk": w.staff.pk}, only(405, "province")),
    Row("users:departments", none, only(200, "province")),
    Row("users:department_edit", lambda w: {"pk": w.department.pk}, only(200, "province")),
    # Batches: the province opens them; institutions start an application in one (POST).
    Row("applications:batches", none, only(200, "province")),
    Row("applications:batch_new", none, only(200, "province")),
    Row("applications:batch_edit", lambda w: {"pk": w.batch.pk}, only(200, "province")),
    Row("applications:batch_toggle", lambda w: {"pk": w.batch.pk}, only(405, "province")),
    Row("applications:start", lambda w: {"batch_pk": w.batch.pk}, only(405, *INSTITUTIONS)),
    # Lists: each role its own.
    Row("applications:mine", none, only(200, *INSTITUTIONS)),
    Row("applications:recommender_queue", none, only(200, *RECOMMENDERS)),
    Row("applications:province_queue", none, only(200, "province")),
    Row("applications:bars", none, only(200, "province")),
    # One application: its institution, the recommender it is routed to once submitted, the province.
    Row(
        "applications:detail",
        lambda w: {"pk": w.app.pk},
        only(200, "institution_own", "recommender_own", "province"),
        "submitted",
    ),
    Row(
        "applications:detail",
        lambda w: {"pk": w.draft.pk},
        only(200, "institution_own", "province"),
        "draft",
    ),
    Row(
        "applications:edit",
        lambda w: {"pk": w.draft.pk},
        only(200, "institution_own"),
        "draft",
    ),
    Row(
        "applications:edit",
        lambda w: {"pk": w.app.pk},
        only(TO_APP, "institution_own"),
        "submitted: not editable",
    ),
    Row("applications:upload", lambda w: {"pk": w.visit_app.pk}, only(405, "province")),
    Row(
        "applications:download",
        lambda w: {"pk": w.app.pk, "doc_pk": w.document.pk},
        only(200, "institution_own", "recommender_own", "province"),
        "submitted",
    ),
    Row(
        "applications:download",
        lambda w: {"pk": w.draft.pk, "doc_pk": w.draft_document.pk},
        only(200, "institution_own", "province"),
        "draft",
    ),
    Row(
        "applications:download",
        lambda w: {"pk": w.draft.pk, "doc_pk": w.document.pk},
        expect(404),
        "document of another application",
    ),
    Row("applications:act", lambda w: {"pk": w.app.pk, "action": "recommend"}, expect(405)),
    Row("applications:schedule_visit", lambda w: {"pk": w.review_app.pk}, only(405, "province")),
    Row("applications:record_visit", lambda w: {"pk": w.visit_app.pk}, only(405, "province")),
    Row("recognition:approve", lambda w: {"pk": w.visit_app.pk}, only(405, "province")),
    Row("applications:reject", lambda w: {"pk": w.review_app.pk}, only(405, "province")),
    # The notice before recognition (公示): the province publishes it, anyone may object while it is open.
    Row("recognition:notice_new", lambda w: {"batch_pk": w.batch.pk}, only(200, "province")),
    Row("applications:objection", lambda w: {"notice_pk": w.notice.pk}, expect(200, anonymous=200), "open"),
    Row(
        "applications:objection",
        lambda w: {"notice_pk": w.closed_notice.pk},
        expect(410, anonymous=410),
        "closed: gone",
    ),
    Row("applications:resolve_objection", lambda w: {"pk": w.objection.pk}, only(405, "province")),
    Row("applications:objection_evidence", lambda w: {"pk": w.objection.pk}, only(200, "province")),
    Row("applications:calendar", none, only(200, "province")),
    # Bases.
    Row("bases:mine", none, only(200, *INSTITUTIONS)),
    Row("bases:recommended", none, only(200, *RECOMMENDERS)),
    Row("bases:province_list", none, only(200, "province")),
    Row(
        "bases:detail",
        lambda w: {"pk": w.base.pk},
        only(200, "institution_own", "recommender_own", "province"),
    ),
    Row("bases:plaque", lambda w: {"pk": w.base.pk}, only(200, "institution_own", "province")),
    Row("bases:fee_disclosure", lambda w: {"pk": w.base.pk}, only(200, "institution_own")),
    Row("bases:change_new", lambda w: {"pk": w.base.pk}, only(200, "institution_own")),
    Row("bases:change_list", none, only(200, *INSTITUTIONS, "province")),
    Row("bases:change_detail", lambda w: {"pk": w.change.pk}, only(200, "institution_own", "province")),
    Row("bases:change_evidence", lambda w: {"pk": w.change.pk}, only(200, "institution_own", "province")),
    Row("bases:publish_batch", lambda w: {"batch_pk": w.batch.pk}, only(405, "province")),
    # Annual plan and report (Art. 19).
    Row("bases:filings", none, only(200, *INSTITUTIONS)),
    Row("bases:filing_queue", none, only(200, "province")),
    Row("bases:filing_overview", none, only(200, "province")),
    Row(
        "bases:filing_start",
        lambda w: {"base_pk": w.base.pk, "year": timezone.localdate().year},
        only(405, *INSTITUTIONS),
    ),
    Row(
        "bases:filing_detail",
        lambda w: {"pk": w.filing.pk},
        only(200, "institution_own", "recommender_own", "province"),
    ),
    Row("bases:filing_edit", lambda w: {"pk": w.filing_draft.pk}, only(200, "institution_own"), "draft"),
    Row("bases:filing_act", lambda w: {"pk": w.filing.pk, "action": "accept"}, only(405, "province")),
    # Supervision (Art. 20-23): the province runs it; an inspector sees only what is assigned to its unit;
    # an institution sees its inspections once confirmed, its rectifications and cancellation requests.
    Row("supervision:list", none, only(200, "province", "inspector")),
    Row("supervision:schedule", none, only(200, "province")),
    Row(
        "supervision:detail",
        lambda w: {"pk": w.inspection.pk},
        only(200, "province", "inspector", "institution_own"),
        "confirmed",
    ),
    Row(
        "supervision:detail",
        lambda w: {"pk": w.assigned_inspection.pk},
        only(200, "province", "inspector"),
        "scheduled",
    ),
    Row(
        "supervision:detail",
        lambda w: {"pk": w.other_inspection.pk},
        only(200, "province"),
        "assigned to another unit",
    ),
    Row(
        "supervision:document",
        lambda w: {"pk": w.inspection_document.pk},
        only(200, "province", "inspector", "institution_own"),
    ),
    Row("supervision:record", lambda w: {"pk": w.assigned_inspection.pk}, only(405, "province", "inspector")),
    Row("supervision:act", lambda w: {"pk": w.inspection.pk, "action": "publish"}, only(405, "province")),
    Row("supervision:draws", none, only(200, "province")),
    Row("supervision:draw_new", none, only(200, "province")),
    Row("supervision:draw", lambda w: {"pk": w.draw.pk}, only(200, "province")),
    Row("supervision:draw_publish", lambda w: {"pk": w.draw.pk}, only(405, "province")),
    Row("supervision:rectifications", none, only(200, "province", *INSTITUTIONS, *RECOMMENDERS)),
    Row("supervision:rectification_new", lambda w: {"base_pk": w.base.pk}, only(200, "province")),
    Row(
        "supervision:rectification",
        lambda w: {"pk": w.rectification.pk},
        only(200, "province", "institution_own", "recommender_own"),
    ),
    Row("supervision:rectification_report", lambda w: {"pk": w.rectification.pk}, only(405, *INSTITUTIONS)),
    Row(
        "supervision:rectification_verify",
        lambda w: {"pk": w.reported_rectification.pk, "action": "pass"},
        only(405, "province"),
    ),
    Row("supervision:revoke", lambda w: {"base_pk": w.base.pk}, only(200, "province")),
    Row("supervision:cancellations", none, only(200, "province", *INSTITUTIONS, *RECOMMENDERS)),
    Row(
        "supervision:cancellation_new",
        lambda w: {"base_pk": w.base.pk},
        only(200, "institution_own", "recommender_own"),
    ),
    Row(
        "supervision:cancellation",
        lambda w: {"pk": w.cancellation.pk},
        only(200, "province", "institution_own", "recommender_own"),
    ),
    # Reports: the province's dashboard; a recommender sees the same scoped to its own unit.
    Row("reports:dashboard", none, only(200, "province", *RECOMMENDERS)),
    Row("reports:chart", lambda w: {"name": "region"}, only(200, "province", *RECOMMENDERS)),
    Row("reports:year_summary", none, only(200, "province")),
    # The public side: everyone, signed in or not, sees only what is published.
    Row("public:register", none, expect(200, anonymous=200)),
    Row("public:base", lambda w: {"pk": w.base.pk}, expect(200, anonymous=200), "published"),
    Row("public:base", lambda w: {"pk": w.unpublished_base.pk}, expect(404, anonymous=404), "not yet published"),
    Row("public:announcements", none, expect(200, anonymous=200)),
    Row("public:announcement", lambda w: {"pk": w.announcement.pk}, expect(200, anonymous=200)),
    Row("public:verify", none, expect(200, anonymous=200)),
    Row("public:verify_code", lambda w: {"code": w.base.verification_code}, expect(200, anonymous=200)),
    Row("public:open_data", none, expect(200, anonymous=200)),
    Row("public:open_data_csv", none, expect(200, anonymous=200)),
    Row("public:open_data_json", none, expect(200, anonymous=200)),
    Row("sitemap", none, expect(200, anonymous=200)),
    Row("robots", none, expect(200, anonymous=200)),
    Row("healthz", none, expect(200, anonymous=200)),
]

# URL namespaces that are not the portal's own pages.
SKIPPED_NAMESPACES = {"admin"}


def project_url_names(resolver=None, prefix="") -> list[str]:
    """Every URL name in the project, namespaced ('applications:detail'); unnamed ones are reported too."""
    resolver = resolver or get_resolver()
    names = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            names += project_url_names(entry, f"{prefix}{entry.namespace}:" if entry.namespace else prefix)
        elif isinstance(entry, URLPattern):
            names.append(f"{prefix}{entry.name}" if entry.name else f"<unnamed: {prefix}{entry.pattern}>")
    return names


def test_every_url_has_a_row_in_the_matrix():
    missing = sorted(set(project_url_names()) - {row.name for row in ROWS})
    assert not missing, f"URLs without a row in the permission matrix (add one to ROWS): {missing}"


def test_every_row_names_a_url_that_exists_and_every_role():
    names = set(project_url_names())
    assert {row.name for row in ROWS} <= names
    for row in ROWS:
        assert set(row.expected) == set(ROLES), row.id
    assert len({row.id for row in ROWS}) == len(ROWS), "two rows share an id; give them a case"


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


def _client_as(client, w, role):
    client.logout()
    if w.users[role] is not None:
        client.force_login(w.users[role])
    return client


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_get_answers_what_the_matrix_says(client, world, row, subtests):
    url = reverse(row.name, kwargs=row.kwargs(world))
    for role in ROLES:  # one world per row, one subtest per role: GETs change nothing
        with subtests.test(role=role):
            response = _client_as(client, world, role).get(url)
            problem = _check(response, row.expected[role], world)
            assert problem is None, f"GET {url} as {role}: {problem}"


def test_out_of_scope_answers_404_never_403():
    """A 403 would tell an outsider that the id exists; the matrix (checked above) has none."""
    statuses = {status for row in [*ROWS, *POST_ROWS] for status in row.expected.values()}
    assert 403 not in statuses
    assert 404 in statuses


# -- POST: out of scope answers 404 and changes nothing; in scope it does what it says -------------------


PORTAL_APPS = ("users", "jxjy_portal", "applications", "bases", "inspections", "reports")
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


def _management(prefix, total=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _pdf(w):
    return factories.pdf_file("考察记录.pdf")


@dataclass(frozen=True)
class PostRow:
    """A POST that the `allowed` roles may make (and that then changes something); every other role changes
    nothing: out of scope it answers 404, in scope but not allowed it is refused with a message."""

    name: str
    kwargs: Any
    data: Any  # world → POST data that would succeed for the allowed roles
    allowed: str | tuple[str, ...]
    expected: dict[str, Any] = field(default_factory=dict)
    case: str = ""
    prepare: Any = None  # world → None: puts the world in the state the allowed POST needs (rolled back after)

    @property
    def id(self):
        return f"{self.name}[{self.case}]" if self.case else self.name

    @property
    def allowed_roles(self) -> tuple[str, ...]:
        return (self.allowed,) if isinstance(self.allowed, str) else self.allowed


def post_only(*allowed, also_in_scope=(), default=404):
    """The allowed roles succeed (302); roles that may see the record but not act get a 302 that changes nothing."""
    return expect(default, **dict.fromkeys((*allowed, *also_in_scope), 302))


def _record_findings(w):
    return {
        "inspected_on": timezone.localdate().isoformat(),
        "result": "pass",
        "summary": "各项符合要求",
        "expected_state": "scheduled",
        **{f"verdict_{item}": "meets" for item in Item.values},
    }


POST_ROWS = [
    PostRow(
        "users:staff_accounts",
        none,
        lambda w: {
            "username": "new-recommender",
            "full_name": "新推荐员",
            "email": "new@example.cn",
            "role": Role.RECOMMENDER,
            "region": factories.region("350300").pk,
            "password": "Str0ng-Passw0rd",
        },
        "province",
        post_only("province"),
    ),
    PostRow("users:toggle_account", lambda w: {"pk": w.staff.pk}, lambda w: {}, "province", post_only("province")),
    PostRow(
        "users:departments", none, lambda w: {"name": "福建省新设厅", "active": "on"}, "province", post_only("province")
    ),
    PostRow(
        "users:department_edit",
        lambda w: {"pk": w.department.pk},
        lambda w: {"name": "福建省改名厅", "active": "on"},
        "province",
        post_only("province"),
    ),
    PostRow(
        "applications:batch_new",
        none,
        lambda w: {"name": "新批次", "year": "2030", "opens_on": "2030-01-01", "closes_on": "2030-02-01"},
        "province",
        post_only("province"),
    ),
    PostRow(
        "applications:batch_edit",
        lambda w: {"pk": w.batch.pk},
        lambda w: {
            "name": "改名批次",
            "year": str(w.batch.year),
            "opens_on": w.batch.opens_on.isoformat(),
            "closes_on": w.batch.closes_on.isoformat(),
        },
        "province",
        post_only("province"),
    ),
    PostRow("applications:batch_toggle", lambda w: {"pk": w.batch.pk}, lambda w: {}, "province", post_only("province")),
    # institution_own already has an application in progress, so it is refused (with a message, nothing saved).
    PostRow(
        "applications:start",
        lambda w: {"batch_pk": w.batch.pk},
        lambda w: {},
        "institution_other",
        post_only("institution_other", also_in_scope=["institution_own"]),
    ),
    PostRow(
        "applications:edit",
        lambda w: {"pk": w.draft.pk},
        lambda w: {"training_fields": "卫生健康", "recommender_kind": "region", **_management("people")},
        "institution_own",
        post_only("institution_own"),
        "draft",
    ),
    PostRow(
        "applications:upload",
        lambda w: {"pk": w.visit_app.pk},
        lambda w: {"condition": Condition.SITE_VISIT, "file": _pdf(w)},
        "province",
        post_only("province"),
    ),
    # The recommender of another unit, another institution and an inspector cannot even see it: 404.
    # Those who can see it but may not recommend get a message and nothing changes.
    PostRow(
        "applications:act",
        lambda w: {"pk": w.app.pk, "action": "recommend"},
        lambda w: {"recommend-comment": "同意推荐", "recommend-expected_state": "submitted"},
        "recommender_own",
        post_only("recommender_own", also_in_scope=["institution_own", "province"]),
        "recommend",
    ),
    PostRow(
        "applications:act",
        lambda w: {"pk": w.app.pk, "action": "withdraw"},
        lambda w: {"withdraw-comment": "", "withdraw-expected_state": "submitted"},
        "institution_own",
        post_only("institution_own", also_in_scope=["recommender_own", "province"]),
        "withdraw",
    ),
    PostRow(
        "recognition:notice_new",
        lambda w: {"batch_pk": w.batch.pk},
        lambda w: {
            "applications": [w.visit_app.pk],
            "starts_on": timezone.localdate().isoformat(),
            "working_days": "5",
        },
        "province",
        post_only("province"),
    ),
    PostRow(
        "applications:resolve_objection",
        lambda w: {"pk": w.objection.pk},
        lambda w: {f"objection-{w.objection.pk}-resolution": "经核实，异议不成立。"},
        "province",
        post_only("province"),
    ),
    PostRow(
        "applications:calendar",
        none,
        lambda w: {"date": "2031-10-01", "kind": "holiday", "name": "国庆节"},
        "province",
        post_only("province"),
    ),
    PostRow(
        "applications:schedule_visit",
        lambda w: {"pk": w.review_app.pk},
        lambda w: {
            "schedule_visit-scheduled_on": timezone.localdate().isoformat(),
            "schedule_visit-team": "张三、李四",
            "schedule_visit-expected_state": "under_review",
        },
        "province",
        post_only("province"),
    ),
    PostRow(
        "applications:record_visit",
        lambda w: {"pk": w.visit_app.pk},
        lambda w: {"findings-findings": "复核一致"},
        "province",
        post_only("province"),
    ),
    PostRow(
        "recognition:approve",
        lambda w: {"pk": w.visit_app.pk},
        lambda w: {
            "approve-recognised_on": timezone.localdate().isoformat(),
            "approve-expected_state": "site_visit",
        },
        "province",
        post_only("province"),
    ),
    PostRow(
        "applications:reject",
        lambda w: {"pk": w.review_app.pk},
        lambda w: {"reject-comment": "条件不符", "reject-expected_state": "under_review"},
        "province",
        post_only("province"),
    ),
    # Supervision.
    PostRow(
        "supervision:record",
        lambda w: {"pk": w.assigned_inspection.pk},
        _record_findings,
        ("inspector", "province"),
        post_only("inspector", "province"),
        "findings",
    ),
    PostRow(
        "supervision:act",
        lambda w: {"pk": w.inspection.pk, "action": "publish"},
        lambda w: {"comment": "", "expected_state": "confirmed"},
        "province",
        post_only("province"),
        "publish",
    ),
    PostRow("supervision:draw_publish", lambda w: {"pk": w.draw.pk}, lambda w: {}, "province", post_only("province")),
    PostRow(
        "supervision:rectification_report",
        lambda w: {"pk": w.rectification.pk},
        lambda w: {"report": "已补齐培训档案", "expected_state": "open"},
        "institution_own",
        post_only("institution_own"),
    ),
    PostRow(
        "supervision:rectification_verify",
        lambda w: {"pk": w.reported_rectification.pk, "action": "pass"},
        lambda w: {"comment": "核验通过", "expected_state": "reported"},
        "province",
        post_only("province"),
        "pass",
    ),
    # A base's institution or its recommending unit may ask the province to cancel it (Art. 23).
    PostRow(
        "supervision:cancellation_new",
        lambda w: {"base_pk": w.base.pk},
        lambda w: {"reason": "机构已停止培训业务"},
        ("institution_own", "recommender_own"),
        post_only("institution_own", "recommender_own"),
        prepare=lambda w: CancellationRequest.objects.filter(pk=w.cancellation.pk).update(state="refused"),
    ),
    # Only the province decides it; the requesting institution may look but not decide.
    PostRow(
        "supervision:cancellation",
        lambda w: {"pk": w.cancellation.pk},
        lambda w: {"decision": "不同意，基地运行正常"},
        "province",
        post_only("province"),
        "decide",
    ),
    PostRow(
        "bases:publish_batch",
        lambda w: {"batch_pk": w.batch.pk},
        lambda w: {},
        "province",
        post_only("province"),
    ),
    PostRow(
        "bases:fee_disclosure",
        lambda w: {"pk": w.base.pk},
        lambda w: {"scope": "公需科目", "content": "工程技术", "fee_items": "公需科目培训 每人每学时 20元"},
        "institution_own",
        post_only("institution_own"),
    ),
    # Only the province decides a change filing; the institution that filed it may look but not decide.
    PostRow(
        "bases:change_detail",
        lambda w: {"pk": w.change.pk},
        lambda w: {"accept": "1", "comment": ""},
        "province",
        post_only("province"),
    ),
    # Another institution cannot even see the base: 404 from the service, nothing started.
    PostRow(
        "bases:filing_start",
        lambda w: {"base_pk": w.base.pk, "year": timezone.localdate().year},
        lambda w: {},
        "institution_own",
        post_only("institution_own"),
    ),
    PostRow(
        "bases:filing_edit",
        lambda w: {"pk": w.filing_draft.pk},
        lambda w: {"plan_execution": "按计划完成", "trained_total": "1200", **_management("programmes")},
        "institution_own",
        post_only("institution_own"),
        "draft",
    ),
    PostRow(
        "bases:filing_act",
        lambda w: {"pk": w.filing.pk, "action": "accept"},
        lambda w: {"comment": "", "expected_state": "submitted"},
        "province",
        post_only("province"),
        "accept",
    ),
]


def test_every_post_only_url_has_a_post_row():
    """A URL that answers GET with 405 for someone in scope only takes POSTs: its POST must be in the matrix."""
    post_only_names = {row.name for row in ROWS if 405 in row.expected.values()}
    # Covered elsewhere: logging out (tests/users) and the inbox (tests/test_notify.py), which act on
    # the user's own session and messages only.
    post_only_names -= {"logout", "inbox_open", "inbox_read_all"}
    missing = sorted(post_only_names - {row.name for row in POST_ROWS})
    assert not missing, f"POST-only URLs without a row in POST_ROWS: {missing}"


@pytest.mark.parametrize("row", POST_ROWS, ids=lambda r: r.id)
def test_post_answers_what_the_matrix_says_and_only_the_allowed_role_changes_anything(client, world, row, subtests):
    url = reverse(row.name, kwargs=row.kwargs(world))
    for role in ROLES:
        with subtests.test(role=role):
            client = _client_as(client, world, role)
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
