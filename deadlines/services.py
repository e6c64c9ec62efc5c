from django.db import transaction

from .models import Holiday


@transaction.atomic
def holiday_create(*, name: str, day: int, month: int, year: int | None) -> Holiday:
    holiday = Holiday(name=name, day=day, month=month, year=year)
    holiday.full_clean()
    holiday.save()
    return holiday


@transaction.atomic
def holiday_delete(*, holiday: Holiday) -> None:
    holiday.delete()
