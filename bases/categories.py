"""What bases tell the categories of Art. 3 (accounts.categories): a live base keeps its fields and kind from
being retired, and its free-text fields feed the unmapped report."""

from accounts import categories
from accounts.models import InstitutionKind, TrainingField

from .models import Base


def live_bases(category) -> list[str]:
    if isinstance(category, TrainingField | InstitutionKind):
        n = category.bases.live().count()
    else:
        return []
    return [f"{n}家在册基地"] if n else []


def free_text():
    for name, text in Base.objects.exclude(fields="").values_list("name", "fields").iterator(chunk_size=2000):
        yield f"基地 {name}", text


categories.register_usage(live_bases)
categories.register_free_text(free_text)
