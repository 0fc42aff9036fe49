"""Art. 19: a base files its report on year Y and its plan for Y+1 together; the province accepts the
filing or returns it with comments. Walked through the pages as the institution and the province, with
the stored state, the timeline, who is told (inbox and e-mail after commit) and the concurrency guard."""

import pytest
from django.urls import reverse

from bases.models import AnnualFiling, FilingPart, FilingState, ServiceForm
from core.models import Notification
from tests import factories

from .conftest import (
    COMPLETE,
    PLAN_ROW,
    REPORT_ROW,
    at,
    complete_filing,
    events,
    field_block,
    filing_post,
    html,
    make_base,
    messages_on,
)

pytestmark = pytest.mark.django_db


def edit_url(filing):
    return reverse("bases:filing_edit", args=[filing.pk])


def detail_url(filing):
    return reverse("bases:filing_detail", args=[filing.pk])


def act_url(filing, action):
    return reverse("bases:filing_act", args=[filing.pk, action])


# -- the whole journey ------------------------------------------------------------------------------------


def test_filing_is_started_saved_submitted_returned_resubmitted_and_accepted_through_the_pages(
    base, inst, province, province2, recommender_user, client_as, clock, step
):
    me, prov, prov2 = client_as(inst), client_as(province), client_as(province2)

    # The institution's filings page offers this year's filing (due 31 December) and last year's, late.
    clock(at(2026, 12, 20, 9, 0))
    page = html(me.get(reverse("bases:filings")))
    assert reverse("bases:filing_start", args=[base.pk, 2026]) in page
    assert "截止2026年12月31日" in page
    assert reverse("bases:filing_start", args=[base.pk, 2027]) not in page

    # Start this year's filing: a draft, with its creation on the timeline.
    response = me.post(reverse("bases:filing_start", args=[base.pk, 2026]))
    filing = AnnualFiling.objects.get(base=base, year=2026)
    assert response.status_code == 302 and response["Location"] == edit_url(filing)
    assert filing.state == FilingState.DRAFT and filing.submitted_at is None
    assert [(e.action, e.actor, e.to_state) for e in events(filing)] == [("create", inst, FilingState.DRAFT)]
    # Starting again opens the same filing rather than a second one.
    me.post(reverse("bases:filing_start", args=[base.pk, 2026]))
    assert AnnualFiling.objects.filter(base=base, year=2026).count() == 1

    # Save a draft with part of the report and one programme row.
    clock(at(2026, 12, 20, 9, 30))
    with step() as s:
        response = me.post(
            edit_url(filing),
            filing_post(
                "draft",
                plan_execution=COMPLETE["plan_execution"],
                trained_total=1500,
                rows=[REPORT_ROW],
            ),
            follow=True,
        )
    assert response.redirect_chain == [(edit_url(filing), 302)]
    assert "草稿已保存。" in messages_on(response)
    filing.refresh_from_db()
    assert (filing.state, filing.plan_execution, filing.trained_total, filing.plan_trainees) == (
        FilingState.DRAFT,
        COMPLETE["plan_execution"],
        1500,
        None,
    )
    assert [(p.part, p.form, p.count, p.trainees) for p in filing.programmes.all()] == [
        (FilingPart.REPORT, ServiceForm.PUBLIC_OR_PROFESSIONAL, 12, 1500)
    ]
    assert s.notes == [] and s.mails == []
    # The saved values come back on the edit page.
    page = html(me.get(edit_url(filing)))
    assert COMPLETE["plan_execution"] in page and 'value="1500"' in page

    # Submitting while incomplete is refused; the message lists every missing part; the draft is kept.
    with step() as s:
        response = me.post(
            edit_url(filing),
            filing_post(
                "draft",
                submit=True,
                plan_execution=COMPLETE["plan_execution"],
                trained_total=1500,
                priority_area_trainees=100,
                rows=[REPORT_ROW],
            ),
        )
    assert response.status_code == 200
    (message,) = [m for m in messages_on(response) if "不能提交" in m]
    assert message.startswith("已保存草稿，但年度报告尚不完整，不能提交：")
    for missing in (
        "请填写收费情况",
        "请填写下一年度计划培训人数",
        "请填写下一年度计划",
        "请按第十三条的服务形式填写下一年度计划举办的培训项目",
    ):
        assert missing in message
    for present in ("请填写年度计划执行情况", "请填写本年度培训专业技术人员人数", "本年度举办的培训项目"):
        assert present not in message
    assert "第十九条" in message
    filing.refresh_from_db()
    assert filing.state == FilingState.DRAFT and filing.priority_area_trainees == 100
    assert [e.action for e in events(filing)] == ["create"]
    assert s.notes == [] and s.mails == []

    # Submit the complete filing: submitted, on the timeline, and every province officer is told.
    clock(at(2026, 12, 21, 16, 45))
    with step() as s:
        response = me.post(edit_url(filing), filing_post("draft", submit=True, rows=[REPORT_ROW, PLAN_ROW], **COMPLETE))
    assert response.status_code == 302 and response["Location"] == detail_url(filing)
    filing.refresh_from_db()
    assert filing.state == FilingState.SUBMITTED
    assert filing.submitted_at == at(2026, 12, 21, 16, 45)
    assert filing.plan_trainees == 1600 and filing.programmes.count() == 2
    ev = events(filing)[-1]
    assert (ev.action, ev.actor, ev.from_state, ev.to_state, ev.article) == (
        "submit",
        inst,
        FilingState.DRAFT,
        FilingState.SUBMITTED,
        "第十九条",
    )
    assert s.recipients == {province, province2}
    assert recommender_user not in s.recipients and inst not in s.recipients
    assert set(s.titles) == {f"年度报告待备案：{base.name}"}
    assert all(n.url == detail_url(filing) for n in s.notes)
    assert s.mailed_to == sorted([province.email, province2.email])
    assert {m.subject for m in s.mails} == {f"年度报告待备案：{base.name}"}
    # Once submitted the institution can no longer edit: the edit page sends it to the filing.
    assert me.get(edit_url(filing))["Location"] == detail_url(filing)

    # The province sees the filing in its queue and may accept or return it.
    assert str(filing.pk) in html(prov.get(reverse("bases:filing_queue")))
    page = html(prov.get(detail_url(filing)))
    assert act_url(filing, "accept") in page and act_url(filing, "return") in page
    assert "予以备案" in page and "退回修改" in page

    # Returning without a comment is refused, with the message at the comment field.
    clock(at(2026, 12, 22, 10, 0))
    with step() as s:
        response = prov.post(act_url(filing, "return"), {"expected_state": "submitted", "comment": "  "})
    assert response.status_code == 400
    assert "请填写退回修改的理由或意见。" in field_block(html(response), "comment")
    filing.refresh_from_db()
    assert filing.state == FilingState.SUBMITTED and filing.decided_at is None
    assert [e.action for e in events(filing)] == ["create", "submit"]
    assert s.notes == []

    # Returning with a comment: returned, the comment on the timeline, the institution told.
    with step() as s:
        response = prov.post(
            act_url(filing, "return"), {"expected_state": "submitted", "comment": "请补充收费总额明细"}
        )
    assert response.status_code == 302 and response["Location"] == reverse("bases:filing_queue")
    filing.refresh_from_db()
    assert filing.state == FilingState.RETURNED and filing.decided_at == at(2026, 12, 22, 10, 0)
    ev = events(filing)[-1]
    assert (ev.action, ev.actor, ev.from_state, ev.to_state, ev.comment) == (
        "return",
        province,
        FilingState.SUBMITTED,
        FilingState.RETURNED,
        "请补充收费总额明细",
    )
    assert [(n.recipient, n.title) for n in s.notes] == [(inst, "年度报告被退回修改")]
    assert "请补充收费总额明细" in s.notes[0].body
    assert s.mailed_to == [inst.email]

    # The institution sees why, and resubmits with the fees detailed.
    page = html(me.get(edit_url(filing)))
    assert "年度报告被退回修改" in page
    assert "请补充收费总额明细" in html(me.get(detail_url(filing)))
    filing.refresh_from_db()
    first_submitted = filing.submitted_at
    clock(at(2026, 12, 23, 11, 0))
    fixed = {**COMPLETE, "fees_charged": "公需科目每人每学时20元，共收费30万元；专业科目每人每学时30元，共收费12万元。"}
    with step() as s:
        response = me.post(edit_url(filing), filing_post("returned", submit=True, rows=[REPORT_ROW, PLAN_ROW], **fixed))
    assert response.status_code == 302
    filing.refresh_from_db()
    # The first submission is the one the 31 December deadline is judged by (Art. 19).
    assert filing.state == FilingState.SUBMITTED and filing.submitted_at == first_submitted is not None
    assert filing.fees_charged == fixed["fees_charged"]
    ev = events(filing)[-1]
    assert (ev.action, ev.from_state, ev.to_state) == ("submit", FilingState.RETURNED, FilingState.SUBMITTED)
    assert s.recipients == {province, province2}

    # Two officers open the filing; the first accepts; the second's return, from the stale page, is refused.
    clock(at(2026, 12, 24, 9, 0))
    with step() as s:
        response = prov.post(act_url(filing, "accept"), {"expected_state": "submitted"})
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.state == FilingState.ACCEPTED and filing.decided_at == at(2026, 12, 24, 9, 0)
    assert [(n.recipient, n.title) for n in s.notes] == [(inst, "年度报告已备案")]
    assert s.mailed_to == [inst.email]

    with step() as s:
        response = prov2.post(act_url(filing, "return"), {"expected_state": "submitted", "comment": "数据有误"})
    assert response.status_code == 400
    assert any("该记录已由他人处理，当前状态为「已备案」" in m for m in messages_on(response))
    filing.refresh_from_db()
    assert filing.state == FilingState.ACCEPTED
    assert s.notes == []

    # The timeline tells the whole story, on the record and on the page.
    assert [(e.action, e.actor) for e in events(filing)] == [
        ("create", inst),
        ("submit", inst),
        ("return", province),
        ("submit", inst),
        ("accept", province),
    ]
    page = html(me.get(detail_url(filing)))
    for label in ("创建年度报告草稿", "提交备案", "退回修改", "予以备案", "依据第十九条", "请补充收费总额明细"):
        assert label in page
    assert "已备案" in page
    # An accepted filing offers no more actions to the province.
    page = html(prov.get(detail_url(filing)))
    assert act_url(filing, "accept") not in page and act_url(filing, "return") not in page


# -- single rules -------------------------------------------------------------------------------------------


def test_next_years_filing_cannot_be_started_before_new_year_in_shanghai(base, inst, client_as, clock):
    me = client_as(inst)
    start_2027 = reverse("bases:filing_start", args=[base.pk, 2027])

    clock(at(2026, 12, 31, 23, 59))
    response = me.post(start_2027, follow=True)
    assert "不能报送2027年度的年度报告。" in messages_on(response)
    assert not AnnualFiling.objects.filter(year=2027).exists()

    clock(at(2027, 1, 1, 0, 0))  # 2026-12-31 16:00 UTC: already 2027 in Fujian
    response = me.post(start_2027)
    filing = AnnualFiling.objects.get(base=base, year=2027)
    assert response["Location"] == edit_url(filing)


def test_a_base_cannot_file_for_a_year_before_its_recognition(inst, base, client_as, clock):
    clock(at(2026, 12, 1))
    response = client_as(inst).post(reverse("bases:filing_start", args=[base.pk, 2024]), follow=True)
    assert "不能报送2024年度的年度报告。" in messages_on(response)
    assert not AnnualFiling.objects.exists()


def test_a_revoked_base_no_longer_files(client_as, clock):
    revoked = make_base(status="revoked")
    clock(at(2026, 12, 1))
    me = client_as(revoked.staff)
    assert reverse("bases:filing_start", args=[revoked.pk, 2026]) not in html(me.get(reverse("bases:filings")))
    response = me.post(reverse("bases:filing_start", args=[revoked.pk, 2026]), follow=True)
    assert "基地资格已撤销或取消，无需再报送年度计划。" in messages_on(response)
    assert not AnnualFiling.objects.exists()


def test_bad_numbers_are_refused_at_the_field_and_the_typed_text_is_kept(base, inst, client_as, clock):
    clock(at(2026, 12, 10))
    filing = factories.AnnualFilingFactory(base=base, year=2026)
    response = client_as(inst).post(
        edit_url(filing),
        filing_post("draft", plan_execution="执行情况良好", trained_total="-5", plan_trainees="一千"),
    )
    assert response.status_code == 200
    page = html(response)
    assert "不能为负数。" in field_block(page, "trained_total")
    assert "请输入非负整数。" in field_block(page, "plan_trainees")
    assert "执行情况良好" in page
    filing.refresh_from_db()
    assert filing.plan_execution == "" and filing.trained_total is None


def test_one_service_form_twice_in_a_part_is_refused(base, inst, client_as, clock):
    clock(at(2026, 12, 10))
    filing = factories.AnnualFilingFactory(base=base, year=2026)
    response = client_as(inst).post(
        edit_url(filing), filing_post("draft", plan_execution="执行", rows=[REPORT_ROW, REPORT_ROW])
    )
    assert any("同一服务形式在同一部分只能填写一行" in m for m in messages_on(response))
    assert filing.programmes.count() == 0


def test_priority_area_trainees_cannot_exceed_the_total(base, inst, client_as, clock):
    clock(at(2026, 12, 10))
    filing = factories.AnnualFilingFactory(base=base, year=2026)
    data = filing_post(
        "draft", submit=True, rows=[REPORT_ROW, PLAN_ROW], **{**COMPLETE, "priority_area_trainees": 2000}
    )
    response = client_as(inst).post(edit_url(filing), data)
    assert any("革命老区等地区学员人数不能超过培训总人数" in m for m in messages_on(response))
    filing.refresh_from_db()
    assert filing.state == FilingState.DRAFT


def test_a_stale_edit_page_cannot_submit_over_a_state_that_moved_on(base, inst, client_as, clock):
    """The page showed a draft; meanwhile the filing was submitted and returned: the stale submit is refused."""
    clock(at(2026, 12, 10))
    filing = complete_filing(base, state="returned")
    response = client_as(inst).post(
        edit_url(filing), filing_post("draft", submit=True, rows=[REPORT_ROW, PLAN_ROW], **COMPLETE)
    )
    assert response.status_code == 200
    assert any("该记录已由他人处理，当前状态为「退回修改」" in m for m in messages_on(response))
    filing.refresh_from_db()
    assert filing.state == FilingState.RETURNED and filing.submitted_at is None
    assert not Notification.objects.exists()


def test_a_province_decision_on_a_stale_page_changes_nothing(base, province, client_as, clock):
    clock(at(2026, 12, 10))
    filing = complete_filing(base, state="submitted")
    response = client_as(province).post(act_url(filing, "accept"), {"expected_state": "returned"})
    assert response.status_code == 400
    assert any("该记录已由他人处理" in m for m in messages_on(response))
    filing.refresh_from_db()
    assert filing.state == FilingState.SUBMITTED and filing.decided_at is None
    assert events(filing) == []


def test_only_accept_and_return_are_actions_of_the_province(base, province, client_as, clock):
    clock(at(2026, 12, 10))
    filing = complete_filing(base, state="submitted")
    assert client_as(province).post(act_url(filing, "submit"), {"expected_state": "submitted"}).status_code == 404
    filing.refresh_from_db()
    assert filing.state == FilingState.SUBMITTED


def test_art19_the_reported_total_cannot_exceed_the_sum_of_its_programmes(base, inst, client_as, clock):
    """Issue 15 (4): the total of an annual report is checked against its programme rows."""
    clock(at(2026, 12, 10))
    filing = factories.AnnualFilingFactory(base=base, year=2026)
    data = filing_post("draft", submit=True, rows=[REPORT_ROW, PLAN_ROW], **{**COMPLETE, "trained_total": 1900})
    response = client_as(inst).post(edit_url(filing), data)
    assert any("本年度培训人数（1900人）超过了各培训项目人数之和（1500人）" in m for m in messages_on(response))
    filing.refresh_from_db()
    assert filing.state == FilingState.DRAFT and filing.trained_total == 1900  # what was typed is kept
