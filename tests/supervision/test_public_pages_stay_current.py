"""Art. 21 and 23 with the public page cache switched on: a visitor sees a supervision decision on the register
and the base's page as soon as it is committed, never a stale cached page."""

import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from applications.models import HearingKind
from public import cache as public_cache
from supervision import services
from supervision.models import Result, RevocationGround
from tests import factories
from tests.helpers import visible_text

from .conftest import listed_bases, order, record, schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    """The page cache on, under a key prefix of its own: no earlier run (whose ids were the same) and no other
    run sharing the Redis cache can serve or spoil its pages."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"supervision-{uuid.uuid4().hex}"}}
    settings.PUBLIC_PAGE_CACHE = True
    settings.PUBLIC_REFERENCE_CACHE = True
    yield
    cache.delete(public_cache.VERSION_KEY)


def test_a_rectification_order_and_its_passing_show_on_the_cached_register_at_once(
    cached, base, province_user, institution_user, client, django_capture_on_commit_callbacks
):
    register = reverse("public:register")
    assert listed_bases(client.get(register, {"status": "rectifying"})) == []  # now cached

    with django_capture_on_commit_callbacks(execute=True):
        the_order = order(province_user, base, deadline=timezone.localdate() + timedelta(days=30))
    assert listed_bases(client.get(register, {"status": "rectifying"})) == [base.pk]

    with django_capture_on_commit_callbacks(execute=True):
        services.report_rectification(actor=institution_user, order_id=the_order.pk, report="已整改。")
        services.verify_rectification(actor=province_user, order_id=the_order.pk, passed=True)
    assert listed_bases(client.get(register, {"status": "rectifying"})) == []


def test_a_published_result_and_commendation_show_on_the_cached_base_page_at_once(
    cached, base, province_user, client, django_capture_on_commit_callbacks
):
    page = reverse("public:base", args=[base.pk])
    assert "暂无公布的考核结果。" in visible_text(client.get(page))  # now cached

    with django_capture_on_commit_callbacks(execute=True):
        inspection = schedule(province_user, base)
        record(province_user, inspection, result=Result.EXCELLENT)
        services.inspection_transition(actor=province_user, inspection_id=inspection.pk, action="confirm")
        services.inspection_transition(actor=province_user, inspection_id=inspection.pk, action="publish")

    text = visible_text(client.get(page))
    assert "定期考核（实地考察）： 优秀" in text and "考核优秀 · 表扬推广（第二十二条）" in text


def test_a_revoked_base_leaves_the_cached_register_at_once(
    cached, base, province_user, client, django_capture_on_commit_callbacks
):
    register = reverse("public:register")
    assert base.pk in listed_bases(client.get(register))  # now cached
    factories.heard(base, HearingKind.REVOCATION)

    with django_capture_on_commit_callbacks(execute=True):
        services.revoke(
            actor=province_user,
            base_id=base.pk,
            ground=RevocationGround.PUBLIC_OPINION,
            reason="引发重大舆情。",
            effective_on=timezone.localdate(),
        )

    assert base.pk not in listed_bases(client.get(register))
    assert listed_bases(client.get(register, {"status": "revoked"})) == [base.pk]
    assert "已撤销" in visible_text(client.get(reverse("public:base", args=[base.pk])))


def test_art23_the_cached_base_page_drops_a_rectification_decision_once_its_order_passes(
    cached, base, province_user, institution_user, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = order(province_user, base, deadline=timezone.localdate() + timedelta(days=30))
        second = order(province_user, base, deadline=timezone.localdate() + timedelta(days=60))
    page = reverse("public:base", args=[base.pk])
    text = visible_text(client.get(page))  # now cached
    assert first.decision.number in text and second.decision.number in text

    with django_capture_on_commit_callbacks(execute=True):
        services.report_rectification(actor=institution_user, order_id=first.pk, report="已整改。")
        services.verify_rectification(actor=province_user, order_id=first.pk, passed=True)

    text = visible_text(client.get(page))
    assert f"整改中（依据：{second.decision.number} {second.decision.title}）" in text
    assert first.decision.number not in text
