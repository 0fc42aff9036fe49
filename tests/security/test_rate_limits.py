"""OWASP A04/API4 (unrestricted resource consumption): the public endpoints that are cheap to abuse answer 429
with the Chinese page once one address passes its limit within a minute — 30 open-data downloads, 60 plaque
verifications — while other addresses are served; and a public notice takes at most 5 objections per address
and hour."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.models import Objection
from config import settings as project_settings

pytestmark = pytest.mark.django_db

ABUSER, NEIGHBOUR = "203.0.113.50", "203.0.113.51"
MINUTE = datetime(2026, 5, 6, 10, 0, 5, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _the_real_limits(settings):
    settings.RATE_LIMITS = dict(project_settings.RATE_LIMITS)
    assert settings.RATE_LIMITS == {"open_data": 30, "verify": 60}, "the limits of settings.py changed"


@pytest.fixture
def clock():
    with time_machine.travel(MINUTE, tick=False) as traveller:
        yield traveller


def assert_too_many(response):
    assert response.status_code == 429
    assert "请求过于频繁" in response.content.decode()
    assert response["Retry-After"] == "60"


def test_the_31st_open_data_download_in_a_minute_is_refused_and_another_address_is_served(w, clock):
    abuser, neighbour = Client(REMOTE_ADDR=ABUSER), Client(REMOTE_ADDR=NEIGHBOUR)
    urls = [reverse("public:open_data_csv"), reverse("public:open_data_json")]
    for n in range(30):  # CSV and JSON count together
        response = abuser.get(urls[n % 2])
        assert response.status_code == 200, f"download {n + 1} was refused"
        b"".join(response.streaming_content)
    assert_too_many(abuser.get(urls[0]))
    assert_too_many(abuser.get(urls[1]))
    assert neighbour.get(urls[0]).status_code == 200
    clock.shift(timedelta(minutes=1))
    assert abuser.get(urls[0]).status_code == 200, "the next minute the address is served again"


def test_the_61st_plaque_verification_in_a_minute_is_refused_and_another_address_is_served(w, clock):
    abuser, neighbour = Client(REMOTE_ADDR=ABUSER), Client(REMOTE_ADDR=NEIGHBOUR)
    code = w.base.verification_code
    for n in range(60):
        url = reverse("public:verify_code", args=[code]) if n % 2 else reverse("public:verify")
        assert abuser.get(url, {"code": code}).status_code == 200, f"verification {n + 1} was refused"
    assert_too_many(abuser.get(reverse("public:verify_code", args=[code])))
    response = neighbour.get(reverse("public:verify_code", args=[code]))
    assert response.status_code == 200 and w.base.register_number in response.content.decode()


def test_the_pages_that_are_not_limited_stay_open_to_the_abuser(w, clock):
    abuser = Client(REMOTE_ADDR=ABUSER)
    for _ in range(31):
        abuser.get(reverse("public:open_data_json"))
    assert abuser.get(reverse("public:register")).status_code == 200
    assert abuser.get(reverse("public:open_data")).status_code == 200


def test_a_sixth_objection_from_one_address_within_the_hour_is_refused_and_not_stored(w):
    url = reverse("applications:objection", args=[w.notice.pk])

    def lodge(address, n):
        return Client(REMOTE_ADDR=address).post(
            url, {"application": w.noticed_app.pk, "name": f"群众{n}", "contact": "13900000000", "facts": f"事实{n}"}
        )

    before = Objection.objects.count()
    with time_machine.travel(timezone.now(), tick=False):  # one moment, the world's notice open
        for n in range(5):
            assert "受理编号" in lodge(ABUSER, n).content.decode(), f"objection {n + 1} was not accepted"
        refused = lodge(ABUSER, 5)
        assert "提交过于频繁" in refused.content.decode()
        assert Objection.objects.count() == before + 5
        assert "受理编号" in lodge(NEIGHBOUR, 6).content.decode()
