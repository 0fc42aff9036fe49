# The fields of an application become categories (Art. 3): the free text is kept as legacy_fields and read
# into the many-to-many through the fields' names and aliases; words that match nothing stay in the text
# and are listed by the categories report (manage.py categories_report, /users/categories/unmapped/).

import re

from django.db import migrations, models

SEPARATORS = re.compile(r"[、,，;；/／\s]+")


def read_fields(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    TrainingField = apps.get_model("users", "TrainingField")
    TrainingFieldAlias = apps.get_model("users", "TrainingFieldAlias")
    known = {field.name: field.pk for field in TrainingField.objects.all()}
    known.update({alias.word: alias.field_id for alias in TrainingFieldAlias.objects.all()})
    through = Application.training_fields.through
    links = []
    for pk, text in Application.objects.exclude(legacy_fields="").values_list("pk", "legacy_fields").iterator():
        found = {known[word] for word in SEPARATORS.split(text) if word in known}
        links.extend(through(application_id=pk, trainingfield_id=field) for field in found)
    through.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ("applications", "0010_official_holidays"),
        ("users", "0005_institution_kinds"),
    ]

    operations = [
        migrations.RenameField(model_name="application", old_name="training_fields", new_name="legacy_fields"),
        migrations.RenameField(model_name="historicalapplication", old_name="training_fields", new_name="legacy_fields"),
        migrations.AlterField(
            model_name="application",
            name="legacy_fields",
            field=models.CharField(blank=True, max_length=300, verbose_name="原填培训领域"),
        ),
        migrations.AlterField(
            model_name="historicalapplication",
            name="legacy_fields",
            field=models.CharField(blank=True, max_length=300, verbose_name="原填培训领域"),
        ),
        migrations.AddField(
            model_name="application",
            name="training_fields",
            field=models.ManyToManyField(
                blank=True, related_name="applications", to="users.trainingfield", verbose_name="培训领域"
            ),
        ),
        migrations.RunPython(read_fields, migrations.RunPython.noop),
    ]
