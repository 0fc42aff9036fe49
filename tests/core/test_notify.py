"""Notifications: one inbox row per person and, once the transaction commits, one e-mail each (SPEC 2.2)."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.urls import reverse

from core.models import Notification
from core.notifications import notify, send_pending
from tests import factories
from tests.helpers import assert_constant_queries, get_ok


@pytest.fixture
def people(db):
    return [factories.InstitutionUserFactory(), factories.RecommenderUserFactory()]


def test_notify_puts_one_message_in_each_inbox(people):
    written = notify(people, title="申报已提交", body="请审核推荐。", url="/applications/1/")
    assert written == 2
    rows = Notification.objects.order_by("recipient_id")
    assert [(n.recipient, n.title, n.body, n.url, n.read_at) for n in rows] == [
        (person, "申报已提交", "请审核推荐。", "/applications/1/", None) for person in people
    ]


def test_e_mail_goes_out_once_per_recipient_after_commit(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(people, title="申报已提交", body="请审核推荐。", url="/applications/1/")
        assert mail.outbox == []  # nothing leaves before the transaction commits

    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    message = mail.outbox[0]
    assert message.subject == "申报已提交"
    assert "请审核推荐。" in message.body
    assert f"{settings.SITE_URL}/applications/1/" in message.body
    assert not Notification.objects.filter(emailed_at=None).exists()


def test_a_rolled_back_notification_is_neither_kept_nor_e_mailed(people, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(people, title="不该发出")
        raise RuntimeError("the action failed")
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_a_dedupe_key_sends_at_most_once_however_often_called(people, django_capture_on_commit_callbacks):
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            notify(people, title="年度报告提醒", dedupe_key="annual-2025-12-01")
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 2


def test_a_dedupe_key_still_reaches_someone_who_had_not_had_it(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(people[:1], title="年度报告提醒", dedupe_key="annual-2025-12-01")
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(people, title="年度报告提醒", dedupe_key="annual-2025-12-01") == 1
    assert Notification.objects.filter(recipient=people[1]).count() == 1
    assert [m.to for m in mail.outbox] == [[people[0].email], [people[1].email]]


def test_the_same_person_listed_twice_gets_one_message(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert notify([people[0], people[0]], title="一次") == 1
    assert len(mail.outbox) == 1


def test_an_inactive_user_gets_nothing(db, django_capture_on_commit_callbacks):
    gone = factories.RecommenderUserFactory(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify([gone], title="申报已提交") == 0
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_someone_without_an_e_mail_address_still_gets_the_inbox_message(db, django_capture_on_commit_callbacks):
    no_mail = factories.UserFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        notify([no_mail], title="只在站内")
    assert Notification.objects.get().recipient == no_mail
    assert mail.outbox == []


def test_the_outbox_sweep_never_sends_a_message_twice(people):
    notify(people, title="申报已提交")
    assert send_pending() == 2
    assert send_pending() == 0
    assert len(mail.outbox) == 2


def test_a_failed_e_mail_is_retried_by_the_first_sweep_after_its_wait(people, settings):
    notify(people[:1], title="重试")
    settings.EMAIL_BACKEND = "tests.core.test_notify.BrokenBackend"
    assert send_pending() == 0
    note = Notification.objects.get()
    assert (note.emailed_at, note.email_attempts, note.email_error) == (None, 1, "OSError: connection refused")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_pending() == 0  # still waiting (a minute after the first failure)
    with time_machine.travel(note.email_next_attempt_at + timedelta(seconds=1)):
        assert send_pending() == 1
    assert len(mail.outbox) == 1


class BrokenBackend:
    """An e-mail backend whose server is down."""

    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("connection refused")


# -- the inbox page -------------------------------------------------------------------------------------


def test_the_inbox_shows_the_messages_and_the_navbar_counts_the_unread(client_as, institution_user):
    factories.NotificationFactory(recipient=institution_user, title="申报被退回修改", body="请补充第七条材料。")
    factories.NotificationFactory(recipient=institution_user, title="申报已提交")
    factories.NotificationFactory(recipient=institution_user, title="旧消息", read_at="2025-01-01T00:00:00+08:00")
    factories.NotificationFactory(title="别人的消息")

    html = client_as(institution_user).get(reverse("inbox")).content.decode()
    assert "申报被退回修改" in html and "请补充第七条材料。" in html and "旧消息" in html
    assert "别人的消息" not in html
    assert 'aria-label="2条未读">2</span>' in html


def test_the_navbar_counts_the_unread_up_to_99_and_then_shows_99_plus(client_as, institution_user):
    factories.NotificationFactory.create_batch(99, recipient=institution_user)
    client = client_as(institution_user)
    assert 'aria-label="99条未读">99</span>' in client.get(reverse("home")).content.decode()
    factories.NotificationFactory(recipient=institution_user)
    assert 'aria-label="99+条未读">99+</span>' in client.get(reverse("home")).content.decode()


def test_no_unread_badge_when_everything_is_read(client_as, institution_user):
    factories.NotificationFactory(recipient=institution_user, read_at="2025-01-01T00:00:00+08:00")
    html = client_as(institution_user).get(reverse("home")).content.decode()
    assert "条未读" not in html


def test_the_inbox_runs_the_same_queries_for_5_and_50_messages(client_as, institution_user):
    client = client_as(institution_user)
    factories.NotificationFactory.create_batch(5, recipient=institution_user, url="/applications/1/")
    page = assert_constant_queries(
        lambda: get_ok(client, reverse("inbox")),
        lambda: factories.NotificationFactory.create_batch(45, recipient=institution_user, url="/applications/1/"),
    )
    assert "第1页（共50条）" in page.content.decode()


def test_opening_a_message_marks_it_read_and_goes_to_its_page(client_as, institution_user):
    note = factories.NotificationFactory(recipient=institution_user, url="/applications/7/")
    response = client_as(institution_user).post(reverse("inbox_open", args=[note.pk]))
    assert response.status_code == 302 and response.url == "/applications/7/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_a_message_is_opened_by_post_only(client_as, institution_user):
    note = factories.NotificationFactory(recipient=institution_user, url="/applications/7/")
    assert client_as(institution_user).get(reverse("inbox_open", args=[note.pk])).status_code == 405
    note.refresh_from_db()
    assert note.read_at is None


@pytest.mark.parametrize(
    "url",
    [
        "//evil.example",
        "//evil.example/applications/1/",
        "https://evil.example/",
        "http:/evil.example",
        "javascript:alert(1)",
        "",
        "/\\evil.example",
    ],
)
def test_opening_a_message_never_leaves_the_site(client_as, institution_user, url):
    note = factories.NotificationFactory(recipient=institution_user, url=url)
    response = client_as(institution_user).post(reverse("inbox_open", args=[note.pk]))
    assert response.status_code == 302 and response.url == reverse("inbox")
    note.refresh_from_db()
    assert note.read_at is not None


def test_someone_elses_message_answers_like_a_missing_one_and_stays_unread(client_as, institution_user):
    theirs = factories.NotificationFactory(url="/applications/7/")
    client = client_as(institution_user)
    for pk in (theirs.pk, theirs.pk + 1000):
        response = client.post(reverse("inbox_open", args=[pk]))
        assert response.status_code == 302 and response.url == reverse("inbox")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_touches_only_the_users_own_messages(client_as, institution_user):
    mine = factories.NotificationFactory.create_batch(3, recipient=institution_user)
    theirs = factories.NotificationFactory()
    response = client_as(institution_user).post(reverse("inbox_read_all"), follow=True)
    assert "已全部标为已读" in response.content.decode()
    assert "条未读" not in response.content.decode()
    assert not Notification.objects.filter(pk__in=[n.pk for n in mine], read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_an_action_in_the_workflow_notifies_whoever_acts_next(
    client_as, institution_user, django_capture_on_commit_callbacks
):
    """End to end: a recommender returns an application; the institution finds it in its inbox and e-mail."""
    from django.utils import timezone

    now = timezone.now()
    app = factories.ApplicationFactory(
        institution=institution_user.institution,
        created_by=institution_user,
        state="submitted",
        submitted_at=now,
        last_submitted_at=now,
    )
    recommender = factories.RecommenderUserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(recommender).post(
            reverse("applications:act", args=[app.pk, "return_recommender"]),
            {"return_recommender-comment": "请补充师资证明", "return_recommender-expected_state": "submitted"},
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[institution_user.email]]
    assert "请补充师资证明" in mail.outbox[0].body
    html = client_as(institution_user).get(reverse("inbox")).content.decode()
    assert "申报被退回修改" in html and "请补充师资证明" in html
