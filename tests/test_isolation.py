"""The test suite's own isolation: a content type cached from a rolled-back transaction is forgotten before the
next test points a record at it (the failure pytest-xdist's test order exposed in CI)."""

import pytest
from django.contrib.contenttypes.models import ContentType

from bases.models import Base
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_cached_content_type_whose_row_is_gone_is_forgotten():
    real = ContentType.objects.get_for_model(Base)
    ghost = ContentType(pk=real.pk + 100_000, app_label="gone", model="ghost")
    ContentType.objects._add_to_cache("default", ghost)
    assert ContentType.objects.get_for_id(ghost.pk) is ghost

    factories.forget_stale_content_types()

    assert ContentType.objects._cache.get("default", {}) == {}
    assert ContentType.objects.get_for_model(Base) == real


def test_a_cache_whose_rows_all_exist_is_kept():
    real = ContentType.objects.get_for_model(Base)
    factories.forget_stale_content_types()
    assert ContentType.objects._cache["default"][real.pk] == real
