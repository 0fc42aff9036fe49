"""Input of the task allocation, with Chinese messages at the field."""

from django import forms

from accounts.models import Region, TrainingField
from core.forms import StyledFormMixin

from .models import PARTS, Programme

WEIGHT_ERRORS = {
    "required": "请填写权重。",
    "invalid": "请输入整数。",
    "min_value": "权重不能小于0。",
    "max_value": "权重不能大于100。",
}


class WeightsForm(StyledFormMixin, forms.Form):
    """The six weights of the score (Art. 21, 22), adding up to 100."""

    def __init__(self, *args, with_year=False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_year:
            self.fields["year"] = forms.IntegerField(
                label="年度",
                min_value=2024,
                max_value=2100,
                error_messages={
                    "required": "请填写年度。",
                    "invalid": "请输入年份。",
                    "min_value": "年度不早于2024年。",
                    "max_value": "年度不晚于2100年。",
                },
            )
        for part, label, article in PARTS:
            self.fields[f"w_{part}"] = forms.IntegerField(
                label=f"{label}（{article}）", min_value=0, max_value=100, error_messages=WEIGHT_ERRORS
            )

    def clean(self):
        data = super().clean()
        values = [data.get(f"w_{part}") for part, _, _ in PARTS]
        if all(v is not None for v in values) and sum(values) != 100:
            raise forms.ValidationError(f"各项权重合计应为100，现为{sum(values)}。")
        return data

    def weights(self) -> dict[str, int]:
        return {part: self.cleaned_data[f"w_{part}"] for part, _, _ in PARTS}


class ProgrammeForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["name", "kind", "field", "unit", "quota", "budget", "target_regions"]
        widgets = {"target_regions": forms.CheckboxSelectMultiple}
        error_messages = {
            "name": {"required": "请填写项目名称。"},
            "kind": {"required": "请选择项目类别。"},
            "quota": {"required": "请填写任务总量。", "invalid": "请输入整数。", "min_value": "任务总量不能小于0。"},
            "budget": {"invalid": "请输入金额。"},
        }

    quota = forms.IntegerField(
        label="任务总量",
        min_value=0,
        error_messages={"required": "请填写任务总量。", "invalid": "请输入整数。", "min_value": "任务总量不能小于0。"},
    )
    budget = forms.DecimalField(
        label="经费（万元）",
        min_value=0,
        max_digits=10,
        decimal_places=2,
        required=False,
        error_messages={"invalid": "请输入金额。", "min_value": "经费不能小于0。", "max_digits": "金额过大。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].queryset = TrainingField.objects.in_use()
        self.fields["field"].empty_label = "不限领域"
        self.fields["target_regions"].queryset = Region.objects.all()

    def clean_budget(self):
        return self.cleaned_data.get("budget") or 0


class ApplyForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label="申请说明（可选）", max_length=300, required=False)


class DeliveryForm(StyledFormMixin, forms.Form):
    delivered = forms.IntegerField(
        label="实际完成",
        min_value=0,
        error_messages={"required": "请填写完成数量。", "invalid": "请输入整数。", "min_value": "完成数量不能小于0。"},
    )
    note = forms.CharField(label="说明（可选）", max_length=300, required=False)
