"""The application's navigation, by area. An item shows only to users its predicate admits."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _



from . import permissions

NAVIGATION = [
    (_("Thi đua"), [
        (_("Cụm, khối thi đua"), "clusters:group_list", lambda u: True),
        (_("Đơn vị"), "clusters:organization_list", lambda u: True),
        (_("Cá nhân"), "clusters:person_list", lambda u: True),
    ]),
    (_("Quản trị"), [
        (_("Người dùng"), "accounts:user_list", permissions.can_administer),
        (_("Thiết lập cụm, khối năm mới"), "clusters:group_copy_year", permissions.can_administer),
        (_("Ngày nghỉ lễ"), "deadlines:holiday_list", permissions.is_central_admin),
        (_("Trang quản trị hệ thống"), "admin:index", permissions.can_use_django_admin),
    ]),
]


def navigation_for(user):
    areas = []
    for area, items in NAVIGATION:
        visible = [(label, reverse(name)) for label, name, allowed in items if allowed(user)]
        if visible:
            areas.append({"label": area, "items": visible})
    return areas
