"""Seed the faculty pool (Art. 16) of every existing base from the faculty of its recognised application,
as recognition now does for new bases (bases.services.faculty.seed_faculty). History rows are written too,
so the pool's changes start from this seeding."""

from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    Base = apps.get_model("bases", "Base")
    Teacher = apps.get_model("bases", "Teacher")
    HistoricalTeacher = apps.get_model("bases", "HistoricalTeacher")
    ApplicationPerson = apps.get_model("applications", "ApplicationPerson")
    now = timezone.now()
    for base in Base.objects.filter(teachers__isnull=True).select_related("institution").iterator():
        people = ApplicationPerson.objects.filter(application_id=base.application_id, kind="faculty").order_by("id")
        for person in people:
            teacher = Teacher.objects.create(
                base=base,
                name=person.name,
                degree=person.degree,
                title=person.title,
                fields=person.specialty,
                full_time=person.full_time,
                employer=base.institution.name if person.full_time else "",
                courses="",
                active_from=base.recognised_on,
            )
            HistoricalTeacher.objects.create(
                id=teacher.id,
                base_id=base.id,
                name=teacher.name,
                degree=teacher.degree,
                title=teacher.title,
                fields=teacher.fields,
                full_time=teacher.full_time,
                employer=teacher.employer,
                courses=teacher.courses,
                active_from=teacher.active_from,
                active_to=None,
                history_date=now,
                history_type="+",
                history_change_reason="由认定申报的骨干师资导入",
            )


class Migration(migrations.Migration):
    dependencies = [
        ("bases", "0009_faculty_courseware"),
        ("applications", "0008_acceptance_number"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
