"""URLs of the benchmark server (bench/settings_floor.py): every URL of the application
(config.urls) plus, under /_floor/, the floor of each page bench/pages.py measures
(bench/floor_views.py). Never used outside the benchmarks."""

from django.urls import path

from config.urls import handler403, handler404, handler500, urlpatterns as app_urlpatterns  # noqa: F401

from . import floor_views as floor

urlpatterns = [
    path("_floor/", floor.dashboard),
    path("_floor/don-vi/", floor.organization_list),
    path("_floor/ca-nhan/", floor.person_list),
    path("_floor/khen-thuong/so-khen-thuong/", floor.registry_search),
    path("_floor/khen-thuong/ho-so/", floor.dossier_list),
    path("_floor/khen-thuong/ho-so/<int:pk>/", floor.dossier_detail),
    path("_floor/khen-thuong/tham-dinh/", floor.appraisal_queue),
    path("_floor/khen-thuong/hoi-dong/phien-hop/<int:pk>/phieu-bau/", floor.meeting_ballot),
    path("_floor/lich/han-cua-toi/", floor.my_deadlines),
    path("_floor/lich/thong-bao/", floor.notification_list),
    *app_urlpatterns,
]
