"""What applications tell the categories of Art. 3 (accounts.categories): an application in progress keeps
its fields and its institution's kind from being retired, and its old free text feeds the unmapped report."""

from accounts import categories
from accounts.models import InstitutionKind, TrainingField

from .models import IN_PROGRESS, Application


def open_applications(category) -> list[str]:
    if isinstance(category, TrainingField):
        n = category.applications.filter(state__in=IN_PROGRESS).count()
    elif isinstance(category, InstitutionKind):
        n = Application.objects.filter(institution__type=category, state__in=IN_PROGRESS).count()
    else:
        return []
    return [f"{n}份办理中的申报"] if n else []


def free_text():
    rows = Application.objects.exclude(legacy_fields="").values_list("pk", "institution__name", "legacy_fields")
    for pk, institution, text in rows.iterator(chunk_size=2000):
        yield f"申报#{pk} {institution}", text


categories.register_usage(open_applications)
categories.register_free_text(free_text)
