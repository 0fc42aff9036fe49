"""Supervision (Art. 20-24): inspections and spot-check draws, rectification, revocation, cancellation requests."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import InspectorUnit
from bases.models import Base
from core import uploads
from core.periods import add_months, last_day_of_years


class InspectionKind(models.TextChoices):
    PERIODIC = "periodic", "定期考核（实地考察）"
    SPOT_CHECK = "spot_check", "不定期抽查"


class InspectionState(models.TextChoices):
    SCHEDULED = "scheduled", "待考核"
    RECORDED = "recorded", "待确认"
    CONFIRMED = "confirmed", "已确认"
    PUBLISHED = "published", "已公布"


class Result(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


class Item(models.TextChoices):
    """The nine items of Art. 20."""

    FACULTY = "faculty", "师资队伍建设情况"
    FACILITIES = "facilities", "设施配套情况"
    TASKS = "tasks", "继续教育任务完成情况"
    REPORT_VERACITY = "report_veracity", "年度计划执行情况（年度报告）真实性核查"
    COURSEWARE_UPDATES = "courseware_updates", "课件更新情况"
    COURSEWARE_REVIEW = "courseware_review", "课件及意识形态审核情况"
    CREDIT = "credit", "信用情况"
    PLATFORM = "platform", "与福建省继续教育公共服务平台对接情况"
    FEES = "fees", "继续教育收费标准公开情况"


class Verdict(models.TextChoices):
    MEETS = "meets", "符合"
    PARTLY = "partly", "基本符合"
    FAILS = "fails", "不符合"


class SpotCheckDraw(models.Model):
    """A random draw of bases for spot checks (Art. 21; 双随机、一公开): seed, filters and candidates kept to repeat it."""

    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="抽取人"
    )
    drawn_at = models.DateTimeField("抽取时间", auto_now_add=True)
    seed = models.BigIntegerField("随机种子")
    size = models.PositiveIntegerField("抽取数量")
    filters = models.JSONField("筛选条件", default=dict)
    filters_text = models.CharField("筛选条件说明", max_length=300, blank=True)
    candidate_ids = models.JSONField("候选基地（按编号排序）")
    sampled_ids = models.JSONField("抽中基地")
    unit_candidate_ids = models.JSONField("候选考核单位", default=list)
    assignments = models.JSONField("考核单位分配", default=dict, help_text="{基地id: 考核单位id}")
    scheduled_on = models.DateField("抽查日期")
    published_at = models.DateTimeField("结果公布时间", null=True, blank=True)

    class Meta:
        ordering = ["-drawn_at"]
        verbose_name = verbose_name_plural = "抽查抽签"

    def __str__(self):
        return f"{self.drawn_at:%Y-%m-%d} 抽查{self.size}家"


class Inspection(models.Model):
    base = models.ForeignKey(Base, on_delete=models.PROTECT, related_name="inspections", verbose_name="基地")
    kind = models.CharField("类别", max_length=20, choices=InspectionKind.choices)
    state = models.CharField(
        "状态", max_length=20, choices=InspectionState.choices, default=InspectionState.SCHEDULED, db_index=True
    )
    scheduled_on = models.DateField("考核日期")
    province_team = models.CharField("省人社厅考核人员", max_length=200, blank=True)
    inspector_unit = models.ForeignKey(
        InspectorUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name="受委托考核单位",
    )
    draw = models.ForeignKey(
        SpotCheckDraw, on_delete=models.PROTECT, null=True, blank=True, related_name="inspections", verbose_name="抽查"
    )
    inspected_on = models.DateField("实地考核日期", null=True, blank=True)
    result = models.CharField("考核结果", max_length=10, choices=Result.choices, blank=True)
    summary = models.TextField("考核意见", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="记录人",
    )
    recorded_at = models.DateTimeField("记录时间", null=True, blank=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="创建人"
    )
    created_at = models.DateTimeField("安排时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-scheduled_on", "-id"]
        verbose_name = verbose_name_plural = "考核与抽查"
        indexes = [models.Index(fields=["inspector_unit", "state"], name="inspection_unit_state_idx")]

    def __str__(self):
        return f"{self.base.name} {self.get_kind_display()} {self.scheduled_on}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:detail", args=[self.pk])

    @property
    def team_text(self) -> str:
        parts = [p for p in (self.province_team, self.inspector_unit.name if self.inspector_unit_id else "") if p]
        return "；".join(parts)


class InspectionItem(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="items", verbose_name="考核")
    item = models.CharField("考核内容", max_length=30, choices=Item.choices)
    verdict = models.CharField("结论", max_length=10, choices=Verdict.choices, blank=True)
    notes = models.TextField("情况说明", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "考核项目"
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="one_row_per_item")]

    def __str__(self):
        return self.get_item_display()


class SupervisionDocument(models.Model):
    """A file attached to an inspection item, a rectification report or a revocation decision."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, null=True, blank=True, related_name="documents", verbose_name="考核"
    )
    item = models.CharField("考核内容", max_length=30, choices=Item.choices, blank=True)
    rectification = models.ForeignKey(
        "RectificationOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name="整改通知",
    )
    revocation = models.ForeignKey(
        "Revocation", on_delete=models.PROTECT, null=True, blank=True, related_name="documents", verbose_name="撤销决定"
    )
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
        verbose_name = verbose_name_plural = "监督材料"

    def __str__(self):
        return self.original_name


class Ground(models.TextChoices):
    """Art. 23, first list: grounds for ordering rectification."""

    NONCOMPLIANCE = (
        "noncompliance",
        "不按本办法开展继续教育工作、不能完成继续教育任务或达不到教学管理要求（第二十三条第一款第一项）",
    )
    IRREGULAR = "irregular", "乱办班、乱收费、乱发证（第二十三条第一款第二项）"
    FAILED_INSPECTION = "failed_inspection", "定期考核或不定期抽查结果不合格（第二十三条第一款第三项）"


GROUND_ARTICLES = {
    Ground.NONCOMPLIANCE: "第二十三条第一款第一项",
    Ground.IRREGULAR: "第二十三条第一款第二项",
    Ground.FAILED_INSPECTION: "第二十三条第一款第三项",
}


class RectificationState(models.TextChoices):
    OPEN = "open", "整改中"
    REPORTED = "reported", "待核验"
    PASSED = "passed", "整改通过"
    FAILED = "failed", "整改未通过"


class RectificationOrder(models.Model):
    """An order to rectify by a deadline (责令限期整改, Art. 23 first list)."""

    base = models.ForeignKey(Base, on_delete=models.PROTECT, related_name="rectifications", verbose_name="基地")
    ground = models.CharField("整改事由", max_length=30, choices=Ground.choices)
    findings = models.TextField("存在问题")
    deadline = models.DateField("整改期限")
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, null=True, blank=True, related_name="rectifications", verbose_name="考核"
    )
    state = models.CharField(
        "状态", max_length=20, choices=RectificationState.choices, default=RectificationState.OPEN, db_index=True
    )
    report = models.TextField("整改报告", blank=True)
    reported_at = models.DateTimeField("报告时间", null=True, blank=True)
    verification = models.TextField("核验意见", blank=True)
    verified_at = models.DateTimeField("核验时间", null=True, blank=True)
    deadline_missed_at = models.DateTimeField("逾期标记时间", null=True, blank=True)
    # The formal decisions the portal issued (SPEC 2.10): the order itself, and the verdict on the report.
    decision = models.OneToOneField(
        "jxjy_portal.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="整改通知文书",
    )
    verification_decision = models.OneToOneField(
        "jxjy_portal.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="核验意见文书",
    )
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="下达人"
    )
    ordered_at = models.DateTimeField("下达时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-ordered_at", "-id"]
        verbose_name = verbose_name_plural = "限期整改"

    def __str__(self):
        return f"{self.base.name}整改（{self.deadline}）"

    @property
    def is_late(self) -> bool:
        """Still open after its deadline was marked missed."""
        return bool(self.deadline_missed_at and self.state == RectificationState.OPEN)

    @property
    def shortfall(self) -> str:
        """What went wrong, in the words of the revocation notice (Art. 23 first list)."""
        if self.state == RectificationState.FAILED:
            return "整改未通过"
        if self.state == RectificationState.REPORTED:
            return "整改报告逾期提交"
        return "整改逾期未报"

    @property
    def ends_in_revocation(self) -> bool:
        """Not passed, or the deadline missed: the base may lose its recognition (Art. 23 first list)."""
        if self.state == RectificationState.FAILED:
            return True
        if self.state == RectificationState.OPEN:
            return self.deadline < timezone.localdate()
        # a report that came only after the deadline does not undo the missed deadline (SPEC 2.6)
        return bool(
            self.state == RectificationState.REPORTED
            and self.reported_at
            and timezone.localdate(self.reported_at) > self.deadline
        )


class RevocationGround(models.TextChoices):
    FAILED_RECTIFICATION = "failed_rectification", "限期整改仍达不到要求（第二十三条第一款）"
    PUBLIC_OPINION = (
        "public_opinion",
        "师资、授课内容出现政治性、思想性、科学性、规范性问题或知识产权纠纷，引发重大舆情（第二十三条第二款第一项）",
    )
    SUSPENDED = "suspended", "因单位撤、并、改等原因导致继续教育工作暂停，一年内无法恢复（第二十三条第二款第二项）"
    REQUESTED = "requested", "建设单位或推荐单位主动申请取消（第二十三条第二款第三项）"
    FRAUD = "fraud", "申报材料弄虚作假、伪造申报材料（第二十四条）"


REVOCATION_ARTICLES = {
    RevocationGround.FAILED_RECTIFICATION: "第二十三条第一款",
    RevocationGround.PUBLIC_OPINION: "第二十三条第二款第一项",
    RevocationGround.SUSPENDED: "第二十三条第二款第二项",
    RevocationGround.REQUESTED: "第二十三条第二款第三项",
    RevocationGround.FRAUD: "第二十四条",
}


class Revocation(models.Model):
    """The end of a base's recognition: revoked, or cancelled on request (Art. 23); bars the institution (Art. 24)."""

    # A base has at most one revocation in force; one set aside on appeal stays on record beside it.
    base = models.ForeignKey(Base, on_delete=models.PROTECT, related_name="revocations", verbose_name="基地")
    ground = models.CharField("事由", max_length=30, choices=RevocationGround.choices)
    article = models.CharField("依据", max_length=50)
    reason = models.TextField("具体情况")
    effective_on = models.DateField("生效日期")
    # The formal decision the portal issued, numbered and rendered (SPEC 2.10); its 文号 is kept here too.
    decision = models.OneToOneField(
        "jxjy_portal.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="决定"
    )
    decision_number = models.CharField("决定文号", max_length=100)
    rectification = models.ForeignKey(
        RectificationOrder, on_delete=models.PROTECT, null=True, blank=True, verbose_name="整改通知"
    )
    cancellation_request = models.ForeignKey(
        "CancellationRequest", on_delete=models.PROTECT, null=True, blank=True, verbose_name="取消申请"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="决定人"
    )
    decided_at = models.DateTimeField("决定时间", auto_now_add=True)
    # Art. 24: a revocation always bars for 3 years; for a cancellation on request the province rules.
    bars = models.BooleanField("适用三年内不再受理", default=True)
    bar_ruling = models.TextField("是否适用不再受理的理由", blank=True)
    # A decision whose effective date lies ahead leaves the base live until that day (SPEC 2.7).
    took_effect_at = models.DateTimeField("生效时间", null=True, blank=True)
    # Set aside on appeal (行政复议, 行政诉讼): the base is restored and the bar lifted.
    set_aside_on = models.DateField("被撤销日期", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "撤销与取消"
        constraints = [
            models.UniqueConstraint(
                fields=["base"], condition=models.Q(set_aside_on=None), name="revocation_once_per_base"
            )
        ]

    def __str__(self):
        return f"{self.base.name}：{self.get_ground_display()}"

    @property
    def is_cancellation(self) -> bool:
        return self.ground == RevocationGround.REQUESTED

    @property
    def word(self) -> str:
        return "取消" if self.is_cancellation else "撤销"

    @property
    def bar_last_day(self):
        """The last day the institution may not apply (Art. 24: 3 years from the effective date), or None."""
        return last_day_of_years(self.effective_on, 3) if self.bars else None

    @property
    def is_pending(self) -> bool:
        """Decided, but its effective date has not come yet: the base still holds its recognition."""
        return self.took_effect_at is None and self.set_aside_on is None


class RequestState(models.TextChoices):
    SUBMITTED = "submitted", "待决定"
    GRANTED = "granted", "同意取消"
    REFUSED = "refused", "不予取消"


class CancellationRequest(models.Model):
    """A request by the base's institution or its recommending unit to cancel the base (Art. 23 second list (3))."""

    base = models.ForeignKey(Base, on_delete=models.PROTECT, related_name="cancellation_requests", verbose_name="基地")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申请人"
    )
    requester_role = models.CharField("申请方", max_length=20)
    reason = models.TextField("申请理由")
    state = models.CharField("状态", max_length=20, choices=RequestState.choices, default=RequestState.SUBMITTED)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decision = models.TextField("决定意见", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "取消资格申请"

    def __str__(self):
        return f"{self.base.name}取消申请"


# -- the obligations monitor (issue 18 (4)) --------------------------------------------------------------------


class Duty(models.TextChoices):
    """The standing duties of a live base the province watches, each with its article (DUTY_ARTICLES)."""

    FEE_DISCLOSURE = "fee_disclosure", "公开收费项目及标准"
    FACULTY_POOL = "faculty_pool", "更新师资队伍库"
    RESULTS_PUBLISHED = "results_published", "公布考核结果"
    CHANGE_FILINGS = "change_filings", "变更备案"
    ANNUAL_FILING = "annual_filing", "年度计划备案"
    INSPECTION = "inspection", "定期考核"


DUTY_ARTICLES = {
    Duty.FEE_DISCLOSURE: "第二十九条",
    Duty.FACULTY_POOL: "第十六条",
    Duty.RESULTS_PUBLISHED: "第二十一条",
    Duty.CHANGE_FILINGS: "第三十一条",
    Duty.ANNUAL_FILING: "第十九条",
    Duty.INSPECTION: "第二十条",
}


class ObligationReminder(models.Model):
    """A reminder sent to a base about a duty it fails or that falls due: by a person, or by the monthly job
    (sent_by empty), which reminds a base of a duty at most once a calendar month."""

    base = models.ForeignKey(Base, on_delete=models.PROTECT, related_name="obligation_reminders", verbose_name="基地")
    duty = models.CharField("义务", max_length=30, choices=Duty.choices)
    month = models.DateField("提醒月份", help_text="该月第一天")
    note = models.CharField("提醒内容", max_length=300)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="提醒人",
        help_text="为空表示每月自动提醒",
    )
    sent_at = models.DateTimeField("提醒时间", auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = verbose_name_plural = "履职提醒"
        constraints = [
            models.UniqueConstraint(
                fields=["base", "duty", "month"],
                condition=models.Q(sent_by__isnull=True),
                name="one_automatic_obligation_reminder_a_month",
            )
        ]
        indexes = [models.Index(fields=["base", "duty", "month"], name="obligation_reminder_idx")]

    def __str__(self):
        return f"{self.base.name}：{self.get_duty_display()}（{self.month:%Y年%-m月}）"

    @property
    def article(self) -> str:
        return DUTY_ARTICLES[self.duty]


# -- the three-year inspection plan (Art. 20) ----------------------------------------------------------------


class UnitCapacity(models.Model):
    """How many on-site inspections a commissioned unit can carry out in a month (Art. 20); its changes are kept."""

    unit = models.OneToOneField(
        InspectorUnit, on_delete=models.PROTECT, related_name="capacity", verbose_name="受委托考核单位"
    )
    per_month = models.PositiveSmallIntegerField("每月考核能力（家）")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="设定人"
    )
    set_at = models.DateTimeField("设定时间", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["unit__name"]
        verbose_name = verbose_name_plural = "考核单位月考核能力"

    def __str__(self):
        return f"{self.unit.name}：每月{self.per_month}家"


class PlanState(models.TextChoices):
    DRAFT = "draft", "草案"
    ACCEPTED = "accepted", "已确定"


class InspectionPlan(models.Model):
    """A three-year schedule of the periodic inspections (Art. 20: every base at least once in 3 years):
    proposed by the portal, edited and accepted by the province."""

    starts_on = models.DateField("起始月份")  # the first day of the plan's first month
    months = models.PositiveSmallIntegerField("月数", default=36)
    state = models.CharField("状态", max_length=20, choices=PlanState.choices, default=PlanState.DRAFT, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="编制人"
    )
    created_at = models.DateTimeField("编制时间", auto_now_add=True)
    accepted_at = models.DateTimeField("确定时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "三年考核计划"

    def __str__(self):
        return f"{self.starts_on:%Y年%-m月}起三年定期考核计划"

    def get_absolute_url(self) -> str:
        return reverse("supervision:plan", args=[self.pk])

    @property
    def ends_on(self):
        """The first day of the month after the plan's last."""
        return add_months(self.starts_on, self.months)

    def month_starts(self) -> list:
        return [add_months(self.starts_on, n) for n in range(self.months)]


class PlannedInspection(models.Model):
    """One base in a plan: the month and the unit it is inspected by, or (unit empty) why it could not be fitted."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="entries", verbose_name="计划")
    base = models.ForeignKey(Base, on_delete=models.PROTECT, related_name="+", verbose_name="基地")
    due_on = models.DateField("应考核截止日")
    month = models.DateField("考核月份", null=True, blank=True)  # the first day of the month
    unit = models.ForeignKey(
        InspectorUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="受委托考核单位"
    )
    reason = models.CharField("未能安排的原因", max_length=300, blank=True)
    inspection = models.OneToOneField(
        Inspection, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="已安排的考核"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["month", "base__year", "base__sequence"]
        verbose_name = verbose_name_plural = "计划考核"
        constraints = [models.UniqueConstraint(fields=["plan", "base"], name="plan_base_once")]
        indexes = [models.Index(fields=["plan", "month", "unit"], name="planned_month_unit_idx")]

    def __str__(self):
        return f"{self.base.name} {self.month:%Y-%m}" if self.month else f"{self.base.name}（未安排）"

    @property
    def placed(self) -> bool:
        return self.unit_id is not None
