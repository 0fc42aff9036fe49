"""The public notice before recognition (认定前公示): a period of working days on the province's holiday
calendar, objections from anyone during it, and approval only once the period is over and every
objection is resolved."""

import hashlib
import uuid
from datetime import date

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from applications import notices
from applications.models import CalendarDay, DayKind, DaySource, Objection, PublicNotice, State
from bases import services as recognition
from bases.models import AnnouncementKind, Base
from core.errors import RuleViolation
from core.models import Notification
from tests import factories
from tests.helpers import post_confirmed, visible_text

from .conftest import at, page_title, proposed_application

pytestmark = pytest.mark.django_db


def holidays(*days, kind=DayKind.HOLIDAY, name="国庆节"):
    for day in days:
        CalendarDay.objects.update_or_create(date=day, defaults={"kind": kind, "name": name})


@pytest.fixture
def golden_week():
    """2026 National Day: 1–7 October off, Saturday 10 October worked instead (调休上班)."""
    holidays(*[date(2026, 10, d) for d in range(1, 8)])
    holidays(date(2026, 10, 10), kind=DayKind.WORKDAY, name="国庆节调休")


# -- the period -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 3, 2), date(2026, 3, 6)),  # Monday: the same week
        (date(2026, 3, 4), date(2026, 3, 10)),  # Wednesday: the weekend is skipped
        (date(2026, 3, 7), date(2026, 3, 13)),  # a Saturday start counts from Monday
    ],
)
def test_notice_period_is_five_working_days_skipping_weekends(start, end):
    assert notices.period_end(start, 5) == end


def test_notice_period_skips_a_public_holiday_on_a_weekday():
    holidays(date(2026, 4, 6), name="清明节")  # Monday

    assert notices.period_end(date(2026, 4, 3), 5) == date(2026, 4, 10)  # Fri, Tue, Wed, Thu, Fri


def test_notice_period_over_national_day_counts_the_make_up_saturday(golden_week):
    # Fri 2 Oct is a holiday; Thu 8, Fri 9, Sat 10 (make-up workday), Mon 12, Tue 13.
    assert notices.period_end(date(2026, 10, 2), 5) == date(2026, 10, 13)


def test_notice_period_over_national_day_without_a_make_up_day_ends_a_day_later():
    holidays(*[date(2026, 10, d) for d in range(1, 8)])
    CalendarDay.objects.filter(date=date(2026, 10, 10)).delete()

    assert notices.period_end(date(2026, 10, 2), 5) == date(2026, 10, 14)


def test_a_one_day_notice_on_a_working_day_ends_that_day():
    assert notices.period_end(date(2026, 3, 3), 1) == date(2026, 3, 3)


def test_a_notice_of_no_working_days_is_an_error():
    with pytest.raises(ValueError):
        notices.period_end(date(2026, 3, 3), 0)


def test_province_adds_a_holiday_on_the_calendar_page_and_the_period_moves(client_as, province_user):
    province = client_as(province_user)
    assert notices.period_end(date(2026, 3, 13), 5) == date(2026, 3, 19)  # Fri, Mon–Thu

    response = province.post(
        reverse("applications:calendar"),
        {"date": "2026-03-16", "kind": DayKind.HOLIDAY, "name": "地方假日"},
        follow=True,
    )

    assert "已保存" in visible_text(response)
    assert CalendarDay.objects.get(date=date(2026, 3, 16)).kind == DayKind.HOLIDAY
    assert notices.period_end(date(2026, 3, 13), 5) == date(2026, 3, 20)
    # entering the same date again replaces the entry: the province's word is the last one
    province.post(reverse("applications:calendar"), {"date": "2026-03-16", "kind": DayKind.WORKDAY})
    assert CalendarDay.objects.get(date=date(2026, 3, 16)).kind == DayKind.WORKDAY


def test_only_the_province_keeps_the_holiday_calendar(client_as, institution_user, recommender_user):
    for user in (institution_user, recommender_user):
        response = client_as(user).post(reverse("applications:calendar"), {"date": "2026-04-06", "kind": "holiday"})
        assert response.status_code == 404
    assert not CalendarDay.objects.filter(source=DaySource.PROVINCE).exists()


# -- publishing the notice --------------------------------------------------------------------------


def test_province_publishes_a_notice_from_a_holiday_and_it_starts_on_the_next_working_day(
    client_as, visitor, province_user, golden_week
):
    with time_machine.travel(at(2026, 9, 28, 10, 0)):
        batch = factories.BatchFactory(name="2026年第一批")
        app = proposed_application(batch, name="福州鼓山职业培训学院")
        not_visited = factories.ApplicationFactory(complete=True, batch=batch, state=State.SITE_VISIT)
        province = client_as(province_user)
        form = province.get(reverse("recognition:notice_new", args=[batch.pk]))
        assert "福州鼓山职业培训学院" in visible_text(form)
        assert not_visited.institution.name not in visible_text(form)  # no recorded visit: not a candidate

        url = reverse("recognition:notice_new", args=[batch.pk])
        data = {"applications": [app.pk], "starts_on": "2026-10-02", "working_days": 5}
        preview = province.post(url, data)  # the exact text first; nothing published yet (issue 14, point 6)
        assert "公示期为2026年10月8日至2026年10月13日（5个工作日）" in visible_text(preview)
        assert not PublicNotice.objects.exists()
        response = post_confirmed(province, url, data, follow=True)

    notice = PublicNotice.objects.get(batch=batch)
    assert (notice.starts_on, notice.ends_on, notice.working_days) == (date(2026, 10, 8), date(2026, 10, 13), 5)
    assert list(notice.applications.all()) == [app]
    assert response.redirect_chain[-1][0] == reverse("public:announcement", args=[notice.announcement_id])
    text = visible_text(response)
    assert "已发布公示，公示期至2026年10月13日" in text
    assert "公示期为2026年10月8日至2026年10月13日（5个工作日）" in text
    assert "福州鼓山职业培训学院（福州市）" in text
    assert notice.announcement.kind == AnnouncementKind.NOTICE


def test_a_notice_needs_an_application_whose_site_visit_is_recorded(province_user):
    batch = factories.BatchFactory()
    app = factories.ApplicationFactory(complete=True, batch=batch, state=State.UNDER_REVIEW)

    with pytest.raises(RuleViolation, match="已完成实地考察"):
        recognition.publish_notice(actor=province_user, batch=batch, application_ids=[app.pk])
    assert not PublicNotice.objects.exists()


# -- objections ---------------------------------------------------------------------------------------


@pytest.fixture
def on_notice(province_user):
    """An application on notice from Monday 2 March to Friday 6 March 2026 (5 working days)."""
    with time_machine.travel(at(2026, 2, 27, 10, 0)):
        batch = factories.BatchFactory(name="2026年第一批")
        app = proposed_application(batch, name="福州鼓山职业培训学院")
        notice = recognition.publish_notice(
            actor=province_user, batch=batch, application_ids=[app.pk], starts_on=date(2026, 3, 2)
        )
    assert (notice.starts_on, notice.ends_on) == (date(2026, 3, 2), date(2026, 3, 6))
    return notice, app


def _rate_key(ip: str) -> str:
    return "objection-rate:" + hashlib.sha256(ip.encode()).hexdigest()


@pytest.fixture
def new_address():
    """new_address(): a client address of this test alone; its objection counter is cleared afterwards (the
    counter lives in the shared cache, Redis in CI)."""
    made = []

    def make() -> str:
        n = uuid.uuid4().int
        made.append(f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}")
        cache.delete(_rate_key(made[-1]))
        return made[-1]

    yield make
    for ip in made:
        cache.delete(_rate_key(ip))


@pytest.fixture
def address(new_address):
    return new_address()


def objection_data(app, facts="该机构近三年培训人数与申报不符，附有关证明。"):
    return {"application": app.pk, "name": "王五", "contact": "13800000000", "facts": facts}


def lodge(client, notice, data, address, **extra):
    return client.post(reverse("applications:objection", args=[notice.pk]), data, REMOTE_ADDR=address, **extra)


def test_anyone_lodges_an_objection_gets_a_confirmation_number_and_the_province_is_told(
    visitor, province_user, on_notice, address
):
    notice, app = on_notice
    with time_machine.travel(at(2026, 3, 3, 15, 0)):
        form = visitor.get(reverse("public:announcement", args=[notice.announcement_id]))
        assert reverse("applications:objection", args=[notice.pk]) in form.content.decode()
        page = visitor.get(reverse("applications:objection", args=[notice.pk]))
        assert "福州鼓山职业培训学院" in visible_text(page)
        assert page_title(page).startswith("提出异议")

        response = lodge(visitor, notice, {**objection_data(app), "evidence": factories.pdf_file("证明.pdf")}, address)

    objection = Objection.objects.get()
    assert response.status_code == 200
    text = visible_text(response)
    assert "异议已受理" in text
    assert f"受理编号： {objection.confirmation_number}" in text
    assert objection.confirmation_number.startswith("YY20260303")
    assert (objection.application, objection.name, objection.contact) == (app, "王五", "13800000000")
    assert objection.evidence_name == "证明.pdf"
    note = Notification.objects.get(recipient=province_user)
    assert note.title == "公示异议：福州鼓山职业培训学院"
    assert objection.confirmation_number in note.body
    assert note.url == reverse("applications:detail", args=[app.pk])


def test_an_objection_without_facts_is_refused_at_the_field_and_keeps_the_rest(visitor, on_notice, address):
    notice, app = on_notice
    with time_machine.travel(at(2026, 3, 3, 15, 0)):
        response = lodge(visitor, notice, {**objection_data(app), "facts": "", "name": "王五"}, address)

    assert response.status_code == 200
    assert "请写明异议的事实和理由" in visible_text(response)
    assert 'value="13800000000"' in response.content.decode()
    assert not Objection.objects.exists()


def test_the_sixth_objection_from_one_address_within_an_hour_is_refused_and_keeps_the_text(
    visitor, on_notice, address, new_address
):
    notice, app = on_notice
    with time_machine.travel(at(2026, 3, 3, 15, 0)):
        for n in range(5):
            assert "异议已受理" in visible_text(
                lodge(visitor, notice, objection_data(app, f"第{n + 1}条异议"), address)
            )

        response = lodge(visitor, notice, objection_data(app, "第六条异议：培训场地系租借。"), address)

        assert response.status_code == 200
        assert "提交过于频繁，请一小时后再试" in visible_text(response)
        assert "第六条异议：培训场地系租借。" in response.content.decode()  # the typed text is kept
        assert Objection.objects.count() == 5
        # someone else, from another address, is not held up
        assert "异议已受理" in visible_text(lodge(visitor, notice, objection_data(app), new_address()))


@pytest.mark.parametrize("moment", [at(2026, 2, 28, 12, 0), at(2026, 3, 7, 0, 0), at(2026, 3, 20, 9, 0)])
def test_objections_are_refused_outside_the_notice_period(visitor, on_notice, address, moment):
    notice, app = on_notice
    with time_machine.travel(moment):
        page = visitor.get(reverse("applications:objection", args=[notice.pk]))
        posted = lodge(visitor, notice, objection_data(app), address)
        announcement = visitor.get(reverse("public:announcement", args=[notice.announcement_id]))

    assert page.status_code == posted.status_code == 410
    assert "公示期为2026年3月2日至2026年3月6日，当前不在公示期内" in visible_text(page)
    assert not Objection.objects.exists()
    assert reverse("applications:objection", args=[notice.pk]) not in announcement.content.decode()


def test_objection_on_the_last_day_at_2359_is_accepted(visitor, on_notice, address):
    notice, app = on_notice
    with time_machine.travel(at(2026, 3, 6, 23, 59)):
        response = lodge(visitor, notice, objection_data(app), address)

    assert "异议已受理" in visible_text(response)


def test_lodging_for_an_application_not_on_the_notice_is_refused(visitor, on_notice, address):
    notice, _ = on_notice
    stranger = factories.ApplicationFactory(complete=True)
    with time_machine.travel(at(2026, 3, 3, 15, 0)):
        response = lodge(visitor, notice, objection_data(stranger), address)

    assert response.status_code == 200
    assert "所选内容不在可选范围内" in visible_text(response)
    assert stranger.institution.name not in visible_text(response)
    assert not Objection.objects.exists()


# -- resolving objections, and approval ---------------------------------------------------------------


@pytest.fixture
def objected(visitor, on_notice, address):
    notice, app = on_notice
    with time_machine.travel(at(2026, 3, 4, 11, 0)):
        lodge(visitor, notice, objection_data(app), address)
    return notice, app, Objection.objects.get()


def test_province_resolves_an_objection_on_the_application_page(client_as, province_user, objected):
    notice, app, objection = objected
    province = client_as(province_user)
    with time_machine.travel(at(2026, 3, 5, 9, 0)):
        page = province.get(reverse("applications:detail", args=[app.pk]))
        text = visible_text(page)
        assert f"受理编号{objection.confirmation_number}" in text
        assert "该机构近三年培训人数与申报不符" in text
        assert "记录处理结果" in text

        response = province.post(
            reverse("applications:resolve_objection", args=[objection.pk]),
            {f"objection-{objection.pk}-resolution": "经核查，培训人数有花名册佐证，异议不成立。"},
            follow=True,
        )

    assert response.redirect_chain[-1][0] == reverse("applications:detail", args=[app.pk]) + "#objections"
    objection.refresh_from_db()
    assert objection.is_resolved and objection.resolved_by == province_user
    text = visible_text(response)
    assert "已处理（2026年3月5日）：经核查，培训人数有花名册佐证，异议不成立。" in text
    assert f"已记录异议{objection.confirmation_number}的处理结果" in text


def test_resolving_an_objection_needs_a_resolution(client_as, province_user, objected):
    _, app, objection = objected

    response = client_as(province_user).post(
        reverse("applications:resolve_objection", args=[objection.pk]),
        {f"objection-{objection.pk}-resolution": " "},
        follow=True,
    )

    assert "请填写处理结果" in visible_text(response)
    objection.refresh_from_db()
    assert not objection.is_resolved


def test_only_the_province_sees_and_resolves_objections(
    client_as, institution_user, recommender_user, visitor, objected
):
    _, _, objection = objected
    url = reverse("applications:resolve_objection", args=[objection.pk])

    for user in (institution_user, recommender_user, objection.application.created_by):
        assert client_as(user).post(url, {f"objection-{objection.pk}-resolution": "x"}).status_code == 404
    assert visitor.post(url, {f"objection-{objection.pk}-resolution": "x"}).status_code == 302
    objection.refresh_from_db()
    assert not objection.is_resolved


def test_an_application_on_notice_is_not_approved_before_the_period_ends(province_user, on_notice):
    _, app = on_notice
    with time_machine.travel(at(2026, 3, 6, 23, 59)), pytest.raises(RuleViolation, match="公示") as refused:
        recognition.approve(actor=province_user, application_id=app.pk)

    assert "至2026年3月6日" in str(refused.value)
    app.refresh_from_db()
    assert app.state == State.SITE_VISIT
    assert not Base.objects.exists()


def test_approval_waits_for_every_objection_to_be_resolved_then_succeeds(province_user, objected):
    _, app, objection = objected
    with time_machine.travel(at(2026, 3, 7, 0, 0)):  # the period is over
        with pytest.raises(RuleViolation, match="尚未处理的公示异议"):
            recognition.approve(actor=province_user, application_id=app.pk)

        notices.resolve_objection(actor=province_user, objection_id=objection.pk, resolution="异议不成立。")
        base = recognition.approve(actor=province_user, application_id=app.pk)

    app.refresh_from_db()
    assert app.state == State.APPROVED
    assert base.recognised_on == date(2026, 3, 7)
    assert base.register_number == "闽继教基地〔2026〕001号"


def test_an_application_without_objections_is_approved_right_after_the_period(province_user, on_notice):
    _, app = on_notice
    with time_machine.travel(at(2026, 3, 7, 0, 0)):
        base = recognition.approve(actor=province_user, application_id=app.pk)

    assert base.application == app


def test_the_approve_form_on_the_application_page_says_the_notice_is_running(client_as, province_user, on_notice):
    _, app = on_notice
    with time_machine.travel(at(2026, 3, 4, 10, 0)):
        province = client_as(province_user)
        response = province.post(
            reverse("recognition:approve", args=[app.pk]),
            {
                "approve-expected_state": State.SITE_VISIT,
                "approve-recognised_on": "2026-03-04",
                "approve-comment": "",
            },
        )

    assert "该申报正在公示（至2026年3月6日），公示期满后方可认定" in visible_text(response)
    app.refresh_from_db()
    assert app.state == State.SITE_VISIT


def test_art8_an_application_never_put_on_notice_is_not_recognised(province_user):
    """Issue 14 (6): an application with no public notice at all was recognised, although the portal
    itself announces "公示期满且异议均已处理后，方可认定"."""
    app = proposed_application()

    with pytest.raises(RuleViolation, match="尚未列入拟认定名单公示") as refused:
        recognition.approve(actor=province_user, application_id=app.pk)

    assert refused.value.article == "第八条第四项"
    app.refresh_from_db()
    assert app.state == "site_visit" and not hasattr(app, "base")
