"""The dashboard's generation number and the triggers that renew it (reports/models.py says why).

Two triggers on each table the figures are counted from:
- `reports_dashboard_dirty` (each statement, at once): marks the transaction as one that wrote those tables
  (a transaction-local setting), so a dashboard read inside it counts afresh and caches nothing;
- `reports_dashboard_renew` (each row, deferred to the commit): the first one in the transaction gives the
  generation row a fresh random number (a UUID). Deferred, it takes the row's lock at commit only, so writers
  queue on it for the length of a commit, never for a whole transaction, and cannot deadlock on it.
A number is random, never derived from the old one, so none is issued twice: not after a database is restored
from a backup or created again under the same name (a sequence would start over and meet the cache's old keys). TRUNCATE fires neither trigger: it empties the generation's
own table too, and with no row the dashboard caches nothing.
"""

from django.db import migrations, models

TABLES = [
    "bases_base",
    "bases_base_training_fields",
    "bases_annualfiling",
    "users_institutionkind",
    "users_trainingfield",
    "users_region",
    "users_institution",
    "applications_application",
    "applications_batch",
    "applications_bar",
    "inspections_inspection",
    "inspections_rectificationorder",
]

FUNCTIONS = """
INSERT INTO reports_generation (id, number) VALUES (1, gen_random_uuid());

CREATE FUNCTION reports_dashboard_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('reports.dashboard_dirty', 'on', true);
    RETURN NULL;
END $$;

CREATE FUNCTION reports_dashboard_renew() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('reports.dashboard_renewed', true) IS DISTINCT FROM 'on' THEN
        UPDATE reports_generation SET number = gen_random_uuid();
        PERFORM set_config('reports.dashboard_renewed', 'on', true);
    END IF;
    RETURN NULL;
END $$;
"""

TRIGGERS = """
CREATE TRIGGER reports_dashboard_dirty AFTER INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION reports_dashboard_dirty();
CREATE CONSTRAINT TRIGGER reports_dashboard_renew AFTER INSERT OR UPDATE OR DELETE ON {table}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reports_dashboard_renew();
"""

DROP_TRIGGERS = """
DROP TRIGGER reports_dashboard_dirty ON {table};
DROP TRIGGER reports_dashboard_renew ON {table};
"""

DROP_FUNCTIONS = """
DROP FUNCTION reports_dashboard_dirty();
DROP FUNCTION reports_dashboard_renew();
"""


def _on_postgresql(sql):
    # The embedded SQLite database of `make run` keeps no generation: its dashboard is counted on every read.
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


create_triggers = _on_postgresql(FUNCTIONS + "".join(TRIGGERS.format(table=t) for t in TABLES))
drop_triggers = _on_postgresql("".join(DROP_TRIGGERS.format(table=t) for t in TABLES) + DROP_FUNCTIONS)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("applications", "0011_training_fields_categories"),
        ("bases", "0016_adjustment_merger"),
        ("inspections", "0008_inspection_plan"),
        ("users", "0005_institution_kinds"),
    ]

    operations = [
        migrations.CreateModel(
            name="Generation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.UUIDField(verbose_name="版本号")),
            ],
            options={"verbose_name": "统计数据版本", "verbose_name_plural": "统计数据版本"},
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
