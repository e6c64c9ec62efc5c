from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts.views import dashboard

from . import errors

admin.site.site_header = _("Emulation and Commendation System administration")
admin.site.site_title = _("System administration")

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("tai-khoan/", include("accounts.urls")),
    path("", include("clusters.urls")),
    path("lich/", include("deadlines.urls")),
    path("khen-thuong/", include("awards.urls")),
    path("thi-dua/", include("emulation.urls")),
    path("bao-cao/", include("reports.urls")),
    path("quan-tri-he-thong/", admin.site.urls),
]

handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error

# Public verification of certificates, linked from their QR code (no login).
urlpatterns += [path("xac-minh/", include("awards.urls_public"))]

# The in-app user guide (issue 9), one page per area; the header links to the current area's page.
urlpatterns += [path("huong-dan/", include("config.urls_help"))]
