"""Art. 26, the scored forms: each expert declared on a panel scores every item of the panel — an Art. 7
condition of a site visit, an Art. 20 item of an inspection — on the published scale, with a verdict, a comment
and files; a submitted form is locked, and a correction is a new version that keeps the old one. The province
reads each expert's form and the panel's aggregate (mean, range, the experts' verdicts), with a dissent flagged
when the experts differ by more than the set margin."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core import access
from core.errors import RuleViolation
from core.models import Notification
from experts import selectors, services
from experts.models import ScoreDocument, ScoreSheet
from tests import factories
from tests.helpers import assert_constant_queries, client_as, count_queries, get_ok, visible_text

from .conftest import seated

pytestmark = pytest.mark.django_db

# three of the nine Art. 20 items, as an inspection's panel is formed with them
ITEMS = [
    ["faculty", "师资队伍建设情况", "第二十条"],
    ["facilities", "设施配套情况", "第二十条"],
    ["fees", "继续教育收费标准公开情况", "第二十条"],
]
PANEL_PAGE_QUERIES = 13


@pytest.fixture
def panel(form_panel):
    """A panel of three experts with accounts, each declared free of conflict."""
    for name in ("甲专家", "乙专家", "丙专家"):
        factories.ExpertFactory(name=name, user=factories.ExpertUserFactory(full_name=name))
    panel = form_panel(size=3, seed=7, items=ITEMS)
    for seat in seated(panel):
        services.declare(actor=seat.expert.user, assignment_id=seat.pk)
    return panel


@pytest.fixture
def seats(panel):
    return seated(panel)


def scores(*values, verdict="meets", comment="情况属实"):
    """The scores of the three items, in order, all with one verdict."""
    return {
        code: {"score": Decimal(str(value)), "verdict": verdict, "comment": comment}
        for (code, _, _), value in zip(ITEMS, values, strict=True)
    }


def submit(seat, *values, **kwargs):
    return services.save_sheet(
        actor=seat.expert.user, assignment_id=seat.pk, scores=scores(*values, **kwargs), submit=True
    )


def form_data(*values, verdicts=("meets", "meets", "meets"), action="save", confirm=True):
    data = {"row-TOTAL_FORMS": "3", "row-INITIAL_FORMS": "3", "row-MIN_NUM_FORMS": "3", "row-MAX_NUM_FORMS": "3"}
    for i, (value, verdict) in enumerate(zip(values, verdicts, strict=True)):
        data |= {f"row-{i}-score": str(value), f"row-{i}-verdict": verdict, f"row-{i}-comment": f"第{i + 1}项意见"}
    if confirm:
        data["confirm"] = "on"
    data[action] = "1"
    return data


def text(response) -> str:
    return visible_text(response).replace(" ", "")


def edit_url(seat):
    return reverse("experts:sheet_edit", args=[seat.pk])


# -- filling and submitting ---------------------------------------------------------------------------


def test_the_form_has_one_fieldset_per_item_with_a_labelled_score_verdict_and_comment(seats):
    seat = seats[0]
    html = get_ok(client_as(seat.expert.user), edit_url(seat)).content.decode()
    for i, (_, label, _) in enumerate(ITEMS):
        assert f"{i + 1}. {label}" in html
        for name, word in (("score", "分数"), ("verdict", "结论"), ("comment", "意见")):
            assert f'for="id_row-{i}-{name}">{label}：{word}</label>' in html
    assert "保存草稿" in html and "提交评分表" in html and "提交后评分表锁定" in html


def test_an_expert_saves_a_draft_then_submits_it_and_the_form_is_locked(seats):
    seat = seats[0]
    client = client_as(seat.expert.user)
    response = client.post(edit_url(seat), form_data(8, "", 7, verdicts=("meets", "", "partly")), follow=True)
    assert "评分表已保存为草稿" in text(response)
    sheet = ScoreSheet.objects.get(assignment=seat)
    assert (sheet.version, sheet.state) == (1, "draft")
    assert [r.score for r in sheet.rows.all()] == [Decimal(8), None, Decimal(7)]
    assert 'value="8.0"' in get_ok(client, edit_url(seat)).content.decode()  # the draft comes back to the form

    response = client.post(edit_url(seat), form_data(8, 6.5, 7, action="submit"), follow=True)
    page = text(response)
    assert "评分表第1版已提交，现已锁定" in page and "已锁定，不能修改" in page
    sheet.refresh_from_db()
    assert sheet.state == "submitted" and sheet.submitted_at is not None
    assert [r.score for r in sheet.rows.all()] == [Decimal(8), Decimal("6.5"), Decimal(7)]
    assert [r.comment for r in sheet.rows.all()] == ["第1项意见", "第2项意见", "第3项意见"]


def test_submitting_asks_a_score_and_a_verdict_for_every_item_and_the_confirmation(seats):
    seat = seats[0]
    response = client_as(seat.expert.user).post(
        edit_url(seat), form_data(8, "", 7, verdicts=("meets", "", "meets"), action="submit", confirm=False)
    )
    assert response.status_code == 400
    page = text(response)
    assert "提交前请填写分数。" in page and "提交前请选择结论。" in page and "提交前请勾选确认。" in page
    assert 'value="8"' in response.content.decode()  # the typed input is kept
    assert not ScoreSheet.objects.exists()


def test_a_submitted_form_is_locked_edits_are_refused_in_chinese(seats):
    seat = seats[0]
    sheet = submit(seat, 8, 8, 8)
    with pytest.raises(RuleViolation, match="已提交并锁定，不能修改"):
        services.save_sheet(actor=seat.expert.user, assignment_id=seat.pk, scores=scores(1, 1, 1))
    response = client_as(seat.expert.user).post(edit_url(seat), form_data(1, 1, 1), follow=True)
    assert "已提交并锁定" in text(response)
    assert [r.score for r in sheet.rows.all()] == [Decimal(8)] * 3
    sheet.refresh_from_db()
    assert sheet.state == "submitted"
    # the rules: the page offers no step that would change it
    assert not access.can(seat.expert.user, "edit", sheet)


def test_a_correction_is_version_2_keeping_version_1_and_the_aggregate_counts_version_2(panel, seats):
    seat = seats[0]
    first = submit(seat, 2, 8, 8)
    submit(seats[1], 8, 8, 8)
    assert selectors.panel_aggregate(panel).items[0].mean == Decimal("5.00")
    client = client_as(seat.expert.user)
    correct_url = reverse("experts:sheet_correct", args=[first.pk])
    assert client.post(correct_url, {"reason": ""}).status_code == 400
    response = client.post(correct_url, {"reason": "第一项误录为2分"}, follow=True)
    assert "已生成评分表第2版" in text(response)
    second = ScoreSheet.objects.get(assignment=seat, version=2)
    assert (second.state, second.corrects, second.reason) == ("draft", first, "第一项误录为2分")
    first.refresh_from_db()
    assert first.state == "submitted"  # counted until the correction is submitted
    assert selectors.panel_aggregate(panel).items[0].mean == Decimal("5.00")

    client.post(edit_url(seat), form_data(7, 8, 8, action="submit"))
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.state, second.state) == ("superseded", "submitted")
    assert [r.score for r in first.rows.all()] == [Decimal(2), Decimal(8), Decimal(8)]  # kept as it was
    aggregate = selectors.panel_aggregate(panel)
    assert aggregate.items[0].mean == Decimal("7.50") and aggregate.experts == [seat.expert.name, seats[1].expert.name]
    history = text(get_ok(client, reverse("experts:sheet", args=[second.pk])))
    assert "第2版" in history and "第1版" in history and "已被更正版本取代" in history and "第一项误录为2分" in history


def test_the_province_is_told_of_each_submitted_form_and_when_the_panel_has_scored(panel, seats, province):
    notes = Notification.objects.filter(recipient=province).order_by("id")
    submit(seats[0], 8, 8, 8)
    submit(seats[1], 7, 8, 8)
    assert notes.count() == 2
    first = notes.first()
    assert first.title == f"专家评分表已提交：{panel.case_label}"
    assert f"{seats[0].expert.name}已提交" in first.body and "3名已声明的专家中，已有1名提交评分表。" in first.body
    assert first.url == reverse("experts:panel", args=[panel.pk])

    submit(seats[2], 8, 8, 8)
    assert "已有3名提交评分表，评分已齐，可查看汇总" in notes.last().body
    services.correct_sheet(actor=seats[0].expert.user, sheet_id=seats[0].sheets.get().pk, reason="第一项误录")
    submit(seats[0], 9, 8, 8)
    assert "第2版更正评分表（更正原因：第一项误录）" in notes.last().body and notes.count() == 4


def test_a_saved_draft_tells_nobody(seats, province):
    services.save_sheet(actor=seats[0].expert.user, assignment_id=seats[0].pk, scores=scores(8, 8, 8))
    assert not Notification.objects.filter(recipient=province).exists()


# -- refusals -----------------------------------------------------------------------------------------


def test_a_score_outside_the_scale_is_refused_at_the_field_and_nothing_is_saved(seats):
    seat = seats[0]
    response = client_as(seat.expert.user).post(edit_url(seat), form_data(11, -1, 7))
    assert response.status_code == 400
    page = text(response)
    assert page.count("分数应在0至10分之间。") >= 2
    assert 'value="11"' in response.content.decode()
    assert not ScoreSheet.objects.exists()
    with pytest.raises(RuleViolation, match="分数应在0至10分之间"):
        services.save_sheet(actor=seat.expert.user, assignment_id=seat.pk, scores=scores(11, 5, 5))
    assert not ScoreSheet.objects.exists()  # the transaction left nothing half-saved


def test_the_scale_is_a_setting(seats, settings):
    settings.EXPERT_SCORE_MAX = 100
    sheet = submit(seats[0], 95, 60, 100)
    assert [r.score for r in sheet.rows.all()] == [Decimal(95), Decimal(60), Decimal(100)]


def test_an_expert_who_has_not_declared_may_not_score(form_panel):
    factories.ExpertFactory(name="未声明专家", user=factories.ExpertUserFactory())
    seat = seated(form_panel(size=1, items=ITEMS))[0]
    client = client_as(seat.expert.user)
    response = client.get(edit_url(seat), follow=True)
    assert "须先声明无利害关系" in text(response)
    assert client.post(edit_url(seat), form_data(8, 8, 8)).status_code == 302
    with pytest.raises(RuleViolation, match="须先声明无利害关系"):
        services.save_sheet(actor=seat.expert.user, assignment_id=seat.pk, scores=scores(8, 8, 8))
    assert not ScoreSheet.objects.exists()


def test_an_expert_withdrawn_after_scoring_may_not_submit_and_is_not_counted(panel, seats, province):
    seat = seats[0]
    services.save_sheet(actor=seat.expert.user, assignment_id=seat.pk, scores=scores(8, 8, 8))
    submit(seats[1], 6, 6, 6)
    factories.ExpertFactory(name="替补专家")
    services.withdraw(actor=province, assignment_id=seat.pk, reason="经核查存在利害关系")
    with pytest.raises(RuleViolation):
        services.save_sheet(actor=seat.expert.user, assignment_id=seat.pk, scores=scores(8, 8, 8), submit=True)
    assert selectors.panel_aggregate(panel).experts == [seats[1].expert.name]


def test_another_experts_sheet_answers_404(seats):
    mine, theirs = seats[0], seats[1]
    sheet = submit(theirs, 8, 8, 8)
    client = client_as(mine.expert.user)
    for url in (
        edit_url(theirs),
        reverse("experts:sheet", args=[sheet.pk]),
        reverse("experts:sheet_correct", args=[sheet.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("experts:sheet_correct", args=[sheet.pk]), {"reason": "改"}).status_code == 404
    assert ScoreSheet.objects.count() == 1


def test_files_attached_to_a_sheet_are_read_by_the_expert_and_the_province_only(seats, province):
    mine, other = seats[0], seats[1]
    client = client_as(mine.expert.user)
    data = form_data(8, 8, 8) | {"attachment": factories.pdf_file("考察照片.pdf")}
    client.post(edit_url(mine), data)
    doc = ScoreDocument.objects.get()
    assert doc.original_name == "考察照片.pdf" and doc.sheet.assignment == mine
    url = reverse("experts:sheet_document", args=[doc.sheet_id, doc.pk])
    assert client.get(url).status_code == 200
    assert client_as(province).get(url).status_code == 200
    assert client_as(other.expert.user).get(url).status_code == 404
    assert "考察照片.pdf" in text(get_ok(client, edit_url(mine)))


def test_a_file_that_is_not_an_allowed_kind_is_refused_and_nothing_is_saved(seats):
    seat = seats[0]
    bad = factories.pdf_file("脚本.pdf", content=b"<script>alert(1)</script>")
    response = client_as(seat.expert.user).post(edit_url(seat), form_data(8, 8, 8) | {"attachment": bad})
    assert response.status_code == 400 and "内容不是允许的类型" in text(response)
    assert not ScoreSheet.objects.exists() and not ScoreDocument.objects.exists()


# -- the panel's aggregate ------------------------------------------------------------------------------


def test_the_aggregate_gives_mean_range_verdicts_and_flags_a_dissent_beyond_the_margin(panel, seats):
    submit(seats[0], 9, 8, 6, verdict="meets")
    submit(seats[1], 5, 7, 6, verdict="partly")
    submit(seats[2], 8, "7.5", 6, verdict="meets")
    aggregate = selectors.panel_aggregate(panel)
    faculty, facilities, fees = aggregate.items
    assert (faculty.mean, faculty.low, faculty.high, faculty.spread) == (
        Decimal("7.33"),
        Decimal(5),
        Decimal(9),
        Decimal(4),
    )
    assert faculty.dissent  # 9 − 5 = 4 > 3
    assert faculty.verdict_label == "符合" and faculty.verdict_counts == [("基本符合", 1), ("符合", 2)]
    assert (facilities.mean, facilities.spread, facilities.dissent) == (Decimal("7.50"), Decimal(1), False)
    assert (fees.mean, fees.spread, fees.dissent) == (Decimal("6.00"), Decimal(0), False)
    assert aggregate.dissents == 1 and aggregate.dissent_labels == ["师资队伍建设情况"]
    assert aggregate.mean == Decimal("6.94") and aggregate.total == Decimal("20.83")
    assert aggregate.complete


def test_a_spread_equal_to_the_margin_is_no_dissent_and_the_margin_is_a_setting(panel, seats, settings):
    submit(seats[0], 8, 8, 8)
    submit(seats[1], 5, 8, 8)
    assert not selectors.panel_aggregate(panel).items[0].dissent
    settings.EXPERT_DISSENT_MARGIN = 2
    assert selectors.panel_aggregate(panel).items[0].dissent


def test_on_a_tie_of_verdicts_the_stricter_is_the_panels(panel, seats):
    submit(seats[0], 8, 8, 8, verdict="meets")
    submit(seats[1], 4, 4, 4, verdict="fails")
    assert selectors.panel_aggregate(panel).items[0].verdict_label == "不符合"


def test_the_province_reads_each_experts_form_and_the_aggregate_with_the_dissent_in_words(panel, seats, province):
    submit(seats[0], 9, 8, 6)
    submit(seats[1], 2, 8, 6, verdict="fails", comment="师资不足")
    page = text(get_ok(client_as(province), reverse("experts:panel", args=[panel.pk])))
    assert "专家组评分汇总" in page and "意见分歧1项：师资队伍建设情况" in page
    assert "相差7.0分，超过3分" in page
    assert "尚有专家未提交" in page
    assert "师资不足" in page and seats[0].expert.name in page
    assert f"{seats[2].expert.name}尚未提交" in page


def test_an_expert_reads_its_submitted_versions_from_its_seat(seats):
    seat = seats[0]
    submit(seat, 8, 8, 8)
    page = text(get_ok(client_as(seat.expert.user), reverse("experts:assignment", args=[seat.pk])))
    assert "评分表" in page and "第1版" in page and "已提交" in page


# -- query counts ---------------------------------------------------------------------------------------


def test_the_aggregate_runs_three_queries_however_many_experts_submitted(panel, seats):
    submit(seats[0], 8, 8, 8)
    assert count_queries(lambda: selectors.panel_aggregate(panel))[0] == 3
    submit(seats[1], 5, 7, 6)
    submit(seats[2], 8, 7, 6)
    assert count_queries(lambda: selectors.panel_aggregate(panel))[0] == 3


def test_the_panel_page_runs_a_fixed_number_of_queries_with_one_or_three_forms(panel, seats, province):
    submit(seats[0], 8, 8, 8)
    client = client_as(province)
    url = reverse("experts:panel", args=[panel.pk])

    def grow():
        submit(seats[1], 5, 7, 6)
        sheet = submit(seats[2], 8, 7, 6)
        correction = services.correct_sheet(actor=seats[2].expert.user, sheet_id=sheet.pk, reason="更正")
        submit(seats[2], 7, 7, 6)
        assert correction.version == 2

    assert_constant_queries(lambda: get_ok(client, url), grow, pinned=PANEL_PAGE_QUERIES, warm=True)


def test_the_seat_page_runs_a_fixed_number_of_queries_with_one_or_more_versions(seats):
    seat = seats[0]
    client = client_as(seat.expert.user)
    url = reverse("experts:assignment", args=[seat.pk])
    sheet = submit(seat, 8, 8, 8)

    def grow():
        services.correct_sheet(actor=seat.expert.user, sheet_id=sheet.pk, reason="更正")
        submit(seat, 7, 7, 7)

    assert_constant_queries(lambda: get_ok(client, url), grow, warm=True)


def test_a_tampered_row_count_neither_drops_nor_adds_an_item(seats):
    seat = seats[0]
    client = client_as(seat.expert.user)
    data = form_data(8, 7, 6) | {"row-TOTAL_FORMS": "1", "row-3-score": "9", "row-3-verdict": "meets"}
    client.post(edit_url(seat), data)
    sheet = ScoreSheet.objects.get(assignment=seat)
    assert [(r.code, r.score) for r in sheet.rows.all()] == [
        ("faculty", Decimal(8)),
        ("facilities", Decimal(7)),
        ("fees", Decimal(6)),
    ]
    # a count beyond any formset's bound is refused with the form shown again, not a server error
    assert client.post(edit_url(seat), form_data(1, 1, 1) | {"row-TOTAL_FORMS": "5000"}).status_code == 400
    assert [r.score for r in sheet.rows.all()] == [Decimal(8), Decimal(7), Decimal(6)]
