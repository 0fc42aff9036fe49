"""A base imports its training classes and trainees from an Excel sheet in a browser (Art. 18; issue 17, point 2):
the institution's user opens the import page from the class list, uploads a sheet with one faulty row choosing to
import the valid rows, reads the problem (row, column and reason), downloads the row returned to fix, fixes it and
imports it again; a file that is not a spreadsheet is refused in Chinese with the chosen mode kept."""

import re

import pytest
from openpyxl import load_workbook

from tests import factories
from tests.browser.second_step import pass_second_step
from training.models import TrainingClass

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Passw0rd-Strong"  # what tests/factories.py's UserFactory sets
VALID_ROWS = "导入无误的行，其余退回修改"


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATE_LIMITS = {name: 1_000_000 for name in settings.RATE_LIMITS}


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
        raise AssertionError(f"stayed on {page.url}: {page.inner_text('main')[:1500]}") from None


def upload(page, path, mode=None):
    page.get_by_label("培训记录文件").set_input_files(str(path))
    if mode:
        page.get_by_label(mode).check()
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_load_state()


def test_a_base_imports_its_sheet_fixes_the_returned_row_and_imports_it_again(page, tmp_path):
    base = factories.BaseFactory()
    user = factories.InstitutionUserFactory(institution=base.institution)
    sign_in(page, user)

    # -- from the class list to the import page, with the template to download ----------------------------------
    page.goto(f"/training/base/{base.pk}/")
    page.get_by_role("link", name="从Excel或CSV导入").click()
    arrive(page, f"**/training/base/{base.pk}/import/")
    main = page.locator("main")
    assert main.get_by_role("heading", name="导入培训记录").is_visible()
    assert main.get_by_role("link", name="Excel（XLSX）").get_attribute("href").endswith("/import/template/")
    assert main.get_by_role("link", name="CSV", exact=True).get_attribute("href").endswith("?format=csv")

    # -- a file that is not a spreadsheet is refused, and the chosen mode stays chosen ----------------------------
    not_a_sheet = tmp_path / "培训记录.xlsx"
    not_a_sheet.write_bytes("这只是一段文字，不是表格。\n".encode())
    upload(page, not_a_sheet, mode=VALID_ROWS)
    assert re.search(rf"/training/base/{base.pk}/import/$", page.url)
    assert "不是表格文件" in page.inner_text("main")
    assert page.get_by_label(VALID_ROWS).is_checked()
    assert not TrainingClass.objects.exists()

    # -- two good rows and one with more hours than the class has: the valid rows are imported -------------------
    sheet = tmp_path / "培训记录-第一批.xlsx"
    rows = [factories.training_row(1), factories.training_row(2), factories.training_row(3, hours=99)]
    sheet.write_bytes(factories.training_xlsx(rows).read())
    upload(page, sheet, mode=VALID_ROWS)
    arrive(page, re.compile(r"/training/imports/\d+/$"))
    main_text = page.inner_text("main")
    assert "新增学员2名" in main_text, main_text
    problems = page.get_by_role("table", name="问题清单：行、列与原因")
    problem = problems.get_by_role("row").filter(has_text="第4行")
    assert problem.count() == 1
    assert "参训学时" in problem.inner_text()
    assert "参训学时超过班级总学时（40学时）。" in problem.inner_text()
    page.screenshot(path="/tmp/import-result.png", full_page=True)

    # -- the returned row downloads, is fixed and imported again with the default mode ---------------------------
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载退回修改的1行（XLSX）").click()
    returned = tmp_path / "退回修改.xlsx"
    download_info.value.save_as(returned)
    book = load_workbook(returned)
    ws = book.active
    header = [cell.value for cell in ws[1]]
    hours_column = header.index("参训学时") + 1
    assert ws.max_row == 2, "one row returned under the header"
    assert ws.cell(row=2, column=hours_column).value in (99, "99")
    ws.cell(row=2, column=hours_column).value = 36
    fixed = tmp_path / "退回修改-已改.xlsx"
    book.save(fixed)

    page.get_by_role("link", name="再导入一个文件").click()
    arrive(page, f"**/training/base/{base.pk}/import/")
    assert page.get_by_label("全部无误才导入", exact=False).is_checked()
    upload(page, fixed)
    arrive(page, re.compile(r"/training/imports/\d+/$"))
    main_text = page.inner_text("main")
    assert "新增学员1名" in main_text, main_text
    assert "问题清单" not in main_text
    assert page.get_by_role("table", name="问题清单：行、列与原因").count() == 0

    # -- the class list shows the class with its three trainees ---------------------------------------------------
    page.goto(f"/training/base/{base.pk}/")
    row = page.get_by_role("row").filter(has_text="BIM应用研修班")
    assert row.count() == 1
    assert re.search(r"(^|\s)3(\s|$)", row.inner_text()), row.inner_text()
    assert TrainingClass.objects.get(base=base).participants.count() == 3
