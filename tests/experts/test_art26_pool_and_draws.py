"""Art. 26 (issue 16, point 2): the experts of a site visit or an inspection are drawn at random (双随机) from the
active experts of matching fields, and every conflict rule keeps the right people off the panel with its
reason stored; the draw keeps its seed and candidates, so drawing again gives the same panel."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from core.errors import RuleViolation
from experts import services
from experts.models import Draw, Panel, field_names
from tests import factories

from .conftest import reasons, seated

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def drawn_ids(panel) -> set[int]:
    return {a.expert_id for a in seated(panel)}


# -- who is kept off, and why ----------------------------------------------------------------------------


def test_the_institutions_own_staff_are_excluded(form_panel, institution):
    staff = factories.ExpertFactory(name="本机构教授", employer=institution.name, employer_institution=institution)
    other = factories.ExpertFactory()
    panel = form_panel(size=1)
    assert drawn_ids(panel) == {other.pk}
    assert reasons(panel) == {staff.pk: "被评审机构的工作人员"}


def test_staff_of_another_institution_are_not_excluded(form_panel):
    elsewhere = factories.ExpertFactory(employer_institution=factories.InstitutionFactory())
    panel = form_panel(size=1)
    assert drawn_ids(panel) == {elsewhere.pk}
    assert reasons(panel) == {}


def test_a_current_declared_tie_excludes_the_expert(form_panel, institution):
    tied = factories.TieFactory(institution=institution, kind="teaching").expert
    free = factories.ExpertFactory()
    panel = form_panel(size=1)
    assert drawn_ids(panel) == {free.pk}
    assert reasons(panel) == {tied.pk: "申报与被评审机构存在授课关系"}


def test_a_tie_with_another_institution_excludes_nobody(form_panel):
    tied = factories.TieFactory().expert
    assert drawn_ids(form_panel(size=1)) == {tied.pk}


def test_a_tie_ended_less_than_3_years_ago_excludes_and_one_ended_more_than_3_years_ago_does_not(
    form_panel, institution
):
    today = timezone.localdate()
    recent = factories.TieFactory(
        institution=institution, kind="former_employer", ended_on=today - timedelta(days=2 * 365)
    ).expert
    old = factories.TieFactory(
        institution=institution, kind="former_employer", ended_on=today - timedelta(days=4 * 365)
    )
    panel = form_panel(size=1)
    assert drawn_ids(panel) == {old.expert_id}
    assert set(reasons(panel)) == {recent.pk}
    assert "曾工作单位关系于" in reasons(panel)[recent.pk] and "未满3年" in reasons(panel)[recent.pk]


@time_machine.travel(datetime(2027, 3, 1, 9, 0, tzinfo=SHANGHAI), tick=False)
def test_exactly_three_years_after_a_tie_ended_is_its_last_day_of_exclusion(form_panel, institution):
    """A period of 3 years from the day a tie ended (民法典第二百零一条): a tie ended on 1 March 2024 still
    counts on 1 March 2027; one ended on 29 February 2024 ran out on 28 February 2027."""
    last_day = factories.TieFactory(institution=institution, ended_on=date(2024, 3, 1)).expert
    leap = factories.TieFactory(institution=institution, ended_on=date(2024, 2, 29)).expert
    panel = form_panel(size=1)
    assert drawn_ids(panel) == {leap.pk}
    assert reasons(panel) == {last_day.pk: "申报与被评审机构的咨询服务关系于2024年3月1日结束，未满3年"}


def test_the_same_city_is_excluded_when_the_panel_avoids_it(form_panel):
    fuzhou = factories.ExpertFactory(region=factories.region("350100"))
    xiamen = factories.ExpertFactory(region=factories.region("350200"))
    panel = form_panel(size=1, same_city_excluded=True)
    assert drawn_ids(panel) == {xiamen.pk}
    assert reasons(panel) == {fuzhou.pk: "与被评审机构同在福州市（同城回避）"}


def test_the_same_city_is_not_excluded_when_the_panel_does_not_avoid_it(form_panel):
    fuzhou = factories.ExpertFactory(region=factories.region("350100"))
    xiamen = factories.ExpertFactory(region=factories.region("350200"))
    panel = form_panel(size=2, same_city_excluded=False)
    assert drawn_ids(panel) == {fuzhou.pk, xiamen.pk}
    assert reasons(panel) == {}


def test_the_province_setting_decides_whether_panels_avoid_the_same_city(form_panel, settings):
    settings.EXPERT_AVOID_SAME_CITY = False
    fuzhou = factories.ExpertFactory(region=factories.region("350100"))
    panel = form_panel(size=1)
    assert panel.same_city_excluded is False
    assert drawn_ids(panel) == {fuzhou.pk}


def test_an_expert_who_declared_on_a_panel_of_the_same_institution_within_the_look_back_years_is_excluded(
    form_panel, institution
):
    reviewer = factories.ExpertFactory(user=factories.ExpertUserFactory())
    first = form_panel(size=1)
    services.declare(actor=reviewer.user, assignment_id=seated(first)[0].pk)
    newcomer = factories.ExpertFactory()
    second = form_panel(size=1)
    assert drawn_ids(second) == {newcomer.pk}
    month = timezone.localdate()
    assert reasons(second) == {reviewer.pk: f"{month.year}年{month.month}月评审过该机构（3年内回避）"}


def test_a_review_of_the_same_institution_longer_ago_than_the_look_back_years_excludes_nobody(form_panel):
    reviewer = factories.ExpertFactory(user=factories.ExpertUserFactory())
    with time_machine.travel(timezone.now() - timedelta(days=4 * 365)):
        services.declare(actor=reviewer.user, assignment_id=seated(form_panel(size=1))[0].pk)
    panel = form_panel(size=1)
    assert drawn_ids(panel) == {reviewer.pk}


def test_a_review_of_another_institution_or_a_seat_never_declared_excludes_nobody(form_panel, institution):
    reviewer = factories.ExpertFactory(user=factories.ExpertUserFactory())
    elsewhere = factories.InstitutionFactory()
    services.declare(actor=reviewer.user, assignment_id=seated(form_panel(size=1, for_institution=elsewhere))[0].pk)
    undeclared = form_panel(size=1)  # drawn for this institution, never declared
    assert drawn_ids(undeclared) == {reviewer.pk}
    assert reasons(undeclared) == {}


def test_an_expert_already_on_the_panel_or_who_left_it_is_not_drawn_again(form_panel, province):
    experts = [factories.ExpertFactory() for _ in range(4)]
    panel = form_panel(size=2)
    kept, leaving = seated(panel)
    _, draw = services.withdraw(actor=province, assignment_id=leaving.pk, reason="发现利害关系")
    excluded = dict(draw.exclusions)
    assert excluded[kept.expert_id] == "已在本专家组"
    assert excluded[leaving.expert_id] == "已从本专家组退出（被撤回）"
    assert set(draw.candidate_ids) == {e.pk for e in experts} - {kept.expert_id, leaving.expert_id}


def test_every_reason_of_an_expert_is_stored(form_panel, institution):
    both = factories.ExpertFactory(employer_institution=institution, region=factories.region("350100"))
    factories.TieFactory(expert=both, institution=institution, kind="employer")
    factories.ExpertFactory()
    assert reasons(form_panel(size=1)) == {
        both.pk: "被评审机构的工作人员；与被评审机构同在福州市（同城回避）；申报与被评审机构存在现工作单位关系"
    }


# -- the pool: matching fields, active experts only ------------------------------------------------------


def test_free_text_fields_are_split_on_every_separator_users_type():
    assert field_names("工程技术、卫生健康,农业，教育;交通；水利") == {
        "工程技术",
        "卫生健康",
        "农业",
        "教育",
        "交通",
        "水利",
    }
    assert field_names(" 工程技术 、、 ") == {"工程技术"}
    assert field_names("") == set()


def test_only_active_experts_of_a_matching_field_are_considered(form_panel):
    match = factories.ExpertFactory(fields="卫生健康，工程技术")
    also = factories.ExpertFactory(fields="农业")
    factories.ExpertFactory(fields="教育;交通")
    factories.ExpertFactory(fields="工程技术", active=False)
    panel = form_panel(size=2, fields="工程技术、农业")
    draw = panel.draws.get()
    assert draw.considered_ids == sorted([match.pk, also.pk])
    assert drawn_ids(panel) == {match.pk, also.pk}


def test_a_panel_without_fields_considers_every_active_expert(form_panel):
    experts = {factories.ExpertFactory(fields=f).pk for f in ("教育", "农业")}
    panel = form_panel(size=2, fields="")
    assert set(panel.draws.get().considered_ids) == experts


def test_a_field_named_as_part_of_a_longer_one_does_not_match(form_panel):
    factories.ExpertFactory(fields="工程技术管理")
    with pytest.raises(RuleViolation):
        form_panel(size=1, fields="工程技术")


# -- the draw can be repeated ---------------------------------------------------------------------------


def test_a_replayed_draw_reproduces_its_panel(form_panel):
    for _ in range(8):
        factories.ExpertFactory()
    panel = form_panel(size=3)
    draw = panel.draws.get()
    assert services.replay(draw) is True
    assert services.draw_panel(draw.seed, draw.candidate_ids, draw.count) == draw.drawn_ids
    assert set(draw.drawn_ids) == drawn_ids(panel)
    assert draw.candidate_ids == sorted(draw.candidate_ids) and len(draw.drawn_ids) == 3


def test_the_same_seed_and_candidates_give_the_same_experts_and_another_seed_may_not(form_panel, institution):
    for _ in range(10):
        factories.ExpertFactory()
    one = form_panel(size=3, seed=20261203, same_city_excluded=False).draws.get()
    two = form_panel(size=3, seed=20261203, same_city_excluded=False, for_institution=factories.InstitutionFactory())
    assert two.draws.get().drawn_ids == one.drawn_ids
    others = {tuple(services.draw_panel(seed, one.candidate_ids, 3)) for seed in range(20)}
    assert len(others) > 1


def test_a_draw_whose_stored_experts_were_altered_no_longer_replays(form_panel):
    for _ in range(5):
        factories.ExpertFactory()
    draw = form_panel(size=2).draws.get()
    unchosen = next(i for i in draw.candidate_ids if i not in draw.drawn_ids)
    Draw.objects.filter(pk=draw.pk).update(drawn_ids=[unchosen, draw.drawn_ids[1]])
    draw.refresh_from_db()
    assert services.replay(draw) is False


def test_too_few_candidates_are_refused_in_chinese_and_nothing_is_saved(form_panel, institution):
    factories.ExpertFactory()
    factories.ExpertFactory(employer_institution=institution)
    with pytest.raises(RuleViolation) as refused:
        form_panel(size=3)
    assert "领域相符且无需回避的在库专家只有1名，不足3名" in refused.value.message
    assert refused.value.article == "第二十六条"
    assert not Panel.objects.exists() and not Draw.objects.exists()


def test_a_case_gets_one_panel_and_at_least_one_expert(form_panel):
    factories.ExpertFactory()
    factories.ExpertFactory()
    case = factories.ApplicationFactory(state="site_visit")
    form_panel(size=1, case=case, for_institution=case.institution)
    with pytest.raises(RuleViolation, match="已组建评审专家组"):
        form_panel(size=1, case=case, for_institution=case.institution)
    with pytest.raises(RuleViolation, match="至少为1名"):
        form_panel(size=0)


def test_only_the_province_forms_panels(institution):
    factories.ExpertFactory()
    inspector = factories.InspectorUserFactory()
    with pytest.raises(RuleViolation):
        services.create_panel(
            actor=inspector,
            purpose="inspection",
            case=institution,
            institution=institution,
            case_label="考核",
            fields="",
            size=1,
        )


def test_a_drawn_expert_with_an_account_is_told_to_declare_by_the_deadline(form_panel):
    expert = factories.ExpertFactory(user=factories.ExpertUserFactory())
    panel = form_panel(size=1)
    seat = seated(panel)[0]
    note = expert.user.notifications.get()
    assert note.title == f"评审任务：{panel.case_label}"
    assert f"{seat.declare_by:%Y年%-m月%-d日}前" in note.body
    assert note.url == f"/experts/assignments/{seat.pk}/"
