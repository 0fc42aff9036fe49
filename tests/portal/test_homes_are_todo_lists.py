"""Each role's home is its to-do list (issue 15, point 2): every pending item the role can act on, read in the
same scope as the list pages, with its deadline and age, most urgent first, a limit per section with a link
to the full list, an empty state that says what happens next, and a fixed number of SQL queries whatever the
number of items."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from portal.selectors import SHOWN, home_summary
from supervision.models import CancellationRequest, Inspection, RectificationOrder
from tests import factories
from tests.helpers import assert_constant_queries, client_as, get_ok, visible_text

DAYS_AGO_3 = timedelta(days=3)
SHANGHAI = ZoneInfo("Asia/Shanghai")

# The SQL queries of each home page, whatever the number of its items: the session and the user, then one
# query per section (its first items and their number, by a window; the longest lists' numbers and the
# figures come from one bounded count instead, issue 20), and the page's own facts. The province's
# obligations brief comes from the cache once counted (two queries on the first load of the day's ten minutes).
PINNED = {"province": 17, "recommender": 7, "inspector": 4, "institution": 11}


def home(client):
    return get_ok(client, reverse("home")).content.decode()


def words(html) -> str:
    """The text a reader sees, without the spaces between the parts of the markup."""
    return visible_text(html).replace(" ", "")


def links(html) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def section(html, key) -> str:
    """The HTML of one to-do section of a home page."""
    found = re.search(rf'<section class="card mb-4" aria-labelledby="todo-{key}">(.*?)</section>', html, re.S)
    assert found, f"no section {key}"
    return found.group(1)


# -- making pending items ------------------------------------------------------------------------------------


def base_of(institution=None, **fields):
    inst = institution or factories.InstitutionFactory()
    app = factories.ApplicationFactory(institution=inst, state="approved", submitted_at=timezone.now())
    return factories.BaseFactory(application=app, published_at=timezone.now(), **fields)


def recommended_application(**fields):
    now = timezone.now()
    return factories.ApplicationFactory(state="recommended", submitted_at=now, last_submitted_at=now, **fields)


def submitted_application(*, waited=timedelta(0), **fields):
    moment = timezone.now() - waited
    return factories.ApplicationFactory(state="submitted", submitted_at=moment, last_submitted_at=moment, **fields)


def rectification(base, *, state="open", deadline=None, province=None):
    return RectificationOrder.objects.create(
        base=base,
        ground="noncompliance",
        findings="师资队伍不稳定。",
        deadline=deadline or timezone.localdate() + timedelta(days=30),
        state=state,
        report="已整改。" if state == "reported" else "",
        reported_at=timezone.now() if state == "reported" else None,
        ordered_by=province or factories.UserFactory(role=Role.PROVINCE),
    )


def cancellation(base, requester, role):
    return CancellationRequest.objects.create(base=base, requested_by=requester, requester_role=role, reason="停办")


def inspection(base, *, unit=None, state="scheduled", on=None, province=None):
    return Inspection.objects.create(
        base=base,
        kind="periodic",
        state=state,
        scheduled_on=on or timezone.localdate() + timedelta(days=7),
        inspector_unit=unit,
        province_team="" if unit else "省人社厅",
        result="pass" if state == "recorded" else "",
        recorded_at=timezone.now() if state == "recorded" else None,
        created_by=province or factories.UserFactory(role=Role.PROVINCE),
    )


def province_items(province, n=1):
    """n pending items of every kind the province acts on."""
    made = {}
    today = timezone.localdate()
    for i in range(n):
        made["application"] = recommended_application()
        made["objection"] = factories.ObjectionFactory()
        made["filing"] = factories.AnnualFilingFactory(base=base_of(), state="submitted")
        made["change"] = factories.ChangeFilingFactory(base=base_of())
        b = base_of()
        made["cancellation"] = cancellation(
            b, factories.InstitutionUserFactory(institution=b.institution), "institution"
        )
        made["report"] = rectification(base_of(), state="reported", province=province)
        made["late"] = rectification(base_of(), deadline=today - timedelta(days=2), province=province)
        RectificationOrder.objects.filter(pk=made["late"].pk).update(deadline_missed_at=timezone.now())
        made["recorded"] = inspection(base_of(), state="recorded", province=province)
        made["overdue"] = base_of(next_inspection_due=today - timedelta(days=10 + i))
    return made


# -- the province ----------------------------------------------------------------------------------------------


def test_the_province_home_lists_every_kind_of_pending_item_and_links_to_where_it_is_acted_on(province_user):
    made = province_items(province_user)
    html = home(client_as(province_user))
    expected = {
        "applications": reverse("applications:detail", args=[made["application"].pk]),
        "objections": reverse("applications:detail", args=[made["objection"].application_id]),
        "filings": reverse("bases:filing_detail", args=[made["filing"].pk]),
        "changes": reverse("bases:change_detail", args=[made["change"].pk]),
        "cancellations": reverse("supervision:cancellation", args=[made["cancellation"].pk]),
        "rectification_reports": reverse("supervision:rectification", args=[made["report"].pk]),
        "rectifications_late": reverse("supervision:rectification", args=[made["late"].pk]),
        "inspections_recorded": reverse("supervision:detail", args=[made["recorded"].pk]),
        "inspections_overdue": reverse("supervision:schedule") + f"?base={made['overdue'].pk}&amp;kind=periodic",
    }
    for key, url in expected.items():
        assert url in links(section(html, key)), key


def test_the_province_can_act_on_an_overdue_inspection_from_its_home(province_user):
    overdue = base_of(next_inspection_due=timezone.localdate() - timedelta(days=10))
    client = client_as(province_user)
    html = section(home(client), "inspections_overdue")
    assert "已逾期10天" in words(html)
    url = next(u for u in links(html) if u.startswith(reverse("supervision:schedule")))
    form = get_ok(client, url.replace("&amp;", "&")).content.decode()
    assert f'value="{overdue.pk}" selected' in form


def test_the_province_sees_the_most_overdue_inspection_first(province_user):
    late = base_of(name="甲基地", next_inspection_due=timezone.localdate() - timedelta(days=3))
    later = base_of(name="乙基地", next_inspection_due=timezone.localdate() - timedelta(days=30))
    text = words(section(home(client_as(province_user)), "inspections_overdue"))
    assert text.index(later.name) < text.index(late.name)


def test_a_section_lists_a_limited_number_and_links_to_the_full_list(province_user):
    for _ in range(SHOWN + 2):
        recommended_application()
    html = section(home(client_as(province_user)), "applications")
    assert f"全部{SHOWN + 2}项" in words(html)
    assert reverse("applications:province_queue") in links(html)
    assert len(re.findall(r"/applications/\d+/", html)) == SHOWN


def test_an_empty_section_says_what_happens_next(province_user):
    html = home(client_as(province_user))
    assert "没有待备案的年度报告。基地报送后会出现在这里" in words(section(html, "filings"))


def test_the_province_home_runs_the_same_queries_for_few_and_many_items(province_user):
    client = client_as(province_user)
    province_items(province_user)
    assert_constant_queries(
        lambda: home(client), lambda: province_items(province_user, SHOWN + 2), warm=True, pinned=PINNED["province"]
    )


# -- the recommender -----------------------------------------------------------------------------------------


def test_a_recommender_sees_how_long_each_application_has_waited_for_its_recommendation(recommender_user):
    app = submitted_application(waited=DAYS_AGO_3)
    client = client_as(recommender_user)
    html = section(home(client), "applications")
    detail = reverse("applications:detail", args=[app.pk])
    assert detail in links(html)
    assert "已等待3天" in words(html)
    # the page it links to is where the recommendation is given
    assert reverse("applications:act", args=[app.pk, "recommend"]) in get_ok(client, detail).content.decode()


def test_a_recommender_sees_its_cancellation_requests_and_the_rectifications_of_its_bases(recommender_user):
    asked = base_of(name="申请取消的基地")  # a 福州 institution: recommended by recommender_user's unit
    request = cancellation(asked, recommender_user, "recommender")
    order = rectification(base_of(name="整改中的基地"))
    html = home(client_as(recommender_user))
    assert reverse("supervision:cancellation", args=[request.pk]) in links(section(html, "cancellations"))
    assert reverse("supervision:rectification", args=[order.pk]) in links(section(html, "rectifications"))
    assert "还有30天" in words(section(html, "rectifications"))


def test_a_recommender_sees_nothing_of_another_units_applications(db):
    submitted_application()  # routed to 福州
    other = factories.RecommenderUserFactory(region=factories.region("350200"))
    html = section(home(client_as(other)), "applications")
    assert "没有待推荐的申报。" in words(html)


def test_the_recommender_home_runs_the_same_queries_for_few_and_many_items(recommender_user):
    def add(n):
        for _ in range(n):
            submitted_application(is_city_base=True)
            cancellation(base_of(), recommender_user, "recommender")
            rectification(base_of())

    client = client_as(recommender_user)
    add(1)
    assert_constant_queries(lambda: home(client), lambda: add(SHOWN + 2), warm=True, pinned=PINNED["recommender"])


# -- the inspector ---------------------------------------------------------------------------------------------


def test_an_inspector_home_lists_its_inspections_to_do_with_their_dates(inspector_user):
    on = timezone.localdate() + timedelta(days=5)
    task = inspection(base_of(name="待考核基地"), unit=inspector_user.inspector_unit, on=on)
    inspection(base_of(name="别人的基地"), unit=factories.InspectorUnitFactory())
    client = client_as(inspector_user)
    html = section(home(client), "inspections")
    text = words(html)
    assert "待考核基地" in text and "别人的基地" not in text
    assert f"{on.year}年{on.month}月{on.day}日" in text and "还有5天" in text
    detail = reverse("supervision:detail", args=[task.pk])
    assert detail in links(html)
    assert reverse("supervision:record", args=[task.pk]) in get_ok(client, detail).content.decode()  # recorded there


def test_an_inspector_with_nothing_to_do_is_told_what_happens_next(inspector_user):
    text = words(section(home(client_as(inspector_user)), "inspections"))
    assert "暂无待考核的任务。省人社厅指派新的考核任务后" in text


def test_the_inspector_home_runs_the_same_queries_for_few_and_many_items(inspector_user):
    unit = inspector_user.inspector_unit

    def add(n):
        for _ in range(n):
            inspection(base_of(), unit=unit)

    client = client_as(inspector_user)
    add(1)
    assert_constant_queries(lambda: home(client), lambda: add(SHOWN + 2), warm=True, pinned=PINNED["inspector"])


# -- the institution and its base --------------------------------------------------------------------------


def test_a_base_sees_this_years_filing_due_on_31_december_and_where_to_start_it(institution_user):
    base_of(institution_user.institution)
    html = section(home(client_as(institution_user)), "duties")
    year = timezone.localdate().year
    text = words(html)
    assert f"{year}年度报告及{year + 1}年度计划" in text and "尚未开始填写" in text
    assert f"期限{year}年12月31日" in text
    assert reverse("bases:filings") in links(html)


def test_a_base_sees_its_returned_filing_and_returned_change_filing(institution_user):
    base = base_of(institution_user.institution)
    filing = factories.AnnualFilingFactory(base=base, state="returned")
    change = factories.ChangeFilingFactory(base=base, state="returned", decided_at=timezone.now())
    html = section(home(client_as(institution_user)), "duties")
    assert "被省人社厅退回" in words(html)
    assert reverse("bases:filing_edit", args=[filing.pk]) in links(html)
    assert reverse("bases:change_detail", args=[change.pk]) in links(html)


def test_a_base_under_rectification_sees_its_deadline_first(institution_user):
    base = base_of(institution_user.institution, next_inspection_due=timezone.localdate() + timedelta(days=400))
    order = rectification(base, deadline=timezone.localdate() + timedelta(days=10))
    client = client_as(institution_user)
    html = section(home(client), "duties")
    text = words(html)
    assert text.index("限期整改") < text.index("年度报告") < text.index("定期考核")
    assert "还有10天" in text
    url = reverse("supervision:rectification", args=[order.pk])
    assert url in links(html)
    assert reverse("supervision:rectification_report", args=[order.pk]) in get_ok(client, url).content.decode()


def test_an_institution_sees_the_next_step_of_each_application(institution_user):
    batch = factories.BatchFactory(closes_on=timezone.localdate() + timedelta(days=20))
    factories.ApplicationFactory(institution=institution_user.institution, created_by=institution_user, batch=batch)
    text = words(home(client_as(institution_user)))
    close = batch.closes_on
    assert "完善材料，在批次截止前提交" in text and f"批次截止{close.year}年{close.month}月{close.day}日" in text


def test_the_institution_home_runs_the_same_queries_for_few_and_many_items(institution_user):
    inst = institution_user.institution

    def add(n):
        for _ in range(n):
            base = base_of(inst, next_inspection_due=timezone.localdate() + timedelta(days=100))
            factories.AnnualFilingFactory(base=base, state="returned")
            factories.ChangeFilingFactory(base=base, state="returned", decided_at=timezone.now())
            rectification(base)

    client = client_as(institution_user)
    add(1)
    assert_constant_queries(lambda: home(client), lambda: add(SHOWN + 2), warm=True, pinned=PINNED["institution"])


def test_the_annual_filing_is_due_on_31_december_and_overdue_from_1_january(institution_user):
    base_of(institution_user.institution, recognised_on=date(2026, 1, 1))
    with time_machine.travel(datetime(2026, 12, 31, 23, 59, tzinfo=SHANGHAI), tick=False):
        text = words(section(home(client_as(institution_user)), "duties"))
    assert "2026年度报告" in text and "还有0天" in text and "已逾期" not in text
    with time_machine.travel(datetime(2027, 1, 1, 0, 0, tzinfo=SHANGHAI), tick=False):
        text = words(section(home(client_as(institution_user)), "duties"))
    assert "2026年度报告" in text and "已逾期1天" in text


@pytest.mark.parametrize("role", ["province_user", "recommender_user", "inspector_user", "institution_user"])
def test_every_link_to_a_full_list_opens_for_the_role_whose_home_shows_it(request, role):
    user = request.getfixturevalue(role)
    summary = home_summary(user)
    sections = summary.get("sections") or [summary["duties"]]
    client = client_as(user)
    for s in sections:
        assert s.more_url, s.key
        get_ok(client, s.more_url)


def test_the_obligations_brief_says_when_it_was_counted_since_the_home_keeps_it_ten_minutes(province_user):
    counted = datetime(2026, 12, 6, 9, 30, tzinfo=SHANGHAI)
    with time_machine.travel(counted, tick=False):
        home(client_as(province_user))  # counts and keeps the figures
    with time_machine.travel(counted + timedelta(minutes=5), tick=False):
        html = home(client_as(province_user))
    brief = words(section(html, "obligations"))
    assert "统计于12月6日09:30" in brief, brief
    assert f'datetime="{counted.isoformat()}"' in section(html, "obligations")
