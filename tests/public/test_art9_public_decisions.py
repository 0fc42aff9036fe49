"""Art. 9, SPEC 2.10: the recognition decision and the published list are formal decisions; the province
publishes them of its own accord (主动公开), while adverse decisions stay with those who may see the record."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from bases import services
from bases.models import Announcement
from core import decisions
from core.models import Decision, DecisionKind
from tests import factories
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(province_user, institution_user):
    """An application approved today through the service: its base is recognised, not yet published."""
    batch = factories.BatchFactory(name="2026年第一批")
    app = factories.ApplicationFactory(
        complete=True,
        batch=batch,
        institution=institution_user.institution,
        state="site_visit",
        submitted_at=timezone.now(),
    )
    factories.SiteVisitFactory(application=app, scheduled_on=batch.opens_on)
    base = services.approve(actor=province_user, application_id=app.pk)
    return app, base


def test_art9_approval_issues_the_recognition_decision_about_the_new_base(approved):
    app, base = approved
    (decision,) = decisions.of(base)
    today = timezone.localdate()
    assert (decision.kind, decision.adverse, decision.addressee) == (
        DecisionKind.RECOGNITION,
        False,
        app.institution.name,
    )
    assert decision.basis == "第八条第四项、第九条"
    assert (decision.decided_on, decision.effective_on) == (today, base.recognised_on)
    assert decision.number == f"闽人社文〔{today.year}〕1号"
    assert app.batch.name in decision.facts and "实地考察" in decision.facts and "公示" in decision.facts
    assert "省级专业技术人员继续教育基地" in decision.body and base.register_number in decision.body
    assert decision.pdf and len(decision.pdf_sha256) == 64


def test_art9_the_recognition_decision_is_linked_for_the_institution_recommender_and_province(
    approved, client_as, institution_user, recommender_user, province_user
):
    app, base = approved
    (decision,) = decisions.of(base)
    pdf = reverse("decision_pdf", args=[decision.pk])
    for user in (institution_user, recommender_user, province_user):
        client = client_as(user)
        page = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
        assert pdf in page and decision.number in page, f"application page of {user.role}"
        base_page = client.get(reverse("bases:detail", args=[base.pk]))
        assert pdf in base_page.content.decode(), f"base page of {user.role}: {base_page.status_code}"
        assert client.get(pdf).status_code == 200, user.role
    assert client_as(factories.InstitutionUserFactory()).get(pdf).status_code == 404


def test_art9_the_published_list_carries_its_decision_number_and_anyone_may_download_it(
    approved, province_user, visitor
):
    app, base = approved
    announcement = services.publish_recognitions(actor=province_user, batch=app.batch)
    (listed,) = decisions.of(announcement)
    assert (listed.kind, listed.adverse, listed.title) == (DecisionKind.RECOGNITION_LIST, False, announcement.title)
    assert base.register_number in listed.body
    assert announcement.body.endswith(f"福建省人力资源和社会保障厅\n{timezone.localdate():%Y年%-m月%-d日}")

    page = visitor.get(reverse("public:announcement", args=[announcement.pk]))
    assert listed.number in visible_text(page)
    response = visitor.get(reverse("public:decision_pdf", args=[listed.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"

    (recognition,) = decisions.of(base)  # the base is published now: its recognition is public too
    public_page = visitor.get(reverse("public:base", args=[base.pk])).content.decode()
    assert reverse("public:decision_pdf", args=[recognition.pk]) in public_page
    assert visitor.get(reverse("public:decision_pdf", args=[recognition.pk])).status_code == 200


def test_art9_an_unpublished_base_s_recognition_is_not_public(approved, visitor):
    _, base = approved
    (decision,) = decisions.of(base)
    assert visitor.get(reverse("public:decision_pdf", args=[decision.pk])).status_code == 404


def test_adverse_decisions_stay_private_even_about_a_published_base(province_user, visitor):
    base = factories.BaseFactory(published_at=timezone.now(), recognised_on=date(2025, 7, 1))
    adverse = decisions.issue(
        kind=DecisionKind.REVOCATION,
        subject=base,
        actor=province_user,
        title="关于撤销基地资格的决定",
        addressee=base.institution.name,
        facts="引发重大舆情。",
        basis="第二十三条第二款第一项",
        body="决定撤销。",
        adverse=True,
    )
    rectification = decisions.issue(
        kind=DecisionKind.RECTIFICATION,
        subject=base,
        actor=province_user,
        title="关于责令限期整改的通知",
        addressee=base.institution.name,
        facts="培训档案不全。",
        basis="第二十三条第一款",
        body="限期整改。",
    )
    for decision in (adverse, rectification):
        assert visitor.get(reverse("public:decision_pdf", args=[decision.pk])).status_code == 404
        page = visitor.get(reverse("public:base", args=[base.pk])).content.decode()
        assert decision.number not in page


def test_issue14_6_a_changed_list_is_not_published_on_an_old_confirmation(approved, province_user, client_as):
    app, _ = approved
    seen = services.recognition_list_draft(app.batch).digest
    late = factories.ApplicationFactory(complete=True, batch=app.batch, state="site_visit")
    factories.SiteVisitFactory(application=late, scheduled_on=app.batch.opens_on)
    services.approve(actor=province_user, application_id=late.pk)

    response = client_as(province_user).post(
        reverse("bases:publish_batch", args=[app.batch.pk]), {"confirm-digest": seen}
    )
    assert response.status_code == 200  # the new preview, with the reason
    assert not Announcement.objects.exists() and not Decision.objects.filter(kind="recognition_list").exists()
    assert "预览后已有变化" in visible_text(response) and late.institution.name in visible_text(response)


def test_issue14_6_the_preview_escapes_what_applicants_typed_and_names_its_parts(approved, province_user, client_as):
    app, base = approved
    type(base).objects.filter(pk=base.pk).update(name='学院<script>alert("x")</script>')

    response = client_as(province_user).get(reverse("bases:publish_batch", args=[app.batch.pk]))

    page = response.content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert '<h1 class="page-title">发布前预览</h1>' in page and 'aria-labelledby="preview-1"' in page
    assert "确认发布" in visible_text(response) and not Announcement.objects.exists()
