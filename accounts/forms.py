"""Account forms with Chinese messages."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    UserCreationForm,
)
from django.db.models import Q

from core.forms import StyledFormMixin, formfield

from .credit_code import normalise
from .models import Department, InspectorUnit, Institution, InstitutionKind, Region, Role, User


class InstitutionProfileForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        formfield_callback = formfield
        model = Institution
        fields = [
            "name",
            "credit_code",
            "type",
            "region",
            "legal_representative",
            "address",
            "contact_person",
            "phone",
            "email",
            "website",
        ]
        help_texts = {"credit_code": "18位，按GB 32100-2015校验。"}
        error_messages = {"credit_code": {"unique": "该统一社会信用代码已注册，请直接登录或联系省人社厅。"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].empty_label = "— 请选择 —"
        kind = self.fields["type"]
        kind.empty_label = "— 请选择 —"
        # the kinds still offered, and the institution's own if the province has since retired it (Art. 3)
        current = self.instance.type_id if self.instance.pk else None
        kind.queryset = InstitutionKind.objects.filter(Q(retired_on__isnull=True) | Q(code=current))

    def clean_credit_code(self):
        return normalise(self.cleaned_data["credit_code"])


class InstitutionAccountForm(StyledFormMixin, UserCreationForm):
    """The account part of an institution's self-registration."""

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "phone"]
        labels = {"username": "登录名", "email": "电子邮箱（用于通知和找回密码）"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["email"].required = True
        self.fields["password1"].label = "密码"
        self.fields["password2"].label = "确认密码"


class StaffAccountForm(StyledFormMixin, forms.ModelForm):
    """A staff account created by the province: the organisation must match the role."""

    password = forms.CharField(label="初始密码", widget=forms.PasswordInput(render_value=True), strip=False)

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "phone", "role", "region", "department", "inspector_unit"]
        labels = {"username": "登录名"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in (Role.RECOMMENDER, Role.PROVINCE, Role.INSPECTOR)]
        self.fields["region"].queryset = Region.objects.all()
        self.fields["department"].queryset = Department.objects.filter(active=True)
        self.fields["inspector_unit"].queryset = InspectorUnit.objects.filter(active=True)
        self.fields["full_name"].required = True
        self.fields["email"].required = True

    def clean(self):
        data = super().clean()
        role = data.get("role")
        region, department, unit = data.get("region"), data.get("department"), data.get("inspector_unit")
        if role == Role.RECOMMENDER and bool(region) == bool(department):
            self.add_error("region", "推荐单位账户须且只能选择一个设区市人社部门或一个省级行业主管部门。")
        if role == Role.INSPECTOR and not unit:
            self.add_error("inspector_unit", "考核委托单位账户须选择所属单位。")
        if role != Role.RECOMMENDER:
            data["region"] = data["department"] = None
        if role != Role.INSPECTOR:
            data["inspector_unit"] = None
        password = data.get("password")
        if password:
            try:
                password_validation.validate_password(password, User(username=data.get("username", "")))
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class DepartmentForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "active"]
        error_messages = {"name": {"unique": "已有同名的省级行业主管部门。"}}


class LoginForm(StyledFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "登录名或密码不正确。请注意区分大小写。",
        "inactive": "该账户已停用，请联系省人社厅。",
    }


class PortalPasswordChangeForm(StyledFormMixin, PasswordChangeForm):
    pass


class PortalPasswordResetForm(StyledFormMixin, PasswordResetForm):
    pass


class PortalSetPasswordForm(StyledFormMixin, SetPasswordForm):
    pass


class CategoryForm(StyledFormMixin, forms.Form):
    """A field or an institution kind as the province names and orders it (Art. 3)."""

    name = forms.CharField(label="名称", max_length=50, error_messages={"required": "请填写名称。"})
    order = forms.IntegerField(
        label="排序",
        required=False,
        min_value=0,
        max_value=999,
        help_text="数字小的排在前面。",
        error_messages={"invalid": "请输入整数。", "min_value": "不能为负数。", "max_value": "不能大于999。"},
    )


class AliasForm(StyledFormMixin, forms.Form):
    word = forms.CharField(
        label="别名（旧写法）",
        max_length=50,
        help_text="机构在申报中曾用的写法，如“医疗卫生”。旧的自由填写文字按名称和别名归入领域。",
        error_messages={"required": "请填写别名。"},
    )


class TwoFactorCodeForm(StyledFormMixin, forms.Form):
    """The second step: a code of the authenticator app, or one of the backup codes."""

    code = forms.CharField(
        label="验证码",
        max_length=20,
        help_text="身份验证器显示的6位数字；手机不在身边时，可输入一个8位备用验证码（每个只能用一次）。",
        error_messages={"required": "请输入验证码。"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class TwoFactorEnrolForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label="验证码",
        max_length=10,
        help_text="扫描二维码（或手动输入密钥）后，身份验证器显示的6位数字。",
        error_messages={"required": "请输入身份验证器显示的6位验证码。"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
