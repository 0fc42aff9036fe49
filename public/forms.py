"""Input of the public side: the register's filters and the plaque check."""

from django import forms

from accounts.models import InstitutionKind, Region, TrainingField
from bases.models import AnnouncementKind
from core.forms import StyledFormMixin

from .selectors import REGISTER_SORTS, REGISTER_STATUS_CHOICES, RegisterFilters


class RegisterFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="名称或编号", required=False, max_length=100)
    region = forms.ModelChoiceField(label="设区市", queryset=Region.objects.all(), required=False, empty_label="全部")
    field = forms.ModelChoiceField(
        label="培训领域", queryset=TrainingField.objects.all(), required=False, empty_label="全部"
    )
    institution_type = forms.ModelChoiceField(
        label="机构类型",
        queryset=InstitutionKind.objects.all(),
        to_field_name="code",
        required=False,
        empty_label="全部",
    )
    # A number, offered as a list of the years that have bases: any year filters, listed or not.
    year = forms.IntegerField(label="认定年度", required=False, min_value=2000, max_value=2100, widget=forms.Select)
    status = forms.ChoiceField(label="状态", required=False, choices=REGISTER_STATUS_CHOICES)
    sort = forms.ChoiceField(
        label="排序",
        required=False,
        choices=[
            ("number", "按编号"),
            ("-recognised", "按认定日期（新→旧）"),
            ("name", "按名称"),
            ("region", "按设区市"),
        ],
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.choices = [("", "全部"), *[(y, f"{y}年") for y in years]]

    def filters(self) -> RegisterFilters:
        if not self.is_valid():
            return RegisterFilters()
        d = self.cleaned_data
        return RegisterFilters(
            q=(d.get("q") or "").strip(),
            region=d["region"].pk if d.get("region") else None,
            field=d["field"].pk if d.get("field") else None,
            institution_type=d["institution_type"].code if d.get("institution_type") else "",
            year=d.get("year"),
            status=d.get("status") or "",
            sort=d.get("sort") if d.get("sort") in REGISTER_SORTS else "number",
        )


class AnnouncementFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="标题、正文或文号", required=False, max_length=100)
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部"), *AnnouncementKind.choices])
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100, widget=forms.Select)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.choices = [("", "全部"), *[(y, f"{y}年") for y in years]]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        d = self.cleaned_data
        return {"q": (d.get("q") or "").strip(), "kind": d.get("kind") or "", "year": d.get("year")}


class VerifyForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label="匾牌验证码", max_length=16, error_messages={"required": "请输入匾牌上的验证码。"})
