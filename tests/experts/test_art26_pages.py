"""Art. 26 in the portal: an expert reads the declaration and declares, or declares a conflict or refuses with a
reason, on pages of their own seats only; the province keeps the pool (search, records with their history,
declared ties) and audits each panel's draws, withdrawing an expert where it must."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from experts import services
from experts.models import Draw, Expert
from tests import factories
from tests.helpers import assert_constant_queries, client_as, get_ok, visible_text

from .conftest import seated

pytestmark = pytest.mark.django_db


@pytest.fixture
def seat(form_panel):
    """The seat of the expert with an account on a panel of one; a spare expert is left for replacements."""
    factories.ExpertFactory(user=factories.ExpertUserFactory(), name="甲专家")
    panel = form_panel(size=1, seed=1)
    factories.ExpertFactory(name="替补专家")
    return seated(panel)[0]


@pytest.fixture
def expert_client(seat):
    return client_as(seat.expert.user)


def page_text(response) -> str:
    return visible_text(response).replace(" ", "")


def act_url(seat, action):
    return reverse("experts:assignment_act", args=[seat.pk, action])


# -- the expert ----------------------------------------------------------------------------------------


def test_the_experts_home_lists_the_seat_to_declare_with_its_deadline(seat, expert_client):
    html = get_ok(expert_client, reverse("home")).content.decode()
    text = page_text(html)
    assert "待声明的评审任务" in text and seat.panel.case_label in text
    assert f"期限{seat.declare_by:%Y年%-m月%-d日}" in text
    assert reverse("experts:assignment", args=[seat.pk]) in html
    assert f'href="{reverse("experts:assignments")}"' in html  # the menu


def test_before_declaring_the_seat_shows_the_declaration_and_not_the_case_materials(seat, expert_client):
    text = page_text(get_ok(expert_client, reverse("experts:assignment", args=[seat.pk])))
    assert services.DECLARATION in text
    assert seat.panel.institution.name in text
    assert "声明无利害关系并承诺保密" in text and "申报利害关系，申请回避" in text and "谢绝参加" in text
    assert "作出声明后方可查阅评审材料和填写评分表" in text
    assert "打开评审材料" not in text and seat.panel.institution.credit_code not in text


def test_declaring_opens_the_case_materials_on_the_page(seat, expert_client):
    get_ok(expert_client, act_url(seat, "declare"))
    response = expert_client.post(act_url(seat, "declare"), {"confirm": "on"}, follow=True)
    text = page_text(response)
    assert "已作出声明" in text and "评审材料" in text
    assert seat.panel.institution.credit_code in text
    assert "申报利害关系，申请回避" in text and "谢绝参加" not in text  # a conflict found late may still be declared
    seat.refresh_from_db()
    assert seat.state == "declared"


def test_a_declaration_without_the_tick_is_refused_in_chinese(seat, expert_client):
    response = expert_client.post(act_url(seat, "declare"), {})
    assert response.status_code == 400
    assert "请勾选确认后再提交声明。" in page_text(response)
    seat.refresh_from_db()
    assert seat.state == "drawn"


def test_a_conflict_is_declared_in_two_steps_and_a_replacement_is_drawn(seat, expert_client):
    detail = get_ok(expert_client, reverse("experts:assignment", args=[seat.pk])).content.decode()
    assert act_url(seat, "conflict") in detail  # step one: the choice
    form = page_text(get_ok(expert_client, act_url(seat, "conflict")))  # step two: the reason
    assert "与被评审机构的利害关系" in form and seat.panel.case_label in form
    response = expert_client.post(act_url(seat, "conflict"), {"reason": "近两年为该机构授课"}, follow=True)
    assert "已申报利害关系，退出本次评审；已按同样规则随机抽取替补专家。" in page_text(response)
    seat.refresh_from_db()
    assert (seat.state, seat.ended_reason) == ("conflict", "近两年为该机构授课")
    assert Draw.objects.get(replaces=seat).reason == f"替补：{seat.expert.name}申报利害关系回避"


@pytest.mark.parametrize(
    "action, message", [("conflict", "请写明与被评审机构的利害关系。"), ("refuse", "请写明不能参加的原因。")]
)
def test_a_reason_left_blank_is_asked_for_in_chinese(seat, expert_client, action, message):
    response = expert_client.post(act_url(seat, action), {"reason": "  "})
    assert response.status_code == 400 and message in page_text(response)
    seat.refresh_from_db()
    assert seat.state == "drawn"


def test_a_reason_refused_comes_back_as_typed(seat, expert_client):
    typed = "原因" * 151
    response = expert_client.post(act_url(seat, "refuse"), {"reason": typed})
    assert response.status_code == 400
    assert "原因不超过300字。" in page_text(response) and typed in response.content.decode()


def test_when_the_province_acted_first_the_expert_is_told_and_keeps_the_typed_reason(seat, expert_client, province):
    services.withdraw(actor=province, assignment_id=seat.pk, reason="经核查存在利害关系")
    response = expert_client.post(act_url(seat, "refuse"), {"reason": "评审当天出差在外"})
    assert response.status_code == 400
    text = page_text(response)
    assert "该记录已由他人处理" in text and "评审当天出差在外" in response.content.decode()
    assert Draw.objects.filter(replaces=seat).count() == 1


def test_after_the_deadline_the_declaration_step_says_why_it_is_closed(seat):
    with time_machine.travel(timezone.now() + timedelta(days=10)):
        response = client_as(seat.expert.user).get(act_url(seat, "declare"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("experts:assignment", args=[seat.pk])
    assert f"声明期限已于{seat.declare_by:%Y年%-m月%-d日}届满" in page_text(response)


def test_another_experts_seat_answers_404_and_a_post_changes_nothing(seat):
    intruder = client_as(factories.ExpertFactory(user=factories.ExpertUserFactory()).user)
    assert intruder.get(reverse("experts:assignment", args=[seat.pk])).status_code == 404
    assert intruder.post(act_url(seat, "declare"), {"confirm": "on"}).status_code == 404
    assert intruder.post(act_url(seat, "conflict"), {"reason": "x"}).status_code == 404
    seat.refresh_from_db()
    assert seat.state == "drawn"
    assert seat.panel.case_label not in page_text(get_ok(intruder, reverse("experts:assignments")))


def test_an_unknown_step_answers_404(seat, expert_client):
    assert expert_client.get(act_url(seat, "score")).status_code == 404


# -- the province: the pool -------------------------------------------------------------------------------


@pytest.fixture
def province_client(province):
    return client_as(province)


# the user, the unread count, the count, the page's rows with their seats, the cities to filter by; a city chosen
# is looked up once more
EXPERT_LIST_QUERIES = {"list": 5, "filtered": 6}


def test_the_expert_list_runs_a_fixed_number_of_queries(province_client):
    url = reverse("experts:list")
    query = {"q": "专家", "region": factories.region("350200").pk, "active": "1"}
    for _ in range(5):
        factories.ExpertFactory(employer_institution=factories.InstitutionFactory(), user=factories.ExpertUserFactory())

    def grow():
        for _ in range(45):
            factories.ExpertFactory(employer_institution=factories.InstitutionFactory())

    assert_constant_queries(
        {"list": lambda: get_ok(province_client, url), "filtered": lambda: get_ok(province_client, url, query)},
        grow,
        pinned=EXPERT_LIST_QUERIES,
        warm=True,
    )


def test_the_expert_list_is_searched_by_name_employer_and_field_and_filtered_by_city_and_state(province_client):
    factories.ExpertFactory(
        name="王建设", employer="福州大学", fields="工程技术、建筑", region=factories.region("350100")
    )
    factories.ExpertFactory(name="李卫生", employer="厦门医学院", fields="卫生健康", region=factories.region("350200"))
    factories.ExpertFactory(
        name="赵停用", employer="泉州学院", fields="教育", active=False, region=factories.region("350500")
    )
    url = reverse("experts:list")

    def names(**query):
        text = page_text(get_ok(province_client, url, query))
        return {n for n in ("王建设", "李卫生", "赵停用") if n in text}

    assert names() == {"王建设", "李卫生", "赵停用"}
    assert names(q="王建设") == {"王建设"}
    assert names(q="厦门医学院") == {"李卫生"}
    assert names(q="建筑") == {"王建设"}
    assert names(region=factories.region("350200").pk) == {"李卫生"}
    assert names(active="0") == {"赵停用"}
    assert names(active="1") == {"王建设", "李卫生"}


def expert_post(**changes):
    return {
        "name": "新专家",
        "employer": "福建农林大学",
        "employer_institution": "",
        "region": factories.region("350100").pk,
        "title": "研究员",
        "fields": "农业",
        "phone": "0591-83789000",
        "email": "",
        "active": "on",
        "username": "",
        "password": "",
        **changes,
    }


def test_the_province_enters_an_expert_with_an_account_the_expert_then_signs_in_with(province_client):
    response = province_client.post(
        reverse("experts:new"), expert_post(username="new_expert", password="Str0ng-Passw0rd!")
    )
    expert = Expert.objects.get(name="新专家")
    assert response.status_code == 302 and response.url == reverse("experts:detail", args=[expert.pk])
    assert expert.user.username == "new_expert" and expert.user.role == "expert"
    from django.test import Client

    client = Client()
    assert client.post(reverse("login"), {"username": "new_expert", "password": "Str0ng-Passw0rd!"}).status_code == 302
    assert "评审专家工作台" in page_text(get_ok(client, reverse("home")))


def test_a_bad_expert_form_is_answered_in_chinese_as_typed(province_client):
    response = province_client.post(reverse("experts:new"), expert_post(name="", username="half", fields="农业、林业"))
    text = page_text(response)
    assert response.status_code == 200
    assert "请填写专家姓名。" in text and "开通账号须设置初始密码。" in text
    assert "农业、林业" in response.content.decode()
    assert not Expert.objects.exists()


def test_an_edit_keeps_the_earlier_record_and_shows_it(province_client):
    expert = factories.ExpertFactory(employer="福州大学")
    url = reverse("experts:edit", args=[expert.pk])
    data = expert_post(name=expert.name, employer="厦门大学", fields=expert.fields)
    assert province_client.post(url, data).status_code == 302
    assert list(expert.history.order_by("history_id").values_list("employer", flat=True)) == ["福州大学", "厦门大学"]
    text = page_text(get_ok(province_client, reverse("experts:detail", args=[expert.pk])))
    assert "修改了内容" in text and "工作单位：福州大学→厦门大学" in text


def test_the_province_records_and_ends_a_declared_tie(province_client, institution):
    expert = factories.ExpertFactory()
    detail = reverse("experts:detail", args=[expert.pk])
    response = province_client.post(
        reverse("experts:tie_new", args=[expert.pk]),
        {"tie-institution": institution.pk, "tie-kind": "teaching", "tie-note": "曾在该院授课"},
    )
    assert response.status_code == 302
    tie = expert.ties.get()
    assert "曾在该院授课" in page_text(get_ok(province_client, detail))
    today = timezone.localdate()
    province_client.post(reverse("experts:tie_end", args=[tie.pk]), {"ended_on": today.isoformat()})
    tie.refresh_from_db()
    assert tie.ended_on == today


def test_a_tie_without_a_kind_is_refused_and_shown_again(province_client, institution):
    expert = factories.ExpertFactory()
    response = province_client.post(
        reverse("experts:tie_new", args=[expert.pk]), {"tie-institution": institution.pk, "tie-note": "兼职"}
    )
    assert response.status_code == 400 and "请选择关系。" in page_text(response)
    assert not expert.ties.exists()


# -- the province: the panel and its audit -----------------------------------------------------------------


def test_the_panel_page_shows_each_draw_with_its_seed_exclusions_candidates_and_a_replay(
    form_panel, province_client, institution
):
    staff = factories.ExpertFactory(name="本院教授", employer_institution=institution)
    tied = factories.TieFactory(institution=institution, expert__name="顾问专家").expert
    chosen = [factories.ExpertFactory(name=f"候选{i}") for i in range(3)]
    panel = form_panel(size=2)
    draw = panel.draws.get()
    text = page_text(get_ok(province_client, reverse("experts:panel", args=[panel.pk])))
    assert f"随机种子{draw.seed}" in text
    assert f"{staff.name}：被评审机构的工作人员" in text
    assert f"{tied.name}：申报与被评审机构存在咨询服务关系" in text
    assert "候选专家3名（按编号排序）：" + "、".join(e.name for e in chosen) in text
    drawn = Expert.objects.in_bulk(draw.drawn_ids)
    assert "抽中" + "、".join(drawn[i].name for i in draw.drawn_ids) in text
    assert "按保存的种子和候选名单重新抽取，结果一致" in text


def test_the_audit_shows_a_draw_that_no_longer_replays(form_panel, province_client):
    for _ in range(3):
        factories.ExpertFactory()
    panel = form_panel(size=1)
    draw = panel.draws.get()
    other = next(i for i in draw.candidate_ids if i not in draw.drawn_ids)
    Draw.objects.filter(pk=draw.pk).update(drawn_ids=[other])
    assert "重新抽取结果不一致" in page_text(get_ok(province_client, reverse("experts:panel", args=[panel.pk])))


def test_the_province_withdraws_an_expert_with_a_reason_from_the_panel_page(seat, province_client):
    panel_page = get_ok(province_client, reverse("experts:panel", args=[seat.panel_id])).content.decode()
    assert act_url(seat, "withdraw") in panel_page
    blank = province_client.post(act_url(seat, "withdraw"), {"reason": ""})
    assert blank.status_code == 400 and "请写明撤回该专家的原因。" in page_text(blank)
    response = province_client.post(act_url(seat, "withdraw"), {"reason": "发现其为该机构兼职教师"}, follow=True)
    assert f"已撤回{seat.expert.name}；已按同样规则随机抽取替补专家。" in page_text(response)
    text = page_text(get_ok(province_client, reverse("experts:panel", args=[seat.panel_id])))
    assert f"替补：{seat.expert.name}被撤回" in text and "发现其为该机构兼职教师" in text


def test_an_empty_seat_is_shown_and_filled_from_the_panel_page(form_panel, province, province_client):
    only = factories.ExpertFactory(user=factories.ExpertUserFactory())
    panel = form_panel(size=1)
    services.refuse(actor=only.user, assignment_id=seated(panel)[0].pk, reason="出差")
    url = reverse("experts:panel", args=[panel.pk])
    assert "专家组缺额1名" in page_text(get_ok(province_client, url))
    refused = province_client.post(reverse("experts:panel_fill", args=[panel.pk]), follow=True)
    assert "只有0名，不足1名" in page_text(refused)
    factories.ExpertFactory(name="新入库专家")
    response = province_client.post(reverse("experts:panel_fill", args=[panel.pk]), follow=True)
    assert "已补抽1名专家" in page_text(response) and "补抽：专家组缺额1名" in page_text(response)
    assert services.vacancies(panel) == 0


def test_the_provinces_menu_leads_to_the_pool_and_the_panels(province_client):
    html = get_ok(province_client, reverse("home")).content.decode()
    assert f'href="{reverse("experts:list")}"' in html and f'href="{reverse("experts:panels")}"' in html


def test_the_experts_seats_and_the_panels_run_a_fixed_number_of_queries(province, province_client):
    expert = factories.ExpertFactory(user=factories.ExpertUserFactory())
    mine = client_as(expert.user)

    def panels(n):
        for _ in range(n):
            inst = factories.InstitutionFactory()
            services.create_panel(
                actor=province, purpose="site_visit", institution=inst,
                case=factories.ApplicationFactory(institution=inst, state="site_visit"),
                case_label=f"{inst.name}申报实地考察", fields="工程技术", size=1,
            )  # fmt: skip

    panels(5)
    assert_constant_queries(
        {
            "seats": lambda: get_ok(mine, reverse("experts:assignments")),
            "home": lambda: get_ok(mine, reverse("home")),
            "panels": lambda: get_ok(province_client, reverse("experts:panels")),
        },
        lambda: panels(25),
        pinned={"seats": 4, "home": 4, "panels": 4},
        warm=True,
    )


# the user, the unread count, the panel, its seats, its empty seats, its draws, and the experts they name; then
# the scored forms: the declared seats, and the aggregate's forms and count of declared seats (none submitted here)
PANEL_QUERIES = 10


def test_the_panel_audit_runs_a_fixed_number_of_queries_however_many_draws(form_panel, province, province_client):
    experts = [factories.ExpertFactory() for _ in range(12)]
    panel = form_panel(size=2)
    url = reverse("experts:panel", args=[panel.pk])

    def replace_five():
        for _ in range(5):
            services.withdraw(actor=province, assignment_id=seated(panel)[0].pk, reason="利害关系")

    assert len(experts) > 7
    assert_constant_queries(lambda: get_ok(province_client, url), replace_five, pinned=PANEL_QUERIES, warm=True)
