"""Input for the expert pool, declared ties, an expert's declaration and scored form, with Chinese messages
(Art. 26)."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from accounts.models import Institution, Region, User
from core import uploads
from core.forms import DateInput, StyledFormMixin

from .models import Expert, TieKind, Verdict

DATE_ERRORS = {"required": "请填写日期。", "invalid": "日期格式不正确。"}


class ExpertFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="姓名、工作单位或领域", required=False, max_length=100)
    region = forms.ModelChoiceField(
        label="所在设区市", queryset=Region.objects.all(), required=False, empty_label="全部设区市"
    )
    active = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), ("1", "在库可抽取"), ("0", "暂停抽取")]
    )

    def filters(self):
        from .selectors import ExpertFilters

        if not self.is_valid():
            return ExpertFilters()
        d = self.cleaned_data
        return ExpertFilters(
            q=d.get("q", "").strip(),
            region=d["region"].pk if d.get("region") else None,
            active={"1": True, "0": False}.get(d.get("active") or ""),
        )


class WorkloadFilterForm(StyledFormMixin, forms.Form):
    """The year of the workload page (the current one by default), and the pool's city, field and state."""

    year = forms.IntegerField(
        label="年度",
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": "请填写四位数的年度。",
            "min_value": "年度应在2000年至2100年之间。",
            "max_value": "年度应在2000年至2100年之间。",
        },
    )
    region = forms.ModelChoiceField(
        label="所在设区市", queryset=Region.objects.all(), required=False, empty_label="全部设区市"
    )
    field = forms.CharField(label="专业领域", required=False, max_length=100)
    active = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), ("1", "在库可抽取"), ("0", "暂停抽取")]
    )

    def filters(self, *, this_year: int):
        from .selectors import WorkloadFilters

        if not self.is_valid():  # a bad value shows its message; the page shows the current year meanwhile
            return WorkloadFilters(year=this_year)
        d = self.cleaned_data
        return WorkloadFilters(
            year=d.get("year") or this_year,
            region=d["region"].pk if d.get("region") else None,
            field=d.get("field", "").strip(),
            active={"1": True, "0": False}.get(d.get("active") or ""),
        )


class ExpertForm(StyledFormMixin, forms.ModelForm):
    """An expert's record; for one without an account, a user name and an initial password open it."""

    username = forms.CharField(
        label="登录名",
        required=False,
        max_length=150,
        help_text="开通专家本人的登录账号时填写；专家登录后只能看到抽取给本人的评审任务。",
    )
    password = forms.CharField(
        label="初始密码", required=False, strip=False, widget=forms.PasswordInput(render_value=True)
    )

    class Meta:
        model = Expert
        fields = ["name", "employer", "employer_institution", "region", "title", "fields", "phone", "email", "active"]
        error_messages = {
            "name": {"required": "请填写专家姓名。"},
            "employer": {"required": "请填写工作单位。"},
            "region": {"required": "请选择所在设区市。"},
            "title": {"required": "请填写职称或职务。"},
            "fields": {"required": "请填写专业领域。"},
            "phone": {"required": "请填写联系电话。"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer_institution"].queryset = Institution.objects.only("id", "name").order_by("name")
        self.fields["employer_institution"].empty_label = "（不是施教机构的工作人员）"
        self.fields["region"].queryset = Region.objects.all()
        if self.instance.user_id:
            del self.fields["username"], self.fields["password"]

    def clean(self):
        data = super().clean()
        username, password = (data.get("username") or "").strip(), data.get("password") or ""
        if username and not password:
            self.add_error("password", "开通账号须设置初始密码。")
        if password and not username:
            self.add_error("username", "设置初始密码须同时填写登录名。")
        if username and User.objects.filter(username__iexact=username).exists():
            self.add_error("username", "该登录名已被使用。")
        if username and password:
            try:
                password_validation.validate_password(password, User(username=username))
            except forms.ValidationError as error:
                self.add_error("password", error)
        data["username"] = username
        return data

    def expert_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class TieForm(StyledFormMixin, forms.Form):
    institution = forms.ModelChoiceField(
        label="机构", queryset=Institution.objects.none(), error_messages={"required": "请选择机构。"}
    )
    kind = forms.ChoiceField(
        label="关系", choices=[("", "— 请选择 —"), *TieKind.choices], error_messages={"required": "请选择关系。"}
    )
    ended_on = forms.DateField(
        label="结束日期",
        required=False,
        widget=DateInput(),
        error_messages=DATE_ERRORS,
        help_text="仍在持续的关系不填。",
    )
    note = forms.CharField(label="说明", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "tie")
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.only("id", "name").order_by("name")


class TieEndForm(StyledFormMixin, forms.Form):
    ended_on = forms.DateField(label="结束日期", widget=DateInput(), error_messages=DATE_ERRORS)


class DeclarationForm(StyledFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label="本人已阅读以上声明，确认与被评审机构不存在利害关系，并承诺保密。",
        error_messages={"required": "请勾选确认后再提交声明。"},
    )


class ReasonForm(StyledFormMixin, forms.Form):
    """The reason for giving up a seat: a conflict, a refusal, or the province's withdrawal."""

    reason = forms.CharField(label="原因", max_length=300, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, label: str = "原因", required_message: str = "请写明原因。", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = label
        field.error_messages["required"] = required_message
        field.error_messages["max_length"] = "原因不超过300字。"


class ScoreRowForm(StyledFormMixin, forms.Form):
    """One condition or item of the scored form: a score on the published scale, a verdict and a comment. The
    page shows it as a fieldset whose legend names the item; each input's label names the item too."""

    score = forms.DecimalField(
        label="分数",
        required=False,
        max_digits=4,
        decimal_places=1,
        error_messages={
            "invalid": "分数须为数字。",
            "max_digits": "分数最多保留一位小数。",
            "max_decimal_places": "分数最多保留一位小数。",
            "max_whole_digits": "分数超出评分标准。",
        },
    )
    verdict = forms.ChoiceField(
        label="结论",
        required=False,
        choices=[("", "— 请选择 —"), *Verdict.choices],
        error_messages={"invalid_choice": "请选择列出的结论。"},
    )
    comment = forms.CharField(
        label="意见",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "意见不超过2000字。"},
    )

    def __init__(self, *args, item: tuple[str, str, str], submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.code, self.item_label, self.article = item
        top = settings.EXPERT_SCORE_MAX
        score = self.fields["score"]
        score.widget.attrs.update({"min": 0, "max": top, "step": "0.5", "inputmode": "decimal"})
        score.help_text = f"0至{top}分"
        for field in self.fields.values():
            field.label = f"{self.item_label}：{field.label}"
        self.submitting = submitting

    def clean_score(self):
        score = self.cleaned_data.get("score")
        top = settings.EXPERT_SCORE_MAX
        if score is not None and not Decimal(0) <= score <= top:
            raise ValidationError(f"分数应在0至{top}分之间。")
        if score is None and self.submitting:
            raise ValidationError("提交前请填写分数。")
        return score

    def clean_verdict(self):
        verdict = self.cleaned_data.get("verdict") or ""
        if not verdict and self.submitting:
            raise ValidationError("提交前请选择结论。")
        return verdict


class BaseScoreRowFormSet(forms.BaseFormSet):
    """The rows of the scored form, one per item of the panel, fixed: no row is added or removed."""

    def __init__(self, *args, items, submitting=False, **kwargs):
        self.items, self.submitting = items, submitting
        super().__init__(*args, **kwargs)

    def total_form_count(self):
        # one form per item whatever the POST's management form says, so a tampered count drops or adds no row
        return len(self.items)

    def get_form_kwargs(self, index):
        return {"item": self.items[index], "submitting": self.submitting}

    def scores(self) -> dict[str, dict]:
        return {form.code: form.cleaned_data for form in self.forms}


def score_row_formset(items, *, data=None, initial=None, submitting=False):
    """The scored form's rows for `items` ([(code, label, article)]), bound to `data` or showing `initial`."""
    FormSet = forms.formset_factory(
        ScoreRowForm, formset=BaseScoreRowFormSet, extra=0, min_num=len(items), max_num=len(items), validate_max=True
    )
    return FormSet(data, initial=initial, prefix="row", items=items, submitting=submitting)


class SheetForm(StyledFormMixin, forms.Form):
    """What the scored form has beside its rows: a file to attach, and the confirmation asked on submitting."""

    attachment = forms.FileField(
        label="附件（可选）",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": uploads.ACCEPT_ATTR}),
    )
    confirm = forms.BooleanField(
        label="本人确认以上评分和意见真实、独立作出；提交后评分表锁定，不能修改，如需更正须提交更正版本。",
        required=False,
    )

    def __init__(self, *args, submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        limit = uploads.human_size(settings.UPLOAD_MAX_BYTES)
        self.fields[
            "attachment"
        ].help_text = f"现场照片、考察记录等；{uploads.ALLOWED_TEXT}，单个文件不超过{limit}，按文件内容识别类型。每次保存可附一个文件。"

    def clean_attachment(self):
        file = self.cleaned_data.get("attachment")
        return uploads.check(file) if file else None

    def clean_confirm(self):
        confirm = self.cleaned_data.get("confirm")
        if self.submitting and not confirm:
            raise ValidationError("提交前请勾选确认。")
        return confirm


class PanelForm(StyledFormMixin, forms.Form):
    """Forming a case's panel (Art. 26): the fields the experts are drawn from, how many, and whether the
    institution's own city sits out."""

    fields = forms.CharField(
        label="评审领域",
        max_length=300,
        error_messages={"required": "请填写评审领域。", "max_length": "评审领域不超过300字。"},
        help_text="从专业领域与之相符的在库专家中抽取；多个领域用顿号或逗号分隔。",
    )
    size = forms.IntegerField(
        label="专家人数",
        min_value=1,
        max_value=15,
        error_messages={
            "required": "请填写专家人数。",
            "invalid": "专家人数须为整数。",
            "min_value": "专家人数至少为1名。",
            "max_value": "专家人数不超过15名。",
        },
    )
    same_city_excluded = forms.BooleanField(label="回避与被评审机构同一设区市的专家", required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "panel")
        super().__init__(*args, **kwargs)
        self.initial.setdefault("size", settings.EXPERT_PANEL_SIZE)
        self.initial.setdefault("same_city_excluded", settings.EXPERT_AVOID_SAME_CITY)
