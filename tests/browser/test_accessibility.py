"""Every page of every role is usable by everyone on any screen (issue 15, points 5 and 6; WCAG 2.1 AA).

Signed in as each demo role (`seed_demo`'s data), the browser crawls every page reachable from the role's menu
and home page, and the public pages — one page of each shape (/applications/3/ stands for /applications/7/),
until no shape is left — at a phone's width (390×844): axe-core runs on each and no node may have a
serious or critical violation; no page may be wider than the screen. The first pages of each role are checked
again on a desktop screen. At a phone's width the menu is a button that Tab reaches and Enter opens, and the
inspector's nine-item form and the institution's application fit the screen.
"""

import re
from collections import Counter
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command

from tests.browser.second_step import pass_second_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Demo12345678"  # seed_demo's password for every account
PHONE = {"width": 390, "height": 844}
PAGES_PER_ROLE = 200  # a bound, never reached: the test fails if a role's pages of some shape were left unvisited
SAME_PATTERN = 1  # pages of one shape (ids replaced) visited per role: /applications/3/ stands for /applications/7/
# Demo accounts, one per role and the institutions whose pages differ most (a draft, a returned application,
# a recognised base).
ACCOUNTS = [None, "province", "fuzhou_hr", "inspector", "expert", "institution", "inst_returned", "base_fz", "admin"]
# The same pages' first few again on a desktop screen (1366×900), where the menu and the tables look different.
DESKTOP = {"width": 1366, "height": 900}
DESKTOP_PAGES = 10
# Not pages: signing out, files and exports, the admin (Django's own templates), and forms that only POST.
SKIPPED = re.compile(
    r"/logout|/admin/|/files?/|/download|/export|\.(pdf|csv|xlsx|docx|png|jpe?g|zip|json)$|[?&]format=|/plaque|"
    r"/receipt|/print|/open-data/.+|/media/"
)
BLOCKING = {"serious", "critical"}


@pytest.fixture
def demo(page):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - the command's account list


def shape(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted(k.split("=")[0] for k in parts.query.split("&") if k)
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


def sign_in(page, username):
    page.context.clear_cookies()
    if username is None:
        return
    page.goto("/accounts/login/")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', PASSWORD)
    page.get_by_role("button", name="登录").click()
    pass_second_step(page, username)
    assert "/accounts/login/" not in page.url, page.inner_text("main")[:500]


def audit(page, axe) -> tuple[list[dict], int]:
    """The page's serious and critical axe-core violations, and how wide the document is."""
    violations = axe.run(page).response["violations"]
    return [v for v in violations if v["impact"] in BLOCKING], page.evaluate("document.scrollingElement.scrollWidth")


def crawl(page, axe, start):
    """Visit up to PAGES_PER_ROLE same-site pages breadth first; return [(url, violations, scroll width)]."""
    origin = page.base_url
    queue, seen, shapes, found = list(start), set(), Counter(), []
    while queue and len(found) < PAGES_PER_ROLE:
        url = queue.pop(0)
        if url in seen or SKIPPED.search(url) or shapes[shape(url)] >= SAME_PATTERN:
            continue
        seen.add(url)
        try:
            response = page.goto(url)
        except Exception:  # noqa: BLE001 - a download starts instead of a page
            continue
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if response.status != 200:
            found.append(
                (url[len(origin) :], [{"id": f"HTTP {response.status}", "impact": "critical", "nodes": [{}]}], 0)
            )
            continue
        shapes[shape(url)] += 1
        found.append((url[len(origin) :], *audit(page, axe)))
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            href = urldefrag(href).url
            if href.startswith(origin) and href not in seen:
                queue.append(href)
    left = {shape(u) for u in queue if not SKIPPED.search(u)} - set(shapes)
    print(f"{start[0]}: {len(found)} pages of {len(shapes)} shapes")
    assert not left, f"the crawl stopped at {PAGES_PER_ROLE} pages before reaching: {sorted(left)}"
    return found


def test_every_page_of_every_role_passes_axe_and_fits_a_phone(page, demo):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    failures, overflows, by_rule, crawled = [], [], Counter(), Counter()

    def note(who, screen, url, violations):
        crawled[screen] += 1
        for v in violations:
            by_rule[(v["id"], v["impact"])] += len(v["nodes"])
            targets = ", ".join(str(n.get("target", "")) for n in v["nodes"][:3])
            failures.append(f"{who} {screen} {url}: {v['id']} ({v['impact']}, {len(v['nodes'])}) {targets}")

    for username in ACCOUNTS:
        who = username or "游客"
        sign_in(page, username)
        page.set_viewport_size(PHONE)
        start = [page.base_url + "/"]
        if username is None:
            start += [page.base_url + p for p in ("/accounts/login/", "/register/", "/accounts/password/reset/")]
        else:
            start += [page.base_url + "/accounts/password/change/"]
        found = crawl(page, axe, start)
        for url, violations, width in found:
            note(who, "390", url, violations)
            if width > PHONE["width"]:
                overflows.append(f"{who} {url}: {width}px")
        page.set_viewport_size(DESKTOP)
        for url, _, _ in found[:DESKTOP_PAGES]:
            page.goto(url)
            note(who, "1366", url, audit(page, axe)[0])
    summary = "\n".join(f"  {rule} {impact}: {n}" for (rule, impact), n in by_rule.most_common())
    print(f"\naxe crawl: {dict(crawled)} pages by screen width, {sum(by_rule.values())} blocking nodes\n{summary}")
    print(f"{len(overflows)} pages wider than the screen")
    assert crawled["390"] > 100
    assert not failures + overflows, (
        "serious/critical axe violations:\n"
        + "\n".join(failures)
        + "\npages wider than a 390px screen:\n"
        + "\n".join(overflows)
    )


def menu_is_reached_by_tab_and_opened_by_a_key(page):
    """Issue 15, point 5: at 390 px the menu is a button that Tab reaches, Enter opens and Escape closes."""
    page.set_viewport_size(PHONE)
    sign_in(page, "province")
    page.goto("/")
    menu_link = page.get_by_role("link", name="申报审核")
    assert not menu_link.is_visible()
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-controls')"):
            break
    toggle = page.locator(":focus")
    assert toggle.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert menu_link.is_visible()
    for _ in range(3):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#main-menu') !== null")
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not menu_link.is_visible()


def menu_fits_a_narrow_desktop(page):
    """At 1,000 px the menu is laid out in a row (not the phone button); where the province's long menu and the
    account menu do not fit one line they wrap, and every item stays on the screen. Signed in as the province
    (by the check before: a second sign-in within the same 30 s would have its code refused as replayed)."""
    page.set_viewport_size({"width": 1000, "height": 700})
    page.goto("/")
    items = page.locator("#main-menu .nav-link").all()
    assert len(items) > 8
    for item in items:
        rect = item.bounding_box()
        assert item.is_visible() and rect["x"] >= 0 and rect["x"] + rect["width"] <= 1000, item.inner_text()
    assert page.get_by_role("button", name="退出").is_visible()


def inspector_fills_the_nine_items(page):
    """Issue 15, point 6: on site, at 390×844, every item's verdict, notes and attachment are on the screen, each
    with its label, and the notes are tall enough to write in."""
    from supervision.models import Inspection, InspectionState

    inspection = (
        Inspection.objects.filter(state=InspectionState.SCHEDULED, inspector_unit__users__username="inspector")
        .order_by("pk")
        .first()
    )
    page.set_viewport_size(PHONE)
    sign_in(page, "inspector")
    page.goto(f"/inspections/{inspection.pk}/")
    items = page.locator("fieldset.inspection-item")
    assert items.count() == 9
    for label in ("结论", "情况说明", "附件"):
        assert page.get_by_label(label).count() == 9
    for box in page.locator("fieldset.inspection-item textarea").all():
        assert box.bounding_box()["height"] >= 80
    for control in page.locator("fieldset.inspection-item select, fieldset.inspection-item input[type=file]").all():
        rect = control.bounding_box()
        assert rect["x"] >= 0 and rect["x"] + rect["width"] <= PHONE["width"]
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


def institution_fills_its_application(page):
    """Issue 15, point 6: the application form, with its people table, fits a 390 px screen; every row's
    inputs are named by row and column."""
    page.set_viewport_size(PHONE)
    sign_in(page, "institution")
    page.goto("/applications/mine/")
    page.locator("a[href$='/edit/']").first.click()
    page.wait_for_load_state()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    assert page.get_by_label("第1行 姓名").count() == 1


def institution_adds_a_row_in_the_page(page):
    """Issue 15, point 4: 添加一行 adds a numbered, labelled row without reloading; the cursor goes to it, and
    what is typed in it is saved with the draft."""
    from applications.models import ApplicationPerson

    rows = page.locator("#people-rows tr")
    before = rows.count()
    url = page.url
    page.get_by_role("button", name="添加一行").click()
    assert page.url == url and rows.count() == before + 1
    new_row = f"第{before + 1}行"
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == f"{new_row} 类别"
    page.get_by_label(f"{new_row} 姓名").fill("郑新行")
    page.get_by_label(f"{new_row} 学历").select_option(label="大学本科")
    page.get_by_role("button", name="保存草稿", exact=True).click()
    page.wait_for_load_state()
    assert "草稿已保存" in page.inner_text("main")
    assert ApplicationPerson.objects.filter(name="郑新行").exists()


def base_checks_its_totals_against_its_programmes(page):
    """Issue 15, point 4: in the annual filing each total shows the sum of its part's programme rows as the
    user types, and warns when it is larger; a row added in the page counts at once."""
    from bases.models import AnnualFiling, FilingState

    filing = AnnualFiling.objects.get(state=FilingState.DRAFT, base__institution__users__username="base_np")
    sign_in(page, "base_np")
    page.goto(f"/bases/filings/{filing.pk}/edit/")
    total = page.get_by_label(f"{filing.year}年培训专业技术人员人数")
    note = page.locator(f"#{total.get_attribute('id')}-sum")
    assert note.inner_text() == "下方各培训项目人数之和：1200人。"
    total.fill("1300")
    assert "超过了下方各培训项目人数之和（1200人）" in note.inner_text()
    page.get_by_role("button", name="添加一行").click()
    row = "第" + str(page.locator("#programmes-rows tr").count()) + "行"
    page.get_by_label(f"{row} 部分").select_option("report")
    page.get_by_label(f"{row} 服务形式（第十三条）").select_option("advanced_seminar")
    page.get_by_label(f"{row} 项目（班次）数").fill("1")
    page.get_by_label(f"{row} 培训人数").fill("100")
    assert note.inner_text() == "下方各培训项目人数之和：1300人。"
    page.get_by_role("button", name="保存草稿", exact=True).click()
    page.wait_for_load_state()
    assert filing.programmes.filter(part="report").count() == 2


def test_the_menu_works_on_every_screen_and_the_field_forms_fit_a_phone(page, demo):
    """One seeded world for the phone journeys (seeding takes a while)."""
    menu_is_reached_by_tab_and_opened_by_a_key(page)
    menu_fits_a_narrow_desktop(page)
    inspector_fills_the_nine_items(page)
    institution_fills_its_application(page)
    institution_adds_a_row_in_the_page(page)
    base_checks_its_totals_against_its_programmes(page)
