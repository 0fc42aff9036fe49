"""Issue 15 (7): a fraud finding (Art. 24) publishes only what the province previewed, word for word: the
announcement of the finding and, when it revokes a live base, the announcement of that revocation. A POST
without the confirmation publishes nothing and shows the preview; a confirmation of other words is refused."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import hearings
from applications.models import Bar, HearingKind, State
from bases.models import Announcement, AnnouncementKind, BaseStatus
from bases.services.publishing import TO_BE_NUMBERED
from core.errors import Conflict
from core.models import Decision, DecisionKind
from supervision import services
from supervision.models import Revocation
from tests import factories
from tests.helpers import fraud_digest, visible_text

pytestmark = pytest.mark.django_db

FACTS = "伪造近三年培训人数证明。"


@pytest.fixture
def recognised(base):
    """The application behind a live base, its institution heard on the intended finding."""
    app = base.application
    app.submitted_at = timezone.now()
    app.save(update_fields=["submitted_at"])
    factories.heard(app, HearingKind.FRAUD)
    return app


@pytest.fixture
def in_review(db):
    app = factories.ApplicationFactory(state=State.UNDER_REVIEW, submitted_at=timezone.now())
    factories.heard(app, HearingKind.FRAUD)
    return app


def find(client, app, *, facts=FACTS, digest=None):
    data = {"fraud-facts": facts, "fraud-response": ""}
    if digest is not None:
        data["fraud-digest"] = digest
    return client.post(reverse("supervision:fraud", args=[app.pk]), data)


def offered_digest(response) -> str:
    return re.search(r'name="fraud-digest" value="([0-9a-f]*)"', response.content.decode()).group(1)


def nothing_published(app):
    app.refresh_from_db()
    assert not app.fraud_finding and not Bar.objects.filter(institution=app.institution).exists()
    assert not Decision.objects.filter(kind=DecisionKind.FRAUD).exists()
    assert not Announcement.objects.exists() and not Revocation.objects.exists()
    assert hearings.pending(app, HearingKind.FRAUD) is not None


def test_the_decision_step_offers_a_preview_first(recognised, province_user, client_as):
    page = visible_text(client_as(province_user).get(reverse("applications:detail", args=[recognised.pk])))
    assert "预览将公布的公告" in page and "确认公告内容并作出弄虚作假认定决定" not in page


def test_a_finding_posted_without_the_confirmation_publishes_nothing_and_shows_the_announcements(
    recognised, province_user, client_as
):
    response = find(client_as(province_user), recognised)
    assert response.status_code == 200
    text = visible_text(response)
    assert "请核对下方将向社会公布的公告内容" in text
    base = recognised.base
    assert f"关于认定{recognised.institution.name}申报材料弄虚作假的公告" in text
    assert f"认定申报（{recognised.batch.name}）中弄虚作假" in text and f"认定申请（{TO_BE_NUMBERED}）" in text
    assert f"关于撤销{base.name}省级继续教育基地资格的公告" in text
    assert f"认定申报材料弄虚作假（{TO_BE_NUMBERED}）：{FACTS}" in text
    assert "确认公告内容并作出弄虚作假认定决定" in text
    assert offered_digest(response) == fraud_digest(recognised, facts=FACTS)
    nothing_published(recognised)
    base.refresh_from_db()
    assert base.status == BaseStatus.ACTIVE


def test_a_finding_confirmed_for_other_words_is_refused_and_the_new_text_shown(recognised, province_user, client_as):
    seen = fraud_digest(recognised, facts="先前预览的事实。")
    response = find(client_as(province_user), recognised, digest=seen)
    text = visible_text(response)
    assert "已有变化" in text and f"认定申报材料弄虚作假（{TO_BE_NUMBERED}）：{FACTS}" in text
    assert offered_digest(response) == fraud_digest(recognised, facts=FACTS)
    nothing_published(recognised)
    with pytest.raises(Conflict):
        services.find_fraud(actor=province_user, application_id=recognised.pk, facts=FACTS, expected_digest=seen)
    nothing_published(recognised)


def test_the_confirmed_finding_publishes_the_previewed_announcements_word_for_word(
    recognised, province_user, client_as
):
    province = client_as(province_user)
    preview = find(province, recognised)
    finding, revocation = preview.context["fraud_drafts"]
    response = find(province, recognised, digest=offered_digest(preview))
    assert response.status_code == 302
    decision = Decision.objects.get(kind=DecisionKind.FRAUD)
    revoked = Revocation.objects.get()
    published = Announcement.objects.get(kind=AnnouncementKind.OTHER)
    assert (published.title, published.body, published.number) == (
        finding.title,
        finding.body.replace(TO_BE_NUMBERED, decision.number),
        decision.number,
    )
    assert list(published.bases.all()) == [recognised.base]
    announced = Announcement.objects.get(kind=AnnouncementKind.REVOCATION)
    # the revocation's own 文号 first, then the finding's, in its reason
    body = revocation.body.replace(TO_BE_NUMBERED, revoked.decision_number, 1).replace(
        TO_BE_NUMBERED, decision.number, 1
    )
    assert (announced.title, announced.body) == (revocation.title, body)
    # the finding bars for good: the revocation announces no three-year limit that would contradict it
    assert "不再受理其认定申请" in announced.body and "（含当日）不再受理" not in announced.body
    assert "（含当日）不再受理" not in revoked.decision.body


def test_a_finding_on_an_application_in_review_previews_and_publishes_its_one_announcement(
    in_review, province_user, client_as
):
    province = client_as(province_user)
    preview = find(province, in_review)
    (finding,) = preview.context["fraud_drafts"]
    assert finding.title in visible_text(preview) and "资格的公告" not in visible_text(preview)
    nothing_published(in_review)
    assert find(province, in_review, digest=offered_digest(preview)).status_code == 302
    decision = Decision.objects.get(kind=DecisionKind.FRAUD)
    published = Announcement.objects.get()
    assert (published.title, published.body) == (finding.title, finding.body.replace(TO_BE_NUMBERED, decision.number))
    in_review.refresh_from_db()
    assert in_review.state == State.REJECTED and in_review.fraud_finding
