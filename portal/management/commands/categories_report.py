"""The words of the old free-text fields that name no training field or alias (Art. 3), most frequent first.

    manage.py categories_report

The same list as the province's page /users/categories/unmapped/. Map a word by adding it as an alias of
a field on that field's page (or in the admin); the records keep their text and gain the field the next time
`categories_report --apply` runs.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import categories
from applications.models import Application
from bases.models import Base


class Command(BaseCommand):
    help = "列出旧的自由填写培训领域中未能归入任何领域的词语；--apply 按现有名称和别名补归类。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--apply", action="store_true", help="按现有领域名称和别名，为申报和基地补上可识别的培训领域"
        )

    def handle(self, *, apply, **options):
        if apply:
            self.stdout.write(
                f"已补归类：申报 {apply_to(Application, 'legacy_fields')} 份，基地 {apply_to(Base, 'fields')} 家。"
            )
        rows = categories.unmapped_words()
        if not rows:
            self.stdout.write("旧填写内容均已归入培训领域。")
            return
        self.stdout.write(f"未归类的词语 {len(rows)} 个：")
        for row in rows:
            self.stdout.write(f"{row.word}\t{row.count}\t{'；'.join(row.where)}")


@transaction.atomic
def apply_to(model, text_field: str) -> int:
    """Link each record to the fields its free text names (existing links are kept); the records changed."""
    known = categories.known_words()
    through = model.training_fields.through
    source = f"{model._meta.model_name}_id"
    links, touched = [], set()
    for pk, text in model.objects.exclude(**{text_field: ""}).values_list("pk", text_field).iterator(chunk_size=2000):
        for field_id in {known[word] for word in categories.words(text) if word in known}:
            links.append(through(**{source: pk, "trainingfield_id": field_id}))
            touched.add(pk)
    existing = set(through.objects.filter(**{f"{source}__in": touched}).values_list(source, "trainingfield_id"))
    new = [link for link in links if (getattr(link, source), link.trainingfield_id) not in existing]
    through.objects.bulk_create(new, batch_size=2000)
    return len({getattr(link, source) for link in new})
