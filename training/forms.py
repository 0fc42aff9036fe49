"""Input for training classes, participants, the reveal of an ID number, and the lists' filters."""

from django import forms

from accounts.models import Region
from bases.models import Base, ServiceForm
from core import pii
from core.forms import DateInput, StyledFormMixin

from .models import ImportMode, Mode, Result

REQUIRED = {"required": "此项为必填。"}
A_DATE = {"required": "此项为必填。", "invalid": "请输入有效日期，如2026-03-02。"}
HOURS = {
    "required": "请填写学时。",
    "invalid": "请填写数字，如24或1.5。",
    "max_decimal_places": "学时最多保留一位小数。",
}
YES_NO = [("0", "否"), ("1", "是")]


def _yes(value) -> bool:
    return value == "1"


class TrainingClassForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="培训班名称", max_length=200, error_messages=REQUIRED)
    service_form = forms.ChoiceField(
        label="服务形式（第十三条）",
        choices=[("", "请选择"), *ServiceForm.choices],
        error_messages={"required": "请选择服务形式。", "invalid_choice": "请选择列出的服务形式。"},
    )
    field = forms.CharField(label="专业领域", max_length=100, required=False)
    starts_on = forms.DateField(label="开班日期", widget=DateInput, error_messages=A_DATE)
    ends_on = forms.DateField(label="结业日期", widget=DateInput, error_messages=A_DATE)
    hours = forms.DecimalField(label="总学时", max_digits=6, decimal_places=1, error_messages=HOURS)
    mode = forms.ChoiceField(
        label="培训方式",
        choices=Mode.choices,
        initial=Mode.OFFLINE,
        error_messages={"required": "请选择培训方式。", "invalid_choice": "请选择列出的培训方式。"},
    )
    venue = forms.CharField(label="培训地点", max_length=200, required=False, help_text="线上培训可不填。")
    is_public_benefit = forms.TypedChoiceField(
        label="公益性培训（第十四条）", choices=YES_NO, coerce=_yes, initial="0", error_messages=REQUIRED
    )
    record_id = forms.CharField(
        label="班级编号",
        max_length=64,
        required=False,
        help_text="本基地自编的班级编号，导入培训记录时据此找到本培训班；可不填。",
    )
    planned_trainees = forms.IntegerField(
        label="计划培训人数",
        min_value=0,
        initial=0,
        error_messages={"required": "此项为必填。", "invalid": "请填写整数。", "min_value": "人数不能为负数。"},
    )

    @classmethod
    def initial_for(cls, training_class) -> dict:
        names = [n for n in cls.base_fields if n != "is_public_benefit"]
        return {
            **{n: getattr(training_class, n) for n in names},
            "is_public_benefit": "1" if training_class.is_public_benefit else "0",
        }


class ParticipantForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=50, error_messages=REQUIRED)
    id_number = forms.CharField(label="身份证号码", max_length=30, error_messages={"required": "请填写身份证号码。"})
    employer = forms.CharField(label="工作单位", max_length=200, required=False)
    region = forms.ModelChoiceField(
        label="所在设区市",
        queryset=Region.objects.all(),
        required=False,
        empty_label="请选择",
        error_messages={"invalid_choice": "请选择列出的设区市。"},
    )
    from_priority_area = forms.TypedChoiceField(
        label="来自革命老区、民族地区、欠发达地区（第十四条）", choices=YES_NO, coerce=_yes, initial="0"
    )
    hours_attended = forms.DecimalField(
        label="参训学时", max_digits=6, decimal_places=1, min_value=0, error_messages=HOURS
    )
    result = forms.ChoiceField(
        label="考核结果",
        choices=Result.choices,
        initial=Result.NOT_ASSESSED,
        error_messages={"required": "请选择考核结果。", "invalid_choice": "请选择列出的考核结果。"},
    )

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hours_attended"].error_messages["min_value"] = "参训学时不能为负数。"
        if editing:  # the stored number is never put back into the form: typing one replaces it
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = "留空则保留原号码；填写则替换。"

    @classmethod
    def initial_for(cls, participant) -> dict:
        names = ("name", "employer", "region", "hours_attended", "result")
        return {
            **{n: getattr(participant, n) for n in names},
            "from_priority_area": "1" if participant.from_priority_area else "0",
        }


class RevealForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label="查看完整身份证号码的理由",
        max_length=500,
        help_text="查看将被记录（查看人、时间、理由）。",
        error_messages={"required": "请填写查看完整身份证号码的理由。"},
    )


class ClassFilterForm(forms.Form):
    """The filters of a class list; unknown values are ignored, never an error page."""

    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    service_form = forms.ChoiceField(label="服务形式", choices=[("", "全部"), *ServiceForm.choices], required=False)

    def lookups(self) -> dict:
        if not self.is_valid():
            return {}
        found = {}
        if year := self.cleaned_data.get("year"):
            found["starts_on__year"] = year
        if service_form := self.cleaned_data.get("service_form"):
            found["service_form"] = service_form
        return found


class ProvinceClassFilterForm(ClassFilterForm):
    region = forms.ModelChoiceField(label="设区市", queryset=Region.objects.all(), required=False, empty_label="全部")
    base = forms.ModelChoiceField(label="基地", queryset=Base.objects.none(), required=False, empty_label="全部")

    def __init__(self, *args, bases=None, **kwargs):
        super().__init__(*args, **kwargs)
        if bases is not None:
            self.fields["base"].queryset = bases

    def lookups(self) -> dict:
        found = super().lookups()
        if self.is_valid():
            if region := self.cleaned_data.get("region"):
                found["base__region"] = region
            if base := self.cleaned_data.get("base"):
                found["base"] = base
        return found


class ImportForm(StyledFormMixin, forms.Form):
    """The upload of a filled training sheet and how to apply it."""

    file = forms.FileField(
        label="培训记录文件",
        error_messages={"required": "请选择要导入的文件。"},
        help_text="用本页模板填写的Excel（.xlsx）或CSV文件；再次导入同一文件不会重复登记。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    mode = forms.ChoiceField(
        label="导入方式",
        choices=ImportMode.choices,
        initial=ImportMode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择导入方式。", "invalid_choice": "请选择导入方式。"},
        help_text="选择第二种方式时，无误的行先导入，有问题的行随同问题说明退回，修改后再导入即可。",
    )


class LearningRecordForm(StyledFormMixin, forms.Form):
    """The province looks a trainee up by ID number (Art. 28); the number is posted, never put in a URL."""

    id_number = forms.CharField(
        label="身份证号码",
        max_length=30,
        error_messages={"required": "请填写身份证号码。"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"}),
        help_text="18位居民身份证号码，最后一位可为X。",
    )
    reason = forms.CharField(
        label="查询理由",
        max_length=500,
        error_messages={"required": "请填写查询理由。"},
        help_text="查询将显示完整身份证号码，并记录查询人、时间和理由。",
    )

    def clean_id_number(self) -> str:
        number = pii.normalise(self.cleaned_data["id_number"])
        if (error := pii.id_number_error(number)) is not None:
            raise forms.ValidationError(error)
        return number


class LearningHoursForm(StyledFormMixin, forms.Form):
    """The province's export of every trainee's hours in a year (for the 继续教育证书, Art. 28)."""

    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "请填写年度。",
            "invalid": "请填写四位数的年度，如2026。",
            "min_value": "年度应在2000年至2100年之间。",
            "max_value": "年度应在2000年至2100年之间。",
        },
        help_text="按培训班开班日期所在年度统计。",
    )
    base = forms.ModelChoiceField(
        label="基地",
        queryset=Base.objects.none(),
        required=False,
        empty_label="全部基地",
        error_messages={"invalid_choice": "请选择列出的基地。"},
    )
    full_numbers = forms.ChoiceField(
        label="身份证号码",
        choices=[("0", "掩码显示（如3501**********1234）"), ("1", "完整号码（导出将被记录）")],
        initial="0",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择身份证号码的显示方式。", "invalid_choice": "请选择身份证号码的显示方式。"},
    )
    reason = forms.CharField(
        label="导出完整号码的理由",
        max_length=500,
        required=False,
        help_text="导出完整身份证号码时必填；导出人、时间、理由和号码数量将被记录。",
    )

    def __init__(self, *args, bases=None, **kwargs):
        super().__init__(*args, **kwargs)
        if bases is not None:
            self.fields["base"].queryset = bases

    def clean(self):
        cleaned = super().clean()
        cleaned["full_numbers"] = _yes(cleaned.get("full_numbers"))
        cleaned["reason"] = (cleaned.get("reason") or "").strip()
        if cleaned["full_numbers"] and not cleaned["reason"]:
            self.add_error("reason", "导出完整身份证号码时请填写理由。")
        return cleaned
