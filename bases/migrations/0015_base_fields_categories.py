# Each base's free-text fields ("工程技术、卫生健康") read into its training_fields (Art. 3) through the fields'
# names and aliases; the text stays as written. Words that match nothing are listed by the categories report.

import re

from django.db import migrations

SEPARATORS = re.compile(r"[、,，;；/／\s]+")


def read_fields(apps, schema_editor):
    Base = apps.get_model("bases", "Base")
    TrainingField = apps.get_model("users", "TrainingField")
    TrainingFieldAlias = apps.get_model("users", "TrainingFieldAlias")
    known = {field.name: field.pk for field in TrainingField.objects.all()}
    known.update({alias.word: alias.field_id for alias in TrainingFieldAlias.objects.all()})
    through = Base.training_fields.through
    links = []
    for pk, text in Base.objects.exclude(fields="").values_list("pk", "fields").iterator():
        found = {known[word] for word in SEPARATORS.split(text) if word in known}
        links.extend(through(base_id=pk, trainingfield_id=field) for field in found)
    through.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ("bases", "0014_institution_kind_fk"),
    ]

    operations = [
        migrations.RunPython(read_fields, migrations.RunPython.noop),
    ]
