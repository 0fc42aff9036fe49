"""One application's real journey in a browser: the institution fills in and submits its first draft, the
福州 recommender recommends it, the province reviews, visits and recognises it, and the institution sees
its base number (Art. 7-9)."""

import os
import re

import pytest
from django.utils import timezone

from applications.models import Application, State
from tests import factories
from tests.browser.second_step import pass_second_step
from tests.factories import restore_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = "/tmp/jxjy-shots"
PASSWORD = "Passw0rd-Strong"  # what tests/factories.py's UserFactory sets
PDF = factories.TINY_PDF


@pytest.fixture
def regions(page):
    """The ten city-level units, put back if an earlier transactional test flushed them (see
    restore_reference_data: serialized_rollback cannot, once Playwright runs in this thread)."""
    from accounts.models import Region

    restore_reference_data()
    return Region.objects.all()


def shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, f"journey-{name}.png"), full_page=True)


def sign_in(page, user):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill('input[name="username"]', user.username)
    page.fill('input[name="password"]', PASSWORD)
    page.get_by_role("button", name="登录").click()
    pass_second_step(page, user.username)
    assert "/accounts/login/" not in page.url, page.inner_text("main")


def arrive(page, url):
    """Wait for the page to reach url; if it does not, keep a screenshot and say what the page shows."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_url(url, timeout=5000)
    except PlaywrightTimeout:
        shot(page, "failure")
        raise AssertionError(f"stayed on {page.url}: {page.inner_text('main')[:1500]}") from None


def alert_text(page) -> str:
    return " ".join(page.locator(".messages .alert").all_inner_texts())


def fill_person(page, i, kind, name, degree, full_time=True):
    page.select_option(f'select[name="people-{i}-kind"]', kind)
    page.fill(f'input[name="people-{i}-name"]', name)
    page.select_option(f'select[name="people-{i}-degree"]', degree)
    page.set_checked(f'input[name="people-{i}-full_time"]', full_time)


def test_first_draft_to_recognised_base(page, regions):
    institution_user = factories.InstitutionUserFactory(institution__name="福州海峡职业培训学院")
    recommender = factories.RecommenderUserFactory()  # 福州市人社局
    province = factories.UserFactory()
    batch = factories.BatchFactory(name="2026年省级继续教育基地申报")
    year = timezone.localdate().year

    # -- the institution starts its first draft from the open batch ----------------------------------------
    sign_in(page, institution_user)
    page.goto("/applications/mine/")
    assert batch.name in page.inner_text("main")
    shot(page, "01-institution-mine")
    page.get_by_role("button", name="开始申报").click()
    arrive(page, re.compile(r"/applications/\d+/edit/$"))
    assert "已创建申报草稿" in alert_text(page)

    page.get_by_label("工程技术", exact=True).check()
    page.get_by_label("卫生健康", exact=True).check()
    page.fill('textarea[name="introduction"]', "本院成立于2005年，长期承担专业技术人员继续教育。")
    page.check('input[name="is_independent_legal_person"]')
    page.fill('textarea[name="qualification"]', "民办学校办学许可证（闽教民〔2015〕12号）")
    page.fill('input[name="teaching_capacity"]', "260")
    page.fill('textarea[name="teaching_equipment"]', "多媒体教室6间，实训室2间")
    page.fill('input[name="faculty_total"]', "40")
    page.fill('input[name="trained_year_1"]', "1800")
    page.fill('input[name="trained_year_2"]', "1500")
    page.fill('input[name="trained_year_3"]', "1200")
    page.check('input[name="credit_declaration"]')
    for i, name in enumerate(["陈一", "林二", "黄三"]):
        fill_person(page, i, "manager", name, "bachelor")
    for condition, _ in [(c, None) for c in factories.REQUIRED_CONDITIONS]:
        page.set_input_files(
            f'input[name="doc_{condition}"]', {"name": f"{condition}.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()
    assert "草稿已保存" in alert_text(page)
    shot(page, "02-draft-saved")

    # more rows appear after saving: the last two managers and a faculty member
    fill_person(page, 3, "manager", "吴四", "master")
    fill_person(page, 4, "manager", "郑五", "doctor")
    fill_person(page, 5, "faculty", "王教授", "doctor", full_time=False)
    page.get_by_role("button", name="保存并提交").click()
    arrive(page, re.compile(r"/applications/\d+/(#.*)?$"))  # the #documents of the last save stays
    assert "申报已提交至福州市人力资源和社会保障局" in alert_text(page)
    shot(page, "03-submitted")
    app = Application.objects.get(institution=institution_user.institution)
    assert app.state == State.SUBMITTED and app.people.count() == 6
    assert app.documents.filter(replaced_at=None).count() == len(factories.REQUIRED_CONDITIONS)

    # -- the 福州 recommender recommends it ------------------------------------------------------------------
    sign_in(page, recommender)
    page.goto("/applications/queue/recommender/")
    shot(page, "04-recommender-queue")
    page.get_by_role("link", name="福州海峡职业培训学院").click()
    arrive(page, f"**/applications/{app.pk}/")
    recommend = page.locator(f'form[action="/applications/{app.pk}/act/recommend/"]')
    recommend.locator("textarea").fill("材料齐全，同意推荐。")
    shot(page, "05-recommender-detail")
    recommend.get_by_role("button", name="推荐", exact=True).click()
    arrive(page, "**/applications/queue/recommender/")
    assert "已推荐" in alert_text(page)

    # -- the province reviews, visits and recognises -------------------------------------------------------
    sign_in(page, province)
    page.goto("/applications/queue/province/")
    shot(page, "06-province-queue")
    page.get_by_role("link", name="福州海峡职业培训学院").click()
    arrive(page, f"**/applications/{app.pk}/")
    page.locator(f'form[action="/applications/{app.pk}/act/start_review/"]').get_by_role(
        "button", name="受理审核"
    ).click()
    page.wait_for_load_state()
    assert "已受理审核" in alert_text(page)

    # visited today: the findings are recorded on or after the visit's day (Art. 8(4))
    page.fill('input[name="schedule_visit-scheduled_on"]', timezone.localdate().isoformat())
    page.fill('textarea[name="schedule_visit-team"]', "省人社厅专技处：张三、李四")
    page.get_by_role("button", name="安排实地考察").last.click()
    page.wait_for_load_state()
    assert "已安排实地考察" in alert_text(page)

    page.fill('textarea[name="findings-findings"]', "教学场所、师资与申报材料一致。")
    page.get_by_role("button", name="保存考察情况").click()
    page.wait_for_load_state()
    assert "已记录实地考察情况" in alert_text(page)
    shot(page, "07-province-visit-recorded")

    factories.ended_notice(app)  # the 公示 ran its period (the public-notice journey shows it through the pages)
    page.reload()
    page.locator(f'form[action="/applications/{app.pk}/approve/"]').get_by_role("button", name="认定通过").click()
    page.wait_for_load_state()
    number = f"闽继教基地〔{year}〕001号"
    assert f"已认定，基地编号{number}" in alert_text(page)
    shot(page, "08-province-approved")

    # -- the institution sees its base number ---------------------------------------------------------------
    sign_in(page, institution_user)
    page.goto(f"/applications/{app.pk}/")
    main = page.inner_text("main")
    assert number in main and "已认定为省级继续教育基地" in main
    shot(page, "09-institution-sees-number")
    page.goto("/")
    assert number in page.inner_text("main")
    shot(page, "10-institution-home")
