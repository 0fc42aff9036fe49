"""Issue 15 (3): the application page shows where the case stands in 申报 → 推荐 → 受理 → 考察 → 公示 → 认定 →
公布, with the day each step was reached, or where it ended early."""

import pytest
from django.utils import timezone

from accounts.models import Role
from applications import selectors, services
from applications.models import State
from tests import factories
from tests.helpers import client_as, visible_text

pytestmark = pytest.mark.django_db


def words(steps):
    return [(s.label, s.words) for s in steps]


def test_a_submitted_application_is_at_recommendation():
    app = factories.ApplicationFactory(complete=True)
    user = app.created_by
    services.submit(actor=user, application_id=app.pk)
    app.refresh_from_db()
    steps = selectors.application_steps(app)
    assert words(steps)[:3] == [("申报", "已完成"), ("推荐", "当前"), ("受理", "未开始")]
    assert steps[0].on == timezone.localdate()


def test_a_withdrawn_application_ends_at_the_step_it_was_in():
    app = factories.ApplicationFactory(complete=True)
    services.submit(actor=app.created_by, application_id=app.pk)
    services.transition(actor=app.created_by, application_id=app.pk, action="withdraw")
    app.refresh_from_db()
    assert words(selectors.application_steps(app)) == [("申报", "已完成"), ("已撤回", "已终止")]


def test_the_step_bar_is_on_the_application_page_in_words():
    app = factories.ApplicationFactory(complete=True)
    services.submit(actor=app.created_by, application_id=app.pk)
    text = visible_text(client_as(app.created_by).get(f"/applications/{app.pk}/"))
    assert "1. 申报 已完成" in text and "2. 推荐 当前" in text and "7. 公布 未开始" in text


def test_a_draft_shows_the_batchs_closing_day_on_its_first_step():
    app = factories.ApplicationFactory()
    steps = selectors.application_steps(app)
    assert steps[0].is_current and f"{app.batch.closes_on:%Y年%-m月%-d日}" in steps[0].note
    assert app.state == State.DRAFT and factories.UserFactory(role=Role.PROVINCE)


def test_art8_3_submission_gives_an_acceptance_number_and_a_receipt_with_the_materials(tmp_path):
    import shutil
    import subprocess

    from django.urls import reverse

    from tests.conftest import need

    app = factories.ApplicationFactory(complete=True)
    services.submit(actor=app.created_by, application_id=app.pk)
    app.refresh_from_db()
    year = timezone.localdate().year
    assert app.acceptance_number == f"SB{year}00001"
    # resubmitting after a return keeps the number
    second = factories.ApplicationFactory(complete=True)
    services.submit(actor=second.created_by, application_id=second.pk)
    second.refresh_from_db()
    assert second.acceptance_number == f"SB{year}00002"

    response = client_as(app.created_by).get(reverse("applications:receipt", args=[app.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "receipt.pdf"
    path.write_bytes(response.content)
    for tool in ("pdffonts", "pdftotext"):
        need(tool, shutil.which(tool) is not None, "install Debian's poppler-utils")
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert all(row.split()[-5] == "yes" for row in fonts.splitlines()[2:]), fonts
    text = "".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split())
    assert app.acceptance_number in text and app.institution.name in text and "佐证材料" in text
    assert app.documents.first().original_name.replace(" ", "") in text
    # a draft has no receipt
    draft = factories.ApplicationFactory()
    assert client_as(draft.created_by).get(reverse("applications:receipt", args=[draft.pk])).status_code == 404


def test_the_print_view_holds_the_form_and_lists_its_attachments():
    from django.urls import reverse

    app = factories.ApplicationFactory(complete=True)
    services.submit(actor=app.created_by, application_id=app.pk)
    app.refresh_from_db()
    text = visible_text(client_as(app.created_by).get(reverse("applications:print", args=[app.pk])))
    assert "省级专业技术人员继续教育基地申报表" in text and app.acceptance_number in text
    assert "管理人员与师资（第七条第三项）" in text and "附件清单" in text
    for document in app.documents.all():
        assert document.original_name in text
    other = factories.InstitutionUserFactory()
    assert client_as(other).get(reverse("applications:print", args=[app.pk])).status_code == 404


def test_issue15_7_a_batch_past_its_closing_day_offers_no_early_closing():
    from datetime import timedelta

    from django.urls import reverse

    from core.errors import RuleViolation

    province = factories.UserFactory(role=Role.PROVINCE)
    ended = factories.BatchFactory(
        opens_on=timezone.localdate() - timedelta(days=30), closes_on=timezone.localdate() - timedelta(days=1)
    )
    page = client_as(province).get(reverse("applications:batches")).content.decode()
    assert reverse("applications:batch_toggle", args=[ended.pk]) not in page
    with pytest.raises(RuleViolation, match="已截止"):
        services.close_batch(actor=province, batch=ended)


def test_issue15_7_a_batch_offers_a_notice_only_with_candidates_and_publication_only_with_unpublished_bases():
    from django.urls import reverse

    from bases import services as bases

    province = factories.UserFactory(role=Role.PROVINCE)
    batch = factories.BatchFactory()
    notice, publish = (reverse(name, args=[batch.pk]) for name in ("recognition:notice_new", "bases:publish_batch"))

    def offered():
        page = client_as(province).get(reverse("applications:batches")).content.decode()
        return notice in page, publish in page

    factories.ApplicationFactory(batch=batch, state=State.UNDER_REVIEW, submitted_at=timezone.now())
    assert offered() == (False, False)  # nothing checked on site, nothing recognised
    factories.SiteVisitFactory(application__batch=batch, noticed=False)
    assert offered() == (True, False)
    factories.BaseFactory(application__batch=batch)
    assert offered() == (True, True)
    bases.publish_recognitions(actor=province, batch=batch)
    assert offered() == (True, False)  # every recognised base published
