"""The token form: a name, and for an institution with several bases, which base."""

from django import forms

from core.forms import StyledFormMixin

from .models import ApiToken


class TokenForm(StyledFormMixin, forms.ModelForm):
    base = forms.ModelChoiceField(label="基地", queryset=None, empty_label=None)

    class Meta:
        model = ApiToken
        fields = ["name"]
        help_texts = {"name": "用于识别令牌的用途，如「学时对接系统」，不超过50个字。"}

    def __init__(self, *args, bases=None, **kwargs):
        super().__init__(*args, **kwargs)
        if bases is None:
            del self.fields["base"]
        else:
            self.fields["base"].queryset = bases
            self.fields["base"].error_messages["invalid_choice"] = "请选择本单位资格有效的基地。"
            self.order_fields(["base", "name"])
