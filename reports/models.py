"""Reports read other apps' tables; the one they keep is the dashboard's generation number.

The figures of the dashboard are cached per scope and day under the generation they were counted at. Triggers in
the database (migration 0001) give the generation a new number in every transaction that writes a table the
figures are counted from, whatever the path of the write (workflow.perform, a queryset's update(), bulk_create,
a migration, raw SQL): the new number becomes visible in the same commit as the rows, so a cached figure is never
read after the rows behind it changed.
"""

from django.db import models


class Generation(models.Model):
    """One row: the number of the committed state of the tables behind the dashboard (random: a UUID)."""

    number = models.UUIDField("版本号")

    class Meta:
        verbose_name = verbose_name_plural = "统计数据版本"

    def __str__(self):
        return str(self.number)
