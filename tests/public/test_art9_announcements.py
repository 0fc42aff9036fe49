"""Art. 9 and section 3: the province publishes a batch's recognised bases as an announcement, which puts
them in the public register; announcements list newest first and each has its own page."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bases import services
from bases.models import Announcement, AnnouncementKind, Base
from core.errors import RuleViolation
from tests import factories
from tests.helpers import assert_constant_queries, visible_text

from .conftest import listed_bases, page_title, published_base

pytestmark = pytest.mark.django_db


@pytest.fixture
def recognised_batch():
    """A batch with two recognised bases not yet published, and a base of another batch."""
    batch = factories.BatchFactory(name="2025年第一批")
    first = factories.BaseFactory(
        application__batch=batch, year=2025, sequence=1, name="福州鼓山职业培训学院", recognised_on=date(2025, 7, 1)
    )
    second = factories.BaseFactory(
        application__batch=batch,
        year=2025,
        sequence=2,
        name="厦门海沧继续教育中心",
        region=factories.region("350200"),
        recognised_on=date(2025, 7, 1),
    )
    other = factories.BaseFactory(year=2025, sequence=3)
    return batch, [first, second], other


def test_publishing_a_batch_announces_its_bases_and_puts_them_in_the_register(visitor, province_user, recognised_batch):
    batch, bases, other = recognised_batch
    assert listed_bases(visitor.get(reverse("public:register"))) == []

    announcement = services.publish_recognitions(actor=province_user, batch=batch)

    assert announcement.kind == AnnouncementKind.RECOGNITION
    assert "2025年第一批" in announcement.title
    assert set(announcement.bases.all()) == set(bases)
    assert announcement.batch == batch and announcement.created_by == province_user
    assert "闽继教基地〔2025〕001号　福州鼓山职业培训学院（福州市）" in announcement.body
    assert "闽继教基地〔2025〕002号　厦门海沧继续教育中心（厦门市）" in announcement.body
    assert "认定以下2家机构" in announcement.body
    for base in bases:
        base.refresh_from_db()
        assert base.published_at == announcement.published_at
    other.refresh_from_db()
    assert other.published_at is None
    assert listed_bases(visitor.get(reverse("public:register"))) == [b.pk for b in bases]


def test_publishing_a_batch_twice_is_refused_and_bases_added_later_are_announced_alone(province_user, recognised_batch):
    batch, bases, _ = recognised_batch
    services.publish_recognitions(actor=province_user, batch=batch)

    with pytest.raises(RuleViolation, match="没有待公布"):
        services.publish_recognitions(actor=province_user, batch=batch)

    late = factories.BaseFactory(application__batch=batch, year=2025, sequence=9)
    second = services.publish_recognitions(actor=province_user, batch=batch)
    assert list(second.bases.all()) == [late]
    assert Announcement.objects.filter(batch=batch).count() == 2


def test_only_the_province_publishes_recognitions(institution_user, recognised_batch):
    batch, bases, _ = recognised_batch

    with pytest.raises(RuleViolation):
        services.publish_recognitions(actor=institution_user, batch=batch)
    assert not Base.objects.published().exists()


def test_province_publishes_a_batch_from_the_page_and_lands_on_the_announcement(
    client_as, province_user, recognised_batch
):
    batch, bases, _ = recognised_batch
    province = client_as(province_user)
    url = reverse("bases:publish_batch", args=[batch.pk])

    # a POST without the confirmation step shows the preview and publishes nothing (issue 14, point 6)
    preview = province.post(url)
    assert preview.status_code == 200
    assert "文号：保存后分配" in visible_text(preview) and "福州鼓山职业培训学院" in visible_text(preview)
    assert not Announcement.objects.exists() and not Base.objects.published().exists()

    digest = services.recognition_list_draft(batch).digest
    assert f'value="{digest}"' in preview.content.decode()
    response = province.post(url, {"confirm-digest": digest}, follow=True)

    announcement = Announcement.objects.get(batch=batch)
    assert response.redirect_chain[-1][0] == reverse("public:announcement", args=[announcement.pk])
    text = visible_text(response)
    assert "已公布2家基地，并印发公布认定名单的通知" in text
    assert "福州鼓山职业培训学院" in text


def test_publish_batch_page_is_404_for_an_institution(client_as, institution_user, recognised_batch):
    batch, _, _ = recognised_batch

    response = client_as(institution_user).post(reverse("bases:publish_batch", args=[batch.pk]))

    assert response.status_code == 404
    assert not Base.objects.published().exists()


def test_announcements_list_newest_first_with_kind_and_date(visitor):
    now = timezone.now()
    old = Announcement.objects.create(
        kind=AnnouncementKind.RECOGNITION, title="较早的认定名单", body="…", published_at=now - timedelta(days=30)
    )
    new = Announcement.objects.create(
        kind=AnnouncementKind.CHANGE, title="最新的变更公告", body="…", published_at=now - timedelta(days=1)
    )
    middle = Announcement.objects.create(
        kind=AnnouncementKind.REVOCATION, title="中间的撤销公告", body="…", published_at=now - timedelta(days=10)
    )

    response = visitor.get(reverse("public:announcements"))

    page = response.content.decode()
    positions = [page.index(a.title) for a in (new, middle, old)]
    assert positions == sorted(positions)
    text = visible_text(response)
    assert "最新的变更公告 变更公告" in text
    assert "较早的认定名单 认定名单" in text
    assert f"{timezone.localtime(new.published_at):%Y年%-m月%-d日}" in text


def test_announcement_page_shows_title_date_and_body(visitor, province_user, recognised_batch):
    batch, _, _ = recognised_batch
    announcement = services.publish_recognitions(actor=province_user, batch=batch)

    response = visitor.get(reverse("public:announcement", args=[announcement.pk]))

    assert response.status_code == 200
    assert page_title(response).startswith(announcement.title)
    text = visible_text(response)
    assert announcement.title in text
    assert f"福建省人力资源和社会保障厅 · {timezone.localdate():%Y年%-m月%-d日}" in text
    assert "闽继教基地〔2025〕001号 福州鼓山职业培训学院（福州市）" in text  # the 　 collapses to a space


def test_unknown_announcement_is_404(visitor):
    assert visitor.get(reverse("public:announcement", args=[424242])).status_code == 404


def test_a_base_page_links_the_announcements_about_it(visitor, province_user):
    base = published_base()
    mention = Announcement.objects.create(
        kind=AnnouncementKind.CHANGE, title="基地信息变更公告", body="…", published_at=timezone.now(), base=base
    )

    page = visitor.get(reverse("public:base", args=[base.pk])).content.decode()

    assert reverse("public:announcement", args=[mention.pk]) in page


def test_announcement_list_runs_the_same_queries_for_5_and_50(visitor):
    def make(n):
        for i in range(n):
            Announcement.objects.create(
                kind=AnnouncementKind.OTHER, title=f"公告{i}", body="…", published_at=timezone.now()
            )

    make(5)
    response = assert_constant_queries(
        lambda: visitor.get(reverse("public:announcements")),
        lambda: make(45),
        also=[lambda: visitor.get(reverse("public:announcements"), {"page": 2})],
    )

    assert "第2页，共3页（50条）" in visible_text(response)


def test_a_base_page_links_the_recognition_announcement_that_published_it(visitor, province_user, recognised_batch):
    batch, bases, _ = recognised_batch
    announcement = services.publish_recognitions(actor=province_user, batch=batch)

    page = visitor.get(reverse("public:base", args=[bases[0].pk])).content.decode()

    assert reverse("public:announcement", args=[announcement.pk]) in page
