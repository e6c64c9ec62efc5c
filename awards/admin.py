from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AwardType, RuleParameter, RuleSet


@admin.register(AwardType)
class AwardTypeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "category", "recipient_kind", "granting_level", "is_active"]
    list_filter = ["category", "recipient_kind", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []


# Rule sets are read-only here: their pages in the application validate values by kind and
# refuse overlapping periods, which the admin's forms would bypass.
class RuleParameterInline(admin.TabularInline):
    model = RuleParameter
    fields = ["key", "label", "kind", "value", "verified", "legal_citation"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RuleSet)
class RuleSetAdmin(SimpleHistoryAdmin):
    list_display = ["name", "valid_from", "valid_to"]
    inlines = [RuleParameterInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
