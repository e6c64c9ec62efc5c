"""Vietnam's fixed public holidays (Labour Code 2019, Art. 112). Tết, the Hùng Kings'
day and the second National Day holiday move every year: administrators enter them per year."""

from django.db import migrations

FIXED = [
    (1, 1, "Tết Dương lịch"),
    (30, 4, "Ngày Chiến thắng (30/4)"),
    (1, 5, "Ngày Quốc tế Lao động"),
    (2, 9, "Quốc khánh"),
]


def seed(apps, schema_editor):
    Holiday = apps.get_model("deadlines", "Holiday")
    for day, month, name in FIXED:
        Holiday.objects.get_or_create(day=day, month=month, year=None, defaults={"name": name})


def unseed(apps, schema_editor):
    Holiday = apps.get_model("deadlines", "Holiday")
    for day, month, _name in FIXED:
        Holiday.objects.filter(day=day, month=month, year__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
