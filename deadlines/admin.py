from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Holiday


@admin.register(Holiday)
class HolidayAdmin(SimpleHistoryAdmin):
    list_display = ["name", "day", "month", "year"]
