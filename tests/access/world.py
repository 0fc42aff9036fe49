"""The world the permission matrix (and the shell checks) are played in: one user per role and one record
of each kind, owned by `institution_own` and routed to 福州市, in the states the pages need.

`tests/conftest.py` builds it once per test module (the `world` fixture); each test rolls back what it did.
"""

from datetime import date, timedelta
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, TrainingField, TrainingFieldAlias
from core import decisions
from core.models import DecisionKind, ExportJob
from supervision import services as supervision
from supervision.models import CancellationRequest, Ground, Inspection, Item, RectificationOrder, SupervisionDocument
from tests import factories
from training.services import imports as training_imports

ROLES = (
    "anonymous",
    "institution_own",
    "institution_other",
    "recommender_own",
    "recommender_other",
    "province",
    "inspector",
    "expert",
)


def accepted_number() -> str:
    """An acceptance number taken from the series, as a real submission takes it (applications.services.submit)."""
    from applications.services import ACCEPTANCE_SERIES
    from core.decisions import next_number

    year = timezone.localdate().year
    return f"SB{year}{next_number(ACCEPTANCE_SERIES, year):05d}"


def build_world() -> SimpleNamespace:
    """One user per role and one record of each kind, owned by `institution_own` and routed to 福州市."""
    fuzhou, xiamen = factories.region("350100"), factories.region("350200")
    now, today = timezone.now(), timezone.localdate()
    inst_own = factories.InstitutionUserFactory(institution__name="本方培训学院", institution__region=fuzhou)
    inst_other = factories.InstitutionUserFactory(institution__name="他方培训学院", institution__region=fuzhou)
    province = factories.UserFactory(role=Role.PROVINCE)
    w = SimpleNamespace(
        users={
            "anonymous": None,
            "institution_own": inst_own,
            "institution_other": inst_other,
            "recommender_own": factories.RecommenderUserFactory(region=fuzhou),
            "recommender_other": factories.RecommenderUserFactory(region=xiamen),
            "province": province,
            "inspector": factories.InspectorUserFactory(),
            "expert": factories.ExpertUserFactory(full_name="吴专家"),
        }
    )
    institution = inst_own.institution
    w.batch = factories.BatchFactory(name="本轮申报批次")

    def application(state, **extra):
        return factories.ApplicationFactory(
            batch=w.batch,
            institution=institution,
            created_by=inst_own,
            state=state,
            recommender_region=fuzhou,
            legacy_fields="工程技术",
            **extra,
        )

    # The application every row looks at: submitted, so its recommender can see it.
    w.app = application("submitted", submitted_at=now, last_submitted_at=now, acceptance_number=accepted_number())
    w.document = factories.ApplicationDocumentFactory(application=w.app, uploaded_by=inst_own)
    # A draft is not yet routed to anyone: its recommender must not see it.
    w.draft = application("draft")
    w.draft_document = factories.ApplicationDocumentFactory(application=w.draft, uploaded_by=inst_own)
    # Applications in the states the province's own actions need.
    w.review_app = application("under_review", submitted_at=now, last_submitted_at=now)
    w.visit_app = application("site_visit", submitted_at=now, last_submitted_at=now)
    factories.SiteVisitFactory(application=w.visit_app, recorded_by=province)
    # A published base, recognised two years ago, so it has filings for past years and one to start now.
    recognised = date(today.year - 2, 6, 1)
    w.base = factories.BaseFactory(
        application=application("approved", submitted_at=now, last_submitted_at=now, decided_at=now),
        year=recognised.year,
        recognised_on=recognised,
        published_at=now,
    )
    w.filing_draft = factories.AnnualFilingFactory(base=w.base, year=today.year - 2)
    w.filing = factories.AnnualFilingFactory(
        base=w.base, year=today.year - 1, state="submitted", trained_total=1500, plan_trainees=1600, submitted_at=now
    )
    w.change = factories.ChangeFilingFactory(base=w.base, submitted_by=inst_own)
    # Its faculty pool (Art. 16) and courseware log (Art. 18).
    w.teacher = factories.TeacherFactory(base=w.base, name="王老师")
    w.course = factories.CourseFactory(base=w.base, title="继续教育公需课件")
    w.review = factories.CoursewareReviewFactory(course=w.course, created_by=inst_own)
    # Its training records (issue 17): a class with a participant, and an empty class it may still delete.
    w.training_class = factories.TrainingClassFactory(base=w.base, title="本方工程技术培训班")
    w.participant = factories.ParticipantFactory(training_class=w.training_class, name="林学员")
    w.empty_class = factories.TrainingClassFactory(base=w.base, title="误登记的培训班")
    # An import of its training sheet with one row returned to fix (issue 17, point 2).
    w.training_import = training_imports.start_import(
        actor=inst_own,
        base_id=w.base.pk,
        upload=factories.training_xlsx([factories.training_row(501), factories.training_row(502, hours=99)]),
        mode="valid_rows",
    )
    # Its API token, and the province's read token (the versioned API, step 1).
    w.api_token = factories.ApiTokenFactory(base=w.base, created_by=inst_own, name="本方对接系统")
    w.province_token = factories.ApiTokenFactory(base=None, scope="province_read", created_by=province)
    # Another institution's base in the batch, recognised but not yet published.
    w.unpublished_base = factories.BaseFactory(batch=w.batch, application__batch=w.batch)
    # The notice before recognition, open now, with an objection to an application on it.
    w.notice = factories.PublicNoticeFactory(batch=w.batch, created_by=province)
    w.noticed_app = application("site_visit", submitted_at=now, last_submitted_at=now)
    w.notice.applications.add(w.noticed_app)
    w.objection = factories.ObjectionFactory(notice=w.notice, application=w.noticed_app)
    w.closed_notice = factories.PublicNoticeFactory(
        batch=w.batch, starts_on=today - timedelta(days=30), ends_on=today - timedelta(days=20), created_by=province
    )
    w.announcement = factories.AnnouncementFactory(title="关于公布测试名单的通知")

    build_supervision(w, province, today, now)
    build_experts(w, province)

    w.department = factories.DepartmentFactory(name="福建省测试行业厅")
    # Art. 3: a field in use, one nobody uses (may be retired), a retired one (may be restored), an alias
    w.field = factories.field("工程技术")
    w.spare_field = TrainingField.objects.create(name="测试空闲领域", order=90)
    w.retired_field = TrainingField.objects.create(name="测试停用领域", order=91, retired_on=date(2025, 1, 1))
    w.alias = TrainingFieldAlias.objects.create(word="测试别名", field=w.field)
    build_allocation(w, province)
    w.staff = factories.UserFactory(role=Role.PROVINCE, username="staff-target")
    w.note = factories.NotificationFactory(recipient=inst_own, url=reverse("applications:detail", args=[w.app.pk]))
    w.export = build_export(inst_own)
    return w


def build_export(owner) -> ExportJob:
    """A finished background export of the institution's own list (issue 20), its file in the private storage."""
    now = timezone.now()
    job = ExportJob.objects.create(
        owner=owner,
        title="我的申报",
        filename="我的申报-20250615",
        format="csv",
        path=reverse("applications:mine"),
        query="export=csv",
        phase=ExportJob.Phase.DONE,
        rows_total=1,
        rows_done=1,
        size=3,
        finished_at=now,
        expires_at=now + timedelta(hours=24),
    )
    job.file.save(f"exports/{job.key.hex}.csv", ContentFile(b"a,b"), save=True)
    return job


def build_supervision(w, province, today, now):
    """Inspections of the base (one assigned to the inspector's unit, one to another unit), a spot-check draw,
    rectification orders and a cancellation request (Art. 20-23), and a decision issued about the base."""
    inspector = w.users["inspector"]
    w.decision = decisions.issue(
        kind=DecisionKind.RECTIFICATION,
        subject=w.base,
        actor=province,
        title="关于责令限期整改的通知",
        addressee=w.base.institution.name,
        facts="培训档案不全。",
        basis="第二十三条第一款",
        body="请于30日内完成整改。",
    )
    # The published base's recognition: a decision the province publishes of its own accord (主动公开).
    w.public_decision = decisions.issue(
        kind=DecisionKind.RECOGNITION,
        subject=w.base,
        actor=province,
        title="关于认定省级专业技术人员继续教育基地的决定",
        addressee=w.base.institution.name,
        facts="经审核、实地考察和公示。",
        basis="第八条第四项、第九条",
        body="决定予以认定。",
    )

    def inspection(unit, **done):
        scheduled = supervision.schedule_inspection(
            actor=province, base_id=w.base.pk, kind="periodic", scheduled_on=today, inspector_unit=unit
        )
        if done:
            Inspection.objects.filter(pk=scheduled.pk).update(**done)
            scheduled.refresh_from_db()
        return scheduled

    # Confirmed, so the base's institution may see it too; assigned to the inspector's unit.
    w.inspection = inspection(
        inspector.inspector_unit, state="confirmed", result="pass", inspected_on=today, confirmed_at=now
    )
    w.inspection_document = SupervisionDocument.objects.create(
        inspection=w.inspection,
        item=Item.values[0],
        file=factories.pdf_file("考核记录.pdf"),
        kind="pdf",
        content_type="application/pdf",
        original_name="考核记录.pdf",
        size=len(factories.TINY_PDF),
        uploaded_by=province,
    )
    # Scheduled: waiting for the inspector's findings; the institution does not see it yet.
    w.assigned_inspection = inspection(inspector.inspector_unit)
    # Assigned to another unit: the inspector must not see it.
    w.other_inspection = inspection(factories.InspectorUnitFactory())
    w.draw = supervision.draw_spot_check(actor=province, size=1, scheduled_on=today, province_team="王科长")
    w.draw.inspections.update(state="confirmed", result="pass", confirmed_at=now)
    # Art. 20: a 厦门 unit with a monthly capacity, and a draft three-year plan that places the unpublished base
    w.plan_unit = factories.InspectorUnitFactory(name="厦门考核评估中心", region=factories.region("350200"))
    supervision.set_capacity(actor=province, unit_id=w.plan_unit.pk, per_month=5)
    w.plan = supervision.propose_plan(actor=province)
    w.plan_entry = w.plan.entries.get(base=w.unpublished_base)
    deadline = today + timedelta(days=30)
    w.rectification = RectificationOrder.objects.create(
        base=w.base, ground=Ground.NONCOMPLIANCE, findings="培训档案不全", deadline=deadline, ordered_by=province
    )
    w.reported_rectification = RectificationOrder.objects.create(
        base=w.base,
        ground=Ground.IRREGULAR,
        findings="收费未公示",
        deadline=deadline,
        ordered_by=province,
        state="reported",
        report="已在官网公示收费标准",
        reported_at=now,
    )
    w.cancellation = CancellationRequest.objects.create(
        base=w.base, requested_by=w.users["institution_own"], requester_role="institution", reason="机构合并"
    )
    build_proceedings(w, province, today)


def build_experts(w, province):
    """Art. 26: the expert pool — the world's expert (厦门), another expert with an account, one without, one
    of the base's own staff (kept off its panels) — a declared tie, and a panel for the inspection assigned to
    the inspector's unit with the three free experts seated, then one spare expert for replacements."""
    from experts import services as experts

    w.expert = factories.ExpertFactory(name="吴专家", user=w.users["expert"], region=factories.region("350200"))
    w.other_expert = factories.ExpertFactory(
        name="郑专家", user=factories.ExpertUserFactory(full_name="郑专家"), region=factories.region("350500")
    )
    # the site visit of w.visit_app, drawn while only these two are in the pool, so both sit on it
    visit_panel = experts.create_panel(
        actor=province,
        purpose="site_visit",
        case=w.visit_app,
        institution=w.visit_app.institution,
        case_label=f"{w.visit_app.institution.name}申报实地考察",
        fields="工程技术",
        size=2,
        items=SITE_VISIT_ITEMS,
    )
    w.third_expert = factories.ExpertFactory(name="何专家", region=factories.region("350400"))
    w.staff_expert = factories.ExpertFactory(
        name="钱专家",
        employer="本方培训学院",
        employer_institution=w.base.institution,
        region=factories.region("350200"),
    )
    w.tie = factories.TieFactory(expert=w.other_expert, institution=factories.InstitutionFactory(name="第三方培训学院"))
    w.panel = experts.create_panel(
        actor=province,
        purpose="inspection",
        case=w.assigned_inspection,
        institution=w.base.institution,
        case_label=f"{w.base.name}定期考核",
        fields="工程技术",
        size=3,
    )
    seats = {a.expert_id: a for a in w.panel.assignments.all()}
    w.seat, w.other_seat, w.third_seat = seats[w.expert.pk], seats[w.other_expert.pk], seats[w.third_expert.pk]
    w.spare_expert = factories.ExpertFactory(name="冯专家", region=factories.region("350700"))
    build_score_sheets(w, visit_panel)


SITE_VISIT_ITEMS = [
    ["legal", "独立法人资格及培训资质", "第七条第一项"],
    ["venue", "办公场地及教学场所、设施", "第七条第二项"],
]


def build_score_sheets(w, panel):
    """Art. 26 scored forms on the site visit: both experts declared; the world's expert submitted version 1 (with
    a file) and is drafting version 2, a correction; the other expert submitted its form."""
    from experts import services as experts

    seats = {a.expert_id: a for a in panel.assignments.all()}
    w.sheet_seat, w.other_sheet_seat = seats[w.expert.pk], seats[w.other_expert.pk]
    for seat, user in ((w.sheet_seat, w.users["expert"]), (w.other_sheet_seat, w.other_expert.user)):
        experts.declare(actor=user, assignment_id=seat.pk)
    scores = {code: {"score": 8, "verdict": "meets", "comment": "符合要求"} for code, _, _ in SITE_VISIT_ITEMS}
    w.other_sheet = experts.save_sheet(
        actor=w.other_expert.user, assignment_id=w.other_sheet_seat.pk, scores=scores, submit=True
    )
    w.other_sheet_document = factories.ScoreDocumentFactory(sheet=w.other_sheet, uploaded_by=w.other_expert.user)
    w.own_sheet = experts.save_sheet(actor=w.users["expert"], assignment_id=w.sheet_seat.pk, scores=scores, submit=True)
    w.own_sheet_document = factories.ScoreDocumentFactory(sheet=w.own_sheet, uploaded_by=w.users["expert"])
    w.own_draft = experts.correct_sheet(actor=w.users["expert"], sheet_id=w.own_sheet.pk, reason="复核后更正")


def build_proceedings(w, province, today):
    """SPEC 2.10: a notice of an intended decision the institution answered with a file, adverse decisions (one
    appealed, one not yet), and a recommending unit's report of suspected fraud."""
    from applications import hearings
    from applications.models import AppealKind, HearingKind

    inst_own = w.users["institution_own"]
    notice = hearings.give_notice(
        actor=province,
        subject=w.app,
        kind=HearingKind.FRAUD,
        institution=inst_own.institution,
        subject_label=str(w.app),
        facts="经查明的事实。",
        grounds="第二十四条",
        intended="拟认定弄虚作假。",
    )
    w.hearing = hearings.answer(
        actor=inst_own, hearing_id=notice.pk, statement="我单位申辩如下。", files=[factories.pdf_file("申辩.pdf")]
    )
    w.hearing_document = w.hearing.documents.get()

    def adverse(title):
        return decisions.issue(
            kind=DecisionKind.RECTIFICATION,
            subject=w.base,
            actor=province,
            title=title,
            addressee=w.base.institution.name,
            facts="培训档案不全。",
            basis="第二十三条第一款",
            body="请于30日内完成整改。",
            adverse=True,
        )

    w.appealed_decision, w.appealable_decision = adverse("已申请复议的决定"), adverse("可申请复议的决定")
    w.appeal = hearings.record_appeal(
        actor=province,
        decision_id=w.appealed_decision.pk,
        kind=AppealKind.RECONSIDERATION,
        authority="福建省人民政府",
        filed_on=w.appealed_decision.decided_on,
    )
    w.fraud_report = supervision.report_fraud(
        actor=w.users["recommender_own"], application_id=w.review_app.pk, facts="涉嫌伪造培训人数证明。"
    )


def build_allocation(w, province):
    """Art. 13, 21: a year being drafted and scored (the own base has a share; another programme is open to
    apply to), a decided year waiting to be published, and a published year in which the own base was given a
    task it reports on."""
    from steering import services as steering
    from steering.models import AllocationRound, ProgrammeKind, Share

    weights = {"inspection": 30, "commendation": 10, "completion": 20, "duty": 15, "field": 15, "region": 10}

    def programme(round_, name):
        return steering.save_programme(
            actor=province,
            round_=round_,
            name=name,
            kind=ProgrammeKind.PUBLIC,
            field=None,
            unit="places",
            quota=10,
            budget=0,
            target_regions=[],
        )

    w.allocation_year = timezone.localdate().year + 1
    w.allocation = steering.open_round(actor=province, year=w.allocation_year, weights=weights)
    w.programme = programme(w.allocation, "测试公需科目项目")
    taken = programme(w.allocation, "测试已申请项目")
    Share.objects.create(programme=taken, base=w.base, applied_by=province)
    steering.propose(actor=province, round_=w.allocation)

    w.decided_year = w.allocation_year + 1
    decided = steering.open_round(actor=province, year=w.decided_year, weights=weights)
    Share.objects.create(programme=programme(decided, "测试已决定项目"), base=w.base, applied_by=province)
    steering.propose(actor=province, round_=decided)
    steering.confirm(actor=province, round_=decided)

    done = steering.open_round(actor=province, year=w.allocation_year - 5, weights=weights)
    w.task = Share.objects.create(programme=programme(done, "往年项目"), base=w.base, applied_by=province, allocated=10)
    AllocationRound.objects.filter(pk=done.pk).update(state="published")  # a past year, as the engine left it
