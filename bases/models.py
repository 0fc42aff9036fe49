"""Recognised bases (省级继续教育基地) and their register numbers (Art. 8(4), 9)."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from accounts.models import Department, Institution, InstitutionKind, Region, TrainingField
from applications.models import BACHELOR_OR_ABOVE, Degree
from core import uploads
from core.periods import add_years


class BaseStatus(models.TextChoices):
    ACTIVE = "active", "正常"
    RECTIFYING = "rectifying", "整改中"
    SUSPENDED = "suspended", "暂停"
    REVOKED = "revoked", "已撤销"
    CANCELLED = "cancelled", "已取消"
    MERGED = "merged", "已合并"


# A live base holds its recognition: it is on the register, files, is inspected, may be rectified.
# A suspended base (Art. 23 second list (2)) still holds it while its building unit is restructured.
WORKING_STATUSES = frozenset({BaseStatus.ACTIVE, BaseStatus.RECTIFYING})
LIVE_STATUSES = WORKING_STATUSES | {BaseStatus.SUSPENDED}


def new_verification_code() -> str:
    """A plaque's verification code: 12 characters, no look-alikes (0/O, 1/I/L)."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(12))


class RegisterSequence(models.Model):
    """The last register number issued in a year; locked while the next is taken."""

    year = models.PositiveSmallIntegerField("年度", primary_key=True)
    last = models.PositiveIntegerField("已发最大序号", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "基地编号序列"

    def __str__(self):
        return f"{self.year}: {self.last}"


class BaseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def live(self):
        return self.filter(status__in=LIVE_STATUSES)

    def working(self):
        """Live and not suspended: the bases that train, are inspected and may be ordered to rectify."""
        return self.filter(status__in=WORKING_STATUSES)


class Base(models.Model):
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="bases", verbose_name="建设单位"
    )
    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="base", verbose_name="认定申报"
    )
    batch = models.ForeignKey("applications.Batch", on_delete=models.PROTECT, related_name="bases", verbose_name="批次")
    register_number = models.CharField("基地编号", max_length=40, unique=True)
    year = models.PositiveSmallIntegerField("认定年度")
    sequence = models.PositiveIntegerField("年度序号")
    recognised_on = models.DateField("认定日期")
    name = models.CharField("基地名称", max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name="所在设区市")
    # The unit that recommended the base (Art. 8(3)): its application's routing, copied when the base is created
    # (bases.services.create_base, in the recognition's transaction) so that a recommender's list of bases is
    # read from one index in its order, not through every base's application (issue 20).
    recommender_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # base_rec_region_idx leads with it
        related_name="+",
        verbose_name="推荐单位（设区市）",
    )
    recommender_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # base_rec_department_idx leads with it
        related_name="+",
        verbose_name="推荐单位（省级行业主管部门）",
    )
    institution_type = models.ForeignKey(
        InstitutionKind,
        on_delete=models.PROTECT,
        to_field="code",
        db_column="institution_type",
        related_name="bases",
        verbose_name="机构类型",
    )
    fields = models.CharField("培训领域", max_length=300)
    training_fields = models.ManyToManyField(
        TrainingField, related_name="bases", blank=True, verbose_name="培训领域（分类）"
    )
    address = models.CharField("地址", max_length=200)
    contact_person = models.CharField("联系人", max_length=50)
    phone = models.CharField("联系电话", max_length=30)
    email = models.EmailField("电子邮箱")
    website = models.URLField("网站", blank=True)
    status = models.CharField("状态", max_length=20, choices=BaseStatus.choices, default=BaseStatus.ACTIVE)
    status_changed_on = models.DateField("状态变更日期", null=True, blank=True)
    # Art. 20: an on-site periodic inspection at least every 3 years, from recognition or the last one.
    next_inspection_due = models.DateField("下次定期考核截止日", null=True, blank=True, db_index=True)
    commended_at = models.DateTimeField("表扬推广时间", null=True, blank=True)
    # Art. 4: a base merged into another (已合并); its register entry points to the surviving base
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="absorbed", verbose_name="并入基地"
    )
    verification_code = models.CharField("匾牌验证码", max_length=16, unique=True, default=new_verification_code)
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["recommender_region", "recommender_department"])

    objects = BaseQuerySet.as_manager()

    class Meta:
        ordering = ["year", "sequence"]
        verbose_name = verbose_name_plural = "省级继续教育基地"
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="base_number_unique_per_year"),
            models.CheckConstraint(
                name="base_one_recommender",
                condition=models.Q(recommender_region__isnull=True) | models.Q(recommender_department__isnull=True),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "region"], name="base_status_region_idx"),
            # a recommender's list (bases.selectors.bases_for): its rows in BASE_LIST_ORDER, and its bounded count
            models.Index(
                fields=["recommender_region", "year", "sequence"],
                name="base_rec_region_idx",
                condition=models.Q(recommender_region__isnull=False),
            ),
            models.Index(
                fields=["recommender_department", "year", "sequence"],
                name="base_rec_department_idx",
                condition=models.Q(recommender_department__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.register_number}）"

    @property
    def is_live(self) -> bool:
        """Does the base hold its recognition (正常, 整改中 or 暂停)?"""
        return self.status in LIVE_STATUSES

    @property
    def revocation(self):
        """The decision that ends (or will end) the base, unless set aside on appeal; None if there is none."""
        return next((r for r in self.revocations.all() if r.set_aside_on is None), None)

    @staticmethod
    def format_number(year: int, sequence: int) -> str:
        return f"闽继教基地〔{year}〕{sequence:03d}号"


class Suspension(models.Model):
    """A base's work suspended because its building unit is dissolved, merged or restructured (Art. 23
    second list (2)). If it is not restored within a year, the province may revoke on that ground."""

    base = models.ForeignKey(Base, on_delete=models.PROTECT, related_name="suspensions", verbose_name="基地")
    started_on = models.DateField("暂停日期")
    cause = models.TextField("暂停原因")
    decision = models.OneToOneField(
        "jxjy_portal.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="决定"
    )
    resumed_on = models.DateField("恢复日期", null=True, blank=True)
    resume_evidence = models.TextField("恢复依据", blank=True)
    warned_at = models.DateTimeField("届满提醒时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="决定人"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = verbose_name_plural = "暂停"

    def __str__(self):
        return f"{self.base.name}：{self.started_on}起暂停"

    @property
    def year_up_on(self):
        """The first day a revocation on this ground is allowed: a full year without restoration."""
        return add_years(self.started_on, 1)


class AdjustmentKind(models.TextChoices):
    CHANGE = "change", "调整"
    MERGER = "merger", "合并"


# What the province may adjust by decision (Art. 4: 撤并改): the base's fields, its institution type, its
# name and its building unit. The values applied are kept raw in `Adjustment.values`.
ADJUSTABLE_FIELDS = {
    "training_fields": "培训领域",
    "institution_type": "机构类型",
    "name": "基地名称",
    "institution": "建设单位",
}


class AdjustmentQuerySet(models.QuerySet):
    def pending(self):
        """Decided, but the effective date has not come yet."""
        return self.filter(took_effect_at__isnull=True)


class Adjustment(models.Model):
    """The province's adjustment of a base by decision (Art. 4): changed facts, or a merger into another base,
    taking effect on the decision's effective date. `changes` keeps what each field read before and after."""

    base = models.ForeignKey(Base, on_delete=models.PROTECT, related_name="adjustments", verbose_name="基地")
    kind = models.CharField("类别", max_length=10, choices=AdjustmentKind.choices, default=AdjustmentKind.CHANGE)
    changes = models.JSONField("调整内容", default=list, help_text="[{field, label, before, after}]")
    values = models.JSONField("调整后取值", default=dict, help_text="{字段: 调整后的值}")
    merged_into = models.ForeignKey(
        Base, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="并入基地"
    )
    reason = models.TextField("调整事由")
    effective_on = models.DateField("生效日期")
    decision = models.OneToOneField(
        "jxjy_portal.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="决定"
    )
    took_effect_at = models.DateTimeField("生效时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="决定人"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)
    history = HistoricalRecords()

    objects = AdjustmentQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_on", "-id"]
        verbose_name = verbose_name_plural = "基地调整"

    def __str__(self):
        return f"{self.base.name}{self.get_kind_display()}（{self.effective_on}）"

    @property
    def is_pending(self) -> bool:
        return self.took_effect_at is None

    @property
    def is_merger(self) -> bool:
        return self.kind == AdjustmentKind.MERGER


class FeeDisclosure(models.Model):
    """What a base tells the public about its training and fees (Art. 29)."""

    base = models.OneToOneField(Base, on_delete=models.PROTECT, related_name="fee_disclosure", verbose_name="基地")
    scope = models.TextField("继续教育范围")
    content = models.TextField("继续教育内容")
    fee_items = models.TextField("收费项目及标准", help_text="每行一项，如：公需科目培训 每人每学时 20元")
    updated_at = models.DateTimeField("最近更新", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "收费公开"

    def __str__(self):
        return f"{self.base.name}收费公开"

    @property
    def fee_lines(self) -> list[str]:
        return [line.strip() for line in self.fee_items.splitlines() if line.strip()]


class ChangeFilingState(models.TextChoices):
    SUBMITTED = "submitted", "待备案"
    RETURNED = "returned", "退回修改"
    ACCEPTED = "accepted", "已备案"
    WITHDRAWN = "withdrawn", "已撤回"


# The facts a base may change by filing (Art. 31: 机构名称、联系方式等重要信息).
CHANGEABLE_FIELDS = {
    "name": "基地名称",
    "contact_person": "联系人",
    "phone": "联系电话",
    "email": "电子邮箱",
    "address": "地址",
    "website": "网站",
}


class ChangeFiling(models.Model):
    """A base's filing of changed key facts (变更备案, Art. 31)."""

    base = models.ForeignKey(Base, on_delete=models.PROTECT, related_name="change_filings", verbose_name="基地")
    state = models.CharField(
        "状态", max_length=20, choices=ChangeFilingState.choices, default=ChangeFilingState.SUBMITTED, db_index=True
    )
    changes = models.JSONField("变更内容", help_text="{字段: 新值}")
    old_values = models.JSONField("变更前", default=dict)
    reason = models.TextField("变更原因")
    evidence = models.FileField(
        "证明材料", storage=uploads.private_storage, upload_to=uploads.upload_path, max_length=200
    )
    evidence_name = models.CharField("证明材料文件名", max_length=150)
    evidence_type = models.CharField("证明材料类型", max_length=100)
    kind = models.CharField("文件类型", max_length=10)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="提交人"
    )
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = verbose_name_plural = "变更备案"

    def __str__(self):
        return f"{self.base.name}变更备案"

    @property
    def change_rows(self) -> list[tuple[str, str, str]]:
        return [(CHANGEABLE_FIELDS.get(k, k), self.old_values.get(k, ""), v) for k, v in self.changes.items()]


class AnnouncementKind(models.TextChoices):
    NOTICE = "notice", "认定前公示"
    RECOGNITION = "recognition", "认定名单"
    INSPECTION = "inspection", "考核结果"
    COMMENDATION = "commendation", "表扬推广"
    REVOCATION = "revocation", "撤销资格"
    CHANGE = "change", "变更公告"
    ADJUSTMENT = "adjustment", "基地调整"
    ALLOCATION = "allocation", "培训任务分配"
    OTHER = "other", "其他公告"


class Announcement(models.Model):
    """A public announcement (公告) of the province (Art. 9, 21, 22, 23, 31)."""

    kind = models.CharField("类别", max_length=20, choices=AnnouncementKind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    published_at = models.DateTimeField("发布时间", db_index=True)
    batch = models.ForeignKey(
        "applications.Batch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="announcements",
        verbose_name="批次",
    )
    base = models.ForeignKey(
        Base, on_delete=models.PROTECT, null=True, blank=True, related_name="announcements", verbose_name="基地"
    )
    bases = models.ManyToManyField(Base, blank=True, related_name="listed_in", verbose_name="涉及基地")
    # the 文号 of the decision the announcement publishes (SPEC 2.10), if it publishes one
    number = models.CharField("文号", max_length=60, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="创建人",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = verbose_name_plural = "公告"

    def __str__(self):
        return self.title


# -- annual plan and report (年度计划备案, Art. 19) ------------------------------------------------------------

MIN_ANNUAL_TRAINEES = 1000  # Art. 7(5), 19


class FilingState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待备案"
    RETURNED = "returned", "退回修改"
    ACCEPTED = "accepted", "已备案"


# A filing handed to the province: it counts as filed for the year (Art. 19).
FILED_STATES = frozenset({FilingState.SUBMITTED, FilingState.ACCEPTED})


class ServiceForm(models.TextChoices):
    """The forms of continuing-education service of Art. 13."""

    MAJOR_PROJECT = "major_project", "承办省级专业技术人员继续教育重大专项工程项目"
    ADVANCED_SEMINAR = "advanced_seminar", "承办国家级、省级高级研修项目"
    COMMISSIONED = "commissioned", "举办政府部门、行业协会、企事业单位委托的培训班、研修班或进修班"
    PUBLIC_OR_PROFESSIONAL = "public_or_professional", "开展专业技术人员公需科目或专业科目培训"
    RESEARCH = "research", "开展继续教育理论研究，开发培训项目和培训课程"
    EXCHANGE = "exchange", "举办继续教育交流服务活动"


class AnnualFilingQuerySet(models.QuerySet):
    def flagged(self):
        return self.filter(
            models.Q(trained_total__lt=MIN_ANNUAL_TRAINEES) | models.Q(plan_trainees__lt=MIN_ANNUAL_TRAINEES)
        )

    def filed(self):
        return self.filter(state__in=[FilingState.SUBMITTED, FilingState.ACCEPTED])


class AnnualFiling(models.Model):
    """A base's report on year Y and its plan for Y+1, filed together by 31 December of Y (Art. 19)."""

    base = models.ForeignKey(Base, on_delete=models.PROTECT, related_name="annual_filings", verbose_name="基地")
    year = models.PositiveSmallIntegerField("报告年度")
    state = models.CharField(
        "状态", max_length=20, choices=FilingState.choices, default=FilingState.DRAFT, db_index=True
    )
    # The report on year Y.
    plan_execution = models.TextField("年度计划执行情况", blank=True)
    trained_total = models.PositiveIntegerField("培训专业技术人员人数", null=True, blank=True)
    priority_area_trainees = models.PositiveIntegerField(
        "其中革命老区、民族地区和不发达地区学员人数", null=True, blank=True, help_text="第十四条"
    )
    fees_charged = models.TextField("收费情况", blank=True, help_text="收费项目、标准及收费总额（第二十九条）")
    # The plan for year Y+1.
    plan_trainees = models.PositiveIntegerField("下一年度计划培训人数", null=True, blank=True)
    plan_description = models.TextField("下一年度计划", blank=True)

    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    overdue_marked_at = models.DateTimeField("逾期标记时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = AnnualFilingQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "base__year", "base__sequence"]
        verbose_name = verbose_name_plural = "年度计划备案"
        constraints = [models.UniqueConstraint(fields=["base", "year"], name="one_annual_filing_per_base_year")]
        indexes = [
            models.Index(fields=["year", "state"], name="filing_year_state_idx"),
            # the filings waiting for the province, newest year first, the longest waiting first (issue 20)
            models.Index(fields=["state", "-year", "submitted_at", "id"], name="filing_state_waiting_idx"),
        ]

    def __str__(self):
        return f"{self.base.name}{self.year}年度报告"

    @property
    def plan_year(self) -> int:
        return self.year + 1

    @property
    def is_overdue(self) -> bool:
        return self.overdue_marked_at is not None

    @property
    def filed_late(self) -> bool:
        """Submitted, but only after the 31 December deadline had passed (Art. 19)."""
        return self.is_overdue and self.submitted_at is not None

    @property
    def was_returned(self) -> bool:
        """Sent back by the province: the institution is filling it in again."""
        return self.state == FilingState.RETURNED

    @property
    def report_under_target(self) -> bool:
        return self.trained_total is not None and self.trained_total < MIN_ANNUAL_TRAINEES

    @property
    def plan_under_target(self) -> bool:
        return self.plan_trainees is not None and self.plan_trainees < MIN_ANNUAL_TRAINEES

    @property
    def flags(self) -> list[str]:
        out = []
        if self.report_under_target:
            out.append(
                f"{self.year}年培训{self.trained_total}人，不足{MIN_ANNUAL_TRAINEES}人（第七条第五项、第十九条）"
            )
        if self.plan_under_target:
            out.append(f"{self.plan_year}年计划培训{self.plan_trainees}人，不足{MIN_ANNUAL_TRAINEES}人（第十九条）")
        return out


class FilingPart(models.TextChoices):
    REPORT = "report", "年度执行"
    PLAN = "plan", "下一年度计划"


class FilingProgramme(models.Model):
    """Programmes held (report) or planned (plan) in one of Art. 13's service forms."""

    filing = models.ForeignKey(
        AnnualFiling, on_delete=models.CASCADE, related_name="programmes", verbose_name="年度报告"
    )
    part = models.CharField("部分", max_length=10, choices=FilingPart.choices)
    form = models.CharField("服务形式", max_length=30, choices=ServiceForm.choices)
    count = models.PositiveIntegerField("项目（班次）数")
    trainees = models.PositiveIntegerField("培训人数")
    history = HistoricalRecords()

    class Meta:
        ordering = ["part", "form", "id"]
        verbose_name = verbose_name_plural = "年度培训项目"
        constraints = [models.UniqueConstraint(fields=["filing", "part", "form"], name="one_row_per_form")]

    def __str__(self):
        return f"{self.get_part_display()}：{self.get_form_display()}"


class FilingCheckPolicy(models.Model):
    """The province's tolerance for the 真实性核查 of annual reports (Art. 20): how far a declared figure may
    differ from the base's training records before the filing queue flags it. One row; its history keeps who
    set which figure when."""

    DEFAULT_TOLERANCE = 10

    tolerance_percent = models.PositiveSmallIntegerField(
        "差异容忍度（%）",
        default=DEFAULT_TOLERANCE,
        validators=[MaxValueValidator(100)],
        help_text="申报数与培训记录相差超过该比例（占比相差超过该百分点）时提示。",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="设置人",
    )
    updated_at = models.DateTimeField("设置时间", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "年度报告真实性核查容忍度"

    def __str__(self):
        return f"{self.tolerance_percent}%"

    @classmethod
    def current(cls) -> "FilingCheckPolicy":
        return cls.objects.order_by("pk").first() or cls(tolerance_percent=cls.DEFAULT_TOLERANCE)


# -- the faculty pool (师资队伍库, Art. 16, 7(3)) ------------------------------------------------------------


class TeacherQuerySet(models.QuerySet):
    def current(self):
        """Teachers still in the pool: no end date."""
        return self.filter(active_to__isnull=True)


class Teacher(models.Model):
    """A teacher in a base's faculty pool (Art. 16); Art. 7(3) asks a bachelor's degree or above."""

    base = models.ForeignKey(Base, on_delete=models.PROTECT, related_name="teachers", verbose_name="基地")
    name = models.CharField("姓名", max_length=50)
    degree = models.CharField("学历", max_length=10, choices=Degree.choices)
    title = models.CharField("职称", max_length=50, blank=True)
    fields = models.CharField("专业领域", max_length=200, blank=True)
    full_time = models.BooleanField("专职", default=True)
    employer = models.CharField("工作单位", max_length=200, blank=True)
    courses = models.CharField("讲授课程", max_length=300, blank=True)
    active_from = models.DateField("入库日期")
    active_to = models.DateField("退出日期", null=True, blank=True)
    history = HistoricalRecords()

    objects = TeacherQuerySet.as_manager()

    class Meta:
        ordering = ["active_to", "name", "id"]
        verbose_name = verbose_name_plural = "师资"
        indexes = [models.Index(fields=["base", "active_to"], name="teacher_base_active_idx")]

    def __str__(self):
        return self.name

    @property
    def below_bachelor(self) -> bool:
        """Art. 7(3): 专(兼)职师资应当具备大学本科以上学历."""
        return self.degree not in BACHELOR_OR_ABOVE

    @property
    def is_current(self) -> bool:
        return self.active_to is None


# -- the courseware review log (Art. 18) ---------------------------------------------------------------------


class CourseKind(models.TextChoices):
    COURSEWARE = "courseware", "课件"
    COURSE = "course", "课程"


class Course(models.Model):
    """A course or a piece of courseware a base teaches with (Art. 18: 课程开发)."""

    base = models.ForeignKey(Base, on_delete=models.PROTECT, related_name="courses", verbose_name="基地")
    title = models.CharField("名称", max_length=200)
    field = models.CharField("专业领域", max_length=100, blank=True)
    kind = models.CharField("类别", max_length=12, choices=CourseKind.choices, default=CourseKind.COURSEWARE)
    updated_on = models.DateField("最近更新日期")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated_on", "-id"]
        verbose_name = verbose_name_plural = "课程与课件"

    def __str__(self):
        return self.title


class ReviewResult(models.TextChoices):
    PASSED = "passed", "通过"
    PASSED_AFTER_CHANGES = "amended", "修改后通过"
    FAILED = "failed", "不通过"


class CoursewareReview(models.Model):
    """A quality and ideology review of a course or courseware (Art. 18: 课件意识形态审核)."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="reviews", verbose_name="课程与课件")
    reviewer = models.CharField("审核人", max_length=100)
    reviewed_on = models.DateField("审核日期")
    result = models.CharField("审核结论", max_length=10, choices=ReviewResult.choices)
    notes = models.TextField("审核意见", blank=True)
    file = models.FileField(
        "审核材料", storage=uploads.private_storage, upload_to=uploads.upload_path, max_length=200, blank=True
    )
    original_name = models.CharField("文件名", max_length=150, blank=True)
    content_type = models.CharField("文件类型", max_length=100, blank=True)
    kind = models.CharField("文件格式", max_length=10, blank=True)
    size = models.PositiveIntegerField("文件大小", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reviewed_on", "-id"]
        verbose_name = verbose_name_plural = "课件审核记录"

    def __str__(self):
        return f"{self.course.title}：{self.get_result_display()}"
