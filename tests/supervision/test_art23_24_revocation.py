"""Art. 23 (revocation) and Art. 24 (the 3-year bar): a revoked base leaves the active register but stays findable
as revoked, its plaque verifies as 已撤销, an announcement is published, and its institution may not apply until
the last day of the three years, inclusive (SPEC 2.7, 2.8)."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import hearings, rules
from applications import services as applications
from applications.models import Application, Bar, BarKind, HearingKind
from bases import services as bases
from bases.models import Announcement, AnnouncementKind, BaseStatus
from core.errors import RuleViolation
from core.periods import last_day_of_years
from supervision import services
from supervision.models import REVOCATION_ARTICLES, Revocation, RevocationGround, SupervisionDocument
from tests import factories
from tests.helpers import revocation_digest, visible_text

from .conftest import at, listed_bases, new_notifications, order

pytestmark = pytest.mark.django_db

EFFECTIVE = date(2026, 3, 10)
LAST_DAY = date(2029, 3, 10)


def failed_order(province, institution_user, base):
    """A rectification order whose report the province did not pass."""
    the_order = order(province, base, deadline=timezone.localdate() + timedelta(days=30))
    services.report_rectification(actor=institution_user, order_id=the_order.pk, report="已整改。")
    services.verify_rectification(actor=province, order_id=the_order.pk, passed=False, comment="仍未达到要求。")
    return the_order


GROUNDS = [RevocationGround.PUBLIC_OPINION, RevocationGround.SUSPENDED, RevocationGround.FAILED_RECTIFICATION]


@pytest.mark.parametrize("ground", GROUNDS)
def test_revocation_ends_the_base_bars_the_institution_for_three_years_and_is_announced(
    ground, base, province_user, institution_user, recommender_user, client
):
    if ground == RevocationGround.SUSPENDED:  # a year suspended without restoration
        with at(2025, 3, 10, 10, 0):
            bases.suspend(actor=province_user, base_id=base.pk, started_on=date(2025, 3, 10), cause="建设单位撤并。")
    with at(2026, 3, 10, 10, 0):
        the_order = failed_order(province_user, institution_user, base) if ground == "failed_rectification" else None
        factories.heard(base, HearingKind.REVOCATION)
        with new_notifications() as n:
            revocation = services.revoke(
                actor=province_user,
                base_id=base.pk,
                ground=ground,
                reason="经核实，情况属实。",
                effective_on=EFFECTIVE,
                document=factories.pdf_file("撤销决定.pdf"),
                rectification_id=the_order.pk if the_order else None,
            )

    base.refresh_from_db()
    assert base.status == BaseStatus.REVOKED and base.status_changed_on == EFFECTIVE
    # the notice of the intended revocation takes a number before it (SPEC 2.10); after a failed
    # rectification, the order and the verification took the first two
    number = "闽人社文〔2026〕4号" if the_order else "闽人社文〔2026〕2号"
    assert (revocation.ground, revocation.article, revocation.effective_on, revocation.decision_number) == (
        ground,
        REVOCATION_ARTICLES[ground],
        EFFECTIVE,
        number,
    )
    assert SupervisionDocument.objects.get(revocation=revocation).original_name == "撤销决定.pdf"
    # The portal numbered the decision and issued its document (SPEC 2.10).
    decision = revocation.decision
    assert (decision.number, decision.subject, decision.effective_on, decision.adverse) == (
        number,
        base,
        EFFECTIVE,
        True,
    )
    assert decision.pdf.read().startswith(b"%PDF")

    bar = Bar.objects.get(institution=institution_user.institution)
    assert (bar.kind, bar.starts_on, bar.last_day, bar.base, bar.article) == (
        BarKind.REVOCATION,
        EFFECTIVE,
        LAST_DAY,
        base,
        "第二十四条",
    )
    assert bar.last_day == last_day_of_years(revocation.effective_on, 3)

    announcement = Announcement.objects.get(kind=AnnouncementKind.REVOCATION)
    assert announcement.base == base and list(announcement.bases.all()) == [base]
    assert announcement.title == f"关于撤销{base.name}省级继续教育基地资格的公告"
    assert "自2026年3月10日起撤销" in announcement.body and number in announcement.body
    assert "2029年3月10日前（含当日）不再受理该机构的认定申请" in announcement.body
    # the institution's users (with the one who waived the hearing) and the recommending unit
    assert n.recipients == {*institution_user.institution.users.all(), recommender_user}

    register = reverse("public:register")
    assert base.pk not in listed_bases(client.get(register))
    assert listed_bases(client.get(register, {"status": "revoked"})) == [base.pk]
    assert base.pk in listed_bases(client.get(register, {"status": "all"}))
    verify = visible_text(client.get(reverse("public:verify_code", args=[base.verification_code])))
    assert "匾牌真实，但该基地资格已撤销" in verify
    assert "当前状态 已撤销（2026年3月10日起）" in verify
    public_page = visible_text(client.get(reverse("public:base", args=[base.pk])))
    assert "已撤销" in public_page and announcement.title in public_page


def test_the_institution_may_not_apply_until_and_including_the_last_day_and_may_the_day_after(
    base, province_user, institution_user
):
    with at(2026, 3, 10, 10, 0):
        factories.heard(base, HearingKind.REVOCATION)
        services.revoke(
            actor=province_user,
            base_id=base.pk,
            ground=RevocationGround.PUBLIC_OPINION,
            reason="授课内容引发重大舆情。",
            effective_on=EFFECTIVE,
        )
    batch = factories.BatchFactory(opens_on=date(2029, 3, 1), closes_on=date(2029, 3, 31))

    with at(2029, 3, 10, 23, 59), pytest.raises(RuleViolation) as refused:
        applications.start_application(actor=institution_user, batch=batch)
    assert refused.value.message == "因基地资格被撤销，2029年3月10日前（含当日）不受理该机构的认定申请"
    assert refused.value.article == "第二十四条"
    assert not Application.objects.filter(batch=batch).exists()
    assert rules.eligibility_problems(institution_user.institution, today=LAST_DAY)

    with at(2029, 3, 11, 0, 0):
        app = applications.start_application(actor=institution_user, batch=batch)
    assert app.institution == institution_user.institution and app.batch == batch
    assert (
        rules.eligibility_problems(
            institution_user.institution, today=date(2029, 3, 11), excluding_application_id=app.pk
        )
        == []
    )


def test_the_start_page_tells_a_barred_institution_until_when(base, province_user, institution_user, client_as):
    with at(2026, 3, 10, 10, 0):
        factories.heard(base, HearingKind.REVOCATION)
        services.revoke(
            actor=province_user,
            base_id=base.pk,
            ground=RevocationGround.PUBLIC_OPINION,
            reason="单位撤并，无法恢复。",
            effective_on=EFFECTIVE,
        )
    batch = factories.BatchFactory(opens_on=date(2027, 1, 1), closes_on=date(2027, 1, 31))

    with at(2027, 1, 10, 9, 0):
        response = client_as(institution_user).post(reverse("applications:start", args=[batch.pk]), follow=True)

    assert "因基地资格被撤销，2029年3月10日前（含当日）不受理该机构的认定申请（第二十四条）" in visible_text(response)
    assert not Application.objects.filter(batch=batch).exists()


def test_a_revocation_effective_on_29_february_bars_until_28_february_three_years_later(
    base, province_user, institution_user
):
    with at(2028, 2, 29, 10, 0):
        factories.heard(base, HearingKind.REVOCATION)
        services.revoke(
            actor=province_user,
            base_id=base.pk,
            ground=RevocationGround.PUBLIC_OPINION,
            reason="单位撤并。",
            effective_on=date(2028, 2, 29),
        )

    bar = Bar.objects.get(institution=institution_user.institution)
    assert bar.last_day == date(2031, 2, 28)
    assert rules.eligibility_problems(institution_user.institution, today=date(2031, 2, 28))
    assert rules.eligibility_problems(institution_user.institution, today=date(2031, 3, 1)) == []


def test_the_province_revokes_through_the_page_with_a_decision_document(base, province_user, client_as):
    province = client_as(province_user)
    factories.heard(base, HearingKind.REVOCATION)  # the notice was given and the institution heard
    form = province.get(reverse("supervision:revoke", args=[base.pk]))
    assert "requested" not in form.content.decode()  # a requested cancellation goes through its request

    response = province.post(
        reverse("supervision:revoke", args=[base.pk]),
        {
            "ground": RevocationGround.PUBLIC_OPINION,
            "reason": "课件出现严重错误，引发重大舆情。",
            "effective_on": timezone.localdate().isoformat(),
            "decision_number": "闽人社文〔2026〕21号",
            "document": factories.pdf_file("决定书.pdf"),
            "digest": revocation_digest(
                base,
                ground=RevocationGround.PUBLIC_OPINION,
                reason="课件出现严重错误，引发重大舆情。",
                effective_on=timezone.localdate(),
            ),
        },
    )

    assert response.status_code == 302 and response["Location"] == reverse("bases:detail", args=[base.pk])
    base.refresh_from_db()
    assert base.status == BaseStatus.REVOKED
    assert Revocation.objects.get(base=base).reason == "课件出现严重错误，引发重大舆情。"


def test_revoking_with_an_effective_date_before_today_is_refused_at_the_field_keeping_what_was_typed(
    base, province_user, client_as
):
    with at(2026, 3, 11, 10, 0):
        response = client_as(province_user).post(
            reverse("supervision:revoke", args=[base.pk]),
            {"ground": RevocationGround.SUSPENDED, "reason": "单位撤并。", "effective_on": "2026-03-10"},
        )

    text = visible_text(response)
    assert "生效日期不能早于决定日期（2026年3月11日）" in text
    assert "单位撤并。</textarea>" in response.content.decode()
    base.refresh_from_db()
    assert base.status == BaseStatus.ACTIVE and not Bar.objects.exists()


def test_a_revoked_base_cannot_be_revoked_again(base, province_user):
    kwargs = dict(
        actor=province_user,
        base_id=base.pk,
        ground=RevocationGround.PUBLIC_OPINION,
        reason="单位撤并。",
        effective_on=timezone.localdate(),
    )
    factories.heard(base, HearingKind.REVOCATION)
    services.revoke(**kwargs)

    with pytest.raises(RuleViolation, match="当前状态为「已撤销」"):
        services.revoke(**kwargs)
    assert Bar.objects.count() == 1 and Announcement.objects.count() == 1


# -- dated effects (issue 14; SPEC 2.7) ----------------------------------------------------------------------


def revoke_on(province_user, base, effective_on, **extra):
    return services.revoke(
        actor=province_user,
        base_id=base.pk,
        ground=RevocationGround.PUBLIC_OPINION,
        reason="授课内容出现政治性问题，引发重大舆情。",
        effective_on=effective_on,
        **extra,
    )


def test_art24_an_effective_date_before_the_decision_is_refused_so_the_bar_cannot_be_over_already(
    base, province_user, institution_user
):
    """Why (1): a cancellation dated 2023-06-01 on 2026-12-03 ended its 3-year bar on 2026-06-01, already past."""
    with at(2026, 12, 3, 10, 0), pytest.raises(RuleViolation) as refused:
        revoke_on(province_user, base, date(2023, 6, 1))
    assert refused.value.field == "effective_on"
    assert "生效日期不能早于决定日期（2026年12月3日）" in refused.value.message
    base.refresh_from_db()
    assert base.status == BaseStatus.ACTIVE
    assert not Revocation.objects.exists() and not Bar.objects.exists() and not Announcement.objects.exists()


def test_art23_a_future_effective_date_leaves_the_base_live_and_marked_until_the_daily_job_ends_it(
    base, province_user, institution_user, client_as, client
):
    """Why (2): a base revoked "自2027年6月30日起" left the register and verified as 已撤销 the same day."""
    base.commended_at = timezone.now()  # Why (7): a commendation must not survive the revocation
    base.save(update_fields=["commended_at"])
    factories.AnnouncementFactory(kind=AnnouncementKind.COMMENDATION).bases.set([base])
    with at(2026, 12, 3, 10, 0):
        factories.heard(base, HearingKind.REVOCATION)
        revocation = revoke_on(province_user, base, date(2027, 6, 30))
        base.refresh_from_db()
        assert base.status == BaseStatus.ACTIVE and revocation.is_pending
        assert base.pk in listed_bases(client.get(reverse("public:register")))
        verify = visible_text(client.get(reverse("public:verify_code", args=[base.verification_code])))
        assert "匾牌真实有效" in verify and "省人社厅已决定自2027年6月30日起撤销该基地资格" in verify
        response = client_as(province_user).get(reverse("bases:detail", args=[base.pk]))
        page = visible_text(response)
        assert "已作出撤销决定（闽人社文〔2026〕2号）" in page and "自2027年6月30日起生效" in page
        # one decision per base: no second revocation is offered, and the issued decision is linked
        assert reverse("supervision:revoke", args=[base.pk]) not in response.content.decode()
        assert reverse("decision_pdf", args=[revocation.decision.pk]) in response.content.decode()
        with pytest.raises(RuleViolation, match="已作出撤销决定，自2027年6月30日起生效"):
            revoke_on(province_user, base, date(2027, 1, 1))
        # the bar runs from the effective date (Civil Code period rule)
        bar = Bar.objects.get(institution=institution_user.institution)
        assert (bar.starts_on, bar.last_day) == (date(2027, 6, 30), date(2030, 6, 30))

    with at(2027, 6, 29, 0, 1):
        assert services.revocations_take_effect(today=date(2027, 6, 29)) == 0
    with at(2027, 6, 30, 0, 1), new_notifications() as n:
        assert services.revocations_take_effect(today=date(2027, 6, 30)) == 1
        assert services.revocations_take_effect(today=date(2027, 6, 30)) == 0
    base.refresh_from_db()
    assert base.status == BaseStatus.REVOKED and base.status_changed_on == date(2027, 6, 30)
    assert base.commended_at is None
    assert "基地资格已撤销" in n.titles
    public = visible_text(client.get(reverse("public:base", args=[base.pk])))
    assert "曾获表扬" in public and "考核优秀 · 表扬推广" not in public


def test_issue14_6_the_revocation_publishes_only_the_announcement_the_province_previewed(
    base, province_user, client_as
):
    province = client_as(province_user)
    data = {
        "ground": RevocationGround.PUBLIC_OPINION,
        "reason": "课件出现严重错误。",
        "effective_on": timezone.localdate().isoformat(),
    }
    hearing = services.propose_revocation(
        actor=province_user, base_id=base.pk, **{**data, "effective_on": timezone.localdate()}
    )
    hearings.waive(actor=factories.InstitutionUserFactory(institution=base.institution), hearing_id=hearing.pk)
    page = province.get(reverse("supervision:revoke", args=[base.pk])).content.decode()
    assert f"关于撤销{base.name}省级继续教育基地资格的公告" in page and "保存后分配" in page
    # no confirmation: nothing is decided or published, and the preview is shown
    response = province.post(reverse("supervision:revoke", args=[base.pk]), data)
    assert "请核对下方将向社会公布的公告内容" in visible_text(response)
    assert not Revocation.objects.exists() and not Announcement.objects.filter(kind="revocation").exists()
    # the reason changed after the preview: refused, and the new text shown with its digest
    seen = revocation_digest(base, **{**data, "reason": "先前预览的理由。"})
    response = province.post(reverse("supervision:revoke", args=[base.pk]), {**data, "digest": seen})
    assert "已有变化" in visible_text(response) and "课件出现严重错误。" in response.content.decode()
    assert not Revocation.objects.exists()
    response = province.post(
        reverse("supervision:revoke", args=[base.pk]), {**data, "digest": revocation_digest(base, **data)}
    )
    assert response.status_code == 302 and Revocation.objects.get().reason == "课件出现严重错误。"


def test_issue15_7_the_preview_shows_the_reason_as_posted_and_its_confirmation_decides(base, province_user, client_as):
    """The preview after a POST without confirmation showed the notice's reason, not the one posted, so its
    confirmation was refused once before the decision could be taken."""
    province = client_as(province_user)
    notice = {"ground": RevocationGround.PUBLIC_OPINION, "reason": "课件出现严重错误。"}
    hearing = services.propose_revocation(
        actor=province_user, base_id=base.pk, effective_on=timezone.localdate(), **notice
    )
    hearings.waive(actor=factories.InstitutionUserFactory(institution=base.institution), hearing_id=hearing.pk)
    data = {**notice, "reason": "课件出现严重错误，经核实属实。", "effective_on": timezone.localdate().isoformat()}
    response = province.post(reverse("supervision:revoke", args=[base.pk]), data)
    assert "课件出现严重错误，经核实属实。" in visible_text(response) and not Revocation.objects.exists()
    offered = re.search(r'name="digest" value="([0-9a-f]+)"', response.content.decode()).group(1)
    assert offered == revocation_digest(base, **data)
    response = province.post(reverse("supervision:revoke", args=[base.pk]), {**data, "digest": offered})
    assert response.status_code == 302 and Revocation.objects.get().reason == "课件出现严重错误，经核实属实。"
