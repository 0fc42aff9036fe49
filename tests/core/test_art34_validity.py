"""Art. 34: the measures run six years from 2024-09-30 (to 2030-09-29). What the province decides that
reaches past that day carries a warning: a batch closing later, a bar whose last day is later."""

from datetime import date

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from applications.models import Batch, HearingKind
from supervision.models import RevocationGround
from tests import factories
from tests.helpers import client_as, revocation_digest

pytestmark = pytest.mark.django_db


def warnings(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]


def test_art34_a_batch_closing_after_the_measures_expire_is_saved_with_a_warning(province_user):
    data = {"name": "2030年度申报", "year": 2030, "opens_on": "2030-09-01", "closes_on": "2030-10-31"}
    response = client_as(province_user).post(reverse("applications:batch_new"), data)
    assert response.status_code == 302 and Batch.objects.filter(name="2030年度申报").exists()
    assert any("已超出" in w and "第三十四条" in w for w in warnings(response))

    inside = {**data, "name": "2029年度申报", "year": 2029, "opens_on": "2029-09-01", "closes_on": "2029-10-31"}
    assert warnings(client_as(province_user).post(reverse("applications:batch_new"), inside)) == []


def test_art34_a_revocation_whose_bar_outlasts_the_measures_warns_the_province(province_user):
    base = factories.BaseFactory(published_at="2026-01-01T00:00:00+08:00", recognised_on=date(2026, 1, 1))
    with time_machine.travel(date(2028, 3, 1), tick=False):
        factories.heard(base, HearingKind.REVOCATION)  # the institution was heard: the page decides
        response = client_as(province_user).post(
            reverse("supervision:revoke", args=[base.pk]),
            {
                "ground": RevocationGround.PUBLIC_OPINION,
                "reason": "引发重大舆情。",
                "effective_on": "2028-03-01",
                "digest": revocation_digest(
                    base, ground=RevocationGround.PUBLIC_OPINION, reason="引发重大舆情。", effective_on="2028-03-01"
                ),
            },
        )
    assert response.status_code == 302
    assert any("不再受理期限的最后一日" in w and "第三十四条" in w for w in warnings(response))
