"""`make run` loads demo data: one account per role that can sign in, and every workflow state has an example."""

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import Role, User
from applications.models import Application, State
from bases.models import AnnualFiling, Base, BaseStatus, FilingState
from supervision.models import (
    CancellationRequest,
    Inspection,
    InspectionPlan,
    RectificationOrder,
    Revocation,
    SpotCheckDraw,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_seed_demo_can_run_twice_without_duplicating_anything(seeded):
    counts = (User.objects.count(), Application.objects.count(), Base.objects.count(), Inspection.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (
        User.objects.count(),
        Application.objects.count(),
        Base.objects.count(),
        Inspection.objects.count(),
    ) == counts


def test_every_role_has_a_demo_account_that_signs_in_with_the_printed_password(seeded):
    usernames = ("admin", "province", "fuzhou_hr", "edu_dept", "inspector", "expert", "institution", "inst_approved")
    for username in usernames:
        client = Client()
        response = client.post("/accounts/login/", {"username": username, "password": "Demo12345678"})
        assert response.status_code == 302, username
        assert client.get("/").status_code == 200
    assert {u.role for u in User.objects.all()} == {r.value for r in Role}


def test_issue19_the_demo_province_and_administrator_take_the_second_step_with_the_printed_keys(settings):
    from io import StringIO

    from accounts.twofactor import base32
    from portal.management.commands.seed_demo import DEMO_TOTP_KEYS

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = StringIO()
    call_command("seed_demo", stdout=out)
    for username in ("admin", "province"):
        assert base32(DEMO_TOTP_KEYS[username]) in out.getvalue()
        response = Client().post("/accounts/login/", {"username": username, "password": "Demo12345678"})
        assert response.url.startswith("/accounts/two-factor/verify/"), username
    assert demo_province_client().get("/applications/queue/province/").status_code == 200


def test_every_state_of_every_workflow_has_an_example(seeded):
    assert set(Application.objects.values_list("state", flat=True)) == {s.value for s in State}
    assert {BaseStatus.ACTIVE, BaseStatus.RECTIFYING, BaseStatus.REVOKED} <= set(
        Base.objects.values_list("status", flat=True)
    )
    assert set(AnnualFiling.objects.values_list("state", flat=True)) == {s.value for s in FilingState}
    assert AnnualFiling.objects.filter(overdue_marked_at__isnull=False).exists()
    assert AnnualFiling.objects.flagged().exists()
    assert set(Inspection.objects.values_list("state", flat=True)) >= {"scheduled", "confirmed", "published"}
    assert RectificationOrder.objects.filter(state="open").exists()
    assert RectificationOrder.objects.filter(state="reported").exists()
    assert Revocation.objects.exists() and CancellationRequest.objects.exists() and SpotCheckDraw.objects.exists()


def test_art8_4_every_demo_base_was_visited_and_noticed_before_its_lawful_recognition_date(seeded):
    from django.utils import timezone

    from core import decisions
    from core.models import DecisionKind

    today = timezone.localdate()
    bases = list(Base.objects.select_related("batch", "application__site_visit"))
    assert any(b.recognised_on.year == today.year - 1 for b in bases)  # last year's bases owe last year's filing
    for base in bases:
        visit = base.application.site_visit
        ended = max(n.ends_on for n in base.application.notices.all())
        assert decisions.MEASURES.valid_from <= base.recognised_on <= today, base
        assert base.batch.opens_on <= visit.scheduled_on <= base.recognised_on, base
        assert visit.recorded_at.date() >= visit.scheduled_on and ended < base.recognised_on, base
        assert base.year == base.recognised_on.year and base.published_at is not None, base
        assert [d.kind for d in decisions.of(base)].count(DecisionKind.RECOGNITION) == 1, base


def test_spec_2_10_the_demo_shows_a_decision_of_every_kind_a_pending_hearing_and_a_suspended_base(seeded):
    from applications.models import Appeal, HearingState
    from applications.models import Hearing as HearingModel
    from core.models import Decision, DecisionKind

    assert set(Decision.objects.values_list("kind", flat=True)) >= {k.value for k in DecisionKind}
    assert HearingModel.objects.filter(state=HearingState.OPEN).exists()
    assert Revocation.objects.filter(took_effect_at=None).exists()  # effective on a later day
    assert Base.objects.filter(status=BaseStatus.SUSPENDED).exists()
    assert Base.objects.filter(status=BaseStatus.CANCELLED).exists()
    assert Appeal.objects.exists()


def test_art26_the_demo_expert_has_a_seat_to_declare_and_the_draw_avoided_the_declared_tie(seeded):
    from experts import services
    from experts.models import Assignment, Expert, Panel

    expert = Expert.objects.get(user__username="expert")
    assert set(Assignment.objects.filter(expert=expert).values_list("state", flat=True)) == {"drawn", "declared"}
    panel = Panel.objects.get(purpose="inspection")
    draw = panel.draws.get()
    reasons = dict(draw.exclusions)
    tied = Expert.objects.get(ties__institution=panel.institution)
    assert reasons[tied.pk] == "申报与被评审机构存在咨询服务关系"
    assert "被评审机构的工作人员" in reasons[Expert.objects.get(employer_institution=panel.institution).pk]
    assert tied.pk not in draw.drawn_ids and services.replay(draw)
    client = Client()
    client.post("/accounts/login/", {"username": "expert", "password": "Demo12345678"})
    home = client.get("/").content.decode()
    assert "待声明的评审任务" in home and panel.case_label in home


def test_art26_the_demo_inspection_panel_has_submitted_forms_whose_aggregate_flags_a_dissent(seeded):
    from experts import selectors
    from experts.models import Panel

    panel = Panel.objects.get(purpose="inspection")
    aggregate = selectors.panel_aggregate(panel)
    assert sorted(aggregate.experts) == ["林海涛", "黄志远"]
    assert aggregate.dissent_labels == ["师资队伍建设情况"]
    assert len(aggregate.items) == 9
    client = demo_province_client()
    page = client.get(f"/experts/panels/{panel.pk}/").content.decode()
    assert "意见分歧" in page and "师资队伍建设情况" in page


def test_art13_14_the_demo_bases_have_classes_with_trainees_whose_id_numbers_are_sealed(seeded):
    from core import pii
    from training.models import Participant, TrainingClass

    fuzhou = Base.objects.get(institution__users__username="base_fz")
    assert TrainingClass.objects.filter(base=fuzhou).count() == 3  # two entered on the page, one imported
    assert TrainingClass.objects.filter(is_public_benefit=True).exists(), "a public-benefit class (Art. 14)"
    trainees = list(Participant.objects.all())
    assert len(trainees) >= 20 and any(p.from_priority_area for p in trainees)
    for p in trainees:
        number = pii.unseal(p.id_number_sealed)
        assert pii.id_number_error(number) is None and p.id_masked == pii.mask(number)
    count = Participant.objects.count()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Participant.objects.count() == count


def test_art18_the_demo_has_an_import_with_a_row_returned_to_fix(seeded):
    from training.models import ImportPhase, TrainingImport

    job = TrainingImport.objects.get(base__institution__users__username="base_fz")
    assert job.phase == ImportPhase.DONE and (job.participants_created, job.rejected_rows) == (4, 1)
    assert job.rejected_file and job.problems[0]["column"] == "参训学时"


def test_art16_18_the_demo_bases_have_a_faculty_pool_with_a_flagged_teacher_and_a_courseware_log(seeded):
    from bases.models import Course, CoursewareReview, Teacher

    fuzhou = Base.objects.get(institution__users__username="base_fz")
    pool = list(fuzhou.teachers.all())
    assert any(t.below_bachelor for t in pool), "a teacher below a bachelor's degree, flagged (Art. 7(3))"
    assert any(t.active_to for t in pool), "a teacher who left the pool"
    assert any(t.history.filter(history_change_reason="由认定申报的骨干师资导入").exists() for t in pool)
    assert Course.objects.filter(base=fuzhou).count() >= 2
    assert set(CoursewareReview.objects.values_list("result", flat=True)) == {"passed", "amended", "failed"}
    counts = (Teacher.objects.count(), CoursewareReview.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Teacher.objects.count(), CoursewareReview.objects.count()) == counts


def test_art20_the_demo_has_a_filing_whose_declared_figures_differ_from_its_records(seeded):
    from bases import verification
    from bases.models import AnnualFiling

    filings = list(AnnualFiling.objects.filter(base__training_classes__isnull=False).distinct())
    checks = verification.checks_for(filings)
    flagged = [f for f in filings if checks[f.pk].beyond]
    assert flagged, "no demo filing differs from its training records"
    assert any(not checks[f.pk].recorded.empty for f in flagged)


def test_art3_the_demo_has_managed_categories_a_retired_field_and_old_text_left_to_map(seeded):
    from accounts import categories
    from accounts.models import InstitutionKind, TrainingField, TrainingFieldAlias

    assert InstitutionKind.objects.count() >= 6
    assert TrainingField.objects.in_use().count() >= 10 and TrainingFieldAlias.objects.exists()
    assert TrainingField.objects.filter(name="传统工艺", retired_on__isnull=False).exists()
    assert "茶艺" in [row.word for row in categories.unmapped_words()]
    # every demo base trains in managed fields (Art. 3), not only in free text
    assert not Base.objects.filter(training_fields=None).exists()


def test_art13_21_22_the_demo_has_a_year_allocated_by_score_decided_published_and_reported_on(seeded):
    from steering.models import AllocationRound, RoundState, Share

    this_year, next_year = AllocationRound.objects.order_by("year")
    assert this_year.state == RoundState.PUBLISHED and this_year.decision.number and this_year.announcement
    assert Share.objects.filter(programme__round=this_year, allocated__gt=0).count() >= 3
    assert Share.objects.filter(programme__round=this_year, delivered__isnull=False).exists()
    assert all(share.parts for share in Share.objects.filter(programme__round=this_year))
    assert next_year.state == RoundState.DRAFT and next_year.programmes.count() == 3


def test_art4_the_demo_shows_an_adjustment_in_force_and_one_decided_for_a_later_day(seeded):
    from bases.models import Adjustment, Announcement, AnnouncementKind

    adjustments = list(Adjustment.objects.select_related("base", "decision"))
    assert [a.is_pending for a in sorted(adjustments, key=lambda a: a.effective_on)] == [False, True]
    in_force = next(a for a in adjustments if not a.is_pending)
    assert set(in_force.base.training_fields.values_list("name", flat=True)) == {"工程技术", "卫生健康", "教育"}
    assert all(a.decision.number for a in adjustments)
    assert Announcement.objects.filter(kind=AnnouncementKind.ADJUSTMENT).count() == 2


def test_issue_18_4_the_demo_has_bases_failing_each_standing_duty_and_reminded_this_month(seeded):
    from django.utils import timezone

    from supervision.models import Duty, ObligationReminder
    from supervision.selectors import obligation_counts

    counts = obligation_counts(timezone.localdate())
    assert {duty for duty, (failing, _) in counts.items() if failing} == set(Duty.values)
    assert ObligationReminder.objects.filter(sent_by=None).exists()


def test_art20_the_demo_has_an_accepted_three_year_plan_whose_inspections_are_scheduled(seeded):
    plan = InspectionPlan.objects.get()
    assert plan.state == "accepted"
    placed = plan.entries.filter(unit__isnull=False)
    assert placed.exists() and not placed.filter(inspection__isnull=True).exists()
    assert all(e.unit.region_id != e.base.region_id for e in placed.select_related("unit", "base"))
    assert plan.entries.filter(unit__isnull=True).exclude(reason="").exists()  # listed with the reason
    assert demo_province_client().get(plan.get_absolute_url()).status_code == 200


def demo_province_client() -> Client:
    """Signed in as the demo province through both steps: the password, then a code of the printed demo key."""
    import time

    from django_otp.oath import hotp

    from portal.management.commands.seed_demo import DEMO_TOTP_KEYS

    client = Client()
    response = client.post("/accounts/login/", {"username": "province", "password": "Demo12345678"})
    assert response.url.startswith("/accounts/two-factor/verify/")
    # the seeding took the current code; the app's next one is accepted too
    code = hotp(bytes.fromhex(DEMO_TOTP_KEYS["province"]), int(time.time()) // 30 + 1)
    assert client.post("/accounts/two-factor/verify/", {"code": f"{code:06d}"}).status_code == 302
    return client
