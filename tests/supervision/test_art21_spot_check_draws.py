"""Art. 21 spot checks (双随机、一公开): a random draw whose seed, filters and candidates are stored so anyone can
repeat it, inspector units assigned away from the base's own city, results published once all are confirmed."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import InstitutionType
from bases.models import Announcement, AnnouncementKind, BaseStatus
from core.errors import RuleViolation
from supervision import services
from supervision.models import Inspection, InspectionKind, InspectionState, Result, SpotCheckDraw
from tests import factories
from tests.helpers import post_confirmed, visible_text

from .conftest import FUZHOU, NANPING, QUANZHOU, XIAMEN, ZHANGZHOU, base_in, record

pytestmark = pytest.mark.django_db

CANDIDATES = [[i, 1 + i % 4] for i in range(1, 51)]  # [base_id, region_id], sorted by base id
UNITS = [[101, 1], [102, 2], [103, 3], [104, 4], [105, None]]


def draw(province, size=3, **kwargs):
    kwargs.setdefault("province_team", "省人社厅 王五")
    return services.draw_spot_check(
        actor=province, size=size, scheduled_on=timezone.localdate() + timedelta(days=14), **kwargs
    )


def confirm_all(province, the_draw, result=Result.PASS):
    for inspection in the_draw.inspections.all():
        record(province, inspection, result=result)
        services.inspection_transition(actor=province, inspection_id=inspection.pk, action="confirm")


# -- the pure draw ---------------------------------------------------------------------------------------


def test_the_same_seed_and_candidates_give_the_same_sample_and_assignments():
    first = services.draw_sample(20260301, CANDIDATES, 8, UNITS, True)
    again = services.draw_sample(20260301, [list(c) for c in CANDIDATES], 8, [list(u) for u in UNITS], True)

    assert first == again
    sampled, assignments = first
    assert len(sampled) == len(set(sampled)) == 8
    assert set(assignments) == {str(b) for b in sampled}


def test_different_seeds_generally_give_different_samples():
    samples = {tuple(services.draw_sample(seed, CANDIDATES, 5, [], False)[0]) for seed in range(20)}

    assert len(samples) >= 18  # 5 of 50: two seeds agreeing is a near impossibility


def test_a_sample_larger_than_the_candidates_takes_every_candidate():
    sampled, _ = services.draw_sample(7, CANDIDATES[:4], 10, [], False)

    assert sorted(sampled) == [1, 2, 3, 4]


def test_the_pure_draw_never_assigns_a_unit_of_the_bases_own_city():
    for seed in range(50):
        sampled, assignments = services.draw_sample(seed, CANDIDATES, 20, UNITS, True)
        region_of_base = dict(CANDIDATES)
        region_of_unit = dict(UNITS)
        for base_id in sampled:
            assert region_of_unit[assignments[str(base_id)]] != region_of_base[base_id]


def test_the_pure_draw_refuses_when_only_same_city_units_exist():
    with pytest.raises(RuleViolation, match="没有可回避该基地所在设区市的考核委托单位"):
        services.draw_sample(1, [[1, 7]], 1, [[101, 7], [102, 7]], True)


# -- the stored draw -------------------------------------------------------------------------------------


def test_a_draw_stores_seed_filters_and_candidates_and_schedules_a_spot_check_per_sampled_base(province_user):
    fuzhou_training = [base_in(FUZHOU) for _ in range(5)]
    base_in(FUZHOU, institution={"type": InstitutionType.UNIVERSITY})
    base_in(XIAMEN)
    base_in(FUZHOU, status=BaseStatus.REVOKED)
    rectifying = base_in(FUZHOU, status=BaseStatus.RECTIFYING)

    the_draw = draw(
        province_user, size=3, region=factories.region(FUZHOU), institution_type=InstitutionType.TRAINING, seed=424242
    )

    the_draw.refresh_from_db()
    expected_candidates = sorted(b.pk for b in [*fuzhou_training, rectifying])
    assert the_draw.seed == 424242 and the_draw.size == 3 and the_draw.drawn_by == province_user
    assert [c[0] for c in the_draw.candidate_ids] == expected_candidates
    assert {c[1] for c in the_draw.candidate_ids} == {factories.region(FUZHOU).pk}
    assert the_draw.filters == {
        "region": factories.region(FUZHOU).pk,
        "institution_type": InstitutionType.TRAINING,
        "status": "",
        "assign_inspectors": False,
    }
    assert the_draw.filters_text == "设区市：福州市；机构类型：教育培训机构"
    assert len(the_draw.sampled_ids) == 3 and set(the_draw.sampled_ids) <= set(expected_candidates)
    inspections = Inspection.objects.filter(draw=the_draw)
    assert sorted(inspections.values_list("base_id", flat=True)) == sorted(the_draw.sampled_ids)
    assert {(i.kind, i.state, i.province_team) for i in inspections} == {
        (InspectionKind.SPOT_CHECK, InspectionState.SCHEDULED, "省人社厅 王五")
    }


def test_replaying_a_stored_draw_reproduces_its_sample_and_assignments(province_user):
    for code in (FUZHOU, XIAMEN, QUANZHOU, ZHANGZHOU):
        base_in(code)
        factories.InspectorUnitFactory(region=factories.region(code))

    the_draw = draw(province_user, size=3, assign_inspectors=True, province_team="")
    stored = SpotCheckDraw.objects.get(pk=the_draw.pk)  # as read back from the database

    assert services.replay_draw(stored) == (stored.sampled_ids, stored.assignments)
    assert {str(i.base_id): i.inspector_unit_id for i in stored.inspections.all()} == stored.assignments


def test_the_draw_page_says_whether_the_stored_draw_reproduces(province_user, client_as):
    for _ in range(6):
        base_in()
    the_draw = draw(province_user, size=2)
    page = reverse("supervision:draw", args=[the_draw.pk])
    province = client_as(province_user)

    text = visible_text(province.get(page))
    assert "按保存的种子和候选名单重新抽取，结果一致" in text and str(the_draw.seed) in text
    assert "6家（按基地ID排序保存）" in text

    # someone edits the stored sample behind the portal's back: the audit shows it
    others = [c[0] for c in the_draw.candidate_ids if c[0] not in the_draw.sampled_ids]
    SpotCheckDraw.objects.filter(pk=the_draw.pk).update(sampled_ids=others[:2])
    assert "重新抽取结果不一致" in visible_text(province.get(page))


def test_assigned_inspector_units_never_come_from_the_bases_own_city(province_user):
    cities = (FUZHOU, XIAMEN, QUANZHOU, ZHANGZHOU, NANPING)
    for code in cities:
        for _ in range(2):
            base_in(code)
        factories.InspectorUnitFactory(region=factories.region(code))
    factories.InspectorUnitFactory(region=factories.region(XIAMEN), active=False)

    for seed in range(8):
        the_draw = draw(province_user, size=10, assign_inspectors=True, province_team="", seed=seed)
        inspections = list(the_draw.inspections.select_related("base", "inspector_unit"))
        assert len(inspections) == 10
        for i in inspections:
            assert i.inspector_unit is not None and i.inspector_unit.active
            assert i.inspector_unit.region_id != i.base.region_id, (seed, i.base.region, i.inspector_unit.region)


def test_an_assignment_that_cannot_avoid_the_bases_city_is_refused_and_nothing_is_stored(province_user, client_as):
    base_in(FUZHOU)
    factories.InspectorUnitFactory(region=factories.region(FUZHOU))
    factories.InspectorUnitFactory(region=factories.region(FUZHOU))

    with pytest.raises(RuleViolation, match="没有可回避该基地所在设区市的考核委托单位，无法随机分配。"):
        draw(province_user, size=1, assign_inspectors=True, province_team="")

    response = client_as(province_user).post(
        reverse("supervision:draw_new"),
        {
            "size": 1,
            "region": "",
            "institution_type": "",
            "status": "",
            "scheduled_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "province_team": "",
            "assign_inspectors": "on",
        },
    )
    assert response.status_code == 200
    assert "没有可回避该基地所在设区市的考核委托单位，无法随机分配。" in visible_text(response)
    assert not SpotCheckDraw.objects.exists() and not Inspection.objects.exists()


def test_a_draw_with_no_candidates_is_refused(province_user):
    base_in(XIAMEN)

    with pytest.raises(RuleViolation, match="没有符合条件的基地可供抽取。"):
        draw(province_user, region=factories.region(FUZHOU))


def test_the_assigned_units_inspector_sees_the_spot_check(province_user, client_as):
    base = base_in(FUZHOU)
    unit = factories.InspectorUnitFactory(region=factories.region(XIAMEN))
    inspector = factories.InspectorUserFactory(inspector_unit=unit)

    the_draw = draw(province_user, size=1, assign_inspectors=True, province_team="")

    (inspection,) = the_draw.inspections.all()
    assert (inspection.base, inspection.inspector_unit) == (base, unit)
    response = client_as(inspector).get(reverse("supervision:detail", args=[inspection.pk]))
    assert response.status_code == 200 and "不定期抽查" in visible_text(response)


# -- publishing the results (一公开) ------------------------------------------------------------------------


def test_a_draw_is_published_only_once_every_spot_check_is_confirmed_then_in_one_announcement(
    province_user, client_as, client
):
    bases = [base_in() for _ in range(3)]
    the_draw = draw(province_user, size=3)
    inspections = list(the_draw.inspections.order_by("id"))
    for inspection in inspections[:2]:
        record(province_user, inspection)
        services.inspection_transition(actor=province_user, inspection_id=inspection.pk, action="confirm")

    with pytest.raises(RuleViolation, match="还有1家基地的抽查结果未确认，全部确认后方可公布。"):
        services.publish_draw(actor=province_user, draw_id=the_draw.pk)
    province = client_as(province_user)
    page = province.get(reverse("supervision:draw", args=[the_draw.pk])).content.decode()
    assert "全部结果确认后方可公布" in page and "disabled" in page
    response = province.post(reverse("supervision:draw_publish", args=[the_draw.pk]), follow=True)
    assert "还有1家基地的抽查结果未确认" in visible_text(response)
    assert not Announcement.objects.exists()

    record(province_user, inspections[2], result=Result.EXCELLENT)
    services.inspection_transition(actor=province_user, inspection_id=inspections[2].pk, action="confirm")
    url = reverse("supervision:draw_publish", args=[the_draw.pk])
    preview = province.post(url)  # the exact text first: nothing is published without the confirmation
    assert preview.status_code == 200 and "考核优秀的省级继续教育基地" in visible_text(preview)
    assert not Announcement.objects.exists()
    response = post_confirmed(province, url)

    announcement = Announcement.objects.get(kind=AnnouncementKind.INSPECTION)
    assert response.status_code == 302 and response["Location"] == reverse(
        "public:announcement", args=[announcement.pk]
    )
    assert sorted(b.pk for b in announcement.bases.all()) == sorted(b.pk for b in bases)
    assert announcement.title.endswith("省级继续教育基地不定期抽查结果公告")
    for b in bases:
        assert b.name in announcement.body
    the_draw.refresh_from_db()
    assert the_draw.published_at is not None
    assert set(the_draw.inspections.values_list("state", flat=True)) == {InspectionState.PUBLISHED}
    assert Announcement.objects.filter(kind=AnnouncementKind.COMMENDATION).count() == 1
    assert announcement.title in visible_text(client.get(reverse("public:announcements")))

    with pytest.raises(RuleViolation, match="该次抽查结果已公布。"):
        services.publish_draw(actor=province_user, draw_id=the_draw.pk)
    assert Announcement.objects.filter(kind=AnnouncementKind.INSPECTION).count() == 1


def test_a_spot_check_published_on_its_own_is_not_announced_again_with_its_draw(province_user):
    for _ in range(2):
        base_in()
    the_draw = draw(province_user, size=2)
    first, second = the_draw.inspections.order_by("id")
    confirm_all(province_user, the_draw, result=Result.EXCELLENT)
    services.inspection_transition(actor=province_user, inspection_id=first.pk, action="publish")

    services.publish_draw(actor=province_user, draw_id=the_draw.pk)

    for b in (first.base, second.base):
        assert Announcement.objects.filter(kind=AnnouncementKind.INSPECTION, bases=b).count() == 1
        assert Announcement.objects.filter(kind=AnnouncementKind.COMMENDATION, bases=b).count() == 1
