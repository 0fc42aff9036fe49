"""SPEC 3, issue 15 (7): the announcements list can be searched and filtered by kind and year, shows each
announcement's 文号, and costs a fixed number of queries however long it is."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from bases.models import Announcement
from tests import factories
from tests.helpers import assert_constant_queries, client_as, visible_text

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def announce(title, kind="other", number="", year=2026, body="正文"):
    return Announcement.objects.create(
        kind=kind, title=title, body=body, number=number, published_at=datetime(year, 5, 1, 9, tzinfo=SHANGHAI)
    )


def test_the_list_is_searched_by_title_body_or_number_and_filtered_by_kind_and_year():
    announce("关于撤销甲基地资格的公告", kind="revocation", number="闽人社文〔2026〕7号")
    announce("关于公布2025年度基地名单的通知", kind="recognition", number="闽人社文〔2025〕3号", year=2025)
    announce("系统维护通知", body="平台将于周六维护。")
    visitor = client_as(None)
    url = reverse("public:announcements")

    def titles(**query):
        return [a for a in ("甲基地", "2025年度", "系统维护") if a in visible_text(visitor.get(url, query))]

    assert titles() == ["甲基地", "2025年度", "系统维护"]
    assert titles(q="〔2026〕7号") == ["甲基地"]
    assert titles(q="周六维护") == ["系统维护"]
    assert titles(kind="recognition") == ["2025年度"]
    assert titles(year=2025) == ["2025年度"]
    assert "闽人社文〔2026〕7号" in visible_text(visitor.get(url))


def test_the_list_runs_a_fixed_number_of_queries():
    visitor = client_as(None)
    announce("第一条公告")  # an empty list skips its query: measure from one row

    def add():
        for i in range(12):
            announce(f"公告{i}", number=f"闽人社文〔2026〕{i + 100}号")

    assert_constant_queries(lambda: visitor.get(reverse("public:announcements")), add)


def test_a_revocation_announcement_carries_its_decisions_number(settings):
    from django.utils import timezone

    from applications.models import HearingKind
    from supervision import services

    province = factories.UserFactory(role="province")
    base = factories.BaseFactory()
    factories.heard(base, HearingKind.REVOCATION)
    revocation = services.revoke(
        actor=province, base_id=base.pk, ground="public_opinion", reason="引发重大舆情。",
        effective_on=timezone.localdate(),
    )  # fmt: skip
    announcement = Announcement.objects.get(kind="revocation")
    assert announcement.number == revocation.decision_number
    page = client_as(None).get(reverse("public:announcement", args=[announcement.pk]))
    assert revocation.decision_number in visible_text(page)
