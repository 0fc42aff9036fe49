"""Supervision's real journey in a browser (Art. 20-23): the province schedules a periodic inspection and
commissions an inspector unit; the unit's inspector records the nine items and a fail; the province confirms it
and orders rectification; the base's institution reports with an attachment; the province verifies that it
passed, and the base is active again on the register."""

import importlib
import os
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from bases.models import BaseStatus
from supervision.models import Inspection, InspectionState, Item, RectificationOrder, RectificationState, Result
from tests import factories
from tests.browser.second_step import pass_second_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = "/tmp/jxjy-shots"
PASSWORD = "Passw0rd-Strong"  # what tests/factories.py's UserFactory sets


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATE_LIMITS = {name: 1_000_000 for name in settings.RATE_LIMITS}


@pytest.fixture
def regions(page):
    """The ten cities of the data migration, loaded again if an earlier transactional test flushed them."""
    from accounts.models import Region

    if not Region.objects.exists():
        importlib.import_module("accounts.migrations.0002_regions").load(apps, None)
    return Region.objects.all()


def shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, f"supervision-{name}.png"), full_page=True)


def sign_in(page, user):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill('input[name="username"]', user.username)
    page.fill('input[name="password"]', PASSWORD)
    page.get_by_role("button", name="登录").click()
    pass_second_step(page, user.username)
    assert "/accounts/login/" not in page.url, page.inner_text("main")


def arrive(page, url):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_url(url, timeout=5000)
    except PlaywrightTimeout:
        shot(page, "failure")
        raise AssertionError(f"stayed on {page.url}: {page.inner_text('main')[:1500]}") from None


def alert_text(page) -> str:
    return " ".join(page.locator(".messages .alert").all_inner_texts())


def test_failed_inspection_to_rectified_base(page, regions):
    fuzhou = regions.get(code="350100")
    province = factories.UserFactory(full_name="省厅专技处")
    unit = factories.InspectorUnitFactory(name="福建省继续教育评估中心", region=fuzhou)
    inspector = factories.InspectorUserFactory(inspector_unit=unit, full_name="评估员陈")
    institution_user = factories.InstitutionUserFactory(institution__name="福州海峡职业培训学院")
    app = factories.ApplicationFactory(institution=institution_user.institution, state="approved")
    today = timezone.localdate()
    recognised_on = today - timedelta(days=1000)
    base = factories.BaseFactory(
        application=app,
        published_at=timezone.now(),
        year=recognised_on.year,
        recognised_on=recognised_on,
        next_inspection_due=today + timedelta(days=30),
    )

    # -- the province sees the base due within 90 days and schedules the inspection with the unit --------------
    sign_in(page, province)
    page.goto("/inspections/")
    assert "90日内到期" in page.inner_text("main")
    shot(page, "01-province-clock")
    page.get_by_role("link", name="安排考核").last.click()
    arrive(page, re.compile(r"/inspections/schedule/\?base=\d+"))
    page.fill('input[name="scheduled_on"]', today.isoformat())
    page.select_option('select[name="inspector_unit"]', str(unit.pk))
    shot(page, "02-province-schedule")
    page.get_by_role("button", name="安排").click()
    arrive(page, re.compile(r"/inspections/\d+/$"))
    assert "已安排考核" in alert_text(page)
    inspection = Inspection.objects.get()
    assert (inspection.base, inspection.inspector_unit, inspection.state) == (base, unit, InspectionState.SCHEDULED)

    # -- the inspector records the nine items and a fail --------------------------------------------------------
    sign_in(page, inspector)
    page.goto("/inspections/")
    shot(page, "03-inspector-tasks")
    page.get_by_role("link", name=base.name).click()
    arrive(page, f"**/inspections/{inspection.pk}/")
    for item in Item:
        verdict = "fails" if item in (Item.FACULTY, Item.FEES) else "meets"
        page.select_option(f'select[name="verdict_{item.value}"]', verdict)
    page.fill('textarea[name="notes_faculty"]', "专职教师仅3名，低于申报时的12名。")
    page.fill('textarea[name="notes_fees"]', "收费标准未在基地页面公开。")
    page.select_option('select[name="result"]', Result.FAIL)
    page.fill('textarea[name="summary"]', "师资和收费公开两项不符合要求，考核不合格。")
    page.set_input_files(
        'input[name="file_faculty"]',
        {"name": "师资核查.pdf", "mimeType": "application/pdf", "buffer": factories.TINY_PDF},
    )
    shot(page, "04-inspector-record")
    page.get_by_role("button", name="提交考核结果").click()
    page.wait_for_load_state()
    assert "考核结果已提交" in alert_text(page)
    shot(page, "05-inspector-recorded")
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.RECORDED and inspection.result == Result.FAIL

    # -- the province confirms and orders rectification ----------------------------------------------------------
    sign_in(page, province)
    page.goto(f"/inspections/{inspection.pk}/")
    page.get_by_role("button", name="确认考核结果").click()
    page.wait_for_load_state()
    assert "已确认考核结果" in alert_text(page)
    shot(page, "06-province-confirmed")
    page.get_by_role("link", name="责令限期整改").click()
    arrive(page, re.compile(r"/inspections/rectifications/new/\d+/\?inspection=\d+"))
    page.fill('textarea[name="findings"]', "1. 专职教师不足；2. 收费标准未公开。")
    deadline = today + timedelta(days=30)
    page.fill('input[name="deadline"]', deadline.isoformat())
    shot(page, "07-province-order")
    page.get_by_role("button", name="下达整改通知").click()
    arrive(page, re.compile(r"/inspections/rectifications/\d+/$"))
    assert "基地状态为“整改中”" in alert_text(page)
    rectification = RectificationOrder.objects.get()
    assert rectification.inspection == inspection and rectification.deadline == deadline
    base.refresh_from_db()
    assert base.status == BaseStatus.RECTIFYING

    # -- the institution reports what it rectified -----------------------------------------------------------------
    sign_in(page, institution_user)
    page.goto("/inspections/rectifications/")
    shot(page, "08-institution-rectifications")
    page.get_by_role("link", name=base.name).click()
    arrive(page, f"**/inspections/rectifications/{rectification.pk}/")
    page.fill('textarea[name="report"]', "已新聘专职教师10名，并在基地页面公开收费标准。")
    page.set_input_files(
        'input[name="attachment"]',
        {"name": "整改报告.pdf", "mimeType": "application/pdf", "buffer": factories.TINY_PDF},
    )
    shot(page, "09-institution-report")
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state()
    assert "整改报告已提交" in alert_text(page)
    assert "整改报告.pdf" in page.inner_text("main")
    shot(page, "10-institution-reported")

    # -- the province verifies that it passed: the base is active again ---------------------------------------------
    sign_in(page, province)
    page.goto(f"/inspections/rectifications/{rectification.pk}/")
    passed = page.locator("form", has=page.get_by_role("button", name="整改通过"))
    passed.locator("textarea").fill("经核验，整改到位。")
    shot(page, "11-province-verify")
    passed.get_by_role("button", name="整改通过").click()
    page.wait_for_load_state()
    assert "已核验整改报告" in alert_text(page)
    assert "整改通过" in page.inner_text("main")
    shot(page, "12-province-passed")
    rectification.refresh_from_db()
    base.refresh_from_db()
    assert rectification.state == RectificationState.PASSED and base.status == BaseStatus.ACTIVE

    page.goto(f"/public/bases/{base.pk}/")
    assert "正常" in page.inner_text("main")
    shot(page, "13-public-base")
    page.goto("/public/bases/?status=rectifying")
    assert base.name not in page.inner_text("main")
