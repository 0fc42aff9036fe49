"""Each base keeps the unit that recommended it (its application's routing), as recognition now stores it
(bases.services.create_base), so a recommender's list of bases reads one index in its order (issue 20).
Existing bases take it from their applications."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Base = apps.get_model("bases", "Base")
    Application = apps.get_model("applications", "Application")
    routing = Application.objects.filter(pk=OuterRef("application_id"))
    Base.objects.update(
        recommender_region_id=Subquery(routing.values("recommender_region_id")[:1]),
        recommender_department_id=Subquery(routing.values("recommender_department_id")[:1]),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0012_queue_order_stored_and_indexed'),
        ('bases', '0017_filing_waiting_index'),
        ('users', '0005_institution_kinds'),
    ]

    operations = [
        migrations.AddField(
            model_name='base',
            name='recommender_department',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='users.department', verbose_name='推荐单位（省级行业主管部门）'),
        ),
        migrations.AddField(
            model_name='base',
            name='recommender_region',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='users.region', verbose_name='推荐单位（设区市）'),
        ),
        migrations.AddIndex(
            model_name='base',
            index=models.Index(condition=models.Q(('recommender_region__isnull', False)), fields=['recommender_region', 'year', 'sequence'], name='base_rec_region_idx'),
        ),
        migrations.AddIndex(
            model_name='base',
            index=models.Index(condition=models.Q(('recommender_department__isnull', False)), fields=['recommender_department', 'year', 'sequence'], name='base_rec_department_idx'),
        ),
        migrations.AddConstraint(
            model_name='base',
            constraint=models.CheckConstraint(condition=models.Q(('recommender_region__isnull', True), ('recommender_department__isnull', True), _connector='OR'), name='base_one_recommender'),
        ),
        # last: the dashboard's deferred triggers on bases_base (reports 0001) forbid DDL on it after the UPDATE
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
