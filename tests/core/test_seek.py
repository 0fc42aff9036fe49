"""core.seek (issue 20): counts that stop at a bound, in one query, and keyset orders that run one way."""

import pytest

from applications.models import Application, State
from core.seek import AtLeast, SeekPaginator, bounded_counts, bounded_total
from tests import factories
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def test_bounded_counts_count_each_list_up_to_the_bound_in_one_query():
    factories.ApplicationFactory.create_batch(5, state=State.RECOMMENDED)
    factories.ApplicationFactory.create_batch(2, state=State.SITE_VISIT)
    lists = {
        "recommended": Application.objects.filter(state=State.RECOMMENDED),
        "site_visit": Application.objects.filter(state=State.SITE_VISIT),
        "none": Application.objects.filter(state=State.APPROVED),
    }
    queries, counts = count_queries(lambda: bounded_counts(lists, limit=3))
    assert queries == 1
    assert counts == {"recommended": 3, "site_visit": 2, "none": 0}
    assert isinstance(counts["recommended"], AtLeast) and str(counts["recommended"]) == "3+"
    assert not isinstance(counts["site_visit"], AtLeast) and str(counts["site_visit"]) == "2"
    total = bounded_total(list(counts.values()))
    assert total == 5 and str(total) == "5+"
    assert str(bounded_total([2, 0])) == "2"
    assert str(AtLeast(1000)) == "1,000+"


def test_a_keyset_order_runs_one_way():
    with pytest.raises(ValueError):
        SeekPaginator(Application.objects.all(), 20, ("-created_at", "id"))
