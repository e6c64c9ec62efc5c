from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import EmulationGroup, GroupLeadership, GroupMembership, Organization, Person, Province


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "valid_from", "valid_to", "merged_into"]
    search_fields = ["name"]


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "province", "active_to"]
    list_filter = ["kind", "province"]
    search_fields = ["code", "name", "search_text"]
    raw_id_fields = ["parent", "merged_into"]
    readonly_fields = ["path"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "birth_year", "organization"]
    search_fields = ["search_text"]
    raw_id_fields = ["organization"]


@admin.register(EmulationGroup)
class EmulationGroupAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "organizer"]
    raw_id_fields = ["organizer"]


@admin.register(GroupMembership)
class GroupMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["group", "organization", "year"]
    list_filter = ["year"]
    raw_id_fields = ["organization", "group"]


@admin.register(GroupLeadership)
class GroupLeadershipAdmin(SimpleHistoryAdmin):
    list_display = ["group", "year", "role", "organization"]
    raw_id_fields = ["organization", "group"]
