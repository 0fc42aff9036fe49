"""Art. 23 second list (3): the base's institution or its recommending unit asks for the base to be cancelled;
the province grants (the base is cancelled on the effective date; whether the institution is barred for 3
years is the province's ruling, Art. 24) or refuses with a reason. One request may be pending at a time (SPEC 2.7)."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from applications.models import Bar, BarKind, HearingKind
from bases.models import Announcement, AnnouncementKind, BaseStatus
from bases.services.publishing import TO_BE_NUMBERED
from supervision import services
from supervision.models import CancellationRequest, RequestState, RevocationGround
from tests import factories
from tests.helpers import visible_text

from .conftest import at, listed, listed_bases, new_notifications

pytestmark = pytest.mark.django_db


def ask(client, base, reason="机构业务调整，不再开展继续教育。"):
    return client.post(reverse("supervision:cancellation_new", args=[base.pk]), {"reason": reason})


def decide(client, request, **data):
    return client.post(reverse("supervision:cancellation", args=[request.pk]), data)


def offered_digest(response) -> str:
    return re.search(r'name="digest" value="([0-9a-f]+)"', response.content.decode()).group(1)


def grant(client, request, **data):
    """Grant as the page does: the announcement's preview first, then its confirmation (issue 15 (7))."""
    preview = decide(client, request, grant="1", **data)
    assert "请核对下方将向社会公布的公告内容" in visible_text(preview)
    for value in data.values():
        if hasattr(value, "seek"):
            value.seek(0)  # the file is posted again with the confirmation
    return decide(client, request, grant="1", digest=offered_digest(preview), **data)


@pytest.mark.parametrize("who", ["institution", "recommender"])
def test_the_institution_and_its_recommending_unit_may_each_ask_for_cancellation(
    who, base, institution_user, recommender_user, province_user, client_as
):
    actor = {"institution": institution_user, "recommender": recommender_user}[who]
    page = client_as(actor).get(reverse("bases:detail", args=[base.pk]))
    assert reverse("supervision:cancellation_new", args=[base.pk]) in page.content.decode()

    with new_notifications() as n:
        response = ask(client_as(actor), base)

    request = CancellationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("supervision:cancellation", args=[request.pk])
    assert (request.base, request.requested_by, request.requester_role, request.state) == (
        base,
        actor,
        Role(who),
        RequestState.SUBMITTED,
    )
    assert request.reason == "机构业务调整，不再开展继续教育。"
    assert n.recipients == {province_user} and n.titles == [f"取消资格申请：{base.name}"]
    assert actor.organisation_name in n.notes[0].body
    base.refresh_from_db()
    assert base.status == BaseStatus.ACTIVE  # nothing changes until the province decides

    text = visible_text(client_as(province_user).get(reverse("supervision:cancellation", args=[request.pk])))
    assert f"申请方： {actor.organisation_name}" in text and "同意取消" in text and "不予取消" in text


def test_a_recommender_of_another_unit_gets_404_and_files_nothing(base, xiamen_recommender, client_as):
    other = client_as(xiamen_recommender)

    assert other.get(reverse("supervision:cancellation_new", args=[base.pk])).status_code == 404
    assert ask(other, base).status_code == 404
    assert not CancellationRequest.objects.exists()


def test_another_institution_gets_404(base, other_institution_user, client_as):
    assert ask(client_as(other_institution_user), base).status_code == 404
    assert not CancellationRequest.objects.exists()


def test_a_request_needs_a_reason(base, institution_user, client_as):
    response = ask(client_as(institution_user), base, reason="")

    assert "请写明申请取消的理由。" in visible_text(response)
    assert not CancellationRequest.objects.exists()


def test_only_one_request_may_be_pending_at_a_time(base, institution_user, recommender_user, province_user, client_as):
    ask(client_as(institution_user), base)

    response = ask(client_as(recommender_user), base, reason="推荐单位也申请取消。")

    assert response.status_code == 200
    assert "已有一份取消申请待省人社厅决定。" in visible_text(response)
    assert CancellationRequest.objects.count() == 1

    services.decide_cancellation(
        actor=province_user, request_id=CancellationRequest.objects.get().pk, grant=False, decision="理由不充分。"
    )
    assert ask(client_as(recommender_user), base, reason="推荐单位再次申请。").status_code == 302
    assert CancellationRequest.objects.count() == 2


def test_the_province_refuses_only_with_a_reason_and_the_requester_is_told(
    base, recommender_user, province_user, client_as
):
    ask(client_as(recommender_user), base)
    request = CancellationRequest.objects.get()
    province = client_as(province_user)

    response = decide(province, request, refuse="1", decision="")
    assert "不予取消的，请写明理由。" in visible_text(response)
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED

    with new_notifications() as n:
        response = decide(province, request, refuse="1", decision="该基地仍在正常开展培训。")

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == RequestState.REFUSED and request.decision == "该基地仍在正常开展培训。"
    assert request.decided_at is not None
    assert n.recipients == {recommender_user} and "该基地仍在正常开展培训。" in n.notes[0].body
    base.refresh_from_db()
    assert base.status == BaseStatus.ACTIVE and not Bar.objects.exists()


def test_granting_needs_an_effective_date(base, institution_user, province_user, client_as):
    ask(client_as(institution_user), base)
    request = CancellationRequest.objects.get()

    response = decide(client_as(province_user), request, grant="1", decision="同意。", effective_on="")

    text = visible_text(response)
    assert "同意取消时请填写生效日期。" in text
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED


def test_art23_24_a_granted_request_of_the_building_unit_cancels_the_base_on_its_date_without_a_bar(
    base, institution_user, recommender_user, province_user, client_as, client
):
    with at(2026, 5, 20, 10, 0):
        ask(client_as(institution_user), base)
        request = CancellationRequest.objects.get()
        page = client_as(province_user).get(reverse("supervision:cancellation", args=[request.pk]))
        assert re.search(r'value="no"[^>]*checked', page.content.decode())  # the default ruling
        response = grant(
            client_as(province_user),
            request,
            decision="同意该机构主动申请取消。",
            effective_on="2026-06-01",
            document=factories.pdf_file("取消决定.pdf"),
            apply_bar="no",
        )
        assert response.status_code == 302
        request.refresh_from_db()
        assert request.state == RequestState.GRANTED
        # Decided on 20 May, effective 1 June: until then the base keeps its recognition (SPEC 2.7).
        base.refresh_from_db()
        assert base.status == BaseStatus.ACTIVE and base.revocation.is_pending
        verify = visible_text(client.get(reverse("public:verify_code", args=[base.verification_code])))
        assert "匾牌真实有效" in verify and "省人社厅已决定自2026年6月1日起取消该基地资格" in verify

    with at(2026, 6, 1, 0, 1):
        assert services.revocations_take_effect(today=date(2026, 6, 1)) == 1
        assert services.revocations_take_effect(today=date(2026, 6, 1)) == 0  # idempotent
    base.refresh_from_db()
    assert base.status == BaseStatus.CANCELLED and base.status_changed_on == date(2026, 6, 1)
    revocation = base.revocation
    assert (revocation.ground, revocation.article, revocation.cancellation_request) == (
        RevocationGround.REQUESTED,
        "第二十三条第二款第三项",
        request,
    )
    assert revocation.is_cancellation and not revocation.is_pending
    # Art. 24 bars institutions whose base was revoked; the building unit's own request bars nothing.
    assert not revocation.bars and "不适用" in revocation.bar_ruling
    assert not Bar.objects.filter(institution=institution_user.institution).exists()
    announcement = Announcement.objects.get(kind=AnnouncementKind.REVOCATION)
    assert announcement.title == f"关于取消{base.name}省级继续教育基地资格的公告"
    assert "不适用第二十四条不再受理的规定" in announcement.body

    register = reverse("public:register")
    assert base.pk not in listed_bases(client.get(register))
    assert listed_bases(client.get(register, {"status": "cancelled"})) == [base.pk]
    verify = visible_text(client.get(reverse("public:verify_code", args=[base.verification_code])))
    assert "匾牌真实，但该基地资格已取消" in verify

    # nothing more to decide, and no new request for a base that is gone
    page = client_as(province_user).get(reverse("supervision:cancellation", args=[request.pk]))
    assert "状态： 同意取消" in visible_text(page) and 'name="grant"' not in page.content.decode()
    assert ask(client_as(institution_user), base).status_code == 200
    assert CancellationRequest.objects.count() == 1


def test_art24_a_cancellation_the_recommending_unit_asked_for_bars_for_three_years_by_default(
    base, institution_user, recommender_user, province_user, client_as
):
    with at(2026, 5, 20, 10, 0):
        ask(client_as(recommender_user), base, reason="该基地连续两年未完成培训任务。")
        request = CancellationRequest.objects.get()
        factories.heard(base, HearingKind.CANCELLATION)  # adverse: the institution is heard first (SPEC 2.10)
        grant(
            client_as(province_user),
            request,
            decision="同意推荐单位的申请。",
            effective_on="2026-05-20",
        )
    base.refresh_from_db()
    assert base.status == BaseStatus.CANCELLED and base.revocation.bars
    bar = Bar.objects.get(institution=institution_user.institution)
    assert (bar.kind, bar.starts_on, bar.last_day) == (BarKind.CANCELLATION, date(2026, 5, 20), date(2029, 5, 20))


def test_art24_a_ruling_against_the_default_must_say_why(base, institution_user, province_user, client_as):
    with at(2026, 5, 20, 10, 0):
        ask(client_as(institution_user), base)
        request = CancellationRequest.objects.get()
        response = grant(
            client_as(province_user), request, decision="同意。", effective_on="2026-05-20", apply_bar="yes"
        )
    assert response.status_code == 200
    assert "与默认做法不同的，请写明是否适用不再受理的理由。" in visible_text(response)
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED and "同意。" in response.content.decode()


def test_only_the_province_decides(base, institution_user, recommender_user, client_as):
    ask(client_as(institution_user), base)
    request = CancellationRequest.objects.get()

    for user in (institution_user, recommender_user):
        response = decide(client_as(user), request, grant="1", effective_on="2026-06-01")
        assert response.status_code == 404
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED


def test_the_request_list_shows_each_party_only_its_own(
    base,
    other_base,
    institution_user,
    other_institution_user,
    recommender_user,
    xiamen_recommender,
    province_user,
    client_as,
):
    mine = services.request_cancellation(actor=institution_user, base_id=base.pk, reason="业务调整。")
    theirs = services.request_cancellation(actor=other_institution_user, base_id=other_base.pk, reason="撤并。")
    url = reverse("supervision:cancellations")

    assert listed(client_as(institution_user).get(url), "cancellations/") == [mine.pk]
    assert listed(client_as(recommender_user).get(url), "cancellations/") == [mine.pk]
    assert listed(client_as(xiamen_recommender).get(url), "cancellations/") == [theirs.pk]
    assert sorted(listed(client_as(province_user).get(url), "cancellations/")) == sorted([mine.pk, theirs.pk])
    assert client_as(other_institution_user).get(reverse("supervision:cancellation", args=[mine.pk])).status_code == 404
    assert client_as(xiamen_recommender).get(reverse("supervision:cancellation", args=[mine.pk])).status_code == 404


def test_issue15_7_a_grant_publishes_only_the_announcement_the_province_previewed(
    base, institution_user, province_user, client_as
):
    ask(client_as(institution_user), base)
    request = CancellationRequest.objects.get()
    province = client_as(province_user)
    page = visible_text(province.get(reverse("supervision:cancellation", args=[request.pk])))
    assert f"关于取消{base.name}省级继续教育基地资格的公告" in page and "保存后分配" in page
    data = {"decision": "同意该机构主动申请取消。", "effective_on": timezone.localdate().isoformat(), "apply_bar": "no"}
    # no confirmation: nothing is decided or published, and the preview of what was posted is shown
    response = decide(province, request, grant="1", **data)
    text = visible_text(response)
    assert "请核对下方将向社会公布的公告内容" in text and "同意该机构主动申请取消。" in text
    draft = services.cancellation_draft(request, decision=data["decision"], bars=False)
    assert offered_digest(response) == draft.digest
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED and not Announcement.objects.exists()
    # the text changed after the preview: refused, the new text shown with its digest
    seen = services.cancellation_draft(request, decision="先前预览的意见。", bars=False).digest
    response = decide(province, request, grant="1", digest=seen, **data)
    assert "已有变化" in visible_text(response) and offered_digest(response) == draft.digest
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED and not Announcement.objects.exists()
    # confirmed: the announcement reads as previewed, with the decision's 文号
    response = decide(province, request, grant="1", digest=draft.digest, **data)
    assert response.status_code == 302
    revocation = base.revocations.get()
    published = Announcement.objects.get(kind=AnnouncementKind.REVOCATION)
    assert (published.title, published.body) == (
        draft.title,
        draft.body.replace(TO_BE_NUMBERED, revocation.decision_number),
    )


def test_issue15_7_the_requesting_party_sees_no_preview_and_no_decision_buttons(base, institution_user, client_as):
    ask(client_as(institution_user), base)
    request = CancellationRequest.objects.get()
    page = client_as(institution_user).get(reverse("supervision:cancellation", args=[request.pk])).content.decode()
    assert "保存后分配" not in page and 'name="grant"' not in page and 'name="refuse"' not in page
