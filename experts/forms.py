"""Input for the expert pool, declared ties and an expert's declaration, with Chinese messages (Art. 26)."""

from django import forms
from django.contrib.auth import password_validation

from accounts.models import Institution, Region, User
from core.forms import DateInput, StyledFormMixin

from .models import Expert, TieKind

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
