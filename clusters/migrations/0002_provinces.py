"""The 63 provinces of 2021 and the 2025 rearrangement into 34 (reference data, not demo data).

Source: the National Assembly resolution of 12/06/2025; merged provinces end on 30/06/2025 and
continue in the province that keeps its name. Thừa Thiên Huế became the city of Huế on
01/01/2025, keeping its territory: the same row, renamed, with the former name in history."""

import csv
from datetime import date
from pathlib import Path

from django.db import migrations

CITIES_2021 = {"Hà Nội", "Thành phố Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ"}
MERGED_ON = date(2025, 7, 1)
LAST_DAY = date(2025, 6, 30)


def load(apps, schema_editor):
    from clusters.text import fold, sort_key

    Province = apps.get_model("clusters", "Province")
    ProvinceName = apps.get_model("clusters", "ProvinceName")
    path = Path(__file__).resolve().parent.parent / "data" / "provinces-2025.csv"
    with path.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))

    def make(name, kind):
        return Province.objects.create(
            code=fold(name).replace(" - ", "-").replace(" ", "-"), name=name, kind=kind,
            sort_key=sort_key(name),
        )

    survivors = {}
    for row in rows:
        old, new, kind = row["province_2021"], row["province_2025"], row["kind_2025"]
        if old == new:
            survivors[new] = make(new, kind)
        elif old == "Thừa Thiên Huế":
            hue = make(new, kind)
            survivors[new] = hue
            ProvinceName.objects.create(province=hue, name=old, valid_to=date(2024, 12, 31))
            ProvinceName.objects.create(province=hue, name=new, valid_from=date(2025, 1, 1))
    for row in rows:
        old, new = row["province_2021"], row["province_2025"]
        if old == new or old == "Thừa Thiên Huế":
            continue
        absorbed = make(old, "city" if old in CITIES_2021 else "province")
        absorbed.valid_to = LAST_DAY
        absorbed.merged_into = survivors[new]
        absorbed.save()


def unload(apps, schema_editor):
    apps.get_model("clusters", "ProvinceName").objects.all().delete()
    Province = apps.get_model("clusters", "Province")
    Province.objects.filter(merged_into__isnull=False).delete()
    Province.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("clusters", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
