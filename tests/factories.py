"""One factory per model, valid by default."""

import importlib

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.credit_code import check_character
from accounts.models import (
    Department,
    InspectorUnit,
    Institution,
    InstitutionKind,
    InstitutionType,
    Region,
    Role,
    TrainingField,
    User,
)
from applications.models import (
    Application,
    ApplicationDocument,
    ApplicationPerson,
    Bar,
    BarKind,
    Batch,
    Condition,
    Degree,
    PersonKind,
)
from bases.models import Base
from core import pii
from experts.models import Expert, ScoreDocument, Tie, TieKind

TINY_PDF = b"%PDF-1.4\n%test\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def pdf_file(name="材料.pdf", content=TINY_PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def fujian_credit_code(n: int) -> str:
    body = f"52350100MJ{n:07d}"
    return body + check_character(body)


def restore_reference_data() -> None:
    """Before a test: forget content types cached from a transaction that is gone, and load again what the data
    migrations load (the ten city-level units) if a transactional test emptied the tables. Then every model's
    content type is looked up (or created) here, in the test's own thread, so that threads of a concurrency test
    never create one inside a transaction that one of them rolls back."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    forget_stale_content_types()
    _load_regions_if_missing()
    _load_categories_if_missing()
    _load_calendar_if_missing()
    ContentType.objects.get_for_models(*apps.get_models())


def _load_regions_if_missing() -> None:
    """The content types were recreated by the flush that emptied the tables under new ids, so the cached ones
    are forgotten too."""
    if not Region.objects.exists():
        from django.apps import apps
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()
        importlib.import_module("accounts.migrations.0002_regions").load(apps, None)


def _load_categories_if_missing() -> None:
    """The institution kinds, fields and aliases the data migration seeds (Art. 3)."""
    from accounts.models import InstitutionKind

    if not InstitutionKind.objects.exists():
        from django.apps import apps

        migration = importlib.import_module("accounts.migrations.0005_institution_kinds")
        migration.seed_kinds(apps, None)
        migration.seed_fields(apps, None)


def _load_calendar_if_missing() -> None:
    """The State Council's holidays, loaded by a data migration (a 公示 reaching a year without them is refused)."""
    from applications.models import CalendarDay

    if not CalendarDay.objects.exists():
        from django.apps import apps

        importlib.import_module("applications.migrations.0010_official_holidays").seed(apps, None)


def forget_stale_content_types() -> None:
    """Forget cached content types whose rows are gone. After a transactional test empties the tables, a content
    type is created again inside a test's transaction and cached; when that transaction rolls back the row goes
    and the cached id stays, and the next record that points at it (a decision, a panel) breaks its foreign key
    (which the deferred check reports only at the test's end). One query; nothing is forgotten when all is well."""
    from django.contrib.contenttypes.models import ContentType

    cached = {ct.pk for ct in ContentType.objects._cache.get("default", {}).values()}
    if cached and ContentType.objects.filter(pk__in=cached).count() != len(cached):
        ContentType.objects.clear_cache()


def region(code="350100"):
    _load_regions_if_missing()
    return Region.objects.get(code=code)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"福建省测试厅{n}")


class InspectorUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectorUnit

    name = factory.Sequence(lambda n: f"评估中心{n}")
    region = factory.LazyFunction(lambda: region("350100"))


def institution_kind(code: str):
    """The InstitutionKind of a code (the codes of InstitutionType are seeded by a data migration)."""
    return InstitutionKind.objects.get(code=code)


def field(name: str):
    """The TrainingField of a name (seeded by a data migration)."""
    return TrainingField.objects.get(name=name)


class KindByCode:
    """Lets a factory take an institution kind by its code, as tests write it: type=InstitutionType.UNIVERSITY."""

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        for name in ("type", "institution_type"):
            if isinstance(kwargs.get(name), str):
                kwargs[name] = institution_kind(kwargs[name])
        return kwargs


class InstitutionFactory(KindByCode, factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"测试培训学院{n}")
    credit_code = factory.Sequence(fujian_credit_code)
    type = factory.LazyFunction(lambda: institution_kind(InstitutionType.TRAINING))
    region = factory.LazyFunction(lambda: region("350100"))
    legal_representative = "李明"
    address = "福州市鼓楼区学府路1号"
    contact_person = "赵老师"
    phone = "0591-87654321"
    email = factory.Sequence(lambda n: f"inst{n}@example.cn")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    role = Role.PROVINCE
    password = factory.PostGenerationMethodCall("set_password", "Passw0rd-Strong")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class InstitutionUserFactory(UserFactory):
    role = Role.INSTITUTION
    institution = factory.SubFactory(InstitutionFactory)


class RecommenderUserFactory(UserFactory):
    """A recommender of 福州市人社局 by default; pass region=... or department=... (and region=None)."""

    role = Role.RECOMMENDER
    region = factory.LazyFunction(lambda: region("350100"))


class InspectorUserFactory(UserFactory):
    role = Role.INSPECTOR
    inspector_unit = factory.SubFactory(InspectorUnitFactory)


class ExpertUserFactory(UserFactory):
    role = Role.EXPERT


class ExpertFactory(factory.django.DjangoModelFactory):
    """An active expert in 工程技术 from 厦门市 (so the panels of the 福州 institutions the other factories make
    need not avoid them as of the same city), with no account; pass user=ExpertUserFactory() for one."""

    class Meta:
        model = Expert

    name = factory.Sequence(lambda n: f"专家{n}")
    employer = factory.Sequence(lambda n: f"厦门理工学院{n}")
    region = factory.LazyFunction(lambda: region("350200"))
    title = "教授"
    fields = "工程技术"
    phone = "0592-12345678"
    email = factory.Sequence(lambda n: f"expert{n}@example.cn")
    active = True


class TieFactory(factory.django.DjangoModelFactory):
    """A current consulting relationship the expert declared with an institution."""

    class Meta:
        model = Tie

    expert = factory.SubFactory(ExpertFactory)
    institution = factory.SubFactory(InstitutionFactory)
    kind = TieKind.CONSULTING
    ended_on = None
    note = "担任培训顾问"


class BatchFactory(factory.django.DjangoModelFactory):
    """An open batch by default."""

    class Meta:
        model = Batch

    name = factory.Sequence(lambda n: f"测试批次{n}")
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=10))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + timezone.timedelta(days=10))


COMPLETE_FIELDS = dict(
    introduction="简介",
    is_independent_legal_person=True,
    qualification="办学许可证",
    office_address="福州市鼓楼区学府路1号",
    teaching_capacity=200,
    teaching_equipment="多媒体教室",
    faculty_total=30,
    faculty_description="师资稳定",
    trained_year_1=1500,
    trained_year_2=1200,
    trained_year_3=1100,
    credit_declaration=True,
    contact_person="赵老师",
    contact_phone="0591-87654321",
    recommender_kind="region",
)
REQUIRED_CONDITIONS = [
    Condition.LEGAL,
    Condition.VENUE,
    Condition.STAFF,
    Condition.RULE_TEACHING,
    Condition.RULE_ASSESSMENT,
    Condition.RULE_REGISTRATION,
    Condition.RULE_EVALUATION,
    Condition.RULE_LOGISTICS,
    Condition.RULE_FINANCE,
    Condition.EXPERIENCE,
    Condition.CREDIT,
]


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft that is empty but valid as a record; use `complete=True` for one that passes Art. 7."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    batch = factory.SubFactory(BatchFactory)
    institution = factory.SubFactory(InstitutionFactory)
    created_by = factory.LazyAttribute(lambda a: InstitutionUserFactory(institution=a.institution))
    recommender_kind = "region"
    recommender_region = factory.LazyAttribute(lambda a: a.institution.region)

    @factory.post_generation
    def complete(obj, create, extracted, **kwargs):
        if not (create and extracted):
            return
        for name, value in COMPLETE_FIELDS.items():
            setattr(obj, name, value)
        obj.save()
        obj.training_fields.set([field("工程技术")])
        for i in range(5):
            ApplicationPersonFactory(application=obj, kind=PersonKind.MANAGER, name=f"管理{i}")
        ApplicationPersonFactory(application=obj, kind=PersonKind.FACULTY, name="教师甲", full_time=False)
        for condition in REQUIRED_CONDITIONS:
            ApplicationDocumentFactory(application=obj, condition=condition, uploaded_by=obj.created_by)


class ApplicationPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationPerson

    application = factory.SubFactory(ApplicationFactory)
    kind = PersonKind.MANAGER
    name = factory.Sequence(lambda n: f"人员{n}")
    degree = Degree.BACHELOR
    full_time = True


class ApplicationDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationDocument

    application = factory.SubFactory(ApplicationFactory)
    condition = Condition.LEGAL
    file = factory.LazyFunction(lambda: pdf_file())
    kind = "pdf"
    content_type = "application/pdf"
    original_name = "材料.pdf"
    size = len(TINY_PDF)
    sha256 = "0" * 64
    uploaded_by = factory.LazyAttribute(lambda d: d.application.created_by)


class ScoreDocumentFactory(factory.django.DjangoModelFactory):
    """A file attached to an expert's scored form (Art. 26); pass sheet= and uploaded_by=."""

    class Meta:
        model = ScoreDocument

    file = factory.LazyFunction(lambda: pdf_file("考察记录.pdf"))
    kind = "pdf"
    content_type = "application/pdf"
    original_name = "考察记录.pdf"
    size = len(TINY_PDF)


class BaseFactory(KindByCode, factory.django.DjangoModelFactory):
    class Meta:
        model = Base

    application = factory.SubFactory(ApplicationFactory, state="approved")
    institution = factory.LazyAttribute(lambda b: b.application.institution)
    batch = factory.LazyAttribute(lambda b: b.application.batch)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    sequence = factory.Sequence(lambda n: n + 1)
    register_number = factory.LazyAttribute(lambda b: Base.format_number(b.year, b.sequence))
    recognised_on = factory.LazyFunction(timezone.localdate)
    name = factory.LazyAttribute(lambda b: b.institution.name)
    region = factory.LazyAttribute(lambda b: b.institution.region)
    # as bases.services.create_base stores them: the application's routing
    recommender_region = factory.LazyAttribute(lambda b: b.application.recommender_region)
    recommender_department = factory.LazyAttribute(lambda b: b.application.recommender_department)
    institution_type = factory.LazyAttribute(lambda b: b.institution.type)
    fields = "工程技术"
    address = "福州市"
    contact_person = "赵老师"
    phone = "0591-87654321"
    email = "base@example.cn"


class BarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bar

    institution = factory.SubFactory(InstitutionFactory)
    kind = BarKind.FRAUD
    starts_on = factory.LazyFunction(timezone.localdate)
    last_day = None
    reason = "伪造材料"


class NotificationFactory(factory.django.DjangoModelFactory):
    """An unread inbox message that has not been e-mailed yet."""

    class Meta:
        model = "jxjy_portal.Notification"

    recipient = factory.SubFactory(InstitutionUserFactory)
    title = factory.Sequence(lambda n: f"测试通知{n}")
    body = "请及时处理。"
    url = ""


class SiteVisitFactory(factory.django.DjangoModelFactory):
    """A site visit already recorded by the province (what approval needs, Art. 8(4))."""

    class Meta:
        model = "applications.SiteVisit"
        skip_postgeneration_save = True  # the hook adds a notice; the visit itself is already saved

    application = factory.SubFactory(ApplicationFactory, state="site_visit")
    scheduled_on = factory.LazyFunction(timezone.localdate)
    team = "张三、李四"
    findings = "场地、师资与申报材料一致。"
    recorded_at = factory.LazyFunction(timezone.now)
    recorded_by = factory.SubFactory(UserFactory, role=Role.PROVINCE)

    @factory.post_generation
    def noticed(visit, create, extracted, **kwargs):
        """Unless noticed=False: the application was on a public notice that has run its period (Art. 8(4))."""
        if create and extracted is not False:
            ended_notice(visit.application)


def ended_notice(application):
    """A public notice (公示) listing `application` whose period ended yesterday, with no open objection."""
    today = timezone.localdate()
    notice = PublicNoticeFactory(
        batch=application.batch,
        starts_on=today - timezone.timedelta(days=8),
        ends_on=today - timezone.timedelta(days=1),
    )
    notice.applications.add(application)
    return notice


class FeeDisclosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "bases.FeeDisclosure"

    base = factory.SubFactory(BaseFactory)
    scope = "专业技术人员公需科目和专业科目培训"
    content = "工程技术类继续教育"
    fee_items = "公需科目培训 每人每学时 20元"


class ChangeFilingFactory(factory.django.DjangoModelFactory):
    """A base's change filing waiting for the province (Art. 31)."""

    class Meta:
        model = "bases.ChangeFiling"

    base = factory.SubFactory(BaseFactory)
    changes = factory.LazyFunction(lambda: {"phone": "0591-12345678"})
    old_values = factory.LazyAttribute(lambda c: {"phone": c.base.phone})
    reason = "办公电话变更"
    evidence = factory.LazyFunction(lambda: pdf_file("变更证明.pdf"))
    evidence_name = "变更证明.pdf"
    evidence_type = "application/pdf"
    kind = "pdf"
    submitted_by = factory.LazyAttribute(lambda c: InstitutionUserFactory(institution=c.base.institution))


class TeacherFactory(factory.django.DjangoModelFactory):
    """A teacher in a base's faculty pool (Art. 16), with a bachelor's degree."""

    class Meta:
        model = "bases.Teacher"

    base = factory.SubFactory(BaseFactory)
    name = factory.Sequence(lambda n: f"教师{n}")
    degree = Degree.BACHELOR
    title = "讲师"
    fields = "工程技术"
    full_time = True
    employer = factory.LazyAttribute(lambda t: t.base.institution.name)
    courses = "工程项目管理"
    active_from = factory.LazyAttribute(lambda t: t.base.recognised_on)


def id_number(n: int = 1, born: str = "19850317") -> str:
    """A valid resident ID number (GB 11643) of 福州市鼓楼区, the `n`th of those born on `born`."""
    first_17 = f"350102{born}{n % 1000:03d}"
    return first_17 + pii.check_digit(first_17)


class TrainingClassFactory(factory.django.DjangoModelFactory):
    """A class a base ran (Art. 13): 24 hours, offline, in March of the base's year."""

    class Meta:
        model = "training.TrainingClass"

    base = factory.SubFactory(BaseFactory)
    title = factory.Sequence(lambda n: f"专业技术人员继续教育培训班{n}")
    service_form = "public_or_professional"
    field = "工程技术"
    starts_on = factory.LazyFunction(lambda: timezone.localdate().replace(month=3, day=2))
    ends_on = factory.LazyAttribute(lambda c: c.starts_on.replace(day=4))
    hours = 24
    mode = "offline"
    venue = "福州市鼓楼区培训楼"
    planned_trainees = 50


class ParticipantFactory(factory.django.DjangoModelFactory):
    """A trainee of a class, whose ID number is sealed, fingerprinted and masked as the service does."""

    class Meta:
        model = "training.Participant"

    class Params:
        number = factory.Sequence(lambda n: id_number(n + 1))

    training_class = factory.SubFactory(TrainingClassFactory)
    name = factory.Sequence(lambda n: f"学员{n}")
    id_number_sealed = factory.LazyAttribute(lambda p: pii.seal(p.number))
    id_fingerprint = factory.LazyAttribute(lambda p: pii.fingerprint(p.number))
    id_masked = factory.LazyAttribute(lambda p: pii.mask(p.number))
    employer = "福州某设计院"
    hours_attended = 24
    result = "passed"


class CourseFactory(factory.django.DjangoModelFactory):
    """A piece of courseware in a base's log (Art. 18)."""

    class Meta:
        model = "bases.Course"

    base = factory.SubFactory(BaseFactory)
    title = factory.Sequence(lambda n: f"课件{n}")
    field = "工程技术"
    kind = "courseware"
    updated_on = factory.LazyFunction(timezone.localdate)


class CoursewareReviewFactory(factory.django.DjangoModelFactory):
    """A review of a course with its file (Art. 18)."""

    class Meta:
        model = "bases.CoursewareReview"

    course = factory.SubFactory(CourseFactory)
    reviewer = "审核组"
    reviewed_on = factory.LazyFunction(timezone.localdate)
    result = "passed"
    notes = "内容导向正确"
    file = factory.LazyFunction(lambda: pdf_file("审核表.pdf"))
    original_name = "审核表.pdf"
    content_type = "application/pdf"
    kind = "pdf"
    size = len(TINY_PDF)
    created_by = factory.LazyAttribute(lambda r: InstitutionUserFactory(institution=r.course.base.institution))


FACULTY_HEADER = ["姓名", "学历", "职称", "专业领域", "专职或兼职", "工作单位", "讲授课程", "入库日期"]


def faculty_xlsx(rows, *, header=None, name="师资.xlsx") -> SimpleUploadedFile:
    """A filled faculty template (Art. 16): `rows` are lists in the header's order."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "师资队伍"
    sheet.append(FACULTY_HEADER if header is None else header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


class AnnualFilingFactory(factory.django.DjangoModelFactory):
    """A base's annual report and plan (Art. 19), a draft by default."""

    class Meta:
        model = "bases.AnnualFiling"

    base = factory.SubFactory(BaseFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    state = "draft"
    # A filing with the province was submitted (the overdue job reads when it first was).
    submitted_at = factory.LazyAttribute(lambda f: timezone.now() if f.state in ("submitted", "accepted") else None)


class AnnouncementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "bases.Announcement"

    kind = "other"
    title = factory.Sequence(lambda n: f"测试公告{n}")
    body = "公告正文。"
    published_at = factory.LazyFunction(timezone.now)


class PublicNoticeFactory(factory.django.DjangoModelFactory):
    """A notice before recognition (公示), open from today for a week by default."""

    class Meta:
        model = "applications.PublicNotice"

    batch = factory.SubFactory(BatchFactory)
    title = factory.Sequence(lambda n: f"拟认定名单公示{n}")
    starts_on = factory.LazyFunction(timezone.localdate)
    working_days = 5
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timezone.timedelta(days=7))
    created_by = factory.SubFactory(UserFactory, role=Role.PROVINCE)


class ObjectionFactory(factory.django.DjangoModelFactory):
    """An unresolved objection to an application under notice, with a PDF as evidence."""

    class Meta:
        model = "applications.Objection"

    notice = factory.SubFactory(PublicNoticeFactory)
    application = factory.SubFactory(ApplicationFactory, state="site_visit")
    name = "张群众"
    contact = "13900000000"
    facts = "该机构实际教学场所不足。"
    evidence = factory.LazyFunction(lambda: pdf_file("异议证据.pdf"))
    evidence_name = "异议证据.pdf"
    evidence_type = "application/pdf"
    kind = "pdf"
    confirmation_number = factory.Sequence(lambda n: f"YY{n:08d}")


def heard(subject, kind, *, statement: str = ""):
    """The party was notified of the intended decision `kind` on `subject` and has been heard (SPEC 2.10):
    it stated `statement`, or waived. Returns the hearing, ready for the decision."""
    from applications import hearings

    institution = subject.institution
    hearing = hearings.give_notice(
        actor=UserFactory(role=Role.PROVINCE),
        subject=subject,
        kind=kind,
        institution=institution,
        subject_label=str(subject),
        facts="经查明的事实。",
        grounds="《福建省省级专业技术人员继续教育基地管理办法》第二十四条",
        intended="拟作出的决定。",
    )
    party = InstitutionUserFactory(institution=institution)
    if statement:
        return hearings.answer(actor=party, hearing_id=hearing.pk, statement=statement)
    return hearings.waive(actor=party, hearing_id=hearing.pk)


TRAINING_CLASS_CELLS = [
    "2026-01",
    "BIM应用研修班",
    "开展专业技术人员公需科目或专业科目培训",
    "工程技术",
    "2026-03-02",
    "2026-03-06",
    40,
    "线下",
    "福州市鼓楼区工业路523号",
    "否",
]


def training_row(n: int, *, hours=40, result="合格", assessed="2026-03-06", city="福州市", klass=None) -> list:
    """One row of the training sheet (issue 17): a trainee of class 2026-01 (40 hours, 2–6 March 2026)."""
    person = [f"学员{n}", id_number(n), "福州市建筑设计院", city, "否", hours, result, assessed]
    return list(klass or TRAINING_CLASS_CELLS) + person


def training_xlsx(rows, *, header=None, name="培训记录.xlsx") -> SimpleUploadedFile:
    """A filled training sheet: `rows` are lists in the template's order."""
    import io

    from openpyxl import Workbook

    from training import sheet as training_sheet

    book = Workbook()
    book.active.title = training_sheet.SHEET_TITLE
    book.active.append(header or [c.header for c in training_sheet.COLUMNS])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A base's API token whose secret is `jxjy_<prefix>` followed by a fixed tail (kept only as its hash)."""

    class Meta:
        model = "api.ApiToken"

    base = factory.SubFactory(BaseFactory)
    scope = "base"
    name = factory.Sequence(lambda n: f"对接系统{n}")
    prefix = factory.Sequence(lambda n: f"tk{n:06d}")
    key_hash = factory.LazyAttribute(lambda t: api_token_digest(f"jxjy_{t.prefix}-secret-tail"))
    created_by = factory.SubFactory(InstitutionUserFactory)


def api_token_digest(secret: str) -> str:
    import hashlib

    return hashlib.sha256(secret.encode()).hexdigest()
