"""Task allocation (Art. 13, 14, 21, 22): each year's provincial programmes, the bases that apply to run
them, a proposal scored in the open from inspection results, commendation and past completion, the
province's confirmed shares (a decision with 文号, published), and what each base delivered."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q, Value
from simple_history.models import HistoricalRecords

from accounts.models import Region, TrainingField
from bases.models import Base

# The six parts of a base's score, in the order the pages show them: (weight field, label, article).
PARTS = [
    ("inspection", "考核抽查结果", "第二十一条"),
    ("commendation", "表扬推广", "第二十二条"),
    ("completion", "往年任务完成率", "第二十一条"),
    ("duty", "年培训千人任务", "第十九条"),
    ("field", "领域匹配", "第三条"),
    ("region", "地区倾斜", "第十四条"),
]


class RoundState(models.TextChoices):
    DRAFT = "draft", "编制中"
    CONFIRMED = "confirmed", "已决定"
    PUBLISHED = "published", "已公布"


class AllocationRound(models.Model):
    """One year's allocation of the provincial programmes, with the weights of the score (adding up to 100)."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    state = models.CharField("状态", max_length=20, choices=RoundState.choices, default=RoundState.DRAFT)
    w_inspection = models.PositiveSmallIntegerField("考核抽查结果权重", default=30, validators=[MaxValueValidator(100)])
    w_commendation = models.PositiveSmallIntegerField("表扬推广权重", default=10, validators=[MaxValueValidator(100)])
    w_completion = models.PositiveSmallIntegerField(
        "往年任务完成率权重", default=20, validators=[MaxValueValidator(100)]
    )
    w_duty = models.PositiveSmallIntegerField("年培训千人任务权重", default=15, validators=[MaxValueValidator(100)])
    w_field = models.PositiveSmallIntegerField("领域匹配权重", default=15, validators=[MaxValueValidator(100)])
    w_region = models.PositiveSmallIntegerField("地区倾斜权重", default=10, validators=[MaxValueValidator(100)])
    proposed_at = models.DateTimeField("测算时间", null=True, blank=True)
    decision = models.ForeignKey(
        "jxjy_portal.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="分配决定",
    )
    announcement = models.ForeignKey(
        "bases.Announcement", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="公告"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = verbose_name_plural = "年度培训任务分配"
        constraints = [
            # the weights of the six parts add up to 100 (the service says so in Chinese first)
            models.CheckConstraint(
                condition=Q(
                    w_inspection=Value(100)
                    - F("w_commendation")
                    - F("w_completion")
                    - F("w_duty")
                    - F("w_field")
                    - F("w_region")
                ),
                name="allocation_weights_add_up_to_100",
            ),
        ]

    def __str__(self):
        return f"{self.year}年度培训任务分配"

    @property
    def is_draft(self) -> bool:
        """Programmes, weights and shares change only while the year is drafted."""
        return self.state == RoundState.DRAFT

    @property
    def weights(self) -> dict[str, int]:
        return {part: getattr(self, f"w_{part}") for part, _, _ in PARTS}


class ProgrammeKind(models.TextChoices):
    """The forms of service of Art. 13 the province allocates."""

    MAJOR = "major", "省级专业技术人员继续教育重大专项工程项目"
    ADVANCED = "advanced", "国家级、省级高级研修项目"
    PUBLIC = "public", "公需科目培训"
    PROFESSIONAL = "professional", "专业科目培训"
    OTHER = "other", "其他政府委托继续教育公共服务项目"


class QuotaUnit(models.TextChoices):
    PLACES = "places", "人次"
    CLASSES = "classes", "班次"


class Programme(models.Model):
    """A provincial programme of the year: its field, quota, budget and the areas of Art. 14 it favours."""

    round = models.ForeignKey(AllocationRound, on_delete=models.CASCADE, related_name="programmes", verbose_name="年度")
    name = models.CharField("项目名称", max_length=200)
    kind = models.CharField("项目类别（第十三条）", max_length=20, choices=ProgrammeKind.choices)
    field = models.ForeignKey(
        TrainingField,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name="培训领域",
        help_text="不选表示面向所有领域（如公需科目）。",
    )
    unit = models.CharField("任务单位", max_length=10, choices=QuotaUnit.choices, default=QuotaUnit.PLACES)
    quota = models.PositiveIntegerField("任务总量")
    budget = models.DecimalField("经费（万元）", max_digits=10, decimal_places=2, default=0)
    target_regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="+",
        verbose_name="倾斜地区（第十四条）",
        help_text="革命老区、民族地区和欠发达地区所在的设区市；这些地区的基地在“地区倾斜”一项得满分。",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "kind", "id"]
        verbose_name = verbose_name_plural = "省级培训项目"

    def __str__(self):
        return self.name


class Share(models.Model):
    """A base's application to run a programme, its score by part, and the share proposed, allocated and
    delivered (Art. 21, 22)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="shares", verbose_name="项目")
    base = models.ForeignKey(Base, on_delete=models.PROTECT, related_name="task_shares", verbose_name="基地")
    note = models.CharField("申请说明", max_length=300, blank=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField("申请时间", auto_now_add=True)
    parts = models.JSONField("得分构成", default=dict, blank=True)
    score = models.DecimalField("综合得分", max_digits=6, decimal_places=2, null=True, blank=True)
    proposed = models.PositiveIntegerField("测算分配", null=True, blank=True)
    allocated = models.PositiveIntegerField("确定分配", null=True, blank=True)
    delivered = models.PositiveIntegerField("实际完成", null=True, blank=True)
    delivered_at = models.DateTimeField("完成情况报送时间", null=True, blank=True)
    delivery_note = models.CharField("完成情况说明", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "-score", "id"]
        verbose_name = verbose_name_plural = "基地任务份额"
        constraints = [models.UniqueConstraint(fields=["programme", "base"], name="one_share_per_base_and_programme")]
        indexes = [models.Index(fields=["base", "programme"], name="share_base_idx")]

    def __str__(self):
        return f"{self.base.name} · {self.programme.name}"

    @property
    def is_deliverable(self) -> bool:
        """Its base may report delivery: the year's allocation is published and the base was given a task."""
        return self.programme.round.state == RoundState.PUBLISHED and bool(self.allocated)

    @property
    def completion(self):
        """Delivered over allocated, in per cent (None until both are known)."""
        if not self.allocated or self.delivered is None:
            return None
        return round(100 * self.delivered / self.allocated)
