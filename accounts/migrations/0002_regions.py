"""Load the ten city-level units of SPEC 1 (设区市人社局 ×9 and 平潭综合实验区党群工作部)."""

from django.db import migrations

REGIONS = [
    ("350100", "福州市", "福州市人力资源和社会保障局"),
    ("350200", "厦门市", "厦门市人力资源和社会保障局"),
    ("350300", "莆田市", "莆田市人力资源和社会保障局"),
    ("350400", "三明市", "三明市人力资源和社会保障局"),
    ("350500", "泉州市", "泉州市人力资源和社会保障局"),
    ("350600", "漳州市", "漳州市人力资源和社会保障局"),
    ("350700", "南平市", "南平市人力资源和社会保障局"),
    ("350800", "龙岩市", "龙岩市人力资源和社会保障局"),
    ("350900", "宁德市", "宁德市人力资源和社会保障局"),
    ("350128", "平潭综合实验区", "平潭综合实验区党群工作部"),
]


def load(apps, schema_editor):
    Region = apps.get_model("users", "Region")
    for order, (code, name, unit) in enumerate(REGIONS, start=1):
        Region.objects.update_or_create(code=code, defaults={"name": name, "hr_unit_name": unit, "order": order})


class Migration(migrations.Migration):
    dependencies = [("users", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
