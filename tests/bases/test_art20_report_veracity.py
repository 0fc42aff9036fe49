"""Art. 20 (年度计划执行情况（年度报告）真实性核查) with Art. 18 and 19: an annual report's figures are pre-filled
from the base's training records of the year, and its declared figures are shown beside the recorded ones on
the filing page and the inspection page; the province's queue flags a difference beyond the tolerance it
sets."""

from datetime import date

import pytest
from django.urls import reverse

from bases import services, verification
from bases.models import FilingCheckPolicy, FilingPart, ServiceForm
from tests import factories
from tests.helpers import client_as
from tests.supervision.conftest import schedule

from .conftest import at, complete_filing, filing_post, html, make_base

pytestmark = pytest.mark.django_db


def _records(base, *, year=2026, people=3, priority=1, form=ServiceForm.PUBLIC_OR_PROFESSIONAL):
    """One class ending in `year` with `people` trainees, `priority` of them from the areas of Art. 14."""
    cls = factories.TrainingClassFactory(
        base=base, service_form=form, starts_on=date(year, 3, 2), ends_on=date(year, 3, 4)
    )
    for n in range(people):
        factories.ParticipantFactory(training_class=cls, from_priority_area=n < priority)
    return cls


def test_art20_records_are_counted_by_people_per_year_and_per_service_form(clock):
    clock(at(2026, 12, 10))
    base = make_base(recognised_on=date(2024, 6, 1))
    first = _records(base, people=3, priority=1)
    # the same three people in a second class of another form count once in the total
    second = factories.TrainingClassFactory(
        base=base, service_form=ServiceForm.COMMISSIONED, starts_on=date(2026, 5, 1), ends_on=date(2026, 5, 2)
    )
    for p in first.participants.all():
        factories.ParticipantFactory(
            training_class=second,
            id_fingerprint=p.id_fingerprint,
            id_masked=p.id_masked,
            id_number_sealed=p.id_number_sealed,
        )
    factories.ParticipantFactory(training_class=second, hours_attended=0)  # absent: not trained
    _records(base, year=2025, people=5)  # another year
    figures = verification.recorded([(base.pk, 2026)])[(base.pk, 2026)]
    assert figures.trained_total == 3
    assert figures.priority_area_trainees == 1
    assert figures.by_form == {ServiceForm.PUBLIC_OR_PROFESSIONAL: (1, 3), ServiceForm.COMMISSIONED: (1, 3)}
    assert verification.recorded([(base.pk, 2024)])[(base.pk, 2024)].empty


def test_art19_a_new_report_is_prefilled_from_the_records_and_can_be_filled_again(clock):
    clock(at(2026, 12, 10))
    base = make_base(recognised_on=date(2024, 6, 1))
    _records(base, people=4, priority=2)
    filing = services.start_filing(actor=base.staff, base_id=base.pk, year=2026)
    filing.refresh_from_db()
    assert (filing.trained_total, filing.priority_area_trainees) == (4, 2)
    report = {(p.form, p.count, p.trainees) for p in filing.programmes.filter(part=FilingPart.REPORT)}
    assert report == {(ServiceForm.PUBLIC_OR_PROFESSIONAL, 1, 4)}
    _records(base, people=2, priority=0, form=ServiceForm.EXCHANGE)  # pushed later
    assert services.fill_filing_from_records(actor=base.staff, filing_id=filing.pk)
    filing.refresh_from_db()
    assert filing.trained_total == 6
    assert filing.programmes.filter(part=FilingPart.REPORT).count() == 2
    # a year without records changes nothing
    empty = services.start_filing(actor=base.staff, base_id=base.pk, year=2025)
    assert not services.fill_filing_from_records(actor=base.staff, filing_id=empty.pk)
    empty.refresh_from_db()
    assert empty.trained_total is None


def test_art20_the_queue_flags_a_difference_beyond_the_province_tolerance(clock):
    clock(at(2026, 12, 10))
    province = factories.UserFactory(role="province")
    base = make_base(recognised_on=date(2024, 6, 1))
    _records(base, people=10, priority=1)
    filing = complete_filing(base, year=2026, trained_total=11, priority_area_trainees=1)
    filing.programmes.filter(part=FilingPart.REPORT).update(count=1, trainees=10)
    client = client_as(province)
    page = html(client.get(reverse("bases:filing_queue")))
    assert 'badge text-bg-danger">与培训记录不符' not in page  # 11 declared against 10 recorded: within 10%
    response = client.post(reverse("bases:filing_tolerance"), {"tolerance_percent": "5"})
    assert response.status_code == 302
    assert FilingCheckPolicy.current().tolerance_percent == 5
    page = html(client.get(reverse("bases:filing_queue")))
    assert 'badge text-bg-danger">与培训记录不符' in page and "培训专业技术人员人数与培训记录相差超过5%" in page
    # a wrong tolerance comes back with its reason and the typed value
    response = client.post(reverse("bases:filing_tolerance"), {"tolerance_percent": "150"})
    assert response.status_code == 400
    assert "差异容忍度不能大于100。" in html(response) and 'value="150"' in html(response)
    assert FilingCheckPolicy.current().tolerance_percent == 5


def test_art20_only_the_province_sets_the_tolerance(clock):
    clock(at(2026, 12, 10))
    base = make_base(recognised_on=date(2024, 6, 1))
    response = client_as(base.staff).post(reverse("bases:filing_tolerance"), {"tolerance_percent": "0"})
    assert response.status_code == 404
    assert FilingCheckPolicy.current().tolerance_percent == FilingCheckPolicy.DEFAULT_TOLERANCE


def test_art20_the_filing_page_shows_declared_beside_recorded(clock):
    clock(at(2026, 12, 10))
    base = make_base(recognised_on=date(2024, 6, 1))
    _records(base, people=4, priority=0)
    filing = complete_filing(base, year=2026)  # declares 1500 trained, 12 classes
    page = html(client_as(base.staff).get(reverse("bases:filing_detail", args=[filing.pk])))
    assert "年度报告真实性核查" in page
    assert "1500人" in page and "4人" in page and "+1496人" in page
    assert "不符" in page


def test_art20_the_inspection_page_shows_the_reports_of_the_period_against_the_records(clock):
    clock(at(2026, 12, 10))
    province = factories.UserFactory(role="province")
    base = make_base(recognised_on=date(2024, 6, 1))
    _records(base, year=2025, people=2)
    complete_filing(base, year=2025, state="accepted")
    inspection = schedule(province, base, on=date(2026, 12, 20))
    page = html(client_as(province).get(reverse("supervision:detail", args=[inspection.pk])))
    assert "年度计划执行情况（年度报告）真实性核查（第十九条、第二十条）" in page
    assert "2025年度报告" in page and "+1498人" in page


def test_art19_the_edit_page_saves_what_was_typed_then_fills_the_report_from_the_records(clock):
    clock(at(2026, 12, 10))
    base = make_base(recognised_on=date(2024, 6, 1))
    filing = services.start_filing(actor=base.staff, base_id=base.pk, year=2026)  # no records yet: empty
    _records(base, people=5, priority=1)  # imported afterwards
    data = filing_post("draft", plan_execution="执行情况已写好。", trained_total=9000, plan_trainees=1200)
    data["fill"] = ""
    client = client_as(base.staff)
    response = client.post(reverse("bases:filing_edit", args=[filing.pk]), data)
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.plan_execution == "执行情况已写好。" and filing.plan_trainees == 1200  # typed, kept
    assert (filing.trained_total, filing.priority_area_trainees) == (5, 1)  # the records, not the 9000 typed
    page = html(client.get(response.url))
    assert "已按本年度培训记录填入" in page and "四、与本年度培训记录核对" in page
