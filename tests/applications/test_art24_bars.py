"""Art. 24 bars and the other refusals of SPEC 2.2: a closed batch, an application already in progress,
an institution that already runs a base."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Application, Bar, BarKind, HearingKind, State
from bases.models import BaseStatus
from core.errors import RuleViolation
from core.models import Decision, DecisionKind
from supervision import services as supervision
from tests import factories
from tests.helpers import fraud_digest

from .conftest import complete_draft, events, last_event

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    """Freeze the clock at a wall-clock time in Asia/Shanghai."""
    return time_machine.travel(datetime(*args, tzinfo=SHANGHAI), tick=False)


def html(response) -> str:
    return response.content.decode()


def preview_digest(response) -> str:
    """The confirmation the fraud finding's preview offers: the digest of the announcements it shows."""
    return re.search(r'name="fraud-digest" value="([0-9a-f]+)"', html(response)).group(1)


# -- fraud: barred for ever ---------------------------------------------------------------------------


def test_rejection_with_fraud_finding_bars_the_institution_for_ever(
    draft, institution_user, province_user, client_as, drive, step
):
    drive(draft, State.UNDER_REVIEW)
    factories.heard(draft, HearingKind.FRAUD)  # the notice of the intended finding; the institution waived
    url, data = reverse("supervision:fraud", args=[draft.pk]), {"fraud-facts": "伪造培训人数证明", "fraud-response": ""}
    preview = client_as(province_user).post(url, data)  # the announcement's text first (issue 15 (7))
    assert preview.status_code == 200 and f"关于认定{draft.institution.name}申报材料弄虚作假的公告" in html(preview)
    assert not Bar.objects.exists()
    with step() as s:
        response = client_as(province_user).post(url, {**data, "fraud-digest": preview_digest(preview)})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == State.REJECTED and draft.fraud_finding and draft.decision_reason == "伪造培训人数证明"
    bar = Bar.objects.get()
    assert (bar.institution, bar.kind, bar.last_day, bar.article, bar.application, bar.reason) == (
        institution_user.institution,
        BarKind.FRAUD,
        None,
        "第二十四条",
        draft,
        f"{Decision.objects.get(kind=DecisionKind.FRAUD).number}：伪造培训人数证明",  # the finding's 文号 (SPEC 2.10)
    )
    assert bar.starts_on == timezone.localdate() and bar.until_text == "永久不再受理"
    reject_ev, bar_ev = events(draft)[-2:]  # the application ended, then the finding (with its bar) recorded
    assert (reject_ev.action, reject_ev.actor, reject_ev.article) == (
        "reject_for_fraud",
        province_user,
        "第二十四条",
    )
    assert (bar_ev.action, bar_ev.article) == ("find_fraud", "第二十四条")
    # the institution's users are told (and, since issue 14, its recommending unit, copied on the decision)
    number = Decision.objects.get(kind=DecisionKind.FRAUD).number  # the facts are in the decision it names
    assert institution_user in s.recipients and any(number in m.body for m in s.mails)

    inst = client_as(institution_user)
    page = html(inst.get(reverse("applications:detail", args=[draft.pk])))
    assert "依据第二十四条不再受理该机构的认定申请" in page
    assert "永久不再受理（依据第二十四条）" in html(inst.get(reverse("home")))

    # a later batch: starting is refused, with the article, through the service and the page
    later = factories.BatchFactory()
    with pytest.raises(RuleViolation) as refused:
        services.start_application(actor=institution_user, batch=later)
    assert refused.value.article == "第二十四条"
    assert refused.value.message == "因申报弄虚作假，不再受理该机构的认定申请"
    response = inst.post(reverse("applications:start", args=[later.pk]), follow=True)
    page = html(response)
    assert "因申报弄虚作假，不再受理该机构的认定申请（第二十四条）" in page
    assert reverse("applications:start", args=[later.pk]) not in page  # no start button offered
    assert Application.objects.filter(institution=institution_user.institution).count() == 1

    # ... and still ten years on
    ten_years_on = time_machine.travel(timezone.now() + timedelta(days=3660), tick=False)
    with ten_years_on, pytest.raises(RuleViolation, match="不再受理"):
        services.start_application(actor=institution_user, batch=factories.BatchFactory())


def test_rejection_without_fraud_finding_bars_nothing(draft, institution_user, province_user, drive):
    drive(draft, State.UNDER_REVIEW)
    factories.heard(draft, HearingKind.REFUSAL)
    services.reject(actor=province_user, application_id=draft.pk, reason="培训规模不足")
    draft.refresh_from_db()
    assert draft.state == State.REJECTED and not draft.fraud_finding
    assert not Bar.objects.exists()
    assert last_event(draft).article == "第八条第四项"
    assert services.start_application(actor=institution_user, batch=factories.BatchFactory()).state == State.DRAFT


def test_a_barred_institution_cannot_submit_a_draft_it_already_had(draft, institution_user):
    factories.BarFactory(institution=institution_user.institution, kind=BarKind.FRAUD)
    with pytest.raises(RuleViolation) as refused:
        services.submit(actor=institution_user, application_id=draft.pk)
    assert refused.value.article == "第二十四条"
    draft.refresh_from_db()
    assert draft.state == State.DRAFT and draft.submitted_at is None


def test_the_edit_page_of_a_barred_institution_says_why_and_keeps_the_draft(draft, institution_user, client_as):
    from .conftest import edit_data

    factories.BarFactory(institution=institution_user.institution, kind=BarKind.FRAUD)
    c = client_as(institution_user)
    response = c.post(
        reverse("applications:edit", args=[draft.pk]), edit_data(draft, submit=True, introduction="修改后的简介")
    )
    page = html(response)
    assert "草稿已保存，但不能提交：因申报弄虚作假，不再受理该机构的认定申请（第二十四条）" in page
    draft.refresh_from_db()
    assert draft.state == State.DRAFT and draft.introduction == "修改后的简介"


# -- revocation: three years, to the day -------------------------------------------------------------


@pytest.fixture
def revoked_2024(institution_user):
    """A bar from a revocation effective 2024-03-01: its last day is 2027-02-28."""
    base = factories.BaseFactory(
        institution=institution_user.institution,
        application=factories.ApplicationFactory(
            institution=institution_user.institution, created_by=institution_user, state=State.APPROVED
        ),
        status=BaseStatus.REVOKED,
        year=2021,
        sequence=7,
    )
    return factories.BarFactory(
        institution=institution_user.institution,
        kind=BarKind.REVOCATION,
        starts_on=date(2024, 3, 1),
        last_day=date(2027, 2, 28),
        base=base,
        reason="整改不合格，撤销基地资格",
    )


@pytest.fixture
def batch_2027(db):
    return factories.BatchFactory(name="2027年批次", year=2027, opens_on=date(2027, 1, 1), closes_on=date(2027, 12, 31))


def test_revocation_bar_refuses_on_its_last_day_at_23_59(revoked_2024, institution_user, batch_2027):
    with at(2027, 2, 28, 23, 59), pytest.raises(RuleViolation) as refused:
        services.start_application(actor=institution_user, batch=batch_2027)
    assert refused.value.article == "第二十四条"
    assert refused.value.message == "因基地资格被撤销，2027年2月28日前（含当日）不受理该机构的认定申请"
    assert revoked_2024.until_text == "2027年2月28日前不再受理（含当日）"


def test_revocation_bar_allows_starting_the_day_after_at_00_00(revoked_2024, institution_user, batch_2027):
    with at(2027, 3, 1, 0, 0):
        app = services.start_application(actor=institution_user, batch=batch_2027)
    assert app.state == State.DRAFT


def test_revocation_bar_refuses_submission_until_its_last_day_and_allows_it_after(
    revoked_2024, institution_user, batch_2027
):
    app = complete_draft(institution_user, batch_2027)
    with at(2027, 2, 28, 23, 59), pytest.raises(RuleViolation, match="2027年2月28日前（含当日）"):
        services.submit(actor=institution_user, application_id=app.pk)
    app.refresh_from_db()
    assert app.state == State.DRAFT
    with at(2027, 3, 1, 0, 0):
        services.submit(actor=institution_user, application_id=app.pk)
    app.refresh_from_db()
    assert app.state == State.SUBMITTED


def test_the_institution_is_told_until_when_it_is_barred(revoked_2024, institution_user, client_as):
    with at(2026, 5, 1, 10, 0):
        page = html(client_as(institution_user).get(reverse("applications:mine")))
    assert "因基地资格被撤销，2027年2月28日前（含当日）不受理该机构的认定申请（第二十四条）" in page


# -- the province's list of bars ---------------------------------------------------------------------


def test_bars_page_lists_bars_in_force_with_their_source(revoked_2024, province_user, client_as, drive):
    with at(2026, 5, 1, 10, 0):
        draft = complete_draft(factories.InstitutionUserFactory(), factories.BatchFactory())
        drive(draft, State.UNDER_REVIEW)
        factories.heard(draft, HearingKind.FRAUD)
        supervision.find_fraud(
            actor=province_user,
            application_id=draft.pk,
            facts="伪造证明",
            expected_digest=fraud_digest(draft, facts="伪造证明"),
        )
        expired = factories.BarFactory(
            kind=BarKind.CANCELLATION, starts_on=date(2020, 1, 1), last_day=date(2023, 1, 1), reason="早已期满"
        )
        page = html(client_as(province_user).get(reverse("applications:bars")))
    assert "伪造证明" in page and "永久不再受理" in page
    assert reverse("applications:detail", args=[draft.pk]) in page and f"申报：{draft.batch.name}" in page
    assert "整改不合格，撤销基地资格" in page and "2027年2月28日前不再受理（含当日）" in page
    assert revoked_2024.base.register_number in page
    assert reverse("bases:detail", args=[revoked_2024.base.pk]) in page
    assert "早已期满" not in page and expired.institution.name not in page
    # once the revocation bar has run out it leaves the list
    with at(2027, 3, 1, 0, 0):
        page = html(client_as(province_user).get(reverse("applications:bars")))
    assert "整改不合格，撤销基地资格" not in page and "伪造证明" in page


def test_bars_page_is_for_the_province_only(institution_user, recommender_user, client_as):
    for user in (institution_user, recommender_user):
        assert client_as(user).get(reverse("applications:bars")).status_code == 404


# -- closed batches --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "batch_kwargs",
    [
        pytest.param({"closed_at": "now"}, id="closed-early"),
        pytest.param({"closes_on": -1}, id="deadline-passed"),
        pytest.param({"opens_on": 1, "closes_on": 10}, id="not-yet-open"),
    ],
)
def test_a_batch_that_is_not_open_refuses_new_drafts_and_submissions(batch_kwargs, institution_user):
    today = timezone.localdate()
    kwargs = {}
    for key, value in batch_kwargs.items():
        kwargs[key] = timezone.now() if value == "now" else today + timedelta(days=value)
    batch = factories.BatchFactory(name="已截止批次", **kwargs)
    with pytest.raises(RuleViolation, match="“已截止批次”当前不在申报时间内，不能填报") as refused:
        services.start_application(actor=institution_user, batch=batch)
    assert refused.value.article == "第八条"
    app = complete_draft(institution_user, batch)  # a draft left over from when it was open
    with pytest.raises(RuleViolation, match="“已截止批次”已不在申报时间内，不能提交"):
        services.submit(actor=institution_user, application_id=app.pk)
    app.refresh_from_db()
    assert app.state == State.DRAFT


def test_closing_a_batch_hides_it_and_refuses_start_through_the_page(institution_user, province_user, client_as):
    batch = factories.BatchFactory(name="立即截止的批次")
    prov, inst = client_as(province_user), client_as(institution_user)
    assert "立即截止的批次" in html(inst.get(reverse("applications:mine")))
    prov.post(reverse("applications:batch_toggle", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.closed_at is not None
    assert "立即截止的批次" not in html(inst.get(reverse("applications:mine")))
    page = html(inst.post(reverse("applications:start", args=[batch.pk]), follow=True))
    assert "当前不在申报时间内，不能填报" in page
    assert not Application.objects.exists()


def test_batch_closing_day_accepts_submission_until_23_59_and_refuses_at_00_00(institution_user):
    batch = factories.BatchFactory(name="截止日批次", year=2025, opens_on=date(2025, 5, 1), closes_on=date(2025, 5, 31))
    late = complete_draft(institution_user, batch)
    with at(2025, 6, 1, 0, 0), pytest.raises(RuleViolation, match="已不在申报时间内"):
        services.submit(actor=institution_user, application_id=late.pk)
    with at(2025, 5, 31, 23, 59):
        services.submit(actor=institution_user, application_id=late.pk)
    late.refresh_from_db()
    assert late.state == State.SUBMITTED


# -- one application at a time, and none for a base ---------------------------------------------------


@pytest.mark.parametrize("state", [State.DRAFT, State.SUBMITTED, State.RETURNED, State.UNDER_REVIEW, State.SITE_VISIT])
def test_an_institution_with_an_application_in_progress_cannot_start_another(state, institution_user):
    factories.ApplicationFactory(institution=institution_user.institution, created_by=institution_user, state=state)
    with pytest.raises(RuleViolation) as refused:
        services.start_application(actor=institution_user, batch=factories.BatchFactory())
    assert refused.value.message == "该机构已有一份正在办理的申报，不能同时提交另一份"
    assert Application.objects.count() == 1


@pytest.mark.parametrize("state", [State.WITHDRAWN, State.NOT_RECOMMENDED, State.REJECTED])
def test_an_institution_whose_application_ended_may_start_again(state, institution_user):
    factories.ApplicationFactory(institution=institution_user.institution, created_by=institution_user, state=state)
    assert services.start_application(actor=institution_user, batch=factories.BatchFactory()).state == State.DRAFT


def test_a_second_draft_cannot_be_submitted_while_another_is_in_progress(institution_user, batch):
    first = complete_draft(institution_user, batch)
    second = complete_draft(institution_user, factories.BatchFactory())
    with pytest.raises(RuleViolation, match="已有一份正在办理的申报"):
        services.submit(actor=institution_user, application_id=second.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == second.state == State.DRAFT


@pytest.mark.parametrize("status", [BaseStatus.ACTIVE, BaseStatus.RECTIFYING])
def test_an_institution_that_runs_a_base_cannot_apply(status, institution_user, client_as):
    factories.BaseFactory(
        institution=institution_user.institution,
        application=factories.ApplicationFactory(
            institution=institution_user.institution, created_by=institution_user, state=State.APPROVED
        ),
        status=status,
    )
    batch = factories.BatchFactory()
    with pytest.raises(RuleViolation) as refused:
        services.start_application(actor=institution_user, batch=batch)
    assert refused.value.message == "该机构已是省级继续教育基地，无需重复申报"
    page = html(client_as(institution_user).get(reverse("applications:mine")))
    assert "该机构已是省级继续教育基地，无需重复申报（第八条）" in page
    assert reverse("applications:start", args=[batch.pk]) not in page


def test_an_approved_institution_is_refused_a_new_application(draft, institution_user, drive):
    drive(draft, State.APPROVED)
    with pytest.raises(RuleViolation, match="已是省级继续教育基地"):
        services.start_application(actor=institution_user, batch=factories.BatchFactory())
