"""How every form looks (Bootstrap classes on widgets, one field template for label, help and errors), and
how a refusal of the domain reaches the user."""

from django import forms
from django.contrib import messages
from django.db import models
from django.forms.renderers import TemplatesSetting

from .errors import Conflict


class PortalRenderer(TemplatesSetting):
    form_template_name = "partials/form.html"
    field_template_name = "partials/field.html"


class StyledFormMixin:
    """Give each widget its Bootstrap class, and mark fields with errors as invalid."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            elif isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                css = ""
            else:
                css = "form-control"
            if css:
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


class RowLabelledFormSet(forms.BaseFormSet):
    """A formset shown as a table, one form a row: the header names each column once, so every input gets its
    own accessible name, "第3行 姓名", for screen readers (WCAG 1.3.1, 4.1.2; issue 15, point 5).

    "添加一行" (issue 15, point 4) is a submit button named `add_name`. With JavaScript the row is added in the
    page from `empty_form` (static/js/rows.js); without it the form comes back as typed, with one more row: a
    formset bound to a POST that carries the button counts one form more than the POST did. Views show such
    a POST again and save nothing.
    """

    def __init__(self, data=None, *args, **kwargs):
        prefix = kwargs.get("prefix") or self.get_default_prefix()
        total = f"{prefix}-TOTAL_FORMS"
        if data is not None and f"{prefix}-add" in data and str(data.get(total, "")).isdigit():
            data = data.copy()
            data[total] = str(min(int(data[total]) + 1, self.max_num))
        super().__init__(data, *args, **kwargs)

    @property
    def add_name(self) -> str:
        return f"{self.prefix}-add"

    @property
    def row_added(self) -> bool:
        """The POST asked for one more row (without JavaScript): show the form again, save nothing."""
        return self.is_bound and self.add_name in self.data

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = "新增行" if index is None else f"第{index + 1}行"
        for field in form.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs["aria-label"] = f"{row} {field.label}"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def formfield(model_field, **kwargs):
    """ModelForm fields as Django's, but web addresses typed without a scheme mean https://."""
    if isinstance(model_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return model_field.formfield(**kwargs)


def show_refusal(request, error, form=None) -> None:
    """Tell the user why the domain refused (a RuleViolation or a Conflict), where they will read it.

    A refusal about one of the form's fields goes under that field, any other at the top of the form.
    Without a form (the view redirects), or when someone else acted first (the page may no longer offer
    the form), it goes among the page's messages.
    """
    text = str(error)
    field = getattr(error, "field", None)
    if form is not None and field in form.fields:
        form.add_error(field, text)
    elif form is not None and not isinstance(error, Conflict):
        form.add_error(None, text)
    else:
        messages.error(request, text)


class ConfirmPublishForm(forms.Form):
    """The confirmation of a preview (issue 14, point 6): the digest of the text the user saw. A POST
    without it publishes nothing; the preview is shown instead."""

    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, prefix="confirm", **kwargs)

    def carried(self, data) -> list[tuple[str, str]]:
        """The other fields of the POST, to be posted again with the confirmation."""
        if data is None:
            return []
        return [
            (name, value)
            for name, values in data.lists()
            if name != "csrfmiddlewaretoken" and not name.startswith(f"{self.prefix}-")
            for value in values
        ]
