"""Input for scheduling, recording and deciding supervision matters, with Chinese messages."""

from datetime import date

from django import forms
from django.utils import timezone

from accounts.models import InspectorUnit, InstitutionKind, Region
from bases.models import BaseStatus
from core.forms import DateInput, StyledFormMixin
from core.uploads import ACCEPT_ATTR

from .models import Duty, Ground, InspectionKind, InspectionState, Item, Result, RevocationGround, Verdict

FILE_WIDGET = forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR})
DATE_ERRORS = {"required": "请填写日期。", "invalid": "日期格式不正确。"}


class ScheduleForm(StyledFormMixin, forms.Form):
    base = forms.ModelChoiceField(label="基地", queryset=None, error_messages={"required": "请选择基地。"})
    kind = forms.ChoiceField(label="类别", choices=InspectionKind.choices)
    scheduled_on = forms.DateField(label="考核日期", widget=DateInput(), error_messages=DATE_ERRORS)
    province_team = forms.CharField(label="省人社厅考核人员", required=False, max_length=200)
    inspector_unit = forms.ModelChoiceField(
        label="受委托考核单位",
        required=False,
        empty_label="（不委托）",
        queryset=InspectorUnit.objects.filter(active=True),
    )

    def __init__(self, *args, bases=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["base"].queryset = bases
        self.fields["base"].label_from_instance = lambda b: f"{b.register_number} {b.name}"

    def clean_scheduled_on(self):
        value = self.cleaned_data["scheduled_on"]
        if value < timezone.localdate():
            raise forms.ValidationError("考核日期不能早于今天。")
        return value

    def clean(self):
        data = super().clean()
        if not (data.get("province_team") or "").strip() and not data.get("inspector_unit"):
            self.add_error("province_team", "请填写省人社厅考核人员或选择受委托考核单位。")
        return data


class RecordForm(StyledFormMixin, forms.Form):
    """The nine items of Art. 20, each with a verdict, notes and an optional attachment, and the overall result."""

    inspected_on = forms.DateField(label="实地考核日期", widget=DateInput(), error_messages=DATE_ERRORS)
    result = forms.ChoiceField(
        label="考核结果", choices=[("", "— 请选择 —"), *Result.choices], error_messages={"required": "请选择考核结果。"}
    )
    summary = forms.CharField(
        label="考核意见", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "请填写考核意见。"}
    )
    expected_state = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, inspection=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = {row.item: row for row in inspection.items.all()} if inspection else {}
        for item in Item:
            row = current.get(item.value)
            self.fields[f"verdict_{item.value}"] = forms.ChoiceField(
                label=item.label,
                choices=[("", "— 结论 —"), *Verdict.choices],
                error_messages={"required": f"请对“{item.label}”作出结论。"},
                initial=row.verdict if row else "",
            )
            self.fields[f"notes_{item.value}"] = forms.CharField(
                label="情况说明",
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                initial=row.notes if row else "",
            )
            self.fields[f"file_{item.value}"] = forms.FileField(label="附件", required=False, widget=FILE_WIDGET)
        for name, field in self.fields.items():
            if name.startswith(("verdict_", "notes_", "file_")):
                css = {"verdict_": "form-select", "notes_": "form-control", "file_": "form-control form-control-sm"}
                field.widget.attrs["class"] = css[name[: name.index("_") + 1]]

    def item_rows(self):
        return [
            (item, self[f"verdict_{item.value}"], self[f"notes_{item.value}"], self[f"file_{item.value}"])
            for item in Item
        ]


class DecisionForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    expected_state = forms.CharField(widget=forms.HiddenInput, required=False)


class DrawForm(StyledFormMixin, forms.Form):
    size = forms.IntegerField(
        label="抽取数量",
        min_value=1,
        max_value=500,
        error_messages={"required": "请填写抽取数量。", "min_value": "至少抽取1家。"},
    )
    region = forms.ModelChoiceField(
        label="限定设区市", required=False, queryset=Region.objects.all(), empty_label="不限"
    )
    institution_type = forms.ModelChoiceField(
        label="限定机构类型",
        required=False,
        queryset=InstitutionKind.objects.in_use(),
        to_field_name="code",
        empty_label="不限",
    )
    status = forms.ChoiceField(
        label="限定状态",
        required=False,
        choices=[("", "在册且未暂停（正常、整改中）"), (BaseStatus.ACTIVE, "正常"), (BaseStatus.RECTIFYING, "整改中")],
    )
    scheduled_on = forms.DateField(label="抽查日期", widget=DateInput(), error_messages=DATE_ERRORS)
    province_team = forms.CharField(label="省人社厅抽查人员", required=False, max_length=200)
    assign_inspectors = forms.BooleanField(
        label="随机选派考核委托单位（回避基地所在设区市）",
        required=False,
        help_text="双随机、一公开：随机抽取检查对象，随机选派检查单位，检查结果公开。",
    )


class RectificationForm(StyledFormMixin, forms.Form):
    ground = forms.ChoiceField(label="整改事由（第二十三条第一款）", choices=Ground.choices)
    findings = forms.CharField(
        label="存在问题", widget=forms.Textarea(attrs={"rows": 4}), error_messages={"required": "请写明存在的问题。"}
    )
    deadline = forms.DateField(label="整改期限", widget=DateInput(), error_messages=DATE_ERRORS)


class ReportForm(StyledFormMixin, forms.Form):
    report = forms.CharField(
        label="整改报告", widget=forms.Textarea(attrs={"rows": 6}), error_messages={"required": "请填写整改报告。"}
    )
    attachment = forms.FileField(
        label="附件", required=False, widget=FILE_WIDGET, help_text="PDF、JPG、PNG、DOCX、XLSX。"
    )
    expected_state = forms.CharField(widget=forms.HiddenInput, required=False)


RESPONSE_FIELD = dict(
    label="对陈述申辩意见的复核和采纳情况",
    required=False,
    widget=forms.Textarea(attrs={"rows": 3}),
    max_length=4000,
    help_text="当事人提出陈述申辩的，须写明复核和采纳情况。",
)


class RevocationForm(StyledFormMixin, forms.Form):
    """First the notice of the intended revocation, then (`deciding`) the decision once the base is heard."""

    ground = forms.ChoiceField(
        label="事由（第二十三条）",
        choices=[
            c for c in RevocationGround.choices if c[0] not in (RevocationGround.REQUESTED, RevocationGround.FRAUD)
        ],
    )
    rectification = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label="具体情况", widget=forms.Textarea(attrs={"rows": 4}), error_messages={"required": "请写明具体情况。"}
    )
    effective_on = forms.DateField(label="生效日期", widget=DateInput(), error_messages=DATE_ERRORS)
    # The 文号 and the decision document are the portal's: it numbers the decision and issues its PDF.
    document = forms.FileField(label="附件（可选，如签批件扫描件）", required=False, widget=FILE_WIDGET)
    response = forms.CharField(**RESPONSE_FIELD)
    # the digest of the announcement previewed on the page: the decision publishes only what was seen
    digest = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, deciding=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not deciding:
            del self.fields["response"], self.fields["document"], self.fields["digest"]
            self.fields["reason"].label = "拟认定的事实（将写入告知书）"
            self.fields["effective_on"].label = "拟生效日期"


class CancellationRequestForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label="申请取消的理由",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请写明申请取消的理由。"},
    )


class CancellationDecisionForm(StyledFormMixin, forms.Form):
    decision = forms.CharField(label="决定意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    effective_on = forms.DateField(label="生效日期（同意取消时）", required=False, widget=DateInput())
    document = forms.FileField(label="附件（可选，同意取消时）", required=False, widget=FILE_WIDGET)
    apply_bar = forms.TypedChoiceField(
        label="是否适用第二十四条“三年内不再受理”（同意取消时）",
        choices=[("no", "不适用"), ("yes", "适用")],
        coerce=lambda v: v == "yes",
        empty_value=None,
        widget=forms.RadioSelect,
        required=False,
        help_text="默认：建设单位主动申请的不适用，推荐单位申请的适用；与默认不同的须写明理由。",
    )
    bar_ruling = forms.CharField(
        label="理由（与默认做法不同时必填）", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    response = forms.CharField(**RESPONSE_FIELD)
    # the digest of the announcement previewed on the page: a grant publishes only what was seen
    digest = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def clean(self):
        data = super().clean()
        if self.data.get("grant") is not None and not data.get("effective_on"):
            self.add_error("effective_on", "同意取消时请填写生效日期。")
        return data


class InspectionFilterForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部"), *InspectionKind.choices])
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *InspectionState.choices])
    region = forms.ModelChoiceField(label="设区市", required=False, queryset=Region.objects.all(), empty_label="全部")


class ObligationFilterForm(StyledFormMixin, forms.Form):
    """The obligations monitor's filters (issue 18 (4))."""

    duty = forms.ChoiceField(label="义务", required=False, choices=[("", "全部"), *Duty.choices])
    region = forms.ModelChoiceField(label="设区市", required=False, queryset=Region.objects.all(), empty_label="全部")
    level = forms.ChoiceField(
        label="情况", required=False, choices=[("", "未履行和即将到期"), ("2", "未履行"), ("1", "即将到期")]
    )


class ReminderForm(forms.Form):
    duty = forms.ChoiceField(
        label="义务",
        choices=Duty.choices,
        error_messages={"required": "请选择要提醒的义务。", "invalid_choice": "没有这项义务。"},
    )


class CapacityForm(StyledFormMixin, forms.Form):
    """A commissioned unit's monthly capacity for on-site inspections (Art. 20)."""

    unit = forms.ModelChoiceField(
        label="受委托考核单位",
        queryset=InspectorUnit.objects.filter(active=True),
        error_messages={"required": "请选择受委托考核单位。", "invalid_choice": "请选择启用中的受委托考核单位。"},
    )
    per_month = forms.IntegerField(
        label="每月考核能力（家）",
        min_value=0,
        max_value=500,
        error_messages={
            "required": "请填写每月考核能力。",
            "invalid": "请填写整数。",
            "min_value": "每月考核能力不能小于0。",
            "max_value": "每月考核能力不能超过500家。",
        },
    )


class MoveForm(StyledFormMixin, forms.Form):
    """Move one base of a draft plan to another month and unit."""

    month = forms.TypedChoiceField(
        label="考核月份", coerce=date.fromisoformat, error_messages={"required": "请选择考核月份。"}
    )
    unit = forms.ModelChoiceField(
        label="受委托考核单位",
        queryset=InspectorUnit.objects.filter(active=True, capacity__isnull=False).select_related("region"),
        error_messages={"required": "请选择受委托考核单位。", "invalid_choice": "请选择设定了考核能力的启用单位。"},
    )
    expected_state = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [("", "— 请选择 —")] + [
            (m.isoformat(), f"{m:%Y年%-m月}") for m in plan.month_starts()
        ]
        self.fields["unit"].label_from_instance = lambda u: f"{u.name}（{u.region.name if u.region_id else '—'}）"


class AcceptPlanForm(forms.Form):
    expected_state = forms.CharField(widget=forms.HiddenInput, required=False)
