"""The public page cache (bases/cache.py) neither leaks nor goes stale: anonymous visitors get cached public
pages, every change committed through a service is visible on the next visit, and a signed-in user's page is
never served from, nor put into, the cache (it carries their name and a CSRF token)."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.models import HearingKind
from bases import services as base_services
from bases.models import Base
from supervision import services as supervision
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.PUBLIC_PAGE_CACHE = True
    settings.PUBLIC_REFERENCE_CACHE = True


def text(response) -> str:
    return response.content.decode()


def test_an_anonymous_visitor_gets_the_register_from_the_cache(w, django_assert_num_queries):
    first = Client().get(reverse("public:register"))
    assert w.base.name in text(first)
    with django_assert_num_queries(0):
        again = Client().get(reverse("public:register"))
    assert again.status_code == 200 and text(again) == text(first)


def test_a_cached_page_sets_no_cookie_and_carries_no_csrf_token(w):
    Client().get(reverse("public:base", args=[w.base.pk]))
    cached = Client().get(reverse("public:base", args=[w.base.pk]))
    assert not cached.cookies
    assert "csrfmiddlewaretoken" not in text(cached)


def test_a_stale_page_is_what_proves_the_cache_and_a_signed_in_user_never_gets_it(w, as_role):
    """A change made behind the services' back (a bare UPDATE: no signal, no invalidation) shows the cache at
    work for anonymous visitors, while a signed-in user sees the database."""
    url = reverse("public:register")
    assert w.base.name in text(Client().get(url))
    Base.objects.filter(pk=w.base.pk).update(name="绕过服务改的名字")
    assert w.base.name in text(Client().get(url)), "the anonymous page was not cached"
    for role in ("province", "institution_own", "recommender_other"):
        page = text(as_role(role).get(url))
        assert "绕过服务改的名字" in page and w.base.name not in page, f"{role} got the cached page"


def test_a_signed_in_users_page_is_never_cached_for_anonymous_visitors(w, as_role):
    province = w.users["province"]
    signed_in = text(as_role("province").get(reverse("public:register")))
    assert province.display_name in signed_in
    anonymous = text(Client().get(reverse("public:register")))
    assert province.display_name not in anonymous and "退出" not in anonymous


def test_a_visitor_with_a_session_cookie_is_not_served_from_the_cache(w):
    url = reverse("public:register")
    Client().get(url)
    Base.objects.filter(pk=w.base.pk).update(name="新名字")
    visitor = Client()
    visitor.cookies["sessionid"] = "anything"
    assert "新名字" in text(visitor.get(url))


def test_a_change_filing_accepted_through_the_service_shows_on_the_next_visit(w, django_capture_on_commit_callbacks):
    pages = {
        reverse("public:register"): "本方培训学院（更名后）",
        reverse("public:base", args=[w.base.pk]): "本方培训学院（更名后）",
        reverse("public:announcements"): f"{w.base.register_number}基地信息变更公告",
    }
    for url, news in pages.items():
        assert news not in text(Client().get(url))  # now cached
    filing = factories.ChangeFilingFactory(
        base=w.base, changes={"name": "本方培训学院（更名后）"}, old_values={"name": w.base.name}
    )
    with django_capture_on_commit_callbacks(execute=True):
        base_services.decide_change(actor=w.users["province"], filing_id=filing.pk, accept=True)
    for url, news in pages.items():
        assert news in text(Client().get(url)), url


def test_a_newly_published_base_appears_on_the_next_visit(w, django_capture_on_commit_callbacks):
    url = reverse("public:register")
    assert "待公布培训学院" not in text(Client().get(url))
    factories.BaseFactory(batch=w.batch, application__batch=w.batch, name="待公布培训学院")
    with django_capture_on_commit_callbacks(execute=True):
        base_services.publish_recognitions(actor=w.users["province"], batch=w.batch)
    assert "待公布培训学院" in text(Client().get(url))


def test_a_revoked_base_leaves_the_register_on_the_next_visit(w, django_capture_on_commit_callbacks):
    url = reverse("public:register")
    assert w.base.name in text(Client().get(url))
    factories.heard(w.base, HearingKind.REVOCATION)
    with django_capture_on_commit_callbacks(execute=True):
        supervision.revoke(
            actor=w.users["province"],
            base_id=w.base.pk,
            ground="public_opinion",
            reason="单位撤并",
            effective_on=timezone.localdate(),
        )
    assert w.base.name not in text(Client().get(url))
    assert "已撤销" in text(Client().get(reverse("public:base", args=[w.base.pk])))


def test_a_fee_disclosure_and_a_published_inspection_show_on_the_next_visit(w, django_capture_on_commit_callbacks):
    url = reverse("public:base", args=[w.base.pk])
    Client().get(url)
    with django_capture_on_commit_callbacks(execute=True):
        base_services.save_fee_disclosure(
            actor=w.users["institution_own"], base_id=w.base.pk, scope="新范围", content="新内容", fee_items="新标准"
        )
    assert "新标准" in text(Client().get(url))
    announcements = reverse("public:announcements")
    Client().get(announcements)
    with django_capture_on_commit_callbacks(execute=True):
        supervision.inspection_transition(actor=w.users["province"], inspection_id=w.inspection.pk, action="publish")
    assert "结果公告" in text(Client().get(announcements))


def test_a_change_rolled_back_leaves_the_cached_page_as_it_was(w, django_capture_on_commit_callbacks):
    """Invalidation waits for the commit: a failed change bumps nothing (and shows nothing)."""
    from django.db import transaction

    url = reverse("public:register")
    first = text(Client().get(url))
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        factories.BaseFactory(batch=w.batch, application__batch=w.batch, name="回滚的基地", published_at=timezone.now())
        transaction.set_rollback(True)
    assert callbacks == []
    assert text(Client().get(url)) == first
