"""Art. 26 (issue 16, point 3): a drawn expert declares no conflict and promises confidentiality before the
case's files open to them, and only by the deadline; a conflict, a refusal or the province's withdrawal gives
up the seat and draws a replacement the same way, recorded; one seat is given up once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from core import access
from core.errors import Conflict, RuleViolation
from core.models import TimelineEvent
from experts import services
from experts.models import Assignment, Draw
from tests import factories
from tests.helpers import client_as

from .conftest import seated

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def experts(db):
    """Four experts with accounts, more than a panel of one needs, so replacements can be drawn."""
    return [factories.ExpertFactory(user=factories.ExpertUserFactory()) for _ in range(4)]


@pytest.fixture
def seat(form_panel, experts):
    """The one seat of a panel of one, drawn today."""
    return seated(form_panel(size=1))[0]


def user_of(seat):
    return seat.expert.user


# -- declaring opens the files ---------------------------------------------------------------------------


def test_declaring_opens_the_files_and_not_before(seat, province):
    assert not seat.may_open_files
    assert services.may_open_files(user_of(seat), seat.panel) is False
    declared = services.declare(actor=user_of(seat), assignment_id=seat.pk)
    assert declared.state == "declared" and declared.may_open_files
    assert declared.declaration == services.DECLARATION and declared.declared_at is not None
    assert services.may_open_files(user_of(seat), seat.panel) is True
    assert services.may_open_files(province, seat.panel) is True


def test_an_expert_declared_on_another_panel_or_not_drawn_cannot_open_these_files(seat, form_panel, experts):
    others = [e for e in experts if e.pk != seat.expert_id]
    services.declare(actor=user_of(seat), assignment_id=seat.pk)
    for expert in others:
        assert services.may_open_files(expert.user, seat.panel) is False
    assert services.may_open_files(factories.InstitutionUserFactory(), seat.panel) is False


def test_a_declaration_is_recorded_on_the_seats_timeline(seat):
    services.declare(actor=user_of(seat), assignment_id=seat.pk)
    event = TimelineEvent.objects.get(object_id=seat.pk, action="declare")
    assert (event.actor, event.to_state, event.article) == (user_of(seat), "declared", "第二十六条")


def test_the_seats_history_starts_with_its_drawing_and_a_declaration_is_one_entry(seat):
    services.declare(actor=user_of(seat), assignment_id=seat.pk)
    events = list(TimelineEvent.objects.filter(object_id=seat.pk, content_type__model="assignment").order_by("id"))
    assert [(e.action, e.label, e.article) for e in events] == [
        ("expert_drawn", "随机抽取为评审专家", "第二十六条"),
        ("declare", "声明无利害关系并承诺保密", "第二十六条"),
    ]
    assert events[0].comment == "首次抽取"
    page = client_as(user_of(seat)).get(reverse("experts:assignment", args=[seat.pk])).content.decode()
    assert "随机抽取为评审专家" in page and "修改了内容" not in page


def test_a_declaration_after_the_deadline_is_refused_and_changes_nothing(seat):
    deadline = seat.declare_by
    next_midnight = datetime.combine(deadline, datetime.min.time()).replace(tzinfo=SHANGHAI) + timedelta(days=1)
    with time_machine.travel(next_midnight), pytest.raises(RuleViolation) as refused:
        services.declare(actor=user_of(seat), assignment_id=seat.pk)
    assert f"声明期限已于{deadline.year}年{deadline.month}月{deadline.day}日届满" in refused.value.message
    seat.refresh_from_db()
    assert seat.state == "drawn" and seat.declared_at is None


def test_the_deadline_day_counts_until_midnight_in_china(seat):
    last_minute = datetime.combine(seat.declare_by, datetime.min.time()).replace(tzinfo=SHANGHAI) + timedelta(
        hours=23, minutes=59
    )
    with time_machine.travel(last_minute, tick=False):
        assert services.declare(actor=user_of(seat), assignment_id=seat.pk).state == "declared"


def test_a_late_expert_may_still_declare_a_conflict_or_refuse(seat):
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        _, draw = services.refuse(actor=user_of(seat), assignment_id=seat.pk, reason="出差在外")
    assert draw is not None and draw.replaces_id == seat.pk


# -- giving up a seat draws a replacement ---------------------------------------------------------------


@pytest.mark.parametrize(
    "give_up, state, why",
    [
        (services.declare_conflict, "conflict", "申报利害关系回避"),
        (services.refuse, "refused", "不能参加"),
    ],
)
def test_a_conflict_or_a_refusal_withdraws_the_expert_and_draws_a_recorded_replacement(seat, give_up, state, why):
    expert = seat.expert
    left, draw = give_up(actor=user_of(seat), assignment_id=seat.pk, reason="曾为该机构讲课")
    assert (left.state, left.ended_reason) == (state, "曾为该机构讲课")
    assert draw.replaces_id == seat.pk and draw.reason == f"替补：{expert.name}{why}"
    assert services.replay(draw)
    (replacement,) = seated(seat.panel)
    assert replacement.draw_id == draw.pk and replacement.expert_id == draw.drawn_ids[0] != expert.pk
    assert replacement.declare_by >= seat.declare_by


def test_a_conflict_may_be_declared_after_declaring_no_conflict(seat):
    services.declare(actor=user_of(seat), assignment_id=seat.pk)
    left, draw = services.declare_conflict(actor=user_of(seat), assignment_id=seat.pk, reason="发现曾在该机构兼职")
    assert left.state == "conflict" and not left.may_open_files and draw is not None
    assert services.may_open_files(user_of(seat), seat.panel) is False


def test_the_province_withdraws_an_expert_with_a_reason_and_a_replacement_is_drawn(seat, province):
    left, draw = services.withdraw(actor=province, assignment_id=seat.pk, reason="经核查与该机构存在合作关系")
    assert left.state == "withdrawn" and draw.drawn_by == province and draw.replaces_id == seat.pk


def test_the_withdrawn_expert_is_not_drawn_again(form_panel, province):
    for _ in range(3):
        factories.ExpertFactory()
    panel = form_panel(size=1)
    first = seated(panel)[0]
    _, draw = services.withdraw(actor=province, assignment_id=first.pk, reason="利害关系")
    second = seated(panel)[0]
    _, again = services.withdraw(actor=province, assignment_id=second.pk, reason="利害关系")
    assert first.expert_id not in again.candidate_ids and second.expert_id not in again.candidate_ids
    assert seated(panel)[0].expert_id not in {first.expert_id, second.expert_id}


def test_a_seat_given_up_twice_draws_one_replacement_and_the_second_call_is_refused(seat, province):
    services.declare_conflict(actor=user_of(seat), assignment_id=seat.pk, reason="利害关系")
    with pytest.raises(Conflict):
        services.declare_conflict(actor=user_of(seat), assignment_id=seat.pk, reason="利害关系")
    with pytest.raises(Conflict):
        services.withdraw(actor=province, assignment_id=seat.pk, reason="利害关系")
    assert Draw.objects.filter(replaces=seat).count() == 1
    assert len(seated(seat.panel)) == 1


def test_a_reason_is_required_to_give_up_a_seat(seat):
    with pytest.raises(RuleViolation, match="请写明与被评审机构的利害关系"):
        services.declare_conflict(actor=user_of(seat), assignment_id=seat.pk, reason="  ")
    with pytest.raises(RuleViolation, match="请写明不能参加的原因"):
        services.refuse(actor=user_of(seat), assignment_id=seat.pk, reason="")
    seat.refresh_from_db()
    assert seat.state == "drawn"


def test_a_refusal_after_declaring_is_not_offered(seat):
    services.declare(actor=user_of(seat), assignment_id=seat.pk)
    seat.refresh_from_db()
    assert str(access.refusal(user_of(seat), "refuse", seat)) == "当前状态为「已声明无利害关系」，不能谢绝参加。"
    with pytest.raises(Conflict, match="当前状态为「已声明无利害关系」"):
        services.refuse(actor=user_of(seat), assignment_id=seat.pk, reason="临时有事")


def test_with_nobody_left_to_draw_the_conflict_stands_the_seat_stays_empty_and_the_province_is_told(
    form_panel, province
):
    only = factories.ExpertFactory(user=factories.ExpertUserFactory())
    panel = form_panel(size=1)
    seat = seated(panel)[0]
    left, draw = services.declare_conflict(actor=only.user, assignment_id=seat.pk, reason="曾任该机构顾问")
    assert left.state == "conflict" and draw is None
    assert services.vacancies(panel) == 1
    assert province.notifications.filter(title=f"专家组缺额：{panel.case_label}").exists()
    # once the pool has grown, the province fills the seat the same way
    newcomer = factories.ExpertFactory()
    filled = services.fill_panel(actor=province, panel_id=panel.pk)
    assert filled.drawn_ids == [newcomer.pk] and filled.reason == "补抽：专家组缺额1名"
    assert dict(filled.exclusions)[only.pk] == "已从本专家组退出（申报有利害关系（回避））"
    with pytest.raises(RuleViolation, match="无需补抽"):
        services.fill_panel(actor=province, panel_id=panel.pk)


# -- one's own seats only ------------------------------------------------------------------------------


def test_an_expert_cannot_act_on_another_experts_seat(seat, experts, province):
    intruder = next(e for e in experts if e.pk != seat.expert_id).user
    for act in (
        lambda: services.declare(actor=intruder, assignment_id=seat.pk),
        lambda: services.declare_conflict(actor=intruder, assignment_id=seat.pk, reason="x"),
        lambda: services.refuse(actor=intruder, assignment_id=seat.pk, reason="x"),
    ):
        with pytest.raises(Http404):
            act()
    seat.refresh_from_db()
    assert seat.state == "drawn"


def test_an_expert_cannot_withdraw_and_the_province_cannot_declare_for_an_expert(seat, province):
    with pytest.raises(RuleViolation, match="无权"):
        services.withdraw(actor=user_of(seat), assignment_id=seat.pk, reason="x")
    with pytest.raises(RuleViolation, match="无权"):
        services.declare(actor=province, assignment_id=seat.pk)
    assert Assignment.objects.get(pk=seat.pk).state == "drawn"


# -- the pool's records keep their history -------------------------------------------------------------


def test_changing_an_expert_keeps_the_earlier_record(province):
    expert = services.save_expert(
        actor=province,
        data={
            "name": "王专家",
            "employer": "福州大学",
            "region": factories.region("350100"),
            "title": "教授",
            "fields": "工程技术",
            "phone": "0591-1",
            "email": "",
            "employer_institution": None,
            "active": True,
        },
    )
    services.save_expert(
        actor=province, expert=expert, data={"employer": "厦门大学", "region": factories.region("350200")}
    )
    assert list(expert.history.order_by("history_id").values_list("employer", flat=True)) == ["福州大学", "厦门大学"]


def test_opening_an_experts_account_gives_the_expert_role(province):
    expert = factories.ExpertFactory()
    services.save_expert(actor=province, expert=expert, data={}, username="wang_expert", password="Str0ng-Passw0rd!")
    expert.refresh_from_db()
    assert expert.user.role == "expert" and expert.user.check_password("Str0ng-Passw0rd!")
    assert expert.user.full_name == expert.name
    with pytest.raises(RuleViolation, match="已有登录账号"):
        services.save_expert(actor=province, expert=expert, data={}, username="again", password="Str0ng-Passw0rd!")


def test_a_tie_ends_once_and_not_in_the_future(province):
    tie = factories.TieFactory()
    today = timezone.localdate()
    with pytest.raises(RuleViolation, match="不能晚于今天"):
        services.end_tie(actor=province, tie_id=tie.pk, ended_on=today + timedelta(days=1))
    services.end_tie(actor=province, tie_id=tie.pk, ended_on=today)
    with pytest.raises(RuleViolation, match="已于"):
        services.end_tie(actor=province, tie_id=tie.pk, ended_on=today)
    assert tie.history.count() == 2
