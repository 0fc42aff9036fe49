"""Art. 21: inspection and spot-check results are made public ("考核结果向社会公布"). A confirmed result still
unpublished RESULT_PUBLICATION_WORKING_DAYS working days (default 10, on the portal's holiday calendar) after its
confirmation is on the province's to-do list on its home page, with how many working days it is overdue and a link
to where it is published, and in a daily reminder that tells the province once per result and day."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from applications.models import CalendarDay, DayKind
from core.tasks import run_job
from supervision import selectors, services
from supervision.models import Inspection, InspectionKind, InspectionState, Result
from tests import factories
from tests.helpers import assert_constant_queries, visible_text

from .conftest import SHANGHAI, at, base_in, confirmed, new_notifications, record

pytestmark = pytest.mark.django_db

# Confirmed on Monday 2 March 2026; 10 March is a holiday, so the 10th working day after is Tuesday 17 March.
CONFIRMED = (2026, 3, 2, 10, 0)
DUE = date(2026, 3, 17)


@pytest.fixture
def holiday(db):
    return CalendarDay.objects.update_or_create(
        date=date(2026, 3, 10), defaults={"kind": DayKind.HOLIDAY, "name": "测试假日"}
    )[0]


def confirmed_on_2_march(province, base, **kwargs):
    with at(*CONFIRMED):
        return confirmed(province, base, **kwargs)


def to_do(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def test_art21_a_result_unpublished_after_10_working_days_is_on_the_provinces_to_do_list(
    holiday, base, province_user, client_as
):
    inspection = confirmed_on_2_march(province_user, base, result=Result.FAIL)
    province = client_as(province_user)

    with at(2026, 3, 17, 23, 59):  # the 10th working day: still in time
        assert selectors.unpublished_results(timezone.localdate()) == []
        assert "待公布的考核结果" not in visible_text(to_do(province))

    with at(2026, 3, 18, 0, 0):
        (late,) = selectors.unpublished_results(timezone.localdate())
        assert (late.inspection, late.confirmed_on, late.due_on, late.overdue_days) == (
            inspection,
            date(2026, 3, 2),
            DUE,
            1,
        )
        response = to_do(province)
        text = visible_text(response)
        assert "待公布的考核结果（第二十一条）：1项逾期未公布" in text
        assert f"{base.name} 定期考核（实地考察）：不合格" in text
        assert "2026年3月2日确认，应于2026年3月17日前公布" in text and "逾期1个工作日" in text
        assert f'href="{reverse("supervision:detail", args=[inspection.pk])}"' in response.content.decode()

    with at(2026, 3, 23, 9, 0):  # past a weekend: 18, 19, 20 and 23 March
        assert "逾期4个工作日" in visible_text(to_do(province))
        services.inspection_transition(actor=province_user, inspection_id=inspection.pk, action="publish")
        assert selectors.unpublished_results(timezone.localdate()) == []
        assert "待公布的考核结果" not in visible_text(to_do(province))


def test_art21_a_make_up_working_day_counts_and_the_number_of_days_is_a_setting(base, province_user, settings):
    CalendarDay.objects.update_or_create(
        date=date(2026, 3, 7), defaults={"kind": DayKind.WORKDAY, "name": "调休上班"}
    )  # a Saturday
    settings.RESULT_PUBLICATION_WORKING_DAYS = 3
    confirmed_on_2_march(province_user, base)

    # 3, 4 and 5 March are the three working days
    assert selectors.unpublished_results(date(2026, 3, 5)) == []
    (late,) = selectors.unpublished_results(date(2026, 3, 7))
    assert (late.due_on, late.overdue_days) == (date(2026, 3, 5), 2)  # 6 March, and the Saturday worked


def test_art21_a_spot_check_is_listed_with_a_link_to_its_draw(base, province_user, client_as):
    with at(*CONFIRMED):
        draw = services.draw_spot_check(
            actor=province_user, size=1, scheduled_on=date(2026, 2, 20), province_team="省人社厅 王五"
        )
        (spot_check,) = draw.inspections.all()
        record(province_user, spot_check, result=Result.PASS, inspected_on=date(2026, 2, 20))
        services.inspection_transition(actor=province_user, inspection_id=spot_check.pk, action="confirm")

    with at(2026, 3, 20, 9, 0):
        (late,) = selectors.unpublished_results(timezone.localdate())
        assert late.inspection.kind == InspectionKind.SPOT_CHECK and late.overdue_days == 4  # 17-20 March
        response = to_do(client_as(province_user))
        assert f'href="{reverse("supervision:draw", args=[draw.pk])}"' in response.content.decode()
        assert "不定期抽查：合格" in visible_text(response)
        services.publish_draw(actor=province_user, draw_id=draw.pk)
        assert selectors.unpublished_results(timezone.localdate()) == []


def test_art21_a_result_with_no_stored_confirmation_time_counts_from_its_timeline(holiday, base, province_user):
    inspection = confirmed_on_2_march(province_user, base)
    Inspection.objects.filter(pk=inspection.pk).update(confirmed_at=None)  # as rows confirmed before it was kept

    (late,) = selectors.unpublished_results(date(2026, 3, 18))
    assert (late.inspection.pk, late.confirmed_on, late.overdue_days) == (inspection.pk, date(2026, 3, 2), 1)


def test_art21_the_daily_reminder_tells_the_province_once_per_result_and_day(holiday, province_user):
    other_staff = factories.UserFactory(role=Role.PROVINCE)
    first = confirmed_on_2_march(province_user, base_in(name="福州甲培训学院"), result=Result.FAIL)
    second = confirmed_on_2_march(province_user, base_in(name="福州乙培训学院"))
    confirmed(province_user, base_in(name="福州丙培训学院"))  # confirmed today: in time

    with at(2026, 3, 18, 8, 30), new_notifications() as n:
        assert run_job("unpublished-results") == 4
        assert run_job("unpublished-results") == 0  # the same day again: nothing new
    assert n.recipients == {province_user, other_staff}
    assert sorted(set(n.titles)) == [
        "考核结果逾期未公布：福州乙培训学院（逾期1个工作日）",
        "考核结果逾期未公布：福州甲培训学院（逾期1个工作日）",
    ]
    note = next(x for x in n.notes if x.url == reverse("supervision:detail", args=[first.pk]))
    assert "定期考核（实地考察）结果（不合格）已于2026年3月2日确认" in note.body
    assert "最迟应于2026年3月17日公布，已逾期1个工作日" in note.body and "第二十一条" in note.body

    with at(2026, 3, 19, 8, 30), new_notifications() as n:
        services.inspection_transition(actor=province_user, inspection_id=second.pk, action="publish")
        assert services.remind_unpublished_results(today=date(2026, 3, 19)) == 2  # a new day, one result left
    assert set(n.titles) == {"考核结果逾期未公布：福州甲培训学院（逾期2个工作日）"}


def test_art21_nothing_is_sent_when_every_result_is_published_in_time(base, province_user):
    inspection = confirmed_on_2_march(province_user, base)
    with at(2026, 3, 5, 10, 0):
        services.inspection_transition(actor=province_user, inspection_id=inspection.pk, action="publish")

    with new_notifications() as n:
        assert services.remind_unpublished_results(today=date(2026, 6, 1)) == 0
    assert n.notes == []


def unpublished_rows(count, by):
    """`count` results confirmed on 2 March 2026 and never published, made directly for speed."""
    moment = datetime(*CONFIRMED, tzinfo=SHANGHAI)
    for i in range(count):
        Inspection.objects.create(
            base=base_in(name=f"待公布基地{i}"),
            kind=InspectionKind.PERIODIC,
            state=InspectionState.CONFIRMED,
            scheduled_on=date(2026, 2, 20),
            inspected_on=date(2026, 2, 20),
            result=Result.PASS,
            confirmed_at=moment,
            created_by=by,
        )


def test_art21_the_to_do_list_and_the_reminder_run_a_fixed_number_of_queries_for_5_and_50_results(
    province_user, client_as
):
    factories.UserFactory(role=Role.PROVINCE)
    unpublished_rows(5, province_user)
    province = client_as(province_user)
    days = iter(date(2026, 4, 1) + timedelta(days=n) for n in range(10))

    with at(2026, 4, 1, 9, 0):
        assert_constant_queries(
            {"home": lambda: to_do(province), "job": lambda: services.remind_unpublished_results(today=next(days))},
            lambda: unpublished_rows(45, province_user),
            warm=True,
        )
        assert services.remind_unpublished_results(today=date(2026, 4, 30)) == 100
        text = visible_text(to_do(province))
    assert "50项逾期未公布" in text and "以上为逾期最久的20项" in text
