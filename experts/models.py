"""The expert pool (Art. 26), the declared ties that keep an expert off an institution's panels, and the
panels drawn at random for a case (双随机): every draw keeps its seed, its candidates and each exclusion with
its reason, so anyone can repeat it."""

import re

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from accounts.models import Institution, Region
from core import uploads

FIELD_SEPARATORS = re.compile(r"[、,，;；/\s]+")


def field_names(text: str) -> set[str]:
    """The fields (领域) named in a free-text list such as "工程技术、卫生健康"."""
    return {name for name in FIELD_SEPARATORS.split(text or "") if name}


class Expert(models.Model):
    """A person the province may send to judge an applicant or a base (Art. 26)."""

    name = models.CharField("姓名", max_length=50)
    employer = models.CharField("工作单位", max_length=200)
    employer_institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_experts",
        verbose_name="所在施教机构",
        help_text="专家本人是某施教机构的工作人员时选择；该机构的考察和考核一律回避。",
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="experts", verbose_name="所在设区市")
    title = models.CharField("职称/职务", max_length=100)
    fields = models.CharField("专业领域", max_length=300, help_text="多个领域用“、”分隔，如：工程技术、卫生健康。")
    phone = models.CharField("联系电话", max_length=30)
    email = models.EmailField("电子邮箱", blank=True)
    active = models.BooleanField("在库可抽取", default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expert",
        verbose_name="登录账号",
    )
    created_at = models.DateTimeField("入库时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "评审专家"

    def __str__(self):
        return f"{self.name}（{self.employer}）"

    @property
    def field_set(self) -> set[str]:
        return field_names(self.fields)

    @property
    def status_label(self) -> str:
        return "在库可抽取" if self.active else "暂停抽取"


class TieKind(models.TextChoices):
    EMPLOYER = "employer", "现工作单位"
    FORMER_EMPLOYER = "former_employer", "曾工作单位"
    TEACHING = "teaching", "授课"
    CONSULTING = "consulting", "咨询服务"
    OTHER = "other", "其他利害关系"


class Tie(models.Model):
    """A relationship the expert declared with an institution. It keeps the expert off that institution's
    panels while it lasts and for `EXPERT_TIE_YEARS` (3) years after it ended."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="ties", verbose_name="专家")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="expert_ties", verbose_name="机构"
    )
    kind = models.CharField("关系", max_length=20, choices=TieKind.choices)
    ended_on = models.DateField("结束日期", null=True, blank=True, help_text="仍在持续的关系不填。")
    note = models.CharField("说明", max_length=200, blank=True)
    declared_at = models.DateTimeField("申报时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["expert", "id"]
        verbose_name = verbose_name_plural = "专家申报的关联关系"

    def __str__(self):
        return f"{self.expert.name}—{self.institution.name}：{self.get_kind_display()}"


class PanelPurpose(models.TextChoices):
    SITE_VISIT = "site_visit", "申报实地考察（第八条第四项）"
    INSPECTION = "inspection", "基地考核（第二十条、第二十一条）"


class Panel(models.Model):
    """The experts who judge one case: a site visit of an application or an inspection of a base."""

    purpose = models.CharField("用途", max_length=20, choices=PanelPurpose.choices)
    case_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    case_id = models.PositiveBigIntegerField()
    case = GenericForeignKey("case_type", "case_id")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="panels", verbose_name="被评审机构"
    )
    case_label = models.CharField("评审事项", max_length=300)
    fields = models.CharField("评审领域", max_length=300)
    size = models.PositiveSmallIntegerField("专家人数")
    items = models.JSONField("评分项目", default=list, help_text="[[代码, 名称, 条款], …]")
    same_city_excluded = models.BooleanField("回避同一设区市", default=False)
    lookback_years = models.PositiveSmallIntegerField("近几年评审过的专家回避", default=3)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("组建时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "评审专家组"
        constraints = [
            models.UniqueConstraint(fields=["case_type", "case_id"], name="one_panel_per_case"),
        ]

    def __str__(self):
        return f"{self.case_label}（{self.get_purpose_display()}）"

    @property
    def purpose_label(self) -> str:
        return self.get_purpose_display()

    @property
    def case_url(self) -> str:
        """The case's own page, without reading the case (content types are cached)."""
        model = ContentType.objects.get_for_id(self.case_type_id).model_class()
        return model(pk=self.case_id).get_absolute_url()


class Draw(models.Model):
    """One random draw for a panel: the first, or one replacing an expert who refused or declared a conflict.
    `draw_panel(seed, candidate_ids, count)` on the stored inputs gives `drawn_ids` again."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="draws", verbose_name="专家组")
    seed = models.BigIntegerField("随机种子")
    count = models.PositiveSmallIntegerField("抽取人数")
    considered_ids = models.JSONField("领域相符的在库专家")
    exclusions = models.JSONField("回避", default=list, help_text="[[专家id, 原因], …]")
    candidate_ids = models.JSONField("候选专家（按编号排序）")
    drawn_ids = models.JSONField("抽中专家")
    replaces = models.ForeignKey(
        "Assignment", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="替补对象"
    )
    reason = models.CharField("抽取原因", max_length=200)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField("抽取时间", auto_now_add=True)

    class Meta:
        ordering = ["panel", "id"]
        verbose_name = verbose_name_plural = "专家抽取记录"

    def __str__(self):
        return f"{self.panel}：{self.reason}"


class AssignmentState(models.TextChoices):
    DRAWN = "drawn", "待声明"
    DECLARED = "declared", "已声明无利害关系"
    CONFLICT = "conflict", "申报有利害关系（回避）"
    REFUSED = "refused", "不能参加"
    WITHDRAWN = "withdrawn", "被撤回"


SEATED = [AssignmentState.DRAWN, AssignmentState.DECLARED]  # who holds a seat on the panel


class Assignment(models.Model):
    """An expert's seat on a panel: drawn, then declared free of conflict (only then may they open the
    case's files), or given up by a conflict or a refusal, which draws a replacement."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="assignments", verbose_name="专家组")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="assignments", verbose_name="专家")
    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="assignments", verbose_name="抽取记录")
    state = models.CharField("状态", max_length=20, choices=AssignmentState.choices, default=AssignmentState.DRAWN)
    declare_by = models.DateField("声明截止日期")
    declared_at = models.DateTimeField("声明时间", null=True, blank=True)
    declaration = models.TextField("声明内容", blank=True)
    ended_reason = models.CharField("回避或退出原因", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["panel", "id"]
        verbose_name = verbose_name_plural = "专家评审任务"
        constraints = [
            models.UniqueConstraint(fields=["panel", "expert"], name="expert_once_per_panel"),
        ]
        indexes = [models.Index(fields=["expert", "state"], name="assignment_expert_state_idx")]

    def __str__(self):
        return f"{self.expert.name}：{self.panel}"

    @property
    def may_open_files(self) -> bool:
        """Only a declaration free of conflict opens the case's files (Art. 26)."""
        return self.state == AssignmentState.DECLARED

    @property
    def is_seated(self) -> bool:
        return self.state in SEATED


# -- scored forms (Art. 26; the site visit's Art. 7 conditions, the inspection's Art. 20 items) --------------


def validate_score(value) -> None:
    """A score on the published scale, 0 to EXPERT_SCORE_MAX (read when checked, so the scale is a setting)."""
    top = settings.EXPERT_SCORE_MAX
    if value is not None and not 0 <= value <= top:
        raise ValidationError(f"分数应在0至{top}分之间。", code="out_of_scale")


class Verdict(models.TextChoices):
    """An expert's verdict on one condition or item (the same three words as the inspection's findings)."""

    MEETS = "meets", "符合"
    PARTLY = "partly", "基本符合"
    FAILS = "fails", "不符合"


class SheetState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    SUPERSEDED = "superseded", "已被更正版本取代"


class ScoreSheet(models.Model):
    """One version of an expert's scored form for their seat: a draft, then submitted and locked. A correction
    is a new version made from the last submitted one; when it is submitted the old one is kept, superseded."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="sheets", verbose_name="评审任务")
    version = models.PositiveSmallIntegerField("版本", default=1)
    state = models.CharField("状态", max_length=20, choices=SheetState.choices, default=SheetState.DRAFT)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="更正的版本"
    )
    reason = models.CharField("更正原因", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("保存时间", auto_now=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)

    class Meta:
        ordering = ["assignment", "version"]
        verbose_name = verbose_name_plural = "专家评分表"
        constraints = [
            models.UniqueConstraint(fields=["assignment", "version"], name="one_sheet_per_version"),
            models.UniqueConstraint(
                fields=["assignment"], condition=models.Q(state="draft"), name="one_draft_sheet_per_seat"
            ),
        ]

    def __str__(self):
        return f"{self.assignment}：评分表第{self.version}版"

    @property
    def is_locked(self) -> bool:
        return self.state != SheetState.DRAFT


class ScoreRow(models.Model):
    """The expert's score, verdict and comment on one item of the panel (a condition or an inspection item)."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="rows", verbose_name="评分表")
    position = models.PositiveSmallIntegerField("序号")
    code = models.CharField("项目代码", max_length=50)
    label = models.CharField("项目", max_length=200)
    article = models.CharField("条款", max_length=50, blank=True)
    score = models.DecimalField(
        "分数", max_digits=4, decimal_places=1, null=True, blank=True, validators=[validate_score]
    )
    verdict = models.CharField("结论", max_length=10, choices=Verdict.choices, blank=True)
    comment = models.TextField("意见", blank=True, max_length=2000)

    class Meta:
        ordering = ["sheet", "position"]
        verbose_name = verbose_name_plural = "评分项"
        constraints = [models.UniqueConstraint(fields=["sheet", "code"], name="one_score_per_item")]

    def __str__(self):
        return f"{self.label}：{self.score}"


class ScoreDocument(models.Model):
    """A file the expert attaches to a version of their scored form (photos, notes of the visit)."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.PROTECT, related_name="documents", verbose_name="评分表")
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
        verbose_name = verbose_name_plural = "评分表附件"

    def __str__(self):
        return self.original_name
