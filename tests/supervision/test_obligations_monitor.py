"""Issue 18 (4): the obligations monitor. Every live base against its standing duties — fee disclosure (Art. 29),
faculty pool (Art. 16), published results (Art. 21), change filings (Art. 31), annual filing (Art. 19), periodic
inspection (Art. 20) — on one province page with filters and exports, a compliance card on the base's page, a
reminder by hand and a monthly one that reminds a base of a duty at most once a calendar month."""

from datetime import date, datetime

import pytest
from django.urls import reverse

from bases.models import Teacher
from core.tasks import run_job
from supervision import selectors, services
from supervision.models import Duty, ObligationReminder
from supervision.selectors import DUE, FAILING, OK
from tests import factories
from tests.helpers import assert_constant_queries, visible_text

from .conftest import SHANGHAI, XIAMEN, at, base_in, confirmed, new_notifications

pytestmark = pytest.mark.django_db

TODAY = date(2027, 6, 15)
NOW = (2027, 6, 15, 10, 0)


def compliant_base(name="福州合规培训学院", **fields):
    """A live base that keeps every duty on TODAY: fees disclosed and pool updated in March, last year's filing
    accepted with 1,200 trained, its periodic inspection due in 2028."""
    fields.setdefault("recognised_on", date(2025, 1, 1))
    fields.setdefault("next_inspection_due", date(2028, 1, 1))
    base = base_in(fields.pop("city", "350100"), name=name, **fields)
    with at(2027, 3, 1, 9, 0):
        factories.FeeDisclosureFactory(base=base)
        factories.TeacherFactory(base=base)
    factories.AnnualFilingFactory(
        base=base,
        year=2026,
        state="accepted",
        trained_total=1200,
        submitted_at=datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI),
    )
    return base


def card(base, today=TODAY) -> dict:
    return {s.duty: s for s in selectors.compliance_card(base, today)}


def levels(base, today=TODAY) -> dict:
    return {duty: s.level for duty, s in card(base, today).items()}


def test_a_base_keeping_every_duty_is_green_on_every_line():
    base = compliant_base()
    assert levels(base) == dict.fromkeys(Duty.values, OK)


# -- Art. 29 ------------------------------------------------------------------------------------------------


def test_art29_no_fee_disclosure_fails():
    base = compliant_base()
    base.fee_disclosure.delete()
    status = card(base)[Duty.FEE_DISCLOSURE]
    assert (status.level, status.article) == (FAILING, "第二十九条")
    assert status.note == "未公开继续教育范围、内容、收费项目及标准"


def test_art29_a_disclosure_older_than_a_year_fails_and_its_last_month_is_due():
    base = compliant_base()
    assert card(base, date(2028, 1, 20))[Duty.FEE_DISCLOSURE].level == OK  # updated 1 March 2027
    assert card(base, date(2028, 2, 5))[Duty.FEE_DISCLOSURE].level == DUE
    assert card(base, date(2028, 2, 28))[Duty.FEE_DISCLOSURE].level == DUE
    late = card(base, date(2028, 3, 2))[Duty.FEE_DISCLOSURE]
    assert late.level == FAILING and late.note == "收费公开最近更新于2027年3月1日，已超过一年"


# -- Art. 16 ------------------------------------------------------------------------------------------------


def test_art16_a_faculty_pool_not_updated_for_12_months_fails():
    base = compliant_base()
    assert card(base, date(2028, 2, 28))[Duty.FACULTY_POOL].level == DUE
    late = card(base, date(2028, 3, 2))[Duty.FACULTY_POOL]
    assert (late.level, late.article) == (FAILING, "第十六条")
    assert late.note == "师资队伍库最近更新于2027年3月1日，已超过12个月"


def test_art16_a_teacher_leaving_the_pool_counts_as_an_update():
    base = compliant_base()
    teacher = base.teachers.get()
    with at(2028, 2, 20, 9, 0):
        teacher.active_to = date(2028, 2, 20)
        teacher.save()
    assert card(base, date(2028, 3, 2))[Duty.FACULTY_POOL].level == OK


def test_art16_an_empty_faculty_pool_fails():
    base = compliant_base()
    base.teachers.all().delete()
    Teacher.history.filter(base_id=base.pk).delete()  # as if it never had one
    assert card(base)[Duty.FACULTY_POOL].note == "未建立师资队伍库"


# -- Art. 21 ------------------------------------------------------------------------------------------------


def test_art21_a_confirmed_result_is_due_then_fails_once_past_its_working_days(province_user):
    base = compliant_base()
    with at(2027, 6, 1, 10, 0):
        inspection = confirmed(province_user, base)
    assert card(base, date(2027, 6, 2))[Duty.RESULTS_PUBLISHED].level == DUE
    late = card(base, date(2027, 6, 30))[Duty.RESULTS_PUBLISHED]  # more than 10 working days after 1 June
    assert (late.level, late.article) == (FAILING, "第二十一条")
    assert late.note == "2027年6月1日确认的考核结果尚未公布，已逾期"
    assert not late.remindable  # the province publishes, not the base
    with at(*NOW):
        services.inspection_transition(actor=province_user, inspection_id=inspection.pk, action="publish")
    assert card(base)[Duty.RESULTS_PUBLISHED].level == OK


# -- Art. 31 ------------------------------------------------------------------------------------------------


def test_art31_a_change_filing_pending_is_due_and_a_returned_one_fails():
    base = compliant_base()
    filing = factories.ChangeFilingFactory(base=base)
    assert card(base)[Duty.CHANGE_FILINGS].level == DUE
    type(filing).objects.filter(pk=filing.pk).update(state="returned")
    status = card(base)[Duty.CHANGE_FILINGS]
    assert (status.level, status.article, status.note) == (FAILING, "第三十一条", "变更备案被退回，尚未重新报送")
    type(filing).objects.filter(pk=filing.pk).update(state="accepted")
    assert card(base)[Duty.CHANGE_FILINGS].level == OK


# -- Art. 19 ------------------------------------------------------------------------------------------------


def test_art19_a_missing_annual_filing_fails():
    base = compliant_base()
    base.annual_filings.all().delete()
    status = card(base)[Duty.ANNUAL_FILING]
    assert (status.level, status.article) == (FAILING, "第十九条")
    assert status.note == "未报送2026年度报告和2027年度计划（应于2026年12月31日前报送）"


def test_art19_a_late_filing_fails():
    base = compliant_base()
    base.annual_filings.update(overdue_marked_at=datetime(2027, 1, 1, 0, 30, tzinfo=SHANGHAI))
    assert card(base)[Duty.ANNUAL_FILING].note == "2026年度报告逾期报送（应于2026年12月31日前报送）"


def test_art19_a_filing_under_1000_trainees_fails():
    base = compliant_base()
    base.annual_filings.update(trained_total=999)
    status = card(base)[Duty.ANNUAL_FILING]
    assert status.level == FAILING and status.note == "2026年培训999人，不足1000人"


def test_art19_a_base_recognised_this_year_owes_no_report_for_last_year_and_december_makes_this_years_due():
    base = compliant_base(recognised_on=date(2027, 3, 1))
    base.annual_filings.all().delete()
    assert card(base)[Duty.ANNUAL_FILING].level == OK
    assert card(base, date(2027, 12, 1))[Duty.ANNUAL_FILING].level == DUE


# -- Art. 20 ------------------------------------------------------------------------------------------------


def test_art20_an_inspection_due_within_90_days_is_due_and_an_overdue_one_fails():
    base = compliant_base(next_inspection_due=date(2027, 9, 1))
    status = card(base)[Duty.INSPECTION]
    assert (status.level, status.article) == (DUE, "第二十条")
    assert status.note == "定期考核应于2027年9月1日前完成（78天内到期）"
    overdue = card(base, date(2027, 9, 3))[Duty.INSPECTION]
    assert overdue.level == FAILING and overdue.note == "定期考核应于2027年9月1日前完成，已逾期2天"


# -- the monitor page ---------------------------------------------------------------------------------------


def test_the_monitor_lists_per_duty_the_bases_failing_it_with_filters(client_as, province_user):
    compliant_base("福州守规学院")
    fee = compliant_base("福州未公开学院")
    fee.fee_disclosure.delete()
    overdue = compliant_base("厦门逾期学院", city=XIAMEN, next_inspection_due=date(2027, 1, 1))
    province = client_as(province_user)
    with at(*NOW):
        text = visible_text(province.get(reverse("supervision:obligations")))
        assert "公开收费项目及标准（第二十九条）" in text and "福州未公开学院" in text
        assert "定期考核（第二十条）" in text and "厦门逾期学院" in text
        assert "福州守规学院" not in text
        only_fees = visible_text(province.get(reverse("supervision:obligations"), {"duty": Duty.FEE_DISCLOSURE}))
        assert "福州未公开学院" in only_fees and "厦门逾期学院" not in only_fees
        xiamen = visible_text(province.get(reverse("supervision:obligations"), {"region": overdue.region_id}))
        assert "厦门逾期学院" in xiamen and "福州未公开学院" not in xiamen


def test_the_monitor_exports_xlsx_and_csv(client_as, province_user):
    base = compliant_base("福州未公开学院")
    base.fee_disclosure.delete()
    province = client_as(province_user)
    with at(*NOW):
        csv = province.get(reverse("supervision:obligations"), {"export": "csv"})
        assert csv.status_code == 200
        body = b"".join(csv.streaming_content).decode("utf-8-sig")
        assert "义务,依据,基地编号,基地名称" in body.splitlines()[0]
        assert "公开收费项目及标准,第二十九条" in body and "福州未公开学院" in body
        xlsx = province.get(reverse("supervision:obligations"), {"export": "xlsx"})
        assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")


def test_the_monitor_runs_a_fixed_number_of_queries_with_5_and_50_bases(client_as, province_user):
    province = client_as(province_user)
    url = reverse("supervision:obligations")

    def grow(n):
        def add():
            for i in range(n):
                base = base_in(
                    name=f"福州学院{i}", recognised_on=date(2025, 1, 1), next_inspection_due=date(2027, 1, 1)
                )
                factories.ChangeFilingFactory(base=base)
                ObligationReminder.objects.create(base=base, duty=Duty.INSPECTION, month=date(2027, 6, 1), note="x")

        return add

    with at(*NOW):
        grow(5)()
        assert_constant_queries(
            lambda: province.get(url),
            grow(45),
            also=[lambda: province.get(url, {"page": 2}), lambda: province.get(url, {"duty": Duty.INSPECTION})],
            warm=True,
        )


def test_the_obligation_counts_for_the_home_page_take_one_query(django_assert_num_queries):
    compliant_base().fee_disclosure.delete()
    compliant_base("福州乙学院").fee_disclosure.delete()
    with django_assert_num_queries(2):  # the calendar and the counts
        counts = selectors.obligation_counts(TODAY)
    assert counts[Duty.FEE_DISCLOSURE] == (2, 0)


# -- the compliance card -------------------------------------------------------------------------------------


def test_the_base_page_shows_the_compliance_card_to_the_province_and_the_base_itself(
    client_as, province_user, institution_user, recommender_user, base
):
    with at(*NOW):
        for user in (province_user, institution_user):
            text = visible_text(client_as(user).get(reverse("bases:detail", args=[base.pk])))
            assert "履职情况" in text and "公开收费项目及标准（第二十九条） 未履行" in text
            assert "定期考核（第二十条）" in text
        province_page = client_as(province_user).get(reverse("bases:detail", args=[base.pk])).content.decode()
        assert reverse("supervision:obligation_remind", args=[base.pk]) in province_page
        own_page = client_as(institution_user).get(reverse("bases:detail", args=[base.pk])).content.decode()
        assert reverse("supervision:obligation_remind", args=[base.pk]) not in own_page


# -- reminders ------------------------------------------------------------------------------------------------


def test_a_reminder_by_hand_is_recorded_with_who_and_when_and_tells_the_base(
    client_as, province_user, institution_user, base
):
    with at(*NOW), new_notifications() as n:
        response = client_as(province_user).post(
            reverse("supervision:obligation_remind", args=[base.pk]), {"duty": Duty.FEE_DISCLOSURE, "back": "base"}
        )
        assert response.status_code == 302 and response["Location"] == reverse("bases:detail", args=[base.pk])
    reminder = ObligationReminder.objects.get()
    assert (reminder.base, reminder.duty, reminder.sent_by, reminder.month) == (
        base,
        Duty.FEE_DISCLOSURE,
        province_user,
        date(2027, 6, 1),
    )
    assert reminder.sent_at.astimezone(SHANGHAI).date() == TODAY
    assert n.recipients == {institution_user}
    assert n.titles == ["履职提醒：公开收费项目及标准（第二十九条）"]
    with at(*NOW):
        text = visible_text(client_as(province_user).get(reverse("bases:detail", args=[base.pk])))
    assert "最近提醒：2027年6月15日" in text


def test_a_duty_kept_is_not_reminded(client_as, province_user):
    base = compliant_base()
    with at(*NOW):
        response = client_as(province_user).post(
            reverse("supervision:obligation_remind", args=[base.pk]), {"duty": Duty.FEE_DISCLOSURE}, follow=True
        )
    assert "已履行「公开收费项目及标准」义务，无需提醒" in visible_text(response)
    assert not ObligationReminder.objects.exists()


def test_the_monthly_job_reminds_each_failing_base_once_a_month(province_user):
    failing = compliant_base("福州未公开学院")
    failing.fee_disclosure.delete()
    compliant_base("福州守规学院")
    with at(2027, 6, 1, 9, 0), new_notifications() as n:
        run_job("obligation-reminders")
    assert [(r.base, r.duty, r.sent_by) for r in ObligationReminder.objects.all()] == [
        (failing, Duty.FEE_DISCLOSURE, None)
    ]
    assert len(n.notes) == 1
    with at(2027, 6, 2, 9, 0), new_notifications() as again:
        run_job("obligation-reminders")  # the next day, the same month: not again
    with at(2027, 6, 30, 23, 0):
        services.send_monthly_obligation_reminders(today=date(2027, 6, 30))
    assert ObligationReminder.objects.count() == 1 and again.notes == []
    with at(2027, 7, 1, 9, 0):
        run_job("obligation-reminders")
    assert ObligationReminder.objects.filter(month=date(2027, 7, 1)).count() == 1


def test_the_monthly_job_leaves_a_base_reminded_by_hand_this_month(province_user):
    base = compliant_base()
    base.fee_disclosure.delete()
    with at(2027, 6, 3, 9, 0):
        services.remind_base(actor=province_user, base_id=base.pk, duty=Duty.FEE_DISCLOSURE)
        assert services.send_monthly_obligation_reminders(today=date(2027, 6, 3)) == 0
    assert ObligationReminder.objects.count() == 1


def test_reminding_every_base_failing_a_duty_skips_those_reminded_this_month(client_as, province_user):
    bases = [compliant_base(f"福州学院{i}") for i in range(3)]
    for base in bases:
        base.fee_disclosure.delete()
    with at(*NOW):
        services.remind_base(actor=province_user, base_id=bases[0].pk, duty=Duty.FEE_DISCLOSURE)
        response = client_as(province_user).post(
            reverse("supervision:obligations_remind"), {"duty": Duty.FEE_DISCLOSURE}, follow=True
        )
    assert "已提醒2个基地，1个基地本月已提醒过，未再提醒" in visible_text(response)
    assert ObligationReminder.objects.count() == 3


def test_the_monthly_job_runs_a_fixed_number_of_queries():
    def grow():
        for i in range(10):
            compliant_base(f"福州学院{i}").fee_disclosure.delete()

    compliant_base("福州学院").fee_disclosure.delete()
    months = iter(range(1, 13))

    def job():
        month = next(months)
        return services.send_monthly_obligation_reminders(today=date(2028, month, 1))

    assert_constant_queries(job, grow)


def test_the_province_home_lists_each_failed_duty_with_a_link_to_the_monitor(client_as, province_user):
    compliant_base("福州未公开学院").fee_disclosure.delete()
    with at(*NOW):
        response = client_as(province_user).get(reverse("home"))
    text = visible_text(response)
    assert "基地履职监测" in text and "公开收费项目及标准（第二十九条） · 1个基地未履行" in text
    assert f"{reverse('supervision:obligations')}?duty={Duty.FEE_DISCLOSURE}" in response.content.decode()
