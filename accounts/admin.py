from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import RoleAssignment, User
from .permissions import can_use_django_admin

_default_has_permission = admin.site.has_permission


def _has_permission(request):
    # Django's admin is for administrators only; everyday work uses the application's pages.
    return _default_has_permission(request) and can_use_django_admin(request.user)


admin.site.has_permission = _has_permission


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    raw_id_fields = ["organization"]
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((None, {"fields": ("full_name",)}),)
    list_display = ["username", "full_name", "email", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email"]
    inlines = [RoleInline]

    def has_delete_permission(self, request, obj=None):
        # Users are deactivated, never deleted: deleting one would set history_user to NULL on
        # audit rows, which the application's database role may not change (audit_grants).
        return False


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "organization", "valid_from", "valid_to"]
    list_filter = ["role"]
    raw_id_fields = ["user", "organization"]
