"""Input of the public side: the register's filters and the plaque check."""

from django import forms

from bases.models import AnnouncementKind
from core.forms import StyledFormMixin

from .selectors import REGISTER_SORTS, REGISTER_STATUS_CHOICES, RegisterFilters

# The cities, fields and kinds come as lists kept between changes (selectors.register_choices), not as querysets
# read on every request; a value not among them gets the message a model choice would.
NOT_A_CHOICE = {"invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]}


class RegisterFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="名称或编号", required=False, max_length=100)
    region = forms.TypedChoiceField(
        label="设区市", coerce=int, empty_value=None, required=False, error_messages=NOT_A_CHOICE
    )
    field = forms.TypedChoiceField(
        label="培训领域", coerce=int, empty_value=None, required=False, error_messages=NOT_A_CHOICE
    )
    institution_type = forms.ChoiceField(label="机构类型", required=False, error_messages=NOT_A_CHOICE)
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

    # the fields under "更多筛选与排序": all but the search box
    MORE = ("region", "field", "institution_type", "year", "status", "sort")

    def __init__(self, *args, choices, **kwargs):
        """`choices`: selectors.register_choices(), (value, label) pairs for region, field, institution_type, year."""
        super().__init__(*args, **kwargs)
        for name in ("region", "field", "institution_type"):
            self.fields[name].choices = [("", "全部"), *choices[name]]
        self.fields["year"].widget.choices = [("", "全部"), *choices["year"]]

    def filters(self) -> RegisterFilters:
        if not self.is_valid():
            return RegisterFilters()
        d = self.cleaned_data
        return RegisterFilters(
            q=(d.get("q") or "").strip(),
            region=d.get("region"),
            field=d.get("field"),
            institution_type=d.get("institution_type") or "",
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
