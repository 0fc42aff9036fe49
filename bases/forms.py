"""Input for the public register's filters, fee disclosure and change filings."""

from django import forms

from accounts.models import Institution, InstitutionKind, Region, TrainingField
from applications.models import Degree
from core.forms import DateInput, RowLabelledFormSet, StyledFormMixin
from core.uploads import ACCEPT_ATTR

from .models import (
    ADJUSTABLE_FIELDS,
    CHANGEABLE_FIELDS,
    AnnualFiling,
    Base,
    CourseKind,
    FeeDisclosure,
    FilingPart,
    FilingState,
    ReviewResult,
    ServiceForm,
)


class FeeDisclosureForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = FeeDisclosure
        fields = ["scope", "content", "fee_items"]
        widgets = {
            "scope": forms.Textarea(attrs={"rows": 3}),
            "content": forms.Textarea(attrs={"rows": 4}),
            "fee_items": forms.Textarea(attrs={"rows": 5}),
        }
        error_messages = {f: {"required": "此项为必填。"} for f in ("scope", "content", "fee_items")}


class ChangeFilingForm(StyledFormMixin, forms.Form):
    """New values for the facts that change; untouched fields keep their current value."""

    name = forms.CharField(label=CHANGEABLE_FIELDS["name"], max_length=200)
    contact_person = forms.CharField(label=CHANGEABLE_FIELDS["contact_person"], max_length=50)
    phone = forms.CharField(label=CHANGEABLE_FIELDS["phone"], max_length=30)
    email = forms.EmailField(label=CHANGEABLE_FIELDS["email"], error_messages={"invalid": "请输入有效的电子邮箱。"})
    address = forms.CharField(label=CHANGEABLE_FIELDS["address"], max_length=200)
    website = forms.URLField(
        label=CHANGEABLE_FIELDS["website"],
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "请输入有效的网址。"},
    )
    reason = forms.CharField(
        label="变更原因", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "请填写变更原因。"}
    )
    evidence = forms.FileField(
        label="证明材料",
        help_text="如登记机关的变更核准文件。PDF、JPG、PNG、DOCX、XLSX。",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR}),
        error_messages={"required": "请上传证明材料。"},
    )


class DecisionForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AnnualFilingForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = AnnualFiling
        fields = [
            "plan_execution",
            "trained_total",
            "priority_area_trainees",
            "fees_charged",
            "plan_trainees",
            "plan_description",
        ]
        widgets = {
            "plan_execution": forms.Textarea(attrs={"rows": 4}),
            "fees_charged": forms.Textarea(attrs={"rows": 3}),
            "plan_description": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            f: {"invalid": "请输入非负整数。", "min_value": "不能为负数。"}
            for f in ("trained_total", "priority_area_trainees", "plan_trainees")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        year = self.instance.year
        self.fields["trained_total"].label = f"{year}年培训专业技术人员人数"
        self.fields["trained_total"].help_text = "第十九条：每年培训不少于1000人。"
        self.fields["plan_trainees"].label = f"{year + 1}年计划培训人数"
        self.fields["plan_trainees"].help_text = "不少于1000人（第十九条）。"
        self.fields["plan_description"].label = f"{year + 1}年度计划"
        # static/js/sums.js compares each total with its part's programme rows as the user types
        self.fields["trained_total"].widget.attrs["data-sum-part"] = FilingPart.REPORT
        self.fields["plan_trainees"].widget.attrs["data-sum-part"] = FilingPart.PLAN


class ProgrammeForm(StyledFormMixin, forms.Form):
    part = forms.ChoiceField(label="部分", choices=FilingPart.choices)
    form = forms.ChoiceField(
        label="服务形式（第十三条）", choices=[("", "— 服务形式 —"), *ServiceForm.choices], required=False
    )
    count = forms.IntegerField(
        label="项目（班次）数",
        min_value=0,
        required=False,
        error_messages={"min_value": "不能为负数。", "invalid": "请输入整数。"},
    )
    trainees = forms.IntegerField(
        label="培训人数",
        min_value=0,
        required=False,
        error_messages={"min_value": "不能为负数。", "invalid": "请输入整数。"},
    )

    def has_changed(self):
        """The preset 部分 alone leaves a row blank: it is not saved and not checked."""
        return any(name != "part" for name in self.changed_data)

    def clean(self):
        data = super().clean()
        if data.get("form") and (data.get("count") is None or data.get("trainees") is None):
            self.add_error("count", "请填写项目数和培训人数。")
        if not data.get("form") and (data.get("count") is not None or data.get("trainees") is not None):
            self.add_error("form", "请选择这一行的服务形式，或清空这一行。")
        return data


class BaseProgrammeFormSet(RowLabelledFormSet):
    """The programmes of the year's report and of the next year's plan (Art. 19, by the service forms of
    Art. 13): each part still empty gets two blank rows of its own, and there are never fewer than two."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        listed = {row.get("part") for row in self.initial or []}
        self.blank_parts = [part for part in FilingPart.values if part not in listed for _ in range(2)]
        self.extra = max(2, len(self.blank_parts))

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is None or index >= self.initial_form_count():
            blank = None if index is None else index - self.initial_form_count()
            parts = [] if self.is_bound else self.blank_parts
            kwargs["initial"] = {"part": parts[blank] if blank is not None and blank < len(parts) else FilingPart.PLAN}
        return kwargs

    def rows(self) -> list[dict]:
        return [
            {k: f.cleaned_data[k] for k in ("part", "form", "count", "trainees")}
            for f in self.forms
            if getattr(f, "cleaned_data", None) and f.cleaned_data.get("form") and not f.cleaned_data.get("DELETE")
        ]


ProgrammeFormSet = forms.formset_factory(
    ProgrammeForm, formset=BaseProgrammeFormSet, extra=2, can_delete=True, max_num=24, validate_max=True
)


def programme_initial(filing) -> list[dict]:
    return [{"part": p.part, "form": p.form, "count": p.count, "trainees": p.trainees} for p in filing.programmes.all()]


class FilingToleranceForm(StyledFormMixin, forms.Form):
    """The tolerance of the 真实性核查 (Art. 20), in per cent."""

    tolerance_percent = forms.IntegerField(
        label="差异容忍度（%）",
        min_value=0,
        max_value=100,
        help_text="年度报告申报数与培训记录相差超过该比例（第十四条学员占比相差超过该百分点）时，在列表中提示“与培训记录不符”。",
        error_messages={
            "required": "请填写差异容忍度。",
            "invalid": "差异容忍度应为整数。",
            "min_value": "差异容忍度不能小于0。",
            "max_value": "差异容忍度不能大于100。",
        },
    )


class FilingFilterForm(StyledFormMixin, forms.Form):
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(
        label="状态", required=False, choices=[("", "已报送及逾期（默认）"), *FilingState.choices]
    )
    region = forms.ModelChoiceField(label="设区市", queryset=Region.objects.all(), required=False, empty_label="全部")
    flagged = forms.BooleanField(label="仅看不足1000人", required=False)
    overdue = forms.BooleanField(label="仅看逾期", required=False)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "全部"), *[(y, f"{y}年") for y in years]]

    def filters(self):
        from .selectors import FilingFilters

        if not self.is_valid():
            return FilingFilters()
        d = self.cleaned_data
        return FilingFilters(
            year=d.get("year"),
            state=d.get("state") or "",
            region=d["region"].pk if d.get("region") else None,
            flagged=bool(d.get("flagged")),
            overdue=bool(d.get("overdue")),
        )


DATE_ERRORS = {"required": "请填写日期。", "invalid": "日期格式不正确。"}


class SuspendForm(StyledFormMixin, forms.Form):
    started_on = forms.DateField(label="暂停日期", widget=DateInput(), error_messages=DATE_ERRORS)
    cause = forms.CharField(
        label="暂停原因（建设单位撤销、合并、改制等情况）",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": "请写明建设单位撤销、合并或改制等导致暂停的情况。"},
    )


class ResumeForm(StyledFormMixin, forms.Form):
    resumed_on = forms.DateField(label="恢复日期", widget=DateInput(), error_messages=DATE_ERRORS)
    evidence = forms.CharField(
        label="恢复依据（如新的建设单位、批准文件文号）",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": "请写明恢复的依据（如新的建设单位、批准文件）。"},
    )


# -- the faculty pool and the courseware log (Art. 16, 18) -------------------------------------------------

REQUIRED = {"required": "此项为必填。"}
A_DATE = {"required": "此项为必填。", "invalid": "请输入有效日期，如2025-01-01。"}


class TeacherForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=50, error_messages=REQUIRED)
    degree = forms.ChoiceField(
        label="学历",
        choices=[("", "请选择"), *Degree.choices],
        help_text="第七条第三项：专（兼）职师资应当具备大学本科以上学历；低于本科的将被标记。",
        error_messages={"required": "请选择学历。", "invalid_choice": "请选择列出的学历。"},
    )
    title = forms.CharField(label="职称", max_length=50, required=False)
    fields = forms.CharField(label="专业领域", max_length=200, required=False)
    full_time = forms.TypedChoiceField(
        label="专职或兼职",
        choices=[("1", "专职"), ("0", "兼职")],
        coerce=lambda v: v == "1",
        initial="1",
        error_messages={"required": "请选择专职或兼职。", "invalid_choice": "请选择专职或兼职。"},
    )
    employer = forms.CharField(label="工作单位", max_length=200, required=False)
    courses = forms.CharField(label="讲授课程", max_length=300, required=False)
    active_from = forms.DateField(label="入库日期", widget=DateInput, error_messages=A_DATE)

    @classmethod
    def initial_for(cls, teacher) -> dict:
        names = ("name", "degree", "title", "fields", "employer", "courses", "active_from")
        return {**{n: getattr(teacher, n) for n in names}, "full_time": "1" if teacher.full_time else "0"}


class EndTeacherForm(StyledFormMixin, forms.Form):
    active_to = forms.DateField(label="退出日期", widget=DateInput, error_messages=A_DATE)


class FacultyImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="填写好的模板",
        help_text="XLSX，用本页下载的模板填写；有任何一行不合格时，整个文件都不导入。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": "请选择要导入的Excel文件。"},
    )


class CourseForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="名称", max_length=200, error_messages=REQUIRED)
    field = forms.CharField(label="专业领域", max_length=100, required=False)
    kind = forms.ChoiceField(
        label="类别", choices=CourseKind.choices, error_messages={"invalid_choice": "请选择课件或课程。", **REQUIRED}
    )
    updated_on = forms.DateField(label="最近更新日期", widget=DateInput, error_messages=A_DATE)


class ReviewForm(StyledFormMixin, forms.Form):
    reviewer = forms.CharField(label="审核人", max_length=100, error_messages=REQUIRED)
    reviewed_on = forms.DateField(label="审核日期", widget=DateInput, error_messages=A_DATE)
    result = forms.ChoiceField(
        label="审核结论",
        choices=[("", "请选择"), *ReviewResult.choices],
        error_messages={"required": "请选择审核结论。", "invalid_choice": "请选择列出的审核结论。"},
    )
    notes = forms.CharField(label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    updated_on = forms.DateField(
        label="课件更新日期",
        required=False,
        widget=DateInput,
        help_text="审核的是更新后的新版本时填写，登记为该课件的最近更新日期。",
        error_messages=A_DATE,
    )
    file = forms.FileField(
        label="审核材料",
        required=False,
        help_text="可选：审核表或审核意见扫描件。PDF、JPG、PNG、DOCX、XLSX。",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR}),
    )


# -- adjustment and merger by the province (Art. 4) --------------------------------------------------------


class AdjustmentForm(StyledFormMixin, forms.Form):
    """The base's adjustable facts, filled in as they are; the province changes those it adjusts."""

    training_fields = forms.ModelMultipleChoiceField(
        label=ADJUSTABLE_FIELDS["training_fields"],
        queryset=TrainingField.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个培训领域。", "invalid_choice": "请选择列出的培训领域。"},
    )
    institution_type = forms.ModelChoiceField(
        label=ADJUSTABLE_FIELDS["institution_type"],
        queryset=InstitutionKind.objects.none(),
        to_field_name="code",
        empty_label=None,
        error_messages={"required": "请选择机构类型。", "invalid_choice": "请选择列出的机构类型。"},
    )
    name = forms.CharField(
        label=ADJUSTABLE_FIELDS["name"], max_length=200, error_messages={"required": "基地名称不能为空。"}
    )
    institution = forms.ModelChoiceField(
        label=ADJUSTABLE_FIELDS["institution"] + "（依托单位）",
        queryset=Institution.objects.none(),
        error_messages={"required": "请选择建设单位。", "invalid_choice": "请选择列出的建设单位。"},
    )
    reason = forms.CharField(
        label="调整事由（将写入决定书和公告）",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": "请写明调整的事由。"},
    )
    effective_on = forms.DateField(label="生效日期", widget=DateInput(), error_messages=DATE_ERRORS)
    # the digest of the announcement previewed on the page: the decision publishes only what was seen
    digest = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, fields, kinds, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["training_fields"].queryset = fields
        self.fields["institution_type"].queryset = kinds
        self.fields["institution"].queryset = institutions


class MergeForm(StyledFormMixin, forms.Form):
    merged_into = forms.ModelChoiceField(
        label="并入基地（合并后存续的基地）",
        queryset=Base.objects.all(),
        error_messages={"required": "请选择并入的基地。", "invalid_choice": "请选择列出的基地。"},
    )
    reason = forms.CharField(
        label="合并事由（将写入决定书和公告）",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": "请写明合并的事由。"},
    )
    effective_on = forms.DateField(label="生效日期", widget=DateInput(), error_messages=DATE_ERRORS)
    digest = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        # offered: the other live bases; any base is taken, so the service says why one may not be chosen
        self.fields["merged_into"].widget.choices = [("", "请选择")] + [
            (b.pk, f"{b.name}（{b.register_number}）") for b in targets
        ]
