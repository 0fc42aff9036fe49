"""Seed the working-day calendar from the State Council's yearly notices (the `chinesecalendar` package) for
every year from the measures' entry into force (2024) that the installed package covers. A day the province
entered itself is kept. Later years come with `manage.py import_holidays YEAR` once the notice is out."""

from datetime import date

from django.db import migrations

FIRST_YEAR = 2024
NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
}


def seed(apps, schema_editor):
    import chinese_calendar

    CalendarDay = apps.get_model("applications", "CalendarDay")
    names = NAMES
    province = set(CalendarDay.objects.filter(source="province").values_list("date", flat=True))
    rows = [
        CalendarDay(date=day, kind="holiday", name=names.get(name, name), source="official")
        for day, name in chinese_calendar.holidays.items()
        if day.year >= FIRST_YEAR and day.weekday() < 5 and day not in province
    ] + [
        CalendarDay(date=day, kind="workday", name=f"{names.get(name, name)}调休上班", source="official")
        for day, name in chinese_calendar.workdays.items()
        if day.year >= FIRST_YEAR and day.weekday() >= 5 and day not in province
    ]
    CalendarDay.objects.filter(date__gte=date(FIRST_YEAR, 1, 1), source="official").delete()
    CalendarDay.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("applications", "0009_calendar_day_source")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
