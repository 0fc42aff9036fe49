"""Batches, applications with the facts Art. 7 asks for, their documents, site visits and bars (Art. 7, 8, 24)."""

from datetime import UTC, datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Department, Institution, Region
from core import uploads

MIN_TEACHING_CAPACITY = 100  # Art. 7(2)
MIN_BACHELOR_MANAGERS = 5  # Art. 7(3)
MIN_TRAINED_PER_YEAR = 1000  # Art. 7(5)
EXPERIENCE_YEARS = 3  # figures asked for: the three years before the batch's year


class State(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待推荐"
    RETURNED = "returned", "退回修改"
    NOT_RECOMMENDED = "not_recommended", "不予推荐"
    RECOMMENDED = "recommended", "已推荐"
    UNDER_REVIEW = "under_review", "省级审核"
    SITE_VISIT = "site_visit", "实地考察"
    APPROVED = "approved", "认定通过"
    REJECTED = "rejected", "不予认定"
    WITHDRAWN = "withdrawn", "已撤回"


# States in which an application is "in progress": the institution may not start another (SPEC 2.2).
IN_PROGRESS = frozenset(
    {State.DRAFT, State.SUBMITTED, State.RETURNED, State.RECOMMENDED, State.UNDER_REVIEW, State.SITE_VISIT}
)
# What the province works on (Art. 8(4)): its queue shows these unless a state is chosen.
PROVINCE_QUEUE_STATES = [State.RECOMMENDED, State.UNDER_REVIEW, State.SITE_VISIT]
# Where the institution may still edit its figures and documents.
EDITABLE = frozenset({State.DRAFT, State.RETURNED})

# A gentler name for the applicant where staff see the working name (Hypha's pattern).
APPLICANT_LABELS = {
    State.SUBMITTED: "待推荐单位审核",
    State.RECOMMENDED: "已推荐，待省人社厅审核",
    State.UNDER_REVIEW: "省人社厅审核中",
}


class Batch(models.Model):
    """A call for applications (申报批次, Art. 8: 分批进行申报和评定)."""

    name = models.CharField("批次名称", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    opens_on = models.DateField("开始日期")
    closes_on = models.DateField("截止日期")
    notes = models.TextField("申报须知", blank=True)
    closed_at = models.DateTimeField("提前截止时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-opens_on"]
        verbose_name = verbose_name_plural = "申报批次"
        constraints = [
            models.CheckConstraint(name="batch_dates_ordered", condition=Q(closes_on__gte=models.F("opens_on"))),
        ]

    def __str__(self):
        return self.name

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.closed_at is None and self.opens_on <= today <= self.closes_on

    @property
    def may_close_early(self) -> bool:
        """Only a batch not yet past its closing day can be closed early (issue 15 (7): no idle buttons)."""
        return self.closed_at is None and timezone.localdate() <= self.closes_on

    def status_label(self, today=None) -> str:
        today = today or timezone.localdate()
        if self.is_open(today):
            return "申报中"
        if self.closed_at is None and today < self.opens_on:
            return "未开始"
        return "已截止"

    @property
    def short_name(self) -> str:
        """The batch's name without what a title around it already says ("2026年度省级继续教育基地申报" →
        "2026年度"), so that titles do not repeat themselves."""
        name = self.name.strip()
        for tail in (
            "省级专业技术人员继续教育基地申报",
            "省级继续教育基地申报",
            "继续教育基地申报",
            "基地申报",
            "申报",
        ):
            if name.endswith(tail) and len(name) > len(tail):
                return name[: -len(tail)]
        return name

    @property
    def experience_years(self) -> list[int]:
        return [self.year - i for i in range(1, EXPERIENCE_YEARS + 1)]


class RecommenderKind(models.TextChoices):
    REGION = "region", "设区市人社部门"
    DEPARTMENT = "department", "省级行业主管部门"


# Applicants that already run a city or industry base (Art. 8(2): 优先遴选).
PRIORITY_Q = Q(is_city_base=True) | Q(is_industry_base=True)
# Where an application never submitted stands in the queues' order: after every submitted one.
NEVER_SUBMITTED = datetime(9999, 12, 31, tzinfo=UTC)


class Application(models.Model):
    """An institution's application to be recognised as a provincial base (Art. 7, 8)."""

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="applications", verbose_name="申报批次")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="applications", verbose_name="申报机构"
    )
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.DRAFT, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="填报人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    submitted_at = models.DateTimeField("首次提交时间", null=True, blank=True)
    # given on the first submission, printed on the receipt (回执); never reused
    acceptance_number = models.CharField("受理编号", max_length=20, unique=True, null=True, blank=True)
    last_submitted_at = models.DateTimeField("最近提交时间", null=True, blank=True)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)

    # Routing (Art. 8(3)): the HR bureau of the institution's city, or the provincial industry department.
    recommender_kind = models.CharField("推荐渠道", max_length=20, choices=RecommenderKind.choices, blank=True)
    recommender_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="推荐单位（设区市）",
    )
    recommender_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="推荐单位（省级行业主管部门）",
    )

    # Field and type; priority facts (Art. 8(2)).
    training_fields = models.ManyToManyField(
        "users.TrainingField", related_name="applications", blank=True, verbose_name="培训领域"
    )
    # What was typed before the fields became categories (Art. 3); kept as written, shown beside the fields.
    legacy_fields = models.CharField("原填培训领域", max_length=300, blank=True)
    introduction = models.TextField("机构基本情况", blank=True)
    is_city_base = models.BooleanField("已是市级继续教育基地", default=False)
    city_base_reference = models.CharField("市级基地认定文号", max_length=100, blank=True)
    is_industry_base = models.BooleanField("已是省级行业性继续教育基地", default=False)
    industry_base_reference = models.CharField("行业性基地认定文号", max_length=100, blank=True)

    # Art. 7(1)
    is_independent_legal_person = models.BooleanField("独立法人机构", default=False)
    qualification = models.TextField("培训或继续教育相关资质", blank=True)
    # Art. 7(2)
    office_address = models.CharField("固定办公场地地址", max_length=200, blank=True)
    teaching_capacity = models.PositiveIntegerField("教学场所可容纳培训人数", null=True, blank=True)
    teaching_equipment = models.TextField("教学设施设备", blank=True)
    needs_practical_training = models.BooleanField("属专业性强、需要实训的领域", default=False)
    practical_training = models.TextField("实训场所或实训合作单位", blank=True)
    # Art. 7(3)
    faculty_total = models.PositiveIntegerField("专（兼）职师资人数", null=True, blank=True)
    faculty_description = models.TextField("师资队伍情况", blank=True)
    # Art. 7(5)
    trained_year_1 = models.PositiveIntegerField("上一年度培训人数", null=True, blank=True)
    trained_year_2 = models.PositiveIntegerField("前二年度培训人数", null=True, blank=True)
    trained_year_3 = models.PositiveIntegerField("前三年度培训人数", null=True, blank=True)
    experience_description = models.TextField("培养培训经验", blank=True)
    # Art. 7(6)
    credit_declaration = models.BooleanField("信用承诺", default=False)
    credit_statement = models.TextField("信用情况说明", blank=True)
    # Art. 7(7)
    trains_online = models.BooleanField("开展网络培训", default=False)
    platform_name = models.CharField("远程教育平台名称", max_length=100, blank=True)
    platform_url = models.URLField("平台网址", blank=True)
    platform_can_connect = models.BooleanField("平台具备接入省继续教育公共服务平台的条件", default=False)

    contact_person = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    contact_email = models.EmailField("联系邮箱", blank=True)

    # The decision (Art. 8(4), 24).
    fraud_finding = models.BooleanField("认定弄虚作假、伪造申报材料", default=False)
    decision_reason = models.TextField("认定意见", blank=True)

    # The queues' order, stored so that an index serves it (issue 20): applicants that already run a city or
    # industry base first (Art. 8(2): 优先遴选), then the longest waiting (never submitted: last), then id.
    queue_rank = models.GeneratedField(
        expression=Case(When(PRIORITY_Q, then=Value(0)), default=Value(1)),
        output_field=models.SmallIntegerField("排序：优先遴选在前"),
        db_persist=True,
    )
    queue_at = models.GeneratedField(
        expression=Coalesce("last_submitted_at", Value(NEVER_SUBMITTED)),
        output_field=models.DateTimeField("排序：提交时间"),
        db_persist=True,
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "queue_rank", "queue_at"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "基地申报"
        constraints = [
            models.CheckConstraint(
                name="application_one_recommender",
                condition=Q(recommender_region__isnull=True) | Q(recommender_department__isnull=True),
            ),
        ]
        indexes = [
            models.Index(fields=["state", "recommender_region"], name="app_state_region_idx"),
            models.Index(fields=["state", "recommender_department"], name="app_state_dept_idx"),
            models.Index(fields=["institution", "state"], name="app_institution_state_idx"),
            # the queues (issue 20): each filter + the stored order, so a page reads 20 index entries, not a sort
            models.Index(
                fields=["queue_rank", "queue_at", "id"],
                name="app_province_queue_idx",
                condition=Q(state__in=PROVINCE_QUEUE_STATES),
            ),
            models.Index(
                fields=["recommender_region", "queue_rank", "queue_at", "id"],
                name="app_province_region_queue_idx",
                condition=Q(state__in=PROVINCE_QUEUE_STATES),
            ),
            models.Index(fields=["state", "queue_rank", "queue_at", "id"], name="app_state_queue_idx"),
            models.Index(
                fields=["recommender_region", "state", "queue_rank", "queue_at", "id"], name="app_region_queue_idx"
            ),
            models.Index(
                fields=["recommender_department", "state", "queue_rank", "queue_at", "id"], name="app_dept_queue_idx"
            ),
        ]

    def __str__(self):
        return f"{self.institution.name}（{self.batch.name}）"

    def get_absolute_url(self) -> str:
        return reverse("applications:detail", args=[self.pk])

    @property
    def field_names(self) -> str:
        """The fields as one line ("工程技术、卫生健康"); reads the prefetched fields when there are."""
        return "、".join(field.name for field in self.training_fields.all())

    @property
    def is_priority(self) -> bool:
        return self.is_city_base or self.is_industry_base

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE

    @property
    def is_returned(self) -> bool:
        """Sent back to the institution for changes (by its recommender or the province)."""
        return self.state == State.RETURNED

    @property
    def is_approved(self) -> bool:
        return self.state == State.APPROVED

    @property
    def is_turned_down(self) -> bool:
        """Ended by a decision against it: not recommended, or not recognised."""
        return self.state in (State.NOT_RECOMMENDED, State.REJECTED)

    @property
    def applicant_state_label(self) -> str:
        return APPLICANT_LABELS.get(self.state, self.get_state_display())

    @property
    def recommender(self):
        return self.recommender_region or self.recommender_department

    @property
    def recommender_name(self) -> str:
        if self.recommender_region_id:
            return self.recommender_region.hr_unit_name
        if self.recommender_department_id:
            return self.recommender_department.name
        return "（未选择）"


class Degree(models.TextChoices):
    DOCTOR = "doctor", "博士研究生"
    MASTER = "master", "硕士研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大专"
    OTHER = "other", "其他"


BACHELOR_OR_ABOVE = (Degree.DOCTOR, Degree.MASTER, Degree.BACHELOR)


class PersonKind(models.TextChoices):
    MANAGER = "manager", "专职管理人员"
    FACULTY = "faculty", "骨干师资"


class ApplicationPerson(models.Model):
    """A full-time manager or key faculty member listed in an application (Art. 7(3))."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="people", verbose_name="申报")
    kind = models.CharField("类别", max_length=10, choices=PersonKind.choices)
    name = models.CharField("姓名", max_length=50)
    degree = models.CharField("学历", max_length=10, choices=Degree.choices)
    title = models.CharField("职务/职称", max_length=50, blank=True)
    full_time = models.BooleanField("专职", default=True)
    specialty = models.CharField("专业领域", max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = verbose_name_plural = "管理人员与师资"

    def __str__(self):
        return self.name

    @property
    def has_bachelor(self) -> bool:
        return self.degree in BACHELOR_OR_ABOVE


class Condition(models.TextChoices):
    """What a supporting document evidences; each names its article."""

    LEGAL = "legal", "法人登记证书及培训资质证明（第七条第一项）"
    VENUE = "venue", "办公场地及教学场所、设施证明（第七条第二项）"
    PRACTICAL = "practical", "实训场所或实训合作协议（第七条第二项）"
    STAFF = "staff", "管理人员学历及师资证明（第七条第三项）"
    RULE_TEACHING = "rule_teaching", "教学组织管理制度（第七条第四项）"
    RULE_ASSESSMENT = "rule_assessment", "学员考核管理制度（第七条第四项）"
    RULE_REGISTRATION = "rule_registration", "培训登记管理制度（第七条第四项）"
    RULE_EVALUATION = "rule_evaluation", "培训效果评估制度（第七条第四项）"
    RULE_LOGISTICS = "rule_logistics", "后勤保障制度（第七条第四项）"
    RULE_FINANCE = "rule_finance", "财务管理制度（第七条第四项）"
    EXPERIENCE = "experience", "近三年培训情况证明（第七条第五项）"
    CREDIT = "credit", "信用情况证明（第七条第六项）"
    PLATFORM = "platform", "远程教育平台情况说明（第七条第七项）"
    PRIORITY = "priority", "市级或行业性基地认定文件（第八条第二项）"
    OTHER = "other", "其他佐证材料"
    SITE_VISIT = "site_visit", "实地考察材料（省人社厅）"


RULE_CONDITIONS = [
    Condition.RULE_TEACHING,
    Condition.RULE_ASSESSMENT,
    Condition.RULE_REGISTRATION,
    Condition.RULE_EVALUATION,
    Condition.RULE_LOGISTICS,
    Condition.RULE_FINANCE,
]
APPLICANT_CONDITIONS = [c for c in Condition if c != Condition.SITE_VISIT]


class ApplicationDocument(models.Model):
    """A supporting document (佐证材料); a replaced file stays, marked replaced, in the history."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="documents", verbose_name="申报"
    )
    condition = models.CharField("佐证事项", max_length=20, choices=Condition.choices)
    file = models.FileField("文件", storage=uploads.private_storage, upload_to=uploads.upload_path, max_length=200)
    kind = models.CharField("文件类型", max_length=10)
    content_type = models.CharField("MIME类型", max_length=100)
    original_name = models.CharField("文件名", max_length=150)
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    replaced_at = models.DateTimeField("被替换时间", null=True, blank=True)

    class Meta:
        ordering = ["condition", "uploaded_at", "id"]
        verbose_name = verbose_name_plural = "佐证材料"
        indexes = [models.Index(fields=["application", "condition"], name="document_condition_idx")]

    def __str__(self):
        return self.original_name

    @property
    def is_current(self) -> bool:
        return self.replaced_at is None

    @property
    def human_size(self) -> str:
        return uploads.human_size(self.size)


# The Art. 7 conditions a site visit's experts score, one row each (Art. 8(4), 26): [code, name, article].
VISIT_ITEMS = [
    ["legal", "独立法人资格及培训资质", "第七条第一项"],
    ["venue", "办公场地、教学场所和设施", "第七条第二项"],
    ["staff", "管理人员和师资队伍", "第七条第三项"],
    ["rules", "教学组织、考核、登记、评估、后勤和财务制度", "第七条第四项"],
    ["experience", "近三年培训情况", "第七条第五项"],
    ["credit", "信用情况", "第七条第六项"],
    ["platform", "远程教育平台", "第七条第七项"],
]


class SiteVisit(models.Model):
    """The province's on-site check of an applicant (Art. 8(4): 实地考察和核实)."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="site_visit", verbose_name="申报"
    )
    scheduled_on = models.DateField("考察日期")
    team = models.TextField("考察组成员")
    findings = models.TextField("考察情况", blank=True)
    recorded_at = models.DateTimeField("记录时间", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="记录人",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "实地考察"

    def __str__(self):
        return f"{self.application}：{self.scheduled_on}"


class BarKind(models.TextChoices):
    FRAUD = "fraud", "申报弄虚作假"
    REVOCATION = "revocation", "基地资格被撤销"
    CANCELLATION = "cancellation", "基地资格被取消"


class BarQuerySet(models.QuerySet):
    def in_force(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(last_day__isnull=True) | Q(last_day__gte=on), starts_on__lte=on, lifted_on=None)

    def blocking(self, on=None):
        """Bars that refuse an application on this day: those in force and those that start later.

        A revocation with a future effective date ends the base at once; its bar must leave no gap.
        """
        on = on or timezone.localdate()
        return self.filter(Q(last_day__isnull=True) | Q(last_day__gte=on), lifted_on=None)


class Bar(models.Model):
    """The province will not accept the institution's applications (Art. 24): for ever, or until last_day."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="bars", verbose_name="施教机构")
    kind = models.CharField("原因类别", max_length=20, choices=BarKind.choices)
    starts_on = models.DateField("起始日期")
    last_day = models.DateField("最后一日", null=True, blank=True, help_text="为空表示永久不再受理")
    reason = models.TextField("事由")
    article = models.CharField("依据", max_length=50, default="第二十四条")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="bars", verbose_name="申报"
    )
    base = models.ForeignKey(
        "bases.Base", on_delete=models.PROTECT, null=True, blank=True, related_name="bars", verbose_name="基地"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)
    # A decision set aside on appeal (行政复议, 行政诉讼) lifts the bar it imposed.
    lifted_on = models.DateField("解除日期", null=True, blank=True)
    lifted_reason = models.TextField("解除理由", blank=True)
    history = HistoricalRecords()

    objects = BarQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = verbose_name_plural = "不予受理记录"

    def __str__(self):
        return f"{self.institution}：{self.get_kind_display()}"

    @property
    def is_permanent(self) -> bool:
        return self.last_day is None

    @property
    def until_text(self) -> str:
        return "永久不再受理" if self.last_day is None else f"{self.last_day:%Y年%-m月%-d日}前不再受理（含当日）"


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "法定节假日（休息）"
    WORKDAY = "workday", "调休上班日"


class DaySource(models.TextChoices):
    OFFICIAL = "official", "国务院办公厅通知"
    PROVINCE = "province", "省人社厅登记"


class CalendarDay(models.Model):
    """An exception to the Monday-to-Friday week: a public holiday or a make-up working day, imported from the
    State Council's yearly notice (chinesecalendar) or entered by the province, whose entry wins."""

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类别", max_length=10, choices=DayKind.choices)
    name = models.CharField("名称", max_length=50, blank=True)
    source = models.CharField("来源", max_length=10, choices=DaySource.choices, default=DaySource.PROVINCE)
    history = HistoricalRecords()  # the calendar decides when a public notice ends: keep who changed it

    class Meta:
        ordering = ["date"]
        verbose_name = verbose_name_plural = "节假日安排"

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"


class PublicNotice(models.Model):
    """The proposed list of a batch published before approval (认定前公示), open to objections."""

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="notices", verbose_name="批次")
    title = models.CharField("标题", max_length=200)
    starts_on = models.DateField("公示开始日期")
    working_days = models.PositiveSmallIntegerField("公示期（工作日）", default=5)
    ends_on = models.DateField("公示截止日期")
    applications = models.ManyToManyField(Application, related_name="notices", verbose_name="拟认定申报")
    announcement = models.OneToOneField(
        "bases.Announcement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notice",
        verbose_name="公告",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="创建人"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = verbose_name_plural = "认定前公示"

    def __str__(self):
        return self.title

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.starts_on <= today <= self.ends_on


class Objection(models.Model):
    """An objection lodged by anyone during a public notice; the province records how it was resolved."""

    notice = models.ForeignKey(PublicNotice, on_delete=models.PROTECT, related_name="objections", verbose_name="公示")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="objections", verbose_name="异议对象"
    )
    name = models.CharField("姓名或单位", max_length=100)
    contact = models.CharField("联系方式", max_length=100)
    facts = models.TextField("异议事实和理由")
    evidence = models.FileField(
        "证明材料", storage=uploads.private_storage, upload_to=uploads.upload_path, max_length=200, blank=True
    )
    evidence_name = models.CharField("证明材料文件名", max_length=150, blank=True)
    evidence_type = models.CharField("证明材料类型", max_length=100, blank=True)
    kind = models.CharField("文件类型", max_length=10, blank=True)
    confirmation_number = models.CharField("受理编号", max_length=20, unique=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    resolution = models.TextField("处理结果", blank=True)
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="处理人",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = verbose_name_plural = "公示异议"

    def __str__(self):
        return self.confirmation_number

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


# -- the right to be heard (告知 — 陈述申辩), reports of fraud, and appeals (SPEC 2.10; Art. 24) -------------


class HearingKind(models.TextChoices):
    """The adverse decisions the party is heard on before they are taken (the values of DecisionKind)."""

    REFUSAL = "refusal", "不予认定"
    FRAUD = "fraud", "认定申报弄虚作假"
    REVOCATION = "revocation", "撤销基地资格"
    CANCELLATION = "cancellation", "取消基地资格"


class HearingState(models.TextChoices):
    OPEN = "open", "陈述申辩期内"
    ANSWERED = "answered", "已陈述申辩"
    WAIVED = "waived", "放弃陈述申辩"
    DECIDED = "decided", "已作出决定"
    DROPPED = "dropped", "不再作出决定"


# A hearing not yet closed by a decision, or by the province's choice not to decide.
PENDING_HEARING = frozenset({HearingState.OPEN, HearingState.ANSWERED, HearingState.WAIVED})


class Hearing(models.Model):
    """The notice of an intended adverse decision and the party's answer (告知 — 陈述申辩).

    The notice is itself a numbered document (core.models.Decision of kind hearing_notice). The party
    answers with a statement and files, or waives, until the deadline counted in working days; only then
    may the province decide, and the decision records what was said and how it was taken into account.
    """

    kind = models.CharField("拟作出的决定", max_length=20, choices=HearingKind.choices)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="hearings", verbose_name="当事人"
    )
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    subject_label = models.CharField("事项", max_length=200)
    facts = models.TextField("拟认定的事实")
    grounds = models.CharField("理由和依据", max_length=200)
    intended = models.TextField("拟作出的决定内容")
    # what the decision will need once taken (ground, effective date, order or request ids)
    proposal = models.JSONField("拟决定参数", default=dict, blank=True)
    notice = models.OneToOneField(
        "jxjy_portal.Decision", on_delete=models.PROTECT, related_name="+", verbose_name="告知书"
    )
    notified_on = models.DateField("告知日期")
    deadline = models.DateField("陈述申辩截止日期")
    state = models.CharField("状态", max_length=20, choices=HearingState.choices, default=HearingState.OPEN)
    statement = models.TextField("陈述申辩意见", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="陈述申辩人",
    )  # fmt: skip
    answered_at = models.DateTimeField("陈述申辩时间", null=True, blank=True)
    waived_at = models.DateTimeField("放弃陈述申辩时间", null=True, blank=True)
    response = models.TextField("对陈述申辩的采纳情况", blank=True)
    decision = models.OneToOneField(
        "jxjy_portal.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="决定",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="告知人"
    )
    created_at = models.DateTimeField("告知时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "告知与陈述申辩"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind"],
                condition=Q(state__in=["open", "answered", "waived"]),
                name="hearing_one_pending_per_subject",
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="hearing_subject_idx")]

    def __str__(self):
        return f"{self.subject_label}：拟{self.get_kind_display()}"

    @property
    def is_pending(self) -> bool:
        return self.state in PENDING_HEARING

    @property
    def kind_label(self) -> str:
        return self.get_kind_display()

    def deadline_passed(self, today=None) -> bool:
        return (today or timezone.localdate()) > self.deadline

    def may_be_decided(self, today=None) -> bool:
        """The party has answered, waived, or let the deadline pass."""
        return self.state in (HearingState.ANSWERED, HearingState.WAIVED) or (
            self.state == HearingState.OPEN and self.deadline_passed(today)
        )

    @property
    def what_was_said(self) -> str:
        """The sentence the decision records about the hearing."""
        notice = f"本厅于{self.notified_on:%Y年%-m月%-d日}以{self.notice.number}告知拟作出的决定"
        if self.waived_at:
            said = "当事人明确表示放弃陈述申辩"
        elif self.answered_at:
            said = f"当事人于{timezone.localtime(self.answered_at):%Y年%-m月%-d日}提出陈述申辩：{self.statement}"
        else:
            said = f"当事人在规定期限内（{self.deadline:%Y年%-m月%-d日}前）未提出陈述申辩"
        reply = f"\n经复核，{self.response}" if self.response else ""
        return f"{notice}，{said}。{reply}"


class HearingDocument(models.Model):
    """A file the party attaches to its statement."""

    hearing = models.ForeignKey(Hearing, on_delete=models.PROTECT, related_name="documents", verbose_name="告知")
    file = models.FileField("文件", storage=uploads.private_storage, upload_to=uploads.upload_path, max_length=200)
    kind = models.CharField("文件类型", max_length=10)
    content_type = models.CharField("MIME类型", max_length=100)
    original_name = models.CharField("文件名", max_length=150)
    size = models.PositiveBigIntegerField("大小")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = verbose_name_plural = "陈述申辩材料"

    def __str__(self):
        return self.original_name


class FraudReportState(models.TextChoices):
    SUBMITTED = "submitted", "待省人社厅核实"
    CONFIRMED = "confirmed", "已启动弄虚作假认定"
    DISMISSED = "dismissed", "不予采纳"


class FraudReport(models.Model):
    """A recommending unit's report that an application it reviews may be fraudulent (Art. 24)."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="fraud_reports", verbose_name="申报"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="报告人"
    )
    facts = models.TextField("涉嫌弄虚作假的事实")
    state = models.CharField(
        "状态", max_length=20, choices=FraudReportState.choices, default=FraudReportState.SUBMITTED
    )
    created_at = models.DateTimeField("报告时间", auto_now_add=True)
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)
    handled_note = models.TextField("处理意见", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "弄虚作假线索"

    def __str__(self):
        return f"{self.application}：{self.get_state_display()}"

    @property
    def state_label(self) -> str:
        return self.get_state_display()


class AppealKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", "行政复议"
    LITIGATION = "litigation", "行政诉讼"


class AppealState(models.TextChoices):
    PENDING = "pending", "审理中"
    UPHELD = "upheld", "维持原决定"
    VARIED = "varied", "变更原决定"
    SET_ASIDE = "set_aside", "撤销原决定"
    WITHDRAWN = "withdrawn", "申请人撤回"


class Appeal(models.Model):
    """An appeal against a decision of the province and how it ended; set aside restores what it undid."""

    decision = models.ForeignKey(
        "jxjy_portal.Decision", on_delete=models.PROTECT, related_name="appeals", verbose_name="被申请的决定"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="appeals", verbose_name="申请人"
    )
    kind = models.CharField("途径", max_length=20, choices=AppealKind.choices)
    authority = models.CharField("受理机关", max_length=100)
    case_number = models.CharField("案号", max_length=100, blank=True)
    filed_on = models.DateField("提起日期")
    state = models.CharField("状态", max_length=20, choices=AppealState.choices, default=AppealState.PENDING)
    outcome_on = models.DateField("结果日期", null=True, blank=True)
    outcome_note = models.TextField("结果说明", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-filed_on", "-id"]
        verbose_name = verbose_name_plural = "复议与诉讼"

    def __str__(self):
        return f"{self.decision.number}：{self.get_kind_display()}"

    @property
    def kind_label(self) -> str:
        return self.get_kind_display()

    @property
    def state_label(self) -> str:
        return self.get_state_display()
