"""The expert's real journey in a browser (Art. 20, 26; issue 16): the province forms an inspection's panel from
the inspection's page, and the draw keeps off the expert who declared a tie with the base's institution; each
expert drawn signs in, finds the task, cannot open the case before declaring, declares no conflict, fills the
scored form row by row and submits it, locked; the province sees the panel's aggregate — each item's mean and
range, and the dissent where the experts' scores differ by more than the margin."""

import importlib
import os
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import timezone

from experts.models import AssignmentState, Panel, SheetState
from supervision import services as supervision
from supervision.models import Item
from tests import factories
from tests.browser.second_step import pass_second_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = "/tmp/jxjy-shots"
PASSWORD = "Passw0rd-Strong"  # what tests/factories.py's UserFactory sets

# Each expert's score and verdict per item: equal everywhere but on 师资队伍建设情况, where they differ by more than
# the dissent margin (EXPERT_DISSENT_MARGIN, 3 points by default).
DISSENT_ITEM = Item.FACULTY
SCORES = {
    "林晓峰": {item: ("9", "meets") for item in Item} | {DISSENT_ITEM: ("9", "meets")},
    "陈雅琴": {item: ("8", "meets") for item in Item} | {DISSENT_ITEM: ("4.5", "fails")},
}


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
    page.screenshot(path=os.path.join(SHOTS, f"experts-{name}.png"), full_page=True)


def sign_in(page, user):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
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


def section(page, heading):
    """The card a heading names (its accessible name, exactly, or a pattern), to read or act within."""
    return page.get_by_role("region", name=heading, exact=isinstance(heading, str) or None)


def test_experts_declare_score_and_the_province_sees_the_aggregate(page, regions):
    assert settings.EXPERT_DISSENT_MARGIN < 9 - 4.5, "the scores below must differ by more than the margin"
    province = factories.UserFactory(full_name="省厅专技处")
    institution = factories.InstitutionFactory(name="福州海峡职业培训学院", region=regions.get(code="350100"))
    app = factories.ApplicationFactory(institution=institution, state="approved")
    base = factories.BaseFactory(application=app, published_at=timezone.now(), fields="工程技术")
    inspection = supervision.schedule_inspection(
        actor=province,
        base_id=base.pk,
        kind="periodic",
        scheduled_on=timezone.localdate(),
        province_team="省人社厅 张三、李四",
        inspector_unit=None,
    )
    experts = {
        name: factories.ExpertFactory(name=name, user=factories.ExpertUserFactory(full_name=name))
        for name in ("林晓峰", "陈雅琴", "黄志远")
    }
    factories.TieFactory(expert=experts["黄志远"], institution=institution, note="担任该学院培训顾问")
    case_label = f"{base.name}{inspection.get_kind_display()}"

    # -- the province forms the panel from the inspection's page: the tied expert is kept off ----------------
    sign_in(page, province)
    page.goto(f"/inspections/{inspection.pk}/")
    form = section(page, "组建评审专家组（第二十六条）")
    assert form.get_by_label("评审领域").input_value() == "工程技术"
    form.get_by_label("专家人数").fill("2")
    shot(page, "01-province-form-panel")
    form.get_by_role("button", name="随机抽取专家").click()
    arrive(page, re.compile(rf"/inspections/{inspection.pk}/(#panel)?$"))
    assert "已随机抽取2名专家组成评审专家组" in alert_text(page)
    panel_card = section(page, "评审专家组（第二十六条）")
    seated = panel_card.inner_text()
    assert "林晓峰" in seated and "陈雅琴" in seated and "黄志远" not in seated
    assert seated.count("待声明") == 2
    shot(page, "02-province-panel-drawn")
    panel_card.get_by_role("link", name="查看抽取记录、评分表和汇总").click()
    panel = Panel.objects.get()
    arrive(page, f"**/experts/panels/{panel.pk}/")
    draw = section(page, "第1次抽取：首次抽取").inner_text()
    assert "黄志远：申报与被评审机构存在咨询服务关系" in draw
    assert "按保存的种子和候选名单重新抽取，结果一致" in draw
    assert "尚无专家提交评分表" in section(page, "专家组评分汇总").inner_text()
    shot(page, "03-province-draw-record")

    # -- each expert drawn declares, then scores every item and submits ------------------------------------------
    for number, (name, scores) in enumerate(SCORES.items(), start=1):
        expert = experts[name]
        sign_in(page, expert.user)
        page.goto("/")
        waiting = section(page, re.compile(r"^待声明的评审任务（第二十六条）"))  # the heading carries the count
        assert case_label in waiting.inner_text()
        shot(page, f"1{number}-{name}-home")
        page.get_by_role("link", name="全部评审任务").click()
        arrive(page, "**/experts/assignments/")
        listed = page.get_by_role("table", name="评审任务").get_by_role("row", name=re.compile(case_label))
        assert "待声明" in listed.inner_text() and institution.name in listed.inner_text()
        listed.get_by_role("link", name=case_label).click()
        seat = panel.assignments.get(expert=expert)
        arrive(page, f"**/experts/assignments/{seat.pk}/")
        main = page.inner_text("main")
        assert "作出声明后方可查阅评审材料" in main and "打开评审材料" not in main
        shot(page, f"1{number}-{name}-before-declaring")
        # the inspection itself is out of the expert's reach until they declare
        assert page.goto(f"/inspections/{inspection.pk}/").status == 404
        page.goto(f"/experts/assignments/{seat.pk}/")

        page.get_by_role("link", name="声明无利害关系并承诺保密").click()
        arrive(page, f"**/experts/assignments/{seat.pk}/declare/")
        assert "对评审中知悉的申报材料、商业秘密和个人信息严格保密" in page.inner_text("main")
        page.get_by_label("本人已阅读以上声明，确认与被评审机构不存在利害关系，并承诺保密。").check()
        shot(page, f"1{number}-{name}-declare")
        page.get_by_role("button", name="提交声明").click()
        arrive(page, f"**/experts/assignments/{seat.pk}/")
        assert "已作出声明。现在可以查阅本次评审事项的材料" in alert_text(page)
        seat.refresh_from_db()
        assert seat.state == AssignmentState.DECLARED
        assert page.get_by_role("link", name=f"打开评审材料：{case_label}").is_visible()
        shot(page, f"1{number}-{name}-declared")

        page.get_by_role("link", name="填写评分表").click()
        arrive(page, f"**/experts/assignments/{seat.pk}/sheet/")
        for item, (score, verdict) in scores.items():
            page.get_by_label(f"{item.label}：分数").fill(score)
            page.get_by_label(f"{item.label}：结论").select_option(verdict)
            page.get_by_label(f"{item.label}：意见").fill(f"{name}对{item.label}的意见。")
        page.get_by_label("本人确认以上评分和意见真实、独立作出", exact=False).check()
        shot(page, f"1{number}-{name}-sheet-filled")
        page.get_by_role("button", name="提交评分表（提交后锁定）").click()
        arrive(page, re.compile(r"/experts/sheets/\d+/$"))
        assert "评分表第1版已提交，现已锁定" in alert_text(page)
        assert "已锁定，不能修改" in page.inner_text("main")
        assert page.get_by_role("link", name="继续填写").count() == 0
        rows = section(page, "评分").inner_text()
        assert f"{DISSENT_ITEM.label}" in rows and scores[DISSENT_ITEM][0] in rows
        shot(page, f"1{number}-{name}-sheet-locked")
        sheet = seat.sheets.get()
        assert sheet.state == SheetState.SUBMITTED and sheet.rows.filter(score__isnull=True).count() == 0

        # now declared, the expert reads the inspection (read-only); the submitted form cannot be edited again
        assert page.goto(f"/inspections/{inspection.pk}/").status == 200
        page.goto(f"/experts/assignments/{seat.pk}/sheet/")
        arrive(page, f"**/experts/sheets/{sheet.pk}/")
        assert "已提交并锁定" in alert_text(page)

    # -- the province sees the aggregate: each item's mean and range, and the dissent -----------------------------
    sign_in(page, province)
    page.goto(f"/experts/panels/{panel.pk}/")
    aggregate = section(page, "专家组评分汇总")
    text = aggregate.inner_text()
    assert re.search(r"已汇总2名专家最新提交的评分表（(林晓峰、陈雅琴|陈雅琴、林晓峰)）", text)  # in the order drawn
    assert "尚有专家未提交" not in text
    assert f"1项：{DISSENT_ITEM.label}" in text
    table = aggregate.get_by_role("table", name="专家组评分汇总")
    faculty = table.get_by_role("row", name=re.compile(DISSENT_ITEM.label))
    faculty_text = faculty.inner_text()
    assert "6.75" in faculty_text and "4.5—9.0（4.5）" in faculty_text
    assert "意见分歧" in faculty_text and "超过3分" in faculty_text
    facilities = table.get_by_role("row", name=re.compile(Item.FACILITIES.label)).inner_text()
    assert "8.50" in facilities and "8.0—9.0（1.0）" in facilities and "意见分歧" not in facilities
    # the mean of the nine items' means: (8 × 8.50 + 6.75) / 9
    assert "8.31分" in text
    shot(page, "21-province-aggregate")

    # the inspection's own page shows the same aggregate under its panel
    page.goto(f"/inspections/{inspection.pk}/")
    panel_card = section(page, "评审专家组（第二十六条）").inner_text()
    assert panel_card.count("已声明无利害关系") == 2
    aggregate = section(page, "专家组评分汇总")
    assert "8.31分" in aggregate.inner_text() and f"1项：{DISSENT_ITEM.label}" in aggregate.inner_text()
    faculty = aggregate.get_by_role("row", name=re.compile(DISSENT_ITEM.label)).inner_text()
    assert "6.75" in faculty and "4.5—9.0（4.5）" in faculty and "意见分歧" in faculty
    shot(page, "22-province-inspection")
