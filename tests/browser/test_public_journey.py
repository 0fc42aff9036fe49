"""A visitor's real journey on the public side, on a phone and on a desktop: search the register, open a
base, and check its plaque's verification code through the verify form (Art. 9, section 3)."""

import importlib
import os
from datetime import date

import pytest
from django.apps import apps
from django.utils import timezone

from bases import services
from bases.models import BaseStatus
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = "/tmp/jxjy-shots"


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """Every browser request comes from 127.0.0.1, shared with other runs when the cache is Redis."""
    settings.RATE_LIMITS = {name: 1_000_000 for name in settings.RATE_LIMITS}


@pytest.fixture
def regions(page):
    """The ten cities of the data migration, loaded again if an earlier transactional test flushed them.

    serialized_rollback cannot restore them here: while Playwright's sync API runs its event loop in this
    thread, Django hands out a fresh connection object that lacks the serialized test data.
    """
    from accounts.models import Region

    if not Region.objects.exists():
        importlib.import_module("accounts.migrations.0002_regions").load(apps, None)
    return Region.objects.all()


def shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, f"public-{name}.png"), full_page=True)


def open_menu_if_collapsed(page) -> bool:
    """On a phone the navigation folds behind the menu button (static/js/menu.js): open it."""
    toggler = page.locator("button.menu-toggle")
    if not toggler.is_visible():
        return False
    toggler.click()
    page.get_by_role("link", name="基地名册").first.wait_for(state="visible")
    return True


@pytest.mark.parametrize(("device", "width", "height"), [("phone", 390, 844), ("desktop", 1280, 900)])
def test_visitor_searches_the_register_opens_a_base_and_verifies_its_plaque(page, regions, device, width, height):
    page.set_viewport_size({"width": width, "height": height})
    batch = factories.BatchFactory(name="2025年第一批")
    now = timezone.now()
    base = factories.BaseFactory(
        application__batch=batch,
        published_at=now,
        year=2025,
        sequence=12,
        register_number="闽继教基地〔2025〕012号",
        recognised_on=date(2025, 7, 1),
        application__institution__name="福州鼓山职业培训学院",
        fields="工程技术、经济",
        address="福州市鼓楼区学府路1号",
    )
    for n, name in enumerate(["厦门海沧继续教育中心", "泉州晋江企业培训学院", "南平武夷专业技术学会"], start=1):
        factories.BaseFactory(
            application__batch=batch,
            application__institution__name=name,
            published_at=now,
            year=2025,
            sequence=n,
            recognised_on=date(2025, 7, 1),
        )
    factories.BaseFactory(
        application__institution__name="宁德被撤销的培训中心",
        published_at=now,
        year=2024,
        sequence=9,
        recognised_on=date(2024, 6, 1),
        status=BaseStatus.REVOKED,
    )
    services.save_fee_disclosure(
        actor=factories.InstitutionUserFactory(institution=base.institution),
        base_id=base.pk,
        scope="面向全省工程技术领域专业技术人员",
        content="公需科目、专业科目",
        fee_items="公需科目培训 每人每学时 20元\n专业科目培训 每人每学时 30元",
    )

    # -- the register, then a search by name ---------------------------------------------------------------
    page.goto("/")
    if open_menu_if_collapsed(page):
        shot(page, f"menu-{device}")
    page.get_by_role("link", name="基地名册").first.click()
    page.wait_for_url("**/public/bases/")
    assert page.title().startswith("省级继续教育基地名册")
    table = page.locator("main table")
    assert table.locator("tbody tr").count() == 4  # the revoked base is not in the active register
    assert "宁德被撤销的培训中心" not in table.inner_text()
    shot(page, f"register-{device}")

    page.fill('input[name="q"]', "鼓山")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/public/bases/?*q=*")
    rows = table.locator("tbody tr")
    assert rows.count() == 1
    assert "闽继教基地〔2025〕012号" in rows.first.inner_text()
    assert page.locator('input[name="q"]').input_value() == "鼓山"  # the search stays in the box
    shot(page, f"register-search-{device}")

    # -- the base's public page ------------------------------------------------------------------------------
    rows.first.get_by_role("link", name="福州鼓山职业培训学院").click()
    page.wait_for_url(f"**/public/bases/{base.pk}/")
    main = page.locator("main").inner_text()
    assert page.locator("h1").inner_text() == "福州鼓山职业培训学院"
    assert base.name == "福州鼓山职业培训学院"
    for fact in ("闽继教基地〔2025〕012号", "2025年7月1日", "2025年第一批", "公需科目培训 每人每学时 20元", "最近更新"):
        assert fact in main, fact
    shot(page, f"base-{device}")

    # -- the verify form, with the code printed on the plaque ---------------------------------------------------
    open_menu_if_collapsed(page)
    page.get_by_role("link", name="匾牌验证").first.click()
    page.wait_for_url("**/public/verify/")
    page.fill('input[name="code"]', base.verification_code.lower())
    page.get_by_role("button", name="验证").click()
    page.wait_for_url("**/public/verify/?code=*")
    result = page.get_by_role("status")
    assert "匾牌真实有效" in result.inner_text()
    assert "闽继教基地〔2025〕012号" in result.inner_text()
    shot(page, f"verify-genuine-{device}")
    result.get_by_role("link", name="查看基地公开信息").click()
    page.wait_for_url(f"**/public/bases/{base.pk}/")

    page.goto("/public/verify/")
    page.fill('input[name="code"]', "ZZZZ2345ZZZZ")
    page.get_by_role("button", name="验证").click()
    page.wait_for_url("**/public/verify/?code=*")
    assert "未找到该验证码" in page.get_by_role("status").inner_text()
    shot(page, f"verify-unknown-{device}")
