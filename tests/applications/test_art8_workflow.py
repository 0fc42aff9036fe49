"""Art. 8-9: an application's path from draft to a recognised base, through the services and the pages.

Every step is checked for the state it leaves, the timeline event (who, comment, article) and who hears
about it (inbox rows and e-mail, sent after commit).
"""

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Application, Hearing, HearingKind, SiteVisit, State
from bases import services as recognition
from bases.models import Base
from core.errors import Conflict, RuleViolation
from core.models import Notification
from tests import factories

from .conftest import complete_draft, edit_data, events, last_event, upload

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def html(response) -> str:
    return response.content.decode()


def field_block(page: str, name: str, end: str = "</div>") -> str:
    """The markup of one field group (label, widget, help and errors) on a page."""
    match = re.search(rf'id="field-{re.escape(name)}".*?{end}', page, re.S)
    assert match, f"no field {name} on the page"
    return match.group(0)


def act_url(app, action):
    return reverse("applications:act", args=[app.pk, action])


def act_data(action, state, comment=""):
    return {f"{action}-expected_state": state, f"{action}-comment": comment}


# -- the whole path through the services -----------------------------------------------------------


def test_service_path_draft_to_base_records_each_step_and_notifies_the_next_party(
    draft, institution_user, recommender_user, xiamen_recommender, province_user, step
):
    app = draft

    # draft -> submitted: the recommender of the institution's own city (Art. 8(3)) is told
    with step() as s:
        services.submit(actor=institution_user, application_id=app.pk)
    app.refresh_from_db()
    assert app.state == State.SUBMITTED
    assert app.submitted_at is not None and app.last_submitted_at == app.submitted_at
    first_submitted = app.submitted_at
    ev = last_event(app)
    assert (ev.action, ev.actor, ev.from_state, ev.to_state, ev.article) == (
        "submit",
        institution_user,
        State.DRAFT,
        State.SUBMITTED,
        "第八条第三项",
    )
    assert s.recipients == {recommender_user, institution_user}
    assert xiamen_recommender not in s.recipients and province_user not in s.recipients
    assert s.mailed_to == {recommender_user.email, institution_user.email}
    assert any(t.startswith("待推荐：") for t in s.titles)

    # submitted -> returned by the recommender, with its comment
    with step() as s:
        services.transition(
            actor=recommender_user, application_id=app.pk, action="return_recommender", comment="请补充近三年培训证明"
        )
    app.refresh_from_db()
    assert app.state == State.RETURNED
    ev = last_event(app)
    assert (ev.action, ev.actor, ev.comment, ev.article) == (
        "return_recommender",
        recommender_user,
        "请补充近三年培训证明",
        "第八条第三项",
    )
    assert s.recipients == {institution_user}
    assert "请补充近三年培训证明" in s.notes[0].body
    assert s.mailed_to == {institution_user.email} and "请补充近三年培训证明" in s.mails[0].body
    # nothing the institution typed or uploaded is lost
    assert app.teaching_capacity == 200 and app.field_names == "工程技术"
    assert app.people.count() == 6 and app.documents.filter(replaced_at=None).count() == 11

    # returned -> submitted again: back to the same recommender; the first submission date stays
    with step() as s:
        services.submit(actor=institution_user, application_id=app.pk)
    app.refresh_from_db()
    assert app.state == State.SUBMITTED
    assert app.submitted_at == first_submitted and app.last_submitted_at > first_submitted
    assert last_event(app).from_state == State.RETURNED
    assert s.recipients == {recommender_user, institution_user}

    # submitted -> recommended: the province is told
    with step() as s:
        services.transition(actor=recommender_user, application_id=app.pk, action="recommend", comment="同意推荐")
    app.refresh_from_db()
    assert app.state == State.RECOMMENDED
    ev = last_event(app)
    assert (ev.action, ev.actor, ev.comment, ev.article) == ("recommend", recommender_user, "同意推荐", "第八条第三项")
    assert s.recipients == {province_user} and s.mailed_to == {province_user.email}
    assert "福州市人力资源和社会保障局推荐了" in s.notes[0].body

    # recommended -> under_review
    with step() as s:
        services.transition(actor=province_user, application_id=app.pk, action="start_review")
    app.refresh_from_db()
    assert app.state == State.UNDER_REVIEW
    ev = last_event(app)
    assert (ev.action, ev.actor, ev.article) == ("start_review", province_user, "第八条第四项")
    assert s.recipients == {institution_user}

    # under_review -> site_visit: date and team recorded, the institution told when
    with step() as s:
        services.schedule_visit(
            actor=province_user, application_id=app.pk, scheduled_on=date(2025, 6, 3), team="王五、赵六"
        )
    app.refresh_from_db()
    assert app.state == State.SITE_VISIT
    visit = SiteVisit.objects.get(application=app)
    assert (visit.scheduled_on, visit.team, visit.recorded_at) == (date(2025, 6, 3), "王五、赵六", None)
    ev = last_event(app)
    assert (ev.action, ev.actor, ev.article) == ("schedule_visit", province_user, "第八条第四项")
    assert "2025年6月3日" in ev.comment and "王五、赵六" in ev.comment
    assert s.recipients == {institution_user} and "2025年6月3日" in s.mails[0].body

    # approving before the findings are recorded is refused
    with pytest.raises(RuleViolation, match="请先记录实地考察情况"):
        recognition.approve(actor=province_user, application_id=app.pk)
    assert not Base.objects.exists()

    # the findings
    with step() as s:
        services.record_visit(actor=province_user, application_id=app.pk, findings="场地与申报一致")
    visit.refresh_from_db()
    assert visit.findings == "场地与申报一致" and visit.recorded_by == province_user and visit.recorded_at
    ev = last_event(app)
    assert (ev.action, ev.actor, ev.comment, ev.article) == (
        "record_visit",
        province_user,
        "场地与申报一致",
        "第八条第四项",
    )
    assert s.notes == []

    # site_visit -> approved, once the public notice has run its period: a base with the year's first
    # register number (Art. 8(4), 9)
    factories.ended_notice(app)
    today = timezone.localdate()
    number = f"闽继教基地〔{today.year}〕001号"
    with step() as s:
        base = recognition.approve(actor=province_user, application_id=app.pk, comment="符合条件", recognised_on=today)
    app.refresh_from_db()
    assert app.state == State.APPROVED and app.decided_at is not None
    assert base.register_number == number
    assert (base.recognised_on, base.batch, base.institution, base.application) == (
        today,
        app.batch,
        app.institution,
        app,
    )
    assert (base.year, base.sequence, base.name) == (today.year, 1, app.institution.name)
    approve_ev, recognise_ev = events(app)[-2:]
    assert (approve_ev.action, approve_ev.actor, approve_ev.comment, approve_ev.article) == (
        "approve",
        province_user,
        "符合条件",
        "第八条第四项、第九条",
    )
    assert (recognise_ev.action, recognise_ev.article) == ("recognise", "第九条")
    assert number in recognise_ev.label
    assert s.recipients == {institution_user}
    assert number in s.notes[0].body and number in s.mails[0].body


def test_register_numbers_are_sequential_per_year_of_recognition(drive):
    # One long batch; each applicant is recognised on the day its notice ended, so the dates are lawful.
    batch = factories.BatchFactory(opens_on=date(2025, 1, 2), closes_on=date(2026, 12, 31), year=2025)
    bases = []
    for day in (date(2025, 3, 3), date(2025, 12, 31), date(2026, 1, 2)):
        with time_machine.travel(datetime.combine(day, time(10), tzinfo=SHANGHAI), tick=False):
            app = complete_draft(factories.InstitutionUserFactory(), batch)
            bases.append(drive(app, State.APPROVED))
    first, second, next_year = bases
    assert (first.recognised_on, next_year.recognised_on) == (date(2025, 3, 3), date(2026, 1, 2))
    assert first.register_number == "闽继教基地〔2025〕001号"
    assert second.register_number == "闽继教基地〔2025〕002号"
    assert next_year.register_number == "闽继教基地〔2026〕001号"
    assert list(Base.objects.order_by("id").values_list("batch", flat=True)) == [batch.pk] * 3


# -- the whole path through the pages --------------------------------------------------------------


PEOPLE = [{"kind": "manager", "name": f"管理员{i}", "degree": "bachelor", "full_time": True} for i in range(5)] + [
    {"kind": "faculty", "name": "讲师甲", "degree": "master", "full_time": False}
]


def test_page_path_each_role_acts_through_its_own_pages(
    institution_user, recommender_user, province_user, batch, client_as, step
):
    inst, rec, prov = client_as(institution_user), client_as(recommender_user), client_as(province_user)
    year = timezone.localdate().year

    # the institution starts a draft from the open batch ...
    response = inst.post(reverse("applications:start", args=[batch.pk]))
    app = Application.objects.get(institution=institution_user.institution)
    assert response.status_code == 302 and response.url == reverse("applications:edit", args=[app.pk])
    assert app.state == State.DRAFT and last_event(app).action == "create"

    # ... fills every field, lists its people, attaches every document and submits, in one POST
    data = edit_data(
        app, submit=True, people=PEOPLE, training_fields=[factories.field("工程技术").pk], **factories.COMPLETE_FIELDS
    )
    for condition in factories.REQUIRED_CONDITIONS:
        data[f"doc_{condition}"] = upload(f"{condition}.pdf")
    with step() as s:
        response = inst.post(reverse("applications:edit", args=[app.pk]), data)
    assert response.status_code == 302, html(response)
    assert response.url == reverse("applications:detail", args=[app.pk])
    app.refresh_from_db()
    assert app.state == State.SUBMITTED and app.teaching_capacity == 200
    assert app.people.count() == 6 and app.documents.filter(replaced_at=None).count() == 11
    assert (last_event(app).action, last_event(app).actor) == ("submit", institution_user)
    assert s.recipients == {recommender_user, institution_user}
    assert recommender_user.email in s.mailed_to

    # the recommender sees it waiting and returns it with a comment
    assert institution_user.institution.name in html(rec.get(reverse("applications:recommender_queue")))
    with step() as s:
        response = rec.post(
            act_url(app, "return_recommender"), act_data("return_recommender", "submitted", "请补充信用证明材料")
        )
    assert response.status_code == 302 and response.url == reverse("applications:recommender_queue")
    app.refresh_from_db()
    assert app.state == State.RETURNED
    ev = last_event(app)
    assert (ev.actor, ev.comment, ev.article) == (recommender_user, "请补充信用证明材料", "第八条第三项")
    assert s.recipients == {institution_user}

    # the institution sees the comment, and its data is still there
    page = html(inst.get(reverse("applications:detail", args=[app.pk])))
    assert "请补充信用证明材料" in page and "退回修改" in page
    page = html(inst.get(reverse("applications:edit", args=[app.pk])))
    assert "申报已被退回修改" in page
    assert 'value="200"' in field_block(page, "teaching_capacity") and "管理员4" in page
    assert page.count("credit.pdf") == 1

    # it submits again: back to the same recommender
    with step() as s:
        response = inst.post(reverse("applications:edit", args=[app.pk]), edit_data(app, submit=True))
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.state == State.SUBMITTED and s.recipients == {recommender_user, institution_user}

    # the recommender recommends
    with step() as s:
        response = rec.post(act_url(app, "recommend"), act_data("recommend", "submitted", "同意推荐"))
    app.refresh_from_db()
    assert app.state == State.RECOMMENDED and s.recipients == {province_user}
    assert (last_event(app).actor, last_event(app).comment) == (recommender_user, "同意推荐")

    # the province starts the review, schedules and records the visit, and approves
    detail = reverse("applications:detail", args=[app.pk])
    with step() as s:
        assert prov.post(act_url(app, "start_review"), act_data("start_review", "recommended")).url == detail
    app.refresh_from_db()
    assert app.state == State.UNDER_REVIEW and s.recipients == {institution_user}

    with step() as s:
        response = prov.post(
            reverse("applications:schedule_visit", args=[app.pk]),
            {
                "schedule_visit-expected_state": "under_review",
                "schedule_visit-scheduled_on": "2025-06-03",
                "schedule_visit-team": "王五、赵六",
            },
        )
    assert response.url == detail
    app.refresh_from_db()
    assert app.state == State.SITE_VISIT and app.site_visit.team == "王五、赵六"
    assert (last_event(app).action, last_event(app).actor) == ("schedule_visit", province_user)
    assert s.recipients == {institution_user}

    response = prov.post(reverse("applications:record_visit", args=[app.pk]), {"findings-findings": "情况属实"})
    assert response.url == detail
    assert SiteVisit.objects.get(application=app).findings == "情况属实"
    assert (last_event(app).action, last_event(app).comment) == ("record_visit", "情况属实")

    factories.ended_notice(app)
    with step() as s:
        response = prov.post(
            reverse("recognition:approve", args=[app.pk]),
            {
                "approve-expected_state": "site_visit",
                "approve-recognised_on": timezone.localdate().isoformat(),
                "approve-comment": "同意认定",
            },
        )
    assert response.status_code == 302 and response.url == detail
    app.refresh_from_db()
    base = Base.objects.get(application=app)
    assert app.state == State.APPROVED
    assert base.register_number == f"闽继教基地〔{year}〕001号"
    assert base.recognised_on == timezone.localdate() and base.batch == batch
    assert s.recipients == {institution_user}

    # the institution sees its base number and date
    page = html(inst.get(detail))
    assert f"闽继教基地〔{year}〕001号" in page and f"{timezone.localdate():%Y年%-m月%-d日}" in page


# -- who may act ------------------------------------------------------------------------------------


def test_recommender_of_another_unit_gets_404_on_an_application_routed_elsewhere(
    draft, institution_user, xiamen_recommender, client_as
):
    services.submit(actor=institution_user, application_id=draft.pk)
    doc = draft.documents.first()
    c = client_as(xiamen_recommender)
    assert c.get(reverse("applications:detail", args=[draft.pk])).status_code == 404
    assert c.get(reverse("applications:download", args=[draft.pk, doc.pk])).status_code == 404
    assert c.post(act_url(draft, "recommend"), act_data("recommend", "submitted")).status_code == 404
    assert (
        c.post(act_url(draft, "return_recommender"), act_data("return_recommender", "submitted", "x")).status_code
        == 404
    )
    assert institution_user.institution.name not in html(c.get(reverse("applications:recommender_queue")))
    with pytest.raises(Exception) as raised:
        services.transition(actor=xiamen_recommender, application_id=draft.pk, action="recommend")
    assert raised.type.__name__ == "Http404"
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED and last_event(draft).action == "submit"


def test_recommender_does_not_see_a_draft_that_was_never_submitted(draft, recommender_user, client_as):
    c = client_as(recommender_user)
    assert c.get(reverse("applications:detail", args=[draft.pk])).status_code == 404
    assert draft.institution.name not in html(c.get(reverse("applications:recommender_queue") + "?state=draft"))


def test_institution_cannot_recommend_its_own_application(draft, institution_user, client_as):
    services.submit(actor=institution_user, application_id=draft.pk)
    before = len(events(draft))
    c = client_as(institution_user)
    response = c.post(act_url(draft, "recommend"), act_data("recommend", "submitted"), follow=True)
    assert "您的角色无权执行此操作" in html(response)
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED and len(events(draft)) == before
    with pytest.raises(RuleViolation, match="无权"):
        services.transition(actor=institution_user, application_id=draft.pk, action="recommend")
    # and the recommender's buttons are not on its page
    page = html(c.get(reverse("applications:detail", args=[draft.pk])))
    assert act_url(draft, "recommend") not in page and act_url(draft, "withdraw") in page


def test_only_the_province_reaches_its_review_pages(draft, institution_user, recommender_user, client_as, drive):
    drive(draft, State.UNDER_REVIEW)
    for user in (institution_user, recommender_user):
        c = client_as(user)
        response = c.post(
            reverse("applications:schedule_visit", args=[draft.pk]),
            {
                "schedule_visit-expected_state": "under_review",
                "schedule_visit-scheduled_on": "2025-06-03",
                "schedule_visit-team": "x",
            },
        )
        assert response.status_code == 404
        assert c.get(reverse("applications:province_queue")).status_code == 404
    draft.refresh_from_db()
    assert draft.state == State.UNDER_REVIEW


@pytest.mark.parametrize(
    "action, state, label",
    [
        ("return_recommender", State.SUBMITTED, "退回修改"),
        ("not_recommend", State.SUBMITTED, "不予推荐"),
        ("return_province", State.UNDER_REVIEW, "退回修改"),
    ],
)
def test_return_and_refusal_need_a_comment_shown_at_the_field(
    action, state, label, draft, recommender_user, province_user, client_as, drive
):
    drive(draft, state)
    before = len(events(draft))
    actor = recommender_user if state == State.SUBMITTED else province_user
    response = client_as(actor).post(act_url(draft, action), act_data(action, state, "   "))
    assert response.status_code == 400
    block = field_block(html(response), f"{action}-comment")
    assert f"请填写{label}的理由或意见。" in block and "errorlist" in block
    draft.refresh_from_db()
    assert draft.state == state and len(events(draft)) == before
    with pytest.raises(RuleViolation, match=f"请填写{label}的理由或意见"):
        services.transition(actor=actor, application_id=draft.pk, action=action, comment="")


def test_over_long_comment_is_refused_at_the_field_and_the_typed_text_is_kept(
    draft, recommender_user, client_as, drive
):
    drive(draft, State.SUBMITTED)
    typed = "意见" * 2501  # 5002 characters; the limit is 5000
    response = client_as(recommender_user).post(
        act_url(draft, "return_recommender"), act_data("return_recommender", "submitted", typed)
    )
    assert response.status_code == 400
    block = field_block(html(response), "return_recommender-comment")
    assert typed in block and "5000" in block
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED


def test_rejection_without_reason_is_refused_and_changes_nothing(draft, province_user, client_as, drive):
    drive(draft, State.UNDER_REVIEW)
    before = len(events(draft))
    response = client_as(province_user).post(
        reverse("applications:reject", args=[draft.pk]),
        {"reject-expected_state": "under_review", "reject-comment": ""},
    )
    assert response.status_code == 400
    assert "请填写不予认定的理由" in html(response)
    draft.refresh_from_db()
    assert draft.state == State.UNDER_REVIEW and not draft.bars.exists() and len(events(draft)) == before
    assert not Hearing.objects.exists()  # no notice of an intended refusal either
    factories.heard(draft, HearingKind.REFUSAL)  # even once heard, a decision needs its reason
    with pytest.raises(RuleViolation, match="请填写不予认定的理由"):
        services.reject(actor=province_user, application_id=draft.pk, reason="  ")


def test_rejection_without_reason_shows_the_message_at_the_reason_field(draft, province_user, client_as, drive):
    drive(draft, State.UNDER_REVIEW)
    response = client_as(province_user).post(
        reverse("applications:reject", args=[draft.pk]),
        {"reject-expected_state": "under_review", "reject-comment": ""},
    )
    block = field_block(html(response), "reject-comment")
    assert "不予认定的理由" in block and "请填写不予认定的理由。" in block


def test_visit_without_date_is_refused_at_the_field_and_the_team_typed_is_kept(draft, province_user, client_as, drive):
    drive(draft, State.UNDER_REVIEW)
    response = client_as(province_user).post(
        reverse("applications:schedule_visit", args=[draft.pk]),
        {
            "schedule_visit-expected_state": "under_review",
            "schedule_visit-scheduled_on": "",
            "schedule_visit-team": "考察组甲乙丙",
        },
    )
    assert response.status_code == 400
    page = html(response)
    assert "请填写考察日期。" in field_block(page, "schedule_visit-scheduled_on")
    assert "考察组甲乙丙" in field_block(page, "schedule_visit-team")
    draft.refresh_from_db()
    assert draft.state == State.UNDER_REVIEW and not SiteVisit.objects.filter(application=draft).exists()


# -- two people, one application ---------------------------------------------------------------------


def test_stale_recommend_form_says_already_handled_and_changes_nothing(
    draft, institution_user, recommender_user, client_as, step
):
    colleague = factories.RecommenderUserFactory()  # same unit (福州)
    services.submit(actor=institution_user, application_id=draft.pk)
    mine = client_as(recommender_user)
    assert 'value="submitted"' in html(mine.get(reverse("applications:detail", args=[draft.pk])))

    services.transition(actor=colleague, application_id=draft.pk, action="return_recommender", comment="缺材料")
    before = len(events(draft))
    with step() as s:
        response = mine.post(act_url(draft, "recommend"), act_data("recommend", "submitted", "同意"), follow=True)
    page = html(response)
    assert "该记录已由他人处理" in page and "当前状态为「退回修改」" in page
    draft.refresh_from_db()
    assert draft.state == State.RETURNED and len(events(draft)) == before and s.notes == []


def test_stale_form_after_resubmission_is_also_refused(draft, institution_user, recommender_user):
    """Expected state no longer matches even though the action would be allowed from the new state."""
    services.submit(actor=institution_user, application_id=draft.pk)
    services.transition(actor=recommender_user, application_id=draft.pk, action="return_recommender", comment="改")
    with pytest.raises(Conflict, match="已由他人处理"):
        services.submit(actor=institution_user, application_id=draft.pk, expected_state=State.DRAFT)
    draft.refresh_from_db()
    assert draft.state == State.RETURNED


def test_stale_rejection_after_visit_was_scheduled_is_refused_with_the_message(draft, province_user, client_as, drive):
    drive(draft, State.SITE_VISIT)
    factories.heard(draft, HearingKind.REFUSAL)  # heard: the POST decides, and the form is a stale one
    before = len(events(draft))
    response = client_as(province_user).post(
        reverse("applications:reject", args=[draft.pk]),
        {"reject-expected_state": "under_review", "reject-comment": "材料不实"},
    )
    assert response.status_code == 400
    assert "该记录已由他人处理" in html(response) and "当前状态为「实地考察」" in html(response)
    draft.refresh_from_db()
    assert draft.state == State.SITE_VISIT and len(events(draft)) == before and not draft.decision_reason


# -- side paths ---------------------------------------------------------------------------------------


def test_institution_withdraws_a_submitted_application(draft, institution_user, recommender_user, client_as, step):
    services.submit(actor=institution_user, application_id=draft.pk)
    c = client_as(institution_user)
    with step() as s:
        response = c.post(act_url(draft, "withdraw"), act_data("withdraw", "submitted"), follow=True)
    assert "已撤回申报" in html(response)
    draft.refresh_from_db()
    assert draft.state == State.WITHDRAWN and draft.decided_at is not None
    ev = last_event(draft)
    assert (ev.action, ev.actor, ev.from_state, ev.article) == (
        "withdraw",
        institution_user,
        State.SUBMITTED,
        "第八条第一项",
    )
    assert recommender_user in s.recipients and recommender_user.email in s.mailed_to
    # withdrawn is an end: nothing more to edit, and a new application may be started
    assert c.get(reverse("applications:edit", args=[draft.pk])).status_code == 302
    with pytest.raises(RuleViolation):
        services.submit(actor=institution_user, application_id=draft.pk)
    assert services.start_application(actor=institution_user, batch=factories.BatchFactory()).state == State.DRAFT


def test_withdrawing_a_never_submitted_draft_tells_no_recommender(draft, institution_user, recommender_user, step):
    with step() as s:
        services.transition(actor=institution_user, application_id=draft.pk, action="withdraw")
    draft.refresh_from_db()
    assert draft.state == State.WITHDRAWN
    assert recommender_user not in s.recipients


def test_recommender_declines_with_reasons_and_the_institution_sees_them(
    draft, institution_user, recommender_user, client_as, step
):
    services.submit(actor=institution_user, application_id=draft.pk)
    with step() as s:
        rec_response = client_as(recommender_user).post(
            act_url(draft, "not_recommend"), act_data("not_recommend", "submitted", "培训规模不足，暂不推荐")
        )
    assert rec_response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == State.NOT_RECOMMENDED
    assert draft.decision_reason == "培训规模不足，暂不推荐" and draft.decided_at is not None
    ev = last_event(draft)
    assert (ev.action, ev.actor, ev.comment) == ("not_recommend", recommender_user, "培训规模不足，暂不推荐")
    assert s.recipients == {institution_user} and "培训规模不足，暂不推荐" in s.mails[0].body
    page = html(client_as(institution_user).get(reverse("applications:detail", args=[draft.pk])))
    assert "不予推荐" in page and "培训规模不足，暂不推荐" in page
    assert reverse("applications:edit", args=[draft.pk]) not in page
    # an end state: the recommender cannot change its mind through the workflow
    with pytest.raises(Conflict):
        services.transition(actor=recommender_user, application_id=draft.pk, action="recommend")


def test_province_return_goes_back_to_the_recommender_on_resubmission(
    draft, institution_user, recommender_user, province_user, client_as, drive, step
):
    drive(draft, State.UNDER_REVIEW)
    with step() as s:
        client_as(province_user).post(
            act_url(draft, "return_province"), act_data("return_province", "under_review", "请补充实训合作协议")
        )
    draft.refresh_from_db()
    assert draft.state == State.RETURNED
    ev = last_event(draft)
    assert (ev.action, ev.actor, ev.comment, ev.article) == (
        "return_province",
        province_user,
        "请补充实训合作协议",
        "第八条第四项",
    )
    assert s.recipients == {institution_user} and s.titles == ["申报被省人社厅退回修改"]
    assert "请补充实训合作协议" in html(
        client_as(institution_user).get(reverse("applications:detail", args=[draft.pk]))
    )

    with step() as s:
        services.submit(actor=institution_user, application_id=draft.pk)
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED
    assert recommender_user in s.recipients and province_user not in s.recipients
    assert draft.institution.name in html(client_as(recommender_user).get(reverse("applications:recommender_queue")))
    # and it must be recommended again before the province sees it
    with pytest.raises(Conflict):
        services.transition(actor=province_user, application_id=draft.pk, action="start_review")


def test_plain_action_url_does_not_run_dedicated_actions(draft, province_user, client_as, drive):
    drive(draft, "visit_recorded")
    c = client_as(province_user)
    assert c.post(act_url(draft, "approve"), act_data("approve", "site_visit")).status_code == 404
    assert c.post(act_url(draft, "no_such_action"), act_data("approve", "site_visit")).status_code == 404
    draft.refresh_from_db()
    assert draft.state == State.SITE_VISIT and not Base.objects.exists()
    assert Notification.objects.filter(title__contains="认定").count() == 0


# -- notifications wait for the commit ------------------------------------------------------------------


def test_notification_email_is_sent_only_after_commit_and_not_at_all_on_rollback(
    draft, institution_user, recommender_user, django_capture_on_commit_callbacks
):
    from django.core import mail
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.submit(actor=institution_user, application_id=draft.pk)
    assert Notification.objects.filter(recipient=recommender_user).count() == 1
    assert mail.outbox == [] and callbacks  # the inbox row is written, the e-mail waits for the commit

    class Boom(Exception):
        pass

    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Boom), transaction.atomic():
        services.transition(actor=recommender_user, application_id=draft.pk, action="recommend")
        raise Boom
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED and Notification.objects.count() == before
    assert not any(m.subject.startswith("待审核") for m in mail.outbox)


def test_timeline_shows_changed_times_in_local_chinese_format(draft, institution_user, client_as):
    services.submit(actor=institution_user, application_id=draft.pk)
    page = html(client_as(institution_user).get(reverse("applications:detail", args=[draft.pk])))
    timeline = page.split('id="timeline"')[1]
    assert "最近提交时间" in timeline
    assert "+00:00" not in timeline
    local = timezone.localtime(Application.objects.get(pk=draft.pk).last_submitted_at)
    assert f"{local:%Y年%-m月%-d日 %H:%M}" in timeline


def test_application_routed_to_an_industry_department_goes_to_that_department_only(
    draft, institution_user, recommender_user, client_as, step
):
    """Art. 8(3): the HR bureau of the city *or* the provincial industry department in charge."""
    department = factories.DepartmentFactory(name="福建省卫生健康委员会")
    dept_recommender = factories.RecommenderUserFactory(region=None, department=department)
    data = edit_data(draft, submit=True, recommender_kind="department", recommender_department=department.pk)
    with step() as s:
        response = client_as(institution_user).post(reverse("applications:edit", args=[draft.pk]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED
    assert (draft.recommender_region, draft.recommender_department) == (None, department)
    assert dept_recommender in s.recipients and recommender_user not in s.recipients
    assert client_as(recommender_user).get(reverse("applications:detail", args=[draft.pk])).status_code == 404
    dept = client_as(dept_recommender)
    assert draft.institution.name in html(dept.get(reverse("applications:recommender_queue")))
    dept.post(act_url(draft, "recommend"), act_data("recommend", "submitted"))
    draft.refresh_from_db()
    assert draft.state == State.RECOMMENDED and last_event(draft).actor == dept_recommender


def test_choosing_a_department_without_naming_it_is_refused_at_the_field(draft, institution_user, client_as):
    data = edit_data(draft, submit=True, recommender_kind="department", recommender_department="")
    response = client_as(institution_user).post(reverse("applications:edit", args=[draft.pk]), data)
    assert "选择由省级行业主管部门推荐时，请选择具体部门。" in field_block(html(response), "recommender_department")
    draft.refresh_from_db()
    assert draft.state == State.DRAFT and draft.recommender_region is not None


def test_titles_built_from_a_batch_name_do_not_repeat_it():
    """Issue 15 (7): "关于公布2026年度省级继续教育基地申报认定的…基地名单的通知" says 申报 and 基地 twice."""
    from applications.models import Batch

    assert Batch(name="2026年度省级继续教育基地申报").short_name == "2026年度"
    assert Batch(name="2026年第一批").short_name == "2026年第一批"
    assert Batch(name="申报").short_name == "申报"
