from django.contrib import admin
from django.urls import include, path

from accounts.views import dashboard

from . import errors

admin.site.site_header = "Quản trị hệ thống Thi đua - Khen thưởng"
admin.site.site_title = "Quản trị hệ thống"

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("tai-khoan/", include("accounts.urls")),
    path("", include("clusters.urls")),
    path("lich/", include("deadlines.urls")),
    path("quan-tri-he-thong/", admin.site.urls),
]

handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
