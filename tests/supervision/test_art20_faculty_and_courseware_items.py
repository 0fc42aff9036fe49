"""Art. 20: the inspection's items 师资队伍建设情况, 课件更新情况 and 课件及意识形态审核情况 are checked against
the base's own records (Art. 16, 18): its faculty pool and the changes to it since the previous inspection, and
its courseware log for the period under inspection (after the previous inspection, or the recognition, up to
the inspection's day). The province and the inspector unit see them on the inspection's page."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from bases.models import Teacher
from supervision.models import Inspection
from tests import factories
from tests.helpers import client_as, get_ok, visible_text

from .conftest import schedule

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def entered_on(teacher, day: date):
    """Date the teacher's entry in the pool's history (as if entered that day)."""
    Teacher.history.filter(id=teacher.pk, history_type="+").update(
        history_date=datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI)
    )


@pytest.fixture
def inspected(base, province_user, inspector_user):
    """A base recognised 2025-01-01, inspected on site 2026-01-15, and inspected again today by a unit."""
    previous = schedule(province_user, base, on=date(2026, 1, 10))
    Inspection.objects.filter(pk=previous.pk).update(inspected_on=date(2026, 1, 15))
    return schedule(province_user, base, unit=inspector_user.inspector_unit)


def test_the_faculty_item_shows_the_pool_and_who_joined_and_left_since_the_previous_inspection(
    base, inspected, province_user, inspector_user, client
):
    old = factories.TeacherFactory(base=base, name="老教师", active_from=date(2025, 1, 1))
    entered_on(old, date(2025, 1, 1))
    new = factories.TeacherFactory(base=base, name="新教师", degree="college", active_from=date(2026, 3, 1))
    entered_on(new, date(2026, 3, 1))
    gone = factories.TeacherFactory(
        base=base, name="离任教师", active_from=date(2025, 1, 1), active_to=date(2026, 5, 1)
    )
    entered_on(gone, date(2025, 1, 1))

    for user in (province_user, inspector_user):
        text = visible_text(get_ok(client_as(user, client), reverse("supervision:detail", args=[inspected.pk])))
        section = text[text.index("师资队伍建设情况：师资队伍库") :]
        assert "上次考核（2026年1月15日）之后" in section
        assert "考核日在库教师2人，其中 1人学历低于大学本科" in section
        assert "期间新增1人，退出1人" in section
        assert "期间新增： 新教师" in section or "期间新增：新教师" in section
        assert "离任教师（2026年5月1日）" in section


def test_the_courseware_items_show_the_log_for_the_period_under_inspection(base, inspected, province_user, client):
    before = factories.CourseFactory(base=base, title="旧课件", updated_on=date(2025, 6, 1))
    factories.CoursewareReviewFactory(course=before, reviewed_on=date(2025, 6, 2), reviewer="去年审核组")
    current = factories.CourseFactory(base=base, title="新课件", updated_on=date(2026, 4, 1))
    factories.CoursewareReviewFactory(
        course=current, reviewed_on=date(2026, 4, 2), result="failed", reviewer="本期审核组"
    )

    text = visible_text(get_ok(client_as(province_user, client), reverse("supervision:detail", args=[inspected.pk])))

    section = text[text.index("课件更新情况、课件及意识形态审核情况") :]
    assert "期间更新课程和课件1项，登记审核1次，其中 1次不通过" in section
    assert "新课件" in section and "本期审核组" in section
    assert "旧课件" not in section and "去年审核组" not in section


def test_a_first_inspection_looks_back_to_the_recognition(base, province_user, client):
    inspection = schedule(province_user, base, on=date.today() + timedelta(days=10))
    text = visible_text(get_ok(client_as(province_user, client), reverse("supervision:detail", args=[inspection.pk])))
    assert "认定（2025年1月1日）之后" in text
