"""OWASP A01 (broken access control / IDOR): a record of another organisation answers exactly as a record that
does not exist — 404 (or the 405 every id gets) — to GET and POST, and a POST to it changes nothing (SPEC 1).

Every URL that takes a record's id is in tests/urlbook.py with the parties that must be kept out;
a new one without an entry fails `test_every_object_url_names_who_must_be_kept_out`. Each row also checks
the control: the record's own user reaches it, and that user's POST (same data) does change something.

tests/access/test_permission_matrix.py holds the status of every URL for every role; this file adds, per
object URL: the answer is indistinguishable from a non-existent id, POSTs made with data that would succeed
are refused for every outsider, and ids smuggled in through form fields (not the path) reach nothing either.
"""

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import ApplicationDocument, ApplicationPerson, Objection
from core.models import Notification
from tests import factories
from tests.urlbook import URLS, missing_urls, object_url_names, object_urls_without_outsiders

from .helpers import rolled_back, url_of, url_without_object, writes

OBJECT_URLS = [u for u in URLS if u.outsiders]

pytestmark = pytest.mark.django_db


def test_every_url_of_the_project_is_in_the_url_book():
    assert not missing_urls(), f"URLs missing from tests/urlbook.py (add an entry): {missing_urls()}"


def test_every_object_url_names_who_must_be_kept_out():
    assert object_url_names(), "the resolver walk found no object URLs: the walk is broken"
    assert not object_urls_without_outsiders(), (
        "object URLs without outsiders (or a reason they are public) in tests/urlbook.py: "
        f"{object_urls_without_outsiders()}"
    )


@pytest.mark.parametrize("entry", OBJECT_URLS, ids=lambda u: u.id)
def test_another_organisations_record_answers_like_a_missing_one_and_a_post_changes_nothing(
    w, as_role, entry, subtests
):
    # The control: the record's own user reaches it, and that user's POST changes something.
    actor = as_role(entry.actor)
    own = url_of(entry, w)
    assert actor.get(own).status_code != 404, f"{entry.actor} cannot reach its own record at {own}"
    if entry.data is not None:
        with rolled_back():
            if entry.prepare:
                entry.prepare(w)
            with writes() as done:
                response = actor.post(own, entry.data(w))
        assert response.status_code < 400, f"control POST {own} as {entry.actor}: {response.status_code}"
        assert done.tables, f"control POST {own} as {entry.actor} changed nothing: the data does not succeed"

    for role in entry.outsiders:
        with subtests.test(role=role):
            client = as_role(role)
            url, missing = url_of(entry, w, role), url_without_object(entry, w)
            got, nothing = client.get(url), client.get(missing)
            assert got.status_code in (404, 405), f"GET {url} as {role}: {got.status_code}"
            assert (got.status_code, got.get("Location")) == (nothing.status_code, nothing.get("Location")), (
                f"GET {url} as {role} answers differently from a missing id: the id leaks"
            )
            with rolled_back():
                if entry.prepare:
                    entry.prepare(w)
                with writes() as done:
                    response = client.post(url, entry.data(w) if entry.data else {})
            assert response.status_code == 404, f"POST {url} as {role}: {response.status_code}"
            assert not done.tables, f"POST {url} as {role} wrote to {sorted(done.tables)}"


# -- ids that come in the request body rather than the path ---------------------------------------------


def test_opening_another_users_inbox_message_answers_like_a_missing_one_and_leaves_it_unread(w, as_role):
    client = as_role("institution_other")
    theirs = client.post(reverse("inbox_open", args=[w.note.pk]))
    missing = client.post(reverse("inbox_open", args=[987_654_321]))
    assert (theirs.status_code, theirs["Location"]) == (missing.status_code, missing["Location"])
    assert theirs["Location"] == reverse("inbox"), "the other user's message link must not be followed"
    w.note.refresh_from_db()
    assert w.note.read_at is None


@pytest.fixture
def other_draft(w):
    """A draft of the other institution, whose edit page is the attacker's way in."""
    user = w.users["institution_other"]
    return factories.ApplicationFactory(
        batch=w.batch, institution=user.institution, created_by=user, recommender_region=user.institution.region
    )


def edit_post(app, **extra):
    data = {"training_fields": [factories.field("工程技术").pk], "recommender_kind": "region", "save": "1", **extra}
    data.update(
        {
            "people-TOTAL_FORMS": "0",
            "people-INITIAL_FORMS": "0",
            "people-MIN_NUM_FORMS": "0",
            "people-MAX_NUM_FORMS": "1000",
        }
    )
    return data


def test_removing_a_document_of_another_application_from_ones_own_draft_removes_nothing(w, as_role, other_draft):
    client = as_role("institution_other")
    victim = w.draft_document
    client.post(reverse("applications:edit", args=[other_draft.pk]), edit_post(other_draft, remove=str(victim.pk)))
    victim.refresh_from_db()
    assert victim.replaced_at is None


def test_replacing_a_document_of_another_application_is_refused_and_the_document_stays(w, as_role, other_draft):
    client = as_role("institution_other")
    victim = w.draft_document
    before = ApplicationDocument.objects.count()
    response = client.post(
        reverse("applications:edit", args=[other_draft.pk]),
        edit_post(other_draft, **{f"replace_{victim.pk}": factories.pdf_file("替换.pdf")}),
    )
    victim.refresh_from_db()
    assert victim.replaced_at is None
    assert ApplicationDocument.objects.count() == before
    assert "要替换的材料不存在或已被替换" in response.content.decode()


def test_a_person_row_carrying_the_id_of_another_applications_person_leaves_that_person_alone(w, as_role, other_draft):
    victim = factories.ApplicationPersonFactory(application=w.draft, name="本方管理员")
    client = as_role("institution_other")
    data = edit_post(other_draft)
    data.update(
        {
            "people-TOTAL_FORMS": "1",
            "people-0-id": str(victim.pk),
            "people-0-kind": "manager",
            "people-0-name": "被改名",
            "people-0-degree": "bachelor",
            "people-0-full_time": "on",
        }
    )
    client.post(reverse("applications:edit", args=[other_draft.pk]), data)
    victim.refresh_from_db()
    assert (victim.application_id, victim.name) == (w.draft.pk, "本方管理员")
    assert ApplicationPerson.objects.filter(application=other_draft, name="被改名").count() == 1


def test_an_objection_naming_an_application_not_on_the_notice_is_refused_and_not_stored(w):
    before = Objection.objects.count()
    response = Client().post(
        reverse("applications:objection", args=[w.notice.pk]),
        {"application": w.draft.pk, "name": "张群众", "contact": "13900000000", "facts": "事实"},
    )
    assert response.status_code == 200
    assert Objection.objects.count() == before
    assert "errorlist" in response.content.decode() or "is-invalid" in response.content.decode()


def test_marking_all_read_touches_only_ones_own_messages(w, as_role):
    mine = factories.NotificationFactory(recipient=w.users["institution_other"])
    as_role("institution_other").post(reverse("inbox_read_all"))
    assert Notification.objects.get(pk=mine.pk).read_at is not None
    assert Notification.objects.get(pk=w.note.pk).read_at is None


def test_a_rectification_order_can_cite_only_an_inspection_of_its_own_base(w, as_role):
    from supervision import services as supervision
    from supervision.models import RectificationOrder

    elsewhere = supervision.schedule_inspection(
        actor=w.users["province"], base_id=w.unpublished_base.pk, kind="periodic",
        scheduled_on=w.inspection.scheduled_on, province_team="王科长",
    )  # fmt: skip
    before = RectificationOrder.objects.count()
    as_role("province").post(
        reverse("supervision:rectification_new", args=[w.base.pk]) + f"?inspection={elsewhere.pk}",
        {"ground": "failed_inspection", "findings": "考核不合格", "deadline": "2031-01-01", "inspection": elsewhere.pk},
    )
    cited = RectificationOrder.objects.filter(base=w.base, inspection=elsewhere)
    assert not cited.exists(), "the order cites an inspection of another base"
    assert RectificationOrder.objects.count() in (before, before + 1)
