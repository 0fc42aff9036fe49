"""The right to be heard (SPEC 2.10; Art. 23, 24): no adverse decision before the party has been told what
is intended and why, and has answered, waived, or let the working-day deadline pass; the decision records
what was said and the province's reply. Fraud can be found whenever it comes to light, a recommending unit
may report it, and an appeal that sets a decision aside gives back what it took."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from applications import hearings
from applications import services as applications
from applications.models import (
    AppealKind,
    AppealState,
    Bar,
    FraudReportState,
    HearingKind,
    HearingState,
    State,
)
from bases import services as bases
from bases.models import BaseStatus
from core.errors import RuleViolation
from core.models import Decision, DecisionKind, TimelineEvent
from supervision import services as supervision
from supervision.models import RevocationGround
from tests import factories
from tests.helpers import client_as, fraud_digest

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    return factories.UserFactory(role=Role.PROVINCE)


def revoke_kwargs(base, **extra):
    return dict(
        base_id=base.pk,
        ground=RevocationGround.PUBLIC_OPINION,
        reason="授课内容出现政治性问题，引发重大舆情。",
        effective_on=timezone.localdate(),
        **extra,
    )


def test_art24_a_revocation_is_refused_until_the_base_has_been_heard(province):
    """Why #8: revocation was one POST, with no notice of the intended decision and no defence."""
    base = factories.BaseFactory()
    with pytest.raises(RuleViolation, match="须先发出告知书"):
        supervision.revoke(actor=province, **revoke_kwargs(base))
    hearing = supervision.propose_revocation(actor=province, **revoke_kwargs(base))
    assert hearing.state == HearingState.OPEN and hearing.notice.kind == DecisionKind.HEARING_NOTICE
    assert TimelineEvent.objects.get(object_id=base.pk, action="hearing_notice").label == "发出拟撤销基地资格事先告知书"
    assert hearing.deadline > timezone.localdate()
    with pytest.raises(RuleViolation, match="陈述申辩期限至"):
        supervision.revoke(actor=province, **revoke_kwargs(base))
    base.refresh_from_db()
    assert base.status == BaseStatus.ACTIVE and not Decision.objects.filter(kind=DecisionKind.REVOCATION).exists()


def test_art24_the_decision_records_the_defence_and_the_reply(province):
    base = factories.BaseFactory()
    factories.heard(base, HearingKind.REVOCATION, statement="舆情系误读，已澄清。")
    with pytest.raises(RuleViolation) as refused:
        supervision.revoke(actor=province, **revoke_kwargs(base))
    assert refused.value.field == "response"
    revocation = supervision.revoke(actor=province, response="澄清不足以消除影响，不予采纳。", **revoke_kwargs(base))
    facts = revocation.decision.facts
    assert "舆情系误读，已澄清。" in facts and "不予采纳" in facts
    hearing = hearings.of(base)[0]
    assert hearing.state == HearingState.DECIDED and hearing.decision == revocation.decision


def test_art24_a_waiver_lets_the_province_decide_at_once(province):
    base = factories.BaseFactory()
    factories.heard(base, HearingKind.REVOCATION)
    revocation = supervision.revoke(actor=province, **revoke_kwargs(base))
    assert "明确表示放弃陈述申辩" in revocation.decision.facts
    base.refresh_from_db()
    assert base.status == BaseStatus.REVOKED


def test_art24_the_statement_period_counts_working_days_and_ends_the_hearing(province, monkeypatch):
    base = factories.BaseFactory()
    monday = date(2026, 11, 30)
    assert hearings.statement_deadline(monday) == date(2026, 12, 7)  # Tue..Fri and the next Monday
    hearing = supervision.propose_revocation(actor=province, **revoke_kwargs(base))
    party = factories.InstitutionUserFactory(institution=base.institution)
    later = hearing.deadline + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a: later)
    with pytest.raises(RuleViolation, match="期限已于"):
        hearings.answer(actor=party, hearing_id=hearing.pk, statement="迟到的申辩")
    revocation = supervision.revoke(
        actor=province, **{**revoke_kwargs(base), "effective_on": later}
    )  # the deadline passed in silence
    assert "未提出陈述申辩" in revocation.decision.facts


def test_art8_4_a_refusal_after_review_is_heard_then_decided_with_a_number(province):
    app = factories.ApplicationFactory(state=State.UNDER_REVIEW, submitted_at=timezone.now())
    staff = client_as(province)
    url = reverse("applications:reject", args=[app.pk])
    staff.post(url, {"reject-expected_state": "under_review", "reject-comment": "培训规模不足"})
    app.refresh_from_db()
    assert app.state == State.UNDER_REVIEW
    hearing = hearings.pending(app, HearingKind.REFUSAL)
    assert hearing is not None and hearing.proposal["reason"] == "培训规模不足"

    institution = client_as(factories.InstitutionUserFactory(institution=app.institution))
    page = institution.get(reverse("applications:hearing", args=[hearing.pk]))
    assert "培训规模不足" in page.content.decode()
    institution.post(
        reverse("applications:hearing", args=[hearing.pk]),
        {"action": "answer", "statement-statement": "近三年培训人数已补充证明。"},
    )
    response = staff.post(
        url,
        {
            "reject-expected_state": "under_review",
            "reject-comment": "培训规模不足",
            "reject-response": "补充证明不实。",
        },
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.state == State.REJECTED
    decision = Decision.objects.get(kind=DecisionKind.REFUSAL, object_id=app.pk)
    assert decision.adverse and "近三年培训人数已补充证明。" in decision.facts
    assert decision.number in staff.get(reverse("applications:detail", args=[app.pk])).content.decode()


def test_art24_fraud_is_found_after_the_institution_withdrew(province):
    """Why #3: withdrawing during review made the fraud finding impossible and the bar avoidable."""
    app = factories.ApplicationFactory(state=State.RECOMMENDED, submitted_at=timezone.now())
    supervision.propose_fraud_finding(actor=province, application_id=app.pk, facts="伪造培训人数证明")
    party = factories.InstitutionUserFactory(institution=app.institution)
    applications.transition(actor=party, application_id=app.pk, action="withdraw")
    app.refresh_from_db()
    assert app.state == State.WITHDRAWN
    # the withdrawal is on record, and the fraud review goes on
    assert TimelineEvent.objects.filter(object_id=app.pk, action="withdrawn_late").exists()
    hearing = hearings.pending(app, HearingKind.FRAUD)
    hearings.waive(actor=party, hearing_id=hearing.pk)
    decision = supervision.find_fraud(
        actor=province,
        application_id=app.pk,
        facts="伪造培训人数证明",
        expected_digest=fraud_digest(app, facts="伪造培训人数证明"),
    )
    app.refresh_from_db()
    assert app.fraud_finding and app.state == State.WITHDRAWN and decision.kind == DecisionKind.FRAUD
    bar = Bar.objects.get(institution=app.institution)
    assert bar.is_permanent and decision.number in bar.reason


def test_art24_fraud_found_after_recognition_revokes_the_base_and_is_announced(province):
    """Why #4: fraud after recognition could only be recorded through /admin/."""
    base = factories.BaseFactory()
    app = base.application
    app.submitted_at = timezone.now()
    app.save()
    factories.heard(app, HearingKind.FRAUD)
    decision = supervision.find_fraud(
        actor=province,
        application_id=app.pk,
        facts="伪造场地租赁合同",
        expected_digest=fraud_digest(app, facts="伪造场地租赁合同"),
    )
    base.refresh_from_db()
    assert base.status == BaseStatus.REVOKED and base.revocation.ground == RevocationGround.FRAUD
    assert Bar.objects.filter(institution=base.institution, last_day=None).exists()
    public = client_as(None).get(reverse("public:announcements"))
    assert "申报材料弄虚作假" in public.content.decode()
    assert decision.number in Decision.objects.get(kind=DecisionKind.FRAUD).number


def test_art24_a_recommender_reports_fraud_and_the_province_confirms_or_dismisses(province):
    app = factories.ApplicationFactory(state=State.UNDER_REVIEW, submitted_at=timezone.now())
    recommender = factories.RecommenderUserFactory(region=app.recommender_region)
    report = supervision.report_fraud(actor=recommender, application_id=app.pk, facts="证明材料印章不一致")
    # the institution never sees the report
    institution = client_as(factories.InstitutionUserFactory(institution=app.institution))
    assert institution.get(reverse("supervision:fraud_report", args=[report.pk])).status_code == 404
    with pytest.raises(RuleViolation):
        supervision.handle_report(actor=province, report_id=report.pk, confirm=False)  # a dismissal gives reasons
    supervision.handle_report(actor=province, report_id=report.pk, confirm=True, note="经核实印章确不一致")
    report.refresh_from_db()
    assert report.state == FraudReportState.CONFIRMED
    hearing = hearings.pending(app, HearingKind.FRAUD)
    assert hearing is not None and "证明材料印章不一致" in hearing.facts


def test_issue15_7_a_report_offers_no_start_of_a_finding_already_under_way_or_made(province):
    """Confirming a report gives notice of the intended finding: with a notice pending, or fraud already
    found, the button was offered and the notice refused."""
    app = factories.ApplicationFactory(state=State.UNDER_REVIEW, submitted_at=timezone.now())
    recommender = factories.RecommenderUserFactory(region=app.recommender_region)
    report = supervision.report_fraud(actor=recommender, application_id=app.pk, facts="证明材料印章不一致")
    url = reverse("supervision:fraud_report", args=[report.pk])
    assert 'name="confirm"' in client_as(province).get(url).content.decode()
    supervision.propose_fraud_finding(actor=province, application_id=app.pk, facts="伪造培训人数证明")
    page = client_as(province).get(url).content.decode()
    assert 'name="confirm"' not in page and 'name="dismiss"' in page
    assert "已就该申报发出拟认定弄虚作假告知书，请在申报页面作出认定。" in page
    with pytest.raises(RuleViolation, match="已就该申报发出拟认定弄虚作假告知书"):
        supervision.handle_report(actor=province, report_id=report.pk, confirm=True)
    hearings.waive(
        actor=factories.InstitutionUserFactory(institution=app.institution),
        hearing_id=hearings.pending(app, HearingKind.FRAUD).pk,
    )
    supervision.find_fraud(
        actor=province,
        application_id=app.pk,
        facts="伪造培训人数证明",
        expected_digest=fraud_digest(app, facts="伪造培训人数证明"),
    )
    page = client_as(province).get(url).content.decode()
    assert 'name="confirm"' not in page and "已认定该申报弄虚作假。" in page
    report.refresh_from_db()
    assert report.state == FraudReportState.SUBMITTED


def test_art23_a_cancellation_the_recommender_asked_for_hears_the_building_unit_first(province):
    base = factories.BaseFactory()
    recommender = factories.RecommenderUserFactory(region=base.application.recommender_region)
    request = supervision.request_cancellation(actor=recommender, base_id=base.pk, reason="连续两年未开展培训")
    with pytest.raises(RuleViolation, match="须先发出告知书"):
        supervision.decide_cancellation(actor=province, request_id=request.pk, grant=True, decision="同意")
    supervision.propose_cancellation(actor=province, request_id=request.pk, effective_on=timezone.localdate())
    hearings.waive(
        actor=factories.InstitutionUserFactory(institution=base.institution),
        hearing_id=hearings.pending(base, HearingKind.CANCELLATION).pk,
    )
    supervision.decide_cancellation(actor=province, request_id=request.pk, grant=True, decision="同意")
    base.refresh_from_db()
    assert base.status == BaseStatus.CANCELLED


def test_an_appeal_that_sets_a_revocation_aside_restores_the_base_and_lifts_the_bar(province):
    base = factories.BaseFactory()
    factories.heard(base, HearingKind.REVOCATION)
    revocation = supervision.revoke(actor=province, **revoke_kwargs(base))
    appeal = hearings.record_appeal(
        actor=province,
        decision_id=revocation.decision_id,
        kind=AppealKind.RECONSIDERATION,
        authority="福建省人民政府",
        filed_on=timezone.localdate(),
    )
    hearings.record_outcome(
        actor=province, appeal_id=appeal.pk, outcome=AppealState.SET_ASIDE, outcome_on=timezone.localdate()
    )
    base.refresh_from_db()
    assert base.status == BaseStatus.ACTIVE and base.revocation is None
    assert not Bar.objects.blocking().filter(institution=base.institution).exists()
    assert TimelineEvent.objects.filter(object_id=base.pk, action="reinstate").exists()
    # and the base may be revoked again, by a new decision
    factories.heard(base, HearingKind.REVOCATION)
    supervision.revoke(actor=province, **revoke_kwargs(base))


def test_an_appeal_that_sets_a_refusal_aside_sends_the_application_back_to_review(province):
    app = factories.ApplicationFactory(state=State.UNDER_REVIEW, submitted_at=timezone.now())
    factories.heard(app, HearingKind.REFUSAL)
    applications.reject(actor=province, application_id=app.pk, reason="不符合第七条")
    decision = Decision.objects.get(kind=DecisionKind.REFUSAL)
    appeal = hearings.record_appeal(
        actor=province,
        decision_id=decision.pk,
        kind=AppealKind.LITIGATION,
        authority="福州市中级人民法院",
        filed_on=timezone.localdate(),
    )
    hearings.record_outcome(actor=province, appeal_id=appeal.pk, outcome="set_aside", outcome_on=timezone.localdate())
    app.refresh_from_db()
    assert app.state == State.UNDER_REVIEW


def test_art23_suspension_waits_a_year_before_revocation_and_warns_a_month_ahead(province, monkeypatch):
    base = factories.BaseFactory(recognised_on=date(2025, 1, 10))
    started = timezone.localdate() - timedelta(days=10)
    suspension = bases.suspend(actor=province, base_id=base.pk, started_on=started, cause="建设单位被合并")
    base.refresh_from_db()
    assert base.status == BaseStatus.SUSPENDED and base.is_live
    assert suspension.decision.kind == DecisionKind.SUSPENSION
    factories.heard(base, HearingKind.REVOCATION)
    with pytest.raises(RuleViolation, match="须满一年"):
        supervision.revoke(actor=province, **{**revoke_kwargs(base), "ground": RevocationGround.SUSPENDED})
    # the warning comes once, a month before the year is up
    assert bases.warn_suspensions_ending(today=suspension.year_up_on - timedelta(days=40)) == 0
    assert bases.warn_suspensions_ending(today=suspension.year_up_on - timedelta(days=30)) == 1
    assert bases.warn_suspensions_ending(today=suspension.year_up_on - timedelta(days=29)) == 0
    later = suspension.year_up_on
    monkeypatch.setattr(timezone, "localdate", lambda *a: later)
    supervision.revoke(
        actor=province,
        **{**revoke_kwargs(base), "ground": RevocationGround.SUSPENDED, "effective_on": later},
    )
    base.refresh_from_db()
    assert base.status == BaseStatus.REVOKED


def test_art23_a_base_suspended_under_rectification_is_restored_to_rectify(province):
    base = factories.BaseFactory(recognised_on=date(2025, 1, 10))
    supervision.order_rectification(
        actor=province, base_id=base.pk, ground="irregular", findings="超标准收费。",
        deadline=timezone.localdate() + timedelta(days=30),
    )  # fmt: skip
    bases.suspend(actor=province, base_id=base.pk, started_on=timezone.localdate(), cause="建设单位改制")
    bases.resume(actor=province, base_id=base.pk, resumed_on=timezone.localdate(), evidence="改制完成")
    base.refresh_from_db()
    assert base.status == BaseStatus.RECTIFYING


def test_art23_restoring_a_suspended_base_needs_evidence(province):
    base = factories.BaseFactory(recognised_on=date(2025, 1, 10))
    bases.suspend(actor=province, base_id=base.pk, started_on=timezone.localdate(), cause="建设单位改制")
    with pytest.raises(RuleViolation):
        bases.resume(actor=province, base_id=base.pk, resumed_on=timezone.localdate(), evidence="")
    bases.resume(
        actor=province, base_id=base.pk, resumed_on=timezone.localdate(), evidence="改制完成，闽国资〔2026〕3号"
    )
    base.refresh_from_db()
    assert base.status == BaseStatus.ACTIVE


def test_art23_the_plaque_check_says_a_suspended_base_has_stopped_work(province):
    base = factories.BaseFactory(recognised_on=date(2025, 1, 10), published_at=timezone.now())
    bases.suspend(actor=province, base_id=base.pk, started_on=timezone.localdate(), cause="建设单位合并")
    page = client_as(None).get(reverse("public:verify_code", args=[base.verification_code]))
    text = page.content.decode()
    assert "匾牌真实有效" in text and "暂停继续教育工作" in text


def test_an_appeal_that_sets_a_suspension_aside_puts_the_base_back_to_work(province):
    base = factories.BaseFactory(recognised_on=date(2025, 1, 10))
    suspension = bases.suspend(actor=province, base_id=base.pk, started_on=timezone.localdate(), cause="合并")
    appeal = hearings.record_appeal(
        actor=province,
        decision_id=suspension.decision_id,
        kind=AppealKind.RECONSIDERATION,
        authority="福建省人民政府",
        filed_on=timezone.localdate(),
    )
    hearings.record_outcome(actor=province, appeal_id=appeal.pk, outcome="set_aside", outcome_on=timezone.localdate())
    base.refresh_from_db()
    assert base.status == BaseStatus.ACTIVE


def test_an_appeal_is_recorded_only_against_an_adverse_decision_and_within_dates(province):
    base = factories.BaseFactory()
    factories.heard(base, HearingKind.REVOCATION)
    revocation = supervision.revoke(actor=province, **revoke_kwargs(base))
    notice = Decision.objects.get(kind=DecisionKind.HEARING_NOTICE)
    with pytest.raises(RuleViolation, match="不利决定"):
        hearings.record_appeal(
            actor=province, decision_id=notice.pk, kind="litigation", authority="法院", filed_on=timezone.localdate()
        )
    with pytest.raises(RuleViolation) as refused:
        hearings.record_appeal(
            actor=province,
            decision_id=revocation.decision_id,
            kind="litigation",
            authority="法院",
            filed_on=timezone.localdate() + timedelta(days=1),
        )
    assert refused.value.field == "filed_on"


def test_only_the_party_and_the_province_see_a_notice_and_the_defence_keeps_what_was_typed(province):
    base = factories.BaseFactory()
    hearing = supervision.propose_revocation(actor=province, **revoke_kwargs(base))
    url = reverse("applications:hearing", args=[hearing.pk])
    stranger = client_as(factories.InstitutionUserFactory())
    assert stranger.get(url).status_code == 404
    assert client_as(factories.RecommenderUserFactory()).get(url).status_code == 404

    party = client_as(factories.InstitutionUserFactory(institution=base.institution))
    bad = party.post(
        url,
        {
            "action": "answer",
            "statement-statement": "舆情已平息，见附件。",
            "statement-files": factories.pdf_file("说明.exe", content=b"MZ\x90\x00 not a pdf"),
        },
    )
    text = bad.content.decode()
    assert "舆情已平息，见附件。" in text and "内容不是允许的类型" in text
    hearing.refresh_from_db()
    assert hearing.state == HearingState.OPEN

    party.post(
        url,
        {
            "action": "answer",
            "statement-statement": "舆情已平息，见附件。",
            "statement-files": factories.pdf_file("说明.pdf"),
        },
    )
    hearing.refresh_from_db()
    assert hearing.state == HearingState.ANSWERED
    document = hearing.documents.get()
    download = reverse("applications:hearing_document", args=[hearing.pk, document.pk])
    assert client_as(province).get(download).status_code == 200
    assert stranger.get(download).status_code == 404
    # a second answer is refused: the defence is on record as given
    again = party.post(url, {"action": "answer", "statement-statement": "补充"})
    assert again.status_code in (200, 400)
    hearing.refresh_from_db()
    assert hearing.statement == "舆情已平息，见附件。"


def test_the_institution_home_shows_the_notice_waiting_for_its_defence(province):
    app = factories.ApplicationFactory(state=State.UNDER_REVIEW, submitted_at=timezone.now())
    hearing = applications.propose_refusal(actor=province, application_id=app.pk, reason="不符合第七条第二项")
    home = client_as(factories.InstitutionUserFactory(institution=app.institution)).get("/")
    text = home.content.decode()
    assert hearing.notice.number in text and reverse("applications:hearing", args=[hearing.pk]) in text


def test_the_province_home_lists_hearings_ready_for_decision_and_reports_to_check(province):
    base = factories.BaseFactory()
    hearing = factories.heard(base, HearingKind.REVOCATION)
    app = factories.ApplicationFactory(state=State.UNDER_REVIEW, submitted_at=timezone.now())
    recommender = factories.RecommenderUserFactory(region=app.recommender_region)
    report = supervision.report_fraud(actor=recommender, application_id=app.pk, facts="印章不一致")
    text = client_as(province).get("/").content.decode()
    assert reverse("applications:hearing", args=[hearing.pk]) in text
    assert reverse("supervision:fraud_report", args=[report.pk]) in text


def test_a_notice_from_a_page_loaded_before_someone_else_acted_is_not_given(province):
    app = factories.ApplicationFactory(state=State.SITE_VISIT, submitted_at=timezone.now())
    response = client_as(province).post(
        reverse("applications:reject", args=[app.pk]),
        {"reject-expected_state": "under_review", "reject-comment": "培训规模不足"},
    )
    assert "已由他人处理" in response.content.decode() or response.status_code == 302
    assert hearings.pending(app, HearingKind.REFUSAL) is None


def test_spec_2_10_announcements_of_revocation_and_fraud_carry_the_number_and_the_signature_block(province):
    from bases.models import Announcement

    base = factories.BaseFactory()
    factories.heard(base, HearingKind.REVOCATION)
    revocation = supervision.revoke(actor=province, **revoke_kwargs(base))
    body = Announcement.objects.get(kind="revocation").body
    assert revocation.decision_number in body
    assert body.endswith(f"福建省人力资源和社会保障厅\n{timezone.localdate():%Y年%-m月%-d日}")
