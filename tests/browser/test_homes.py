"""Each role's home page is its to-do list, and the list is where the work starts (issue 15).

Signed in as each demo role (`seed_demo`'s data), the browser lands on "/", finds a to-do item naming the case
and showing its deadline or how long it has waited, follows its link, does what the item asks as a user would,
and comes back home: the item has gone or moved on to its next step, and the page said it was done. A list with
nothing in it says what will bring something there.

One seeded world for the whole walk (seeding takes a while); the roles act in an order that hands work on: the
recommender recommends what the province then accepts for review, the inspector records what the province then
confirms, the base files what the province then records as filed.
"""

import re
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests import factories
from tests.browser.second_step import pass_second_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Demo12345678"  # seed_demo's password for every account
WAITED = re.compile(r"已等待\d+天")


@pytest.fixture
def demo(page):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - the command's account list


def sign_in(page, username):
    """Sign in: the home page is where one lands."""
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    press(page, page.get_by_role("button", name="登录"))
    pass_second_step(page, username)
    assert urlpath(page) == "/", page.inner_text("main")[:500]


def go_home(page):
    """Back to the home page by the site's name in the header, as a user would."""
    press(page, page.get_by_role("link", name="省级继续教育基地管理平台"))
    assert urlpath(page) == "/"


def press(page, control):
    """Click a link or a form's button and wait for the page it loads (a form may post back to its own URL)."""
    with page.expect_navigation():
        control.click()


def urlpath(page) -> str:
    return "/" + page.url.split("/", 3)[3].split("?")[0]


def section(page, title):
    """A to-do section of the home page, found by its heading (the count badge follows the title)."""
    return page.get_by_role("region", name=re.compile("^" + re.escape(title)))


def item(section, link_text):
    """The section's to-do item whose link names the case."""
    return section.get_by_role("listitem").filter(has=section.page.get_by_role("link", name=link_text, exact=True))


def alert_text(page) -> str:
    return " ".join(page.locator(".messages .alert").all_inner_texts())


def arrive(page, url):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_url(url, timeout=10000)
    except PlaywrightTimeout:
        raise AssertionError(f"stayed on {page.url}: {page.inner_text('main')[:1500]}") from None


def day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# -- nobody waiting: what happens next --------------------------------------------------------------------------


def recommender_with_nothing_to_do(page):
    """厦门 has nothing waiting: every section is empty and says what will bring work to it."""
    sign_in(page, "xiamen_hr")
    for title, empty in [
        ("待推荐的申报", "没有待推荐的申报。本单位负责推荐的机构提交申报后，会在此列出并通过站内消息通知。"),
        ("本单位申请取消、待省人社厅决定的基地", "没有待决定的取消申请。"),
        ("本单位推荐的基地正在整改", "本单位推荐的基地没有正在整改的。"),
    ]:
        todos = section(page, title)
        assert todos.get_by_role("listitem").count() == 0 and empty in todos.inner_text(), title


# -- the recommender ------------------------------------------------------------------------------------------


def recommender_recommends(page):
    sign_in(page, "fuzhou_hr")
    waiting = section(page, "待推荐的申报")
    todo = item(waiting, "福州市工程技术继续教育中心")
    assert todo.count() == 1
    assert "年度省级继续教育基地申报" in todo.inner_text() and WAITED.search(todo.inner_text())
    press(page, todo.get_by_role("link"))
    arrive(page, re.compile(r"/applications/\d+/$"))
    page.get_by_label("意见").fill("材料齐全，同意推荐。")
    press(page, page.get_by_role("button", name="推荐", exact=True))
    arrive(page, "**/applications/queue/recommender/")
    assert "已推荐" in alert_text(page)

    go_home(page)
    waiting = section(page, "待推荐的申报")
    assert waiting.get_by_role("listitem").count() == 0
    assert "没有待推荐的申报。本单位负责推荐的机构提交申报后" in waiting.inner_text()


# -- the inspector --------------------------------------------------------------------------------------------


def inspector_records_its_task(page):
    today = timezone.localdate()
    sign_in(page, "inspector")
    tasks = section(page, "待考核的任务")
    before = tasks.get_by_role("listitem").count()
    todo = tasks.get_by_role("listitem").filter(has_text="厦门大学继续教育学院").filter(has_text="定期考核").first
    text = todo.inner_text()
    assert f"期限{day(today)}" in text and "还有0天" in text, text
    press(page, todo.get_by_role("link", name="厦门大学继续教育学院"))
    arrive(page, re.compile(r"/inspections/\d+/$"))
    task_url = urlpath(page)
    page.get_by_label("实地考核日期").fill(today.isoformat())
    items = page.locator("fieldset.inspection-item")
    assert items.count() == 9
    for fieldset in items.all():
        fieldset.get_by_label("结论").select_option(label="符合")
    page.get_by_role("group", name="1. 师资队伍建设情况").get_by_label("情况说明").fill("专职教师28名，与备案一致。")
    page.get_by_label("考核结果").select_option(label="合格")
    page.get_by_label("考核意见").fill("九项内容均符合要求，考核合格。")
    press(page, page.get_by_role("button", name="提交考核结果"))
    assert "考核结果已提交" in alert_text(page), page.inner_text("main")[:1500]

    go_home(page)
    tasks = section(page, "待考核的任务")
    assert tasks.get_by_role("listitem").count() == before - 1
    assert tasks.locator(f'a[href="{task_url}"]').count() == 0


# -- the institution with a returned application -------------------------------------------------------------


def institution_resubmits_its_returned_application(page):
    sign_in(page, "inst_returned")
    mine = page.get_by_role("region", name="我的申报")
    row = mine.get_by_role("row").filter(has_text="退回修改")
    assert row.count() == 1
    text = row.inner_text()
    assert (
        "年度省级继续教育基地申报" in text
        and "按意见修改后重新提交" in text
        and re.search(r"批次截止\d{4}年\d+月\d+日", text)
    ), text
    press(page, row.get_by_role("link", name="继续填写"))
    arrive(page, re.compile(r"/applications/\d+/edit/$"))
    assert "申报已被退回修改" in page.inner_text("main")
    experience = page.get_by_label("培养培训经验")
    experience.fill(experience.input_value() + "已补充近三年培训登记台账。")
    page.get_by_label("上传其他佐证材料").set_input_files(
        {"name": "培训登记台账.pdf", "mimeType": "application/pdf", "buffer": factories.TINY_PDF}
    )
    press(page, page.get_by_role("button", name="保存并提交"))
    arrive(page, re.compile(r"/applications/\d+/(#.*)?$"))
    assert "申报已提交至莆田市人力资源和社会保障局" in alert_text(page)

    go_home(page)
    mine = page.get_by_role("region", name="我的申报")
    assert mine.get_by_role("row").filter(has_text="退回修改").count() == 0
    row = mine.get_by_role("row").filter(has_text="等待推荐单位推荐")
    assert row.count() == 1 and row.get_by_role("link", name="继续填写").count() == 0


# -- the recognised base with a filing overdue ----------------------------------------------------------------


def base_files_its_overdue_annual_report(page):
    """福州大学 was recognised last year and has not filed last year's report: the home page says how late."""
    year = timezone.localdate().year - 1
    sign_in(page, "base_fz")
    duties = section(page, "基地的义务和期限")
    title = f"福州大学继续教育学院：{year}年度报告及{year + 1}年度计划"
    todo = item(duties, title)
    text = todo.inner_text()
    assert f"期限{year}年12月31日" in text and re.search(r"已逾期\d+天", text), text
    press(page, todo.get_by_role("link"))
    arrive(page, re.compile(r"/bases/filings/\d+/edit/$"))
    page.get_by_label("年度计划执行情况").fill("完成年度培训计划，举办公需科目和专业科目培训班共14期。")
    page.get_by_label(f"{year}年培训专业技术人员人数").fill("3400")
    page.get_by_label("其中革命老区、民族地区和不发达地区学员人数").fill("340")
    page.get_by_label("收费情况").fill("公需科目每学时10元，全年收费约18万元。")
    page.get_by_label(f"{year + 1}年计划培训人数").fill("3600")
    page.get_by_label(f"{year + 1}年度计划").fill("举办专业科目培训班16期、高级研修班2期。")
    rows = [("年度执行", "开展专业技术人员公需科目或专业科目培训", "14", "3400")]
    rows += [("下一年度计划", "开展专业技术人员公需科目或专业科目培训", "16", "3600")]
    for n, (part, form, count, trainees) in enumerate(rows, start=1):
        page.get_by_label(f"第{n}行 部分").select_option(label=part)
        page.get_by_label(f"第{n}行 服务形式").select_option(label=form)
        page.get_by_label(f"第{n}行 项目（班次）数").fill(count)
        page.get_by_label(f"第{n}行 培训人数").fill(trainees)
    press(page, page.get_by_role("button", name="保存并报送"))
    arrive(page, re.compile(r"/bases/filings/\d+/$"))
    assert "年度报告和下一年度计划已报送省人社厅备案" in alert_text(page), page.inner_text("main")[:1500]

    go_home(page)
    duties = section(page, "基地的义务和期限")
    assert item(duties, title).count() == 0  # last year's, once filed, leaves the list


# -- the province ---------------------------------------------------------------------------------------------


def province_files_the_report(page):
    """The report 福州大学 has just filed waits for the province; accepted, it leaves the list."""
    year = timezone.localdate().year - 1
    filings = section(page, "待备案的年度报告和计划")
    todo = item(filings, "福州大学继续教育学院")
    text = todo.inner_text()
    assert f"{year}年度报告及{year + 1}年度计划" in text and WAITED.search(text), text
    others = filings.get_by_role("listitem").count() - 1
    press(page, todo.get_by_role("link"))
    arrive(page, re.compile(r"/bases/filings/\d+/$"))
    press(page, page.get_by_role("button", name="予以备案"))
    arrive(page, "**/bases/filings/queue/")
    assert "已予以备案" in alert_text(page)

    go_home(page)
    filings = section(page, "待备案的年度报告和计划")
    assert item(filings, "福州大学继续教育学院").count() == 0
    assert filings.get_by_role("listitem").count() == others


def province_accepts_the_recommended_application(page):
    """The application 福州 has just recommended: next step 受理; accepted, it moves on to the review."""
    apps = section(page, "待受理、审核、考察和认定的申报")
    todo = item(apps, "福州市工程技术继续教育中心")
    text = todo.inner_text()
    assert "已推荐" in text and "下一步：受理" in text and WAITED.search(text), text
    press(page, todo.get_by_role("link"))
    arrive(page, re.compile(r"/applications/\d+/$"))
    press(page, page.get_by_role("button", name="受理审核"))
    assert "已受理审核" in alert_text(page)

    go_home(page)
    text = item(section(page, "待受理、审核、考察和认定的申报"), "福州市工程技术继续教育中心").inner_text()
    assert "省级审核" in text and "下一步：审核材料，安排实地考察或退回" in text and "下一步：受理" not in text, text


def province_confirms_the_recorded_inspection(page):
    """The inspector's record waits for the province's confirmation; confirmed, the list is empty and says why."""
    recorded = section(page, "待确认的考核结果")
    todo = item(recorded, "厦门大学继续教育学院")
    text = todo.inner_text()
    assert "已记录合格" in text and WAITED.search(text), text
    press(page, todo.get_by_role("link"))
    arrive(page, re.compile(r"/inspections/\d+/$"))
    press(page, page.get_by_role("button", name="确认考核结果"))
    assert "已确认考核结果" in alert_text(page)

    go_home(page)
    recorded = section(page, "待确认的考核结果")
    assert recorded.get_by_role("listitem").count() == 0
    assert "没有待确认的考核结果。考核记录提交后会出现在这里。" in recorded.inner_text()


def test_every_role_acts_on_a_todo_from_its_home(page, demo):
    """Each step starts signed in on the home page and ends back there."""
    recommender_with_nothing_to_do(page)
    recommender_recommends(page)
    inspector_records_its_task(page)
    institution_resubmits_its_returned_application(page)
    base_files_its_overdue_annual_report(page)
    sign_in(page, "province")
    province_files_the_report(page)
    province_accepts_the_recommended_application(page)
    province_confirms_the_recorded_inspection(page)
