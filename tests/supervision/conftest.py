"""Fixtures for supervision (Art. 20-24): published bases in given cities, inspector units,
supervision records moved along through the services, a frozen Asia/Shanghai clock, and helpers that
read which records a page links to."""

import re
from contextlib import contextmanager
from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import Max
from django.utils import timezone

from core.models import Notification
from supervision import services
from supervision.models import Item, Result, Verdict
from tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")

FUZHOU, XIAMEN, QUANZHOU, ZHANGZHOU, NANPING = "350100", "350200", "350500", "350600", "350700"


def at(*args):
    """Freeze the clock at a wall-clock moment in Asia/Shanghai: `with at(2027, 2, 28, 23, 59): ...`."""
    return time_machine.travel(datetime(*args, tzinfo=SHANGHAI), tick=False)


# -- bases -------------------------------------------------------------------------------------------


def base_in(code=FUZHOU, *, published=True, **fields):
    """A base of a fresh institution registered in the city `code` (routed to that city's HR bureau)."""
    inst = factories.InstitutionFactory(region=factories.region(code), **fields.pop("institution", {}))
    app = factories.ApplicationFactory(institution=inst, state="approved")
    if published:
        fields.setdefault("published_at", timezone.now())
    return factories.BaseFactory(application=app, **fields)


@pytest.fixture
def base(institution_user):
    """A published 福州 base of institution_user's institution, recommended by recommender_user's unit."""
    app = factories.ApplicationFactory(
        complete=True, institution=institution_user.institution, created_by=institution_user, state="approved"
    )
    return factories.BaseFactory(
        application=app, published_at=timezone.now(), name="福州海峡职业培训学院", recognised_on=date(2025, 1, 1)
    )  # recognised before the dates the tests decide on: no effective date may precede recognition


@pytest.fixture
def other_base(other_institution_user):
    """A published base of another institution, in 厦门 (routed to 厦门市人社局)."""
    inst = other_institution_user.institution
    inst.region = factories.region(XIAMEN)
    inst.save()
    app = factories.ApplicationFactory(institution=inst, state="approved")
    return factories.BaseFactory(application=app, published_at=timezone.now(), name="厦门海沧继续教育中心")


# -- people --------------------------------------------------------------------------------------------


@pytest.fixture
def other_inspector(db):
    """An inspector of another unit than inspector_user's (in 厦门)."""
    unit = factories.InspectorUnitFactory(name="厦门评估中心", region=factories.region(XIAMEN))
    return factories.InspectorUserFactory(inspector_unit=unit)


@pytest.fixture
def xiamen_recommender(db):
    return factories.RecommenderUserFactory(region=factories.region(XIAMEN))


# -- moving supervision along through the services ------------------------------------------------------


ALL_MEET = {i.value: Verdict.MEETS for i in Item}


def schedule(province, base, *, unit=None, kind="periodic", on=None, team=""):
    return services.schedule_inspection(
        actor=province,
        base_id=base.pk,
        kind=kind,
        scheduled_on=on or timezone.localdate(),
        province_team=team or ("" if unit else "省人社厅 张三、李四"),
        inspector_unit=unit,
    )


def record(actor, inspection, *, result=Result.PASS, inspected_on=None, verdicts=None):
    return services.record_result(
        actor=actor,
        inspection_id=inspection.pk,
        inspected_on=inspected_on or timezone.localdate(),
        verdicts=verdicts or ALL_MEET,
        notes={},
        result=result,
        summary="各项内容均已核查。",
    )


def confirmed(province, base, *, result=Result.PASS, kind="periodic", inspected_on=None, unit=None):
    """A periodic inspection (or spot check) recorded by the province and confirmed."""
    inspection = schedule(province, base, kind=kind, unit=unit)
    record(province, inspection, result=result, inspected_on=inspected_on)
    return services.inspection_transition(actor=province, inspection_id=inspection.pk, action="confirm")


def order(province, base, *, deadline, findings="师资队伍不稳定，年度报告数据不实。", ground="noncompliance"):
    return services.order_rectification(
        actor=province, base_id=base.pk, ground=ground, findings=findings, deadline=deadline
    )


# -- what a job or a step notified ----------------------------------------------------------------------------------


@contextmanager
def new_notifications():
    """`with new_notifications() as n:`; afterwards n.notes are the notifications written inside."""
    last = Notification.objects.aggregate(m=Max("id"))["m"] or 0
    n = SimpleNamespace()
    yield n
    n.notes = list(Notification.objects.filter(id__gt=last).select_related("recipient").order_by("id"))
    n.recipients = {x.recipient for x in n.notes}
    n.titles = [x.title for x in n.notes]


# -- reading pages ----------------------------------------------------------------------------------


def listed_bases(response) -> list[int]:
    """The ids of the bases linked from the public register, in the order shown."""
    return [int(pk) for pk in re.findall(r'href="/public/bases/(\d+)/"', response.content.decode())]


def listed(response, url_name_prefix: str) -> list[int]:
    """The ids linked as `/inspections/<prefix><id>/` from a list page."""
    return [int(pk) for pk in re.findall(rf'href="/inspections/{url_name_prefix}(\d+)/"', response.content.decode())]


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """Plaque verification is rate-limited per address and minute; these tests verify many times a minute."""
    settings.RATE_LIMITS = {name: 1_000_000 for name in settings.RATE_LIMITS}
