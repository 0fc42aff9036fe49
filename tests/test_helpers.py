"""The shared helpers (tests/helpers.py) catch what they are there to catch: every list test leans on them."""

import pytest

from accounts.models import Region
from tests import factories
from tests.helpers import assert_constant_queries, client_as, visible_text

pytestmark = pytest.mark.django_db


def test_a_query_per_row_fails_the_constant_query_assertion():
    rows = []

    def one_query_per_row():
        for pk in rows:
            Region.objects.filter(pk=pk).exists()

    rows.extend(Region.objects.values_list("pk", flat=True)[:2])
    with pytest.raises(AssertionError, match="2 queries before the rows were added, 5 after"):
        assert_constant_queries(
            one_query_per_row, lambda: rows.extend(Region.objects.values_list("pk", flat=True)[2:5])
        )


def test_the_constant_query_assertion_checks_the_pinned_count_and_the_other_pages():
    def two_queries():
        Region.objects.count()
        Region.objects.first()

    assert assert_constant_queries(lambda: Region.objects.count(), None, pinned=1) == 10
    with pytest.raises(AssertionError, match="1 queries, pinned at 2"):
        assert_constant_queries(lambda: Region.objects.count(), None, pinned=2)
    with pytest.raises(AssertionError, match="2 queries here, 1 for the list itself"):
        assert_constant_queries(lambda: Region.objects.count(), None, also=[two_queries])
    with pytest.raises(AssertionError, match="selector: 1 queries, pinned at 3"):
        assert_constant_queries({"page": two_queries, "selector": Region.objects.count}, None, pinned={"selector": 3})


def test_client_as_signs_a_fresh_client_in_or_moves_one_client_from_user_to_user():
    first, second = factories.InstitutionUserFactory(), factories.RecommenderUserFactory()
    client = client_as(first)
    assert int(client.session["_auth_user_id"]) == first.pk
    assert client_as(second, client) is client
    assert int(client.session["_auth_user_id"]) == second.pk
    assert "_auth_user_id" not in client_as(None, client).session


def test_visible_text_is_what_a_reader_sees():
    html = "<html><head><title>标题</title><style>p{}</style></head><body><p>第1页，\n  共3页</p><script>x()</script>&amp;</body></html>"
    assert visible_text(html) == "第1页， 共3页 &"
