"""The error summary at the top of a form (issue 15 (4), after GOV.UK's): every error named with its field
and linked to it, so a long form can be fixed from the top; static/js/errors.js moves focus to it."""

from django import template

register = template.Library()


def _items(form_or_formset) -> list[tuple[str, str]]:
    items = []
    if form_or_formset is None:
        return items
    if hasattr(form_or_formset, "forms"):  # a formset: its own errors, then each row's, named by row
        items += [("", str(e)) for e in form_or_formset.non_form_errors()]
        for number, row in enumerate(form_or_formset.forms, start=1):
            for item in _items(row):
                anchor, text = item
                items.append((anchor, f"第{number}行 {text}"))
        return items
    items += [("", str(e)) for e in form_or_formset.non_field_errors()]
    for field in form_or_formset:
        if field.is_hidden:
            items += [("", str(e)) for e in field.errors]
        else:
            items += [(field.auto_id or "", f"{field.label}：{e}") for e in field.errors]
    return items


@register.inclusion_tag("partials/_error_summary.html")
def error_summary(*forms):
    """`{% error_summary form formset ... %}`: nothing when all are valid or unbound."""
    return {"items": [item for form in forms for item in _items(form)]}
