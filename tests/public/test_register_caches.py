"""Issue 20: the public pages served from the cache before sessions, auth, CSRF and messages run (with the same
headers the whole stack gives), never to a visitor who may see something personal, never stale; and the
register's reference lists, counts and filter fields kept between changes, so a warm register runs one query
for its rows with 5 bases as with 50."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import InstitutionKind, Region, TrainingField
from bases.models import Base
from public import cache as public_cache
from tests import factories
from tests.helpers import get_ok
from tests.security.test_headers import check_protections

from .conftest import listed_bases, published_base

pytestmark = pytest.mark.django_db

REGISTER = reverse("public:register")
# Sent by a visitor who has a session: the page cache is never theirs, the reference lists are everyone's.
SESSION = {"sessionid": "a-visitor-with-a-session"}


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.PUBLIC_PAGE_CACHE = True
    settings.PUBLIC_REFERENCE_CACHE = True


def with_session() -> Client:
    """A visitor whose request carries a session cookie (the server clears an unknown one: a new client each time)."""
    visitor = Client()
    visitor.cookies.load(SESSION)
    return visitor


def queries(url, params=None) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = get_ok(with_session(), url, params or {})
    return len(ctx.captured_queries), response


def committed(django_capture_on_commit_callbacks, change):
    """Run `change` as a committed transaction would: the version bump after commit runs."""
    with django_capture_on_commit_callbacks(execute=True):
        return change()


# -- the page cache, in front of the stack ------------------------------------------------------------------


def test_a_hit_is_answered_before_the_session_and_the_user_are_read():
    published_base(name="缓存测试学院")
    miss = Client().get(REGISTER)
    assert hasattr(miss.wsgi_request, "session") and hasattr(miss.wsgi_request, "user")

    with CaptureQueriesContext(connection) as ctx:
        hit = Client().get(REGISTER)

    assert ctx.captured_queries == []
    assert hit.content == miss.content and "缓存测试学院" in hit.content.decode()
    assert not hasattr(hit.wsgi_request, "session") and not hasattr(hit.wsgi_request, "user")


def test_a_process_serves_its_own_copy_only_against_the_version_redis_gives_now():
    from django.core.cache import cache

    published_base(name="缓存测试学院")
    Client().get(REGISTER)  # rendered, stored in Redis and kept in this process
    with CaptureQueriesContext(connection) as ctx:
        Client().get(REGISTER)
    assert ctx.captured_queries == []
    # Redis lost its data (restarted empty): the version starts again, at a random number. Only this test's keys
    # are deleted: a FLUSHDB would empty the other test processes' keys too (their sessions among them).
    cache.delete_many([public_cache.VERSION_KEY, f"public-page:{REGISTER}"])
    with CaptureQueriesContext(connection) as ctx:
        again = Client().get(REGISTER)
    assert ctx.captured_queries != [] and "缓存测试学院" in again.content.decode()


@pytest.mark.parametrize("url", [REGISTER, "base"])
def test_a_hit_carries_the_headers_the_whole_stack_gives_a_rendered_page(url):
    if url == "base":
        url = reverse("public:base", args=[published_base().pk])
    miss = Client().get(url)
    hit = Client().get(url)
    assert not hasattr(hit.wsgi_request, "user"), "not served from the cache"

    assert check_protections(url, hit) == []
    assert "Cookie" in hit["Vary"]
    for name in (
        "Content-Type",
        "Content-Language",
        "Content-Security-Policy",
        "Permissions-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "Vary",
    ):
        assert hit.get(name) == miss.get(name), name
    assert hit["X-Request-ID"] != miss["X-Request-ID"]  # the request id is the request's, not the page's
    assert not hit.cookies


def test_a_head_request_is_answered_from_the_cache_and_a_post_never():
    published_base()
    Client().get(REGISTER)
    head = Client().head(REGISTER)
    assert head.status_code == 200 and not hasattr(head.wsgi_request, "user")
    post = Client().post(REGISTER)
    assert hasattr(post.wsgi_request, "user")


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_a_visitor_with_a_session_or_a_message_is_neither_served_nor_stored(cookie):
    base = published_base(name="原来的名字")
    personal = Client()
    personal.cookies[cookie] = "something-personal"
    personal.get(REGISTER)  # rendered for them; must not be stored for others
    Base.objects.filter(pk=base.pk).update(name="绕过服务改的名字")  # no signal, no bump

    assert "绕过服务改的名字" in personal.get(REGISTER).content.decode()  # never from the cache
    assert "绕过服务改的名字" in Client().get(REGISTER).content.decode()  # nothing was stored for them


def test_a_signed_in_user_is_never_served_the_anonymous_page(client_as):
    base = published_base(name="原来的名字")
    Client().get(REGISTER)
    Base.objects.filter(pk=base.pk).update(name="绕过服务改的名字")
    page = client_as(factories.UserFactory(role="province")).get(REGISTER)
    assert "绕过服务改的名字" in page.content.decode() and hasattr(page.wsgi_request, "user")


def test_a_page_that_is_not_found_is_not_stored():
    unpublished = factories.BaseFactory()  # recognised, not yet published: not on the public side
    url = reverse("public:base", args=[unpublished.pk])
    assert Client().get(url).status_code == 404
    again = Client().get(url)
    assert again.status_code == 404 and hasattr(again.wsgi_request, "user"), "a 404 was served from the cache"


def test_a_committed_change_to_a_public_fact_is_on_the_next_visit(django_capture_on_commit_callbacks):
    base = published_base(name="原来的名字")
    assert "原来的名字" in Client().get(REGISTER).content.decode()

    def rename():
        base.name = "改过的名字"
        base.save()

    committed(django_capture_on_commit_callbacks, rename)
    again = Client().get(REGISTER)
    assert "改过的名字" in again.content.decode() and hasattr(again.wsgi_request, "user")


def test_a_cached_page_is_still_refused_to_a_host_not_allowed():
    published_base()
    Client().get(REGISTER)
    assert Client().get(REGISTER, headers={"host": "evil.example"}).status_code == 400


# -- reference lists, counts, filter fields ------------------------------------------------------------


def _options(response, name) -> str:
    import re

    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', response.content.decode(), re.S)
    assert match, f"no {name} filter"
    return match.group(1)


def test_the_reference_lists_are_kept_between_changes_and_a_new_city_field_or_kind_shows_at_once(
    django_capture_on_commit_callbacks,
):
    published_base()
    get_ok(with_session(), REGISTER)  # past the page cache: what is kept here is the reference lists
    # Added behind the services' back (no signal): the kept list does not know it yet, which shows it is kept.
    TrainingField.objects.bulk_create([TrainingField(name="悄悄加的领域", order=99)])
    assert "悄悄加的领域" not in _options(get_ok(with_session(), REGISTER), "field")

    committed(django_capture_on_commit_callbacks, lambda: TrainingField.objects.create(name="低空经济", order=98))
    committed(
        django_capture_on_commit_callbacks, lambda: InstitutionKind.objects.create(name="新型研发机构", code="rnd")
    )
    committed(
        django_capture_on_commit_callbacks,
        lambda: Region.objects.create(code="350999", name="测试新区", hr_unit_name="测试新区人社局", order=99),
    )

    page = get_ok(with_session(), REGISTER)
    assert "低空经济" in _options(page, "field") and "悄悄加的领域" in _options(page, "field")
    assert '<option value="rnd">新型研发机构</option>' in _options(page, "institution_type")
    assert "测试新区" in _options(page, "region")


def test_the_rows_name_their_city_and_kind_from_the_kept_lists_or_read_them_when_not_there():
    published_base(name="甲基地", year=2025, sequence=1)
    page = get_ok(with_session(), REGISTER).content.decode()
    assert "甲基地" in page and factories.region().name in page
    # A kind the kept list does not know yet (added behind the services' back, no signal): read with a join.
    kind = InstitutionKind.objects.create(name="悄悄加的机构类型", code="quiet")
    Base.objects.filter(name="甲基地").update(institution_type=kind)
    assert "悄悄加的机构类型</td>" in get_ok(with_session(), REGISTER).content.decode()


def test_a_base_of_a_new_year_adds_the_year_to_the_filter(django_capture_on_commit_callbacks):
    published_base(year=2025, sequence=1)
    assert "2031年" not in _options(Client().get(REGISTER), "year")

    committed(django_capture_on_commit_callbacks, lambda: published_base(year=2031, sequence=1))

    page = Client().get(REGISTER)
    assert '<option value="2031">2031年</option>' in _options(page, "year")
    assert "共2个基地" in page.content.decode()  # the kept count moved too


def test_an_unknown_filter_value_gets_the_message_of_a_model_choice_and_lists_everything():
    published_base()
    page = Client().get(REGISTER, {"region": "abc", "field": "99999"})
    assert page.content.decode().count("所选内容不在可选范围内，请重新选择。") == 2  # as a model choice says it
    assert len(listed_bases(page)) == 1


def _publish(n, start=1):
    batch = factories.BatchFactory()
    for seq in range(start, start + n):
        published_base(application__batch=batch, year=2025, sequence=seq)


# The session the visitor's cookie names (looked up, not found) and the page of bases: the reference lists,
# the count and the filter fields are kept between changes.
WARM_REGISTER_QUERIES = 2


def test_a_warm_register_runs_one_query_for_its_rows_with_5_bases_as_with_50(django_capture_on_commit_callbacks):
    pages = [
        {},
        {"page": 2},
        {"region": factories.region("350100").pk, "status": "all", "sort": "region", "page": 3},
        {"year": 2025, "sort": "name", "page": 2},
    ]
    committed(django_capture_on_commit_callbacks, lambda: _publish(5))
    for params in pages:
        queries(REGISTER, params)  # warm
        assert queries(REGISTER, params)[0] == WARM_REGISTER_QUERIES, params

    committed(django_capture_on_commit_callbacks, lambda: _publish(45, start=6))
    for params in pages:
        queries(REGISTER, params)
        assert queries(REGISTER, params)[0] == WARM_REGISTER_QUERIES, params
    assert "共50个基地" in get_ok(with_session(), REGISTER).content.decode()
    assert len(listed_bases(get_ok(with_session(), REGISTER, {"page": 3}))) == 10


# With the page cache off the page is rendered for every visitor, from the values kept between changes: the
# page of bases (no session cookie, no session read). With those off too, the cities, fields, kinds and years
# and the count are read again.
UNCACHED_REGISTER_QUERIES = 1
REBUILT_REGISTER_QUERIES = 6


@pytest.mark.parametrize(("kept", "expected"), [(True, UNCACHED_REGISTER_QUERIES), (False, REBUILT_REGISTER_QUERIES)])
def test_without_the_page_cache_the_page_is_rendered_from_the_kept_values(
    settings, django_capture_on_commit_callbacks, kept, expected
):
    """PUBLIC_PAGE_CACHE switches the page cache only; PUBLIC_REFERENCE_CACHE the values a page is built from."""
    settings.PUBLIC_PAGE_CACHE = False
    settings.PUBLIC_REFERENCE_CACHE = kept
    committed(django_capture_on_commit_callbacks, lambda: _publish(5))
    first = Client().get(REGISTER)
    with CaptureQueriesContext(connection) as ctx:
        again = Client().get(REGISTER)
    assert len(ctx.captured_queries) == expected
    assert hasattr(again.wsgi_request, "user"), "served from the page cache"
    assert again.content == first.content and "共5个基地" in again.content.decode()


def test_the_last_page_lists_the_last_bases_in_register_order():
    for seq in range(1, 46):
        published_base(year=2025, sequence=seq)
    last = Client().get(REGISTER, {"status": "all", "page": 3})
    expected = list(Base.objects.filter(year=2025).order_by("sequence").values_list("pk", flat=True)[40:45])
    assert listed_bases(last) == expected


def test_the_version_is_kept_in_the_cache_with_the_values():
    """The kept values carry the version they were built under: a bump makes every one of them stale."""
    _, first = public_cache.versioned({"public-register:test": lambda _: "一"})
    assert first["public-register:test"] == "一"
    _, kept = public_cache.versioned({"public-register:test": lambda _: "二"})
    assert kept["public-register:test"] == "一"
    public_cache.bump()
    _, rebuilt = public_cache.versioned({"public-register:test": lambda _: "二"})
    assert rebuilt["public-register:test"] == "二"


def test_the_next_and_previous_links_seek_to_the_same_bases_as_the_page_numbers():
    for seq in range(1, 66):
        published_base(year=2024 + seq % 2, sequence=seq)
    link = re.compile(r'href="\?([^"]+)">(上一页|下一页)')

    def follow(response, word):
        found = {w: q.replace("&amp;", "&") for q, w in link.findall(response.content.decode())}
        return Client().get(f"{REGISTER}?{found[word]}")

    second = Client().get(REGISTER, {"status": "all", "page": 2})
    third = follow(second, "下一页")
    assert "after=" in third.wsgi_request.get_full_path()
    assert listed_bases(third) == listed_bases(Client().get(REGISTER, {"status": "all", "page": 3}))
    assert "第3页，共4页（65条）" in third.content.decode()
    back = follow(third, "上一页")
    assert "before=" in back.wsgi_request.get_full_path()
    assert listed_bases(back) == listed_bases(second)
    last = follow(third, "下一页")
    assert len(listed_bases(last)) == 5 and "下一页" not in last.content.decode()


def test_a_place_in_a_link_that_is_not_one_is_ignored():
    published_base()
    page = Client().get(REGISTER, {"after": "2025-1;drop", "before": "x-1"})
    assert page.status_code == 200 and len(listed_bases(page)) == 1


def test_the_rows_written_without_a_template_escape_what_an_institution_typed():
    published_base(name='<script>alert("x")</script>学院 & 中心')
    html = get_ok(Client(), REGISTER).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;学院 &amp; 中心" in html


def test_a_value_held_in_the_process_is_given_only_against_the_version_redis_gives_now():
    """Each process holds its own copy of a kept value and asks Redis only for the version; once the version moved
    on, the copy is not given again: the value another process stored for the new version is, or a new one is built."""
    from django.core.cache import cache

    def never(_):
        raise AssertionError("built again although a current value was there")

    _, held = public_cache.versioned({"public-register:test": lambda _: "一"})
    assert public_cache.versioned({"public-register:test": never})[1] == held

    public_cache.bump()  # another process published a base and then built the value anew
    version = cache.get(public_cache.VERSION_KEY)
    cache.set("public-register:test", (version, "二"), public_cache.TIMEOUT)
    assert public_cache.versioned({"public-register:test": never})[1]["public-register:test"] == "二"

    # Redis restarted empty (this test's keys only: see above): the version starts again at a random number, the
    # process's copy is stale
    cache.delete_many([public_cache.VERSION_KEY, "public-register:test"])
    _, rebuilt = public_cache.versioned({"public-register:test": lambda _: "三"})
    assert rebuilt["public-register:test"] == "三"


def test_the_page_of_each_filter_and_place_is_its_own_kept_query():
    """The rows query is compiled once per filter and place and kept in the process: a second filter or a seek to
    another place is never answered with the rows of the first."""
    city = factories.region("350100")
    other = factories.region("350200")
    ours = [published_base(year=2025, sequence=seq, region=city).pk for seq in range(1, 4)]
    theirs = [published_base(year=2025, sequence=seq, region=other).pk for seq in range(4, 6)]
    for _ in range(2):  # the second time from the kept queries
        assert listed_bases(Client().get(REGISTER, {"region": city.pk, "status": "all"})) == ours
        assert listed_bases(Client().get(REGISTER, {"region": other.pk, "status": "all"})) == theirs
        assert listed_bases(Client().get(REGISTER, {"status": "all"})) == ours + theirs
