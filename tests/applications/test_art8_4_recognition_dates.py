"""Art. 8(4), 34: the recognition date a decision states, and the day visit findings may be recorded.

The recognition date is no earlier than the batch's opening, the site visit, the measures' entry into force
(2024-09-30) or the end of the public notice, and no later than today (SPEC 2.3). Each refusal names the
date field and its article, and the province's input stays on the page.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from applications import services
from applications.models import SiteVisit, State
from bases import services as recognition
from bases.models import Base, RegisterSequence
from core.errors import RuleViolation
from core.models import Decision
from tests import factories
from tests.helpers import visible_text

from .conftest import complete_draft

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 3, 10)


def at(day: date, hour: int = 10, minute: int = 0):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def visited(institution_user):
    """On 2026-03-10: an application of a batch opened 2026-01-05, visited 2026-02-02 (findings recorded),
    on a public notice that ran from 2026-02-23 to 2026-02-27."""
    with at(TODAY):
        batch = factories.BatchFactory(
            name="2026年第一批", year=2026, opens_on=date(2026, 1, 5), closes_on=date(2026, 3, 31)
        )
        app = complete_draft(institution_user, batch, state=State.SITE_VISIT)
        factories.SiteVisitFactory(application=app, scheduled_on=date(2026, 2, 2), noticed=False)
        notice = factories.PublicNoticeFactory(batch=batch, starts_on=date(2026, 2, 23), ends_on=date(2026, 2, 27))
        notice.applications.add(app)
    return app


def refused(province_user, app, day) -> RuleViolation:
    with at(TODAY), pytest.raises(RuleViolation) as caught:
        recognition.approve(actor=province_user, application_id=app.pk, recognised_on=day)
    app.refresh_from_db()
    assert app.state == State.SITE_VISIT and not Base.objects.exists() and not Decision.objects.exists()
    assert caught.value.field == "recognised_on"
    return caught.value


def test_art34_a_recognition_as_of_2019_is_refused_and_gives_no_2019_number(province_user, visited):
    """Reproduced: approving with the recognition date 2019-05-01 created 闽继教基地〔2019〕001号, whose
    three-yearly inspection (Art. 20) was due on 2022-05-01, long overdue on the day it was recognised."""
    error = refused(province_user, visited, date(2019, 5, 1))

    assert error.article == "第三十四条"
    assert "认定日期不能早于" in error.message and "施行之日（2024年9月30日）" in error.message
    assert not RegisterSequence.objects.filter(year=2019).exists()


def test_art8_4_recognition_date_not_in_the_future(province_user, visited):
    error = refused(province_user, visited, date(2026, 3, 11))
    assert (error.message, error.article) == ("认定日期不能晚于今天（2026年3月10日）。", "第八条第四项")


def test_art8_recognition_date_not_before_the_batch_opens(province_user, visited):
    error = refused(province_user, visited, date(2026, 1, 4))
    assert error.article == "第八条"
    assert error.message == "认定日期不能早于申报批次“2026年第一批”的开始日期（2026年1月5日）。"


def test_art8_4_recognition_date_not_before_visit(province_user, visited):
    error = refused(province_user, visited, date(2026, 2, 1))
    assert error.article == "第八条第四项"
    assert error.message.startswith("认定日期不能早于实地考察日期（2026年2月2日）")


def test_art8_4_recognition_date_after_the_public_notice_ended(province_user, visited):
    error = refused(province_user, visited, date(2026, 2, 27))
    assert (error.message, error.article) == ("认定日期应在公示期满（2026年2月27日）之后。", "第八条第四项")


def test_art8_4_the_first_day_after_the_notice_and_today_are_both_lawful(province_user, visited, institution_user):
    with at(TODAY):
        base = recognition.approve(actor=province_user, application_id=visited.pk, recognised_on=date(2026, 2, 28))
    assert (base.recognised_on, base.register_number) == (date(2026, 2, 28), "闽继教基地〔2026〕001号")

    other = complete_draft(factories.InstitutionUserFactory(), visited.batch, state=State.SITE_VISIT)
    with at(TODAY):
        factories.SiteVisitFactory(application=other, scheduled_on=TODAY)  # visited this morning
        assert recognition.approve(actor=province_user, application_id=other.pk).recognised_on == TODAY


def test_art8_4_the_page_shows_the_refusal_at_the_date_and_keeps_the_input(client_as, province_user, visited):
    with at(TODAY):
        response = client_as(province_user).post(
            reverse("recognition:approve", args=[visited.pk]),
            {
                "approve-expected_state": State.SITE_VISIT,
                "approve-recognised_on": "2019-05-01",
                "approve-comment": "经审核予以认定",
            },
        )

    assert response.status_code == 400
    page = response.content.decode()
    block = page[page.index('id="field-approve-recognised_on"') :]
    block = block[: block.index("</div>")]
    assert 'class="errorlist"' in block and "施行之日（2024年9月30日）" in block
    assert 'value="2019-05-01"' in page and "经审核予以认定" in page
    assert not Base.objects.exists()


# -- visit findings: on or after the visit's day ------------------------------------------------------


@pytest.fixture
def visit_ahead(institution_user, province_user):
    """On 2026-03-10: a site visit scheduled for 2026-03-12."""
    with at(TODAY):
        batch = factories.BatchFactory(year=2026, opens_on=date(2026, 1, 5), closes_on=date(2026, 3, 31))
        app = complete_draft(institution_user, batch, state=State.UNDER_REVIEW)
        services.schedule_visit(
            actor=province_user, application_id=app.pk, scheduled_on=date(2026, 3, 12), team="王五、赵六"
        )
    return app


def test_art8_4_visit_findings_are_not_recorded_before_the_visit_day(province_user, visit_ahead):
    with at(TODAY), pytest.raises(RuleViolation, match="实地考察定于2026年3月12日") as caught:
        services.record_visit(actor=province_user, application_id=visit_ahead.pk, findings="场地属实")
    assert caught.value.article == "第八条第四项"
    assert SiteVisit.objects.get(application=visit_ahead).recorded_at is None

    with at(date(2026, 3, 12), 0, 0):  # the visit's day has come
        services.record_visit(actor=province_user, application_id=visit_ahead.pk, findings="场地属实")
    assert SiteVisit.objects.get(application=visit_ahead).findings == "场地属实"


def test_art8_4_visit_findings_cannot_be_recorded_under_a_date_still_to_come(province_user, visited):
    with at(TODAY), pytest.raises(RuleViolation) as caught:
        services.record_visit(
            actor=province_user, application_id=visited.pk, findings="复核", scheduled_on=date(2026, 3, 11)
        )
    assert caught.value.field == "scheduled_on"
    assert SiteVisit.objects.get(application=visited).scheduled_on == date(2026, 2, 2)


def test_art8_4_the_page_offers_no_findings_form_before_the_visit_day(client_as, province_user, visit_ahead):
    province = client_as(province_user)
    url = reverse("applications:detail", args=[visit_ahead.pk])
    record = reverse("applications:record_visit", args=[visit_ahead.pk])
    with at(TODAY):
        assert record not in province.get(url).content.decode()
        response = province.post(record, {"findings-findings": "场地属实"})
    assert response.status_code == 400
    assert "考察情况须在考察当日或之后记录" in visible_text(response)
    assert SiteVisit.objects.get(application=visit_ahead).recorded_at is None
    with at(date(2026, 3, 12)):
        assert record in province.get(url).content.decode()
